"""Meine Bestellungen (KISA: alle Bestellungen): orders, each product's state, cancellation per product."""

from __future__ import annotations

import streamlit as st

from core.db import session_scope
from core.errors import DomainError
from core.money import euro
from documents.contract import render_contract
from models import Role
from orders.contract_document import contract_data
from orders.history import cancel_line, order_page
from web.downloads import deferred, safe_filename
from web.guard import require_actor
from web.paging import first_page, page_controls, page_number
from web.text import fmt_datetime, md, md_label

PAGE_SIZE = 10  # orders per page; each shows all its products

actor = require_actor(Role.KOMMUNE, Role.KISA, Role.ADMIN)
st.title("Meine Bestellungen" if actor.role == Role.KOMMUNE else "Bestellungen")

message = st.session_state.pop("ord_message", None)
if message:
    st.success(md(message))
problem = st.session_state.pop("ord_problem", None)
if problem:
    st.error(md(problem))

PAGE = "ord_page"
search = st.text_input("Suche nach Bestellnummer oder Produkt", key="ord_search", max_chars=100,
                       on_change=first_page, args=(PAGE,))
with session_scope() as session:
    page = order_page(session, actor=actor, number=page_number(PAGE), size=PAGE_SIZE, search=search)
orders = page.items

if not orders:
    if search.strip():
        st.info("Keine Bestellung passt zu dieser Suche.", icon=":material/search_off:")
    else:
        st.info("Noch keine Bestellungen."
                + (" Produkte wählen Sie im OAA-Katalog aus." if actor.role == Role.KOMMUNE else ""))
    st.stop()


def _cancel(order_id: int, line_id: int, name: str) -> None:
    try:
        with session_scope() as session:
            cancel_line(session, actor=actor, order_id=order_id, line_id=line_id)
    except DomainError as exc:
        st.session_state["ord_problem"] = str(exc)
    else:
        st.session_state["ord_message"] = f"{name} wurde storniert."


def _pdf(order_id: int):
    """Return a callable that renders the contract only when the button is clicked."""

    def render() -> bytes:
        with session_scope() as session:
            return render_contract(contract_data(session, actor=actor, order_id=order_id))

    return deferred(render, what="Vertrag (PDF)")


for position, view in enumerate(orders):
    order = view.order
    # The content of a closed order is drawn only when it is opened (a rerun): ten orders of many products each
    # would otherwise be sent and drawn on every rerun.
    box = st.expander(f"{order.number} vom {fmt_datetime(order.placed_at)} – {len(view.lines)} Produkt(e)",
                      expanded=position == 0, key=f"ord_open_{order.id}", on_change="rerun")
    if not box.open:
        continue
    with box:
        signer = f"{md(order.signer_name)} ({md_label(order.signer_email)})"  # no link: a faint one in a caption
        st.caption(f"Mustervertrag {md(order.contract_version)} · bestellt von {signer}")
        for lv in view.lines:
            line = lv.line
            name_col, price_col, state_col, action_col = st.columns([3, 2, 2, 2])
            name_col.markdown(f"**{md(line.product_name)}**")
            price_col.markdown(f"{euro(line.due_setup_cents)} · {euro(line.due_yearly_cents)}/Jahr")
            state_col.markdown(f":blue-badge[{lv.state_name}]")
            if line.ordered_product_id is not None and lv.open_for_questionnaire:
                state_col.page_link("pages/questionnaire_form.py", label="Fragebogen", icon=":material/edit_note:",
                                    query_params={"nr": str(line.ordered_product_id)})
            if actor.role == Role.KOMMUNE and lv.cancellable:
                with action_col.popover("Stornieren", icon=":material/cancel:"):
                    st.write(f"{md(line.product_name)} wirklich stornieren? Das lässt sich nicht rückgängig machen; "
                             "Sie können das Produkt danach neu bestellen.")
                    st.button("Ja, stornieren", key=f"ord_cancel_{line.id}", type="primary",
                              on_click=_cancel, args=(order.id, line.id, line.product_name))
        st.markdown(f"**Summe:** Einrichtung {euro(order.due_setup_cents)} · Lizenz {euro(order.due_yearly_cents)}/Jahr")
        assert order.id is not None
        st.download_button("Vertrag als PDF", data=_pdf(order.id),
                           file_name=safe_filename("Vertrag", order.number, extension="pdf"), mime="application/pdf",
                           icon=":material/picture_as_pdf:", key=f"ord_pdf_{order.id}", on_click="ignore")

page_controls(PAGE, page)
