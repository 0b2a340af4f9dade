"""Eight sessions doing conflicting work at the same moment — as separate OS processes and as threads — on SQLite
(WAL, busy timeout, BEGIN IMMEDIATE) and PostgreSQL: no lost update, no duplicate order, no broken state.

Each participant opens its own session (a process its own engine on the same database URL) and waits at a barrier
until all are ready; the database is checked afterwards. Orders are raced by threads in test_orders.py already, so
they run in processes only here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from acceptance.launch import LAUNCH_TASKS
from accounts.actor import Actor
from backoffice.review import take_over
from backoffice.setup import checklist
from catalog.store import get_product
from models import (
    Acceptance,
    AuditEvent,
    LaunchTask,
    Municipality,
    Order,
    OrderedProduct,
    OrderedProductState,
    OrderLine,
    QuestionnaireEdit,
    ReviewComment,
    Role,
    SetupTask,
    TestOutcome,
    TestResult,
)
from orders.cart import add_to_cart, view_cart
from questionnaire.drafts import read_questionnaire, save_step
from tests.acceptance_world import TESTER, all_passed
from tests.backoffice_world import MB, history, in_testing, submitted
from tests.builders import actor_of, make_user
from tests.catalog_builders import product_data
from tests.concurrent_sessions import COUNTED_KEY, COUNTED_STEP, Outcome, ProcessCrew, counted, run_in_threads
from tests.orders_builders import ready_to_order
from tests.questionnaire_builders import questionnaire_catalog
from tests.questionnaire_world import World, mails, make_world, named_user, opened, state_of

SIZE = 8
S = OrderedProductState
Run = Callable[[str, list[dict[str, Any]]], list[list[Outcome]]]


class _Crews:
    """One crew of worker processes for the test session; a new one after a run that failed midway."""

    def __init__(self) -> None:
        self.crew: ProcessCrew | None = None

    def get(self) -> ProcessCrew:
        if self.crew is not None and self.crew.broken:
            self.crew.close()
            self.crew = None
        if self.crew is None:
            self.crew = ProcessCrew(SIZE)
        return self.crew

    def close(self) -> None:
        if self.crew is not None:
            self.crew.close()
            self.crew = None


@pytest.fixture(scope="session")  # started once: the tests of both databases run in separate parts of the session
def crews() -> Iterator[_Crews]:
    holder = _Crews()
    try:
        yield holder
    finally:
        holder.close()  # processes are joined (or ended) even when a test failed


@pytest.fixture
def in_processes(crews: _Crews, engine: Any, database_url: str) -> Run:
    """Run a scenario in the worker processes, each on its own engine for the test database."""
    crew = crews.get()
    return lambda scenario, payloads: crew.run(database_url, scenario, payloads)


@pytest.fixture(params=["processes", "threads"])
def together(request: pytest.FixtureRequest, engine: Any) -> Run:
    """Run a scenario in separate processes, or in threads of this process sharing the app's engine."""
    if request.param == "processes":
        return request.getfixturevalue("in_processes")  # type: ignore[no-any-return]
    return lambda scenario, payloads: run_in_threads(engine, scenario, payloads)


def step(results: list[list[Outcome]], index: int) -> list[Outcome]:
    """Return every participant's outcome of one step; fail on anything but success or a German refusal."""
    crashed = [r for r in results if r and r[0][0] == "crash"]
    assert not crashed, crashed[0][0][1]
    return [r[index] for r in results]


def kinds(outcomes: list[Outcome]) -> list[str]:
    return sorted(kind for kind, _detail in outcomes)


def winner(outcomes: list[Outcome]) -> int:
    """Return the index of the only participant that succeeded."""
    won = [i for i, (kind, _detail) in enumerate(outcomes) if kind == "ok"]
    assert len(won) == 1, outcomes
    return won[0]


def refusals(outcomes: list[Outcome]) -> set[str]:
    return {detail for kind, detail in outcomes if kind != "ok"}


def audit(session: Session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))).all())


def count(session: Session, model: type, *conditions: Any) -> int:
    return int(session.exec(select(func.count()).select_from(model).where(*conditions)).one())


def addresses(session: Session, event: str) -> list[str]:
    """Return the recipients of ``event``: each at most once, or the step ran twice."""
    found = [m.to_address for m in mails(session, event)]
    assert len(found) == len(set(found)), f"{event} sent twice: {found}"
    return found


@pytest.fixture
def world(session: Session) -> World:
    questionnaire_catalog(session)
    return make_world(session)


