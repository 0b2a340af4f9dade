"""Warenkorb and checkout: prices with funding, the model contract, one binding order."""

from __future__ import annotations

import streamlit as st

from accounts.directory import get_municipality
from core.clock import today_local
from core.db import session_scope
from core.errors import DomainError, FieldErrors
from core.money import euro
from models import Role
from orders.cart import remove_from_cart, view_cart
from orders.checkout import place_order
from orders.contracts import current_contract
from web.guard import require_actor
from web.reauth import ReauthRequired, ask_password, password_field, sensitive_scope
from web.text import md

actor = require_actor(Role.KOMMUNE)
PASSWORD = "cart_password"
st.title("Warenkorb")

placed = st.session_state.pop("cart_placed", None)
if placed:
    st.success(f"Vielen Dank! Ihre Bestellung **{placed}** ist eingegangen. Die Bestätigung kommt per E-Mail; "
               "Bestellung und Vertrag finden Sie unter „Meine Bestellungen“.")
    st.page_link("pages/my_orders.py", label="Zu Meine Bestellungen", icon=":material/receipt_long:")
problem = st.session_state.pop("cart_problem", None)
if problem:
    st.error(md(problem))

with session_scope() as session:
    cart = view_cart(session, actor=actor)
    contract = current_contract(session, today_local())
    municipality = get_municipality(session, actor=actor, municipality_id=actor.municipality_id or 0)

if not cart.lines:
    st.info("Ihr Warenkorb ist leer. Wählen Sie Online-Antragsassistenten im Katalog aus.")
    st.page_link("pages/catalog_search.py", label="Zum OAA-Katalog", icon=":material/apps:")
    st.stop()


def _remove(product_id: str) -> None:
    with session_scope() as session:
        remove_from_cart(session, actor=actor, product_id=product_id)


for line in cart.lines:
    with st.container(border=True):
        name, prices, action = st.columns([3, 3, 1])
        name.markdown(f"**{md(line.product.name)}**  \n{md(line.product.short_description)}")
        funded = line.price
        text = f"Einrichtung {euro(funded.setup_cents)} · Lizenz {euro(funded.yearly_cents)}/Jahr"
        if funded.programme:
            text += f"  \nnach Förderung: {euro(funded.due_setup_cents)} · {euro(funded.due_yearly_cents)}/Jahr"
        prices.markdown(text + ("  \n:gray[Beispielpreis]" if line.product.prices.sample else ""))
        action.button("", key=f"cart_rm_{line.product.id}", icon=":material/delete:", help="Aus dem Warenkorb entfernen",
                      on_click=_remove, args=(line.product.id,))
        if line.problem:
            st.warning(md(line.problem), icon=":material/block:")

total = cart.total
st.header("Summe")
left, right = st.columns(2)
left.metric("Einrichtung (einmalig)", euro(total.due_setup_cents),
            help=f"Listenpreis {euro(total.setup_cents)}" if total.setup_cents != total.due_setup_cents else None)
right.metric("Lizenz und Pflege pro Jahr", euro(total.due_yearly_cents),
             help=f"Listenpreis {euro(total.yearly_cents)}" if total.yearly_cents != total.due_yearly_cents else None)
if cart.programme_name:
    st.caption(f"Berücksichtigt: {md(cart.programme_name)}.")
else:
    st.caption("Für heute gilt kein Förderprogramm; es gelten die Listenpreise. Alle Preise sind Beispielpreise.")

if contract is None:
    st.error("Es ist kein Mustervertrag hinterlegt. Bitte wenden Sie sich an KISA.")
    st.stop()
st.header("Mustervertrag")
with st.expander(f"{md(contract.title)} – Fassung {md(contract.version)}", expanded=False):
    st.text(contract.body)  # plain text: nothing in it is interpreted


def _place(revision: int, contract_id: int) -> None:
    """Runs before the page: a double click sends the same revision twice and gets the same order."""
    try:
        with sensitive_scope(PASSWORD, actor) as session:
            order, _created = place_order(session, actor=actor, cart_revision=revision, contract_id=contract_id,
                                          authorised=bool(st.session_state.get("cart_authorised")))
            st.session_state["cart_placed"] = order.number
    except ReauthRequired as exc:  # the confirmation stays ticked; the password field shows why
        ask_password(PASSWORD, exc)
        return
    except FieldErrors as exc:
        st.session_state["cart_problem"] = next(iter(exc.errors.values()))
    except DomainError as exc:
        st.session_state["cart_problem"] = str(exc)
    st.session_state["cart_authorised"] = False


municipality_name = municipality.name if municipality else "meine Kommune"
st.checkbox(f"Ich bin berechtigt, für {md(municipality_name)} zu bestellen, und habe den Mustervertrag "
            f"(Fassung {md(contract.version)}) und die Preishinweise gelesen.", key="cart_authorised")
password_field(PASSWORD, keep=("cart_authorised",))
st.button("Verbindlich bestellen", type="primary", icon=":material/shopping_cart_checkout:", key="cart_order",
          disabled=not cart.orderable or not st.session_state.get("cart_authorised"),
          on_click=_place, args=(cart.revision, contract.id))
if not cart.orderable:
    st.caption("Bitte entfernen Sie zuerst die markierten Produkte.")
