"""AppTest: single sign-on with ``OAA_AUTH_MODE=oidc`` — the login page offers the Dienstkonto, a person coming back
from the identity provider (``st.user``, faked through ``AppTest.user``) gets the same server-side session as after a
password login, unknown addresses are told to register, logout ends both, a fresh provider login re-authenticates."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from accounts.actor import Actor
from core import clock
from core.clock import utcnow
from core.config import get_settings
from models import Order, OrderedProductState, ReleaseNotice, User, WebSession
from orders.cart import add_to_cart
from tests.apptest_helpers import (
    all_text,
    app_like_server,
    click,
    count,
    load,
    new_app,
    open_page,
    run,
    texts,
)
from tests.builders import actor_of, make_user
from tests.orders_builders import ready_to_order

__all__ = ["app_like_server"]  # autouse fixture

NOTES = "Neue Gebührensätze nach der Änderung des Verwaltungskostengesetzes."


@pytest.fixture
def oidc(monkeypatch):
    """SSO switched on; st.login replaced by a recorder (the real one redirects the browser to the provider)."""
    monkeypatch.setenv("OAA_AUTH_MODE", "oidc")
    monkeypatch.setenv("OAA_OIDC_REAUTH_PROVIDER", "reauth")
    get_settings.cache_clear()
    calls: list[str | None] = []
    monkeypatch.setattr("streamlit.login", lambda provider=None: calls.append(provider))
    return calls


def _claims(email: str, *, auth_time: datetime | None = None) -> dict:
    now = utcnow()
    return {"is_logged_in": True, "email": email, "email_verified": True, "sub": "idp-4711",
            "iat": int(now.timestamp()), "auth_time": int((auth_time or now).timestamp())}


def _back_from_the_provider(claims: dict):
    """A browser that has just come back from st.login: a new Streamlit session with st.user filled."""
    at = new_app()
    at.user = claims
    return run(at)


def _back_with_the_cookie(engine, user: User, web_session_id: int):
    """Back from a confirmation at the provider: a new Streamlit session on the start page, the login found again by
    the cookie, ``st.user`` with a fresh auth_time."""
    at = new_app()
    at.session_state["auth_actor"] = Actor.of(load(engine, User, User.id == user.id)[0])
    at.session_state["auth_web_session_id"] = web_session_id
    at.user = _claims(user.email)
    return run(at)


def test_the_login_page_offers_the_dienstkonto_and_still_the_password(engine, oidc):
    at = open_page(engine, "login")
    click(at, "Mit dem Dienstkonto anmelden")
    assert oidc == [None]  # st.login with the [auth] section's provider
    assert {"login_email", "login_password"} <= {t.key for t in at.text_input}


def test_local_accounts_can_be_switched_off(engine, oidc, monkeypatch):
    monkeypatch.setenv("OAA_AUTH_LOCAL", "false")
    get_settings.cache_clear()
    at = open_page(engine, "login")
    assert [b.label for b in at.button] == ["Mit dem Dienstkonto anmelden"]
    assert not at.text_input  # no password form


def test_a_known_address_gets_the_same_server_side_session_as_a_password_login(engine, session, oidc):
    user = make_user(session, email="clara.k@riesa.example")
    at = _back_from_the_provider(_claims("Clara.K@Riesa.example", auth_time=utcnow() - timedelta(minutes=3)))
    assert f"Willkommen, **{user.full_name}**." in texts(at, "markdown")
    [web_session] = load(engine, WebSession, WebSession.user_id == user.id)
    assert at.session_state["auth_web_session_id"] == web_session.id and web_session.revoked_at is None
    assert any("/_oaa/session" in h.value for h in at.html)  # the same HttpOnly cookie hand-over
    assert web_session.authenticated_at is not None and web_session.authenticated_at < web_session.created_at


def test_an_unknown_address_is_told_to_register_and_nothing_is_created(engine, session, oidc):
    users_before = count(engine, User)
    at = _back_from_the_provider(_claims("neu@stadt.example"))
    assert ("Kein Konto für neu@stadt.example – bitte registrieren Sie sich oder wenden Sie sich an KISA."
            in texts(at, "error"))
    assert "auth_actor" not in at.session_state
    assert count(engine, WebSession) == 0 and count(engine, User) == users_before
    run(at)  # the refusal is not repeated on every rerun
    assert not texts(at, "error")


def test_an_old_identity_cookie_does_not_log_in_by_itself(engine, session, oidc):
    user = make_user(session)
    claims = _claims(user.email)
    claims["iat"] = int((utcnow() - timedelta(hours=2)).timestamp())  # e.g. after the web session expired
    at = _back_from_the_provider(claims)
    assert "auth_actor" not in at.session_state and count(engine, WebSession) == 0


def test_in_local_mode_st_user_is_ignored(engine, session):
    user = make_user(session)
    at = _back_from_the_provider(_claims(user.email))
    assert "auth_actor" not in at.session_state and count(engine, WebSession) == 0


def test_logout_ends_the_web_session_and_the_identity_providers_login(engine, session, oidc):
    user = make_user(session)
    at = _back_from_the_provider(_claims(user.email))
    web_session_id = at.session_state["auth_web_session_id"]
    run(at, at.sidebar.button(key="sidebar_logout").click())
    [web_session] = load(engine, WebSession, WebSession.id == web_session_id)
    assert web_session.revoked_at is not None
    assert at.user.get("is_logged_in") is False  # st.logout cleared st.user
    assert "auth_actor" not in at.session_state


def test_a_fresh_login_at_the_provider_re_authenticates_for_the_order(engine, session, oidc):
    ready_to_order(session)
    anna = make_user(session, can_manage_team=True)
    add_to_cart(session, actor=actor_of(anna), product_id="wahlschein")
    session.commit()
    at = _back_from_the_provider(_claims(anna.email))
    web_session_id = at.session_state["auth_web_session_id"]
    at.switch_page("pages/cart.py")
    clock.advance(11 * 60)
    run(at)
    assert "cart_password" in {t.key for t in at.text_input}  # local accounts are on: the password works too
    click(at, "Mit dem Dienstkonto bestätigen")
    assert oidc == ["reauth"]  # the provider that forces a fresh login

    # back from the provider: a new browser session, the login found again (cookie), st.user with a new auth_time
    at = _back_with_the_cookie(engine, anna, web_session_id)
    assert ("Ihre Anmeldung ist bestätigt. Ihre Eingaben sind wieder da; Sie können die Aktion jetzt ausführen."
            in [t.value for t in at.toast])
    assert texts(at, "title") == ["Warenkorb"]  # back where the confirmation started
    assert "cart_password" not in {t.key for t in at.text_input}
    run(at, at.checkbox(key="cart_authorised").check())
    run(at, at.button(key="cart_order").click())
    assert "ist eingegangen" in all_text(at) and count(engine, Order) == 1


def test_without_auth_settings_the_button_explains_instead_of_crashing(engine, monkeypatch):
    monkeypatch.setenv("OAA_AUTH_MODE", "oidc")
    get_settings.cache_clear()
    at = open_page(engine, "login")
    click(at, "Mit dem Dienstkonto anmelden")  # real st.login: no [auth] in secrets.toml here
    assert ("Die Anmeldung mit dem Dienstkonto ist zurzeit nicht möglich. Bitte wenden Sie sich an KISA."
            in [t.value for t in at.toast])


def test_with_local_accounts_off_the_confirmation_is_a_fresh_login_at_the_provider(engine, session, oidc, monkeypatch):
    monkeypatch.setenv("OAA_AUTH_LOCAL", "false")
    get_settings.cache_clear()
    ready_to_order(session)
    anna = make_user(session, can_manage_team=True)
    add_to_cart(session, actor=actor_of(anna), product_id="wahlschein")
    session.commit()
    at = _back_from_the_provider(_claims(anna.email, auth_time=utcnow() - timedelta(hours=3)))
    at.switch_page("pages/cart.py")
    run(at)  # the provider's login is three hours old: asked at once
    run(at, at.checkbox(key="cart_authorised").check())
    assert "cart_password" not in {t.key for t in at.text_input}  # no password to type
    run(at, at.button(key="cart_order").click())
    assert ("Ihre letzte Anmeldung liegt mehr als 10 Minuten zurück. Bitte bestätigen Sie diese Aktion, indem Sie "
            "sich mit Ihrem Dienstkonto erneut anmelden.") in texts(at, "error")
    assert count(engine, Order) == 0
    click(at, "Mit dem Dienstkonto bestätigen")
    assert oidc == ["reauth"]


def test_a_confirmation_at_the_provider_comes_back_to_the_page_with_what_was_typed(engine, session, oidc):
    from tests.backoffice_world import MB, put_in_state, submitted
    from tests.kisa_pages import users
    from tests.questionnaire_world import make_world

    world = make_world(session)
    submitted(session, world)
    put_in_state(session, world.ordered[MB], OrderedProductState.LIVE)
    kisa, _ = users(session, world)
    at = _back_from_the_provider(_claims(kisa.email, auth_time=utcnow() - timedelta(hours=3)))
    web_session_id = at.session_state["auth_web_session_id"]
    at.switch_page("pages/releases.py")
    run(at)
    run(at, at.selectbox(key="rel_product").select(MB))
    at.text_input(key="rel_version").input("1.3")
    at.text_area(key="rel_notes").input(NOTES)
    run(at, at.checkbox(key="rel_review").check())
    click(at, "Mit dem Dienstkonto bestätigen")
    assert oidc == ["reauth"]

    # back from the provider: a new browser session on the start page, the login found again by the cookie
    at = _back_with_the_cookie(engine, kisa, web_session_id)
    assert ("Ihre Anmeldung ist bestätigt. Ihre Eingaben sind wieder da; Sie können die Aktion jetzt ausführen."
            in [t.value for t in at.toast])
    assert texts(at, "title") == ["Versionen"]  # back on the page the confirmation started on
    assert at.selectbox(key="rel_product").value == MB
    assert at.text_input(key="rel_version").value == "1.3"
    assert at.text_area(key="rel_notes").value == NOTES
    assert at.checkbox(key="rel_review").value is True
    assert "rel_password" not in {t.key for t in at.text_input}  # confirmed: no password asked
    click(at, "Ja, Version veröffentlichen")
    assert "Version 1.3 von „Meldebescheinigung“ ist veröffentlicht." in all_text(at)
    assert count(engine, ReleaseNotice) == 2
