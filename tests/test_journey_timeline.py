"""The journey of ordered products: phases planned versus actual from the real history, who waits, what comes next."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import event

from backoffice.municipality_choice import find_municipalities_with_orders
from backoffice.review import ask_back, take_over
from backoffice.setup import checklist, go_live, tick
from core import clock
from core.clock import utcnow
from core.errors import DomainError, NotFound, PermissionDenied
from journey.timeline import (
    municipality_journey,
    product_journey,
)
from lifecycle.changes import request_change, terminate
from lifecycle.machine import transition
from models import OrderedProduct, OrderedProductState, UserStatus
from tests.backoffice_world import MB, MRA, fresh, put_in_state, resubmit, submitted
from tests.builders import actor_of, make_user
from tests.questionnaire_world import fill_completely, make_world, opened
from web.text import BERLIN

S = OrderedProductState
DAY = 86400


@pytest.fixture
def world(session):
    from tests.questionnaire_builders import questionnaire_catalog

    # Start at noon, German time: whole days later are the same calendar days, daylight saving time or not.
    now = utcnow()
    noon = now.astimezone(BERLIN).replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=1)
    clock.advance((noon - now).total_seconds())
    questionnaire_catalog(session)
    return make_world(session)


def near(moment: datetime | None, expected: datetime) -> bool:
    """Tell whether ``moment`` is within a minute of ``expected`` (a step takes a moment after the clock moved)."""
    return moment is not None and abs((moment - expected).total_seconds()) < 60


def on_day(world, day: float) -> None:
    """Move the clock to ``day`` days after Riesa's products were ordered."""
    ordered_at = world.ordered[MB].created_at
    clock.advance((ordered_at + timedelta(days=day) - utcnow()).total_seconds())


def step(session, actor, ordered: OrderedProduct, target: OrderedProductState) -> OrderedProduct:
    """Take one lifecycle step directly through the state machine (e.g. acceptance, whose page is elsewhere)."""
    row = fresh(session, ordered)
    transition(session, actor=actor, ordered=row, target=target)
    session.commit()
    return fresh(session, row)


