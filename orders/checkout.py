"""Placing an order: one domain call, one transaction, idempotent for double clicks and second tabs."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from accounts.access import require_current, require_role
from accounts.actor import Actor
from audit.log import record
from catalog.store import from_row
from core.clock import today_local
from core.errors import DomainError, FieldErrors
from core.money import euro
from models import Cart, CartItem, CatalogProduct, Municipality, Order, OrderedProduct, OrderLine, Role
from notifications.outbox import app_link, enqueue
from orders.cart import open_orders, why_not_orderable
from orders.contracts import current_contract
from orders.funding import apply, programme_on


class OrderRefused(DomainError):
    """The order cannot be placed as it is; the message says why, in German."""


def place_order(
    session: Session, *, actor: Actor, cart_revision: int, contract_id: int, authorised: bool
) -> tuple[Order, bool]:
    """Turn the actor's cart into an order; return ``(order, created)``.

    The cart is locked and re-read inside this transaction. If the cart has already been ordered at
    ``cart_revision`` (a double click, a rerun, a second tab), the existing order comes back with
    ``created=False``; the UNIQUE key (cart_id, cart_revision) guarantees this even under races.
    """
    require_role(actor, Role.KOMMUNE)
    signer = require_current(session, actor, Role.KOMMUNE)  # not disabled since the page was shown
    if not authorised:
        raise FieldErrors({"authorised": "Bitte bestätigen Sie, dass Sie für Ihre Kommune bestellen dürfen."})
    cart = session.exec(select(Cart).where(Cart.user_id == actor.user_id).with_for_update()).first()
    if cart is None:
        raise OrderRefused("Ihr Warenkorb ist leer.")
    existing = session.exec(select(Order).where(Order.cart_id == cart.id, Order.cart_revision == cart_revision)).first()
    if existing is not None:
        return existing, False
    if cart.revision != cart_revision:
        raise OrderRefused("Der Warenkorb hat sich inzwischen geändert. Bitte prüfen Sie ihn und bestellen Sie erneut.")
    items = session.exec(select(CartItem).where(CartItem.cart_id == cart.id).order_by(col(CartItem.added_at))).all()
    if not items:
        raise OrderRefused("Ihr Warenkorb ist leer.")
    today = today_local()
    contract = current_contract(session, today)
    if contract is None or contract.id != contract_id:
        raise OrderRefused(
            "Der Mustervertrag wurde inzwischen geändert. Bitte lesen Sie die aktuelle Fassung und bestätigen Sie erneut."
        )
    # Colleagues ordering at the same moment wait here, so a product is never ordered twice.
    session.get(Municipality, actor.municipality_id, with_for_update=True)
    ordered = open_orders(session, actor.municipality_id or 0)
    products = []
    for item in items:
        row = session.get(CatalogProduct, item.product_id)
        if row is None:
            raise OrderRefused("Ein Produkt im Warenkorb gibt es nicht mehr. Bitte entfernen Sie es.")
        product = from_row(row)
        problem = why_not_orderable(product, ordered)
        if problem:
            raise OrderRefused(f"{product.name}: {problem}")
        products.append(product)
    assert actor.municipality_id is not None and cart.id is not None and contract.id is not None
    programme = programme_on(session, today)
    order = Order(
        number=f"tmp-{cart.id}-{cart_revision}", municipality_id=actor.municipality_id, placed_by_id=actor.user_id,
        cart_id=cart.id, cart_revision=cart_revision, contract_id=contract.id, contract_version=contract.version,
        signer_name=signer.full_name, signer_position=signer.position, signer_email=signer.email,
    )
    try:
        with session.begin_nested():
            session.add(order)
            session.flush()
    except IntegrityError:  # another placement of the same cart revision won the race
        winner = session.exec(select(Order).where(Order.cart_id == cart.id, Order.cart_revision == cart_revision)).one()
        return winner, False
    assert order.id is not None
    order.number = f"B-{order.placed_at:%Y}-{order.id:05d}"
    lines: list[OrderLine] = []
    for product in products:
        price = apply(product.prices.setup_cents, product.prices.yearly_licence_cents, programme)
        ordered_product = OrderedProduct(municipality_id=actor.municipality_id, product_id=product.id)
        session.add(ordered_product)
        session.flush()
        line = OrderLine(
            order_id=order.id, product_id=product.id, product_name=product.name,
            setup_cents=price.setup_cents, yearly_licence_cents=price.yearly_cents,
            price_note=product.prices.note[:1000], price_is_sample=product.prices.sample,
            funding_name=price.programme, funding_setup_percent=price.setup_percent,
            funding_licence_percent=price.licence_percent,
            due_setup_cents=price.due_setup_cents, due_yearly_cents=price.due_yearly_cents,
            ordered_product_id=ordered_product.id,
        )
        session.add(line)
        lines.append(line)
        order.total_setup_cents += price.setup_cents
        order.total_yearly_cents += price.yearly_cents
        order.due_setup_cents += price.due_setup_cents
        order.due_yearly_cents += price.due_yearly_cents
    for item in items:
        session.delete(item)
    cart.revision += 1
    session.add(cart)
    session.add(order)
    session.flush()
    municipality = session.get(Municipality, actor.municipality_id)
    enqueue(session, event="order.confirmed", to=signer.email, municipality_id=actor.municipality_id, context={
        "order_number": order.number,
        "municipality": municipality.name if municipality else "",
        "contract_version": contract.version,
        "products": [
            {"name": line.product_name,
             "price": f"Einrichtung {euro(line.setup_cents)}, Lizenz {euro(line.yearly_licence_cents)}/Jahr",
             "funding": (f"{line.funding_name}: zu zahlen {euro(line.due_setup_cents)} und {euro(line.due_yearly_cents)}/Jahr"
                         if line.funding_name else ""),
             "questionnaire_url": app_link("fragebogen", nr=line.ordered_product_id)}
            for line in lines
        ],
    })
    record(session, actor=actor, action="order.placed", entity_type="order", entity_id=order.id,
           municipality_id=actor.municipality_id,
           details=f"Bestellung {order.number}: {', '.join(p.name for p in products)} (Mustervertrag {contract.version}).")
    return order, True
