"""Tenant scoping and role checks, applied in the data layer by every service function."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.sql import Select

from accounts.actor import Actor
from core.errors import PermissionDenied
from models import Role

S = TypeVar("S", bound=Select[Any])


def require_role(actor: Actor, *roles: Role) -> None:
    """Refuse unless the actor is active and has one of ``roles``."""
    if not actor.is_active or actor.role not in roles:
        raise PermissionDenied()


def require_staff(actor: Actor) -> None:
    """Refuse unless the actor is active KISA staff or an administrator."""
    require_role(actor, Role.KISA, Role.ADMIN)


def scope_to_tenant(statement: S, actor: Actor, municipality_column: Any) -> S:
    """Restrict a query to the actor's municipality; staff see all, anyone else sees nothing."""
    if actor.is_staff and actor.is_active:
        return statement
    if actor.role == Role.KOMMUNE and actor.municipality_id is not None:
        return statement.where(municipality_column == actor.municipality_id)
    return statement.where(municipality_column == -1)  # no tenant: no rows


def may_see_tenant(actor: Actor, municipality_id: int | None) -> bool:
    """Tell whether the actor may read a record of ``municipality_id``."""
    if actor.is_staff and actor.is_active:
        return True
    return actor.role == Role.KOMMUNE and municipality_id is not None and actor.municipality_id == municipality_id
