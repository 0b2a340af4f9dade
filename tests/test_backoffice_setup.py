"""Taking a configuration over, the set-up checklist (by way of data delivery, who/when) and the Go-Live guard."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from backoffice.queue import assign
from backoffice.review import ask_back, take_over
from backoffice.setup import TASK_LABELS, checklist, go_live, open_task_count, tick
from core import clock
from core.db import session_scope
from core.errors import DomainError, NotFound, PermissionDenied
from models import OrderedProductState, SetupTask
from tests.backoffice_world import (
    DAY,
    FACHVERFAHREN,
    FW,
    MB,
    MRA,
    actions,
    audit_details,
    fresh,
    history,
    resubmit,
    save,
    submitted,
)
from tests.questionnaire_builders import order_product
from tests.questionnaire_world import mails, make_world, state_of

S = OrderedProductState
ALL_TASKS = ["transferverzeichnis", "konfiguration", "mandant", "schnittstelle", "benachrichtigung"]


@pytest.fixture
def world(session):
    return make_world(session)


def tasks(session, world, ordered):
    found = checklist(session, actor=world.kisa, ordered_product_id=ordered.id)
    session.commit()
    return found


def set_up(session, world, product=MB, **kwargs):
    """Submit and take over; return the questionnaire id."""
    questionnaire_id = submitted(session, world, product, **kwargs)
    take_over(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    session.commit()
    return questionnaire_id


def tick_all(session, world, ordered, actor=None):
    for task in tasks(session, world, ordered):
        tick(session, actor=actor or world.kisa, ordered_product_id=ordered.id, task=task.task, done=True)
    session.commit()


@pytest.mark.parametrize(("product", "delivery", "expected"), [
    (MB, None, ["transferverzeichnis", "konfiguration", "mandant", "benachrichtigung"]),
    (MB, FACHVERFAHREN, ["konfiguration", "mandant", "schnittstelle", "benachrichtigung"]),
    (FW, None, ["konfiguration", "mandant", "benachrichtigung"]),  # e-mail with PDF
])
def test_take_over_starts_the_set_up_with_the_tasks_of_the_delivery_way(session, world, product, delivery, expected):
    questionnaire_id = submitted(session, world, product, delivery=delivery)
    take_over(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    session.commit()
    ordered = world.ordered[product]
    assert state_of(session, ordered) == S.SETUP
    found = tasks(session, world, ordered)
    assert [t.task for t in found] == expected
    assert [t.label for t in found] == [TASK_LABELS[k] for k in expected]
    assert not any(t.done for t in found) and all(t.done_by == "" for t in found)
    assert open_task_count(session, ordered.id) == len(expected)
    assert fresh(session, ordered).assigned_to_id == world.kisa.user_id  # the taker, by default
    assert history(session, ordered)[-1] == ("submitted", "setup", "Kira KISA")
    assert actions(session, "backoffice.taken_over") == ["backoffice.taken_over"]
    assert actions(session, "lifecycle.setup_started") == ["lifecycle.setup_started"]
    [mail] = mails(session, "lifecycle.setup_started")
    assert (mail.to_address, mail.municipality_id) == (world.coordinator.email, world.town.id)
    assert "Riesa" in mail.text_body


def test_take_over_keeps_an_assignment_and_mails_coordinator_and_submitter(session, world):
    questionnaire_id = submitted(session, world, MRA, by=world.colleague)
    assign(session, actor=world.kisa, ordered_product_id=world.ordered[MRA].id, staff_user_id=world.admin.user_id)
    session.commit()
    take_over(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    session.commit()
    assert fresh(session, world.ordered[MRA]).assigned_to_id == world.admin.user_id
    assert [m.to_address for m in mails(session, "lifecycle.setup_started")] == [
        world.coordinator.email, world.colleague.email]


def test_take_over_only_of_a_submitted_configuration(session, world):
    questionnaire_id = submitted(session, world, MB)
    ask_back(session, actor=world.kisa, questionnaire_id=questionnaire_id, message="Bitte ergänzen.")
    session.commit()
    with pytest.raises(DomainError, match="nicht möglich"):
        take_over(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    session.rollback()
    assert state_of(session, world.ordered[MB]) == S.QUERY
    assert session.exec(select(SetupTask)).all() == []
    assert mails(session, "lifecycle.setup_started") == []


def test_tick_and_untick_with_who_and_when(session, world):
    set_up(session, world)
    ordered = world.ordered[MB]
    clock.advance(DAY)
    tick(session, actor=world.admin, ordered_product_id=ordered.id, task="mandant", done=True)
    session.commit()
    ticked_at = clock.utcnow()
    mandant = {t.task: t for t in tasks(session, world, ordered)}["mandant"]
    assert mandant.done and mandant.done_by == "Ada Admin"
    assert abs((mandant.done_at - ticked_at).total_seconds()) < 60
    row = session.exec(select(SetupTask).where(SetupTask.ordered_product_id == ordered.id,
                                               SetupTask.task == "mandant")).one()
    assert row.done_by_id == world.admin.user_id
    assert open_task_count(session, ordered.id) == 3

    clock.advance(DAY)  # a second tick changes nothing: neither who nor when nor the audit log
    tick(session, actor=world.kisa, ordered_product_id=ordered.id, task="mandant", done=True)
    session.commit()
    again = {t.task: t for t in tasks(session, world, ordered)}["mandant"]
    assert (again.done_at, again.done_by) == (mandant.done_at, "Ada Admin")
    assert actions(session, "setup.") == ["setup.ticked"]

    tick(session, actor=world.kisa, ordered_product_id=ordered.id, task="mandant", done=False)
    tick(session, actor=world.kisa, ordered_product_id=ordered.id, task="mandant", done=False)
    session.commit()
    undone = {t.task: t for t in tasks(session, world, ordered)}["mandant"]
    assert (undone.done, undone.done_at, undone.done_by) == (False, None, "")
    assert actions(session, "setup.") == ["setup.ticked", "setup.unticked"]
    assert audit_details(session, "setup.unticked") == [TASK_LABELS["mandant"]]


def test_ticking_an_unknown_or_inapplicable_task_is_refused(session, world):
    set_up(session, world)  # transfer directory: no interface task
    for task in ("schnittstelle", "kaffee"):
        with pytest.raises(NotFound):
            tick(session, actor=world.kisa, ordered_product_id=world.ordered[MB].id, task=task, done=True)
        session.rollback()
    with pytest.raises(NotFound):
        tick(session, actor=world.kisa, ordered_product_id=999_999, task="mandant", done=True)
    session.rollback()
    assert actions(session, "setup.") == []


def test_ticking_outside_the_set_up_is_refused(session, world):
    submitted(session, world, MB)  # submitted, no checklist yet
    with pytest.raises(DomainError, match="nur während der Einrichtung"):
        tick(session, actor=world.kisa, ordered_product_id=world.ordered[MB].id, task="mandant", done=True)
    session.rollback()
    set_up(session, world, MRA)
    tick_all(session, world, world.ordered[MRA])
    go_live(session, actor=world.kisa, ordered_product_id=world.ordered[MRA].id)
    session.commit()
    for done in (False, True):  # in testing the checklist is frozen
        with pytest.raises(DomainError, match="nur während der Einrichtung"):
            tick(session, actor=world.kisa, ordered_product_id=world.ordered[MRA].id, task="mandant", done=done)
        session.rollback()
    assert all(t.done for t in tasks(session, world, world.ordered[MRA]))


def test_go_live_is_refused_while_a_task_is_open_and_names_the_open_tasks(session, world):
    set_up(session, world)
    ordered = world.ordered[MB]
    for task in ("transferverzeichnis", "konfiguration"):
        tick(session, actor=world.kisa, ordered_product_id=ordered.id, task=task, done=True)
    session.commit()
    with pytest.raises(DomainError) as caught:
        go_live(session, actor=world.kisa, ordered_product_id=ordered.id)
    session.rollback()
    message = str(caught.value)
    assert TASK_LABELS["mandant"] in message and TASK_LABELS["benachrichtigung"] in message
    assert TASK_LABELS["transferverzeichnis"] not in message and TASK_LABELS["konfiguration"] not in message
    assert state_of(session, ordered) == S.SETUP
    assert mails(session, "lifecycle.go_live") == [] and actions(session, "lifecycle.go_live") == []
    # Unticking a done task blocks again.
    tick_all(session, world, ordered)
    tick(session, actor=world.kisa, ordered_product_id=ordered.id, task="konfiguration", done=False)
    session.commit()
    with pytest.raises(DomainError, match=TASK_LABELS["konfiguration"]):
        go_live(session, actor=world.kisa, ordered_product_id=ordered.id)
    session.rollback()
    assert state_of(session, ordered) == S.SETUP


def test_go_live_is_refused_without_a_checklist_and_outside_the_set_up(session, world):
    bare = order_product(session, world.town, MB, state=S.SETUP)  # in set-up without a checklist (e.g. old data)
    with pytest.raises(DomainError, match="keine Checkliste angelegt"):
        go_live(session, actor=world.kisa, ordered_product_id=bare.id)
    session.rollback()
    assert state_of(session, bare) == S.SETUP
    submitted(session, world, MRA)
    with pytest.raises(DomainError, match="nicht möglich"):
        go_live(session, actor=world.kisa, ordered_product_id=world.ordered[MRA].id)
    session.rollback()
    with pytest.raises(NotFound):
        go_live(session, actor=world.kisa, ordered_product_id=999_999)
    session.rollback()
    assert state_of(session, world.ordered[MRA]) == S.SUBMITTED
    assert mails(session, "lifecycle.go_live") == []


def test_go_live_when_every_task_is_done(session, world):
    set_up(session, world, by=world.colleague)
    ordered = world.ordered[MB]
    tick_all(session, world, ordered)
    clock.advance(DAY)
    go_live(session, actor=world.admin, ordered_product_id=ordered.id)
    session.commit()
    row = fresh(session, ordered)
    assert row.state == S.TESTING
    assert abs((row.state_since - clock.utcnow()).total_seconds()) < 60
    assert history(session, ordered) == [
        ("ordered", "questionnaire", "Karl Kollege"),
        ("questionnaire", "submitted", "Karl Kollege"),
        ("submitted", "setup", "Kira KISA"),
        ("setup", "testing", "Ada Admin"),
    ]
    assert actions(session, "lifecycle.") == [
        "lifecycle.questionnaire_started", "lifecycle.submitted", "lifecycle.setup_started", "lifecycle.go_live"]
    go_live_mails = mails(session, "lifecycle.go_live")
    assert [m.to_address for m in go_live_mails] == [world.coordinator.email, world.colleague.email, "antraege@example.org"]
    for mail in go_live_mails:
        assert mail.municipality_id == world.town.id
        assert "Meldebescheinigung" in mail.text_body and "Riesa" in mail.text_body
        assert "Wartungsmodus" in mail.text_body and "Tina Test" in mail.text_body
    # A second Go-Live is refused by the lifecycle; nothing more is sent.
    with pytest.raises(DomainError, match="nicht möglich"):
        go_live(session, actor=world.kisa, ordered_product_id=ordered.id)
    session.rollback()
    assert len(mails(session, "lifecycle.go_live")) == 3


def test_the_notification_address_gets_one_mail_even_if_it_is_a_coordinators(session, world):
    questionnaire_id = submitted(session, world, FW)
    ask_back(session, actor=world.kisa, questionnaire_id=questionnaire_id, message="Bitte Funktionspostfach.")
    session.commit()
    save(session, world.coordinator, questionnaire_id, "benachrichtigung",
         {"benachrichtigung.email": world.coordinator.email, "benachrichtigung.kopie": ""})
    resubmit(session, world.coordinator, questionnaire_id)
    take_over(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    session.commit()
    tick_all(session, world, world.ordered[FW])
    go_live(session, actor=world.kisa, ordered_product_id=world.ordered[FW].id)
    session.commit()
    assert [m.to_address for m in mails(session, "lifecycle.go_live")] == [world.coordinator.email]


@pytest.mark.parametrize("who", ["coordinator", "colleague", "other"])
def test_municipal_users_are_refused_in_the_set_up(session, world, who):
    set_up(session, world)
    ordered = world.ordered[MB]
    actor = getattr(world, who)
    for call in (
        lambda: checklist(session, actor=actor, ordered_product_id=ordered.id),
        lambda: tick(session, actor=actor, ordered_product_id=ordered.id, task="mandant", done=True),
        lambda: go_live(session, actor=actor, ordered_product_id=ordered.id),
    ):
        with pytest.raises(PermissionDenied):
            call()
        session.rollback()
    assert not any(t.done for t in tasks(session, world, ordered))
    tick_all(session, world, ordered)
    with pytest.raises(PermissionDenied):
        go_live(session, actor=actor, ordered_product_id=ordered.id)
    session.rollback()
    assert state_of(session, ordered) == S.SETUP


def _race(engine, calls):
    """Run the calls at the same moment, each in its own transaction; return 'ok' or the error class name."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        try:
            with session_scope(engine) as s:
                call(s)
        except DomainError as exc:
            return type(exc).__name__
        return "ok"

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_two_take_overs_at_once_make_one_transition(engine, session, world):
    questionnaire_id = submitted(session, world, MB)
    session.commit()
    results = _race(engine, [
        lambda s: take_over(s, actor=world.kisa, questionnaire_id=questionnaire_id),
        lambda s: take_over(s, actor=world.admin, questionnaire_id=questionnaire_id),
    ])
    assert sorted(results) == ["DomainError", "ok"]
    ordered = world.ordered[MB]
    assert state_of(session, ordered) == S.SETUP
    assert [h[:2] for h in history(session, ordered)].count(("submitted", "setup")) == 1
    assert len(tasks(session, world, ordered)) == 4
    assert len(mails(session, "lifecycle.setup_started")) == 1
    assert actions(session, "backoffice.taken_over") == ["backoffice.taken_over"]


