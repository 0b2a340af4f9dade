"""KISA's work queue: ordered products waiting for someone, with age, due date from the seed's durations, assignment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from accounts.access import require_current, require_staff
from accounts.actor import Actor
from audit.log import record
from core.clock import utcnow
from core.errors import DomainError, NotFound
from core.paging import Page, clamp
from models import STATE_NAMES, CatalogProduct, Municipality, OrderedProduct, OrderedProductState, Questionnaire, Role, User
from orders.listing import Matches, matching, oldest_first_ids, search_matches

S = OrderedProductState
# Planned days per phase (seed: about two weeks for the questionnaire and for the set-up, 2–3 weeks of testing).
PHASE_DAYS: dict[OrderedProductState, int] = {
    S.ORDERED: 14, S.QUESTIONNAIRE: 14, S.QUERY: 14, S.SUBMITTED: 14, S.SETUP: 14, S.TESTING: 21, S.ACCEPTED: 7,
    S.CHANGE_REQUESTED: 14,
}
# Whose move it is in each state.
WAITING_FOR: dict[OrderedProductState, str] = {
    S.ORDERED: "Kommune", S.QUESTIONNAIRE: "Kommune", S.QUERY: "Kommune", S.SUBMITTED: "KISA", S.SETUP: "KISA",
    S.TESTING: "Kommune", S.ACCEPTED: "Kommune", S.CHANGE_REQUESTED: "Kommune", S.LIVE: "–", S.CANCELLED: "–",
    S.TERMINATED: "–",
}
KISA_STATES = (S.SUBMITTED, S.SETUP)  # the default view of the queue: what KISA has to do


@dataclass(frozen=True)
class QueueItem:
    """One ordered product in the work queue."""

    ordered_product_id: int
    questionnaire_id: int | None
    product_name: str
    municipality_name: str
    ags: str
    kreis: str
    state: OrderedProductState
    since: datetime
    due: datetime | None
    assigned_to_id: int | None
    assigned_to: str

    @property
    def state_name(self) -> str:
        """Return the German name of the state."""
        return STATE_NAMES[self.state]

    @property
    def waiting_for(self) -> str:
        """Return who has to act next."""
        return WAITING_FOR[self.state]

    @property
    def age_days(self) -> int:
        """Return the whole days since the product entered its state."""
        return max(0, (utcnow() - self.since).days)

    @property
    def overdue(self) -> bool:
        """Tell whether the phase took longer than planned."""
        return self.due is not None and utcnow() > self.due


def due_date(state: OrderedProductState, since: datetime) -> datetime | None:
    """Return when the phase should be over (``None`` for states without a plan)."""
    days = PHASE_DAYS.get(state)
    return since + timedelta(days=days) if days else None


def _select() -> Any:
    """Return the query of ordered products with product name, municipality, questionnaire and assignee."""
    return (
        sa_select(OrderedProduct, col(CatalogProduct.name), Municipality, col(Questionnaire.id), col(User.full_name))
        .join(CatalogProduct, col(CatalogProduct.id) == OrderedProduct.product_id)
        .join(Municipality, col(Municipality.id) == OrderedProduct.municipality_id)
        .outerjoin(Questionnaire, col(Questionnaire.ordered_product_id) == OrderedProduct.id)
        .outerjoin(User, col(User.id) == OrderedProduct.assigned_to_id)
    )


def _item(op: OrderedProduct, name: str, m: Municipality, qid: int | None, assignee: str | None) -> QueueItem:
    return QueueItem(op.id or 0, qid, name, m.name, m.ags, m.kreis, op.state, op.state_since,
                     due_date(op.state, op.state_since), op.assigned_to_id, assignee or "")


def overdue_condition(now: datetime) -> Any:
    """SQL condition: the phase took longer than planned."""
    return or_(*(and_(col(OrderedProduct.state) == state, col(OrderedProduct.state_since) < now - timedelta(days=days))
                 for state, days in PHASE_DAYS.items()))


def _filtered(query: Any, *, states: tuple[OrderedProductState, ...], municipality_id: int | None,
              matches: Matches | None, assigned_to_id: int | None, overdue_only: bool) -> Any:
    """Add the queue's filters to a query over ordered products (no joins needed)."""
    query = query.where(col(OrderedProduct.state).in_(list(states)))
    if municipality_id is not None:
        query = query.where(OrderedProduct.municipality_id == municipality_id)
    if assigned_to_id is not None:
        query = query.where(OrderedProduct.assigned_to_id == assigned_to_id)
    query = matching(query, matches)
    if overdue_only:  # in the query, so the limit cuts the overdue items and not the whole queue
        query = query.where(overdue_condition(utcnow()))
    return query


