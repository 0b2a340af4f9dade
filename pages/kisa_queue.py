"""Arbeitsvorrat: KISA's work queue — ordered products by state, age, due date, overdue, assignment."""

from __future__ import annotations

import streamlit as st

from backoffice.queue import KISA_STATES, queue_page, staff_members
from core.db import session_scope
from models import STATE_NAMES, OrderedProductState, Role
from web.backoffice import assign_control, due_text, show_feedback
from web.fragments import page_part
from web.guard import require_actor
from web.municipality_picker import municipality_picker
from web.paging import first_page, page_controls, page_number, page_size
from web.text import count, md

FEEDBACK = "kq_feedback"
PAGE = "kq_page"
SIZE = "kq_size"  # entries per page, 10 unless chosen otherwise

actor = require_actor(Role.KISA, Role.ADMIN)
st.title("Arbeitsvorrat")
st.caption("Bestellte Produkte aller Kommunen, ältester Stand zuerst. Fällig ist eine Phase nach ihrer geplanten "
           "Dauer (etwa zwei Wochen, der Test drei Wochen).")


@page_part
def queue() -> None:
    """Filters and list: a filter, a page switch or an assignment reruns them alone, not the menu and the sidebar."""
    with session_scope() as session:
        staff = {s.user_id: s.full_name for s in staff_members(session, actor=actor)}

    with st.container(horizontal=True, gap="medium"):  # a flex row: one block, not a block per column
        chosen_states = st.multiselect(
            "Stand", list(OrderedProductState), default=list(KISA_STATES), format_func=lambda s: STATE_NAMES[s],
            placeholder="alle Stände", key="kq_states", select_all=False, on_change=first_page, args=(PAGE,))
        with st.container(width=300):
            town_choice = municipality_picker(actor, key="kq_town", placeholder="Alle Kommunen", on_change=first_page,
                                              args=(PAGE,))
        search = st.text_input("Suche", placeholder="Produkt, Kommune oder AGS", key="kq_search", max_chars=100,
                               on_change=first_page, args=(PAGE,), width=300)
    town = town_choice.municipality_id if town_choice is not None else None
    with st.container(horizontal=True, gap="large"):
        mine = st.toggle("nur mir zugewiesen", key="kq_mine", on_change=first_page, args=(PAGE,))
        overdue_only = st.toggle("nur überfällige", key="kq_overdue", on_change=first_page, args=(PAGE,))

    with session_scope() as session:
        page = queue_page(session, actor=actor, states=tuple(chosen_states or OrderedProductState),
                          municipality_id=town, search=search, assigned_to_id=actor.user_id if mine else None,
                          overdue_only=overdue_only, number=page_number(PAGE), size=page_size(SIZE))
    items = page.items

    show_feedback(FEEDBACK)
    st.markdown(f"**{count(page.total, 'Vorgang', 'Vorgänge')}**, "
                + (f":red[**{page.overdue} überfällig**]" if page.overdue else "keiner überfällig"))
    if not items:
        st.info("Keine Vorgänge zu diesen Filtern.", icon=":material/inbox:")
        return

    for item in items:
        # One card a row, four elements: the browser redraws every element on each rerun, and a row of columns (a
        # block per column) cost it three times as much as the card (docs/performance.md, "Fourth round").
        with st.container(border=True, horizontal=True, vertical_alignment="center", gap="medium", wrap=False):
            st.markdown(f"**{md(item.product_name)}**  \n{md(item.municipality_name)} :gray[(AGS {item.ags})]  \n"
                        f":blue-badge[{md(item.state_name)}] :gray[wartet auf {md(item.waiting_for)}] · "
                        f"{count(item.age_days, 'Tag', 'Tage')} alt · {due_text(item, inline=True)}", width="stretch")
            assign_control(actor, item, staff, prefix="kq", feedback=FEEDBACK, width=230)
            st.page_link("pages/kisa_case.py", label="Öffnen", icon=":material/open_in_new:",
                         query_params={"nr": str(item.ordered_product_id)})

    page_controls(PAGE, page, size_key=SIZE)


queue()