def staff(session: Session, world: World) -> list[Actor]:
    """KISA's eight people: Kira, Ada and six colleagues."""
    return [world.kisa, world.admin, *(named_user(session, None, f"KISA Person {n}", role=Role.KISA) for n in range(6))]


def riesa(session: Session, world: World) -> list[Actor]:
    """Eight people of Riesa: Clara (coordinator), Karl and six colleagues."""
    return [world.coordinator, world.colleague,
            *(named_user(session, world.town, f"Riesaer Person {n}") for n in range(6))]


# ---- orders (processes) -------------------------------------------------------------------------------------------


def test_an_order_submitted_eight_times_at_once_is_placed_once(in_processes, session):
    contract = ready_to_order(session)
    anna = actor_of(make_user(session, can_manage_team=True))
    for product_id in ("meldebescheinigung", "wahlschein"):
        add_to_cart(session, actor=anna, product_id=product_id)
    revision = view_cart(session, actor=anna).revision
    session.commit()

    outcomes = step(in_processes("place_same_cart", [
        {"actor": anna, "revision": revision, "contract_id": contract.id} for _ in range(SIZE)]), 0)
    assert kinds(outcomes) == ["ok"] * SIZE, outcomes
    assert len({order_id for _ok, (order_id, _created) in outcomes}) == 1, "one order for every click"
    assert [created for _ok, (_id, created) in outcomes].count(True) == 1
    session.expire_all()
    assert count(session, Order) == 1 and count(session, OrderLine) == 2
    assert count(session, OrderedProduct, OrderedProduct.municipality_id == anna.municipality_id) == 2
    assert len(addresses(session, "order.confirmed")) == 1 and len(audit(session, "order.placed")) == 1
    assert view_cart(session, actor=anna).lines == []
    session.commit()


def test_eight_colleagues_ordering_the_same_product_at_once_order_it_once(in_processes, session):
    contract = ready_to_order(session)
    first = make_user(session, can_manage_team=True)
    municipality = session.get(Municipality, first.municipality_id)
    colleagues = [actor_of(first), *(actor_of(make_user(session, municipality=municipality)) for _ in range(SIZE - 1))]
    for colleague in colleagues:
        add_to_cart(session, actor=colleague, product_id="meldebescheinigung")
    session.commit()

    outcomes = step(in_processes("place_own_cart", [
        {"actor": colleague, "contract_id": contract.id} for colleague in colleagues]), 0)
    winner(outcomes)
    assert refusals(outcomes) == {
        "Meldebescheinigung: Ihre Kommune hat dieses Produkt bereits bestellt (Stand: bestellt)."}, outcomes
    session.expire_all()
    assert count(session, OrderedProduct, OrderedProduct.municipality_id == first.municipality_id) == 1
    assert count(session, Order) == 1 and len(addresses(session, "order.confirmed")) == 1
    session.commit()


# ---- lifecycle steps (processes and threads) ----------------------------------------------------------------------


def test_taking_over_and_asking_back_at_once_leaves_one_consistent_state(together, session, world):
    people = staff(session, world)
    questionnaire_id = submitted(session, world, MB)
    ordered = world.ordered[MB]
    session.commit()

    outcomes = step(together("review_decision", [
        {"actor": actor, "questionnaire_id": questionnaire_id, "submission_number": 1,
         "decision": "take_over" if n % 2 else "ask_back", "message": f"Rückfrage von {actor.full_name}."}
        for n, actor in enumerate(people)]), 0)
    won = winner(outcomes)
    decision = outcomes[won][1]
    target = S.SETUP if decision == "take_over" else S.QUERY
    assert refusals(outcomes) == {
        f"Dieser Schritt ist im Stand „{'Einrichtung durch KISA' if target == S.SETUP else 'Rückfrage von KISA'}“ "
        f"nicht möglich (gewünscht: „Einrichtung durch KISA“).",
        f"Dieser Schritt ist im Stand „{'Einrichtung durch KISA' if target == S.SETUP else 'Rückfrage von KISA'}“ "
        f"nicht möglich (gewünscht: „Rückfrage von KISA“).",
    }
    assert state_of(session, ordered) == target
    assert [h[:2] for h in history(session, ordered)][-1:] == [("submitted", target.value)]
    assert [h[1] for h in history(session, ordered)].count(target.value) == 1
    tasks = count(session, SetupTask, SetupTask.ordered_product_id == ordered.id)
    messages = session.exec(select(ReviewComment.text)).all()
    if target == S.SETUP:  # the set-up started once, no query went out
        assert tasks == 4 and messages == [] and addresses(session, "lifecycle.query") == []
        assert addresses(session, "lifecycle.setup_started") and len(audit(session, "backoffice.taken_over")) == 1
        assert session.get(OrderedProduct, ordered.id).assigned_to_id == people[won].user_id
    else:  # the query went out once, no set-up started
        assert tasks == 0 and messages == [f"Rückfrage von {people[won].full_name}."]
        assert addresses(session, "lifecycle.query") and addresses(session, "lifecycle.setup_started") == []
    session.commit()


