"""Verfügbarkeit: which municipalities use a product and in what state; which products a municipality has."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from accounts.access import may_see_tenant
from accounts.actor import Actor
from models import STATE_NAMES, CatalogProduct, Municipality, OrderedProduct, OrderedProductState


@dataclass(frozen=True)
class Usage:
    """One municipality's use of one product."""

    municipality_id: int
    municipality_name: str
    kreis: str
    product_id: str
    product_name: str
    state: OrderedProductState

    @property
    def state_name(self) -> str:
        """Return the German name of the state."""
        return STATE_NAMES[self.state]

    @property
    def is_open(self) -> bool:
        """Tell whether the product is ordered and neither cancelled nor terminated."""
        return self.state not in (OrderedProductState.CANCELLED, OrderedProductState.TERMINATED)


def _usages(session: Session, *conditions: object) -> list[Usage]:
    query = (
        select(OrderedProduct, Municipality, CatalogProduct)
        .join(Municipality, col(OrderedProduct.municipality_id) == col(Municipality.id))
        .join(CatalogProduct, col(OrderedProduct.product_id) == col(CatalogProduct.id))
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(col(Municipality.name), col(CatalogProduct.name))
    )
    return [
        Usage(m.id or 0, m.name, m.kreis, p.id, p.name, o.state) for o, m, p in session.exec(query).all()
    ]


@dataclass(frozen=True)
class ProductAvailability:
    """Who uses a product: the full list for staff; for a municipality its own state and public counts."""

    usages: list[Usage]
    live_count: int
    in_progress_count: int


def for_product(session: Session, *, actor: Actor, product_id: str) -> ProductAvailability:
    """Return the availability of one product as the actor may see it."""
    everyone = _usages(session, OrderedProduct.product_id == product_id)
    live = sum(1 for u in everyone if u.state == OrderedProductState.LIVE)
    active = sum(
        1 for u in everyone
        if u.state not in (OrderedProductState.LIVE, OrderedProductState.CANCELLED, OrderedProductState.TERMINATED)
    )
    visible = [u for u in everyone if may_see_tenant(actor, u.municipality_id)]
    return ProductAvailability(visible, live, active)


def for_municipality(session: Session, *, actor: Actor, municipality_id: int) -> list[Usage]:
    """Return the products of a municipality; other tenants get an empty list."""
    if not may_see_tenant(actor, municipality_id):
        return []
    return _usages(session, OrderedProduct.municipality_id == municipality_id)
