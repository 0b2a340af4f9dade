"""KISA's work queue: default states, oldest first, filters, age and due dates, overdue, assignment, roles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backoffice.municipality_choice import find_municipalities_with_orders, municipality_with_orders
from backoffice.queue import PHASE_DAYS, assign, queue_page, staff_members, work_queue
from backoffice.review import ask_back, take_over
from core import clock
from core.errors import DomainError, NotFound, PermissionDenied
from models import OrderedProductState, Role, UserStatus
from tests.backoffice_world import DAY, FW, MB, MRA, audit_details, fresh, submitted
from tests.questionnaire_world import make_world, named_user, opened, user_row

S = OrderedProductState


@pytest.fixture
def world(session):
    return make_world(session)


def queue(session, actor, **filters):
    items = work_queue(session, actor=actor, **filters)
    session.commit()  # end the read (SQLite)
    return items


def ids(items):
    return [i.ordered_product_id for i in items]


@pytest.fixture
def spread(session, world):
    """Riesa's MB submitted first, then Meißen's MB, then Riesa's MRA taken over, a day apart; FW only opened."""
    submitted(session, world, MB)
    clock.advance(DAY)
    submitted(session, world, MB, by=world.other, ordered=world.other_ordered)
    clock.advance(DAY)
    mra = submitted(session, world, MRA)
    take_over(session, actor=world.kisa, questionnaire_id=mra)
    session.commit()
    opened(session, world.coordinator, world.ordered[FW])
    clock.advance(DAY)
    return world


def test_default_queue_shows_submitted_and_setup_of_all_municipalities_oldest_first(session, spread):
    w = spread
    items = queue(session, w.kisa)
    assert ids(items) == [w.ordered[MB].id, w.other_ordered.id, w.ordered[MRA].id]
    assert [(i.state, i.municipality_name, i.waiting_for) for i in items] == [
        (S.SUBMITTED, "Riesa", "KISA"), (S.SUBMITTED, "Meißen", "KISA"), (S.SETUP, "Riesa", "KISA")]
    assert items[0].product_name == "Meldebescheinigung" and items[0].questionnaire_id is not None
    assert items[2].state_name == "Einrichtung durch KISA"
    assert queue(session, w.admin) == items  # administrators see the same
    # Other states only when asked for (opening the questionnaire does not start it yet).
    others = queue(session, w.kisa, states=(S.QUESTIONNAIRE, S.ORDERED))
    assert ids(others) == [w.ordered[FW].id]
    assert others[0].state == S.ORDERED and others[0].waiting_for == "Kommune"


def test_the_state_clock_restarts_with_each_transition(session, spread):
    """Taking over puts a product at the end: its age counts from the start of the set-up."""
    w = spread
    questionnaire_id = queue(session, w.kisa)[0].questionnaire_id
    take_over(session, actor=w.kisa, questionnaire_id=questionnaire_id)
    session.commit()
    items = queue(session, w.kisa)
    assert ids(items) == [w.other_ordered.id, w.ordered[MRA].id, w.ordered[MB].id]
    assert [i.age_days for i in items] == [2, 1, 0]


def test_filters_by_municipality_search_and_assignee(session, spread):
    w = spread
    assert ids(queue(session, w.kisa, municipality_id=w.other_town.id)) == [w.other_ordered.id]
    assert ids(queue(session, w.kisa, municipality_id=w.town.id)) == [w.ordered[MB].id, w.ordered[MRA].id]
    # Search: product name, municipality name, AGS; case-insensitive, surrounding spaces ignored.
    assert ids(queue(session, w.kisa, search="  melderegister ")) == [w.ordered[MRA].id]
    assert ids(queue(session, w.kisa, search="MEIß")) == [w.other_ordered.id]
    assert ids(queue(session, w.kisa, search="riesa")) == [w.ordered[MB].id, w.ordered[MRA].id]
    assert ids(queue(session, w.kisa, search=w.other_town.ags)) == [w.other_ordered.id]
    assert queue(session, w.kisa, search="Feuerwerk") == []  # only opened, not in the default states
    assert queue(session, w.kisa, search="Nirgendwo") == []
    assert ids(queue(session, w.kisa, search="")) == ids(queue(session, w.kisa))
    # Wildcards are searched literally.
    assert queue(session, w.kisa, search="%") == []
    assert queue(session, w.kisa, search="_") == []
    # Assignee: taking over assigned MRA to the taker.
    assert ids(queue(session, w.kisa, assigned_to_id=w.kisa.user_id)) == [w.ordered[MRA].id]
    assert queue(session, w.kisa, assigned_to_id=w.admin.user_id) == []
    # Filters combine.
    assert queue(session, w.kisa, municipality_id=w.other_town.id, search="riesa") == []


