"""The password again before sensitive actions, in the confirmation popover (rules in ``accounts.reauth``).

In the popover, :func:`password_field` shows the field when the session's last password check is too old (or a try
just failed). The action's callback opens :func:`sensitive_scope` instead of ``session_scope``: it checks a typed
password in a transaction of its own (a wrong one is counted even though the action does not run), then requires a
recent check inside the action's transaction. A refusal raises :class:`ReauthRequired`; the page passes it to
:func:`ask_password` and keeps everything else that was typed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import streamlit as st
from sqlmodel import Session
from streamlit.runtime.scriptrunner import get_script_run_ctx

from accounts import reauth, sso_return, web_sessions
from accounts.actor import Actor
from accounts.reauth import ReauthRequired
from core.config import get_settings
from core.db import session_scope
from core.errors import DomainError
from web import state
from web.auth import start_sso_login
from web.text import md

__all__ = ["ReauthRequired", "ask_password", "password_field", "sensitive_scope"]


def _problem_key(key: str) -> str:
    return f"{key}_problem"


APP_ROOT = Path(__file__).resolve().parent.parent


def _current_page() -> str:
    """Return the running page as ``pages/<file>.py`` (empty when it cannot be told); call it while the page runs."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return ""
    info = ctx.pages_manager.get_pages().get(ctx.page_script_hash)
    try:
        return Path(str(info["script_path"])).resolve().relative_to(APP_ROOT).as_posix() if info else ""
    except ValueError:
        return ""


def _confirm_with_sso(page: str, keep: Sequence[str]) -> None:
    """Keep ``page`` and what was typed in ``keep`` on the server, then go to the identity provider.

    ``page`` is told while the page runs: a callback runs before the navigation, with only app.py known.
    """
    web_session_id = state.web_session_id()
    if web_session_id is not None and page:
        fields = {k: v for k in keep if isinstance(v := st.session_state.get(k), str | bool)}
        ticket = sso_return.ReturnTicket(page=page, params=dict(st.query_params.to_dict()), fields=fields)
        with session_scope() as session:
            sso_return.leave(session, web_session_id=web_session_id, ticket=ticket)
    start_sso_login(reauth=True)


def password_field(key: str, *, keep: Sequence[str] = ()) -> None:
    """Show the password field for a sensitive action when it is needed, with the message of a refused try.

    ``keep``: the widget keys of what the person typed for this action; a confirmation with the Dienstkonto comes
    back to this page with them filled in again.
    """
    problem = st.session_state.get(_problem_key(key))
    with session_scope() as session:
        recent = reauth.is_recent(session, web_session_id=state.web_session_id())
    if recent and not problem:
        return
    settings = get_settings()
    how = "mit Ihrem Passwort" if settings.local_login_enabled else "mit Ihrem Dienstkonto"
    if settings.reauth_minutes > 0:
        st.caption(f"Zu Ihrer Sicherheit: Ihre letzte Anmeldung liegt mehr als {settings.reauth_minutes} Minuten "
                   f"zurück. Bitte bestätigen Sie {how}.")
    else:
        st.caption(f"Zu Ihrer Sicherheit bestätigen Sie diese Aktion bitte {how}.")
    if settings.local_login_enabled:
        st.text_input("Ihr Passwort", type="password", key=key, autocomplete="current-password")
    if problem:
        st.error(md(problem), icon=":material/error:")
    if settings.sso_enabled:
        st.button("Mit dem Dienstkonto bestätigen", key=f"{key}_sso", icon=":material/badge:",
                  on_click=_confirm_with_sso, args=(_current_page(), tuple(keep)),
                  help="Sie melden sich beim Dienstkonto erneut an und kommen auf diese Seite zurück; Ihre "
                       "Eingaben bleiben erhalten. Danach führen Sie die Aktion hier aus.")


def ask_password(key: str, refusal: ReauthRequired) -> None:
    """Keep the refusal's message for the password field (shown by :func:`password_field`)."""
    st.session_state[_problem_key(key)] = str(refusal)


@contextmanager
def sensitive_scope(key: str, actor: Actor) -> Iterator[Session]:
    """``session_scope`` for a sensitive action; raises :class:`ReauthRequired` when the password is needed or wrong.

    The typed password is read once and removed from the session state straight away.
    """
    st.session_state.pop(_problem_key(key), None)
    password = str(st.session_state.get(key) or "")
    if key in st.session_state:
        st.session_state[key] = ""
    web_session_id = state.web_session_id()
    if password:
        try:
            with session_scope() as session:
                problem = reauth.confirm_password(session, actor=actor, web_session_id=web_session_id,
                                                  password=password)
        except DomainError as exc:  # the web session has ended meanwhile
            raise ReauthRequired(str(exc)) from exc
        if problem:
            with session_scope() as session:
                ended = web_session_id is None or web_sessions.touch(session, web_session_id=web_session_id) is None
            if ended:  # locked after too many wrong passwords: this login is over
                state.clear_login()
                st.session_state["auth_clear_cookie"] = True
                state.flash(problem)
            raise ReauthRequired(problem)
    with session_scope() as session:
        reauth.require_recent_auth(session, web_session_id=web_session_id, actor=actor)
        yield session
