"""Login failures, lockout, rehash, session expiry and logout."""

from sqlmodel import select

from accounts import web_sessions
from accounts.authentication import LOGIN_FAILED, authenticate
from accounts.passwords import reset_hasher
from core import clock
from core.config import get_settings
from models import AuditEvent, User, UserStatus, WebSession
from tests.builders import PASSWORD, actor_of, make_user


def test_account_is_locked_after_repeated_failures_then_unlocks(session):
    user = make_user(session)
    for _ in range(5):
        assert authenticate(session, email=user.email, password="Falsch-Falsch-123").actor is None
        session.commit()
    locked = authenticate(session, email=user.email, password=PASSWORD)
    session.commit()
    assert locked.actor is None and locked.message == LOGIN_FAILED  # even the right password is refused
    assert session.get(User, user.id).locked_until is not None
    clock.advance(16 * 60)
    assert authenticate(session, email=user.email, password=PASSWORD).actor is not None
    session.commit()
    session.refresh(user)
    assert user.failed_logins == 0 and user.locked_until is None
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity_id == str(user.id))).all()
    assert actions.count("login.failed") == 5 and "login.locked" in actions and "login.success" in actions


def test_a_success_resets_the_failure_count(session):
    user = make_user(session)
    for _ in range(4):
        authenticate(session, email=user.email, password="Falsch-Falsch-123")
    assert authenticate(session, email=user.email, password=PASSWORD).actor is not None
    for _ in range(4):
        authenticate(session, email=user.email, password="Falsch-Falsch-123")
    session.commit()
    assert authenticate(session, email=user.email, password=PASSWORD).actor is not None


def test_email_is_matched_case_insensitively(session):
    user = make_user(session, email="erika@stadt.example")
    assert authenticate(session, email="  Erika@Stadt.Example ", password=PASSWORD).actor.user_id == user.id


def test_disabled_and_invited_accounts_cannot_log_in(session):
    disabled = make_user(session, status=UserStatus.DISABLED)
    assert "deaktiviert" in authenticate(session, email=disabled.email, password=PASSWORD).message
    invited = make_user(session, status=UserStatus.INVITED)
    invited.password_hash = ""
    session.add(invited)
    session.commit()
    assert authenticate(session, email=invited.email, password="").message == LOGIN_FAILED


def test_login_rehashes_a_password_hashed_with_old_parameters(session, monkeypatch):
    user = make_user(session)
    old_hash = user.password_hash
    monkeypatch.setenv("OAA_ARGON2_MEMORY_KIB", "2048")
    get_settings.cache_clear()
    reset_hasher()
    assert authenticate(session, email=user.email, password=PASSWORD).actor is not None
    session.commit()
    session.refresh(user)
    assert user.password_hash != old_hash and "m=2048" in user.password_hash


def _bound_session(session, user):
    started = web_sessions.start(session, actor=actor_of(user))
    token, max_age = web_sessions.bind_cookie(session, code=started.bind_code)
    session.commit()
    return started, token, max_age


def test_cookie_token_resumes_the_session_after_a_reload(session):
    user = make_user(session)
    started, token, max_age = _bound_session(session, user)
    assert max_age > 11 * 3600
    resumed = web_sessions.resume(session, token=token)
    assert resumed.actor.user_id == user.id and resumed.web_session_id == started.web_session_id
    stored = session.get(WebSession, started.web_session_id)
    assert token not in (stored.token_hash or "")  # only the hash is kept


def test_bind_code_works_once_and_expires(session):
    user = make_user(session)
    started = web_sessions.start(session, actor=actor_of(user))
    session.commit()
    clock.advance(web_sessions.BIND_CODE_SECONDS + 1)
    assert web_sessions.bind_cookie(session, code=started.bind_code) is None
    clock.reset()
    started = web_sessions.start(session, actor=actor_of(user))
    assert web_sessions.bind_cookie(session, code=started.bind_code) is not None
    assert web_sessions.bind_cookie(session, code=started.bind_code) is None
    assert web_sessions.bind_cookie(session, code="erfunden") is None


def test_session_expires_after_inactivity_but_not_while_active(session):
    user = make_user(session)
    started, token, _ = _bound_session(session, user)
    for _ in range(3):  # active every 20 minutes: stays logged in past the 30-minute idle limit
        clock.advance(20 * 60)
        assert web_sessions.touch(session, web_session_id=started.web_session_id) is not None
        session.commit()
    clock.advance(31 * 60)
    assert web_sessions.touch(session, web_session_id=started.web_session_id) is None
    assert web_sessions.resume(session, token=token) is None


def test_session_ends_at_the_absolute_limit_despite_activity(session):
    user = make_user(session)
    started, token, _ = _bound_session(session, user)
    for _ in range(13 * 3):
        clock.advance(20 * 60)
        web_sessions.touch(session, web_session_id=started.web_session_id)
        session.commit()
    assert web_sessions.resume(session, token=token) is None


def test_logout_revokes_the_session(session):
    user = make_user(session)
    started, token, _ = _bound_session(session, user)
    web_sessions.end(session, web_session_id=started.web_session_id)
    session.commit()
    assert web_sessions.resume(session, token=token) is None
    assert web_sessions.touch(session, web_session_id=started.web_session_id) is None


def test_disabling_a_user_ends_their_sessions(session):
    user = make_user(session)
    _, token, _ = _bound_session(session, user)
    user.status = UserStatus.DISABLED
    session.add(user)
    session.commit()
    assert web_sessions.resume(session, token=token) is None
    assert web_sessions.end_all_for_user(session, user_id=user.id) == 1


def test_logout_is_audit_logged_with_the_persons_address(session):
    from sqlmodel import select

    from models import AuditEvent

    user = make_user(session)
    started, _, _ = _bound_session(session, user)
    web_sessions.end(session, web_session_id=started.web_session_id)
    session.commit()
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "logout")).one()
    assert event.actor_label == user.email and event.municipality_id == user.municipality_id
