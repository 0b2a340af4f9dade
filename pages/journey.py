"""Fortschritt: where each ordered product stands in the journey, as a picture, planned versus actual.

Overview of a municipality (KISA chooses it, ``?kommune=<AGS>``), or one product (``?nr=<ordered product>``) with the
seed's five steps, its phases and its history.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from backoffice.municipality_choice import municipality_with_orders
from core.db import session_scope
from core.errors import DomainError
from core.paging import page_of
from core.text import search_text
from journey.timeline import (
    Phase,
    ProductJourney,
    deviation_text,
    local_day,
    municipality_overview,
    product_journey,
    product_journeys,
)
from models import Role
from web.charts import show_chart
from web.guard import require_actor
from web.journey_chart import municipality_chart, municipality_table, product_chart
from web.municipality_picker import municipality_picker
from web.navigation import is_record_id, view_button
from web.paging import first_page, page_controls, page_number, page_size
from web.text import count, fmt_date, fmt_datetime, md

actor = require_actor(Role.KOMMUNE, Role.KISA, Role.ADMIN)
staff = actor.role != Role.KOMMUNE
state = st.session_state
CHOICE = "jr_kommune"
PAGE = "jr_page"
SIZE = "jr_size"  # products per page, in the chart and in the list: 10 unless chosen otherwise

# Where a next step happens: page key (journey.timeline.NEXT_STEPS) -> file, link text, icon, for whom.
PAGES: dict[str, tuple[str, str, str, bool]] = {
    "fragebogen": ("pages/questionnaire_form.py", "Zum Fragebogen", ":material/edit_note:", True),
    "abnahme": ("pages/acceptance.py", "Zu Test und Abnahme", ":material/fact_check:", True),
    "vorgang": ("pages/kisa_case.py", "Vorgang öffnen", ":material/work:", False),  # KISA only
}
STEP_ICONS = {"done": ":material/check_circle:", "current": ":material/pending:", "next": ":material/arrow_forward:",
              "later": ":material/radio_button_unchecked:", "ended": ":material/cancel:"}
STEP_COLOURS = {"done": "green", "current": "blue", "next": "orange", "later": "gray", "ended": "red"}


def _day(moment: datetime | None) -> str:
    return fmt_date(local_day(moment)) if moment is not None else "–"


def _next_link(journey: ProductJourney) -> None:
    """Link to the page where the next step happens (nothing if there is none for this person)."""
    page = PAGES.get(journey.next_page or "")
    if page is None or not (page[3] or staff):
        return
    file, label, icon, _ = page
    st.page_link(file, label=label, icon=icon, query_params={"nr": str(journey.ordered_product_id)})


def _badges(journey: ProductJourney) -> str:
    text = f":blue-badge[{md(journey.state_name)}]"
    if journey.overdue:
        text += " :red-badge[:material/alarm: überfällig]"
    return text


def _who(journey: ProductJourney) -> str:
    if journey.waiting_for == "–":
        return "Am Zug: niemand"
    return f"Am Zug: {journey.waiting_for} – {journey.waiting_text}"


def _overview_link(ags: str) -> None:
    view_button("Zur Übersicht", params={"kommune": ags} if staff else {}, key="jr_back", icon=":material/arrow_back:")


# ---- one product ------------------------------------------------------------------------------------------------
def _stepper(journey: ProductJourney) -> None:
    """The seed's five steps as a row: done, current, next, later (or where it stopped)."""
    for column, mark in zip(st.columns(len(journey.steps)), journey.steps, strict=True):
        with column.container(border=True, height="stretch"):
            colour = STEP_COLOURS[mark.status]
            st.markdown(f":{colour}[{STEP_ICONS[mark.status]} **{mark.number}. {md(mark.title)}**]")
            st.markdown(f":{colour}-badge[{mark.status_name}]")
            st.caption(f"{md(mark.who)} · {md(mark.duration)}")


def _actual(phase: Phase, now: datetime) -> str:
    """Return the actual dates of a phase; a running one with its re-planned end."""
    if phase.start is None:
        return "noch nicht begonnen"
    if phase.current:
        if phase.due is None:
            return f"seit {_day(phase.start)}"
        late = phase.due < now
        return f"seit {_day(phase.start)}, {'überfällig seit' if late else 'fällig bis'} {_day(phase.due)}"
    if phase.interrupted:
        return f"begonnen {_day(phase.start)}, unterbrochen (Rückfrage)"
    return f"{_day(phase.start)} – {_day(phase.end)}"


