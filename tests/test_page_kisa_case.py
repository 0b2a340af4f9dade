"""AppTest: KISA's Vorgang page — review with remarks, query to the municipality, take-over, checklist, Go-Live."""

from __future__ import annotations

import pytest

from backoffice.review import add_comment, ask_back
from models import OrderedProduct, OrderedProductState, ReviewComment
from questionnaire.drafts import read_questionnaire, save_step
from questionnaire.submission import submit
from tests.apptest_helpers import all_text, app_like_server, click, count, load, open_page, run, texts
from tests.kisa_pages import popover, submit_product, users
from tests.questionnaire_world import mails, make_world

__all__ = ["app_like_server"]  # autouse fixture

MB = "meldebescheinigung"
KEY = "kontakte.abteilung"  # "Zuständige Abteilung für Fragen zur Antragstellung", first step of the wizard
STEP = "kontakte"


def _case(engine, user, ordered_id: int):
    return open_page(engine, "kisa_case", user=user, query={"nr": str(ordered_id)})


def _state(engine, ordered_id: int) -> OrderedProductState:
    [row] = load(engine, OrderedProduct, OrderedProduct.id == ordered_id)
    return row.state


def _remark(at, questionnaire_id: int, text: str):
    at.selectbox(key=f"kc_remark_q_{questionnaire_id}_{STEP}").select(KEY)
    at.text_area(key=f"kc_remark_{questionnaire_id}_{STEP}").input(text)
    return run(at, at.button(key=f"kc_remark_save_{questionnaire_id}_{STEP}").click())


def test_review_shows_the_submission_and_keeps_a_remark_per_answer(engine, session):
    world = make_world(session)
    qid = submit_product(session, world)
    kisa, _ = users(session, world)
    ordered_id = world.ordered[MB].id
    at = _case(engine, kisa, ordered_id)
    text = all_text(at)
    assert texts(at, "title") == ["Meldebescheinigung"]
    assert "**Riesa**" in text and "Konfiguration eingereicht" in text and "wartet auf KISA" in text
    assert "Fassung 1, eingereicht am" in text and "von Clara Koordinatorin" in text
    assert "Bürgerbüro" in text and "geändert" not in text  # the answers; a first submission has no changes
    assert [b.label for b in at.get("download_button")] == ["Konfiguration als PDF", "Export (JSON)"]

    _remark(at, qid, "   ")  # nothing written: a German message, nothing stored
    assert "Anmerkung nicht gespeichert: Bitte schreiben Sie die Anmerkung." in texts(at, "error")
    assert count(engine, ReviewComment) == 0
    _remark(at, qid, "Bitte die Abteilung genauer bezeichnen (*Amt*).")
    text = all_text(at)
    assert "Bitte die Abteilung genauer bezeichnen (*Amt*)." in text and "noch nicht gesendet" in text
    assert "1 Anmerkung noch nicht gesendet." in text
    assert at.text_area(key=f"kc_remark_{qid}_{STEP}").value == ""  # emptied for the next remark
    click(at, "Löschen")
    assert count(engine, ReviewComment) == 0 and "Anmerkung gelöscht." in all_text(at)


def test_a_query_goes_to_the_municipality_which_sees_the_remarks_in_its_questionnaire(engine, session):
    world = make_world(session)
    qid = submit_product(session, world)
    kisa, coordinator = users(session, world)
    ordered_id = world.ordered[MB].id
    at = _case(engine, kisa, ordered_id)
    click(at, "Rückfrage jetzt senden")  # neither a remark nor a message: refused in German, state unchanged
    assert any("Bitte schreiben Sie, was fehlt" in e for e in texts(at, "error"))
    assert _state(engine, ordered_id) == OrderedProductState.SUBMITTED

    _remark(at, qid, "Welche Abteilung genau?")
    at.text_area(key=f"kc_query_{ordered_id}").input("Sonst alles in Ordnung.")
    click(at, "Rückfrage jetzt senden")
    assert "Rückfrage gesendet (1 Anmerkung)." in all_text(at)
    assert _state(engine, ordered_id) == OrderedProductState.QUERY
    [mail] = mails(session, "lifecycle.query")
    session.commit()
    assert mail.to_address == coordinator.email and "Welche Abteilung genau?" in mail.text_body
    assert "Rückfrage von KISA" in all_text(at) and "gesendet" in all_text(at)  # read-only now, remark kept

    wizard = open_page(engine, "questionnaire_form", user=coordinator, query={"nr": str(ordered_id)})
    text = all_text(wizard)
    assert "Rückfrage von KISA" in text
    assert "- **Ansprechpartner – Zuständige Abteilung für Fragen zur Antragstellung:** Welche Abteilung genau?" in text
    assert "**Rückfrage von KISA:** Welche Abteilung genau?" in texts(wizard, "warning")  # under the question


