"""AppTest: the Test und Abnahme page — list, recording results, acceptance, go-live, communication, KISA read-only."""

from __future__ import annotations

import pytest

from acceptance.results import record_result
from models import Acceptance, LaunchTask, OrderedProduct, OrderedProductState, TestOutcome, TestResult
from tests.acceptance_world import TESTER, accepted, live, record_all
from tests.apptest_helpers import all_text, app_like_server, count, field_message, load, open_page, run, texts
from tests.backoffice_world import MB, in_testing
from tests.kisa_pages import popover
from tests.questionnaire_world import make_world, user_row

__all__ = ["app_like_server"]  # autouse fixture

S = OrderedProductState
ITEM = "servicekonto_anmeldung"
LABEL = "Anmeldung mit dem Servicekonto auf Amt24 funktioniert"


@pytest.fixture
def world(session):
    from tests.questionnaire_builders import questionnaire_catalog

    questionnaire_catalog(session)
    return make_world(session)


def _rows(session, world):
    """Return the user rows of the coordinator, the colleague and KISA (committed: SQLite would keep the lock)."""
    rows = user_row(session, world.coordinator), user_row(session, world.colleague), user_row(session, world.kisa)
    session.commit()
    return rows


def _page(engine, user, ordered_id: int | None = None):
    return open_page(engine, "acceptance", user=user, query={"nr": str(ordered_id)} if ordered_id else None)


def _state(engine, ordered_id: int) -> OrderedProductState:
    [row] = load(engine, OrderedProduct, OrderedProduct.id == ordered_id)
    return row.state


def _widget(ordered_id: int, kind: str, item: str = ITEM) -> str:
    return f"ac_{ordered_id}_{item}_{kind}"


def _save(at, ordered_id: int, item: str = ITEM):
    return run(at, at.button(key=f"ac_save_{ordered_id}_{item}").click())


def test_the_list_shows_the_municipalitys_products_in_test_and_kisa_sees_all_with_the_municipality(engine, session, world):
    ordered = in_testing(session, world, MB)
    coordinator, _colleague, kisa = _rows(session, world)
    at = _page(engine, coordinator)
    text = all_text(at)
    assert texts(at, "title") == ["Test und Abnahme"]
    assert "**Meldebescheinigung**" in text and "Test im Wartungsmodus" in text
    assert "0 von 12 Prüfpunkten getestet" in text and "Riesa" not in text
    assert "Melderegisterauskunft" not in text  # still ordered: not in step 5
    run(at, at.button(key=f"ab_open_{ordered.id}").click())  # the address follows: a reload stays here
    assert at.query_params["nr"] == str(ordered.id) and texts(at, "title") == ["Meldebescheinigung"]
    run(at, at.button(key="ab_back").click())
    assert "nr" not in at.query_params and texts(at, "title") == ["Test und Abnahme"]
    assert "Riesa (AGS" in all_text(_page(engine, kisa))
    other_row = user_row(session, world.other)
    session.commit()
    other = open_page(engine, "acceptance", user=other_row)
    assert "Zurzeit ist kein Produkt im Test" in all_text(other)


