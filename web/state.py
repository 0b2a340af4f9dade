"""Typed access to st.session_state: ids and small values only, never ORM objects or DB sessions."""

from __future__ import annotations

import streamlit as st

from accounts.actor import Actor

_ACTOR = "auth_actor"
_WEB_SESSION = "auth_web_session_id"
_BIND_CODE = "auth_bind_code"
_FLASH = "flash_message"
_LOGIN_NOTE = "auth_login_note"  # why the login ended, shown on the login page
_TO_LOGIN = "auth_to_login"  # open the login page once (demo mode: after a reset ended the session)


def current_actor() -> Actor | None:
    """Return the logged-in actor of this browser session, if any."""
    actor = st.session_state.get(_ACTOR)
    return actor if isinstance(actor, Actor) else None


def web_session_id() -> int | None:
    """Return the id of the server-side login session."""
    value = st.session_state.get(_WEB_SESSION)
    return value if isinstance(value, int) else None


def set_login(actor: Actor, session_id: int, bind_code: str | None = None) -> None:
    """Remember the login; ``bind_code`` is handed to the browser once to get the cookie."""
    st.session_state[_ACTOR] = actor
    st.session_state[_WEB_SESSION] = session_id
    if bind_code:
        st.session_state[_BIND_CODE] = bind_code


def update_actor(actor: Actor) -> None:
    """Replace the remembered actor (status or role changed meanwhile)."""
    st.session_state[_ACTOR] = actor


def pop_bind_code() -> str | None:
    """Take the pending cookie bind code (once)."""
    value = st.session_state.pop(_BIND_CODE, None)
    return value if isinstance(value, str) else None


def clear_login() -> None:
    """Forget the login of this browser session."""
    for key in (_ACTOR, _WEB_SESSION, _BIND_CODE):
        st.session_state.pop(key, None)


def flash(message: str) -> None:
    """Keep a message to show after the next rerun (e.g. after logout)."""
    st.session_state[_FLASH] = message


def pop_flash() -> str | None:
    """Take the kept message."""
    value = st.session_state.pop(_FLASH, None)
    return value if isinstance(value, str) else None


def send_to_login(note: str) -> None:
    """Open the login page on this run and show ``note`` there (the login of this browser session ended)."""
    st.session_state[_LOGIN_NOTE] = note
    st.session_state[_TO_LOGIN] = True


def pop_to_login() -> bool:
    """Tell (once) whether the login page is to be opened now."""
    return bool(st.session_state.pop(_TO_LOGIN, False))


def pop_login_note() -> str | None:
    """Take the note for the login page."""
    value = st.session_state.pop(_LOGIN_NOTE, None)
    return value if isinstance(value, str) else None
