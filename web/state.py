"""Typed access to st.session_state: ids and small values only, never ORM objects or DB sessions."""

from __future__ import annotations

import streamlit as st

from accounts.actor import Actor

_ACTOR = "auth_actor"
_WEB_SESSION = "auth_web_session_id"
_BIND_CODE = "auth_bind_code"
_FLASH = "flash_message"


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
