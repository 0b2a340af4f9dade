"""AppTest of the login page: success leads to the start page, failures show one generic German message."""

from __future__ import annotations

from accounts.authentication import LOGIN_FAILED
from core.config import get_settings
from demo.personas import DEMO_PASSWORD, PERSONAS
from models import Role, User, UserStatus, WebSession
from tests.apptest_helpers import all_text, app_like_server, click, count, load, navigation, open_page, shown, texts
from tests.builders import PASSWORD, make_user

__all__ = ["app_like_server"]  # autouse fixture

INFO = {"rollen", "systeme", "leistungen", "fragen"}  # the participants' info pages: everybody sees them


def log_in(at, email, password):
    at.text_input(key="login_email").input(email)
    at.text_input(key="login_password").input(password)
    return click(at, "Anmelden")


def test_correct_password_opens_the_start_page_with_a_server_side_session(engine, session):
    user = make_user(session, email="anna.amt@stadt.example", can_manage_team=True)
    at = open_page(engine, "login")
    assert "Anmelden" in texts(at, "title")
    log_in(at, "Anna.Amt@Stadt.example ", PASSWORD)  # address as typed: case and blanks do not matter
    assert f"Willkommen, **{user.full_name}**." in texts(at, "markdown")
    assert "In fünf Schritten zum Online-Antragsassistenten" in texts(at, "title")
    assert set(navigation(at)) == {"", "katalog", "produkt", "warenkorb", "bestellungen", "frageboegen",
                                     "stammdaten", "team", "fragebogen", "fortschritt", "abnahme", "meldungen",
                                     "versionen", *INFO}
    sidebar = [shown(m.value) for m in at.sidebar.markdown]
    assert f"**{user.full_name}**  \nanna.amt@stadt.example" in sidebar
    [web_session] = load(engine, WebSession, WebSession.user_id == user.id)
    assert web_session.revoked_at is None and web_session.bind_code_hash is not None
    assert at.session_state["auth_web_session_id"] == web_session.id
    # the browser is asked once to fetch the HttpOnly cookie; no secret is put in the page's URL
    assert any("/_oaa/session" in h.value for h in at.html)
    assert not at.query_params


def test_wrong_password_shows_the_generic_message_and_counts_the_failure(engine, session):
    user = make_user(session, email="anna.amt@stadt.example")
    at = open_page(engine, "login")
    log_in(at, "anna.amt@stadt.example", "Falsches-Passwort-123")
    assert texts(at, "error") == [LOGIN_FAILED]
    assert "Anmelden" in texts(at, "title")
    assert "auth_actor" not in at.session_state
    assert count(engine, WebSession) == 0
    [stored] = load(engine, User, User.id == user.id)
    assert stored.failed_logins == 1


def test_unknown_address_gets_the_same_message(engine):
    at = open_page(engine, "login")
    log_in(at, "niemand@stadt.example", "Irgendein-Passwort-1")
    assert texts(at, "error") == [LOGIN_FAILED]
    assert count(engine, WebSession) == 0


def test_pending_user_lands_on_the_status_page(engine, session):
    user = make_user(session, status=UserStatus.PENDING)
    at = open_page(engine, "login")
    log_in(at, user.email, PASSWORD)
    assert "Ihre Registrierung wird geprüft" in texts(at, "title")
    assert set(navigation(at)) == {"", *INFO}
    assert navigation(at)[""] == "Status der Registrierung"


def test_kisa_login_shows_the_kisa_pages(engine, session):
    kisa = make_user(session, role=Role.KISA)
    at = open_page(engine, "login")
    log_in(at, kisa.email, PASSWORD)
    assert set(navigation(at)) == {
        "", "katalog", "produkt", "arbeitsvorrat", "kennzahlen", "vorgang", "freischaltungen", "bestellungen", "frageboegen",
        "fragebogen", "meldungen", "versionen", "fortschritt", "abnahme",
        "katalogpflege", "vertrag", "postausgang", "protokoll", *INFO
    }
    assert "Rolle: KISA" in [c.value for c in at.sidebar.caption]


def test_register_link_and_no_demo_accounts_outside_demo_mode(engine):
    at = open_page(engine, "login")
    links = {p.proto.label: p.proto.page for p in at.page_link}
    assert links == {"Noch kein Konto? Kommune registrieren": "registrieren"}
    assert not at.expander and DEMO_PASSWORD not in all_text(at)


def test_demo_mode_lists_the_demo_personas(engine, monkeypatch):
    monkeypatch.setenv("OAA_DEMO", "1")
    get_settings.cache_clear()
    at = open_page(engine, "login")
    assert [e.label for e in at.expander] == ["Demo-Zugänge (Beispieldaten)"]
    assert f"Alle Demo-Personen haben das Passwort `{DEMO_PASSWORD}`." in texts(at, "markdown")
    table = at.table[0].value
    assert list(table["E-Mail"]) == [p.email for p in PERSONAS]
    assert any("Demomodus" in c.value for c in at.sidebar.caption)
