"""AppTest of the start page: the five steps for everyone, plus the state of one's own registration."""

from __future__ import annotations

from accounts.approval import reject
from journey.steps import STEPS
from models import MunicipalityStatus, Role, UserStatus
from tests.apptest_helpers import all_text, app_like_server, open_page, texts
from tests.builders import actor_of, make_municipality, make_user

__all__ = ["app_like_server"]  # autouse fixture

STEP_TITLES = [f"{s.number}. {s.title}" for s in STEPS]


def test_visitor_sees_what_the_shop_does_the_five_steps_and_where_to_go(engine):
    at = open_page(engine)
    assert texts(at, "title") == ["In fünf Schritten zum Online-Antragsassistenten"]
    assert texts(at, "header") == STEP_TITLES  # headings go down one level at a time
    assert len(STEPS) == 5
    assert any("Mit dem **OAA-Shop** bringen sächsische Kommunen" in m for m in texts(at, "markdown"))
    assert {p.proto.label: p.proto.page for p in at.page_link} == {
        "Anmelden": "anmelden",
        "Kommune registrieren": "registrieren",
    }
    assert any("Nach dem Livegang unterstützt KISA weiter" in c for c in texts(at, "caption"))
    assert not texts(at, "info") and not texts(at, "warning")


def test_pending_person_is_told_to_wait(engine, session):
    municipality = make_municipality(session, status=MunicipalityStatus.PENDING)
    user = make_user(session, municipality=municipality, status=UserStatus.PENDING)
    at = open_page(engine, user=user)
    assert texts(at, "title") == ["Ihre Registrierung wird geprüft"]
    [info] = texts(at, "info")
    assert "Das KISA Team Antragsmanagement prüft Ihre Angaben" in info
    assert "Sie müssen nichts weiter tun" in info
    assert texts(at, "header") == ["In fünf Schritten zum Online-Antragsassistenten"]  # below the status title
    assert texts(at, "subheader") == STEP_TITLES
    assert not at.page_link  # no login/registration links for someone logged in


def test_rejected_person_reads_the_reason(engine, session):
    kisa = make_user(session, role=Role.KISA)
    municipality = make_municipality(session, status=MunicipalityStatus.PENDING)
    user = make_user(session, municipality=municipality, status=UserStatus.PENDING)
    reject(session, actor=actor_of(kisa), user_id=user.id, reason="Die Person ist nicht bei der Gemeinde tätig.")
    session.commit()
    at = open_page(engine, user=user)
    assert texts(at, "title") == ["Ihre Registrierung wurde abgelehnt"]
    [warning] = texts(at, "warning")
    assert warning == ("KISA hat Ihre Registrierung nicht freigeschaltet. Begründung: "
                       "Die Person ist nicht bei der Gemeinde tätig.")
    assert "support.onlineantrag@kisa.it" in all_text(at)


def test_active_person_is_welcomed_by_name(engine, session):
    user = make_user(session)
    at = open_page(engine, user=user)
    assert f"Willkommen, **{user.full_name}**." in texts(at, "markdown")
    assert not texts(at, "info") and not texts(at, "warning") and not at.page_link
    assert texts(at, "title") == ["In fünf Schritten zum Online-Antragsassistenten"]
    assert texts(at, "header") == STEP_TITLES
