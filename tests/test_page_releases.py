"""AppTest: the Versionen page — KISA publishes a release, a municipality confirms the check of its configuration."""

from __future__ import annotations

import json

import altair as alt

from catalog.store import get_product
from models import OrderedProductState, ReleaseNotice
from releases.publish import publish_release
from tests.apptest_helpers import all_text, app_like_server, click, count, field_message, load, open_page, run, texts
from tests.backoffice_world import MB, put_in_state, submitted
from tests.kisa_pages import users
from tests.questionnaire_world import mails, make_world, user_row
from web import search_pick

__all__ = ["app_like_server"]  # autouse fixture

NOTES = "Neue Gebührensätze nach der Änderung des Verwaltungskostengesetzes."


def _live_in_riesa(session):
    """Riesa's Meldebescheinigung submitted and live; Meißen's only ordered."""
    world = make_world(session)
    submitted(session, world)
    put_in_state(session, world.ordered[MB], OrderedProductState.LIVE)
    return world


def test_kisa_publishes_a_release_after_the_confirmation_and_sees_the_open_review(engine, session):
    world = _live_in_riesa(session)
    kisa, _ = users(session, world)
    at = open_page(engine, "releases", user=kisa)
    assert "Veröffentlichte Versionen" in texts(at, "header")
    assert "Noch keine Version über den Shop veröffentlicht." in texts(at, "info")

    run(at, at.selectbox(key="rel_product").select(MB))
    text = all_text(at)
    assert "Für dieses Produkt ist noch keine Version verzeichnet." in text
    assert "In Nutzung: 2 Kommunen (2 bestellte Produkte, ohne stornierte und beendete)" in text

    at.text_input(key="rel_version").input("1,3")  # a comma and no notes: refused at the fields, input kept
    click(at, "Ja, Version veröffentlichen")
    assert field_message(at, "rel_version") == ("Bitte geben Sie die Version als Zahlen mit Punkten an, "
                                                "z. B. 1.3 oder 1.3.2.")
    assert field_message(at, "rel_notes") == "Bitte beschreiben Sie, was sich mit dieser Version ändert."
    assert at.text_input(key="rel_version").value == "1,3"
    assert count(engine, ReleaseNotice) == 0

    at.text_input(key="rel_version").input("1.3")
    at.text_area(key="rel_notes").input(NOTES)
    run(at, at.checkbox(key="rel_review").check())
    text = all_text(at)  # the confirmation says whom it reaches
    assert "Version 1.3 von „Meldebescheinigung“ wird veröffentlicht. **2 Kommunen werden** per E-Mail" in text
    assert "Bei **1 Konfiguration** (schon eingereicht) wird eine Prüfung verlangt." in text
    click(at, "Ja, Version veröffentlichen")

    assert ("Version 1.3 von „Meldebescheinigung“ ist veröffentlicht. 2 Kommunen benachrichtigt (2 E-Mails). "
            "Bei 1 Kommune ist die Konfiguration zur Prüfung markiert.") in texts(at, "success")
    assert at.text_input(key="rel_version").value == "" and at.text_area(key="rel_notes").value == ""
    assert "Aktuelle Version: **1.3** vom" in all_text(at)
    [chart] = at.get("vega_lite_chart")  # reviews done and open per release, as plain Vega-Lite: check the schema
    alt.Chart.from_dict({"data": {"values": []}, **json.loads(chart.proto.spec)}, validate=True)
    notices = load(engine, ReleaseNotice)
    assert sorted((n.municipality_id, n.review_required) for n in notices) == sorted(
        [(world.town.id, True), (world.other_town.id, False)])
    assert len(mails(session, "release.published")) == 2
    session.commit()
    [row] = at.dataframe[0].value.to_dict("records")
    assert (row["Produkt"], row["Version"], row["Benachrichtigt"], row["zu prüfen"], row["geprüft"], row["offen"]) == (
        "Meldebescheinigung", "1.3", 2, 1, 0, 1)
    assert "Offene Prüfungen (1)" in texts(at, "header")
    assert "**Riesa** (AGS" in all_text(at)


