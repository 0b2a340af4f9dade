"""The audit trail: who did what to which record, and when."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.clock import utcnow


class AuditEvent(SQLModel, table=True):
    """One recorded action; never deleted before its retention period, changed only by an erasure (Art. 17 DSGVO).

    An erasure replaces the person's name and address in ``actor_label`` and ``details`` by placeholders; the event,
    its id and everything else stay (privacy/erasure.py).
    """

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    actor_label: str = Field(default="", max_length=254)  # e-mail or "system", kept if the user goes
    action: str = Field(max_length=64, index=True)  # e.g. "login.success", "registration.approved"
    entity_type: str = Field(max_length=64)
    entity_id: str = Field(default="", max_length=64)
    municipality_id: int | None = Field(default=None, index=True)  # tenant the record belongs to
    details: str = Field(default="", max_length=4000)  # short German description
