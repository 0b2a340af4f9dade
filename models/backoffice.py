"""KISA's back office: the lifecycle history of ordered products, review comments, the set-up checklist."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from models.catalog import OrderedProductState
from models.columns import enum_type


class StateChange(SQLModel, table=True):
    """One step of an ordered product through the lifecycle: who moved it when (lead times, journey view)."""

    id: int | None = Field(default=None, primary_key=True)
    ordered_product_id: int = Field(foreign_key="orderedproduct.id", index=True)
    from_state: OrderedProductState = Field(sa_type=enum_type(OrderedProductState))
    to_state: OrderedProductState = Field(sa_type=enum_type(OrderedProductState))
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    actor_name: str = Field(default="", max_length=200)
    note: str = Field(default="", max_length=4000)


class ReviewComment(SQLModel, table=True):
    """KISA's remark on one answer of a submitted configuration; sent to the municipality with a query."""

    id: int | None = Field(default=None, primary_key=True)
    questionnaire_id: int = Field(foreign_key="questionnaire.id", index=True)
    submission_number: int  # the submission the remark is about
    question_key: str = Field(max_length=120)
    text: str = Field(max_length=2000)
    author_id: int = Field(foreign_key="user.id")
    author_name: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None  # when the query carrying it went to the municipality


class SetupTask(SQLModel, table=True):
    """One item of KISA's set-up checklist for an ordered product, ticked with who and when."""

    __table_args__ = (UniqueConstraint("ordered_product_id", "task", name="uq_setup_task"),)

    id: int | None = Field(default=None, primary_key=True)
    ordered_product_id: int = Field(foreign_key="orderedproduct.id", index=True)
    task: str = Field(max_length=40)
    done_at: datetime | None = None
    done_by_id: int | None = Field(default=None, foreign_key="user.id")
    done_by_name: str = Field(default="", max_length=200)
