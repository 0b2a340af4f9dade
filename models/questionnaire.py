"""The configuration questionnaire: master data per municipality, one questionnaire per ordered product."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import utcnow


class MasterData(SQLModel, table=True):
    """A municipality's answers that are the same for every product (Stammdaten); pre-fill every questionnaire."""

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", unique=True, index=True)
    answers: str = Field(default="{}", sa_type=Text)  # JSON: question key -> value
    version: int = Field(default=0)  # optimistic locking counter, +1 on every save
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")


class Questionnaire(SQLModel, table=True):
    """The configuration questionnaire of one ordered product; editable while the product waits for it."""

    id: int | None = Field(default=None, primary_key=True)
    ordered_product_id: int = Field(foreign_key="orderedproduct.id", unique=True, index=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)  # tenant, copied for scoping
    product_id: str = Field(foreign_key="catalogproduct.id", index=True, max_length=80)
    answers: str = Field(default="{}", sa_type=Text)  # JSON: question key -> value
    version: int = Field(default=1)  # optimistic locking counter, +1 on every change
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")
    submitted_at: datetime | None = None  # latest submission
    submission_count: int = Field(default=0)


class QuestionnaireEdit(SQLModel, table=True):
    """One saved change of a questionnaire: which step, which answers, by whom (shows others' edits on conflict)."""

    id: int | None = Field(default=None, primary_key=True)
    questionnaire_id: int = Field(foreign_key="questionnaire.id", index=True)
    version: int  # the questionnaire's version this change produced
    step: str = Field(max_length=40)
    changes: str = Field(default="[]", sa_type=Text)  # JSON: [{"key", "old", "new"}]
    user_id: int | None = Field(default=None, foreign_key="user.id")
    user_name: str = Field(default="", max_length=200)
    at: datetime = Field(default_factory=utcnow)


class QuestionnaireSubmission(SQLModel, table=True):
    """A submitted state of the answers, kept as it was sent to KISA (the basis of the PDF and the export)."""

    __table_args__ = (UniqueConstraint("questionnaire_id", "number", name="uq_submission_number"),)

    id: int | None = Field(default=None, primary_key=True)
    questionnaire_id: int = Field(foreign_key="questionnaire.id", index=True)
    number: int  # 1 for the first submission, 2 after a query …
    version: int  # questionnaire version submitted
    answers: str = Field(sa_type=Text)
    product_release: str = Field(default="", max_length=20)  # the product's version at submission
    submitted_at: datetime = Field(default_factory=utcnow)
    submitted_by_id: int = Field(foreign_key="user.id")
    submitted_by_name: str = Field(default="", max_length=200)


class QuestionnaireAssignment(SQLModel, table=True):
    """The coordinator asked a colleague to fill some steps of a questionnaire."""

    id: int | None = Field(default=None, primary_key=True)
    questionnaire_id: int = Field(foreign_key="questionnaire.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    steps: str = Field(default="[]", max_length=1000)  # JSON list of step keys
    note: str = Field(default="", max_length=1000)
    invited_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