def test_a_tester_records_a_result_and_a_failure_needs_a_note_and_offers_the_problem_report(engine, session, world):
    ordered = in_testing(session, world, MB)
    _coordinator, colleague, _kisa = _rows(session, world)
    at = _page(engine, colleague, ordered.id)
    text = all_text(at)
    assert texts(at, "title") == ["Meldebescheinigung"] and "Testrunde 1 · Testpersonen: Tina Test" in text
    assert "0 von 12 Prüfpunkten getestet" in [p.proto.text for p in at.get("progress")]
    assert at.selectbox(key=_widget(ordered.id, "tester")).value == TESTER  # the only tester is preselected

    at.radio(key=_widget(ordered.id, "outcome")).set_value("failed")
    _save(at, ordered.id)  # no note: refused at the field, the choice stays
    assert field_message(at, _widget(ordered.id, "note")) == ("Bitte beschreiben Sie den Fehler kurz: Was haben Sie "
                                                               "getan, was ist passiert?")
    assert at.radio(key=_widget(ordered.id, "outcome")).value == "failed"
    assert count(engine, TestResult) == 0

    at.text_area(key=_widget(ordered.id, "note")).input("Die Servicekonto-Kachel fehlt.")
    _save(at, ordered.id)
    assert f"Gespeichert: „{LABEL}“ – Fehler." in texts(at, "success")
    [row] = load(engine, TestResult)
    assert (row.outcome, row.tester_name, row.recorded_by_name) == (TestOutcome.FAILED, TESTER, "Karl Kollege")
    assert "1 von 12 Prüfpunkten getestet, 1 mit Fehler" in [p.proto.text for p in at.get("progress")]
    [report] = [p for p in at.page_link if p.proto.label == "Problem an KISA melden"]
    assert report.proto.page.endswith("meldungen") and f"punkt={ITEM}" in report.proto.query_string
    assert "Die Servicekonto-Kachel fehlt." in all_text(at)

    at.radio(key=_widget(ordered.id, "outcome")).set_value("passed")
    _save(at, ordered.id)
    assert f"Gespeichert: „{LABEL}“ – in Ordnung." in texts(at, "success")
    assert [r.version for r in load(engine, TestResult)] == [2]


def test_a_change_by_someone_else_meanwhile_is_shown_and_not_overwritten(engine, session, world):
    ordered = in_testing(session, world, MB)
    _coordinator, colleague, _kisa = _rows(session, world)
    at = _page(engine, colleague, ordered.id)
    record_result(session, actor=world.coordinator, ordered_product_id=ordered.id, item=ITEM,
                  outcome=TestOutcome.PASSED, tester=TESTER, note="Von Clara geprüft.")
    session.commit()
    at.radio(key=_widget(ordered.id, "outcome")).set_value("not_applicable")
    _save(at, ordered.id)
    assert any(e.startswith("Dieser Prüfpunkt wurde inzwischen von Clara Koordinatorin geändert") for e in texts(at, "error"))
    assert at.radio(key=_widget(ordered.id, "outcome")).value == "not_applicable"  # the typed choice stays
    assert "Von Clara geprüft." in all_text(at)  # and the stored result is shown
    assert [r.outcome for r in load(engine, TestResult)] == [TestOutcome.PASSED]
    _save(at, ordered.id)  # saved again on purpose: now it counts
    assert [r.outcome for r in load(engine, TestResult)] == [TestOutcome.NOT_APPLICABLE]


def test_the_coordinator_sees_what_is_missing_and_then_accepts(engine, session, world):
    ordered = in_testing(session, world, MB)
    record_all(session, world.colleague, ordered, skip=("datenschutz",))
    coordinator, colleague, _kisa = _rows(session, world)
    at = _page(engine, coordinator, ordered.id)
    assert any("1 Prüfpunkt hat noch kein Ergebnis: „Datenschutzhinweise werden im Antrag angezeigt“" in w
               for w in texts(at, "warning"))
    assert popover(at, "Abnahme erteilen …").disabled
    assert "Die Abnahme erteilt die Koordinatorin" in all_text(_page(engine, colleague, ordered.id))

    at.radio(key=_widget(ordered.id, "outcome", "datenschutz")).set_value("passed")
    _save(at, ordered.id, "datenschutz")
    assert not popover(at, "Abnahme erteilen …").disabled and not texts(at, "warning")
    at.text_area(key=f"ac_remarks_{ordered.id}").input("Danke an KISA.")
    run(at, at.button(key=f"ac_accept_{ordered.id}").click())
    assert _state(engine, ordered.id) == S.ACCEPTED
    text = all_text(at)
    assert "Abnahme erteilt. KISA und Ihre Kommune wurden per E-Mail informiert" in text
    assert "Abnahme erteilt am" in text and "durch Clara Koordinatorin (Testrunde 1)." in text
    assert [b.label for b in at.get("download_button")] == ["Abnahmeprotokoll (PDF)"]
    [row] = load(engine, Acceptance)
    assert row.remarks == "Danke an KISA."


