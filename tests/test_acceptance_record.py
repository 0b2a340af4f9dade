"""The acceptance: only the coordinator, only when everything is tested, nothing failed and no problem open; it keeps
a snapshot for the Abnahmeprotokoll, moves the product on and tells both sides the next step."""

from __future__ import annotations

import io
import json
import re

import pytest
from pypdf import PdfReader

from acceptance.record import accept, acceptance_document, acceptance_pdf
from acceptance.results import record_result
from acceptance.view import acceptance_view
from core.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from models import Acceptance, OrderedProductState, ProblemStatus, TestOutcome
from tests.acceptance_world import TESTER, accepted, all_passed, problem, record_all, stored_rows, world_with_questionnaires
from tests.backoffice_world import MB, history, in_testing, put_in_state
from tests.questionnaire_world import mails, state_of

S = OrderedProductState
KISA_MAILBOX = "antragsmanagement@kisa.example"


@pytest.fixture
def world(session):
    return world_with_questionnaires(session)


def _acceptances(session):
    return stored_rows(session, Acceptance)


def _refused(session, world, ordered, actor=None, error=DomainError) -> str:
    with pytest.raises(error) as refused:
        accept(session, actor=actor or world.coordinator, ordered_product_id=ordered.id, remarks="")
    session.rollback()
    assert _acceptances(session) == [] and mails(session, "lifecycle.accepted") == []
    session.commit()
    return str(refused.value)


def test_the_coordinator_accepts_a_fully_tested_product_with_a_snapshot_and_both_sides_hear_the_next_step(session, world):
    ordered = all_passed(session, world)
    record_result(session, actor=world.colleague, ordered_product_id=ordered.id, item="testantrag",
                  outcome=TestOutcome.NOT_APPLICABLE, tester=TESTER, note="Nur Online-Zahlung.", base_version=1)
    session.commit()
    accept(session, actor=world.coordinator, ordered_product_id=ordered.id, remarks="Danke an KISA!\nLivegang Montag.")
    session.commit()
    assert state_of(session, ordered) == S.ACCEPTED
    assert history(session, ordered)[-1] == ("testing", "accepted", "Clara Koordinatorin")
    [row] = _acceptances(session)
    assert (row.round, row.accepted_by_name, row.remarks) == (1, "Clara Koordinatorin", "Danke an KISA!\nLivegang Montag.")
    snapshot = json.loads(row.snapshot)
    assert snapshot["product_name"] == "Meldebescheinigung" and snapshot["municipality_name"] == "Riesa"
    assert snapshot["round"] == 1 and snapshot["accepted_by"] == "Clara Koordinatorin"
    assert snapshot["testers"] == [{"name": "Tina Test", "email": "tina.test@example.org"}]
    items = {i["key"]: i for i in snapshot["items"]}
    assert items["testantrag"]["outcome"] == "not_applicable" and items["testantrag"]["outcome_name"] == "entfällt"
    assert items["testantrag"]["note"] == "Nur Online-Zahlung." and items["testantrag"]["tester"] == TESTER
    assert items["servicekonto_anmeldung"]["recorded_by"] == "Karl Kollege" and items["servicekonto_anmeldung"]["recorded_at"]

    sent = mails(session, "lifecycle.accepted")
    addresses = {m.to_address for m in sent}
    assert world.coordinator.email in addresses and KISA_MAILBOX in addresses
    text = sent[0].text_body
    assert "Clara Koordinatorin hat am" in text and "„Meldebescheinigung“ (Riesa" in text and "(Testrunde 1)" in text
    assert "Danke an KISA!" in text and "Wartungsmodus des Antragsassistenten im Amt24-Admincenter aus" in text
    assert f"/abnahme?nr={ordered.id}" in text
    view = acceptance_view(session, actor=world.colleague, ordered_product_id=ordered.id)
    assert view.acceptance is not None and view.acceptance.accepted_by == "Clara Koordinatorin"
    assert view.tested == len(view.items) and not view.may_record


def test_an_item_without_result_is_named_and_nothing_changes(session, world):
    ordered = in_testing(session, world, MB)
    record_all(session, world.colleague, ordered, skip=("datenschutz", "musterdaten"))
    message = _refused(session, world, ordered)
    assert message == ("Die Abnahme ist noch nicht möglich. 2 Prüfpunkte haben noch kein Ergebnis: „Datenschutzhinweise "
                       "werden im Antrag angezeigt“, „Testantrag mit den Musterdaten des Katalogs“.")
    assert state_of(session, ordered) == S.TESTING


def test_a_failed_item_is_named_and_nothing_changes(session, world):
    ordered = all_passed(session, world)
    record_result(session, actor=world.colleague, ordered_product_id=ordered.id, item="benachrichtigung",
                  outcome=TestOutcome.FAILED, tester=TESTER, note="Keine Mail.", base_version=1)
    session.commit()
    message = _refused(session, world, ordered)
    assert message == ("Die Abnahme ist noch nicht möglich. 1 Prüfpunkt ist mit „Fehler“ erfasst: „Benachrichtigung über "
                       "den Antragseingang erreicht antraege@example.org“. Bitte testen Sie nach der Korrektur durch "
                       "KISA erneut.")
    assert state_of(session, ordered) == S.TESTING