def test_the_questionnaire_shows_only_the_remarks_of_the_current_query(engine, session):
    world = make_world(session)
    qid = submit_product(session, world)
    add_comment(session, actor=world.kisa, questionnaire_id=qid, question_key=KEY, text="Alte Anmerkung.")
    ask_back(session, actor=world.kisa, questionnaire_id=qid, message="")
    session.commit()
    version = read_questionnaire(session, actor=world.coordinator, questionnaire_id=qid).version
    submit(session, actor=world.coordinator, questionnaire_id=qid, base_version=version)
    session.commit()
    ask_back(session, actor=world.kisa, questionnaire_id=qid, message="Nur eine Nachricht diesmal.")
    session.commit()
    _, coordinator = users(session, world)
    wizard = open_page(engine, "questionnaire_form", user=coordinator, query={"nr": str(world.ordered[MB].id)})
    assert "Alte Anmerkung." not in all_text(wizard) and not wizard.warning
    assert "**Nachricht:** Nur eine Nachricht diesmal." in all_text(wizard)  # the query's message itself


def test_a_resubmission_marks_the_changed_answers_with_the_previous_value(engine, session):
    world = make_world(session)
    qid = submit_product(session, world)
    ask_back(session, actor=world.kisa, questionnaire_id=qid, message="Bitte Abteilung prüfen.")
    session.commit()
    version = read_questionnaire(session, actor=world.coordinator, questionnaire_id=qid).version
    version = save_step(session, actor=world.coordinator, questionnaire_id=qid, step_key="kontakte",
                        raw={KEY: "Einwohnermeldeamt"}, base_version=version).version
    submit(session, actor=world.coordinator, questionnaire_id=qid, base_version=version)
    session.commit()
    kisa, _ = users(session, world)
    at = _case(engine, kisa, world.ordered[MB].id)
    text = all_text(at)
    assert "Fassung 2, eingereicht am" in text and "1 Antwort seit Fassung 1 geändert" in text
    assert ":orange-badge[:material/change_circle: geändert] Einwohnermeldeamt" in text
    assert ":gray[vorher: Bürgerbüro]" in text


def test_take_over_checklist_and_go_live(engine, session):
    world = make_world(session)
    submit_product(session, world)
    kisa, coordinator = users(session, world)
    ordered_id = world.ordered[MB].id
    at = _case(engine, kisa, ordered_id)
    click(at, "Ja, Konfiguration übernehmen")
    assert _state(engine, ordered_id) == OrderedProductState.SETUP
    text = all_text(at)
    assert "Konfiguration übernommen." in text and "Einrichtung durch KISA" in text
    labels = [c.label for c in at.checkbox]
    assert labels == ["Transferverzeichnis durch Lecos eingerichtet", "Produktspezifische Konfiguration vorgenommen",
                      "Mit dem Mandanten der Kommune auf Amt24 verknüpft",
                      "Benachrichtigungsmail an die angegebene Adresse eingerichtet"]
    assert popover(at, "Go-Live (Wartungsmodus) …").disabled
    assert "Noch 4 Aufgaben offen" in all_text(at)
    click(at, "Ja, Go-Live im Wartungsmodus")  # pressed anyway: the domain refuses, in German
    assert any(e.startswith("Go-Live ist erst möglich, wenn alle Aufgaben") for e in texts(at, "error"))
    assert _state(engine, ordered_id) == OrderedProductState.SETUP

    for label in labels:
        run(at, next(c for c in at.checkbox if c.label == label).check())
        assert next(c for c in at.checkbox if c.label == label).value
    assert all_text(at).count("erledigt von Kira KISA am") == 4
    assert not at.warning  # no Streamlit warning about a widget's value set twice
    assert "4 von 4 Aufgaben erledigt" in [p.proto.text for p in at.get("progress")]
    assert not popover(at, "Go-Live (Wartungsmodus) …").disabled
    run(at, next(c for c in at.checkbox if c.label == labels[0]).uncheck())  # unticked again: Go-Live closed
    assert popover(at, "Go-Live (Wartungsmodus) …").disabled
    run(at, next(c for c in at.checkbox if c.label == labels[0]).check())

    click(at, "Ja, Go-Live im Wartungsmodus")
    assert _state(engine, ordered_id) == OrderedProductState.TESTING
    text = all_text(at)
    assert "Go-Live im Wartungsmodus." in text and "Stand: Test im Wartungsmodus. Am Zug: Kommune." in text
    assert coordinator.email in [m.to_address for m in mails(session, "lifecycle.go_live")]
    session.commit()
    assert all(c.disabled for c in at.checkbox)  # the checklist is history now


