"""„Meine Bestellungen“: orders of the own municipality with each product's state; cancelling per product."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from accounts.access import may_see_tenant, require_current, require_role, scope_to_tenant
from accounts.actor import Actor
from audit.log import record
from core.errors import DomainError, NotFound
from core.paging import Page, clamp
from core.text import search_text
from lifecycle.machine import transition
from lifecycle.notify import case_facts, tell_kisa, tell_municipality
from models import STATE_NAMES, Order, OrderedProduct, OrderedProductState, OrderLine, Role

# Until KISA starts the set-up, a municipality may cancel an ordered product.
CANCELLABLE = (OrderedProductState.ORDERED, OrderedProductState.QUESTIONNAIRE, OrderedProductState.SUBMITTED,
               OrderedProductState.QUERY)


@dataclass(frozen=True)
class LineView:
    """An order line with the ordered product's current state."""

    line: OrderLine
    state: OrderedProductState

    @property
    def state_name(self) -> str:
        """Return the German name of the state."""
        return STATE_NAMES[self.state]

    @property
    def open_for_questionnaire(self) -> bool:
        """Tell whether the product has (or will get) a questionnaire: it is not cancelled or terminated."""
        return self.state not in (OrderedProductState.CANCELLED, OrderedProductState.TERMINATED)

    @property
    def cancellable(self) -> bool:
        """Tell whether the municipality may still cancel this product."""
        return self.state in CANCELLABLE


@dataclass(frozen=True)
class OrderView:
    """An order and its lines."""

    order: Order
    lines: list[LineView]


def _with_lines(session: Session, orders: Sequence[Order]) -> list[OrderView]:
    """Attach the lines with their products' states to ``orders``, in one query for all of them."""
    ids = [o.id for o in orders]
    rows = session.exec(
        select(OrderLine, OrderedProduct)
        .join(OrderedProduct, col(OrderLine.ordered_product_id) == col(OrderedProduct.id))
        .where(col(OrderLine.order_id).in_(ids))
        .order_by(col(OrderLine.id))
    ).all() if ids else []
    lines: dict[int, list[LineView]] = {}
    for line, op in rows:
        lines.setdefault(line.order_id, []).append(LineView(line, op.state))
    return [OrderView(o, lines.get(o.id or 0, [])) for o in orders]


def _orders_query(actor: Actor, search: str) -> Any:
    query = scope_to_tenant(select(Order), actor, Order.municipality_id)
    needle = search_text(search).lower()
    if needle:  # order number or a product of the order; % and _ are searched literally (autoescape)
        product = select(OrderLine.id).where(OrderLine.order_id == Order.id,
                                             func.lower(OrderLine.product_name).contains(needle, autoescape=True))
        query = query.where(func.lower(Order.number).contains(needle, autoescape=True) | product.exists())
    return query


def list_orders(session: Session, *, actor: Actor) -> list[OrderView]:
    """Return the orders the actor may see (own municipality; staff: all), newest first."""
    require_role(actor, Role.KOMMUNE, Role.KISA, Role.ADMIN)
    orders = session.exec(_orders_query(actor, "").order_by(col(Order.placed_at).desc(), col(Order.id).desc())).all()
    return _with_lines(session, orders)


def order_page(session: Session, *, actor: Actor, number: int = 1, size: int = 10, search: str = "") -> Page[OrderView]:
    """Return page ``number`` of the orders the actor may see, newest first, optionally only those matching
    ``search`` (order number or product name); a page past the end shows the last one."""
    require_role(actor, Role.KOMMUNE, Role.KISA, Role.ADMIN)
    query = _orders_query(actor, search)
    total = int(session.exec(select(func.count()).select_from(query.subquery())).one())
    number = clamp(number, total, size)
    orders = session.exec(query.order_by(col(Order.placed_at).desc(), col(Order.id).desc())
                          .offset((number - 1) * size).limit(size)).all()
    return Page(_with_lines(session, orders), total, number, size)


def get_order(session: Session, *, actor: Actor, order_id: int) -> OrderView:
    """Return one order; other municipalities' orders do not exist for the actor."""
    order = session.get(Order, order_id)
    if order is None or not may_see_tenant(actor, order.municipality_id):
        raise NotFound("Diese Bestellung wurde nicht gefunden.")
    return _with_lines(session, [order])[0]


def cancel_line(session: Session, *, actor: Actor, order_id: int, line_id: int) -> OrderLine:
    """Cancel one ordered product while KISA has not started the set-up; recorded in the audit log."""
    require_role(actor, Role.KOMMUNE)
    require_current(session, actor, Role.KOMMUNE)
    view = get_order(session, actor=actor, order_id=order_id)
    line = next((lv.line for lv in view.lines if lv.line.id == line_id), None)
    if line is None or line.ordered_product_id is None:
        raise NotFound("Diese Bestellposition wurde nicht gefunden.")
    ordered = session.get(OrderedProduct, line.ordered_product_id, with_for_update=True, populate_existing=True)
    assert ordered is not None
    if ordered.state == OrderedProductState.CANCELLED:
        raise DomainError(f"{line.product_name} ist bereits storniert.")
    if ordered.state not in CANCELLABLE:
        raise DomainError(
            f"{line.product_name} kann nicht mehr storniert werden: KISA hat mit der Einrichtung begonnen "
            f"(Stand: {STATE_NAMES[ordered.state]}). Bitte wenden Sie sich an KISA."
        )
    kisa_had_it = ordered.state in (OrderedProductState.SUBMITTED, OrderedProductState.QUERY)
    transition(session, actor=actor, ordered=ordered, target=OrderedProductState.CANCELLED,
               details=f"Storniert aus Bestellung {view.order.number}.")
    context = {**case_facts(session, ordered), "order_number": view.order.number, "cancelled_by": actor.full_name}
    tell_municipality(session, ordered, "lifecycle.cancelled", context, also=(actor.email,))
    if kisa_had_it:  # the configuration was in KISA's queue
        tell_kisa(session, ordered, "lifecycle.cancelled", context)
    record(session, actor=actor, action="order.line_cancelled", entity_type="order", entity_id=order_id,
           municipality_id=view.order.municipality_id,
           details=f"Storniert: {line.product_name} aus Bestellung {view.order.number}.")
    session.flush()
    return line
