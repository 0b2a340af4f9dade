"""AppTest of the demo panel in the sidebar: "Als … ansehen" switches the login, the presenter resets the demo."""

from __future__ import annotations

import pytest

from core.config import get_settings
from demo.personas import PERSONAS, persona
from demo.seed import seed_demo
from models import AuditEvent, User, WebSession
from tests.apptest_helpers import app_like_server, click, count, load, log_in_as, new_app, open_page, run, texts
from tests.builders import make_user

__all__ = ["app_like_server"]  # autouse fixture

SWITCH_LABELS = [f"Als {p.full_name} ansehen" for p in PERSONAS]


@pytest.fixture
def demo(session, monkeypatch):
    monkeypatch.setenv("OAA_DEMO", "1")
    get_settings.cache_clear()
    seed_demo(session)
    session.commit()


def _demo_user(engine, key: str) -> User:
    [user] = load(engine, User, User.email == persona(key).email)  # own short session: holds no lock
    return user


def test_no_switch_and_no_reset_when_demo_mode_is_off(engine, session):
    seed_demo(session)  # even with demo data in the database
    session.commit()
    for user in (None, _demo_user(engine, "kisa")):
        at = open_page(engine, user=user)
        labels = [b.label for b in at.sidebar.button]
        assert not set(labels) & {*SWITCH_LABELS, "Demo zurücksetzen …"}, labels
        assert not at.sidebar.expander


def test_a_visitor_starts_as_a_persona_with_one_click(engine, session, demo):
    at = open_page(engine)
    assert [b.label for b in at.sidebar.button] == SWITCH_LABELS
    run(at, at.sidebar.button(key="demo_switch_koordination").click())
    assert "Willkommen, **Anna Beispiel**." in texts(at, "markdown")
    assert [t.value for t in at.toast] == ["Sie sehen die App jetzt als Anna Beispiel – OZG-Koordinator:in."]
    anna = _demo_user(engine, "koordination")
    [web_session] = load(engine, WebSession, WebSession.user_id == anna.id)
    assert at.session_state["auth_web_session_id"] == web_session.id and web_session.revoked_at is None
    assert count(engine, AuditEvent, AuditEvent.action == "demo.switched", AuditEvent.actor_id == anna.id) == 1
    assert at.sidebar.button(key="demo_switch_koordination").disabled  # who you are now


def test_switching_ends_the_previous_login_and_shows_the_other_persona(engine, session, demo):
    at = open_page(engine, user=_demo_user(engine, "koordination"))
    before = at.session_state["auth_web_session_id"]
    run(at, at.sidebar.button(key="demo_switch_kisa").click())
    assert "Willkommen, **Klara Antragsmanagement**." in texts(at, "markdown")
    assert "Rolle: KISA" in [c.value for c in at.sidebar.caption]
    [old] = load(engine, WebSession, WebSession.id == before)
    assert old.revoked_at is not None


def test_reset_asks_first_then_runs_and_keeps_the_presenter_logged_in(engine, session, demo):
    real = make_user(session, email="echt@riesa.example")
    session.commit()
    at = open_page(engine, user=_demo_user(engine, "kisa"))
    participant = new_app()
    log_in_as(participant, engine, _demo_user(engine, "koordination"))
    run(participant)
    participant.switch_page("pages/my_orders.py")
    run(participant)

    click(at, "Demo zurücksetzen …")
    assert any("nicht rückgängig" in w for w in texts(at, "warning"))
    click(at, "Abbrechen")
    assert not texts(at, "warning") and "Jetzt zurücksetzen" not in [b.label for b in at.button]
    click(at, "Demo zurücksetzen …")
    click(at, "Jetzt zurücksetzen")
    [toast] = [t.value for t in at.toast]
    assert toast.startswith("Die Demo wurde in ") and toast.endswith(" Sekunden auf den Anfangsstand zurückgesetzt.")
    assert "Willkommen, **Klara Antragsmanagement**." in texts(at, "markdown")
    assert count(engine, User, User.id == real.id) == 1

    run(participant)  # the participant's next click: the reset ended the session, the login page says why
    assert [t.value for t in participant.title] == ["Anmelden"]
    assert any("Demo wurde zurückgesetzt" in w for w in texts(participant, "warning"))
    assert "auth_actor" not in participant.session_state


def test_reset_is_only_offered_to_the_presenters_kisa_and_admin_personas(engine, session, demo):
    at = open_page(engine, user=_demo_user(engine, "koordination"))
    assert "Demo zurücksetzen …" not in [b.label for b in at.sidebar.button]
    at = open_page(engine, user=_demo_user(engine, "admin"))
    assert "Demo zurücksetzen …" in [b.label for b in at.sidebar.button]