def _product_view(nr: int) -> None:
    try:
        with session_scope() as session:
            journey = product_journey(session, actor=actor, ordered_product_id=nr)
    except DomainError as exc:
        st.title("Fortschritt")
        st.error(md(str(exc)), icon=":material/error:")
        _overview_link(st.query_params.get("kommune", ""))
        st.stop()
    _overview_link(journey.ags)
    st.title(md(journey.product_name))
    head = f"**{md(journey.municipality_name)}** · " if staff else ""
    st.markdown(f"{head}{_badges(journey)} · {md(_who(journey))}")
    with st.container(border=True):
        step_col, link_col = st.columns([3, 1], vertical_alignment="center")
        step_col.markdown(f"**Als Nächstes:** {md(journey.next_step)}")
        with link_col:
            _next_link(journey)
            if staff and journey.next_page != "vorgang":
                st.page_link("pages/kisa_case.py", label="Vorgang öffnen", icon=":material/work:",
                             query_params={"nr": str(journey.ordered_product_id)})

    _stepper(journey)

    if journey.live_at is not None:
        live = ("Live seit", _day(journey.live_at))
    elif journey.forecast_live is not None:
        live = ("Voraussichtlich live", _day(journey.forecast_live))
    else:
        live = ("Beendet am" if journey.ended else "Live", _day(journey.ended_at))
    facts = [("Bestellt am", _day(journey.ordered_at)), ("Geplant live", _day(journey.planned_live)), live,
             ("Abweichung", journey.deviation_text), ("Rückfragen von KISA", str(journey.query_rounds))]
    for column, (label, value) in zip(st.columns(len(facts)), facts, strict=True):
        column.markdown(f":gray[{label}]  \n**{md(value)}**")
    st.caption(f"Bisher {count(round(journey.days_with('Kommune')), 'Tag', 'Tage')} bei der Kommune "
               f"(Fragebogen, Antworten auf Rückfragen, Test) und {count(round(journey.days_with('KISA')), 'Tag', 'Tage')}"
               " bei KISA (Prüfung und Einrichtung).")

    st.header("Phasen: Plan und Ist")
    show_chart(product_chart(journey), description="Zeitleiste der Phasen dieses Produkts: tatsächlicher Verlauf über "
                                                    "dem Plan. Die Daten stehen in der Tabelle unter dem Diagramm.",
               key="jr_product_table")
    st.caption("Kräftige Balken: tatsächlicher Verlauf. Helle, umrandete Balken: Plan. Rote Linie: heute.")
    now = journey.as_of
    st.table(pd.DataFrame(
        [{"Phase": p.name, "Am Zug": p.who,
          "Plan": f"{_day(p.planned_start)} – {_day(p.planned_end)}" if p.planned_end else f"ab {_day(p.planned_start)}",
          "Ist": _actual(p, now), "Tage": str(round(p.days)) if p.start else "–",
          "Abweichung": deviation_text(p.deviation_days(now)) if p.start else "–", "Rückfragen": str(p.query_rounds)}
         for p in journey.phases]).set_index("Phase"))

    st.header("Verlauf")
    if not journey.history_complete:
        st.caption("Einige Stände wurden ohne Eintrag im Verlauf gesetzt (z. B. vor Einführung des Verlaufs); "
                   "die Zeiten dieser Abschnitte sind geschätzt.")
    if journey.history:
        st.table(pd.DataFrame(
            [{"Wann": fmt_datetime(h.at), "Schritt": f"{h.from_name} → {h.to_name}", "Wer": h.actor_name or "–",
              "Notiz": h.note} for h in reversed(journey.history)]).set_index("Wann"))
    else:
        st.info(f"Noch kein Schritt seit der Bestellung am {_day(journey.ordered_at)}.", icon=":material/info:")


# ---- a municipality's overview ------------------------------------------------------------------------------------
def _choose_municipality() -> int | None:
    """KISA: choose the municipality; the choice lives in ``?kommune=<AGS>`` (survives a reload, can be linked)."""
    wanted = st.query_params.get("kommune", "")
    linked = None
    if wanted:
        with session_scope() as session:
            linked = municipality_with_orders(session, actor=actor, ags=wanted)
        if linked is not None:
            state[CHOICE] = linked.municipality_id  # a link or a reload decides, not an older choice

    def _chosen() -> None:
        st.query_params.pop("kommune", None)
        first_page(PAGE)

    chosen = municipality_picker(actor, key=CHOICE, on_change=_chosen,
                                 empty="Noch keine Kommune hat Produkte bestellt.")
    if chosen is not None:
        st.query_params["kommune"] = chosen.ags
    elif wanted and linked is None:
        st.warning("Zu diesem Gemeindeschlüssel gibt es keine Kommune mit bestellten Produkten.", icon=":material/warning:")
    return chosen.municipality_id if chosen is not None else None


