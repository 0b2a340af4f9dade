"""Test in maintenance mode, acceptance (Abnahme) and the go-live communication checklist of an ordered product."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from models.columns import enum_type


class TestOutcome(StrEnum):
    """What a tester found for one item of the test checklist."""

    __test__ = False  # not a pytest class

    PASSED = "passed"  # works as expected
    FAILED = "failed"  # does not work: a problem for KISA
    NOT_APPLICABLE = "not_applicable"  # does not apply to this municipality


OUTCOME_NAMES = {TestOutcome.PASSED: "in Ordnung", TestOutcome.FAILED: "Fehler", TestOutcome.NOT_APPLICABLE: "entfällt"}


class TestResult(SQLModel, table=True):
    """One tester's result for one item of an ordered product's test checklist, in one test round.

    A round starts with each Go-Live in maintenance mode (the first set-up, and again after a change).
    """

    __test__ = False
    __table_args__ = (UniqueConstraint("ordered_product_id", "round", "item", name="uq_test_result"),)

    id: int | None = Field(default=None, primary_key=True)
    ordered_product_id: int = Field(foreign_key="orderedproduct.id", index=True)
    round: int = Field(default=1)
    item: str = Field(max_length=60)  # key of the checklist item
    outcome: TestOutcome = Field(sa_type=enum_type(TestOutcome))
    tester_name: str = Field(max_length=200)  # one of the testers named in the questionnaire
    note: str = Field(default="", max_length=2000)
    recorded_at: datetime = Field(default_factory=utcnow)
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
    recorded_by_name: str = Field(default="", max_length=200)
    version: int = Field(default=1)  # optimistic lock: +1 on every change


class Acceptance(SQLModel, table=True):
    """The acceptance (Abnahme) of one test round: who accepted when, with a snapshot of the results for the PDF."""

    __table_args__ = (UniqueConstraint("ordered_product_id", "round", name="uq_acceptance_round"),)

    id: int | None = Field(default=None, primary_key=True)
    ordered_product_id: int = Field(foreign_key="orderedproduct.id", index=True)
    round: int = Field(default=1)
    accepted_at: datetime = Field(default_factory=utcnow)
    accepted_by_id: int | None = Field(default=None, foreign_key="user.id")
    accepted_by_name: str = Field(max_length=200)
    remarks: str = Field(default="", max_length=4000)
    snapshot: str = Field(sa_type=Text)  # JSON: product, municipality, items with results, testers


class LaunchTask(SQLModel, table=True):
    """One item of the municipality's go-live communication checklist (website, press, Servicekonto text)."""

    __table_args__ = (UniqueConstraint("ordered_product_id", "task", name="uq_launch_task"),)

    id: int | None = Field(default=None, primary_key=True)
    ordered_product_id: int = Field(foreign_key="orderedproduct.id", index=True)
    task: str = Field(max_length=40)
    done_at: datetime | None = None
    done_by_id: int | None = Field(default=None, foreign_key="user.id")
    done_by_name: str = Field(default="", max_length=200)
