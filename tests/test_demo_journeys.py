"""The demo story's journeys: backdated, machine-consistent histories at every stage, removed again by the reset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from accounts.actor import Actor
from core.clock import utcnow
from demo.seed import reset_demo
from journey.timeline import municipality_journey
from lifecycle.machine import allowed
from models import (
    Municipality,
    OrderedProduct,
    OrderedProductState,
    Questionnaire,
    QuestionnaireSubmission,
    ReviewComment,
    SetupTask,
    StateChange,
    User,
)
from tests.builders import make_municipality
from tests.demo_world import seed_whole_story

S = OrderedProductState




def _journey(session, email: str):
    actor = Actor.of(session.exec(select(User).where(User.email == email)).one())
    return municipality_journey(session, actor=actor)


def test_musterstadt_has_products_at_every_stage_with_a_realistic_history(session):
    seed_whole_story(session)
    assert abs((utcnow() - datetime.now(UTC)).total_seconds()) < 5  # the demo's backdating put the clock back
    musterstadt = _journey(session, "anna.beispiel@musterstadt.example")
    products = musterstadt.products
    assert len(products) >= 13  # the chart's example
    assert {p.state for p in products} >= {S.LIVE, S.ACCEPTED, S.TESTING, S.SETUP, S.SUBMITTED, S.QUERY,
                                           S.QUESTIONNAIRE, S.ORDERED, S.CHANGE_REQUESTED, S.CANCELLED}
    assert musterstadt.overdue >= 2 and musterstadt.live >= 2
    assert any(p.round >= 1 and p.state == S.LIVE for p in products)  # a change after go-live, completed
    assert any(p.query_rounds for p in products if p.state == S.LIVE)
    for journey in products:
        assert journey.history_complete, journey.product_name
        assert all(allowed(h.from_state, h.to_state) for h in journey.history), journey.product_name
        assert all(journey.ordered_at <= h.at < musterstadt.as_of for h in journey.history), journey.product_name
        assert journey.ordered_at < musterstadt.as_of - timedelta(days=3)
    talheim = _journey(session, "berta.muster@talheim.example")
    assert {p.state for p in talheim.products} == {S.TESTING, S.SUBMITTED}
    session.commit()


def test_the_demo_steps_that_need_a_questionnaire_went_through_the_real_functions(session):
    seed_whole_story(session)
    by_state = {o.state: o for o in session.exec(select(OrderedProduct).join(Municipality).where(
        Municipality.ags == "14999001")).all()}
    queried, in_setup = by_state[S.QUERY], by_state[S.SETUP]
    questionnaire = session.exec(select(Questionnaire).where(Questionnaire.ordered_product_id == queried.id)).one()
    [remark] = session.exec(select(ReviewComment).where(ReviewComment.questionnaire_id == questionnaire.id,
                                                        ReviewComment.question_key != "")).all()  # "": the message
    assert remark.sent_at is not None and "Beispieldaten" in remark.text
    assert session.exec(select(SetupTask).where(SetupTask.ordered_product_id == in_setup.id)).all()
    # Talheim's submission carries the same backdated time as its history.
    feuerwerk = session.exec(select(OrderedProduct).where(OrderedProduct.product_id == "anzeige-eines-feuerwerkes")).one()
    submission = session.exec(select(QuestionnaireSubmission).join(Questionnaire).where(
        Questionnaire.ordered_product_id == feuerwerk.id)).one()
    to_submitted = session.exec(select(StateChange).where(StateChange.ordered_product_id == feuerwerk.id,
                                                          StateChange.to_state == S.SUBMITTED)).one()
    assert abs((submission.submitted_at - to_submitted.at).total_seconds()) < 1
    assert to_submitted.at < utcnow() - timedelta(days=1)
    session.commit()


def test_reset_replaces_the_demo_history_and_keeps_real_history(session):
    seed_whole_story(session)
    town = make_municipality(session)
    real = OrderedProduct(municipality_id=town.id, product_id="meldebescheinigung")
    session.add(real)
    session.flush()
    session.add(StateChange(ordered_product_id=real.id, from_state=S.ORDERED, to_state=S.QUESTIONNAIRE,
                            actor_name="Echte Person"))
    session.commit()
    demo_ids = set(session.exec(select(OrderedProduct.id).where(OrderedProduct.municipality_id != town.id)).all())
    seeded_changes = len(session.exec(select(StateChange).where(col(StateChange.ordered_product_id).in_(demo_ids))).all())
    reset_demo(session)
    session.commit()
    assert not session.exec(select(StateChange).where(col(StateChange.ordered_product_id).in_(demo_ids))).all()
    new_ids = set(session.exec(select(OrderedProduct.id).where(OrderedProduct.municipality_id != town.id)).all())
    assert len(new_ids) == len(demo_ids)
    assert len(session.exec(select(StateChange).where(col(StateChange.ordered_product_id).in_(new_ids))).all()) == \
        seeded_changes
    [kept] = session.exec(select(StateChange).where(StateChange.ordered_product_id == real.id)).all()
    assert kept.actor_name == "Echte Person"
    session.commit()


def test_demo_products_past_the_test_were_accepted_through_the_real_functions(session):
    """The Abnahmeprotokoll of every demo product that was tested and accepted exists (workshops download it)."""
    from models import Acceptance, LaunchTask

    seed_whole_story(session)
    after_test = session.exec(select(OrderedProduct).where(col(OrderedProduct.state).in_(
        [S.ACCEPTED, S.LIVE, S.CHANGE_REQUESTED]))).all()
    assert after_test
    for ordered in after_test:
        rounds = session.exec(select(Acceptance.round).where(Acceptance.ordered_product_id == ordered.id)).all()
        tested = session.exec(select(StateChange).where(StateChange.ordered_product_id == ordered.id,
                                                        StateChange.to_state == S.TESTING)).all()
        assert sorted(rounds) == list(range(1, len(tested) + 1)), ordered.product_id
        launch = session.exec(select(LaunchTask).where(LaunchTask.ordered_product_id == ordered.id)).all()
        assert bool(launch) == (ordered.state != S.ACCEPTED), ordered.product_id
    session.commit()
