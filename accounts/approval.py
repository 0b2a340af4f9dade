"""KISA's Freischaltung: list pending registrations, approve or reject them with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from accounts.access import require_current, require_staff
from accounts.actor import Actor
from audit.log import record
from core.errors import FieldErrors, NotFound
from core.paging import Page, clamp
from core.text import clean_free_text
from models import Municipality, MunicipalityStatus, RegistrationDecision, Role, User, UserStatus
from notifications.outbox import app_link, enqueue

MAX_REASON = 2000  # RegistrationDecision.reason


@dataclass(frozen=True)
class PendingRegistration:
    """What KISA needs to decide on a registration."""

    user_id: int
    full_name: str
    email: str
    phone: str
    position: str
    municipality_name: str
    ags: str
    ars: str
    leitweg_id: str
    kreis: str
    registered_at: datetime
    is_demo: bool


def _pending_rows() -> Any:
    """The pending registrations with their municipality, oldest first, as plain columns (no ORM objects)."""
    return (sql_select(col(User.id), col(User.full_name), col(User.email), col(User.phone), col(User.position),
                   col(Municipality.name), col(Municipality.ags), col(Municipality.ars), col(Municipality.leitweg_id),
                   col(Municipality.kreis), col(User.created_at), col(User.is_demo))
            .join(Municipality, col(User.municipality_id) == col(Municipality.id))
            .where(col(User.status) == UserStatus.PENDING)
            .order_by(col(User.created_at), col(User.id)))


def _registration(row: Any) -> PendingRegistration:
    (user_id, full_name, email, phone, position, name, ags, ars, leitweg_id, kreis, created_at, is_demo) = row
    return PendingRegistration(user_id=user_id or 0, full_name=full_name, email=email, phone=phone, position=position,
                               municipality_name=name, ags=ags, ars=ars, leitweg_id=leitweg_id or "", kreis=kreis,
                               registered_at=created_at, is_demo=is_demo)


def pending_page(session: Session, *, actor: Actor, number: int, size: int) -> Page[PendingRegistration]:
    """Return page ``number`` (clamped) of the registrations waiting for a decision, oldest first, counted and cut in
    the database."""
    require_staff(actor)
    total = int(session.execute(
        sql_select(func.count()).select_from(User)
        .join(Municipality, col(User.municipality_id) == col(Municipality.id))
        .where(col(User.status) == UserStatus.PENDING)).scalar_one())
    number = clamp(number, total, size)
    rows = session.execute(_pending_rows().offset((number - 1) * size).limit(size)).all()
    return Page([_registration(row) for row in rows], total, number, size)


def _pending_user(session: Session, user_id: int) -> tuple[User, Municipality]:
    user = session.get(User, user_id, with_for_update=True)  # two clerks deciding at once: one waits
    if user is None or user.status != UserStatus.PENDING or user.municipality_id is None:
        raise NotFound("Diese Registrierung wartet nicht (mehr) auf eine Entscheidung.")
    municipality = session.get(Municipality, user.municipality_id)
    assert municipality is not None
    return user, municipality


def approve(session: Session, *, actor: Actor, user_id: int) -> User:
    """Activate the account and its municipality; record the decision."""
    require_staff(actor)
    require_current(session, actor, Role.KISA, Role.ADMIN)
    user, municipality = _pending_user(session, user_id)
    user.status = UserStatus.ACTIVE
    user.version += 1
    municipality.status = MunicipalityStatus.ACTIVE
    session.add(RegistrationDecision(user_id=user_id, decided_by_id=actor.user_id, approved=True))
    record(
        session,
        actor=actor,
        action="registration.approved",
        entity_type="user",
        entity_id=user_id,
        municipality_id=municipality.id,
        details=f"Freigeschaltet: {user.full_name} ({user.email}) für {municipality.name}.",
    )
    enqueue(session, event="registration.approved", to=user.email, municipality_id=municipality.id,
            context={"municipality": municipality.name, "login_url": app_link("anmelden")})
    session.flush()
    return user


def reject(session: Session, *, actor: Actor, user_id: int, reason: str) -> User:
    """Refuse the registration with a reason the applicant will read; record the decision."""
    require_staff(actor)
    require_current(session, actor, Role.KISA, Role.ADMIN)
    reason = clean_free_text(reason, multiline=True)
    if len(reason) < 10:
        raise FieldErrors({"reason": "Bitte begründen Sie die Ablehnung (mindestens 10 Zeichen)."})
    if len(reason) > MAX_REASON:
        raise FieldErrors({"reason": f"Bitte kürzen Sie die Begründung auf höchstens {MAX_REASON} Zeichen "
                                     f"(jetzt {len(reason)})."})
    user, municipality = _pending_user(session, user_id)
    user.status = UserStatus.REJECTED
    user.version += 1
    municipality.status = MunicipalityStatus.REJECTED
    session.add(
        RegistrationDecision(user_id=user_id, decided_by_id=actor.user_id, approved=False, reason=reason)
    )
    record(
        session,
        actor=actor,
        action="registration.rejected",
        entity_type="user",
        entity_id=user_id,
        municipality_id=municipality.id,
        details=f"Abgelehnt: {user.full_name} ({user.email}) für {municipality.name}. Grund: {reason}",
    )
    enqueue(session, event="registration.rejected", to=user.email, municipality_id=municipality.id,
            context={"municipality": municipality.name, "reason": reason})
    session.flush()
    return user


def latest_decision(session: Session, *, user_id: int) -> RegistrationDecision | None:
    """Return the last decision on a user's registration (the applicant sees its reason)."""
    return session.exec(
        select(RegistrationDecision)
        .where(RegistrationDecision.user_id == user_id)
        .order_by(col(RegistrationDecision.decided_at).desc(), col(RegistrationDecision.id).desc())
    ).first()
