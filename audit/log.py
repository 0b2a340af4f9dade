"""Write audit events inside the caller's transaction; read them with filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from accounts.access import require_staff
from accounts.actor import Actor
from core.paging import capped_count
from core.text import search_text
from models import AuditEvent


def record(
    session: Session,
    *,
    action: str,
    entity_type: str,
    entity_id: object = "",
    actor: Actor | None = None,
    actor_label: str | None = None,
    municipality_id: int | None = None,
    details: str = "",
) -> AuditEvent:
    """Add one audit event to the session (committed with the change it records)."""
    event = AuditEvent(
        actor_id=actor.user_id if actor else None,
        actor_label=actor_label or (actor.email if actor else "system"),
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        municipality_id=municipality_id,
        details=details[:4000],
    )
    session.add(event)
    return event


@dataclass(frozen=True)
class AuditPage:
    """One page of audit events, newest first, and how many match in all."""

    events: list[AuditEvent]
    total: int  # up to core.paging.COUNT_CAP (or the end of this page); ``more``: there are more than that
    more: bool = False


def list_events(
    session: Session,
    *,
    actor: Actor,
    action_prefix: str = "",
    text: str = "",
    since: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> AuditPage:
    """Return audit events for KISA and administrators; anyone else is refused."""
    require_staff(actor)
    query = select(AuditEvent)
    if action_prefix:
        query = query.where(col(AuditEvent.action).startswith(action_prefix))
    needle = search_text(text).lower()  # % and _ are searched literally (autoescape)
    if needle:
        query = query.where(
            func.lower(AuditEvent.actor_label).contains(needle, autoescape=True)
            | func.lower(AuditEvent.details).contains(needle, autoescape=True)
        )
    if since is not None:
        query = query.where(col(AuditEvent.at) >= since)
    total, more = capped_count(session, query, at_least=offset + limit)
    rows = session.exec(
        query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).offset(offset).limit(limit)
    ).all()
    return AuditPage(events=list(rows), total=total, more=more)
