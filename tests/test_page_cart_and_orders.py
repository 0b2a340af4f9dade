"""AppTest: from the product page into the cart, a binding order, then „Meine Bestellungen“ with cancellation."""

from sqlmodel import select

from models import Order, OrderedProduct, OrderedProductState, Role
from orders.cart import add_to_cart
from tests.apptest_helpers import all_text, app_like_server, open_page  # noqa: F401  (autouse fixture)
from tests.builders import actor_of, make_user
from tests.orders_builders import ready_to_order


def test_product_page_puts_the_product_into_the_cart(engine, session):
    ready_to_order(session)
    anna = make_user(session, can_manage_team=True)
    at = open_page(engine, "product", user=anna, query={"id": "wahlschein"})
    at.button(key="prod_cart").click().run()
    assert "Im Warenkorb." in all_text(at)
    at.switch_page("pages/cart.py").run()
    assert "Wahlschein" in all_text(at)


def test_planned_product_is_refused_with_the_reason(engine, session):
    ready_to_order(session)
    at = open_page(engine, "product", user=make_user(session), query={"id": "anmeldung-eheschliessung"})
    at.button(key="prod_cart").click().run()
    assert "geplant" in all_text(at)


def test_order_needs_the_confirmation_and_is_placed_once(engine, session):
    ready_to_order(session)
    anna = make_user(session, can_manage_team=True)
    add_to_cart(session, actor=actor_of(anna), product_id="meldebescheinigung")
    add_to_cart(session, actor=actor_of(anna), product_id="wahlschein")
    session.commit()
    at = open_page(engine, "cart", user=anna)
    text = all_text(at)
    assert "Meldebescheinigung" in text and "Wahlschein" in text and "Beispielpreis" in text
    assert "kein Förderprogramm" in text
    assert at.button(key="cart_order").disabled  # not before the confirmation
    at.checkbox(key="cart_authorised").check().run()
    at.button(key="cart_order").click().run()
    assert "ist eingegangen" in all_text(at)
    orders = session.exec(select(Order)).all()
    assert len(orders) == 1 and orders[0].municipality_id == anna.municipality_id
    assert "Ihr Warenkorb ist leer" in all_text(at)


def order_wahlschein_on_the_cart_page(engine, session):
    """A municipal user orders the Wahlschein through the cart page; return the AppTest and the user."""
    ready_to_order(session)
    anna = make_user(session, can_manage_team=True)
    add_to_cart(session, actor=actor_of(anna), product_id="wahlschein")
    session.commit()
    at = open_page(engine, "cart", user=anna)
    at.checkbox(key="cart_authorised").check().run()
    at.button(key="cart_order").click().run()
    return at, anna


def test_my_orders_lists_states_and_cancels_after_confirmation(engine, session):
    at, _ = order_wahlschein_on_the_cart_page(engine, session)
    at.switch_page("pages/my_orders.py").run()
    text = all_text(at)
    assert "Wahlschein" in text and "bestellt" in text
    assert [b.label for b in at.get("download_button")] == ["Vertrag als PDF"]
    cancel = [b for b in at.button if b.key and b.key.startswith("ord_cancel_")]
    cancel[0].click().run()
    assert "wurde storniert" in all_text(at)
    session.expire_all()
    assert session.exec(select(OrderedProduct.state)).all() == [OrderedProductState.CANCELLED]


def test_other_municipalities_orders_are_not_listed_but_kisa_sees_all(engine, session):
    order_wahlschein_on_the_cart_page(engine, session)
    other = open_page(engine, "my_orders", user=make_user(session))
    assert "Noch keine Bestellungen" in all_text(other)
    kisa = open_page(engine, "my_orders", user=make_user(session, role=Role.KISA))
    assert "Wahlschein" in all_text(kisa)


def test_catalogue_list_adds_to_the_cart_in_one_click(engine, session):
    from orders.cart import cart_size

    ready_to_order(session)
    anna = make_user(session, can_manage_team=True)
    at = open_page(engine, "catalog_search", user=anna)
    at.text_input(key="suche").input("Wahlschein").run()
    at.button(key="cat_add_wahlschein").click().run()
    assert "Wahlschein liegt im Warenkorb." in [t.value for t in at.toast]
    assert cart_size(session, actor=actor_of(anna)) == 1


def test_product_page_flags_a_product_the_municipality_has_ordered(engine, session):
    from models import OrderedProduct

    ready_to_order(session)
    anna = make_user(session, can_manage_team=True)
    session.add(OrderedProduct(municipality_id=anna.municipality_id, product_id="wahlschein",
                               state=OrderedProductState.LIVE))
    session.commit()
    at = open_page(engine, "product", user=anna, query={"id": "wahlschein"})
    assert "bereits bestellt (Stand: live)" in all_text(at)
    assert not [b for b in at.button if b.key == "prod_cart"]


def test_many_orders_come_in_pages_of_ten_and_can_be_searched(engine, session):
    from core import clock
    from orders.cart import view_cart
    from orders.checkout import place_order
    from orders.history import cancel_line, get_order

    contract = ready_to_order(session)
    anna = actor_of(make_user(session, can_manage_team=True))
    numbers = []
    for n in range(11):
        add_to_cart(session, actor=anna, product_id="wahlschein" if n else "meldebescheinigung")
        placed, _ = place_order(session, actor=anna, cart_revision=view_cart(session, actor=anna).revision,
                                contract_id=contract.id, authorised=True)
        session.commit()
        numbers.append(placed.number)
        line = get_order(session, actor=anna, order_id=placed.id).lines[0].line
        cancel_line(session, actor=anna, order_id=placed.id, line_id=line.id)  # so it may be ordered again
        session.commit()
        clock.advance(60)
    kisa = open_page(engine, "my_orders", user=make_user(session, role=Role.KISA))

    def shown_orders() -> list[str]:
        return [e.label.split(" vom ")[0] for e in kisa.expander]

    assert "Seite 1 von 2 (Einträge 1–10 von 11)" in all_text(kisa)
    assert shown_orders() == numbers[:0:-1]  # the ten newest
    kisa.button(key="ord_page_next").click().run()
    assert "Seite 2 von 2 (Einträge 11–11 von 11)" in all_text(kisa)
    assert shown_orders() == numbers[:1]  # page 2: the oldest
    kisa.text_input(key="ord_search").input("Meldebescheinigung").run()
    assert shown_orders() == numbers[:1] and "Seite" not in all_text(kisa)  # one hit, no page controls


def test_only_the_newest_order_is_open_and_another_shows_its_products_when_opened(engine, session):
    from orders.cart import view_cart
    from orders.checkout import place_order

    contract = ready_to_order(session)
    anna_user = make_user(session, can_manage_team=True)
    anna = actor_of(anna_user)
    placed = []
    for product in ("meldebescheinigung", "wahlschein"):
        add_to_cart(session, actor=anna, product_id=product)
        order, _ = place_order(session, actor=anna, cart_revision=view_cart(session, actor=anna).revision,
                               contract_id=contract.id, authorised=True)
        session.commit()
        placed.append(order)
    at = open_page(engine, "my_orders", user=anna_user)
    text = all_text(at)
    assert "**Wahlschein**" in text and "**Meldebescheinigung**" not in text  # the older order is closed, not drawn
    assert len(at.get("download_button")) == 1
    at.session_state[f"ord_open_{placed[0].id}"] = True  # the person opens the older order
    at.run()
    assert "**Meldebescheinigung**" in all_text(at) and len(at.get("download_button")) == 2
