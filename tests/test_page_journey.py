"""AppTest: the Fortschritt page — a municipality's overview with chart and rows, one product's view, KISA's choice."""

from __future__ import annotations

import json

import altair as alt
import pytest

from backoffice import municipality_choice
from core import clock
from models import OrderedProductState
from tests.apptest_helpers import all_text, app_like_server, open_expander, open_page, run, texts
from tests.backoffice_world import put_in_state, submitted
from tests.questionnaire_world import make_world, user_row

__all__ = ["app_like_server"]  # autouse fixture

S = OrderedProductState
DAY = 86400
MB, MRA, FW = "meldebescheinigung", "melderegisterauskunft", "anzeige-eines-feuerwerkes"


@pytest.fixture
def world(session):
    from tests.questionnaire_builders import questionnaire_catalog

    questionnaire_catalog(session)
    world = make_world(session)
    submitted(session, world, MB)  # with KISA
    put_in_state(session, world.ordered[MRA], S.TESTING)  # in test
    clock.advance(15 * DAY)  # Feuerwerk still ordered and the review not done: both overdue
    for row in (*world.ordered.values(), world.other_ordered, world.town, world.other_town):
        session.refresh(row)  # loaded now: reading an id later would start a transaction (SQLite: a lock)
    session.commit()
    return world


def _user(session, actor):
    user = user_row(session, actor)
    session.commit()  # SQLite: no read lock held while the app runs
    return user


def _links(at) -> list[tuple[str, str, str]]:
    return [(p.proto.label, p.proto.page, p.proto.query_string) for p in at.get("page_link")]


def _spec(at) -> dict:
    """Return the chart's Vega-Lite spec, checked against the Vega-Lite schema (the page builds it as plain data)."""
    [chart] = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    alt.LayerChart.from_dict(spec, validate=True)  # raises on anything Vega-Lite would not draw as meant
    return spec


def test_the_municipality_sees_counts_the_chart_and_what_comes_next(engine, session, world):
    at = open_page(engine, "journey", user=_user(session, world.coordinator))
    assert texts(at, "title") == ["Fortschritt"]
    assert [(m.label, m.value) for m in at.metric] == [("Live", "0"), ("Im Test", "1"), ("Bei KISA", "1"),
                                                       ("Bei Ihnen", "1"), ("Überfällig", "2")]
    spec = json.dumps(_spec(at), ensure_ascii=False)
    for name in ("Meldebescheinigung", "Melderegisterauskunft", "Anzeige eines Feuerwerkes", "heute", "Plan", "Ist",
                 "Prüfung und Einrichtung", "%d.%m.%Y"):
        assert name in spec, name
    text = all_text(at)
    assert "Am Zug: KISA – Die Kommune wartet auf KISA" in text and "KISA prüft die Konfiguration" in text
    assert "Am Zug: Kommune – KISA wartet auf die Kommune" in text
    assert "Testen im Wartungsmodus und Abnahme erteilen" in text and "Fragebogen ausfüllen und einreichen" in text
    assert text.count("überfällig]") == 2
    # The chart's text alternative: described for screen readers, its dates as a table (plan, then actual).
    [chart] = at.get("vega_lite_chart")
    assert chart.proto.alt.startswith("Zeitleiste je Produkt")
    assert not at.table  # made when the expander is opened
    [figures] = [t.value for t in open_expander(at, "jr_table").table]
    assert set(figures.index) == {"Meldebescheinigung", "Melderegisterauskunft", "Anzeige eines Feuerwerkes"}
    mra = figures.loc[["Melderegisterauskunft"]]
    assert list(mra["Plan oder Ist"]) == ["Plan"] * 3 + ["Ist"] * 2
    running = mra.iloc[-1]
    assert (running["Phase"], running["bis"], running["Dauer"], running["Stand"]) == (
        "Test und Abnahme", "heute (läuft)", "15 Tage", "Test im Wartungsmodus")
    links = _links(at)
    ids = {p: world.ordered[p].id for p in (MB, MRA, FW)}
    assert ("Zum Fragebogen", "fragebogen", f"nr={ids[FW]}") in links
    assert ("Zu Test und Abnahme", "abnahme", f"nr={ids[MRA]}") in links
    assert not [link for link in links if link[1] == "vorgang"]  # KISA's case page is not for municipalities
    # Within the page, buttons switch the view and the address follows (a reload stays on the product).
    assert {b.key for b in at.button if b.label == "Verlauf ansehen"} == {f"jr_open_{i}" for i in ids.values()}
    run(at, at.button(key=f"jr_open_{ids[MRA]}").click())
    assert at.query_params["nr"] == str(ids[MRA]) and "Melderegisterauskunft" in texts(at, "title")