def work_queue(
    session: Session, *, actor: Actor, states: tuple[OrderedProductState, ...] = KISA_STATES,
    municipality_id: int | None = None, search: str = "", assigned_to_id: int | None = None,
    overdue_only: bool = False, limit: int = 500,
) -> list[QueueItem]:
    """Return the ordered products in ``states``, oldest first; staff only."""
    require_staff(actor)
    query = _filtered(_select(), states=states, municipality_id=municipality_id,
                      matches=search_matches(session, search), assigned_to_id=assigned_to_id,
                      overdue_only=overdue_only)
    query = query.order_by(col(OrderedProduct.state_since), col(OrderedProduct.id))
    return [_item(*row) for row in session.execute(query.limit(limit)).all()]


@dataclass(frozen=True)
class QueuePage(Page[QueueItem]):
    """One page of the work queue and how many of all matching items are overdue."""

    overdue: int = 0


def queue_page(
    session: Session, *, actor: Actor, states: tuple[OrderedProductState, ...] = KISA_STATES,
    municipality_id: int | None = None, search: str = "", assigned_to_id: int | None = None,
    overdue_only: bool = False, number: int = 1, size: int = 25,
) -> QueuePage:
    """Return page ``number`` of the work queue (oldest first) with the counts of all matching items; staff only."""
    require_staff(actor)
    filters: dict[str, Any] = {"states": states, "municipality_id": municipality_id,
                               "matches": search_matches(session, search), "assigned_to_id": assigned_to_id,
                               "overdue_only": overdue_only}
    counting = sa_select(func.count(), func.count(case((overdue_condition(utcnow()), 1)))).select_from(OrderedProduct)
    total, overdue = session.execute(_filtered(counting, **filters)).one()
    number = clamp(number, total, size)
    oldest_first = (col(OrderedProduct.state_since), col(OrderedProduct.id))
    ids = oldest_first_ids(session, lambda query, state: _filtered(query, **{**filters, "states": (state,)}), states,
                           offset=(number - 1) * size, size=size)
    rows = session.execute(_select().where(col(OrderedProduct.id).in_(ids)).order_by(*oldest_first)).all()
    return QueuePage([_item(*row) for row in rows], int(total), number, size, overdue=int(overdue or 0))


def queue_item(session: Session, *, actor: Actor, ordered_product_id: int) -> QueueItem:
    """Return one ordered product as the queue shows it, in any state (the head of its case page); staff only."""
    require_staff(actor)
    row = session.execute(_select().where(OrderedProduct.id == ordered_product_id)).first()
    if row is None:
        raise NotFound("Dieses bestellte Produkt wurde nicht gefunden.")
    return _item(*row)


@dataclass(frozen=True)
class StaffMember:
    """A KISA staff member work can be assigned to."""

    user_id: int
    full_name: str


def staff_members(session: Session, *, actor: Actor) -> list[StaffMember]:
    """Return the active KISA staff and administrators, by name."""
    require_staff(actor)
    rows = session.exec(select(User).where(col(User.role).in_([Role.KISA, Role.ADMIN]), User.status == "active")
                        .order_by(col(User.full_name))).all()
    return [StaffMember(u.id or 0, u.full_name) for u in rows]


def assign(session: Session, *, actor: Actor, ordered_product_id: int, staff_user_id: int | None) -> None:
    """Give an ordered product to a staff member (``None``: nobody); audit-logged."""
    require_staff(actor)
    require_current(session, actor, Role.KISA, Role.ADMIN)
    ordered = session.get(OrderedProduct, ordered_product_id, with_for_update=True, populate_existing=True)
    if ordered is None:
        raise NotFound("Dieses bestellte Produkt wurde nicht gefunden.")
    name = "niemand"
    if staff_user_id is not None:
        staff = session.get(User, staff_user_id)
        if staff is None or staff.role not in (Role.KISA, Role.ADMIN) or staff.status != "active":
            raise DomainError("Zuweisen können Sie nur an aktive KISA-Mitarbeitende.")
        name = staff.full_name
    ordered.assigned_to_id = staff_user_id
    session.add(ordered)
    record(session, actor=actor, action="backoffice.assigned", entity_type="ordered_product", entity_id=ordered.id,
           municipality_id=ordered.municipality_id, details=f"Zugewiesen an {name}.")
    session.flush()
