"""One-click persona switch and the presenter's reset: only in demo mode, only demo personas, real data untouched."""

from __future__ import annotations

import pytest
from sqlmodel import col, func, select
from typer.testing import CliRunner

from accounts import web_sessions
from cli.main import app
from core.config import get_settings
from demo.personas import PERSONAS, persona
from demo.seed import seed_demo
from demo.switch import DemoRefused, reset_story, switch_to
from models import (
    AuditEvent,
    Municipality,
    Order,
    OrderedProduct,
    OrderedProductState,
    OutboxMail,
    ProblemReport,
    ReleaseNotice,
    StateChange,
    User,
    WebSession,
)
from tests.builders import actor_of, make_municipality, make_user


@pytest.fixture
def demo_mode(monkeypatch):
    monkeypatch.setenv("OAA_DEMO", "1")
    get_settings.cache_clear()


def _count(session, model, *conditions) -> int:
    return int(session.exec(select(func.count()).select_from(model).where(*conditions)).one())


def test_switch_opens_a_real_login_session_for_the_persona_and_ends_the_previous_one(session, demo_mode):
    seed_demo(session)
    session.commit()
    first = switch_to(session, "koordination")
    session.commit()
    assert first.actor.email == persona("koordination").email and first.persona.key == "koordination"
    second = switch_to(session, "kisa", current_web_session_id=first.web_session_id)
    session.commit()
    assert second.actor.email == persona("kisa").email
    assert web_sessions.touch(session, web_session_id=first.web_session_id) is None  # ended
    assert web_sessions.touch(session, web_session_id=second.web_session_id) == second.actor
    token, _ = web_sessions.bind_cookie(session, code=second.bind_code) or ("", 0)
    resumed = web_sessions.resume(session, token=token)  # the cookie works after a reload
    assert resumed is not None and resumed.actor == second.actor
    switched = session.exec(select(AuditEvent).where(AuditEvent.action == "demo.switched")).all()
    assert [e.actor_id for e in switched] == [first.actor.user_id, second.actor.user_id]
    assert "Klara Antragsmanagement" in switched[1].details


def test_switch_is_refused_when_demo_mode_is_off(session, monkeypatch):
    monkeypatch.delenv("OAA_DEMO", raising=False)
    seed_demo(session)
    session.commit()
    with pytest.raises(DemoRefused, match="Demomodus ist aus"):
        switch_to(session, "koordination")
    assert _count(session, WebSession) == 0


def test_switch_is_refused_for_anything_but_a_demo_persona(session, demo_mode):
    seed_demo(session)
    real_admin = make_user(session, email="chefin@kisa.example")
    session.commit()
    for key in ("chefin", "", "admin@kisa.example", "../admin", str(real_admin.id)):
        with pytest.raises(DemoRefused, match="nicht zu den Demo-Personen"):
            switch_to(session, key)
    assert _count(session, WebSession) == 0


def test_switch_never_takes_over_a_real_account_with_a_persona_address(session, demo_mode):
    """Without demo data a real account may use the persona's address: it is not a demo persona, so no login."""
    make_user(session, email=persona("koordination").email)
    session.commit()
    with pytest.raises(DemoRefused, match="Demodaten fehlen"):
        switch_to(session, "koordination")
    assert _count(session, WebSession) == 0


def _story_counts(session) -> dict[str, int]:
    demo_towns = select(Municipality.id).where(col(Municipality.is_demo).is_(True))
    products = select(OrderedProduct.id).where(col(OrderedProduct.municipality_id).in_(demo_towns))
    return {
        "users": _count(session, User, col(User.is_demo).is_(True)),
        "municipalities": _count(session, Municipality, col(Municipality.is_demo).is_(True)),
        "products": _count(session, OrderedProduct, col(OrderedProduct.id).in_(products)),
        "orders": _count(session, Order, col(Order.municipality_id).in_(demo_towns)),
        "changes": _count(session, StateChange, col(StateChange.ordered_product_id).in_(products)),
        "problems": _count(session, ProblemReport, col(ProblemReport.ordered_product_id).in_(products)),
        "notices": _count(session, ReleaseNotice, col(ReleaseNotice.ordered_product_id).in_(products)),
        "mails": _count(session, OutboxMail, col(OutboxMail.municipality_id).in_(demo_towns)),
    }


