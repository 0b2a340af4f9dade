"""Going live after the acceptance, the communication checklist, and a new test round after a change."""

from __future__ import annotations

import pytest
from sqlmodel import select

from acceptance.launch import LAUNCH_TASKS, confirm_live, launch_tasks, tick_launch_task
from acceptance.record import accept, acceptance_document, acceptance_pdf
from acceptance.results import current_round, record_result, results_of
from acceptance.view import acceptance_view
from backoffice.review import take_over
from backoffice.setup import checklist, go_live, tick
from core import clock
from core.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from lifecycle.changes import request_change
from models import Acceptance, LaunchTask, OrderedProductState, TestOutcome
from tests.acceptance_world import (
    TESTER,
    accepted,
    all_passed,
    live,
    questionnaire_id_of,
    record_all,
    stored_rows,
    world_with_questionnaires,
)
from tests.backoffice_world import actions, history, resubmit
from tests.questionnaire_world import mails, state_of

S = OrderedProductState
KISA_MAILBOX = "antragsmanagement@kisa.example"


@pytest.fixture
def world(session):
    return world_with_questionnaires(session)


def _tasks(session):
    return stored_rows(session, LaunchTask)


def test_confirming_the_go_live_needs_the_explicit_confirmation_and_the_coordinator(session, world):
    ordered = accepted(session, world)
    with pytest.raises(FieldErrors) as missing:
        confirm_live(session, actor=world.coordinator, ordered_product_id=ordered.id, maintenance_off=False)
    session.rollback()
    assert missing.value.errors["maintenance_off"] == ("Bitte bestätigen Sie, dass Sie den Wartungsmodus auf Amt24 "
                                                       "ausgeschaltet haben.")
    with pytest.raises(PermissionDenied, match="Den Livegang bestätigt die Koordinatorin oder der Koordinator"):
        confirm_live(session, actor=world.colleague, ordered_product_id=ordered.id, maintenance_off=True)
    session.rollback()
    with pytest.raises(PermissionDenied):
        confirm_live(session, actor=world.kisa, ordered_product_id=ordered.id, maintenance_off=True)
    session.rollback()
    with pytest.raises(NotFound):
        confirm_live(session, actor=world.other, ordered_product_id=ordered.id, maintenance_off=True)
    session.rollback()
    assert state_of(session, ordered) == S.ACCEPTED
    assert mails(session, "lifecycle.live") == [] and _tasks(session) == []


def test_the_go_live_is_confirmed_only_after_the_acceptance(session, world):
    ordered = all_passed(session, world)
    with pytest.raises(DomainError) as refused:
        confirm_live(session, actor=world.coordinator, ordered_product_id=ordered.id, maintenance_off=True)
    session.rollback()
    assert str(refused.value) == "Den Livegang bestätigen Sie nach der Abnahme (Stand: „Test im Wartungsmodus“)."
    assert state_of(session, ordered) == S.TESTING


def test_going_live_tells_both_sides_and_opens_the_communication_checklist(session, world):
    ordered = live(session, world)
    assert state_of(session, ordered) == S.LIVE
    assert history(session, ordered)[-1] == ("accepted", "live", "Clara Koordinatorin")
    sent = mails(session, "lifecycle.live")
    assert {world.coordinator.email, KISA_MAILBOX} <= {m.to_address for m in sent}
    text = sent[0].text_body
    assert "ist live: Clara Koordinatorin hat am" in text and "Wartungsmodus auf Amt24 ausgeschaltet ist" in text
    assert "- Website der Kommune: Hinweis und Link auf den Online-Antrag" in text
    assert f"/abnahme?nr={ordered.id}" in text
    tasks = launch_tasks(session, ordered.id)
    assert [t.label for t in tasks] == [label for _key, label in LAUNCH_TASKS]
    assert not any(t.done for t in tasks)
    assert [t.label for t in acceptance_view(session, actor=world.kisa, ordered_product_id=ordered.id).launch_tasks] == [
        label for _key, label in LAUNCH_TASKS]


def test_municipal_users_tick_communication_tasks_with_who_and_when_only_while_live(session, world):
    ordered = live(session, world)
    tick_launch_task(session, actor=world.colleague, ordered_product_id=ordered.id, task="presse", done=True)
    session.commit()
    clock.advance(60)
    tick_launch_task(session, actor=world.coordinator, ordered_product_id=ordered.id, task="presse", done=True)
    session.commit()  # a second tick changes nothing: still Karl's
    [press] = [t for t in launch_tasks(session, ordered.id) if t.task == "presse"]
    assert press.done and press.done_by == "Karl Kollege" and press.done_at is not None
    tick_launch_task(session, actor=world.coordinator, ordered_product_id=ordered.id, task="presse", done=False)
    session.commit()
    [press] = [t for t in launch_tasks(session, ordered.id) if t.task == "presse"]
    assert not press.done and press.done_by == ""
    assert actions(session, "launch.") == ["launch.ticked", "launch.unticked"]
    for actor, error in ((world.kisa, PermissionDenied), (world.other, NotFound)):
        with pytest.raises(error):
            tick_launch_task(session, actor=actor, ordered_product_id=ordered.id, task="presse", done=True)
        session.rollback()
    with pytest.raises(NotFound, match="gehört nicht zur Checkliste"):
        tick_launch_task(session, actor=world.colleague, ordered_product_id=ordered.id, task="erfunden", done=True)
    session.rollback()
    request_change(session, actor=world.coordinator, ordered_product_id=ordered.id, reason="Neue Satzung")
    session.commit()
    with pytest.raises(DomainError, match="solange der Antragsassistent live ist"):
        tick_launch_task(session, actor=world.colleague, ordered_product_id=ordered.id, task="presse", done=True)
    session.rollback()
    assert not next(t for t in launch_tasks(session, ordered.id) if t.task == "presse").done


