"""Problems the municipality reports to KISA about an ordered product, as threads both sides write in."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from core.clock import utcnow
from models.columns import enum_type


class ProblemStatus(StrEnum):
    """Whether a reported problem still needs work."""

    OPEN = "open"
    SOLVED = "solved"


class ProblemReport(SQLModel, table=True):
    """A problem with an ordered product (found in the test or later), reported by the municipality."""

    id: int | None = Field(default=None, primary_key=True)
    ordered_product_id: int = Field(foreign_key="orderedproduct.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    title: str = Field(max_length=200)
    status: ProblemStatus = Field(default=ProblemStatus.OPEN, sa_type=enum_type(ProblemStatus), index=True)
    test_item: str = Field(default="", max_length=60)  # the test checklist item it came from, if any
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_by_name: str = Field(default="", max_length=200)
    updated_at: datetime = Field(default_factory=utcnow, index=True)  # last message or status change
    solved_at: datetime | None = None
    solved_by_name: str = Field(default="", max_length=200)


class ProblemMessage(SQLModel, table=True):
    """One message of a problem thread."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="problemreport.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="user.id")
    author_name: str = Field(max_length=200)
    from_kisa: bool = False
    text: str = Field(max_length=4000)
    created_at: datetime = Field(default_factory=utcnow)
