"""AppTest of app.py: navigation per role, sidebar, logout, expired sessions, unexpected errors."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from accounts.approval import approve
from core.clock import utcnow
from core.config import get_settings
from models import Role, UserStatus, WebSession
from tests.apptest_helpers import (
    INCIDENT_TEXT,
    all_text,
    app_like_server,
    click,
    load,
    log_in_as,
    navigation,
    new_app,
    open_page,
    texts,
)
from tests.builders import actor_of, make_municipality, make_user
from workshop.tour import TOUR

__all__ = ["app_like_server"]  # autouse fixture

# Links from e-mails lead to the questionnaire pages; a visitor logs in there (hidden from the sidebar).
# The participants' info pages: for everybody, logged in or not (sidebar group "Informationen").
INFO = {"rollen": "Rollen und Aufgaben", "systeme": "Systeme und Datenfluss", "leistungen": "Leistungen und Kontakte",
        "fragen": "Häufige Fragen"}
ANONYMOUS = {"": "Start", "anmelden": "Anmelden", "registrieren": "Registrieren", "einladung": "Einladung annehmen",
             "fragebogen": "Fragebogen", "frageboegen": "Fragebögen", "fortschritt": "Fortschritt",
             "abnahme": "Test und Abnahme", "meldungen": "Meldungen", "versionen": "Versionen", **INFO}
CATALOG = {"katalog": "OAA-Katalog", "produkt": "Produkt"}
KOMMUNE = {"": "Start", **CATALOG, "warenkorb": "Warenkorb", "bestellungen": "Meine Bestellungen",
           "fortschritt": "Fortschritt", "frageboegen": "Fragebögen", "abnahme": "Test und Abnahme",
           "meldungen": "Meldungen an KISA", "versionen": "Versionen",
           "stammdaten": "Stammdaten", "team": "Mein Team", "fragebogen": "Fragebogen", **INFO}
KISA = {"": "Start", **CATALOG, "arbeitsvorrat": "Arbeitsvorrat", "kennzahlen": "Kennzahlen",
        "vorgang": "Vorgang", "meldungen": "Meldungen", "versionen": "Versionen", "fortschritt": "Fortschritt",
        "abnahme": "Test und Abnahme",
        "freischaltungen": "Freischaltungen", "bestellungen": "Bestellungen",
        "frageboegen": "Fragebögen", "fragebogen": "Fragebogen",
        "katalogpflege": "Katalogpflege", "vertrag": "Vertrag und Förderung",
        "postausgang": "Postausgang", "protokoll": "Protokoll", **INFO}


def test_visitor_gets_start_login_registration_and_invitation(engine):
    at = open_page(engine)
    assert navigation(at) == ANONYMOUS
    assert not at.sidebar.button  # nobody to log out
    for page in ("team", "approvals", "audit_log"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"pages/{page}.py")


def test_pending_person_only_sees_the_status_of_the_registration(engine, session):
    municipality = make_municipality(session)
    user = make_user(session, municipality=municipality, status=UserStatus.PENDING)
    at = open_page(engine, user=user)
    assert navigation(at) == {"": "Status der Registrierung", **INFO}
    assert texts(at, "title") == ["Ihre Registrierung wird geprüft"]
    with pytest.raises(ValueError):
        at.switch_page("pages/team.py")


def test_active_municipal_person_gets_the_team_page_and_the_sidebar(engine, session):
    user = make_user(session, email="anna@musterstadt.example")
    at = open_page(engine, user=user)
    assert navigation(at) == KOMMUNE
    assert [m.value for m in at.sidebar.markdown] == [f"**{user.full_name}**  \nanna@musterstadt\\.example"]  # escaped: inert
    assert [c.value for c in at.sidebar.caption] == ["Rolle: Kommune"]
    assert [b.label for b in at.sidebar.button] == ["Abmelden"]
    for page in ("approvals", "audit_log", "login", "register"):
        with pytest.raises(ValueError):
            at.switch_page(f"pages/{page}.py")


@pytest.mark.parametrize("role", [Role.KISA, Role.ADMIN])
def test_kisa_gets_approvals_and_audit_log(engine, session, role):
    at = open_page(engine, user=make_user(session, role=role))
    expected = dict(KISA, benutzerkonten="Benutzerkonten") if role == Role.ADMIN else KISA
    assert navigation(at) == expected
    assert [c.value for c in at.sidebar.caption] == [f"Rolle: {'KISA' if role == Role.KISA else 'Administration'}"]
    with pytest.raises(ValueError):
        at.switch_page("pages/team.py")


def test_approval_is_picked_up_without_logging_in_again(engine, session):
    municipality = make_municipality(session)
    user = make_user(session, municipality=municipality, status=UserStatus.PENDING)
    at = open_page(engine, user=user)
    assert navigation(at) == {"": "Status der Registrierung", **INFO}
    approve(session, actor=actor_of(make_user(session, role=Role.KISA)), user_id=user.id)
    session.commit()
    at.run()
    assert navigation(at) == KOMMUNE
    assert f"Willkommen, **{user.full_name}**." in texts(at, "markdown")
    assert at.session_state["auth_actor"].status == UserStatus.ACTIVE


def test_logout_ends_the_server_side_session(engine, session):
    user = make_user(session)
    at = open_page(engine, user=user)
    session_id = at.session_state["auth_web_session_id"]
    click(at, "Abmelden")
    assert navigation(at) == ANONYMOUS
    assert [t.value for t in at.toast] == ["Sie wurden abgemeldet."]
    assert any("/_oaa/logout" in h.value for h in at.html)  # the browser drops the cookie
    [web_session] = load(engine, WebSession, WebSession.id == session_id)
    assert web_session.revoked_at is not None
    assert "auth_actor" not in at.session_state


@pytest.mark.parametrize("how", ["revoked", "account-disabled"])
def test_ended_session_sends_the_person_back_to_the_public_pages(engine, session, how):
    user = make_user(session)
    at = open_page(engine, user=user)
    if how == "revoked":
        web_session = session.get(WebSession, at.session_state["auth_web_session_id"])
        web_session.revoked_at = utcnow()
        session.add(web_session)
    else:
        user.status = UserStatus.DISABLED
        session.add(user)
    session.commit()
    at.run()
    assert navigation(at) == ANONYMOUS
    assert [t.value for t in at.toast] == ["Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."]
    assert "auth_actor" not in at.session_state


def boom(*args, **kwargs):
    raise RuntimeError("SELECT geheimes_detail FROM intern")


@pytest.mark.parametrize("target", ["accounts.team.list_team", "accounts.web_sessions.touch"],
                         ids=["in-a-page", "in-the-router"])
def test_unexpected_error_shows_an_incident_number_and_no_traceback(engine, session, monkeypatch, caplog, target):
    user = make_user(session)
    at = new_app()
    log_in_as(at, engine, user)
    at.run()
    monkeypatch.setattr(target, boom)
    if target.endswith("list_team"):
        at.switch_page("pages/team.py")
    with caplog.at_level(logging.ERROR, logger="oaa.errors"):
        at.run()
    assert not at.exception  # no traceback on the page
    [error] = texts(at, "error")
    assert error.startswith("Es ist ein unerwarteter Fehler aufgetreten. Ihre Eingaben wurden nicht verändert.")
    match = re.search(rf"{INCIDENT_TEXT} \*\*([0-9A-F]{{8}})\*\*", error)
    assert match, error
    assert "geheimes_detail" not in all_text(at) and "Traceback" not in all_text(at)
    [logged] = [r for r in caplog.records if r.name == "oaa.errors"]
    assert match.group(1) in logged.getMessage() and logged.exc_info[0] is RuntimeError


def _demo_mode(monkeypatch):
    monkeypatch.setenv("OAA_DEMO", "1")
    get_settings.cache_clear()


def _pages(at) -> dict[str, str]:
    """Return the registered pages as url path → script file name (pages/<file>)."""
    return {str(info.get("url_pathname", "")): Path(str(info.get("script_path", ""))).name
            for info in at._registered_pages.values()}


@pytest.mark.parametrize("role", [None, Role.KOMMUNE, Role.KISA, Role.ADMIN, "pending"])
def test_demo_mode_adds_the_workshop_tour_for_everybody(engine, session, monkeypatch, role):
    _demo_mode(monkeypatch)
    if role is None:
        user = None
    elif role == "pending":
        user = make_user(session, municipality=make_municipality(session), status=UserStatus.PENDING)
    else:
        user = make_user(session, role=role)
    at = open_page(engine, user=user)
    assert navigation(at)["tour"] == "Workshop-Tour"
    assert INFO.items() <= navigation(at).items()
    at.switch_page("pages/tour.py")
    at.run()
    assert texts(at, "title") == ["Workshop-Tour"]


def test_without_demo_mode_the_tour_is_not_in_the_navigation(engine, session):
    for user in (None, make_user(session), make_user(session, role=Role.ADMIN)):
        at = open_page(engine, user=user)
        assert "tour" not in navigation(at)
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page("pages/tour.py")


@pytest.mark.parametrize("stop", TOUR, ids=[s.key for s in TOUR])
def test_every_tour_stop_opens_a_page_its_persona_sees(engine, session, monkeypatch, stop):
    _demo_mode(monkeypatch)
    person = stop.demo_persona
    user = None if person is None else make_user(session, role=person.role, email=person.email)
    at = open_page(engine, user=user)
    assert navigation(at)[stop.page_path] == stop.page_title
    assert _pages(at)[stop.page_path] == stop.page_file
