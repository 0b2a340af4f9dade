"""Colleagues: the registering person adds further staff of the same municipality, no new approval."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from accounts.access import require_current, require_role, scope_to_tenant
from accounts.actor import Actor
from accounts.hashing import digest
from accounts.passwords import hash_password, password_problem
from accounts.registration import POSITIONS
from accounts.validation import clean_text, normalise_email, normalise_phone, too_long
from audit.log import record
from core.clock import utcnow
from core.config import get_settings
from core.errors import FieldErrors, NotFound, PermissionDenied
from models import Municipality, Role, User, UserStatus
from notifications.outbox import app_link, enqueue


@dataclass(frozen=True)
class TeamMember:
    """A colleague as the team page lists them."""

    user_id: int
    full_name: str
    email: str
    phone: str
    position: str
    status: UserStatus
    can_manage_team: bool


def list_team(session: Session, *, actor: Actor) -> list[TeamMember]:
    """Return the users of the actor's municipality (staff: of every municipality)."""
    require_role(actor, Role.KOMMUNE, Role.KISA, Role.ADMIN)
    query = scope_to_tenant(select(User).where(User.role == Role.KOMMUNE), actor, User.municipality_id)
    rows = session.exec(query.order_by(col(User.full_name))).all()
    return [
        TeamMember(u.id or 0, u.full_name, u.email, u.phone, u.position, u.status, u.can_manage_team)
        for u in rows
    ]


@dataclass(frozen=True)
class Invitation:
    """A colleague's new account and the secret of their invitation link (shown/sent once)."""

    user_id: int
    token: str


def create_invited_colleague(
    session: Session, *, actor: Actor, full_name: str, email: str, phone: str = "", position: str
) -> tuple[User, str]:
    """Add a colleague account (status invited) to the actor's municipality; return it with the link's secret."""
    require_role(actor, Role.KOMMUNE)
    require_current(session, actor, Role.KOMMUNE)
    if not actor.can_manage_team or actor.municipality_id is None:
        raise PermissionDenied("Nur die Person, die Ihre Kommune registriert hat, kann Kolleg:innen hinzufügen.")
    errors: dict[str, str] = {}
    name = clean_text(full_name, max_length=200)
    if len(name) < 3:
        errors["full_name"] = "Bitte geben Sie Vor- und Nachnamen an."
    elif problem := too_long(full_name, max_length=200):
        errors["full_name"] = problem
    normalised, problem = normalise_email(email)
    if problem:
        errors["email"] = problem
    elif session.exec(select(User.id).where(User.email == normalised)).first() is not None:
        errors["email"] = "Mit dieser E-Mail-Adresse besteht bereits ein Konto."
    e164, problem = normalise_phone(phone, required=False)
    if problem:
        errors["phone"] = problem
    if position not in POSITIONS:
        errors["position"] = "Bitte wählen Sie die Funktion in der Kommune."
    if errors:
        raise FieldErrors(errors)
    token = secrets.token_urlsafe(24)
    user = User(
        email=normalised or "",
        full_name=name,
        phone=e164 or "",
        role=Role.KOMMUNE,
        position=position,
        municipality_id=actor.municipality_id,
        status=UserStatus.INVITED,
        invited_by_id=actor.user_id,
        invitation_token_hash=digest(token),
        invitation_expires_at=utcnow() + timedelta(days=get_settings().invitation_valid_days),
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    record(session, actor=actor, action="team.invited", entity_type="user", entity_id=user.id,
           municipality_id=actor.municipality_id, details=f"Kolleg:in eingeladen: {name} ({user.email}).")
    return user, token


def invitation_valid_until(user: User) -> str:
    """Return the German date until which the invitation link works."""
    return f"{(user.invitation_expires_at or utcnow()).astimezone(ZoneInfo('Europe/Berlin')):%d.%m.%Y}"


def invite_colleague(
    session: Session, *, actor: Actor, full_name: str, email: str, phone: str = "", position: str
) -> Invitation:
    """Add a colleague to the actor's municipality; they set their own password via the link."""
    user, token = create_invited_colleague(session, actor=actor, full_name=full_name, email=email, phone=phone,
                                           position=position)
    municipality = session.get(Municipality, actor.municipality_id)
    enqueue(session, event="team.invited", to=user.email, municipality_id=actor.municipality_id, context={
        "municipality": municipality.name if municipality else "",
        "inviter_name": actor.full_name,
        "invitation_url": app_link("einladung", token=token),
        "valid_until": invitation_valid_until(user),
    })
    return Invitation(user.id or 0, token)


@dataclass(frozen=True)
class PendingInvitation:
    """What the invitation page shows before the colleague sets a password."""

    full_name: str
    email: str
    municipality_name: str


def _invited_user(session: Session, token: str, *, lock: bool = False) -> User:
    if not token or len(token) > 128:
        raise NotFound("Dieser Einladungslink ist ungültig oder abgelaufen.")
    query = select(User).where(User.invitation_token_hash == digest(token))
    if lock:  # the link opened in two tabs: the second waits and then finds it used
        query = query.with_for_update().execution_options(populate_existing=True)
    user = session.exec(query).first()
    if (
        user is None
        or user.status != UserStatus.INVITED
        or user.invitation_expires_at is None
        or user.invitation_expires_at < utcnow()
    ):
        raise NotFound("Dieser Einladungslink ist ungültig oder abgelaufen.")
    return user


def peek_invitation(session: Session, *, token: str) -> PendingInvitation:
    """Return who an invitation is for; raise :class:`NotFound` for a bad or used link."""
    user = _invited_user(session, token)
    municipality = session.get(Municipality, user.municipality_id)
    return PendingInvitation(user.full_name, user.email, municipality.name if municipality else "")


def accept_invitation(session: Session, *, token: str, password: str, password_repeat: str) -> User:
    """Set the colleague's password and activate the account (no KISA approval needed)."""
    user = _invited_user(session, token, lock=True)
    problem = password_problem(password, email=user.email, full_name=user.full_name)
    if problem:
        raise FieldErrors({"password": problem})
    if password != password_repeat:
        raise FieldErrors({"password_repeat": "Die beiden Passwörter stimmen nicht überein."})
    user.password_hash = hash_password(password)
    user.status = UserStatus.ACTIVE
    user.invitation_token_hash = None
    user.invitation_expires_at = None
    user.version += 1
    session.add(user)
    record(session, action="team.joined", entity_type="user", entity_id=user.id, actor_label=user.email,
           municipality_id=user.municipality_id, details="Einladung angenommen, Konto aktiv.")
    session.flush()
    return user
