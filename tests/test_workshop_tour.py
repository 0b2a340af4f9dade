"""The workshop tour as data: its stops follow the five steps of the seed, name real personas, real demo products and
real systems of the data-flow picture; the stop in the address is read safely (no Streamlit, no database)."""

from __future__ import annotations

import pytest

from catalog.loader import read_directory
from demo.journeys import STORIES
from demo.personas import PERSONAS
from journey.steps import STEPS
from models import OrderedProductState
from workshop.dataflow import KEYS
from workshop.tour import TOUR, Mark, Station, choose_station, stop_title

NAMES = {p.id: p.name for p in read_directory()}


def _final_state(ags: str, product_id: str) -> OrderedProductState:
    [story] = [s for s in STORIES if s.ags == ags and s.product_id == product_id]
    return story.steps[-1].state if story.steps else OrderedProductState.ORDERED


def test_the_tour_walks_the_five_steps_in_order_between_opening_and_questions():
    steps = [stop.step for stop in TOUR if stop.step is not None]
    assert sorted(set(steps)) == [s.number for s in STEPS]  # every step of the seed, none invented
    assert steps == sorted(steps)
    assert TOUR[0].key == "willkommen" and TOUR[-1].title == "Welche Fragen haben Sie mitgebracht?"
    assert len({stop.key for stop in TOUR}) == len(TOUR)


def test_a_step_stop_takes_who_and_how_long_from_the_journey_steps():
    stop = next(s for s in TOUR if s.step == 4)
    assert stop.journey_step is STEPS[3]
    assert stop_title(stop) == "Schritt 4: Einrichtung durch KISA"
    assert stop_title(TOUR[0]) == "Willkommen: OZG-Umsetzung auf Amt24" and TOUR[0].journey_step is None


@pytest.mark.parametrize("stop", TOUR, ids=[s.key for s in TOUR])
def test_every_stop_says_as_whom_and_what_to_show(stop):
    assert stop.persona is None or stop.persona in {p.key for p in PERSONAS}
    assert 2 <= len(stop.show) <= 4
    assert set(stop.highlight) <= KEYS
    assert stop.explanation and stop.page_file.endswith(".py")
    if stop.demo_persona is not None:
        assert stop.demo_persona.email in stop.who and stop.demo_persona.full_name in stop.who


@pytest.mark.parametrize("stop", [s for s in TOUR if s.demo_products], ids=lambda s: s.key)
def test_products_a_stop_shows_are_in_that_state_in_the_demo_story_and_named_in_its_points(stop):
    for product in stop.demo_products:
        assert _final_state(product.ags, product.product_id) == product.state, product
        name = NAMES[product.product_id]
        assert any(f"„{name}“" in point for point in stop.show), (name, stop.show)


def test_the_product_to_order_is_one_musterstadt_has_not_ordered_yet():
    ordering = next(s for s in TOUR if s.key == "bestellen")
    assert any(f"„{NAMES['anzeige-eines-feuerwerkes']}“ in den Warenkorb" in point for point in ordering.show)
    assert not [s for s in STORIES if s.ags == "14999001" and s.product_id == "anzeige-eines-feuerwerkes"]


def test_the_approval_stop_names_the_persona_that_waits_for_it():
    [waiting] = [p for p in PERSONAS if p.pending]
    approval = next(s for s in TOUR if s.key == "freischalten")
    assert any(waiting.full_name in point for point in approval.show)


def test_who_is_the_right_person_for_a_stop():
    catalog = next(s for s in TOUR if s.page_path == "katalog")
    assert catalog.is_person("Anna.Beispiel@musterstadt.example")
    assert not catalog.is_person("klara.kisa@kisa.example") and not catalog.is_person(None)
    registration = next(s for s in TOUR if s.page_path == "registrieren")
    assert registration.is_person(None) and not registration.is_person("anna.beispiel@musterstadt.example")
    assert registration.who == "nicht angemeldet (Besucher:in)"
    questions = TOUR[-1]
    assert questions.is_person(None) and questions.is_person("klara.kisa@kisa.example")  # info pages: anybody


@pytest.mark.parametrize(("raw", "index"), [(None, 0), ("", 0), ("1", 0), ("3", 2), (" 4 ", 3), (str(len(TOUR)), len(TOUR) - 1)])
def test_the_address_names_the_stop(raw, index):
    station = choose_station(raw)
    assert station.index == index and station.note is None
    assert station.stop is TOUR[index]


@pytest.mark.parametrize("raw", ["0", str(len(TOUR) + 1), "-1", "abc", "3.5", "²", "١", "9" * 5000, "1e3", "<b>2</b>"])
def test_a_stop_that_does_not_exist_gives_the_first_with_a_german_note(raw):
    station = choose_station(raw)
    assert station.index == 0
    assert station.note == (f"Diese Station gibt es nicht (die Tour hat die Stationen 1 bis {len(TOUR)}). "
                            "Die Tour beginnt bei Station 1.")


def test_without_address_the_remembered_stop_counts_and_the_address_wins_over_it():
    assert choose_station(None, remembered=5).number == 5
    assert choose_station("", remembered=5).number == 5
    assert choose_station("2", remembered=5).number == 2
    assert choose_station(None, remembered=len(TOUR) + 3).number == 1  # an old value from a longer tour
    assert choose_station("x", remembered=5).number == 1  # a bad address is never silently replaced


def test_progress_marks_and_neighbours():
    first, third, last = Station(0), Station(2), Station(len(TOUR) - 1)
    assert first.progress == pytest.approx(1 / len(TOUR)) and last.progress == 1.0
    assert third.progress_text == f"Station 3 von {len(TOUR)}: {stop_title(TOUR[2])}"
    assert [mark for _, _, mark in third.marks()] == [Mark.DONE, Mark.DONE, Mark.CURRENT] + [Mark.OPEN] * (len(TOUR) - 3)
    assert [number for number, _, _ in third.marks()] == list(range(1, len(TOUR) + 1))
    assert first.neighbour(-1) is None and first.neighbour(1) == 2
    assert last.neighbour(1) is None and last.neighbour(-1) == len(TOUR) - 1