def test_reset_restores_the_initial_counts_ends_demo_logins_and_leaves_real_records_unchanged(session, demo_mode):
    from tests.demo_world import seed_whole_story
    from tests.questionnaire_builders import order_product

    seed_whole_story(session)  # the whole story: every product it uses
    initial = _story_counts(session)
    assert all(initial.values()), initial  # every kind of demo record is there to be restored
    real_town = make_municipality(session)
    real_user = make_user(session, municipality=real_town)
    real_order = order_product(session, real_town, "anzeige-eines-feuerwerkes")
    session.commit()
    real_before = (real_town.model_dump(), real_user.model_dump(), real_order.model_dump())
    real_login = web_sessions.start(session, actor=actor_of(real_user))
    demo_login = switch_to(session, "technik")
    # the workshop changes things: a persona renamed, a product moved on
    anna = session.exec(select(User).where(User.email == persona("koordination").email)).one()
    anna.full_name = "Umbenannt im Workshop"
    session.add(anna)
    session.commit()

    assert reset_story(session) == len(PERSONAS)
    session.commit()
    session.expire_all()
    assert _story_counts(session) == initial
    assert session.exec(select(User.full_name).where(User.email == anna.email)).one() == "Anna Beispiel"
    town, user, ordered = (session.get(Municipality, real_town.id), session.get(User, real_user.id),
                           session.get(OrderedProduct, real_order.id))
    assert town and user and ordered
    assert (town.model_dump(), user.model_dump(), ordered.model_dump()) == real_before
    assert web_sessions.touch(session, web_session_id=real_login.web_session_id) is not None  # real login goes on
    assert web_sessions.touch(session, web_session_id=demo_login.web_session_id) is None  # demo login ended


def test_the_demo_release_reaches_only_sample_municipalities_and_leaves_the_catalogue_as_it_was(session, demo_mode):
    from catalog.store import get_product
    from tests.questionnaire_builders import order_product, questionnaire_catalog

    questionnaire_catalog(session)
    shipped = [r.version for r in get_product(session, "meldebescheinigung")[0].releases]
    seed_demo(session)
    session.commit()
    notices = session.exec(select(ReleaseNotice)).all()
    assert notices and all(session.get(Municipality, n.municipality_id).is_demo for n in notices)
    assert len(get_product(session, "meldebescheinigung")[0].releases) == len(shipped) + 1
    real_town = make_municipality(session)
    order_product(session, real_town, "meldebescheinigung", state=OrderedProductState.LIVE)
    session.commit()
    reset_story(session)  # a real municipality uses the product now: no demo release that would tell it
    session.commit()
    assert [r.version for r in get_product(session, "meldebescheinigung")[0].releases] == shipped
    assert session.exec(select(ReleaseNotice)).all() == []


def test_reset_is_refused_when_demo_mode_is_off_and_changes_nothing(session, monkeypatch):
    monkeypatch.delenv("OAA_DEMO", raising=False)
    seed_demo(session)
    session.commit()
    before = _story_counts(session)
    ids = set(session.exec(select(User.id)).all())
    with pytest.raises(DemoRefused, match="Demomodus ist aus"):
        reset_story(session)
    session.rollback()
    assert _story_counts(session) == before and set(session.exec(select(User.id)).all()) == ids


def test_cli_reset_exits_non_zero_in_german_without_demo_mode_and_prints_the_duration_with_it(engine, monkeypatch):
    monkeypatch.delenv("OAA_DEMO", raising=False)
    refused = CliRunner().invoke(app, ["demo", "reset"])
    assert refused.exit_code != 0 and "Demomodus ist aus" in refused.output
    monkeypatch.setenv("OAA_DEMO", "1")
    get_settings.cache_clear()
    done = CliRunner().invoke(app, ["demo", "reset"])
    assert done.exit_code == 0, done.output
    assert "Demodaten zurückgesetzt" in done.output and "Sekunden" in done.output
