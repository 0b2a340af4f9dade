"""Dashboard figures on known data: per state, weekly throughput, lead time per phase, overdue, district coverage."""

from __future__ import annotations

import pytest

from backoffice.dashboard import dashboard
from core import clock
from core.errors import PermissionDenied
from lifecycle.machine import transition
from models import OrderedProductState
from questionnaire.submission import submit
from tests.questionnaire_world import fill_completely, make_world, opened

S = OrderedProductState
DAY = 86400


@pytest.fixture
def world(session):
    return make_world(session)


def _walk_to_live(session, world, product_id: str, days_each: int) -> None:
    """Submit, set up, go live and accept one product, spending ``days_each`` days in each phase."""
    ordered = world.ordered[product_id]
    questionnaire_id = opened(session, world.coordinator, ordered)  # ordered -> questionnaire
    version = fill_completely(session, world.coordinator, questionnaire_id)
    clock.advance(days_each * DAY)
    submit(session, actor=world.coordinator, questionnaire_id=questionnaire_id, base_version=version)
    session.commit()
    for target, actor in ((S.SETUP, world.kisa), (S.TESTING, world.kisa), (S.ACCEPTED, world.coordinator),
                          (S.LIVE, world.coordinator)):
        clock.advance(days_each * DAY)
        session.refresh(ordered)
        transition(session, actor=actor, ordered=ordered, target=target)
        session.commit()


def test_counts_per_state_lead_times_and_throughput_on_known_data(session, world):
    _walk_to_live(session, world, "meldebescheinigung", days_each=3)
    figures = dashboard(session, actor=world.kisa)
    session.commit()
    assert figures.per_state["live"] == 1
    assert figures.per_state["bestellt"] == 3  # Riesa's other two products and Meißen's
    assert figures.lead_days["Konfiguration eingereicht"] == pytest.approx(3.0, abs=0.01)
    assert figures.lead_days["Einrichtung durch KISA"] == pytest.approx(3.0, abs=0.01)
    assert figures.lead_days["Fragebogen in Bearbeitung"] == pytest.approx(3.0, abs=0.01)
    assert sum(w.submitted for w in figures.weeks) == 1 and sum(w.live for w in figures.weeks) == 1
    assert len(figures.weeks) == 12 and figures.weeks == sorted(figures.weeks, key=lambda w: w.week_start)


def test_overdue_counts_phases_past_their_plan(session, world):
    questionnaire_id = opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    submit(session, actor=world.coordinator, questionnaire_id=questionnaire_id,
           base_version=fill_completely(session, world.coordinator, questionnaire_id))
    session.commit()
    before = dashboard(session, actor=world.kisa).overdue
    session.commit()
    clock.advance(15 * DAY)
    after = dashboard(session, actor=world.kisa).overdue
    session.commit()
    assert before == 0 and after == 4  # the submitted one and the three products still "bestellt"


def test_district_coverage_counts_municipalities_with_a_live_product(session, world):
    world.town.ags, world.other_town.ags = "14627230", "14627140"  # Riesa and Meißen, Landkreis Meißen
    session.add_all([world.town, world.other_town])
    session.commit()
    _walk_to_live(session, world, "meldebescheinigung", days_each=1)
    figures = dashboard(session, actor=world.kisa)
    session.commit()
    meissen = next(d for d in figures.districts if d.kreis == "Meißen")
    assert (meissen.registered, meissen.with_live_product) == (2, 1)
    assert meissen.coverage == pytest.approx(1 / meissen.municipalities)
    assert sum(d.municipalities for d in figures.districts) == 419


def test_only_staff_see_the_dashboard(session, world):
    with pytest.raises(PermissionDenied):
        dashboard(session, actor=world.coordinator)


def test_lead_time_is_the_median_also_for_an_even_number_of_products(session, world):
    first, second = list(world.ordered)[:2]
    _walk_to_live(session, world, first, days_each=2)
    _walk_to_live(session, world, second, days_each=6)
    figures = dashboard(session, actor=world.kisa)
    session.commit()
    assert figures.lead_days["Konfiguration eingereicht"] == pytest.approx(4.0, abs=0.01)  # (2 + 6) / 2
    assert figures.lead_days["Test im Wartungsmodus"] == pytest.approx(4.0, abs=0.01)
