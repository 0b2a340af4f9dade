"""Who was told about a product release, and whose configuration it flagged for review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import utcnow


class ReleaseNotice(SQLModel, table=True):
    """A release of a catalogue product as it reached one ordered product (one municipality's use of it)."""

    __table_args__ = (UniqueConstraint("ordered_product_id", "version", name="uq_release_notice"),)

    id: int | None = Field(default=None, primary_key=True)
    ordered_product_id: int = Field(foreign_key="orderedproduct.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    product_id: str = Field(foreign_key="catalogproduct.id", max_length=80, index=True)
    version: str = Field(max_length=20)
    review_required: bool = False  # the configuration must be checked against this release
    notified_at: datetime = Field(default_factory=utcnow)
    reviewed_at: datetime | None = None  # the municipality checked its configuration (or filed a change)
    reviewed_by_id: int | None = Field(default=None, foreign_key="user.id")
    reviewed_by_name: str = Field(default="", max_length=200)
    review_note: str = Field(default="", max_length=2000)