def test_an_open_problem_report_blocks_until_kisa_solves_it(session, world):
    ordered = all_passed(session, world)
    report = problem(session, ordered)
    problem(session, ordered, "Alter Fehler", status=ProblemStatus.SOLVED)
    problem(session, world.other_ordered, "Fremde Meldung")  # another municipality's product: irrelevant
    message = _refused(session, world, ordered)
    assert message == "Die Abnahme ist noch nicht möglich. 1 Meldung an KISA ist noch offen: „Gebühr wird falsch angezeigt“."
    view = acceptance_view(session, actor=world.coordinator, ordered_product_id=ordered.id)
    assert view.open_problems == 1 and not view.may_accept and view.gaps
    report.status = ProblemStatus.SOLVED
    session.add(report)
    session.commit()
    accept(session, actor=world.coordinator, ordered_product_id=ordered.id)
    session.commit()
    assert state_of(session, ordered) == S.ACCEPTED


def test_only_the_coordinator_of_the_municipality_accepts(session, world):
    ordered = all_passed(session, world)
    assert "Koordinatorin oder der Koordinator" in _refused(session, world, ordered, world.colleague, PermissionDenied)
    _refused(session, world, ordered, world.kisa, PermissionDenied)
    _refused(session, world, ordered, world.other, NotFound)
    assert acceptance_view(session, actor=world.colleague, ordered_product_id=ordered.id).may_accept is False
    assert acceptance_view(session, actor=world.coordinator, ordered_product_id=ordered.id).may_accept is True
    session.commit()
    assert state_of(session, ordered) == S.TESTING


def test_the_acceptance_needs_the_test_state(session, world):
    ordered = all_passed(session, world)
    put_in_state(session, ordered, S.SETUP)
    assert _refused(session, world, ordered) == ("Die Abnahme ist nur während des Tests im Wartungsmodus möglich "
                                                 "(Stand: „Einrichtung durch KISA“).")
    assert state_of(session, ordered) == S.SETUP


def test_overlong_remarks_are_refused_at_the_field(session, world):
    ordered = all_passed(session, world)
    with pytest.raises(FieldErrors) as problem_:
        accept(session, actor=world.coordinator, ordered_product_id=ordered.id, remarks="x" * 4001)
    session.rollback()
    assert problem_.value.errors["remarks"].startswith("Bitte kürzen Sie die Bemerkungen auf höchstens 4000 Zeichen")
    assert state_of(session, ordered) == S.TESTING


def test_the_record_pdf_shows_the_results_as_accepted_and_is_read_by_kisa_but_not_by_other_municipalities(session, world):
    ordered = all_passed(session, world)
    record_result(session, actor=world.colleague, ordered_product_id=ordered.id, item="einstellung_gebuehr",
                  outcome=TestOutcome.NOT_APPLICABLE, tester=TESTER, note="Gebühr entfällt.", base_version=1)
    session.commit()
    accept(session, actor=world.coordinator, ordered_product_id=ordered.id, remarks="Alles bestens.")
    session.commit()
    pdf = acceptance_pdf(session, actor=world.kisa, ordered_product_id=ordered.id)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    text = re.sub(r"\s+", " ", " ".join(pages))
    assert pages[0].startswith("Abnahmeprotokoll Online-Antragsassistent")
    for expected in ("Meldebescheinigung", "Riesa (AGS", "Testrunde 1", "Testpersonen Tina Test",
                     "Abnahme erteilt durch Clara Koordinatorin", "Anmeldung mit dem Servicekonto auf Amt24 funktioniert",
                     "in Ordnung", "entfällt", "Gebühr entfällt.", "Alles bestens.", "Unterschrift (Clara Koordinatorin)",
                     "Ort, Datum", "Elektronisch erteilt im OAA-Shop am"):
        assert expected in text, expected
    assert pages[-1].rstrip().endswith(f"Seite {len(pages)} von {len(pages)}")
    data = acceptance_document(session, actor=world.colleague, ordered_product_id=ordered.id)
    assert data.counts() == {"passed": len(data.items) - 1, "not_applicable": 1, "failed": 0}
    with pytest.raises(NotFound):
        acceptance_pdf(session, actor=world.other, ordered_product_id=ordered.id)


def test_without_acceptance_there_is_no_record(session, world):
    ordered = in_testing(session, world, MB)
    with pytest.raises(NotFound, match="noch keine Abnahme"):
        acceptance_pdf(session, actor=world.coordinator, ordered_product_id=ordered.id)


def test_accepting_twice_is_refused_by_the_state(session, world):
    ordered = accepted(session, world)
    assert "nur während des Tests" in _refused_after(session, world, ordered)
    assert len(_acceptances(session)) == 1


def _refused_after(session, world, ordered) -> str:
    with pytest.raises(DomainError) as refused:
        accept(session, actor=world.coordinator, ordered_product_id=ordered.id)
    session.rollback()
    return str(refused.value)


def test_the_list_of_products_in_test_comes_in_pages_in_the_same_order(session, world):
    from acceptance.view import acceptance_list, acceptance_page
    from tests.acceptance_world import live
    from tests.backoffice_world import in_testing

    live(session, world, "meldebescheinigung")
    in_testing(session, world, "melderegisterauskunft")
    in_testing(session, world, "anzeige-eines-feuerwerkes")
    whole = acceptance_list(session, actor=world.coordinator)
    first = acceptance_page(session, actor=world.coordinator, number=1, size=2)
    second = acceptance_page(session, actor=world.coordinator, number=2, size=2)
    session.commit()
    assert [r.state_name for r in whole][-1] == "live"  # in test first, live last
    assert first.items + second.items == whole and (first.total, second.label) == (
        3, "Seite 2 von 2 (Einträge 3–3 von 3)")
    assert first.items[0].total is not None  # test progress is read for the products of the page
    assert acceptance_page(session, actor=world.kisa, number=5, size=2).number == 2
    session.commit()