def test_two_go_lives_at_once_make_one_transition(engine, session, world):
    set_up(session, world)
    ordered = world.ordered[MB]
    tick_all(session, world, ordered)
    results = _race(engine, [
        lambda s: go_live(s, actor=world.kisa, ordered_product_id=ordered.id),
        lambda s: go_live(s, actor=world.admin, ordered_product_id=ordered.id),
    ])
    assert sorted(results) == ["DomainError", "ok"]
    assert state_of(session, ordered) == S.TESTING
    assert [h[:2] for h in history(session, ordered)].count(("setup", "testing")) == 1
    assert len(mails(session, "lifecycle.go_live")) == 2  # coordinator and the notification address
    assert actions(session, "lifecycle.go_live") == ["lifecycle.go_live"]


def test_a_change_round_starts_the_checklist_again_with_the_tasks_of_the_new_configuration(session, world):
    """After go-live a change request leads back to set-up: last round's ticks must not allow a Go-Live at once."""
    from lifecycle.changes import request_change
    from tests.backoffice_world import FACHVERFAHREN, put_in_state, resubmit, save

    questionnaire_id = set_up(session, world)
    ordered = world.ordered[MB]
    tick_all(session, world, ordered)
    go_live(session, actor=world.kisa, ordered_product_id=ordered.id)
    session.commit()
    put_in_state(session, ordered, S.LIVE)
    request_change(session, actor=world.coordinator, ordered_product_id=ordered.id, reason="Neues Fachverfahren")
    session.commit()
    save(session, world.coordinator, questionnaire_id, "daten",
         {"daten.weg": FACHVERFAHREN, "daten.fachverfahren": "VOIS/MESO"})
    resubmit(session, world.coordinator, questionnaire_id)
    take_over(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    session.commit()
    again = tasks(session, world, ordered)
    assert [t.task for t in again] == ["konfiguration", "mandant", "schnittstelle", "benachrichtigung"]
    assert not any(t.done for t in again)
    with pytest.raises(DomainError, match="Offen"):
        go_live(session, actor=world.kisa, ordered_product_id=ordered.id)
    session.rollback()
