"""AppTest of the workshop tour: the presenter sees where the tour stands, what to show as whom, the data flow with
the stop's systems highlighted; the stop lives in the address; outside demo mode the page refuses."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.config import get_settings
from demo.personas import persona
from tests.apptest_helpers import ROOT, all_text, app_like_server, open_page, run, texts
from tests.builders import make_user
from workshop.tour import TOUR, stop_title

__all__ = ["app_like_server"]  # autouse fixture

HIGHLIGHT = 'fillcolor="#fde68a"'


@pytest.fixture(autouse=True)
def demo_mode(monkeypatch):
    monkeypatch.setenv("OAA_DEMO", "1")
    get_settings.cache_clear()


def _dot(at) -> str:
    [chart] = at.get("graphviz_chart")
    return str(chart.proto.spec)


def _stop_buttons(at) -> list[str]:
    return [b.label for b in at.button if b.key and b.key.startswith("tour_go_")]


def test_the_tour_starts_at_the_first_stop_with_its_progress(engine):
    at = open_page(engine, "tour")
    assert texts(at, "title") == ["Workshop-Tour"]
    [progress] = at.get("progress")
    assert progress.value == round(100 / len(TOUR)) and progress.text == f"Station 1 von {len(TOUR)}: {TOUR[0].title}"
    assert texts(at, "header")[:2] == ["Stationen", f"1. {TOUR[0].title}"]
    badges = [m for m in texts(at, "markdown") if "-badge[" in m]
    assert len(badges) == len(TOUR) and "jetzt" in badges[0] and all("offen" in b for b in badges[1:])
    assert _stop_buttons(at) == [f"{n}. {stop_title(s)}" for n, s in enumerate(TOUR, start=1)][1:]  # current: no link
    assert at.query_params["station"] == "1"  # the address names the stop shown
    assert not texts(at, "warning") and not texts(at, "info")  # the opening stop needs no login


def test_next_goes_on_and_the_address_keeps_the_stop_for_a_reload(engine):
    at = open_page(engine, "tour")
    run(at, next(b for b in at.button if b.label == "Weiter zu Station 2").click())
    assert at.query_params["station"] == "2"
    assert f"2. {stop_title(TOUR[1])}" in texts(at, "header")
    badges = [m for m in texts(at, "markdown") if "-badge[" in m]
    assert "erledigt" in badges[0] and "jetzt" in badges[1]
    run(at)  # a reload with the same address
    assert f"2. {stop_title(TOUR[1])}" in texts(at, "header")


def test_a_step_stop_shows_what_to_show_as_whom_and_highlights_its_systems(engine, session):
    number, stop = next((n, s) for n, s in enumerate(TOUR, start=1) if s.page_path == "katalog")
    anna = persona("koordination")
    user = make_user(session, email=anna.email)
    at = open_page(engine, "tour", user=user, query={"station": str(number)})
    assert f"{number}. Schritt 2: Auswählen und bestellen" in texts(at, "header")
    text = all_text(at)
    assert f"**Als:** {anna.full_name} – {anna.position} ({anna.email})" in text
    assert all(point in text for point in stop.show)
    assert any("geplant" in c or "jederzeit" in c for c in texts(at, "caption"))  # who and how long, from STEPS
    assert not texts(at, "info")  # the right person is logged in
    assert {p.proto.label: p.proto.page for p in at.page_link} == {"Seite „OAA-Katalog“ öffnen": "katalog"}
    dot = _dot(at)
    assert dot.count(HIGHLIGHT) == len(stop.highlight) == 1
    assert f'oaa [label="Online-Antragsassistent (OAA)\\nauf amt24.sachsen.de", {HIGHLIGHT}' in dot
    assert "Hervorgehoben (gelb, dicker Rahmen): Online-Antragsassistent (OAA) auf amt24.sachsen.de" in text


def test_the_wrong_person_is_told_as_whom_to_continue(engine, session):
    number = next(n for n, s in enumerate(TOUR, start=1) if s.persona == "kisa")
    at = open_page(engine, "tour", query={"station": str(number)})  # a visitor
    [info] = texts(at, "info")
    assert info.startswith("Sie sind gerade nicht angemeldet. Wechseln Sie für diese Station die Person")
    assert not at.page_link  # KISA's page is not in a visitor's navigation ...
    assert any("sobald Sie als Klara Antragsmanagement sind" in c for c in texts(at, "caption"))  # ... so say as whom


@pytest.mark.parametrize("raw", ["abc", "0", "99", "<script>", "²"])
def test_a_bad_stop_in_the_address_opens_the_first_with_a_note(engine, raw):
    at = open_page(engine, "tour", query={"station": raw})
    assert texts(at, "warning") == [f"Diese Station gibt es nicht (die Tour hat die Stationen 1 bis {len(TOUR)}). "
                                    "Die Tour beginnt bei Station 1."]
    assert f"1. {TOUR[0].title}" in texts(at, "header")
    assert at.query_params["station"] == "1"


def test_back_from_another_page_the_tour_is_where_it_was(engine):
    at = open_page(engine, "tour", query={"station": "6"})
    at.switch_page("pages/info_faq.py")
    run(at)
    at.switch_page("pages/tour.py")  # through the sidebar: no ?station in the address
    at.query_params.clear()
    run(at)
    assert f"6. {stop_title(TOUR[5])}" in texts(at, "header")


def test_outside_demo_mode_the_page_refuses(monkeypatch):
    monkeypatch.setenv("OAA_DEMO", "0")
    get_settings.cache_clear()
    at = AppTest.from_file(str(ROOT / "pages" / "tour.py"), default_timeout=30)  # reached past the navigation
    run(at)
    assert texts(at, "warning") == ["Die Workshop-Tour gibt es nur im Demomodus. Sie zeigt die Beispieldaten des "
                                    "Demomodus und ist im Betrieb ausgeschaltet."]
    assert not at.get("progress") and not at.get("graphviz_chart") and not at.button
