"""AppTest: the Meldungen page — report from a prefilled link, the thread as a conversation, replies, KISA's answer,
solve and reopen, isolation between municipalities, KISA's filters."""

from __future__ import annotations

import pytest

from lifecycle.changes import terminate
from models import OrderedProductState, ProblemReport, ProblemStatus
from support.threads import mark_solved, reply, report_problem
from tests.apptest_helpers import all_text, app_like_server, click, field_message, load, open_page, run, texts
from tests.backoffice_world import MB, MRA, put_in_state
from tests.kisa_pages import popover
from tests.questionnaire_world import mails, make_world, user_row

__all__ = ["app_like_server"]  # autouse fixture

S = OrderedProductState


@pytest.fixture
def world(session):
    return make_world(session)


def _user(session, actor):
    row = user_row(session, actor)
    session.commit()  # SQLite: no read lock left while the app runs
    return row


def _reported(session, world, title="Gebühr wird falsch berechnet", *, state=S.TESTING, by=None, product=MB) -> int:
    ordered_id = put_in_state(session, world.ordered[product], state).id
    report_id = report_problem(session, actor=by or world.coordinator, ordered_product_id=ordered_id, title=title,
                               text="Statt 8,00 € stehen 80,00 € im Antrag.")
    session.commit()
    return report_id


def _thread(engine, user, report_id: int):
    return open_page(engine, "problems", user=user, query={"meldung": str(report_id)})


def _report(engine, report_id: int) -> ProblemReport:
    [row] = load(engine, ProblemReport, ProblemReport.id == report_id)
    return row


def test_a_tester_reports_a_problem_from_the_prefilled_link_of_the_test_checklist(engine, session, world):
    ordered_id = put_in_state(session, world.ordered[MB], S.TESTING).id
    put_in_state(session, world.ordered[MRA], S.SETUP)  # not yet testable: not offered
    colleague = _user(session, world.colleague)
    at = open_page(engine, "problems", user=colleague,
                   query={"nr": str(ordered_id), "punkt": "testantrag", "titel": "Gebühr wird nicht angezeigt"})
    assert texts(at, "title") == ["Meldungen an KISA"]
    product = at.selectbox(key="pr_new_product")
    assert product.value == ordered_id and product.options == ["Meldebescheinigung (Test im Wartungsmodus)"]
    assert at.text_input(key="pr_new_title").value == "Gebühr wird nicht angezeigt"
    assert "Aus dem Testpunkt „Ein Testantrag lässt sich vollständig ausfüllen und absenden“ der Test-Checkliste" in all_text(at)
    assert "Sie haben noch keine Probleme gemeldet." in all_text(at)

    click(at, "Problem an KISA melden")  # no description yet: a message at the field, the title stays
    assert field_message(at, "pr_new_text") == ("Bitte beschreiben Sie das Problem: Was haben Sie getan, was ist "
                                               "passiert, und was hätten Sie erwartet?")
    assert at.text_input(key="pr_new_title").value == "Gebühr wird nicht angezeigt"
    assert load(engine, ProblemReport) == []

    at.text_area(key="pr_new_text").input("Im Schritt „Zahlung“ fehlt die Gebühr.\nBrowser: Firefox")
    click(at, "Problem an KISA melden")
    [row] = load(engine, ProblemReport)
    assert (row.title, row.test_item, row.created_by_name) == ("Gebühr wird nicht angezeigt", "testantrag",
                                                               "Karl Kollege")
    assert "Ihre Meldung ist bei KISA eingegangen. Sie erhalten eine E-Mail, sobald KISA antwortet." in texts(at, "success")
    assert texts(at, "title") == ["Gebühr wird nicht angezeigt"]  # the new thread is open
    [message] = at.chat_message
    assert message.name == "Kommune"
    assert "Im Schritt „Zahlung“ fehlt die Gebühr.  \nBrowser: Firefox" in "\n".join(texts(message, "markdown"))
    assert "**Karl Kollege** · Kommune" in "\n".join(texts(message, "markdown"))
    assert "aus dem Testpunkt „Ein Testantrag lässt sich vollständig ausfüllen und absenden“" in all_text(at)
    assert {m.to_address for m in mails(session, "problem.reported")} == {"antragsmanagement@kisa.example"}
    session.commit()


def test_without_a_product_in_the_test_there_is_nothing_to_report_yet(engine, session, world):
    coordinator = _user(session, world.coordinator)
    at = open_page(engine, "problems", user=coordinator)
    assert "sobald KISA ein bestelltes OAA im Wartungsmodus zum Test bereitgestellt hat" in all_text(at)
    assert not [b for b in at.button if b.label == "Problem an KISA melden"]