def test_age_due_date_and_overdue_follow_the_phase_plan(session, world):
    submitted(session, world, MB)
    [item] = queue(session, world.kisa)
    assert PHASE_DAYS[S.SUBMITTED] == 14
    assert item.due == item.since + timedelta(days=14)
    assert (item.age_days, item.overdue) == (0, False)
    assert queue(session, world.kisa, overdue_only=True) == []

    clock.advance(13 * DAY)
    [item] = queue(session, world.kisa)
    assert (item.age_days, item.overdue) == (13, False)

    clock.advance(1 * DAY + 60)  # just past the 14 days
    submitted(session, world, MRA)  # a fresh one is not overdue
    items = queue(session, world.kisa)
    assert [(i.ordered_product_id, i.age_days, i.overdue) for i in items] == [
        (world.ordered[MB].id, 14, True), (world.ordered[MRA].id, 0, False)]
    assert ids(queue(session, world.kisa, overdue_only=True)) == [world.ordered[MB].id]

    # The set-up phase has its own plan: taking over stops the overdue flag until 14 more days have passed.
    take_over(session, actor=world.kisa, questionnaire_id=items[0].questionnaire_id)
    session.commit()
    assert queue(session, world.kisa, overdue_only=True) == []
    clock.advance(15 * DAY)
    overdue = queue(session, world.kisa, overdue_only=True)
    assert [(i.ordered_product_id, i.state, i.age_days) for i in overdue] == [
        (world.ordered[MRA].id, S.SUBMITTED, 15), (world.ordered[MB].id, S.SETUP, 15)]


def test_states_without_a_plan_have_no_due_date(session, world):
    questionnaire_id = submitted(session, world, MB)
    ask_back(session, actor=world.kisa, questionnaire_id=questionnaire_id, message="Bitte Gebühr prüfen.")
    session.commit()
    clock.advance(400 * DAY)
    [query] = queue(session, world.kisa, states=(S.QUERY,))
    assert query.waiting_for == "Kommune" and query.overdue
    assert S.LIVE not in PHASE_DAYS and S.CANCELLED not in PHASE_DAYS


def test_staff_members_are_active_kisa_staff_and_administrators_by_name(session, world):
    gone = named_user(session, None, "Bernd Beendet", role=Role.KISA)
    row = user_row(session, gone)
    row.status = UserStatus.DISABLED
    session.add(row)
    session.commit()
    staff = staff_members(session, actor=world.kisa)
    assert [(s.user_id, s.full_name) for s in staff] == [
        (world.admin.user_id, "Ada Admin"), (world.kisa.user_id, "Kira KISA")]


def test_assign_and_unassign_with_audit(session, world):
    submitted(session, world, MB)
    ordered_id = world.ordered[MB].id
    assign(session, actor=world.admin, ordered_product_id=ordered_id, staff_user_id=world.kisa.user_id)
    session.commit()
    [item] = queue(session, world.kisa)
    assert (item.assigned_to_id, item.assigned_to) == (world.kisa.user_id, "Kira KISA")
    assert ids(queue(session, world.kisa, assigned_to_id=world.kisa.user_id)) == [ordered_id]

    assign(session, actor=world.kisa, ordered_product_id=ordered_id, staff_user_id=world.admin.user_id)
    assign(session, actor=world.kisa, ordered_product_id=ordered_id, staff_user_id=None)
    session.commit()
    [item] = queue(session, world.kisa)
    assert (item.assigned_to_id, item.assigned_to) == (None, "")
    assert fresh(session, world.ordered[MB]).assigned_to_id is None
    assert audit_details(session, "backoffice.assigned") == [
        "Zugewiesen an Kira KISA.", "Zugewiesen an Ada Admin.", "Zugewiesen an niemand."]


def test_assign_only_to_active_staff(session, world):
    submitted(session, world, MB)
    ordered_id = world.ordered[MB].id
    gone = named_user(session, None, "Bernd Beendet", role=Role.KISA)
    row = user_row(session, gone)
    row.status = UserStatus.DISABLED
    session.add(row)
    session.commit()
    for target in (world.coordinator.user_id, gone.user_id, 999_999):
        with pytest.raises(DomainError, match="nur an aktive KISA-Mitarbeitende"):
            assign(session, actor=world.kisa, ordered_product_id=ordered_id, staff_user_id=target)
        session.rollback()
    with pytest.raises(NotFound):
        assign(session, actor=world.kisa, ordered_product_id=999_999, staff_user_id=world.kisa.user_id)
    session.rollback()
    # A staff member disabled after logging in can no longer assign.
    with pytest.raises(PermissionDenied):
        assign(session, actor=gone, ordered_product_id=ordered_id, staff_user_id=world.kisa.user_id)
    session.rollback()
    assert fresh(session, world.ordered[MB]).assigned_to_id is None
    assert audit_details(session, "backoffice.assigned") == []


