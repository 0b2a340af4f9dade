"""Login state across reruns and reloads: server-side sessions, the HttpOnly cookie hand-over, logout."""

from __future__ import annotations

import json

import streamlit as st

from accounts import web_sessions
from accounts.actor import Actor
from accounts.authentication import authenticate
from core.db import session_scope
from web import state


def restore_login() -> Actor | None:
    """Return the actor for this run: from session state (if the session is still alive) or the cookie."""
    actor = state.current_actor()
    session_id = state.web_session_id()
    if actor is not None and session_id is not None:
        with session_scope() as session:
            fresh = web_sessions.touch(session, web_session_id=session_id)
        if fresh is None:
            state.clear_login()
            state.flash("Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.")
            return None
        if fresh != actor:
            state.update_actor(fresh)
        return fresh
    token = _cookie_token()
    if token:
        with session_scope() as session:
            resumed = web_sessions.resume(session, token=token)
        if resumed is not None:
            state.set_login(resumed.actor, resumed.web_session_id)
            return resumed.actor
    return None


def _cookie_token() -> str:
    """Return the session cookie of the browser request; empty without one (AppTest has no request)."""
    try:
        value = st.context.cookies.get(web_sessions.COOKIE_NAME, "")
    except Exception:
        return ""
    return value if isinstance(value, str) else ""


def log_in(email: str, password: str) -> str | None:
    """Try to log in; return ``None`` on success or the German message to show."""
    with session_scope() as session:
        outcome = authenticate(session, email=email, password=password)
        if outcome.actor is None:
            return outcome.message
        started = web_sessions.start(session, actor=outcome.actor)
    state.set_login(outcome.actor, started.web_session_id, started.bind_code)
    return None


def log_out() -> None:
    """End the server-side session, clear the cookie in the browser and forget the login."""
    session_id = state.web_session_id()
    if session_id is not None:
        with session_scope() as session:
            web_sessions.end(session, web_session_id=session_id)
    state.clear_login()
    st.session_state["auth_clear_cookie"] = True


def emit_cookie_scripts() -> None:
    """Ask the browser to fetch or drop the HttpOnly session cookie (server-made values only)."""
    code = state.pop_bind_code()
    if code:
        payload = json.dumps({"code": code})
        st.html(
            "<script>fetch('/_oaa/session', {method: 'POST', credentials: 'same-origin', "
            f"headers: {{'Content-Type': 'application/json'}}, body: {json.dumps(payload)}}});</script>",
            unsafe_allow_javascript=True,
        )
    if st.session_state.pop("auth_clear_cookie", False):
        st.html(
            "<script>fetch('/_oaa/logout', {method: 'POST', credentials: 'same-origin'});</script>",
            unsafe_allow_javascript=True,
        )