def test_kisa_answers_in_the_thread_and_the_municipality_sees_that_kisa_has_answered(engine, session, world):
    report_id = _reported(session, world)
    kisa, coordinator = _user(session, world.kisa), _user(session, world.coordinator)
    at = open_page(engine, "problems", user=kisa)
    text = all_text(at)
    assert texts(at, "title") == ["Meldungen"] and "**1 offene Meldung** insgesamt" in text
    assert "Gebühr wird falsch berechnet" in text and "Riesa" in text and "Antwort ausstehend" in text

    click(at, "Öffnen")  # the thread opens on the same page, with its number in the address
    assert texts(at, "title") == ["Gebühr wird falsch berechnet"] and at.query_params["meldung"] == str(report_id)
    assert [m.name for m in at.chat_message] == ["Kommune"]
    at.text_area(key=f"pr_reply_{report_id}").input("Danke, wir korrigieren den Gebührensatz.")
    click(at, "Antwort senden")
    assert "Antwort gesendet. Die Kommune wurde per E-Mail informiert." in texts(at, "success")
    assert [m.name for m in at.chat_message] == ["Kommune", "KISA"]
    assert "**Kira KISA** · KISA" in texts(at.chat_message[1], "markdown")[0]
    assert at.text_area(key=f"pr_reply_{report_id}").value == ""  # sent: emptied
    assert [m.to_address for m in mails(session, "problem.answered")] == [coordinator.email]
    session.commit()
    click(at, "Alle Meldungen")
    assert texts(at, "title") == ["Meldungen"] and "meldung" not in at.query_params

    listing = open_page(engine, "problems", user=coordinator)
    text = all_text(listing)
    assert "Offen (1)" in text and "KISA hat geantwortet" in text and "2 Nachrichten" in text
    thread = _thread(engine, coordinator, report_id)
    thread.text_area(key=f"pr_reply_{report_id}").input("Vielen Dank!")
    click(thread, "Antwort senden")
    assert "Antwort gesendet. KISA wurde per E-Mail informiert." in texts(thread, "success")
    assert [m.name for m in thread.chat_message] == ["Kommune", "KISA", "Kommune"]


def test_kisa_marks_solved_and_the_municipality_reopens_with_a_reason(engine, session, world):
    report_id = _reported(session, world)
    kisa, coordinator = _user(session, world.kisa), _user(session, world.coordinator)
    at = _thread(engine, kisa, report_id)
    assert popover(at, "Als gelöst markieren …")
    click(at, "Ja, als gelöst markieren")
    assert "Die Meldung ist als gelöst markiert. Die Kommune wurde per E-Mail informiert." in texts(at, "success")
    assert _report(engine, report_id).status == ProblemStatus.SOLVED
    assert [m.to_address for m in mails(session, "problem.solved")] == [coordinator.email]
    session.commit()

    listing = open_page(engine, "problems", user=coordinator)
    assert "Offen (0)" in all_text(listing) and "Gelöst (1)" in all_text(listing)
    thread = _thread(engine, coordinator, report_id)
    assert "gelöst von Kira KISA" in all_text(thread)
    assert "Mit Ihrer Antwort wird sie wieder geöffnet." in all_text(thread)
    click(thread, "Ja, wieder öffnen")  # no reason: refused at the field
    assert field_message(thread, f"pr_reason_{report_id}") == (
        "Bitte geben Sie kurz an, warum die Meldung wieder geöffnet werden soll.")
    assert _report(engine, report_id).status == ProblemStatus.SOLVED
    thread.text_area(key=f"pr_reason_{report_id}").input("Bei Überweisung ist die Gebühr weiter falsch.")
    click(thread, "Ja, wieder öffnen")
    assert "Die Meldung ist wieder offen. KISA wurde per E-Mail informiert." in texts(thread, "success")
    assert _report(engine, report_id).status == ProblemStatus.OPEN
    assert "Wieder geöffnet: Bei Überweisung ist die Gebühr weiter falsch." in all_text(thread)
    assert popover(thread, "Als gelöst markieren …")  # open again: it can be solved again


def test_a_municipal_reply_to_a_solved_problem_reopens_it_and_says_so(engine, session, world):
    report_id = _reported(session, world)
    mark_solved(session, actor=world.kisa, report_id=report_id)
    session.commit()
    coordinator = _user(session, world.coordinator)
    at = _thread(engine, coordinator, report_id)
    at.text_area(key=f"pr_reply_{report_id}").input("Leider noch nicht behoben.")
    click(at, "Antwort senden")
    assert ("Antwort gesendet. Die Meldung war als gelöst markiert und ist damit wieder offen; KISA wurde per "
            "E-Mail informiert.") in texts(at, "success")
    assert _report(engine, report_id).status == ProblemStatus.OPEN


