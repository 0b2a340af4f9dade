"""The demo panel in the sidebar (demo mode only): "Als … ansehen" for each demo persona, and the presenter's reset.

UI only: the rules live in demo/switch.py (refused when demo mode is off or the key is not a demo persona).
"""

from __future__ import annotations

import time

import streamlit as st

from accounts.actor import Actor
from core.db import session_scope
from core.errors import DomainError
from demo.personas import PERSONAS
from demo.switch import reset_story, switch_to
from models import Role
from web import state

_CONFIRM = "demo_reset_confirm"


def log_in_as_persona(key: str) -> str | None:
    """Open a login session as the persona ``key`` in this browser session; return a German problem or None."""
    try:
        with session_scope() as session:
            switched = switch_to(session, key, current_web_session_id=state.web_session_id())
    except DomainError as exc:
        return str(exc)
    state.clear_login()
    state.set_login(switched.actor, switched.web_session_id, switched.bind_code)
    state.flash(f"Sie sehen die App jetzt als {switched.persona.label}.")
    return None


def _switch(key: str) -> None:
    """Log in as the persona and land on the start page (or show why not)."""
    problem = log_in_as_persona(key)
    if problem:
        st.error(problem)
        return
    st.switch_page("pages/start.py")


def _switch_buttons(actor: Actor | None) -> None:
    st.caption("Mit einem Klick als Demo-Person anmelden:")
    for persona in PERSONAS:
        current = actor is not None and actor.email == persona.email
        if st.button(f"Als {persona.full_name} ansehen", key=f"demo_switch_{persona.key}", help=persona.position,
                     disabled=current, type="tertiary", icon=":material/check:" if current else ":material/person:"):
            _switch(persona.key)


def persona_table() -> None:
    """The demo personas with their function and address, each with a button to log in as them (login page)."""
    for persona in PERSONAS:
        name, address, button = st.columns([5, 5, 4], vertical_alignment="center")
        name.markdown(f"**{persona.full_name}**  \n{persona.position}")
        address.markdown(persona.email)
        if button.button(f"Als {persona.full_name} anmelden", key=f"demo_login_{persona.key}", width="stretch"):
            _switch(persona.key)


def _reset(actor: Actor) -> None:
    """The presenter's reset: a confirmation step, progress while it runs, the duration afterwards."""
    if not st.session_state.get(_CONFIRM):
        if st.button("Demo zurücksetzen …", key="demo_reset", icon=":material/restart_alt:", width="stretch"):
            st.session_state[_CONFIRM] = True
            st.rerun()
        return
    st.warning("Alle Änderungen an den Beispieldaten gehen verloren, alle Demo-Anmeldungen enden. Das lässt sich "
               "nicht rückgängig machen. Echte Daten bleiben unverändert.", icon=":material/warning:")
    go = st.button("Jetzt zurücksetzen", key="demo_reset_go", type="primary", width="stretch")
    if st.button("Abbrechen", key="demo_reset_cancel", width="stretch"):
        st.session_state.pop(_CONFIRM, None)
        st.rerun()
    if not go:
        return
    st.session_state.pop(_CONFIRM, None)
    key = next((p.key for p in PERSONAS if p.email == actor.email), None)
    started = time.perf_counter()
    try:
        with st.spinner("Die Demo wird zurückgesetzt …"), session_scope() as session:
            reset_story(session)
    except DomainError as exc:
        st.error(str(exc))
        return
    seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
    state.clear_login()  # the reset ended every demo login, this one too: log in again as the same persona
    if key is not None:
        log_in_as_persona(key)
    state.flash(f"Die Demo wurde in {seconds} Sekunden auf den Anfangsstand zurückgesetzt.")
    st.switch_page("pages/start.py")


def demo_panel(actor: Actor | None) -> None:
    """Show the demo panel; the caller shows it only in demo mode."""
    if actor is None and state.pop_to_login():  # the login ended (e.g. a reset): on to the login page's note
        st.switch_page("pages/login.py")
    with st.expander("Demo: Als … ansehen", icon=":material/switch_account:", expanded=actor is None):
        _switch_buttons(actor)
        if actor is not None and actor.role in (Role.KISA, Role.ADMIN) and actor.email in {p.email for p in PERSONAS}:
            st.divider()
            _reset(actor)