def test_the_product_view_shows_the_five_steps_the_phases_and_the_history(engine, session, world):
    ordered_id = world.ordered[MB].id
    at = open_page(engine, "journey", user=_user(session, world.coordinator), query={"nr": str(ordered_id)})
    assert texts(at, "title") == ["Meldebescheinigung"]
    text = all_text(at)
    assert "Konfiguration eingereicht" in text and "überfällig" in text and "Die Kommune wartet auf KISA" in text
    assert "**Als Nächstes:** KISA prüft die Konfiguration" in text
    for step, status in (("1. Registrieren und Freischaltung", "erledigt"), ("3. Nach dem Kauf: Konfiguration",
                                                                             "erledigt"),
                         ("4. Einrichtung durch KISA", "aktuell"), ("5. Test, Abnahme, Livegang", "als Nächstes")):
        assert step in text and status in text
    phases, history = (t.value for t in at.table)
    assert list(phases.index) == ["Fragebogen", "Prüfung und Einrichtung", "Test und Abnahme", "Live"]
    assert phases.loc["Prüfung und Einrichtung", "Ist"].startswith("seit ")
    assert phases.loc["Fragebogen", "Abweichung"] == "14 Tage früher als geplant"  # submitted on the order day
    assert list(history["Schritt"]) == ["Fragebogen in Bearbeitung → Konfiguration eingereicht",
                                        "bestellt → Fragebogen in Bearbeitung"]
    assert set(history["Wer"]) == {"Clara Koordinatorin"}
    [chart] = at.get("vega_lite_chart")
    assert chart.proto.alt.startswith("Zeitleiste der Phasen dieses Produkts")  # its figures: the phases table
    spec = _spec(at)
    assert [row["Zeile"] for row in spec["layer"][0]["data"]["values"]][:2] == ["Fragebogen", "Prüfung und Einrichtung"]
    run(at, at.button(key="jr_back").click())
    assert "nr" not in at.query_params and texts(at, "title") == ["Fortschritt"]


def test_another_municipalitys_product_is_not_found(engine, session, world):
    at = open_page(engine, "journey", user=_user(session, world.other), query={"nr": str(world.ordered[MB].id)})
    assert "Dieses bestellte Produkt wurde nicht gefunden." in texts(at, "error")
    assert not at.table and not at.get("vega_lite_chart")


def test_kisa_chooses_the_municipality_which_stays_in_the_address(engine, session, world):
    kisa = _user(session, world.kisa)
    at = open_page(engine, "journey", user=kisa)
    choice = at.selectbox(key="jr_kommune")
    assert choice.value is None and not at.get("vega_lite_chart")
    assert choice.options == [f"Meißen ({world.other_town.ags}) – 1 Produkt", f"Riesa ({world.town.ags}) – 3 Produkte"]

    run(at, choice.set_value(world.town.id))
    assert at.query_params["kommune"] == world.town.ags
    assert "Riesa" in texts(at, "header") and len(at.get("vega_lite_chart")) == 1
    assert ("Vorgang öffnen", "vorgang", f"nr={world.ordered[MB].id}") in _links(at)  # KISA's next step

    linked = open_page(engine, "journey", user=kisa, query={"kommune": world.other_town.ags})  # a link or a reload
    assert linked.selectbox(key="jr_kommune").value == world.other_town.id
    assert "Meißen" in texts(linked, "header") and "Riesa" not in all_text(linked)
    run(linked, linked.button(key=f"jr_open_{world.other_ordered.id}").click())
    assert (linked.query_params["nr"], linked.query_params["kommune"]) == (str(world.other_ordered.id),
                                                                          world.other_town.ags)

    unknown = open_page(engine, "journey", user=kisa, query={"kommune": "99999999"})
    assert any("keine Kommune mit bestellten Produkten" in w for w in texts(unknown, "warning"))
    assert not unknown.get("vega_lite_chart")


def test_with_more_municipalities_than_fit_in_one_list_kisa_searches_first(engine, session, world, monkeypatch):
    monkeypatch.setattr(municipality_choice, "LIMIT", 1)  # as with thousands of municipalities nationwide
    at = open_page(engine, "journey", user=_user(session, world.kisa))
    assert at.selectbox(key="jr_kommune").options == [f"Meißen ({world.other_town.ags}) – 1 Produkt"]
    assert any("Die ersten 1 Treffer" in c for c in texts(at, "caption"))
    run(at, at.text_input(key="jr_kommune_suche").input("ries"))
    choice = at.selectbox(key="jr_kommune")
    assert choice.options == [f"Riesa ({world.town.ags}) – 3 Produkte"]
    run(at, choice.set_value(world.town.id))
    assert at.query_params["kommune"] == world.town.ags and "Riesa" in texts(at, "header")
    run(at, at.text_input(key="jr_kommune_suche").input(world.other_town.ags[-3:]))  # by AGS; the choice stays listed
    assert at.selectbox(key="jr_kommune").options == [f"Meißen ({world.other_town.ags}) – 1 Produkt",
                                                      f"Riesa ({world.town.ags}) – 3 Produkte"]
    assert at.selectbox(key="jr_kommune").value == world.town.id
    run(at, at.text_input(key="jr_kommune_suche").input("Gibt es nicht"))
    assert "Keine Kommune mit bestellten Produkten passt zu dieser Suche." in texts(at, "caption")
