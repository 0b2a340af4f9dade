"""Single sign-on (OIDC): the identity provider's e-mail maps to an existing active account, never creates one; the
web session is the same as after a password login; a fresh login there counts as re-authentication."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import func, select

from accounts import web_sessions
from accounts.authentication import LOCAL_LOGIN_OFF, authenticate
from accounts.reauth import ReauthRequired, confirm_password, require_recent_auth
from accounts.sso import (
    SsoIdentity,
    SsoRefused,
    account_for,
    confirm_sso,
    identity_from_claims,
    is_fresh_login,
    start_sso_session,
)
from core import clock
from core.clock import utcnow
from core.config import get_settings
from core.errors import DomainError
from models import AuditEvent, User, UserStatus, WebSession
from tests.builders import PASSWORD, actor_of, make_user

MINUTES = 60


def _claims(email: str, *, issued: datetime | None = None, auth_time: datetime | None = None, **extra) -> dict:
    issued = issued or utcnow()
    claims = {"is_logged_in": True, "email": email, "sub": "f3a1-idp-subject", "iat": int(issued.timestamp()),
              "email_verified": True, "provider": "default"}
    if auth_time is not None:
        claims["auth_time"] = int(auth_time.timestamp())
    return claims | extra


def _identity(email: str, **kwargs) -> SsoIdentity:
    identity = identity_from_claims(_claims(email, **kwargs))
    assert identity is not None
    return identity


def test_claims_of_st_user_are_read_with_the_providers_login_time():
    now = utcnow().replace(microsecond=0)
    identity = _identity("Clara@Riesa.example", issued=now, auth_time=now - timedelta(hours=3))
    assert identity.email == "Clara@Riesa.example" and identity.subject == "f3a1-idp-subject"
    assert identity.issued_at == now and identity.authenticated_at == now - timedelta(hours=3)
    assert identity.email_verified is True
    assert _identity("a@b.example", issued=now).authenticated_at == now  # no auth_time: the token's issue time
    assert identity_from_claims({"email": "test@example.com"}) is None  # nobody logged in (AppTest's default)
    assert identity_from_claims({"is_logged_in": False}) is None
    assert identity_from_claims({"is_logged_in": True}) is None  # no e-mail claim: nothing to map


def test_the_email_maps_to_the_existing_active_account_whatever_its_case(session):
    user = make_user(session, email="clara.k@riesa.example")
    assert account_for(session, identity=_identity(" Clara.K@Riesa.Example ")).id == user.id


def test_an_unknown_address_gets_the_german_message_and_no_account_is_created(session):
    before = session.exec(select(func.count()).select_from(User)).one()
    with pytest.raises(SsoRefused) as refused:
        account_for(session, identity=_identity("neu@stadt.example"))
    assert str(refused.value) == ("Kein Konto für neu@stadt.example – bitte registrieren Sie sich oder wenden Sie sich "
                                  "an KISA.")
    outcome = start_sso_session(session, identity=_identity("neu@stadt.example"))
    session.commit()
    assert outcome.actor is None and outcome.message == str(refused.value)
    assert session.exec(select(func.count()).select_from(User)).one() == before
    assert session.exec(select(func.count()).select_from(WebSession)).one() == 0
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "login.sso_refused")).all()
    assert event.actor_label == "neu@stadt.example"


@pytest.mark.parametrize(("status", "words"), [
    (UserStatus.PENDING, "wartet noch auf die Freischaltung"),
    (UserStatus.DISABLED, "ist deaktiviert"),
    (UserStatus.INVITED, "Einladung"),
    (UserStatus.REJECTED, "nicht freigeschaltet"),
])
def test_accounts_that_are_not_active_are_refused(session, status, words):
    user = make_user(session, status=status)
    with pytest.raises(SsoRefused, match=words):
        account_for(session, identity=_identity(user.email))


def test_an_address_the_provider_has_not_verified_is_refused(session):
    user = make_user(session)
    with pytest.raises(SsoRefused, match="nicht bestätigt"):
        account_for(session, identity=_identity(user.email, email_verified=False))


def test_sso_starts_the_same_web_session_as_a_password_login(session):
    user = make_user(session)
    login_there = utcnow() - timedelta(minutes=2)
    outcome = start_sso_session(session, identity=_identity(user.email, auth_time=login_there))
    session.commit()
    assert outcome.actor == actor_of(session.get(User, user.id))
    stored = session.get(WebSession, outcome.web_session.web_session_id)
    assert stored.user_id == user.id and stored.revoked_at is None and stored.bind_code_hash is not None
    assert abs(stored.authenticated_at - login_there) < timedelta(seconds=1)
    token, _ = web_sessions.bind_cookie(session, code=outcome.web_session.bind_code)  # the same cookie hand-over
    session.commit()
    assert web_sessions.resume(session, token=token).actor.user_id == user.id
    assert "login.sso" in session.exec(select(AuditEvent.action)).all()


def test_a_long_lived_provider_session_is_asked_again_before_a_sensitive_action(session):
    user = make_user(session)
    outcome = start_sso_session(session, identity=_identity(user.email, auth_time=utcnow() - timedelta(hours=3)))
    session.commit()
    web_session_id = outcome.web_session.web_session_id
    with pytest.raises(ReauthRequired):
        require_recent_auth(session, web_session_id=web_session_id)
    session.rollback()
    # a fresh st.login (prompt=login at the provider) brings a new auth_time: that counts
    clock.advance(1)
    assert confirm_sso(session, actor=outcome.actor, web_session_id=web_session_id,
                       identity=_identity(user.email, auth_time=utcnow())) is True
    session.commit()
    require_recent_auth(session, web_session_id=web_session_id)


def test_a_provider_login_only_counts_for_the_same_person_and_when_fresh(session):
    user, other = make_user(session), make_user(session)
    web_session_id = web_sessions.start(session, actor=actor_of(user)).web_session_id
    session.commit()
    clock.advance(11 * MINUTES)
    old = utcnow() - timedelta(minutes=20)
    assert not confirm_sso(session, actor=actor_of(user), web_session_id=web_session_id,
                           identity=_identity(user.email, auth_time=old))
    assert not confirm_sso(session, actor=actor_of(user), web_session_id=web_session_id,
                           identity=_identity(other.email, auth_time=utcnow()))
    assert not confirm_sso(session, actor=actor_of(other), web_session_id=web_session_id,
                           identity=_identity(other.email, auth_time=utcnow()))
    with pytest.raises(ReauthRequired):
        require_recent_auth(session, web_session_id=web_session_id)


def test_only_a_login_there_just_now_starts_a_session():
    assert is_fresh_login(_identity("a@b.example", issued=utcnow()))
    assert not is_fresh_login(_identity("a@b.example", issued=utcnow() - timedelta(minutes=10)))  # old cookie


def test_password_login_and_confirmation_can_be_switched_off_in_sso_mode(session, monkeypatch):
    user = make_user(session)
    web_session_id = web_sessions.start(session, actor=actor_of(user)).web_session_id
    session.commit()
    monkeypatch.setenv("OAA_AUTH_MODE", "oidc")
    get_settings.cache_clear()
    assert authenticate(session, email=user.email, password=PASSWORD).actor is not None  # local stays by default
    monkeypatch.setenv("OAA_AUTH_LOCAL", "false")
    get_settings.cache_clear()
    refused = authenticate(session, email=user.email, password=PASSWORD)
    assert refused.actor is None and refused.message == LOCAL_LOGIN_OFF
    with pytest.raises(DomainError, match="Dienstkonto"):
        confirm_password(session, actor=actor_of(user), web_session_id=web_session_id, password=PASSWORD)
