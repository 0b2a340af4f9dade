"""Re-authentication before sensitive actions: fresh logins pass, old ones need the password, which counts towards the
lockout like a failed login (``accounts.reauth``)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from accounts import web_sessions
from accounts.authentication import LOGIN_FAILED, authenticate
from accounts.reauth import (
    LOCKED,
    WRONG_PASSWORD,
    ReauthRequired,
    confirm_password,
    is_recent,
    require_recent_auth,
)
from core import clock
from core.config import get_settings
from core.errors import DomainError
from models import AuditEvent, User, WebSession
from tests.builders import PASSWORD, actor_of, make_user

WRONG = "Falsch-Falsch-123"
MINUTES = 60


def _login(session, user) -> int:
    """Log ``user`` in as the login page does; return the web session id."""
    started = web_sessions.start(session, actor=actor_of(user))
    session.commit()
    return started.web_session_id


def _actions(session, user) -> list[str]:
    return list(session.exec(select(AuditEvent.action).where(AuditEvent.entity_id == str(user.id))
                             .order_by(AuditEvent.id)).all())


def _setting(monkeypatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def test_a_fresh_login_passes_and_after_the_limit_the_password_is_needed(session):
    user = make_user(session)
    web_session_id = _login(session, user)
    require_recent_auth(session, web_session_id=web_session_id)  # just logged in: no question
    clock.advance(9 * MINUTES)
    require_recent_auth(session, web_session_id=web_session_id)
    clock.advance(2 * MINUTES)  # 11 minutes after the login
    assert not is_recent(session, web_session_id=web_session_id)
    with pytest.raises(ReauthRequired) as refused:
        require_recent_auth(session, web_session_id=web_session_id)
    assert str(refused.value) == ("Ihre letzte Anmeldung liegt mehr als 10 Minuten zurück. Bitte bestätigen Sie diese "
                                  "Aktion mit Ihrem Passwort.")


def test_the_right_password_confirms_for_the_next_minutes_and_is_audit_logged(session):
    user = make_user(session)
    web_session_id = _login(session, user)
    clock.advance(11 * MINUTES)
    assert confirm_password(session, actor=actor_of(user), web_session_id=web_session_id, password=PASSWORD) is None
    session.commit()
    require_recent_auth(session, web_session_id=web_session_id)
    clock.advance(9 * MINUTES)
    require_recent_auth(session, web_session_id=web_session_id)
    clock.advance(2 * MINUTES)
    with pytest.raises(ReauthRequired):
        require_recent_auth(session, web_session_id=web_session_id)
    assert _actions(session, user) == ["reauth.confirmed"]
    stored = session.get(WebSession, web_session_id)
    assert stored.authenticated_at is not None and stored.token_hash is None  # kept on the server only


def test_a_wrong_password_is_refused_counted_and_audit_logged(session):
    user = make_user(session)
    web_session_id = _login(session, user)
    clock.advance(11 * MINUTES)
    assert confirm_password(session, actor=actor_of(user), web_session_id=web_session_id, password=WRONG) == WRONG_PASSWORD
    session.commit()
    with pytest.raises(ReauthRequired):
        require_recent_auth(session, web_session_id=web_session_id)
    session.rollback()
    session.refresh(user)
    assert user.failed_logins == 1
    assert _actions(session, user) == ["reauth.failed"]
    # a right password afterwards resets the count, as a successful login does
    assert confirm_password(session, actor=actor_of(user), web_session_id=web_session_id, password=PASSWORD) is None
    session.commit()
    session.refresh(user)
    assert user.failed_logins == 0


def test_wrong_passwords_lock_the_account_end_the_session_and_the_lock_applies(session):
    user = make_user(session)
    web_session_id = _login(session, user)
    clock.advance(11 * MINUTES)
    for _ in range(4):
        assert confirm_password(session, actor=actor_of(user), web_session_id=web_session_id,
                                password=WRONG) == WRONG_PASSWORD
        session.commit()
    fifth = confirm_password(session, actor=actor_of(user), web_session_id=web_session_id, password=WRONG)
    session.commit()
    assert fifth.startswith("Das Passwort war mehrmals nicht richtig. Zu Ihrer Sicherheit wurden Sie abgemeldet")
    session.refresh(user)
    assert user.locked_until is not None
    assert web_sessions.touch(session, web_session_id=web_session_id) is None  # logged out
    # the lock applies to the login as well, even with the right password
    assert authenticate(session, email=user.email, password=PASSWORD).message == LOGIN_FAILED
    session.commit()
    assert _actions(session, user) == ["reauth.failed"] * 5 + ["login.locked"]


def test_an_account_locked_by_failed_logins_cannot_confirm_with_the_right_password(session):
    user = make_user(session)
    web_session_id = _login(session, user)
    for _ in range(5):  # someone guesses at the login form meanwhile
        authenticate(session, email=user.email, password=WRONG)
        session.commit()
    assert confirm_password(session, actor=actor_of(user), web_session_id=web_session_id, password=PASSWORD) == LOCKED
    session.commit()
    clock.advance(11 * MINUTES)
    with pytest.raises(ReauthRequired):
        require_recent_auth(session, web_session_id=web_session_id)
    session.rollback()
    assert "reauth.locked" in _actions(session, user)
    clock.advance(5 * MINUTES)  # 16 minutes: the lock is over
    assert confirm_password(session, actor=actor_of(user), web_session_id=web_session_id, password=PASSWORD) is None


def test_zero_minutes_asks_for_every_action_and_a_confirmation_counts_once(session, monkeypatch):
    _setting(monkeypatch, "OAA_REAUTH_MINUTES", "0")
    user = make_user(session)
    web_session_id = _login(session, user)
    with pytest.raises(ReauthRequired) as refused:
        require_recent_auth(session, web_session_id=web_session_id)  # even right after the login
    assert str(refused.value) == "Bitte bestätigen Sie diese Aktion mit Ihrem Passwort."
    session.rollback()
    assert confirm_password(session, actor=actor_of(user), web_session_id=web_session_id, password=PASSWORD) is None
    session.commit()
    require_recent_auth(session, web_session_id=web_session_id)  # the action it was typed for
    session.commit()
    with pytest.raises(ReauthRequired):
        require_recent_auth(session, web_session_id=web_session_id)  # the next one asks again


def test_the_limit_is_a_setting(session, monkeypatch):
    _setting(monkeypatch, "OAA_REAUTH_MINUTES", "30")
    user = make_user(session)
    web_session_id = _login(session, user)
    clock.advance(25 * MINUTES)
    web_sessions.touch(session, web_session_id=web_session_id)  # active meanwhile: not idle
    session.commit()
    clock.advance(4 * MINUTES)
    require_recent_auth(session, web_session_id=web_session_id)


def test_another_persons_or_an_ended_session_is_refused(session):
    user, other = make_user(session), make_user(session)
    web_session_id = _login(session, user)
    with pytest.raises(DomainError, match="Sitzung ist abgelaufen"):
        confirm_password(session, actor=actor_of(other), web_session_id=web_session_id, password=PASSWORD)
    with pytest.raises(ReauthRequired, match="Sitzung ist abgelaufen"):
        require_recent_auth(session, web_session_id=web_session_id, actor=actor_of(other))
    with pytest.raises(ReauthRequired):
        require_recent_auth(session, web_session_id=None)
    session.rollback()
    web_sessions.end(session, web_session_id=web_session_id)
    session.commit()
    with pytest.raises(ReauthRequired):
        require_recent_auth(session, web_session_id=web_session_id)  # logged out: fresh or not, refused
    with pytest.raises(DomainError, match="Sitzung ist abgelaufen"):
        confirm_password(session, actor=actor_of(user), web_session_id=web_session_id, password=PASSWORD)
    session.rollback()
    assert session.get(User, other.id).failed_logins == 0  # nothing counted


def test_a_session_from_before_the_upgrade_asks_once(session):
    user = make_user(session)
    web_session_id = _login(session, user)
    stored = session.get(WebSession, web_session_id)
    stored.authenticated_at = None  # what the migration leaves on existing sessions
    session.add(stored)
    session.commit()
    with pytest.raises(ReauthRequired):
        require_recent_auth(session, web_session_id=web_session_id)
    session.rollback()
    assert confirm_password(session, actor=actor_of(user), web_session_id=web_session_id, password=PASSWORD) is None
    session.commit()
    require_recent_auth(session, web_session_id=web_session_id)