def live_with_one_query(session, world) -> OrderedProduct:
    """Walk Meldebescheinigung to live through the real functions: ordered day 0, live day 52, one query."""
    ordered = world.ordered[MB]
    on_day(world, 3)
    questionnaire_id = opened(session, world.coordinator, ordered)
    fill_completely(session, world.coordinator, questionnaire_id)  # questionnaire begun on day 3
    on_day(world, 10)
    resubmit(session, world.coordinator, questionnaire_id)  # submitted on day 10
    on_day(world, 12)
    ask_back(session, actor=world.kisa, questionnaire_id=questionnaire_id, message="Bitte Abteilung genauer.")
    session.commit()
    on_day(world, 15)
    resubmit(session, world.colleague, questionnaire_id)  # answered on day 15
    on_day(world, 17)
    take_over(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    session.commit()
    on_day(world, 30)
    for task in checklist(session, actor=world.kisa, ordered_product_id=ordered.id):
        tick(session, actor=world.kisa, ordered_product_id=ordered.id, task=task.task, done=True)
    go_live(session, actor=world.kisa, ordered_product_id=ordered.id)  # maintenance mode on day 30
    session.commit()
    on_day(world, 50)
    step(session, world.coordinator, ordered, S.ACCEPTED)
    on_day(world, 52)
    return step(session, world.coordinator, ordered, S.LIVE)


def test_phases_come_from_the_history_and_a_query_counts_to_the_municipality(session, world):
    ordered = live_with_one_query(session, world)
    on_day(world, 60)
    journey = product_journey(session, actor=world.coordinator, ordered_product_id=ordered.id)
    session.commit()
    day0 = ordered.created_at
    phases = {p.name: p for p in journey.phases}
    assert list(phases) == ["Fragebogen", "Prüfung und Einrichtung", "Test und Abnahme", "Live"]
    questionnaire, kisa, test, live = phases.values()
    # Fragebogen: day 0 to 10, and the answer to the query from day 12 to 15.
    assert questionnaire.start == day0 and near(questionnaire.end, day0 + timedelta(days=15))
    assert questionnaire.days == pytest.approx(13, abs=0.01) and questionnaire.query_rounds == 1
    # KISA: review day 10 to 12 and 15 to 17, set-up day 17 to 30.
    assert near(kisa.start, day0 + timedelta(days=10)) and near(kisa.end, day0 + timedelta(days=30))
    assert kisa.days == pytest.approx(17, abs=0.01) and kisa.query_rounds == 0
    assert test.days == pytest.approx(22, abs=0.01) and near(live.start, day0 + timedelta(days=52)) and live.end is None
    assert journey.query_rounds == 1 and [p.status for p in journey.phases] == ["done", "done", "done", "current"]
    assert journey.days_with("Kommune") == pytest.approx(35, abs=0.01)
    assert journey.days_with("KISA") == pytest.approx(17, abs=0.01)
    assert [(s.state, s.round) for s in journey.stretches][:6] == [
        (S.ORDERED, 0), (S.QUESTIONNAIRE, 0), (S.SUBMITTED, 0), (S.QUERY, 0), (S.SUBMITTED, 0), (S.SETUP, 0)]
    assert journey.history_complete and len(journey.history) == 8
    assert journey.history[3].from_name == "Rückfrage von KISA" and journey.history[3].actor_name == "Karl Kollege"


def test_planned_against_actual_days_late_on_time_and_early(session, world):
    ordered = live_with_one_query(session, world)
    journey = product_journey(session, actor=world.kisa, ordered_product_id=ordered.id)
    session.commit()
    day0 = ordered.created_at
    # The plan from the order date: two weeks questionnaire, two weeks set-up, three weeks test: live on day 49.
    assert [(p.planned_start, p.planned_end) for p in journey.phases[:3]] == [
        (day0, day0 + timedelta(days=14)), (day0 + timedelta(days=14), day0 + timedelta(days=28)),
        (day0 + timedelta(days=28), day0 + timedelta(days=49))]
    assert journey.planned_live == day0 + timedelta(days=49) and near(journey.live_at, day0 + timedelta(days=52))
    assert journey.deviation_days == 3 and journey.deviation_text == "3 Tage später als geplant"
    now = journey.as_of
    assert [p.deviation_days(now) for p in journey.phases] == [1, 2, 3, 3]  # ended day 15, 30, 52; live day 52
    assert journey.forecast_live is None and not journey.overdue and journey.due is None

    early = world.ordered[MRA]
    on_day(world, 5)
    submitted(session, world, MRA)  # questionnaire begun and submitted on day 5
    journey = product_journey(session, actor=world.coordinator, ordered_product_id=early.id)
    session.commit()
    current = journey.current_phase
    assert current is not None and current.name == "Prüfung und Einrichtung"
    assert near(current.start, early.created_at + timedelta(days=5))
    # Re-planned: the review is due 14 days after the submission (day 19), then three weeks test: live on day 40.
    assert current.due == current.start + timedelta(days=14)
    assert journey.forecast_live == current.due + timedelta(days=21)
    assert journey.deviation_days == -9 and journey.deviation_text == "9 Tage früher als geplant"
    assert journey.phases[0].deviation_days(journey.as_of) == -9  # questionnaire done on day 5 instead of 14
    assert not journey.overdue
    on_day(world, 30)  # the review is overdue: it ends today at the earliest, then three weeks test (day 51)
    journey = product_journey(session, actor=world.coordinator, ordered_product_id=early.id)
    session.commit()
    assert journey.overdue and journey.deviation_text == "2 Tage später als geplant"


def test_an_overdue_step_pushes_the_forecast_and_is_flagged(session, world):
    ordered = world.ordered[MB]
    on_day(world, 2)
    fill_completely(session, world.coordinator, opened(session, world.coordinator, ordered))  # begun on day 2
    on_day(world, 20)
    journey = product_journey(session, actor=world.coordinator, ordered_product_id=ordered.id)
    session.commit()
    assert journey.state == S.QUESTIONNAIRE and journey.overdue
    assert near(journey.due, ordered.created_at + timedelta(days=16))  # 14 days after the questionnaire was begun
    # The current phase cannot end before today: day 20, then two plus three weeks.
    assert journey.forecast_live == journey.as_of + timedelta(days=35)
    assert journey.deviation_days == 6 and journey.deviation_text == "6 Tage später als geplant"
    assert journey.phases[0].deviation_days(journey.as_of) == 6 and journey.phases[0].status == "current"
    assert [p.status for p in journey.phases] == ["current", "open", "open", "open"]


def test_a_query_interrupts_kisas_phase_which_is_not_counted_as_done(session, world):
    ordered = world.ordered[MB]
    on_day(world, 1)
    questionnaire_id = submitted(session, world)
    on_day(world, 3)
    ask_back(session, actor=world.kisa, questionnaire_id=questionnaire_id, message="Bitte ergänzen.")
    session.commit()
    on_day(world, 4)
    resubmit(session, world.coordinator, questionnaire_id)
    on_day(world, 6)
    ask_back(session, actor=world.kisa, questionnaire_id=questionnaire_id, message="Noch eine Frage.")
    session.commit()
    journey = product_journey(session, actor=world.coordinator, ordered_product_id=ordered.id)
    session.commit()
    questionnaire, kisa = journey.phases[:2]
    assert journey.query_rounds == 2 and questionnaire.query_rounds == 2 and questionnaire.status == "current"
    assert kisa.status == "interrupted" and kisa.end is None and kisa.deviation_days(journey.as_of) is None
    assert kisa.days == pytest.approx(4, abs=0.01)  # day 1 to 3 and 4 to 6
    assert journey.waiting_text == "KISA wartet auf die Kommune"


EXPECTED = {
    S.ORDERED: ("KISA wartet auf die Kommune", "Fragebogen ausfüllen und einreichen", "fragebogen"),
    S.QUESTIONNAIRE: ("KISA wartet auf die Kommune", "Fragebogen ausfüllen und einreichen", "fragebogen"),
    S.QUERY: ("KISA wartet auf die Kommune", "Rückfrage von KISA beantworten und den Fragebogen erneut einreichen",
              "fragebogen"),
    S.SUBMITTED: ("Die Kommune wartet auf KISA", "KISA prüft die Konfiguration", "vorgang"),
    S.SETUP: ("Die Kommune wartet auf KISA", "KISA richtet ein und stellt den OAA im Wartungsmodus bereit (Go-Live)",
              "vorgang"),
    S.TESTING: ("KISA wartet auf die Kommune", "Testen im Wartungsmodus und Abnahme erteilen", "abnahme"),
    S.ACCEPTED: ("KISA wartet auf die Kommune", "Wartungsmodus auf Amt24 ausschalten und im Shop bestätigen", "abnahme"),
    S.LIVE: ("Niemand ist am Zug", "Kein offener Schritt: der OAA ist live. Bei einer Satzungsänderung beantragen Sie "
             "eine Änderung.", "abnahme"),
    S.CHANGE_REQUESTED: ("KISA wartet auf die Kommune", "Fragebogen ändern und erneut einreichen", "fragebogen"),
    S.CANCELLED: ("Niemand ist am Zug", "Kein weiterer Schritt: das Produkt ist storniert.", None),
    S.TERMINATED: ("Niemand ist am Zug", "Kein weiterer Schritt: der Vertrag ist beendet.", None),
}
CURRENT_STEP = {S.ORDERED: 3, S.QUESTIONNAIRE: 3, S.QUERY: 3, S.CHANGE_REQUESTED: 3, S.SUBMITTED: 4, S.SETUP: 4,
                S.TESTING: 5, S.ACCEPTED: 5}


def test_every_state_has_its_waiting_party_and_next_step():
    assert set(EXPECTED) == set(OrderedProductState)


@pytest.mark.parametrize("state", list(EXPECTED))
def test_who_waits_what_comes_next_and_where_per_state(session, world, state):
    ordered = put_in_state(session, world.ordered[MB], state)
    journey = product_journey(session, actor=world.coordinator, ordered_product_id=ordered.id)
    session.commit()
    assert (journey.waiting_text, journey.next_step, journey.next_page) == EXPECTED[state]
    assert journey.state == state and journey.ended == (state in (S.CANCELLED, S.TERMINATED))
    statuses = [m.status for m in journey.steps]
    if state in CURRENT_STEP:
        current = CURRENT_STEP[state]
        assert statuses[current - 1] == "current" and statuses[:current - 1] == ["done"] * (current - 1)
        assert statuses[current:current + 1] in (["next"], [])
    elif state == S.LIVE:
        assert statuses == ["done"] * 5
    # Set without a recorded change (put_in_state): the view says so instead of inventing steps.
    assert journey.history_complete == (state == S.ORDERED)


def test_a_cancelled_product_is_shown_as_ended_where_it_stopped(session, world):
    ordered = world.ordered[MB]
    on_day(world, 2)
    fill_completely(session, world.coordinator, opened(session, world.coordinator, ordered))
    on_day(world, 30)  # long overdue, then cancelled
    step(session, world.coordinator, ordered, S.CANCELLED)
    on_day(world, 40)
    journey = product_journey(session, actor=world.coordinator, ordered_product_id=ordered.id)
    session.commit()
    assert journey.ended and near(journey.ended_at, ordered.created_at + timedelta(days=30))
    assert not journey.overdue and journey.due is None and journey.forecast_live is None
    assert journey.deviation_days is None and journey.current_phase is None
    assert [p.name for p in journey.phases] == ["Fragebogen"]  # only what it reached
    assert journey.phases[0].days == pytest.approx(30, abs=0.01) and journey.phases[0].end == journey.ended_at
    assert [m.status for m in journey.steps] == ["done", "done", "ended", "later", "later"]


def test_a_change_after_go_live_adds_a_round_and_a_terminated_contract_ends_it(session, world):
    ordered = live_with_one_query(session, world)
    on_day(world, 80)
    request_change(session, actor=world.coordinator, ordered_product_id=ordered.id, reason="Neue Gebührensatzung")
    session.commit()
    on_day(world, 85)
    journey = product_journey(session, actor=world.coordinator, ordered_product_id=ordered.id)
    session.commit()
    assert journey.round == 1 and journey.next_step == "Fragebogen ändern und erneut einreichen"
    names = [p.name for p in journey.phases]
    assert names[4:] == ["Änderung 1: Fragebogen", "Änderung 1: Prüfung und Einrichtung",
                         "Änderung 1: Test und Abnahme", "Änderung 1: Live"]
    change = journey.phases[4]
    assert change.current and near(change.start, ordered.created_at + timedelta(days=80))
    assert change.planned_start == change.start and change.planned_end == change.start + timedelta(days=14)
    assert change.days == pytest.approx(5, abs=0.01)
    assert journey.phases[3].end == change.start  # live until the change was requested
    assert near(journey.live_at, ordered.created_at + timedelta(days=52)) and journey.deviation_days == 3
    assert journey.steps[2].status == "current"

    on_day(world, 90)
    terminate(session, actor=world.kisa, ordered_product_id=ordered.id, reason="Kündigung zum Jahresende")
    session.commit()
    journey = product_journey(session, actor=world.coordinator, ordered_product_id=ordered.id)
    session.commit()
    assert journey.ended and journey.state_name == "beendet" and not journey.overdue
    assert journey.history[-1].note == "Vertrag beendet: Kündigung zum Jahresende"


def test_municipal_users_see_only_their_own_municipality(session, world):
    with pytest.raises(NotFound):
        product_journey(session, actor=world.other, ordered_product_id=world.ordered[MB].id)
    session.rollback()
    with pytest.raises(NotFound):
        product_journey(session, actor=world.coordinator, ordered_product_id=987654)
    session.rollback()
    # The argument is ignored for municipal users: always their own municipality.
    own = municipality_journey(session, actor=world.coordinator, municipality_id=world.other_town.id)
    assert own.municipality_name == "Riesa" and len(own.products) == 3
    other = municipality_journey(session, actor=world.other)
    assert [p.ordered_product_id for p in other.products] == [world.other_ordered.id]
    session.commit()
    with pytest.raises(PermissionDenied):
        find_municipalities_with_orders(session, actor=world.coordinator)
    session.rollback()
    pending = actor_of(make_user(session, municipality=world.town, status=UserStatus.PENDING))
    with pytest.raises(PermissionDenied):
        municipality_journey(session, actor=pending)
    session.rollback()


def test_kisa_names_any_municipality_and_chooses_among_those_with_orders(session, world):
    with pytest.raises(DomainError, match="Bitte wählen Sie eine Kommune"):
        municipality_journey(session, actor=world.kisa)
    session.rollback()
    with pytest.raises(NotFound):
        municipality_journey(session, actor=world.admin, municipality_id=987654)
    session.rollback()
    meissen = municipality_journey(session, actor=world.admin, municipality_id=world.other_town.id)
    assert meissen.municipality_name == "Meißen" and len(meissen.products) == 1
    choices = find_municipalities_with_orders(session, actor=world.kisa)
    session.commit()
    assert [(c.name, c.products) for c in choices.items] == [("Meißen", 1), ("Riesa", 3)]
    assert product_journey(session, actor=world.kisa, ordered_product_id=world.ordered[MB].id).municipality_name == "Riesa"
    session.commit()


def test_the_overview_counts_by_stage_and_reads_all_histories_at_once(session, engine, world):
    on_day(world, 1)
    submitted(session, world, MB)
    put_in_state(session, world.ordered[MRA], S.LIVE)
    statements: list[str] = []

    def count(*args, **kwargs) -> None:
        if not args[2].startswith("BEGIN"):  # whether a transaction starts here depends on the test, not the code
            statements.append(args[2])

    overview = _counted(session, engine, world, count)
    assert (overview.live, overview.in_test, overview.with_kisa, overview.with_municipality, overview.overdue) == \
        (1, 0, 1, 1, 0)
    few = len(statements)
    # More products with more history: still the same number of queries (one for the history of all products).
    for product in ("melderegisterauskunft", "anzeige-eines-feuerwerkes"):
        extra = OrderedProduct(municipality_id=world.town.id, product_id=product)
        session.add(extra)
        session.commit()
        step(session, world.coordinator, extra, S.QUESTIONNAIRE)
    statements.clear()
    on_day(world, 20)
    overview = _counted(session, engine, world, count)
    assert len(overview.products) == 5 and len(statements) == few <= 3
    # Overdue: the review (submitted on day 1), Feuerwerk (ordered on day 0), the two questionnaires begun on day 1.
    assert overview.overdue == 4 and overview.with_municipality == 3


def _counted(session, engine, world, listener):
    session.expire_all()  # both counts start from the same state of the session (nothing cached)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        overview = municipality_journey(session, actor=world.coordinator)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    session.commit()
    return overview


def test_demo_like_history_without_records_is_still_shown(session, world):
    """Products set up before the history existed: the current state from state_since, marked as incomplete."""
    ordered = world.ordered[MB]
    row = fresh(session, ordered)
    row.state, row.state_since = S.TESTING, row.created_at + timedelta(days=30)
    session.add(row)
    session.commit()
    on_day(world, 40)
    journey = product_journey(session, actor=world.coordinator, ordered_product_id=ordered.id)
    session.commit()
    assert not journey.history_complete and journey.history == ()
    assert [(s.state, s.start) for s in journey.stretches] == [(S.ORDERED, row.created_at),
                                                               (S.TESTING, row.created_at + timedelta(days=30))]
    assert journey.current_phase is not None and journey.current_phase.name == "Test und Abnahme"
    assert journey.due == row.created_at + timedelta(days=51)