def test_set_up_tasks_ticked_and_go_live_pressed_by_everybody_at_once(together, session, world):
    people = staff(session, world)
    questionnaire_id = submitted(session, world, MB)
    take_over(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    session.commit()
    ordered = world.ordered[MB]
    tasks = [t.task for t in checklist(session, actor=world.kisa, ordered_product_id=ordered.id)]
    session.commit()
    assert len(tasks) == 4

    results = together("set_up_and_go_live", [
        {"actor": actor, "ordered_product_id": ordered.id, "same_task": "konfiguration", "own_task": tasks[n % 4]}
        for n, actor in enumerate(people)])
    assert kinds(step(results, 0)) == kinds(step(results, 1)) == ["ok"] * SIZE  # ticking twice changes nothing
    went_live = step(results, 2)
    winner(went_live)
    assert refusals(went_live) == {"Dieser Schritt ist im Stand „Test im Wartungsmodus“ nicht möglich "
                                   "(gewünscht: „Test im Wartungsmodus“)."}
    session.expire_all()
    rows = session.exec(select(SetupTask).where(SetupTask.ordered_product_id == ordered.id)).all()
    assert all(r.done_at is not None for r in rows) and len(rows) == 4
    names = {a.full_name for a in people}
    assert {r.done_by_name for r in rows} <= names
    assert len(audit(session, "setup.ticked")) == 4, "each task ticked once, whoever was first"
    assert state_of(session, ordered) == S.TESTING
    assert [h[1] for h in history(session, ordered)].count("testing") == 1
    assert len(addresses(session, "lifecycle.go_live")) == 2  # the coordinator and the notification address
    session.commit()


def test_test_results_recorded_by_everybody_at_once_let_one_win_per_version(together, session, world):
    people = riesa(session, world)
    ordered = in_testing(session, world, MB)
    session.commit()
    item = "servicekonto_anmeldung"

    results = together("record_results", [
        {"actor": actor, "ordered_product_id": ordered.id, "item": item, "tester": TESTER,
         "rounds": [(TestOutcome.FAILED, f"Befund von {actor.full_name}, Runde 1.", 0),
                    (TestOutcome.FAILED, f"Befund von {actor.full_name}, Runde 2.", 1),
                    (TestOutcome.PASSED, "", 2)]}  # the same result for everybody: nothing to overwrite
        for actor in people])
    notes = []
    for index in (0, 1):
        outcomes = step(results, index)
        won = winner(outcomes)
        assert outcomes[won][1] == index + 1
        assert kinds(outcomes) == ["StaleResult"] * (SIZE - 1) + ["ok"]
        assert all(d.startswith("Dieser Prüfpunkt wurde inzwischen von ") for d in refusals(outcomes))
        notes.append(f"Befund von {people[won].full_name}, Runde {index + 1}.")
    assert step(results, 2) == [("ok", 3)] * SIZE
    session.expire_all()
    [row] = session.exec(select(TestResult).where(TestResult.ordered_product_id == ordered.id,
                                                  TestResult.item == item)).all()
    assert (row.outcome, row.note, row.version) == (TestOutcome.PASSED, "", 3)
    recorded = [e.details for e in audit(session, "acceptance.result_recorded")]
    assert len(recorded) == 3 and [n in d for n, d in zip(notes, recorded, strict=False)] == [True, True]
    session.commit()


def test_acceptance_and_go_live_confirmed_in_eight_tabs_at_once_happen_once(together, session, world):
    ordered = all_passed(session, world, MB)
    session.commit()

    results = together("accept_and_go_live", [
        {"actor": world.coordinator, "ordered_product_id": ordered.id, "remarks": f"Abnahme aus Tab {n}."}
        for n in range(SIZE)])
    accepted, live = step(results, 0), step(results, 1)
    winner(accepted)
    winner(live)
    assert refusals(accepted) == {"Die Abnahme ist nur während des Tests im Wartungsmodus möglich "
                                  "(Stand: „abgenommen“)."}
    assert refusals(live) == {"Den Livegang bestätigen Sie nach der Abnahme (Stand: „live“)."}
    session.expire_all()
    assert state_of(session, ordered) == S.LIVE
    assert [h[:2] for h in history(session, ordered)][-2:] == [("testing", "accepted"), ("accepted", "live")]
    assert count(session, Acceptance, Acceptance.ordered_product_id == ordered.id) == 1
    assert sorted(session.exec(select(LaunchTask.task).where(LaunchTask.ordered_product_id == ordered.id)).all()) \
        == sorted(key for key, _label in LAUNCH_TASKS)
    for event in ("lifecycle.accepted", "lifecycle.live"):
        assert world.coordinator.email in addresses(session, event)
        assert len(audit(session, event)) == 1
    session.commit()


# ---- answers and catalogue entries (processes and threads) --------------------------------------------------------


def test_an_answer_counted_up_by_eight_people_loses_no_update(together, session, world):
    people = riesa(session, world)
    questionnaire_id = opened(session, world.coordinator, world.ordered[MB])
    base = read_questionnaire(session, actor=world.coordinator, questionnaire_id=questionnaire_id).version
    base = save_step(session, actor=world.coordinator, questionnaire_id=questionnaire_id, step_key=COUNTED_STEP,
                     raw={COUNTED_KEY: "Stand 0 von Vorlage"}, base_version=base).version
    session.commit()
    rounds = 3

    results = together("questionnaire_rounds", [
        {"actor": actor, "questionnaire_id": questionnaire_id, "rounds": rounds} for actor in people])
    for index in range(rounds):  # all read the same version, so exactly one save per round wins
        outcomes = step(results, index)
        assert outcomes[winner(outcomes)][1] == base + index + 1
        assert kinds(outcomes) == ["EditConflict"] * (SIZE - 1) + ["ok"]
        assert all("hat dieselben Angaben inzwischen geändert" in d for d in refusals(outcomes))
    session.expire_all()
    edits = session.exec(select(QuestionnaireEdit).where(QuestionnaireEdit.questionnaire_id == questionnaire_id,
                                                         col(QuestionnaireEdit.version) > base)
                         .order_by(col(QuestionnaireEdit.version))).all()
    assert [e.version for e in edits] == [base + n for n in range(1, rounds + 1)], "a gap in the edit history"
    previous = "Stand 0 von Vorlage"
    for n, edit in enumerate(edits, start=1):
        [change] = json.loads(edit.changes)
        assert change["old"] == previous, "an edit overwrote a value its author never saw"
        assert counted(change["new"]) == n and change["new"] == f"Stand {n} von {edit.user_name}"
        previous = change["new"]
    view = read_questionnaire(session, actor=world.coordinator, questionnaire_id=questionnaire_id)
    assert view.answers[COUNTED_KEY] == previous and view.version == base + rounds
    session.commit()


def test_a_catalogue_entry_edited_and_retired_by_eight_clerks_at_once_changes_once(together, session):
    ready_to_order(session)
    clerks = [actor_of(make_user(session, role=Role.KISA)) for _ in range(SIZE)]
    original, version = get_product(session, "wahlschein")
    session.commit()

    def edited(clerk: Actor) -> dict[str, Any]:
        return product_data("Wahlschein", short_description=f"Wahlschein, zuletzt bearbeitet von {clerk.full_name}.",
                            prices={"setup_cents": 80050, "yearly_licence_cents": 12000})

    outcomes = step(together("edit_product", [
        {"actor": clerk, "product_id": "wahlschein", "version": version, "data": edited(clerk) if n % 2 else None}
        for n, clerk in enumerate(clerks)]), 0)
    won = winner(outcomes)
    assert kinds(outcomes) == ["StaleEdit"] * (SIZE - 1) + ["ok"]
    assert all(f"hat dieses Produkt inzwischen geändert (Stand {version + 1})" in d for d in refusals(outcomes))
    session.expire_all()
    product, now = get_product(session, "wahlschein")
    assert now == version + 1
    if outcomes[won][1] == "retired":
        assert product.status.value == "eingestellt" and product.short_description == original.short_description
    else:
        assert product.status.value == "verfügbar"
        assert product.short_description == f"Wahlschein, zuletzt bearbeitet von {clerks[won].full_name}."
    assert len(audit(session, "catalog.product_changed")) == 1
    session.commit()