def _product_row(journey: ProductJourney, ags: str) -> None:
    with st.container(border=True):
        name_col, state_col, next_col = st.columns([3, 3, 4], vertical_alignment="center")
        with name_col:
            st.markdown(f"**{md(journey.product_name)}**")
            query = {"nr": str(journey.ordered_product_id)} | ({"kommune": ags} if staff else {})
            view_button("Verlauf ansehen", params=query, key=f"jr_open_{journey.ordered_product_id}",
                        icon=":material/timeline:")
        # Few elements a row (each costs the server and the browser on every rerun): grey text instead of captions.
        state_col.markdown(f"{_badges(journey)}  \n:gray[{md(_who(journey))}]")
        with next_col:
            facts = []
            if journey.due is not None:
                facts.append(f"fällig seit {_day(journey.due)}" if journey.overdue else f"fällig bis {_day(journey.due)}")
            if journey.forecast_live is not None:
                facts.append(f"Livegang voraussichtlich {journey.deviation_text}")
            st.markdown(md(journey.next_step) + (f"  \n:gray[{md(' · '.join(facts))}]" if facts else ""))
            _next_link(journey)


def _overview() -> None:
    st.title("Fortschritt")
    if staff:
        st.caption("Wo die bestellten Produkte einer Kommune stehen, wer am Zug ist und wie der Verlauf zum Plan passt.")
        municipality_id = _choose_municipality()
        if municipality_id is None:
            st.stop()
    else:
        st.caption("Wo Ihre bestellten Online-Antragsassistenten stehen, was als Nächstes kommt und wie der Verlauf zum "
                   "Plan passt.")
        municipality_id = None
    try:
        with session_scope() as session:
            overview = municipality_overview(session, actor=actor, municipality_id=municipality_id)
    except DomainError as exc:
        st.error(md(str(exc)), icon=":material/error:")
        st.stop()
    if staff:
        st.header(md(overview.municipality_name))
    if not overview.products:
        st.info("Noch keine bestellten Produkte." + ("" if staff else " Produkte wählen Sie im OAA-Katalog aus."),
                icon=":material/info:")
        return

    live_col, test_col, kisa_col, town_col, overdue_col = st.columns(5)
    live_col.metric("Live", overview.live, border=True)
    test_col.metric("Im Test", overview.in_test, border=True)
    kisa_col.metric("Bei KISA", overview.with_kisa, border=True)
    town_col.metric("Bei der Kommune" if staff else "Bei Ihnen", overview.with_municipality, border=True)
    overdue_col.metric("Überfällig", overview.overdue, border=True)

    town = "der Kommune" if staff else "Ihnen"
    st.caption(f"Im Test: Test im Wartungsmodus oder abgenommen (Wartungsmodus noch an). Bei KISA: Prüfung der "
               f"Konfiguration oder Einrichtung. Bei {town}: Fragebogen, Antwort auf eine Rückfrage oder Änderung. "
               "Überfällig: länger im aktuellen Schritt als geplant.")
    st.header("Verlauf je Produkt")
    search = st.text_input("Produkte filtern (Name)", key="jr_search", max_chars=100, on_change=first_page,
                           args=(PAGE,))
    needle = search_text(search).casefold()
    matching = [p for p in overview.most_urgent_first() if needle in p.product_name.casefold()]
    page = page_of(matching, page_number(PAGE), page_size(SIZE))
    if not page.items:
        st.info("Kein bestelltes Produkt passt zu diesem Filter.", icon=":material/search_off:")
        return
    with session_scope() as session:  # the phases and history only of the products on this page
        journeys = product_journeys(session, actor=actor, municipality_id=overview.municipality_id,
                                    ordered_product_ids=[p.ordered_product_id for p in page.items]).products
    show_chart(municipality_chart(journeys, overview.as_of),
               description="Zeitleiste je Produkt dieser Seite: tatsächlicher Verlauf der Phasen über dem Plan ab dem "
                           "Bestelldatum.",
               table=municipality_table(journeys), key="jr_table")
    st.caption("Kräftige Balken: tatsächlicher Verlauf je Phase. Helle, umrandete Balken: Plan ab dem Bestelldatum "
               "(etwa zwei Wochen Fragebogen, zwei Wochen Einrichtung durch KISA, drei Wochen Test und Abnahme). "
               "Rote Linie: heute. Zeigen Sie auf einen Balken für die Daten.")

    st.header("Nächste Schritte")
    st.caption("Zuerst, was überfällig ist, dann nach Fälligkeit; danach live, zuletzt storniert oder beendet.")
    for journey in journeys:
        _product_row(journey, overview.ags)
    page_controls(PAGE, page, size_key=SIZE)


raw_nr = st.query_params.get("nr", "")
if is_record_id(raw_nr):
    _product_view(int(raw_nr))
else:
    _overview()