def test_typed_text_stays_when_a_reply_is_refused(engine, session, world):
    report_id = _reported(session, world, state=S.LIVE)
    mark_solved(session, actor=world.kisa, report_id=report_id)
    session.commit()
    coordinator = _user(session, world.coordinator)
    at = _thread(engine, coordinator, report_id)
    terminate(session, actor=world.kisa, ordered_product_id=world.ordered[MB].id, reason="Kündigung")  # meanwhile
    session.commit()
    at.text_area(key=f"pr_reply_{report_id}").input("Noch eine Frage zur Gebühr.")
    click(at, "Antwort senden")
    message = field_message(at, f"pr_reply_{report_id}")
    assert message is not None and "lässt sich nicht mehr wieder öffnen" in message
    assert at.text_area(key=f"pr_reply_{report_id}").value == "Noch eine Frage zur Gebühr."
    assert mails(session, "problem.updated") == []
    session.commit()


def test_another_municipality_cannot_open_a_foreign_thread(engine, session, world):
    report_id = _reported(session, world)
    other = _user(session, world.other)
    at = _thread(engine, other, report_id)
    assert "Diese Meldung wurde nicht gefunden." in texts(at, "error")
    assert "Gebühr wird falsch berechnet" not in all_text(at) and not at.chat_message
    listing = open_page(engine, "problems", user=other)
    assert "Gebühr wird falsch berechnet" not in all_text(listing)


def test_kisa_filters_by_status_municipality_and_title(engine, session, world):
    first = _reported(session, world, "Gebühr wird falsch berechnet")
    second = _reported(session, world, "Logo fehlt", state=S.LIVE, product=MRA, by=world.colleague)
    put_in_state(session, world.other_ordered, S.LIVE)
    report_problem(session, actor=world.other, ordered_product_id=world.other_ordered.id, title="Meißen: Druckbild",
                   text="Der Ausdruck ist leer.")
    mark_solved(session, actor=world.kisa, report_id=second)
    reply(session, actor=world.kisa, report_id=first, text="Wir prüfen das.")
    session.commit()
    kisa = _user(session, world.kisa)
    at = open_page(engine, "problems", user=kisa)
    text = all_text(at)
    assert "**2 offene Meldungen** insgesamt" in text and "**2 Meldungen** zu diesen Filtern" in text
    assert "Logo fehlt" not in text  # solved: not in the default view
    assert "wartet auf die Kommune" in text and "Antwort ausstehend" in text
    run(at, at.selectbox(key="pr_status").set_value("all"))
    assert "Logo fehlt" in all_text(at) and "**3 Meldungen** zu diesen Filtern" in all_text(at)
    run(at, at.selectbox(key="pr_town").set_value(world.other_town.id))
    assert "Meißen: Druckbild" in all_text(at) and "Gebühr wird falsch berechnet" not in all_text(at)
    run(at, at.selectbox(key="pr_town").set_value(None))
    run(at, at.text_input(key="pr_search").input("gebühr"))
    assert "**1 Meldung** zu diesen Filtern" in all_text(at) and "Gebühr wird falsch berechnet" in all_text(at)


def test_what_people_wrote_is_shown_as_typed_never_as_markdown(engine, session, world):
    ordered_id = put_in_state(session, world.ordered[MB], S.TESTING).id
    report_id = report_problem(session, actor=world.coordinator, ordered_product_id=ordered_id,
                               title="Absenden *fett* [hier](https://evil.example)",
                               text="# Überschrift\n<b>HTML</b> und ![Bild](https://evil.example/x.png)")
    session.commit()
    at = _thread(engine, _user(session, world.coordinator), report_id)
    [title] = at.title
    assert "\\*fett\\*" in title.value and "\\[hier\\]\\(https\\://evil\\.example\\)" in title.value
    body = texts(at.chat_message[0], "markdown")[1]
    assert body == "# Überschrift  \n<b>HTML</b> und ![Bild](https://evil.example/x.png)"  # as read, after unescaping
    assert "\\#" in at.chat_message[0].markdown[1].value and "\\<b\\>" in at.chat_message[0].markdown[1].value


def test_kisa_town_filter_lists_a_municipality_as_soon_as_it_reports(engine, session, world):
    _reported(session, world, "Gebühr wird falsch berechnet")
    kisa = _user(session, world.kisa)
    at = open_page(engine, "problems", user=kisa)
    assert at.selectbox(key="pr_town").options == ["Riesa"]
    put_in_state(session, world.other_ordered, S.LIVE)
    report_problem(session, actor=world.other, ordered_product_id=world.other_ordered.id, title="Meißen: Druckbild",
                   text="Der Ausdruck ist leer.")
    session.commit()
    run(at)  # the list is cached for all staff, but a new report makes a new one
    assert at.selectbox(key="pr_town").options == ["Meißen", "Riesa"]
    run(at, at.selectbox(key="pr_town").set_value(world.other_town.id))
    assert "**1 Meldung** zu diesen Filtern" in all_text(at) and "Meißen: Druckbild" in all_text(at)
