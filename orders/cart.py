"""The cart belongs to the user in the database; what it shows is computed fresh on every read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from accounts.access import require_current, require_role
from accounts.actor import Actor
from catalog.schema import Product, ProductStatus
from catalog.store import from_row
from core.clock import today_local
from core.errors import DomainError, NotFound
from models import STATE_NAMES, Cart, CartItem, CatalogProduct, OrderedProduct, OrderedProductState, Role
from orders.funding import Funded, apply, programme_on

CLOSED_STATES = (OrderedProductState.CANCELLED, OrderedProductState.TERMINATED)


def _own_cart(session: Session, actor: Actor, *, lock: bool = False) -> Cart:
    require_role(actor, Role.KOMMUNE)
    cart = session.exec(select(Cart).where(Cart.user_id == actor.user_id).with_for_update(nowait=False) if lock
                        else select(Cart).where(Cart.user_id == actor.user_id)).first()
    if cart is None:
        try:
            with session.begin_nested():  # two tabs creating the cart at once: one insert wins
                cart = Cart(user_id=actor.user_id)
                session.add(cart)
                session.flush()
        except IntegrityError:
            cart = session.exec(select(Cart).where(Cart.user_id == actor.user_id)).one()
    return cart


def open_orders(session: Session, municipality_id: int) -> dict[str, OrderedProductState]:
    """Return the products the municipality has ordered and not cancelled, with their state."""
    rows = session.exec(  # two columns, not the rows: a big municipality has hundreds (issue #8)
        select(OrderedProduct.product_id, OrderedProduct.state).where(
            OrderedProduct.municipality_id == municipality_id, col(OrderedProduct.state).not_in(CLOSED_STATES)
        )
    ).all()
    return {product_id: OrderedProductState(state) for product_id, state in rows}


def why_not_orderable(product: Product, ordered: dict[str, OrderedProductState]) -> str | None:
    """Return the German reason a product cannot be ordered now, or None."""
    if product.status == ProductStatus.EINGESTELLT:
        return "Dieses Produkt wurde eingestellt und kann nicht mehr bestellt werden."
    if product.status == ProductStatus.GEPLANT:
        return "Dieses Produkt ist geplant und kann noch nicht bestellt werden."
    if product.id in ordered:
        return f"Ihre Kommune hat dieses Produkt bereits bestellt (Stand: {STATE_NAMES[ordered[product.id]]})."
    return None


@dataclass(frozen=True)
class CartLine:
    """One product in the cart with its price, funding and any reason it cannot be ordered."""

    product: Product
    price: Funded
    problem: str | None


@dataclass(frozen=True)
class CartView:
    """The cart as the page shows it."""

    cart_id: int
    revision: int
    lines: list[CartLine]
    programme_name: str

    @property
    def total(self) -> Funded:
        """Return the sums of list prices and of what is due after funding."""
        setup = sum(line.price.setup_cents for line in self.lines)
        yearly = sum(line.price.yearly_cents for line in self.lines)
        due_setup = sum(line.price.due_setup_cents for line in self.lines)
        due_yearly = sum(line.price.due_yearly_cents for line in self.lines)
        return Funded(setup, yearly, self.programme_name, 0, 0, due_setup, due_yearly)

    @property
    def orderable(self) -> bool:
        """Tell whether the cart can be ordered as it is."""
        return bool(self.lines) and all(line.problem is None for line in self.lines)


def view_cart(session: Session, *, actor: Actor) -> CartView:
    """Return the actor's cart with prices and funding as of today."""
    cart = _own_cart(session, actor)
    rows = session.exec(
        select(CatalogProduct)
        .join(CartItem, col(CartItem.product_id) == col(CatalogProduct.id))
        .where(CartItem.cart_id == cart.id)
        .order_by(col(CartItem.added_at), col(CartItem.id))
    ).all()
    programme = programme_on(session, today_local())
    ordered = open_orders(session, actor.municipality_id or 0)
    lines = []
    for row in rows:
        product = from_row(row)
        lines.append(CartLine(product, apply(product.prices.setup_cents, product.prices.yearly_licence_cents, programme),
                              why_not_orderable(product, ordered)))
    assert cart.id is not None
    return CartView(cart.id, cart.revision, lines, programme.name if programme else "")


def add_to_cart(session: Session, *, actor: Actor, product_id: str) -> None:
    """Put a product into the cart; refuse with a German reason when it cannot be ordered."""
    require_current(session, actor, Role.KOMMUNE)
    cart = _own_cart(session, actor, lock=True)
    row = session.get(CatalogProduct, product_id)
    if row is None:
        raise NotFound("Dieses Produkt gibt es im Katalog nicht.")
    problem = why_not_orderable(from_row(row), open_orders(session, actor.municipality_id or 0))
    if problem:
        raise DomainError(problem)
    exists = session.exec(select(CartItem.id).where(CartItem.cart_id == cart.id, CartItem.product_id == product_id)).first()
    if exists is None:
        assert cart.id is not None
        session.add(CartItem(cart_id=cart.id, product_id=product_id))
        cart.revision += 1  # an order placed from an older view of the cart is refused
        session.add(cart)
        session.flush()


def remove_from_cart(session: Session, *, actor: Actor, product_id: str) -> None:
    """Take a product out of the cart (nothing happens if it is not there)."""
    require_current(session, actor, Role.KOMMUNE)
    cart = _own_cart(session, actor, lock=True)
    item = session.exec(select(CartItem).where(CartItem.cart_id == cart.id, CartItem.product_id == product_id)).first()
    if item is not None:
        session.delete(item)
        cart.revision += 1
        session.add(cart)
        session.flush()


def cart_size(session: Session, *, actor: Actor) -> int:
    """Return how many products are in the actor's cart (0 for non-municipal users)."""
    if actor.role != Role.KOMMUNE or not actor.is_active:
        return 0
    cart = session.exec(select(Cart).where(Cart.user_id == actor.user_id)).first()
    if cart is None:
        return 0
    return len(session.exec(select(CartItem.id).where(CartItem.cart_id == cart.id)).all())