def test_the_go_live_needs_the_checkbox_then_the_communication_checklist_and_the_change_request(engine, session, world):
    ordered = accepted(session, world)
    coordinator, _colleague, _kisa = _rows(session, world)
    at = _page(engine, coordinator, ordered.id)
    assert "Amt24-Admincenter" in all_text(at)
    run(at, at.button(key=f"ac_live_{ordered.id}").click())
    assert field_message(at, f"ac_maintenance_{ordered.id}") == ("Bitte bestätigen Sie, dass Sie den Wartungsmodus auf "
                                                                 "Amt24 ausgeschaltet haben.")
    assert _state(engine, ordered.id) == S.ACCEPTED
    run(at, at.checkbox(key=f"ac_maintenance_{ordered.id}").check())
    run(at, at.button(key=f"ac_live_{ordered.id}").click())
    assert _state(engine, ordered.id) == S.LIVE
    assert "Der Online-Antragsassistent ist live." in all_text(at)
    labels = [c.label for c in at.checkbox]
    assert "Website der Kommune: Hinweis und Link auf den Online-Antrag" in labels and len(labels) == 5
    run(at, at.checkbox(key=f"ac_launch_{ordered.id}_presse").check())
    assert "erledigt von Clara Koordinatorin am" in all_text(at)
    assert [t.done_by_name for t in load(engine, LaunchTask, LaunchTask.task == "presse")] == ["Clara Koordinatorin"]
    assert "1 von 5 Aufgaben erledigt" in [p.proto.text for p in at.get("progress")]

    run(at, at.button(key=f"ac_change_{ordered.id}").click())  # no reason: refused at the field
    assert field_message(at, f"ac_reason_{ordered.id}").startswith("Bitte geben Sie den Grund der Änderung")
    at.text_area(key=f"ac_reason_{ordered.id}").input("Neue Gebührensatzung ab 01.01.")
    run(at, at.button(key=f"ac_change_{ordered.id}").click())
    assert _state(engine, ordered.id) == S.CHANGE_REQUESTED
    assert "Änderung beantragt. Der Fragebogen ist wieder geöffnet" in all_text(at)
    [link] = [p for p in at.page_link if p.proto.label == "Zum Fragebogen"]
    assert link.proto.page.endswith("fragebogen") and f"nr={ordered.id}" in link.proto.query_string
    assert [b.label for b in at.get("download_button")] == ["Protokoll (PDF)"]  # the earlier round stays


def test_kisa_reads_the_test_and_downloads_the_record_but_changes_nothing(engine, session, world):
    ordered = in_testing(session, world, MB)
    record_all(session, world.colleague, ordered, skip=("datenschutz",))
    _coordinator, _colleague, kisa = _rows(session, world)
    at = _page(engine, kisa, ordered.id)
    text = all_text(at)
    assert "Sie sehen den Test der Kommune (nur lesen)." in text and "Riesa" in text
    assert not at.radio and not [b for b in at.button if b.label == "Ergebnis speichern"]
    assert ":orange-badge[:material/pending: noch offen]" in text and "Testperson Tina Test" in text
    with pytest.raises(AssertionError, match="no popover"):
        popover(at, "Abnahme erteilen …")
    done = live(session, world, "melderegisterauskunft")
    kisa_row = user_row(session, world.kisa)
    session.commit()
    at = _page(engine, kisa_row, done.id)
    assert [b.label for b in at.get("download_button")] == ["Abnahmeprotokoll (PDF)"]
    assert all(c.disabled for c in at.checkbox) and len(at.checkbox) == 5
    assert not [t for t in at.text_area]  # no change request for KISA


def test_other_states_say_where_the_product_stands_and_others_products_are_not_found(engine, session, world):
    coordinator, _colleague, _kisa = _rows(session, world)
    at = _page(engine, coordinator, world.ordered[MB].id)
    assert any(i.startswith("Stand: bestellt. Test und Abnahme beginnen, sobald KISA") for i in texts(at, "info"))
    at = _page(engine, coordinator, world.other_ordered.id)
    assert "Dieses bestellte Produkt wurde nicht gefunden." in texts(at, "error")

