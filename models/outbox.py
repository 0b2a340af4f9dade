"""The outbox: every e-mail is written in the transaction of the change that causes it, then delivered."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from models.columns import enum_type


class MailStatus(StrEnum):
    PENDING = "pending"  # waiting for (another) delivery attempt
    SENDING = "sending"  # claimed by a sender; never claimed twice
    SENT = "sent"  # handed to the SMTP server
    FAILED = "failed"  # gave up after the last retry; KISA sees it in the Postausgang


class OutboxMail(SQLModel, table=True):
    """One e-mail with its rendered parts and its delivery state."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    event: str = Field(max_length=64, index=True)  # e.g. "order.confirmed"
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    text_body: str = Field(sa_type=Text)
    html_body: str = Field(sa_type=Text)
    municipality_id: int | None = Field(default=None, index=True)  # tenant, for scoping
    message_id: str = Field(max_length=200, unique=True)  # Message-ID header: the same mail never twice
    status: MailStatus = Field(default=MailStatus.PENDING, sa_type=enum_type(MailStatus), index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str = Field(default="", max_length=2000)
