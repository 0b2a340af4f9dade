"""Workshop-Tour (``?station=<n>``, demo mode only): the presenter's path through the app along the five steps of the
seed — per stop what to say, which page to open as which demo persona, what to show, and where it sits in the data
flow. The stop is kept in the address, so a reload or a shared link stays at the same stop."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from core.config import get_settings
from web.dataflow_chart import show_dataflow
from web.navigation import view_button
from web.state import current_actor
from web.text import md, md_label
from workshop.dataflow import system
from workshop.tour import PARAMETER, Mark, Station, Stop, choose_station, stop_title

REMEMBERED = "tour_station"  # the last stop of this browser session: back from another page without ``?station``
BADGES = {Mark.DONE: ":green-badge[:material/check: erledigt]", Mark.CURRENT: ":blue-badge[:material/play_arrow: jetzt]",
          Mark.OPEN: ":gray-badge[offen]"}

st.title("Workshop-Tour")
if not get_settings().demo:
    st.warning("Die Workshop-Tour gibt es nur im Demomodus. Sie zeigt die Beispieldaten des Demomodus und ist im "
               "Betrieb ausgeschaltet.", icon=":material/block:")
    st.stop()

station = choose_station(st.query_params.get(PARAMETER), st.session_state.get(REMEMBERED))
if station.note:
    st.warning(station.note, icon=":material/warning:")
st.session_state[REMEMBERED] = station.number
if st.query_params.get(PARAMETER) != str(station.number):
    st.query_params[PARAMETER] = str(station.number)  # the address names the stop shown

st.caption("In fünf Schritten zum Online-Antragsassistenten – ein Gang durch den OAA-Shop mit den Beispieldaten des "
           "Demomodus. Alle Kommunen, Personen und Preise sind Beispieldaten.")
st.progress(station.progress, text=station.progress_text)


def _stops(current: Station) -> None:
    st.header("Stationen")
    for number, stop, mark in current.marks():
        badge_col, link_col = st.columns([1, 3], vertical_alignment="center")
        badge_col.markdown(BADGES[mark])
        if mark == Mark.CURRENT:
            link_col.markdown(f"**{number}. {md(stop_title(stop))}**")
        else:
            with link_col:
                view_button(f"{number}. {stop_title(stop)}", params={PARAMETER: str(number)}, key=f"tour_go_{number}")


def _page_link(stop: Stop) -> None:
    """Link the page of the stop; if this person cannot open it, say as whom to log in."""
    try:
        st.page_link(f"pages/{stop.page_file}", label=f"Seite „{stop.page_title}“ öffnen", icon=":material/open_in_new:")
    except StreamlitPageNotFoundError:
        st.caption(f"Die Seite „{md(stop.page_title)}“ (Adresse /{stop.page_path}) erscheint in der Seitenleiste, sobald "
                   f"Sie {'abgemeldet' if stop.demo_persona is None else 'als ' + md(stop.demo_persona.full_name)} "
                   "sind.")


def _current(current: Station) -> None:
    stop = current.stop
    st.header(f"{current.number}. {stop_title(stop)}")
    step = stop.journey_step
    if step is not None:
        st.caption(f":material/person: {step.who} · :material/schedule: {step.duration} · {md(step.summary)}")
    st.markdown(md(stop.explanation))
    with st.container(border=True):
        st.markdown(f"**Seite:** {md(stop.page_title)} (/{stop.page_path})  \n**Als:** {md_label(stop.who)}")
        actor = current_actor()
        if not stop.is_person(actor.email if actor else None):
            now = f"als {md_label(actor.full_name)} angemeldet" if actor else "nicht angemeldet"
            st.info(f"Sie sind gerade {now}. Wechseln Sie für diese Station die Person (Demo-Zugänge auf der Seite "
                    "„Anmelden“).", icon=":material/switch_account:")
        _page_link(stop)
    st.markdown("**Was zeigen:**\n" + "\n".join(f"- {md(point)}" for point in stop.show))
    back, forward = st.columns(2)
    with back:
        previous = current.neighbour(-1)
        if previous is not None:
            view_button("Zurück", params={PARAMETER: str(previous)}, key="tour_back", icon=":material/arrow_back:")
    with forward:
        following = current.neighbour(1)
        if following is not None:
            view_button(f"Weiter zu Station {following}", params={PARAMETER: str(following)}, key="tour_next",
                        icon=":material/arrow_forward:")


overview, detail = st.columns([2, 3], gap="large")
with overview:
    _stops(station)
with detail:
    _current(station)

st.header("Wo im Datenfluss?")
if station.stop.highlight:
    names = ", ".join(" ".join(system(key).label.split()) for key in station.stop.highlight)
    st.markdown(f"Hervorgehoben (gelb, dicker Rahmen): {md(names)}")
else:
    st.markdown("An dieser Station ist kein System hervorgehoben; das ganze Bild erklärt die Seite "
                "„Systeme und Datenfluss“.")
show_dataflow(station.stop.highlight)
