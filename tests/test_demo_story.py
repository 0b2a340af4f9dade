"""The demo story beyond the journeys: orders, the Verwaltungsgemeinschaft, a test under way, threads, a release."""

from __future__ import annotations

from sqlmodel import col, select

from acceptance.checklist import plan_for
from accounts.actor import Actor
from models import (
    Municipality,
    OrderedProduct,
    OrderedProductState,
    OrderLine,
    ProblemReport,
    ProblemStatus,
    ReleaseNotice,
    TestOutcome,
    TestResult,
    User,
)
from orders.cart import view_cart
from orders.history import list_orders
from questionnaire.drafts import read_questionnaire
from support.threads import list_problems
from tests.demo_world import seed_whole_story

S = OrderedProductState




def _actor(session, email: str) -> Actor:
    return Actor.of(session.exec(select(User).where(User.email == email)).one())


def test_every_demo_product_was_ordered_through_the_checkout_with_a_confirmation(session):
    seed_whole_story(session)
    demo_products = session.exec(select(OrderedProduct).join(Municipality).where(
        col(Municipality.is_demo).is_(True))).all()
    lines = {line.ordered_product_id for line in session.exec(select(OrderLine)).all()}
    assert demo_products and {p.id for p in demo_products} <= lines
    orders = list_orders(session, actor=_actor(session, "anna.beispiel@musterstadt.example"))
    assert len(orders) >= 10 and any(len(o.lines) == 3 for o in orders)  # the three Meldewesen products at once


def test_the_verwaltungsgemeinschaft_configures_its_member_municipalities(session):
    seed_whole_story(session)
    vg = session.exec(select(Municipality).where(Municipality.ags == "14999004")).one()
    assert vg.is_demo and vg.name == "Verwaltungsgemeinschaft Am Beispielsee (Beispielkommune)"
    vera = _actor(session, "vera.verbund@beispielsee.example")
    products = {o.state: o for o in session.exec(select(OrderedProduct).where(
        OrderedProduct.municipality_id == vg.id)).all()}
    assert set(products) == {S.LIVE, S.TESTING, S.SETUP, S.QUESTIONNAIRE}
    plan = plan_for(session, products[S.TESTING])
    assert plan.answers["zustaendigkeit.art"] == "Verwaltungsgemeinschaft"
    item = plan.item("zustaendigkeit")
    assert item is not None and "Arnsdorf" in item.hint and "Burkau" in item.hint
    from models import Questionnaire

    draft = session.exec(select(Questionnaire).where(
        Questionnaire.ordered_product_id == products[S.QUESTIONNAIRE].id)).one()
    view = read_questionnaire(session, actor=vera, questionnaire_id=draft.id)
    assert view.answers["zustaendigkeit.gemeinden"] == ["14625010", "14625060"]  # pre-filled from the master data


def test_musterstadt_has_a_test_under_way_threads_a_release_to_check_and_a_filled_cart(session):
    seed_whole_story(session)
    anna = _actor(session, "anna.beispiel@musterstadt.example")
    birth = session.exec(select(OrderedProduct).join(Municipality).where(
        Municipality.ags == "14999001", OrderedProduct.product_id == "geburtsurkunde")).one()
    outcomes = [r.outcome for r in session.exec(select(TestResult).where(
        TestResult.ordered_product_id == birth.id)).all()]
    assert outcomes.count(TestOutcome.FAILED) == 1 and outcomes.count(TestOutcome.PASSED) >= 3
    threads = {t.title: t for t in list_problems(session, actor=anna)}
    assert {t.status for t in threads.values()} == {ProblemStatus.OPEN, ProblemStatus.SOLVED}
    kisa_view = list_problems(session, actor=_actor(session, "klara.kisa@kisa.example"))
    assert len(kisa_view) == 3  # the Verwaltungsgemeinschaft's new report too
    notices = session.exec(select(ReleaseNotice).where(ReleaseNotice.product_id == "meldebescheinigung")).all()
    assert {n.review_required for n in notices} == {True} and all(n.reviewed_at is None for n in notices)
    [line] = view_cart(session, actor=_actor(session, "tom.technik@musterstadt.example")).lines
    assert line.product.id == "bewohnerparkausweis"
    assert session.exec(select(ProblemReport).where(col(ProblemReport.test_item) != "")).first() is not None
