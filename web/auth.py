"""Login state across reruns and reloads: server-side sessions, the HttpOnly cookie hand-over, logout."""

from __future__ import annotations

import json
import logging
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException, StreamlitAuthError

from accounts import sso, sso_return, web_sessions
from accounts.actor import Actor
from accounts.authentication import authenticate
from core.config import get_settings
from core.db import session_scope
from web import state

_LOG = logging.getLogger(__name__)


def restore_login() -> Actor | None:
    """Return the actor for this run: from session state (if the session is still alive), the cookie or, with
    single sign-on, a login at the identity provider just now."""
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
        _sso_reauthenticated(fresh, session_id)
        return fresh
    token = _cookie_token()
    if token:
        with session_scope() as session:
            resumed = web_sessions.resume(session, token=token)
        if resumed is not None:
            state.set_login(resumed.actor, resumed.web_session_id)
            _sso_reauthenticated(resumed.actor, resumed.web_session_id)
            return resumed.actor
    return _sso_log_in()


# ---- single sign-on (OAA_AUTH_MODE=oidc) -----------------------------------------------------------------------------
_RETURN_TO = "auth_sso_return_to"  # (page, query parameters) to go back to after a confirmation
_SSO_SEEN = "auth_sso_seen"  # the identity (subject, issued at) this browser session has handled already
SSO_PROBLEM = "auth_sso_problem"


def sso_claims() -> dict[str, Any]:
    """Return the claims of ``st.user`` (thin wrapper around Streamlit; empty when nobody is logged in there)."""
    try:
        return dict(st.user.to_dict())
    except Exception:
        return {}


def start_sso_login(*, reauth: bool = False) -> None:
    """Send the browser to the identity provider (thin wrapper around ``st.login``); it comes back to the start page.

    For a re-authentication the provider named by ``OAA_OIDC_REAUTH_PROVIDER`` is used, which should force a fresh
    login there (``prompt = "login"``, ``max_age = 0``).
    """
    settings = get_settings()
    provider = (settings.oidc_reauth_provider if reauth else "") or settings.oidc_provider
    try:
        st.login(provider or None)
    except StreamlitAuthError:  # no [auth] in secrets.toml, Authlib missing, …: the operator's log says which
        _LOG.exception("st.login failed for provider %r", provider or "default")
        state.flash("Die Anmeldung mit dem Dienstkonto ist zurzeit nicht möglich. Bitte wenden Sie sich an KISA.")


def _sso_identity() -> sso.SsoIdentity | None:
    if not get_settings().sso_enabled:
        return None
    identity = sso.identity_from_claims(sso_claims())
    if identity is None:
        return None
    marker = (identity.subject, identity.email, identity.issued_at)
    if st.session_state.get(_SSO_SEEN) == marker:
        return None  # handled in an earlier run of this browser session
    st.session_state[_SSO_SEEN] = marker
    return identity


def _sso_log_in() -> Actor | None:
    """Start a web session for a person who just logged in at the identity provider (st.login round trip)."""
    identity = _sso_identity()
    if identity is None or not sso.is_fresh_login(identity):
        return None
    with session_scope() as session:
        outcome = sso.start_sso_session(session, identity=identity)
    if outcome.actor is None or outcome.web_session is None:
        st.session_state[SSO_PROBLEM] = outcome.message
        return None
    state.set_login(outcome.actor, outcome.web_session.web_session_id, outcome.web_session.bind_code)
    return outcome.actor


def _sso_reauthenticated(actor: Actor, web_session_id: int) -> None:
    """Count a fresh login at the identity provider (after "Mit dem Dienstkonto bestätigen") for this session."""
    identity = _sso_identity()
    if identity is None:
        return
    with session_scope() as session:
        confirmed = sso.confirm_sso(session, actor=actor, web_session_id=web_session_id, identity=identity)
    if not confirmed:
        return
    with session_scope() as session:
        ticket = sso_return.take(session, web_session_id=web_session_id, user_id=actor.user_id)
    if ticket is None:
        state.flash("Ihre Anmeldung ist bestätigt. Sie können die Aktion jetzt ausführen.")
        return
    st.session_state.update(ticket.fields)
    st.session_state[_RETURN_TO] = (ticket.page, ticket.params)
    state.flash("Ihre Anmeldung ist bestätigt. Ihre Eingaben sind wieder da; Sie können die Aktion jetzt ausführen.")


def return_after_sso() -> None:
    """After a confirmation at the identity provider, go back to the page it was started on (after st.navigation)."""
    pending = st.session_state.pop(_RETURN_TO, None)
    if pending is None:
        return
    page, params = pending
    try:
        st.switch_page(page, query_params=params)
    except StreamlitAPIException:  # the page is no longer among this person's pages: stay on the start page
        _LOG.info("return after SSO: page %s not available", page)


def sso_logged_in() -> bool:
    """Tell whether the browser is logged in at the identity provider through st.login."""
    return get_settings().sso_enabled and sso_claims().get("is_logged_in") is True


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
    """End the server-side session, clear the cookie in the browser and forget the login.

    With single sign-on the Streamlit identity cookie goes too (``st.logout``, which also ends the session at the
    identity provider when it offers an end_session_endpoint); the browser is then sent to the start page.
    """
    session_id = state.web_session_id()
    if session_id is not None:
        with session_scope() as session:
            web_sessions.end(session, web_session_id=session_id)
    state.clear_login()
    st.session_state["auth_clear_cookie"] = True
    if sso_logged_in():
        st.logout()


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
