"""Administrators: list every account, create KISA staff, switch accounts off and on again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from accounts.access import require_current, require_role
from accounts.actor import Actor
from accounts.staff import create_staff_user
from accounts.web_sessions import end_all_for_user
from audit.log import record
from core.errors import DomainError, NotFound
from core.paging import Page, clamp
from core.text import search_text
from models import Municipality, Role, User, UserStatus


@dataclass(frozen=True)
class AccountRow:
    """One account as the administration page lists it."""

    user_id: int
    full_name: str
    email: str
    role: Role
    status: UserStatus
    municipality: str
    last_login_at: datetime | None
    is_demo: bool


def _accounts_query(text: str) -> Any:
    query = select(User, Municipality).join(
        Municipality, col(User.municipality_id) == col(Municipality.id), isouter=True
    )
    needle = search_text(text).lower()  # % and _ are searched literally (autoescape)
    if needle:
        query = query.where(
            col(User.email).contains(needle, autoescape=True) | func.lower(User.full_name).contains(needle, autoescape=True)
        )
    return query


def _account_rows(rows: Any) -> list[AccountRow]:
    return [
        AccountRow(u.id or 0, u.full_name, u.email, u.role, u.status, m.name if m else "KISA",
                   u.last_login_at, u.is_demo)
        for u, m in rows
    ]


def list_accounts(session: Session, *, actor: Actor, text: str = "") -> list[AccountRow]:
    """Return all accounts, staff first, then by name (administrators only)."""
    require_role(actor, Role.ADMIN)
    return _account_rows(session.exec(_accounts_query(text).order_by(col(User.role), col(User.full_name))).all())


def account_page(session: Session, *, actor: Actor, text: str = "", number: int = 1, size: int = 50) -> Page[AccountRow]:
    """Return page ``number`` of :func:`list_accounts` (same order, same search) and the number of matches."""
    require_role(actor, Role.ADMIN)
    query = _accounts_query(text)
    total = int(session.exec(select(func.count()).select_from(query.subquery())).one())
    number = clamp(number, total, size)
    rows = session.exec(query.order_by(col(User.role), col(User.full_name), col(User.id))
                        .offset((number - 1) * size).limit(size)).all()
    return Page(_account_rows(rows), total, number, size)


def create_staff_account(
    session: Session, *, actor: Actor, email: str, full_name: str, password: str, role: Role, phone: str = ""
) -> User:
    """Create an active KISA or administrator account on behalf of an administrator."""
    require_role(actor, Role.ADMIN)
    require_current(session, actor, Role.ADMIN)
    return create_staff_user(session, email=email, full_name=full_name, password=password, role=role,
                             phone=phone, created_by=actor.email)


def set_disabled(session: Session, *, actor: Actor, user_id: int, disabled: bool) -> User:
    """Switch an account off (its sessions end at once) or back on."""
    require_role(actor, Role.ADMIN)
    require_current(session, actor, Role.ADMIN)
    if user_id == actor.user_id:
        raise DomainError("Sie können Ihr eigenes Konto nicht deaktivieren.")
    user = session.get(User, user_id, with_for_update=True)
    if user is None:
        raise NotFound()
    if disabled:
        if user.status != UserStatus.ACTIVE:
            raise DomainError("Nur aktive Konten können deaktiviert werden.")
        user.status = UserStatus.DISABLED
        end_all_for_user(session, user_id=user_id)
    else:
        if user.status != UserStatus.DISABLED:
            raise DomainError("Dieses Konto ist nicht deaktiviert.")
        user.status = UserStatus.ACTIVE
    user.version += 1
    session.add(user)
    record(session, actor=actor, action="user.disabled" if disabled else "user.enabled", entity_type="user",
           entity_id=user_id, municipality_id=user.municipality_id,
           details=f"Konto {'deaktiviert' if disabled else 'wieder aktiviert'}: {user.full_name} ({user.email}).")
    session.flush()
    return user
