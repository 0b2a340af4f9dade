"""Fragebögen: every ordered product's questionnaire with its state; the colleague's requests; bulk download."""

from __future__ import annotations

import streamlit as st

from core.db import session_scope
from core.paging import page_of
from models import STATE_NAMES, OrderedProductState, Role
from questionnaire.drafts import QuestionnaireRow, list_questionnaires, questionnaire_page
from questionnaire.export import export_zip
from questionnaire.team import my_assignments
from web.downloads import deferred
from web.guard import require_actor
from web.paging import first_page, page_controls, page_number, page_size
from web.text import count, fmt_datetime, md

PAGE, DONE_PAGE = "qs_page", "qs_done_page"
SIZE, DONE_SIZE = "qs_size", "qs_done_size"  # entries a page, 10 unless chosen otherwise ("Einträge je Seite")

actor = require_actor(Role.KOMMUNE, Role.KISA, Role.ADMIN)
st.title("Konfigurationsfragebögen")
if actor.role == Role.KOMMUNE:
    st.caption("Für jedes bestellte Produkt geben Sie im Fragebogen die fachlichen und technischen Angaben an. "
               "Allgemeine Angaben tragen Sie einmal als Stammdaten ein; sie füllen jeden Fragebogen vor.")
else:
    st.caption("Die Fragebögen aller Kommunen. Eingereichte Konfigurationen lesen Sie hier und laden sie als PDF "
               "und JSON herunter.")

STAFF_STATES = [s for s in OrderedProductState if s not in (OrderedProductState.CANCELLED, OrderedProductState.TERMINATED)]
if actor.role != Role.KOMMUNE:  # all municipalities: filtered, counted and paged in the database
    town_col, state_col = st.columns(2)
    search = town_col.text_input("Kommune, AGS oder Produkt", key="qs_search", max_chars=100, on_change=first_page,
                                 args=(PAGE,))
    if "qs_states" not in st.session_state:  # start with what KISA has to read, if anything was submitted
        with session_scope() as session:
            submitted = questionnaire_page(session, actor=actor, states=(OrderedProductState.SUBMITTED,), size=1).total
        st.session_state["qs_states"] = [OrderedProductState.SUBMITTED] if submitted else []
    chosen_states = state_col.multiselect("Stand", STAFF_STATES,
                                          format_func=lambda s: STATE_NAMES[s], placeholder="alle Stände",
                                          key="qs_states", select_all=False, on_change=first_page, args=(PAGE,))
    with session_scope() as session:
        staff_page = questionnaire_page(session, actor=actor, states=tuple(chosen_states), search=search,
                                        number=page_number(PAGE), size=page_size(SIZE))
    rows = staff_page.items
    assignments = []
else:
    with session_scope() as session:
        rows = list_questionnaires(session, actor=actor)
        assignments = my_assignments(session, actor=actor)

open_assignments = [a for a in assignments if a.state_open]
if open_assignments:
    st.header("Ihre Aufgaben")
    for assignment in open_assignments:
        with st.container(border=True):
            st.markdown(f"**{md(assignment.product_name)}** – {md(', '.join(assignment.step_titles))}")
            st.caption(f"Erbeten von {md(assignment.invited_by)} am {fmt_datetime(assignment.created_at)}")
            if assignment.note:
                st.text(assignment.note)
            st.page_link("pages/questionnaire_form.py", label="Fragebogen öffnen", icon=":material/edit_note:",
                         query_params={"nr": str(assignment.ordered_product_id), "schritt": assignment.steps[0]}
                         if assignment.steps else {"nr": str(assignment.ordered_product_id)})

if actor.role == Role.KOMMUNE:
    st.page_link("pages/master_data.py", label="Stammdaten der Kommune bearbeiten", icon=":material/domain:")

if not rows:
    st.info("Noch keine bestellten Produkte. Produkte wählen Sie im OAA-Katalog aus." if actor.role == Role.KOMMUNE
            else "Keine Fragebögen zu diesen Filtern.")
    st.stop()

# KISA bundles what was submitted; a municipality also its drafts (its own working copy).
begun = [r.questionnaire_id for r in rows if r.questionnaire_id is not None
         and (actor.role == Role.KOMMUNE or r.submitted_at is not None)]
if begun:

    def _bundle() -> bytes:
        with session_scope() as session:
            return export_zip(session, actor=actor, questionnaire_ids=begun)

    st.download_button(f"{count(len(begun), 'Konfiguration', 'Konfigurationen')} herunterladen (ZIP mit PDF und JSON)",
                       data=deferred(_bundle, what="Konfigurationen (ZIP)"), file_name="Konfigurationen.zip",
                       mime="application/zip",
                       icon=":material/folder_zip:", key="qs_zip", on_click="ignore",
                       help="Je Produkt die zuletzt eingereichte Fassung" + (
                           ", sonst der aktuelle Entwurf (als Entwurf gekennzeichnet)." if actor.role == Role.KOMMUNE
                           else "."))

waiting = [r for r in rows if r.editable]
done = [r for r in rows if not r.editable]
st.header(f"Offen ({len(waiting)})" if actor.role == Role.KOMMUNE else "Alle Fragebögen")


def _row(row: QuestionnaireRow) -> None:
    name_col, state_col, when_col, link_col = st.columns([3, 2, 2, 2])
    title = md(row.product_name)
    if actor.role != Role.KOMMUNE:
        title += f"  \n{md(row.municipality_name)}"
    name_col.markdown(f"**{title}**" if actor.role == Role.KOMMUNE else title)
    state_col.markdown(f":blue-badge[{row.state_name}]")
    if row.questionnaire_id is None and not row.editable:
        when = "ohne Fragebogen im Shop"  # ordered and set up before the shop had the questionnaire
    elif row.submitted_at and not row.editable:
        when = f"eingereicht {fmt_datetime(row.submitted_at)}"
    else:
        when = f"zuletzt {fmt_datetime(row.updated_at)}" if row.updated_at else "noch nicht begonnen"
    when_col.caption(when)
    with link_col:
        label = "Ausfüllen" if row.editable and actor.role == Role.KOMMUNE else "Ansehen"
        if row.questionnaire_id is None and (actor.role != Role.KOMMUNE or not row.editable):
            st.caption("–")
        else:
            st.page_link("pages/questionnaire_form.py", label=label, icon=":material/edit_note:",
                         query_params={"nr": str(row.ordered_product_id)})


first = page_of(waiting, page_number(PAGE), page_size(SIZE)) if actor.role == Role.KOMMUNE else staff_page
for row in first.items:
    _row(row)
page_controls(PAGE, first, size_key=SIZE)
if actor.role == Role.KOMMUNE and done:
    st.header(f"Eingereicht und weiter ({len(done)})")
    later = page_of(done, page_number(DONE_PAGE), page_size(DONE_SIZE))
    for row in later.items:
        _row(row)
    page_controls(DONE_PAGE, later, size_key=DONE_SIZE)
