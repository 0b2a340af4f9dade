"""Tenant scoping and role checks, applied in the data layer by every service function."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.sql import Select
from sqlmodel import Session

from accounts.actor import Actor
from core.errors import PermissionDenied
from models import Role, User, UserStatus

S = TypeVar("S", bound=Select[Any])


def require_role(actor: Actor, *roles: Role) -> None:
    """Refuse unless the actor is active and has one of ``roles``."""
    if not actor.is_active or actor.role not in roles:
        raise PermissionDenied()


def require_staff(actor: Actor) -> None:
    """Refuse unless the actor is active KISA staff or an administrator."""
    require_role(actor, Role.KISA, Role.ADMIN)


def scope_to_tenant(statement: S, actor: Actor, municipality_column: Any) -> S:
    """Restrict a query to the actor's municipality; staff see all, anyone else (or anyone inactive) sees nothing."""
    if actor.is_staff and actor.is_active:
        return statement
    if actor.role == Role.KOMMUNE and actor.is_active and actor.municipality_id is not None:
        return statement.where(municipality_column == actor.municipality_id)
    return statement.where(municipality_column == -1)  # no tenant: no rows


def may_see_tenant(actor: Actor, municipality_id: int | None) -> bool:
    """Tell whether the actor may read a record of ``municipality_id`` (a pending or disabled account: none)."""
    if not actor.is_active:
        return False
    if actor.is_staff:
        return True
    return actor.role == Role.KOMMUNE and municipality_id is not None and actor.municipality_id == municipality_id


def require_current(session: Session, actor: Actor, *roles: Role) -> User:
    """Re-read the actor's account: refuse if it was disabled, or its role or municipality changed, meanwhile.

    Streamlit callbacks run with the actor of the previous page run; binding actions check the database.
    """
    user = session.get(User, actor.user_id)
    if (
        user is None
        or user.status != UserStatus.ACTIVE
        or user.role != actor.role
        or user.municipality_id != actor.municipality_id
        or (roles and user.role not in roles)
    ):
        raise PermissionDenied("Ihr Konto ist nicht (mehr) berechtigt. Bitte melden Sie sich erneut an.")
    return user