def test_after_a_change_the_product_is_tested_again_in_a_new_round_and_the_first_stays_as_history(session, world):
    ordered = live(session, world)
    tick_launch_task(session, actor=world.colleague, ordered_product_id=ordered.id, task="website", done=True)
    session.commit()
    first_keys = set(results_of(session, ordered.id, 1))
    assert current_round(session, ordered.id) == 1

    request_change(session, actor=world.coordinator, ordered_product_id=ordered.id, reason="Neue Gebührensatzung")
    session.commit()
    qid = questionnaire_id_of(session, ordered)
    resubmit(session, world.coordinator, qid)
    take_over(session, actor=world.kisa, questionnaire_id=qid)
    session.commit()
    for task in checklist(session, actor=world.kisa, ordered_product_id=ordered.id):  # a new set-up round
        tick(session, actor=world.kisa, ordered_product_id=ordered.id, task=task.task, done=True)
    go_live(session, actor=world.kisa, ordered_product_id=ordered.id)
    session.commit()

    assert current_round(session, ordered.id) == 2
    view = acceptance_view(session, actor=world.coordinator, ordered_product_id=ordered.id)
    assert view.state == S.TESTING and view.round == 2 and view.tested == 0 and view.may_record
    assert [a.round for a in view.acceptances] == [1]  # the first acceptance stays
    assert set(results_of(session, ordered.id, 1)) == first_keys  # and the first round's results
    session.commit()

    record_all(session, world.colleague, ordered)
    record_result(session, actor=world.colleague, ordered_product_id=ordered.id, item="testantrag",
                  outcome=TestOutcome.NOT_APPLICABLE, tester=TESTER, base_version=1)
    session.commit()
    accept(session, actor=world.coordinator, ordered_product_id=ordered.id, remarks="Runde zwei.")
    session.commit()
    rounds = sorted(session.exec(select(Acceptance.round)).all())
    assert rounds == [1, 2]
    assert acceptance_document(session, actor=world.kisa, ordered_product_id=ordered.id).remarks == "Runde zwei."
    assert acceptance_document(session, actor=world.kisa, ordered_product_id=ordered.id, round_number=1).remarks == ""
    assert acceptance_pdf(session, actor=world.coordinator, ordered_product_id=ordered.id, round_number=1)
    with pytest.raises(NotFound):
        acceptance_document(session, actor=world.kisa, ordered_product_id=ordered.id, round_number=3)
    session.commit()

    confirm_live(session, actor=world.coordinator, ordered_product_id=ordered.id, maintenance_off=True)
    session.commit()
    tasks = {t.task: t for t in launch_tasks(session, ordered.id)}
    assert len(tasks) == len(LAUNCH_TASKS) and tasks["website"].done  # ticked once, stays ticked


def test_the_demo_product_in_test_can_be_tested_and_accepted_and_the_demo_reset_removes_it(session):
    from accounts.actor import Actor
    from catalog.store import import_catalog
    from demo.seed import reset_demo, seed_demo
    from models import OrderedProduct, TestResult, User
    from tests.catalog_builders import make_product

    import_catalog(session, products=[make_product("Meldebescheinigung")])
    seed_demo(session)
    session.commit()
    berta = Actor.of(session.exec(select(User).where(User.email == "berta.muster@talheim.example")).one())
    ordered = session.exec(select(OrderedProduct).where(OrderedProduct.state == S.TESTING)).one()
    session.commit()
    view = acceptance_view(session, actor=berta, ordered_product_id=ordered.id)
    assert view.testers == ["Berta Muster"] and view.items  # set up before the shop: testers from the master data
    session.commit()
    for item in view.items:
        record_result(session, actor=berta, ordered_product_id=ordered.id, item=item.key, outcome=TestOutcome.PASSED,
                      tester="Berta Muster")
    accept(session, actor=berta, ordered_product_id=ordered.id)
    session.commit()
    assert acceptance_document(session, actor=berta, ordered_product_id=ordered.id).sample_data  # labelled as sample
    confirm_live(session, actor=berta, ordered_product_id=ordered.id, maintenance_off=True)
    session.commit()
    reset_demo(session)
    session.commit()
    # The reset seeds the story again (its live products are accepted anew, the product in test starts afresh).
    assert session.exec(select(TestResult).where(TestResult.ordered_product_id == ordered.id)).all() == []
    assert [t for t in _tasks(session) if t.ordered_product_id == ordered.id] == []
