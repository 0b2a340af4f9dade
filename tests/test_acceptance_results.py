"""Test results: named testers only, a note for every failure, only while testing, own municipality, no lost update."""

from __future__ import annotations

import pytest
from sqlmodel import select

from acceptance.results import StaleResult, record_result
from acceptance.view import acceptance_view
from core.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from models import OrderedProductState, TestOutcome, TestResult
from tests.acceptance_world import TESTER
from tests.backoffice_world import MB, actions, audit_details, in_testing, put_in_state
from tests.questionnaire_world import make_world

ITEM = "servicekonto_anmeldung"


@pytest.fixture
def world(session):
    from tests.questionnaire_builders import questionnaire_catalog

    questionnaire_catalog(session)
    return make_world(session)


@pytest.fixture
def testing(session, world):
    return in_testing(session, world, MB)


def _rows(session):
    session.expire_all()
    rows = list(session.exec(select(TestResult)).all())
    session.commit()
    return rows


def _record(session, actor, ordered, **changes):
    values = {"item": ITEM, "outcome": TestOutcome.PASSED, "tester": TESTER, "note": "", "base_version": 0} | changes
    row = record_result(session, actor=actor, ordered_product_id=ordered.id, **values)
    session.commit()
    return row


def test_a_colleague_records_a_result_with_a_named_tester_and_the_page_shows_it(session, world, testing):
    row = _record(session, world.colleague, testing, note="Anmeldung über die BundID-Kachel.")
    assert (row.round, row.item, row.outcome, row.tester_name, row.version) == (1, ITEM, TestOutcome.PASSED, TESTER, 1)
    assert row.recorded_by_name == "Karl Kollege"
    view = acceptance_view(session, actor=world.coordinator, ordered_product_id=testing.id)
    item = next(i for i in view.items if i.key == ITEM)
    assert item.result is not None and item.result.outcome_name == "in Ordnung"
    assert item.result.note == "Anmeldung über die BundID-Kachel." and view.tested == 1
    assert actions(session, "acceptance.") == ["acceptance.result_recorded"]
    [details] = audit_details(session, "acceptance.result_recorded")
    assert "„Anmeldung mit dem Servicekonto auf Amt24 funktioniert“ – in Ordnung (Testperson Tina Test)" in details


def test_recording_again_updates_the_result_and_counts_the_version(session, world, testing):
    first = _record(session, world.colleague, testing)
    second = _record(session, world.coordinator, testing, outcome=TestOutcome.FAILED, note="Kachel fehlt.",
                     base_version=first.version)
    [row] = _rows(session)
    assert (row.outcome, row.note, row.version, row.recorded_by_name) == (TestOutcome.FAILED, "Kachel fehlt.", 2,
                                                                          "Clara Koordinatorin")
    assert second.id == first.id
    _record(session, world.coordinator, testing, outcome=TestOutcome.FAILED, note="Kachel fehlt.", base_version=2)
    assert _rows(session)[0].version == 2  # saved unchanged: no new version


def test_someone_elses_change_meanwhile_is_not_overwritten(session, world, testing):
    _record(session, world.colleague, testing)
    with pytest.raises(StaleResult) as stale:  # the coordinator still saw the item without a result
        _record(session, world.coordinator, testing, outcome=TestOutcome.FAILED, note="Geht nicht.", base_version=0)
    session.rollback()
    message = str(stale.value)
    assert message.startswith("Dieser Prüfpunkt wurde inzwischen von Karl Kollege geändert")
    assert "in Ordnung, Testperson Tina Test" in message and "speichern Sie dann erneut" in message
    assert stale.value.current_version == 1
    [row] = _rows(session)
    assert row.outcome == TestOutcome.PASSED and row.recorded_by_name == "Karl Kollege"
    _record(session, world.coordinator, testing, outcome=TestOutcome.FAILED, note="Geht nicht.", base_version=1)
    assert _rows(session)[0].outcome == TestOutcome.FAILED


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"tester": "Erika Fremd"}, "tester", "Bitte wählen Sie eine der im Fragebogen genannten Testpersonen: Tina Test."),
    ({"tester": ""}, "tester", "Bitte wählen Sie eine der im Fragebogen genannten Testpersonen: Tina Test."),
    ({"outcome": None}, "outcome", "Bitte wählen Sie ein Ergebnis: in Ordnung, Fehler oder entfällt."),
    ({"outcome": "vielleicht"}, "outcome", "Bitte wählen Sie ein Ergebnis: in Ordnung, Fehler oder entfällt."),
    ({"outcome": TestOutcome.FAILED, "note": "  \n "}, "note",
     "Bitte beschreiben Sie den Fehler kurz: Was haben Sie getan, was ist passiert?"),
    ({"note": "x" * 2001}, "note", "Bitte kürzen Sie die Bemerkung auf höchstens 2000 Zeichen (jetzt 2001)."),
])
def test_invalid_input_is_refused_at_the_field_and_nothing_is_stored(session, world, testing, changes, field, message):
    with pytest.raises(FieldErrors) as problem:
        _record(session, world.colleague, testing, **changes)
    session.rollback()
    assert problem.value.errors[field] == message
    assert _rows(session) == []


def test_not_applicable_needs_no_note(session, world, testing):
    assert _record(session, world.colleague, testing, outcome="not_applicable").outcome == TestOutcome.NOT_APPLICABLE


def test_results_are_recorded_only_while_testing(session, world, testing):
    for state, name in ((OrderedProductState.SETUP, "Einrichtung durch KISA"), (OrderedProductState.ACCEPTED, "abgenommen"),
                        (OrderedProductState.LIVE, "live")):
        put_in_state(session, testing, state)
        with pytest.raises(DomainError) as refused:
            _record(session, world.colleague, testing)
        session.rollback()
        assert str(refused.value) == ("Testergebnisse lassen sich nur während des Tests im Wartungsmodus erfassen "
                                      f"(Stand: „{name}“).")
    assert _rows(session) == []


def test_other_municipalities_and_kisa_cannot_record(session, world, testing):
    with pytest.raises(NotFound):
        _record(session, world.other, testing)
    session.rollback()
    with pytest.raises(PermissionDenied):
        _record(session, world.kisa, testing)
    session.rollback()
    with pytest.raises(NotFound):
        acceptance_view(session, actor=world.other, ordered_product_id=testing.id)
    session.rollback()
    assert _rows(session) == []
    kisa_view = acceptance_view(session, actor=world.kisa, ordered_product_id=testing.id)  # KISA reads, read-only
    assert kisa_view.items and not kisa_view.may_record and not kisa_view.is_coordinator


def test_an_unknown_item_is_refused(session, world, testing):
    with pytest.raises(NotFound, match="Diesen Prüfpunkt gibt es in der Checkliste nicht"):
        _record(session, world.colleague, testing, item="erfunden")
    session.rollback()
    assert _rows(session) == []