@pytest.mark.parametrize("who", ["coordinator", "colleague", "other"])
def test_municipal_users_are_refused_everywhere_in_the_queue(session, world, who):
    submitted(session, world, MB)
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        work_queue(session, actor=actor)
    with pytest.raises(PermissionDenied):
        work_queue(session, actor=actor, municipality_id=actor.municipality_id)
    with pytest.raises(PermissionDenied):
        staff_members(session, actor=actor)
    with pytest.raises(PermissionDenied):
        assign(session, actor=actor, ordered_product_id=world.ordered[MB].id, staff_user_id=world.kisa.user_id)
    session.rollback()
    assert fresh(session, world.ordered[MB]).assigned_to_id is None


def test_overdue_only_finds_overdue_items_behind_older_ones_that_are_on_time(session, world):
    """The test phase has 21 days: a product 16 days in test is older but not late; the limit must not hide the late one."""
    from tests.backoffice_world import put_in_state

    put_in_state(session, world.ordered[FW], S.TESTING)
    clock.advance(DAY)
    submitted(session, world, MB)
    clock.advance(15 * DAY)
    states = (S.TESTING, S.SUBMITTED)
    assert [(i.state, i.overdue) for i in queue(session, world.kisa, states=states)] == [
        (S.TESTING, False), (S.SUBMITTED, True)]
    assert ids(queue(session, world.kisa, states=states, overdue_only=True, limit=1)) == [world.ordered[MB].id]


def test_search_ignores_case_beyond_ascii(session, world):
    from tests.builders import make_municipality
    from tests.questionnaire_builders import order_product

    town = make_municipality(session, name="Ölsnitz/Erzgeb.")
    ordered = order_product(session, town, MB, state=S.SUBMITTED)
    assert ids(queue(session, world.kisa, search="ÖLSNITZ")) == [ordered.id]
    assert ids(queue(session, world.kisa, search="ölsnitz/erz")) == [ordered.id]


def test_queue_comes_in_pages_with_counts_of_everything_that_matches(session, spread):
    w = spread
    clock.advance(12.5 * DAY)  # submitted 15.5 and 14.5 days ago: over the 14 planned; the set-up 13.5 days: on time
    first = queue_page(session, actor=w.kisa, size=2)
    second = queue_page(session, actor=w.kisa, number=2, size=2)
    session.commit()
    assert ids(first.items) == [w.ordered[MB].id, w.other_ordered.id]
    assert ids(second.items) == [w.ordered[MRA].id]  # page 2: the next one
    assert (first.total, first.pages, second.label) == (3, 2, "Seite 2 von 2 (Einträge 3–3 von 3)")
    assert first.overdue == second.overdue == 2  # counted over the whole queue, not one page
    assert queue_page(session, actor=w.kisa, number=7, size=2).number == 2  # past the end: the last page
    riesa = queue_page(session, actor=w.kisa, search="riesa", size=2)
    assert riesa.total == 2 and ids(riesa.items) == [w.ordered[MB].id, w.ordered[MRA].id]
    assert queue_page(session, actor=w.kisa, overdue_only=True).total == 2
    towns = find_municipalities_with_orders(session, actor=w.kisa)
    assert [c.label for c in towns.items] == [f"Meißen ({w.other_town.ags})", f"Riesa ({w.town.ags})"]
    assert [c.products for c in towns.items] == [1, 3] and not towns.more
    session.commit()


def test_the_municipality_choice_lists_at_most_a_limit_and_finds_the_rest_by_name_or_ags(session):
    w = make_world(session)
    session.commit()
    first = find_municipalities_with_orders(session, actor=w.kisa, limit=1)
    assert [c.name for c in first.items] == ["Meißen"] and first.more and first.matched == 1
    by_name = find_municipalities_with_orders(session, actor=w.kisa, search="RIES", limit=1)
    assert [c.name for c in by_name.items] == ["Riesa"] and not by_name.more
    by_ags = find_municipalities_with_orders(session, actor=w.kisa, search=w.other_town.ags)
    assert [c.name for c in by_ags.items] == ["Meißen"]
    kept = find_municipalities_with_orders(session, actor=w.kisa, search="Meiß", keep=w.town.id)
    assert [c.name for c in kept.items] == ["Meißen", "Riesa"] and kept.matched == 1  # the earlier choice stays
    none = find_municipalities_with_orders(session, actor=w.kisa, search="100%_")  # wildcards are plain text
    assert none.items == () and none.matched == 0
    assert municipality_with_orders(session, actor=w.kisa, ags=w.town.ags).products == 3
    assert municipality_with_orders(session, actor=w.kisa, ags="99999999") is None
    assert municipality_with_orders(session, actor=w.kisa, ags="1462\x00723") is None  # a hand-typed address
    assert [c.name for c in find_municipalities_with_orders(session, actor=w.kisa, search="Ries\x00").items] == [
        "Riesa"]  # the NUL is dropped, not sent to the database
    session.commit()
