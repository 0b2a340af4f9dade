"""Reading municipalities and people, always through the tenant scope of the actor."""

from __future__ import annotations

from sqlmodel import Session, col, select

from accounts.access import may_see_tenant, require_staff
from accounts.actor import Actor
from models import Municipality, User


def get_municipality(session: Session, *, actor: Actor, municipality_id: int) -> Municipality | None:
    """Return a municipality the actor may see, else ``None`` (other tenants do not exist for them)."""
    if not may_see_tenant(actor, municipality_id):
        return None
    return session.get(Municipality, municipality_id)


def get_user(session: Session, *, actor: Actor, user_id: int) -> User | None:
    """Return a user the actor may see: themselves, colleagues of their tenant, or anyone for staff."""
    user = session.get(User, user_id)
    if user is None:
        return None
    if user.id == actor.user_id or (actor.is_staff and actor.is_active):
        return user
    if user.municipality_id is not None and may_see_tenant(actor, user.municipality_id):
        return user
    return None


def list_municipalities(session: Session, *, actor: Actor) -> list[Municipality]:
    """Return all registered municipalities (KISA and administrators only)."""
    require_staff(actor)
    return list(session.exec(select(Municipality).order_by(col(Municipality.name))).all())