def test_the_municipality_confirms_a_flagged_review_and_the_other_one_has_nothing_to_check(engine, session):
    world = _live_in_riesa(session)
    _, expected = get_product(session, MB)
    publish_release(session, actor=world.kisa, product_id=MB, version="1.3", notes=NOTES, requires_config_review=True,
                    expected_version=expected)
    session.commit()
    [notice] = load(engine, ReleaseNotice, ReleaseNotice.municipality_id == world.town.id)
    coordinator, other = user_row(session, world.coordinator), user_row(session, world.other)
    session.commit()

    at = open_page(engine, "releases", user=coordinator)
    assert "Konfiguration prüfen (1)" in texts(at, "header")
    text = all_text(at)
    assert "**Meldebescheinigung** · Version 1.3 vom" in text and NOTES in text
    assert any("beantragen Sie sie auf der Seite „Test und Abnahme“" in w for w in texts(at, "warning"))
    links = {p.proto.label: (p.proto.page, p.proto.query_string) for p in at.get("page_link")}
    assert links["Konfiguration ansehen"][0].endswith("fragebogen")
    assert links["Änderung beantragen"][0].endswith("abnahme")
    assert links["Änderung beantragen"][1] == f"nr={world.ordered[MB].id}"

    at.text_input(key=f"rel_note_{notice.id}").input("Gebührenfeld geprüft")
    run(at, at.button(key=f"rel_ok_{notice.id}").click())
    assert "Vermerkt: Die Konfiguration von „Meldebescheinigung“ passt zu Version 1.3." in texts(at, "success")
    assert "Konfiguration prüfen (1)" not in texts(at, "header")
    text = all_text(at)
    assert "geprüft] Konfiguration geprüft, keine Änderung nötig: Gebührenfeld geprüft" in text
    assert "Clara Koordinatorin" in text
    [stored] = load(engine, ReleaseNotice, ReleaseNotice.id == notice.id)
    assert stored.reviewed_by_name == "Clara Koordinatorin" and stored.reviewed_at is not None

    elsewhere = open_page(engine, "releases", user=other)  # Meißen: told, nothing to check, nothing of Riesa
    assert not [b for b in elsewhere.button if b.label == "Geprüft, keine Änderung nötig"]
    assert "keine Prüfung nötig" in all_text(elsewhere) and "Gebührenfeld" not in all_text(elsewhere)


def test_with_a_catalogue_longer_than_one_list_kisa_searches_for_the_product(engine, session, monkeypatch):
    monkeypatch.setattr(search_pick, "LIMIT", 2)  # as with 10,000 products nationwide
    world = _live_in_riesa(session)
    kisa, _ = users(session, world)
    at = open_page(engine, "releases", user=kisa)
    picker = at.selectbox(key="rel_product")
    assert len(picker.options) == 2 and any("Die ersten 2 Treffer" in c for c in texts(at, "caption"))
    run(at, at.text_input(key="rel_product_suche").input("meldebescheinigung"))  # case is ignored
    assert at.selectbox(key="rel_product").options == ["Meldebescheinigung"]
    run(at, at.selectbox(key="rel_product").select(MB))
    assert "In Nutzung: 2 Kommunen" in all_text(at)
    run(at, at.text_input(key="rel_product_suche").input("gibt es nicht"))  # the choice stays, the form too
    assert at.selectbox(key="rel_product").options == ["Meldebescheinigung"]
    assert at.selectbox(key="rel_product").value == MB and "In Nutzung: 2 Kommunen" in all_text(at)
    assert "Kein Eintrag passt zu dieser Suche." in texts(at, "caption")


def test_the_municipality_sees_its_releases_ten_a_page(engine, session):
    world = _live_in_riesa(session)
    for minor in range(12):
        _, expected = get_product(session, MB)
        publish_release(session, actor=world.kisa, product_id=MB, version=f"2.{minor}", notes=NOTES,
                        requires_config_review=False, expected_version=expected)
        session.commit()
    coordinator = user_row(session, world.coordinator)
    session.commit()
    at = open_page(engine, "releases", user=coordinator)
    shown = [t for t in all_text(at).split("\n") if t.startswith("**Meldebescheinigung** · Version 2.")]
    assert len(shown) == 10 and "Seite 1 von 2 (Einträge 1–10 von 12)" in all_text(at)
    run(at, at.button(key="rel_m_rest_next").click())
    shown = [t for t in all_text(at).split("\n") if t.startswith("**Meldebescheinigung** · Version 2.")]
    assert len(shown) == 2 and "Seite 2 von 2 (Einträge 11–12 von 12)" in all_text(at)