def test_product_without_submission_shows_its_state_only(engine, session):
    world = make_world(session)
    kisa, _ = users(session, world)
    at = _case(engine, kisa, world.ordered[MB].id)
    text = all_text(at)
    assert "Fragebogen noch nicht begonnen." in text and "Stand: bestellt. Am Zug: Kommune." in text
    assert not [b for b in at.button if b.label in ("Ja, Konfiguration übernehmen", "Rückfrage jetzt senden")]


@pytest.mark.parametrize("nr", ["", "999999"])
def test_missing_or_unknown_case_number_is_explained(engine, session, nr):
    world = make_world(session)
    kisa, _ = users(session, world)
    at = open_page(engine, "kisa_case", user=kisa, query={"nr": nr} if nr else None)
    text = all_text(at)
    assert ("Bitte wählen Sie den Vorgang im Arbeitsvorrat." if not nr
            else "Dieses bestellte Produkt wurde nicht gefunden.") in text


def test_a_municipal_user_cannot_open_a_case(engine, session):
    world = make_world(session)
    submit_product(session, world)
    _, coordinator = users(session, world)
    at = open_page(engine, user=coordinator)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/kisa_case.py")


def test_kisa_ends_a_contract_with_a_reason_only_once_the_product_is_set_up(engine, session):
    from tests.backoffice_world import put_in_state

    world = make_world(session)
    kisa, coordinator = users(session, world)
    ordered_id = world.ordered[MB].id
    session.commit()
    assert "Vertrag beenden …" not in [p.label for p in _case(engine, kisa, ordered_id).get("popover")]  # only ordered
    put_in_state(session, world.ordered[MB], OrderedProductState.LIVE)
    kisa, coordinator = users(session, world)  # read again: put_in_state expired the rows
    at = _case(engine, kisa, ordered_id)
    click(at, "Ja, Vertrag beenden")  # without a reason
    assert "Vertrag nicht beendet: Bitte geben Sie den Grund für das Vertragsende an." in texts(at, "error")
    assert _state(engine, ordered_id) == OrderedProductState.LIVE
    at.text_area(key=f"kc_terminate_{ordered_id}").input("Kündigung der Kommune zum 31.12.")
    click(at, "Ja, Vertrag beenden")
    assert _state(engine, ordered_id) == OrderedProductState.TERMINATED
    assert "Vertrag beendet. Die Kommune wurde per E-Mail informiert." in all_text(at)
    assert [m.to_address for m in mails(session, "lifecycle.terminated")] == [coordinator.email]
    assert "Vertrag beenden …" not in [p.label for p in at.get("popover")]


def test_the_case_lists_the_problems_the_municipality_reported_with_links(engine, session):
    from support.threads import report_problem
    from tests.backoffice_world import put_in_state

    world = make_world(session)
    put_in_state(session, world.ordered[MB], OrderedProductState.TESTING)
    report_problem(session, actor=world.coordinator, ordered_product_id=world.ordered[MB].id,
                   title="Absenden schlägt fehl", text="Fehlermeldung nach dem Absenden.")
    session.commit()
    kisa, _ = users(session, world)
    at = _case(engine, kisa, world.ordered[MB].id)
    assert "Meldungen der Kommune (1 offen)" in texts(at, "header")
    assert ":orange-badge[offen] **Absenden schlägt fehl**" in all_text(at)
    assert "seit heute in diesem Stand" in all_text(at)  # not "seit 0 Tagen"
    [link] = [p for p in at.get("page_link") if p.proto.label == "Öffnen"]
    assert "meldung=" in link.proto.query_string


def test_the_case_shows_the_municipalitys_test_progress_and_the_acceptance(engine, session):
    from acceptance.record import accept
    from tests.acceptance_world import keys_of, record_all
    from tests.backoffice_world import in_testing

    world = make_world(session)
    ordered = in_testing(session, world, MB)
    keys = keys_of(session, world.coordinator, ordered)
    record_all(session, world.colleague, ordered, skip=tuple(keys[1:]))
    kisa, _ = users(session, world)
    at = _case(engine, kisa, ordered.id)
    assert f"Testrunde 1: 1 von {len(keys)} Prüfpunkten getestet" in [p.proto.text for p in at.get("progress")]
    [link] = [p for p in at.get("page_link") if p.proto.label == "Test und Abnahme ansehen"]
    assert f"nr={ordered.id}" in link.proto.query_string
    record_all(session, world.colleague, ordered, skip=(keys[0],))
    accept(session, actor=world.coordinator, ordered_product_id=ordered.id)
    session.commit()
    kisa, _ = users(session, world)
    text = all_text(_case(engine, kisa, ordered.id))
    assert ":green-badge[:material/verified: abgenommen] Runde 1 am" in text and "von Clara Koordinatorin" in text
