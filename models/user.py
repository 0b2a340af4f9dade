"""Accounts, registration decisions and server-side web sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from models.columns import enum_type


class Role(StrEnum):
    KOMMUNE = "kommune"  # municipal staff, bound to exactly one municipality (tenant)
    KISA = "kisa"  # KISA Team Antragsmanagement
    ADMIN = "admin"  # operator: everything KISA may do, plus staff accounts


class UserStatus(StrEnum):
    PENDING = "pending"  # registered, waiting for KISA's Freischaltung; may only see that
    INVITED = "invited"  # added by a colleague, has not set a password yet
    ACTIVE = "active"  # may work
    REJECTED = "rejected"  # registration refused by KISA, with a reason
    DISABLED = "disabled"  # switched off by an administrator


class User(SQLModel, table=True):
    """A person who logs in: municipal staff, KISA staff or an administrator."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)  # normalised, lower case
    full_name: str = Field(max_length=200)
    phone: str = Field(default="", max_length=32)  # E.164, e.g. +4935112345
    role: Role = Field(sa_type=enum_type(Role))
    position: str = Field(default="", max_length=120)  # role in the municipality, e.g. OZG-Koordinator:in
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    can_manage_team: bool = Field(default=False)  # the registering person adds colleagues
    status: UserStatus = Field(default=UserStatus.PENDING, sa_type=enum_type(UserStatus))
    password_hash: str = Field(default="", max_length=255)
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = None
    last_login_at: datetime | None = None
    authorised_confirmed_at: datetime | None = None  # "I may act for this municipality"
    invited_by_id: int | None = Field(default=None, foreign_key="user.id")
    invitation_token_hash: str | None = Field(default=None, max_length=64, index=True)
    invitation_expires_at: datetime | None = None
    is_demo: bool = Field(default=False)  # demo persona: exists only in demo data
    created_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)  # optimistic locking counter


class RegistrationDecision(SQLModel, table=True):
    """KISA's Freischaltung or rejection of a registration, kept for the record."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    decided_by_id: int = Field(foreign_key="user.id")
    approved: bool
    reason: str = Field(default="", max_length=2000)
    decided_at: datetime = Field(default_factory=utcnow)


class WebSession(SQLModel, table=True):
    """A browser's login, referenced by an HttpOnly cookie; only the token's hash is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)  # set when bound
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime  # absolute end, whatever the activity
    revoked_at: datetime | None = None
    # Last successful password check in this session (the login, or a confirmation before a sensitive action);
    # None: none that counts. Kept here on the server, never in the browser.
    authenticated_at: datetime | None = None
    bind_code_hash: str | None = Field(default=None, max_length=64, index=True)  # one-time cookie hand-over
    # Where the person was and what they had typed when a confirmation sent them to the identity provider (JSON,
    # accounts.sso_return); read and cleared on the way back, cleared when the session ends.
    return_ticket: str | None = Field(default=None, sa_type=Text)
    bind_code_expires_at: datetime | None = None


ROLE_NAMES: dict[Role, str] = {Role.KOMMUNE: "Kommune", Role.KISA: "KISA", Role.ADMIN: "Administration"}

USER_STATUS_NAMES: dict[UserStatus, str] = {
    UserStatus.ACTIVE: "aktiv",
    UserStatus.INVITED: "eingeladen",
    UserStatus.PENDING: "wartet auf Freischaltung",
    UserStatus.REJECTED: "abgelehnt",
    UserStatus.DISABLED: "deaktiviert",
}
