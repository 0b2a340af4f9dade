"""Problem threads: reporting per state, role and tenant; replies with mails to the right side; solve and reopen;
lists filtered and isolated; German validation messages; audit labels."""

from __future__ import annotations

import pathlib

import pytest
from sqlmodel import col, select

from audit.labels import action_label, entity_label
from core import clock
from core.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from lifecycle.changes import terminate
from models import OrderedProductState, ProblemMessage, ProblemReport, ProblemStatus, User, UserStatus
from support.threads import (
    list_problems,
    mark_solved,
    municipalities_with_problems,
    open_count_for,
    open_problem_count,
    problems_page,
    read_problem,
    reopen,
    reply,
    report_problem,
    reportable_products,
)
from tests.backoffice_world import MB, MRA, actions, audit_details, in_testing, put_in_state
from tests.questionnaire_world import mails, make_world

S = OrderedProductState
KISA_MAILBOX = "antragsmanagement@kisa.example"
REPORTABLE = {S.TESTING, S.ACCEPTED, S.LIVE, S.CHANGE_REQUESTED}


@pytest.fixture
def world(session):
    from tests.questionnaire_builders import questionnaire_catalog

    questionnaire_catalog(session)
    return make_world(session)


def report(session, actor, ordered_id, title="Absenden schlägt fehl", text="Nach dem Absenden erscheint Fehler 500.",
           **kwargs) -> int:
    report_id = report_problem(session, actor=actor, ordered_product_id=ordered_id, title=title, text=text, **kwargs)
    session.commit()
    return report_id


def addresses(session, event):
    found = [m.to_address for m in mails(session, event)]
    session.commit()
    return found


def stored(session, report_id) -> ProblemReport:
    session.expire_all()
    row = session.get(ProblemReport, report_id)
    session.commit()
    assert row is not None
    return row


def test_a_problem_from_the_test_goes_to_kisa_with_a_link_to_the_thread(session, world):
    ordered_id = in_testing(session, world).id  # taken over by Kira KISA: the case is assigned to her
    report_id = report(session, world.colleague, ordered_id, title="  Absenden schlägt fehl ",
                       text="Schritt 3:\nFehler 500\x00", test_item="testantrag")
    row = stored(session, report_id)
    assert (row.title, row.status, row.test_item, row.created_by_name) == (
        "Absenden schlägt fehl", ProblemStatus.OPEN, "testantrag", "Karl Kollege")
    [first] = session.exec(select(ProblemMessage).where(ProblemMessage.report_id == report_id)).all()
    assert (first.text, first.from_kisa, first.author_name) == ("Schritt 3:\nFehler 500", False, "Karl Kollege")
    sent = mails(session, "problem.reported")
    assert sorted(m.to_address for m in sent) == sorted([KISA_MAILBOX, world.kisa.email])  # never the municipality
    mail = sent[0]
    assert mail.subject == "Neue Meldung: Absenden schlägt fehl – Meldebescheinigung (Riesa)"
    for part in ("Karl Kollege (Riesa", "„Meldebescheinigung“", "Schritt 3:\nFehler 500", "Test im Wartungsmodus",
                 "Aus dem Testpunkt: Ein Testantrag lässt sich vollständig ausfüllen und absenden",
                 f"/meldungen?meldung={report_id}", f"/vorgang?nr={ordered_id}"):
        assert part in mail.text_body, part
    assert f'/meldungen?meldung={report_id}">Meldung öffnen</a>' in mail.html_body
    session.commit()
    assert actions(session, "problem.") == ["problem.reported"]
    assert audit_details(session, "problem.reported") == [
        "Problem „Absenden schlägt fehl“ zu Meldebescheinigung gemeldet (Testpunkt „Ein Testantrag lässt sich vollständig "
        "ausfüllen und absenden“)."]


@pytest.mark.parametrize("state", list(S))
def test_a_problem_can_be_reported_from_the_test_on_while_the_product_runs(session, world, state):
    ordered = put_in_state(session, world.ordered[MB], state)
    ordered_id = ordered.id
    if state in REPORTABLE:
        report(session, world.coordinator, ordered_id)
        assert len(list_problems(session, actor=world.coordinator)) == 1
        return
    with pytest.raises(DomainError) as refused:
        report(session, world.coordinator, ordered_id)
    session.rollback()
    if state in (S.CANCELLED, S.TERMINATED):
        assert "keine Probleme mehr melden" in str(refused.value)
    else:
        assert "sobald KISA das OAA im Wartungsmodus zum Test bereitgestellt hat" in str(refused.value)
    assert list_problems(session, actor=world.coordinator) == [] and addresses(session, "problem.reported") == []


def test_only_the_products_own_municipality_may_report_a_problem(session, world):
    ordered_id = put_in_state(session, world.ordered[MB], S.LIVE).id
    with pytest.raises(NotFound):  # another municipality: as if the product did not exist
        report(session, world.other, ordered_id)
    session.rollback()
    for staff in (world.kisa, world.admin):
        with pytest.raises(PermissionDenied):
            report(session, staff, ordered_id)
        session.rollback()
    with pytest.raises(NotFound):
        report(session, world.coordinator, 999_999)
    session.rollback()
    assert session.exec(select(ProblemReport)).all() == []


def test_what_was_typed_is_checked_with_german_messages_at_the_fields(session, world):
    ordered_id = put_in_state(session, world.ordered[MB], S.TESTING).id
    with pytest.raises(FieldErrors) as problem:
        report_problem(session, actor=world.coordinator, ordered_product_id=None, title=" \n ", text="  ",
                       test_item="kein Schlüssel!")
    session.rollback()
    assert problem.value.errors == {
        "product": "Bitte wählen Sie das Produkt, zu dem Sie ein Problem melden.",
        "title": "Bitte geben Sie einen kurzen Titel an, z. B. „Absenden des Antrags schlägt fehl“.",
        "text": "Bitte beschreiben Sie das Problem: Was haben Sie getan, was ist passiert, und was hätten Sie erwartet?",
        "test_item": "Der Testpunkt ist nicht gültig. Bitte melden Sie das Problem aus der Test-Checkliste heraus "
                     "oder ohne Testpunkt.",
    }
    with pytest.raises(FieldErrors) as problem:
        report(session, world.coordinator, ordered_id, title="ab", text="x" * 4001, test_item="a" * 61)
    session.rollback()
    assert problem.value.errors["title"] == "Der Titel ist zu kurz: bitte mindestens 3 Zeichen."
    assert problem.value.errors["text"] == "Bitte kürzen Sie auf höchstens 4000 Zeichen (jetzt 4001)."
    assert "test_item" in problem.value.errors
    with pytest.raises(FieldErrors) as problem:
        report(session, world.coordinator, ordered_id, title="T" * 201)
    session.rollback()
    assert problem.value.errors == {"title": "Bitte kürzen Sie den Titel auf höchstens 200 Zeichen (jetzt 201)."}
    report_id = report(session, world.coordinator, ordered_id, title="Ä" * 200, text="y" * 4000)  # the limits fit
    with pytest.raises(FieldErrors) as problem:
        reply(session, actor=world.kisa, report_id=report_id, text="\u202e \t")
    session.rollback()
    assert problem.value.errors == {"text": "Bitte schreiben Sie Ihre Nachricht."}
    with pytest.raises(FieldErrors) as problem:
        reopen(session, actor=world.coordinator, report_id=report_id, reason="")
    session.rollback()
    assert problem.value.errors == {"reason": "Bitte geben Sie kurz an, warum die Meldung wieder geöffnet werden soll."}
    assert session.exec(select(ProblemReport)).all() != [] and len(actions(session, "problem.")) == 1


def test_kisas_answer_goes_to_the_coordinators_and_the_reporter_and_a_municipal_reply_to_kisa(session, world):
    ordered_id = in_testing(session, world).id  # submitted by the coordinator
    report_id = report(session, world.colleague, ordered_id)
    assert reply(session, actor=world.kisa, report_id=report_id, text="Bitte senden Sie uns einen Screenshot.") is False
    session.commit()
    answered = mails(session, "problem.answered")
    assert sorted(m.to_address for m in answered) == sorted([world.coordinator.email, world.colleague.email])
    assert answered[0].subject == "Antwort von KISA: Absenden schlägt fehl (Meldebescheinigung)"
    assert "Bitte senden Sie uns einen Screenshot." in answered[0].text_body and "Kira KISA" in answered[0].text_body
    assert f"meldungen?meldung={report_id}" in answered[0].text_body
    assert addresses(session, "problem.updated") == []

    assert reply(session, actor=world.coordinator, report_id=report_id, text="Screenshot folgt per Post.") is False
    session.commit()
    updated = mails(session, "problem.updated")
    assert sorted(m.to_address for m in updated) == sorted([KISA_MAILBOX, world.kisa.email])
    assert updated[0].subject == "Neue Nachricht zur Meldung: Absenden schlägt fehl (Riesa)"
    assert "Clara Koordinatorin (Riesa) hat zur Meldung" in updated[0].text_body
    assert "Screenshot folgt per Post." in updated[0].text_body
    assert len(mails(session, "problem.answered")) == 2  # nothing new to the municipality for its own message
    session.commit()
    thread = read_problem(session, actor=world.kisa, report_id=report_id)
    assert [(m.side, m.author_name) for m in thread.messages] == [
        ("Kommune", "Karl Kollege"), ("KISA", "Kira KISA"), ("Kommune", "Clara Koordinatorin")]
    assert (thread.row.message_count, thread.row.last_author, thread.row.kisa_answered) == (3, "Clara Koordinatorin", True)
    assert thread.row.waiting_for_kisa and thread.row.last_side == "Kommune"


def test_a_disabled_reporter_gets_no_mail_and_may_no_longer_write(session, world):
    ordered_id = put_in_state(session, world.ordered[MB], S.LIVE).id
    report_id = report(session, world.colleague, ordered_id)
    user = session.get(User, world.colleague.user_id)
    user.status = UserStatus.DISABLED
    session.add(user)
    session.commit()
    reply(session, actor=world.kisa, report_id=report_id, text="Erledigt?")
    session.commit()
    assert addresses(session, "problem.answered") == [world.coordinator.email]
    with pytest.raises(PermissionDenied):
        reply(session, actor=world.colleague, report_id=report_id, text="Ich bin noch da")
    session.rollback()


def test_kisa_solves_the_municipality_reopens_by_replying_and_kisa_may_write_in_a_solved_thread(session, world):
    ordered_id = in_testing(session, world).id
    report_id = report(session, world.coordinator, ordered_id)
    reply(session, actor=world.kisa, report_id=report_id, text="Die Gebühr war falsch hinterlegt; korrigiert.")
    mark_solved(session, actor=world.kisa, report_id=report_id)
    session.commit()
    row = stored(session, report_id)
    assert (row.status, row.solved_by_name) == (ProblemStatus.SOLVED, "Kira KISA") and row.solved_at is not None
    [solved] = mails(session, "problem.solved")
    assert solved.to_address == world.coordinator.email
    assert solved.subject == "Meldung gelöst: Absenden schlägt fehl (Meldebescheinigung)"
    assert "Unsere letzte Antwort:\nDie Gebühr war falsch hinterlegt; korrigiert." in solved.text_body
    session.commit()
    with pytest.raises(DomainError, match="bereits als gelöst markiert"):
        mark_solved(session, actor=world.coordinator, report_id=report_id)
    session.rollback()

    # KISA adds a note to the solved thread: it stays solved
    assert reply(session, actor=world.kisa, report_id=report_id, text="Nachtrag: ab morgen aktiv.") is False
    session.commit()
    assert stored(session, report_id).status == ProblemStatus.SOLVED
    # the municipality answers: the problem is open again and KISA is told so
    assert reply(session, actor=world.coordinator, report_id=report_id, text="Der Fehler tritt weiter auf.") is True
    session.commit()
    row = stored(session, report_id)
    assert (row.status, row.solved_at, row.solved_by_name) == (ProblemStatus.OPEN, None, "")
    updated = mails(session, "problem.updated")
    assert {m.subject for m in updated} == {"Meldung wieder geöffnet: Absenden schlägt fehl (Riesa)"}
    assert "hat die Meldung „Absenden schlägt fehl“ zum Online-Antragsassistenten „Meldebescheinigung“ wieder geöffnet" \
        in updated[0].text_body
    session.commit()
    assert actions(session, "problem.") == ["problem.reported", "problem.replied", "problem.solved", "problem.replied",
                                            "problem.replied", "problem.reopened"]


def test_the_municipality_may_solve_itself_without_mails_and_reopen_with_a_reason(session, world):
    ordered_id = in_testing(session, world).id
    report_id = report(session, world.coordinator, ordered_id)
    mark_solved(session, actor=world.colleague, report_id=report_id)
    session.commit()
    assert stored(session, report_id).solved_by_name == "Karl Kollege"
    assert addresses(session, "problem.solved") == [] and addresses(session, "problem.updated") == []
    thread = read_problem(session, actor=world.coordinator, report_id=report_id)
    assert thread.may_reopen and thread.reply_reopens
    assert not read_problem(session, actor=world.kisa, report_id=report_id).reply_reopens  # KISA's reply does not

    reopen(session, actor=world.coordinator, report_id=report_id, reason="Tritt bei Zahlungsart Überweisung auf.")
    session.commit()
    assert stored(session, report_id).status == ProblemStatus.OPEN
    thread = read_problem(session, actor=world.coordinator, report_id=report_id)
    assert thread.messages[-1].text == "Wieder geöffnet: Tritt bei Zahlungsart Überweisung auf."
    assert not thread.may_reopen and not thread.reply_reopens
    assert sorted(addresses(session, "problem.updated")) == sorted([KISA_MAILBOX, world.kisa.email])
    with pytest.raises(DomainError, match="bereits offen"):
        reopen(session, actor=world.coordinator, report_id=report_id, reason="noch einmal")
    session.rollback()

    mark_solved(session, actor=world.kisa, report_id=report_id)
    reopen(session, actor=world.kisa, report_id=report_id, reason="Unser Fix greift noch nicht.")
    session.commit()
    reopened = mails(session, "problem.answered")
    assert [m.to_address for m in reopened] == [world.coordinator.email]
    assert reopened[0].subject == "KISA hat Ihre Meldung wieder geöffnet: Absenden schlägt fehl (Meldebescheinigung)"
    assert "Unser Fix greift noch nicht." in reopened[0].text_body
    session.commit()
    assert audit_details(session, "problem.reopened")[-1] == (
        "Meldung „Absenden schlägt fehl“ wieder geöffnet: Unser Fix greift noch nicht.")


def test_a_solved_problem_of_an_ended_contract_stays_solved(session, world):
    ordered_id = put_in_state(session, world.ordered[MB], S.LIVE).id
    report_id = report(session, world.coordinator, ordered_id)
    mark_solved(session, actor=world.kisa, report_id=report_id)
    terminate(session, actor=world.kisa, ordered_product_id=ordered_id, reason="Kündigung zum Jahresende.")
    session.commit()
    with pytest.raises(DomainError, match="lässt sich nicht mehr wieder öffnen"):
        reply(session, actor=world.coordinator, report_id=report_id, text="Noch eine Frage")
    session.rollback()
    with pytest.raises(DomainError, match="lässt sich nicht mehr wieder öffnen"):
        reopen(session, actor=world.kisa, report_id=report_id, reason="doch nicht")
    session.rollback()
    assert reply(session, actor=world.kisa, report_id=report_id, text="Zur Information: Vertrag beendet.") is False
    session.commit()
    thread = read_problem(session, actor=world.coordinator, report_id=report_id)
    assert thread.product_state_name == "beendet" and not thread.may_reopen and not thread.reply_reopens


def test_another_municipality_never_learns_that_a_thread_exists(session, world):
    ordered_id = put_in_state(session, world.ordered[MB], S.TESTING).id
    report_id = report(session, world.coordinator, ordered_id)
    calls = [
        lambda: read_problem(session, actor=world.other, report_id=report_id),
        lambda: reply(session, actor=world.other, report_id=report_id, text="Hallo"),
        lambda: mark_solved(session, actor=world.other, report_id=report_id),
        lambda: reopen(session, actor=world.other, report_id=report_id, reason="Grund"),
    ]
    for call in calls:
        with pytest.raises(NotFound) as foreign:
            call()
        session.rollback()
        assert str(foreign.value) == "Diese Meldung wurde nicht gefunden."
    with pytest.raises(NotFound) as missing:
        read_problem(session, actor=world.coordinator, report_id=report_id + 1000)
    assert str(missing.value) == "Diese Meldung wurde nicht gefunden."  # reads the same as a foreign one
    session.rollback()
    assert list_problems(session, actor=world.other) == []
    assert list_problems(session, actor=world.other, municipality_id=world.town.id) == []
    assert open_count_for(session, actor=world.other) == 0
    with pytest.raises(PermissionDenied):
        municipalities_with_problems(session, actor=world.other)
    session.rollback()
    assert [m.text for m in session.exec(select(ProblemMessage)).all()] == ["Nach dem Absenden erscheint Fehler 500."]


def test_lists_show_newest_activity_first_and_filter_by_status_product_municipality_and_title(session, world):
    mb = put_in_state(session, world.ordered[MB], S.TESTING).id
    mra = put_in_state(session, world.ordered[MRA], S.LIVE).id
    other = put_in_state(session, world.other_ordered, S.LIVE).id
    first = report(session, world.coordinator, mb, title="Gebühr 100% falsch")
    clock.advance(60)
    second = report(session, world.colleague, mra, title="Logo fehlt")
    clock.advance(60)
    foreign = report(session, world.other, other, title="Gebühr in Meißen")
    clock.advance(60)
    reply(session, actor=world.kisa, report_id=first, text="Wir sehen nach.")
    clock.advance(60)
    mark_solved(session, actor=world.coordinator, report_id=second)
    session.commit()

    own = list_problems(session, actor=world.coordinator)
    assert [r.report_id for r in own] == [second, first]  # the solve is the latest activity
    assert {r.municipality_name for r in own} == {"Riesa"}
    row = next(r for r in own if r.report_id == first)
    assert (row.product_name, row.status_name, row.message_count, row.last_author, row.last_side, row.kisa_answered) \
        == ("Meldebescheinigung", "offen", 2, "Kira KISA", "KISA", True)
    assert not row.waiting_for_kisa
    solved = next(r for r in own if r.report_id == second)
    assert (solved.status_name, solved.kisa_answered, solved.solved_by_name) == ("gelöst", False, "Clara Koordinatorin")

    everything = list_problems(session, actor=world.kisa)
    assert [r.report_id for r in everything] == [second, first, foreign]
    assert [r.report_id for r in list_problems(session, actor=world.kisa, status=ProblemStatus.OPEN)] == [first, foreign]
    assert [r.report_id for r in list_problems(session, actor=world.kisa, municipality_id=world.other_town.id)] == [foreign]
    assert [r.report_id for r in list_problems(session, actor=world.admin, ordered_product_id=mra)] == [second]
    assert [r.report_id for r in list_problems(session, actor=world.kisa, query="gebühr")] == [first, foreign]
    assert [r.report_id for r in list_problems(session, actor=world.kisa, query="100%")] == [first]  # literally
    assert [r.report_id for r in list_problems(session, actor=world.kisa, query="0%")] == [first]
    assert list_problems(session, actor=world.kisa, query="_") == []
    assert [r.report_id for r in list_problems(session, actor=world.kisa, query="Melderegister")] == [second]  # product
    assert [r.report_id for r in list_problems(session, actor=world.other)] == [foreign]

    # KISA's list a page at a time: the same order and filters, counted in the database, names for the page only
    def paged(number: int, **filters):
        page = problems_page(session, actor=world.kisa, number=number, size=2, **filters)
        return page.total, page.number, [r.report_id for r in page.items]

    assert paged(1) == (3, 1, [second, first]) and paged(2) == (3, 2, [foreign]) and paged(7) == (3, 2, [foreign])
    assert paged(1, status=ProblemStatus.OPEN) == (2, 1, [first, foreign])
    assert paged(1, query="gebühr", municipality_id=world.town.id) == (1, 1, [first])
    assert paged(1, query="_") == (0, 1, [])
    assert problems_page(session, actor=world.kisa, number=1, size=2).items == everything[:2]  # same rows as the list
    assert problems_page(session, actor=world.coordinator, number=1, size=5).total == 2  # own municipality only

    assert open_problem_count(session, mb) == 1 and open_problem_count(session, mra) == 0
    assert open_count_for(session, actor=world.coordinator) == 1
    assert open_count_for(session, actor=world.other) == 1
    assert open_count_for(session, actor=world.kisa) == 2
    assert municipalities_with_problems(session, actor=world.kisa) == sorted(
        [(world.other_town.id, "Meißen"), (world.town.id, "Riesa")], key=lambda m: m[1])
    session.commit()


def test_the_product_choice_lists_only_own_products_from_the_test_on(session, world):
    put_in_state(session, world.ordered[MB], S.TESTING)
    put_in_state(session, world.ordered[MRA], S.SETUP)
    put_in_state(session, world.other_ordered, S.LIVE)
    choices = reportable_products(session, actor=world.coordinator)
    assert [(c.product_name, c.state_name) for c in choices] == [("Meldebescheinigung", "Test im Wartungsmodus")]
    with pytest.raises(PermissionDenied):
        reportable_products(session, actor=world.kisa)
    session.rollback()


def test_every_problem_action_is_audit_logged_with_a_german_label(session, world):
    ordered_id = put_in_state(session, world.ordered[MB], S.ACCEPTED).id
    report_id = report(session, world.coordinator, ordered_id)
    reply(session, actor=world.kisa, report_id=report_id, text="Antwort")
    mark_solved(session, actor=world.kisa, report_id=report_id)
    reopen(session, actor=world.coordinator, report_id=report_id, reason="Noch nicht behoben")
    session.commit()
    recorded = actions(session, "problem.")
    assert recorded == ["problem.reported", "problem.replied", "problem.solved", "problem.reopened"]
    assert [action_label(a) for a in recorded] == ["Problem an KISA gemeldet", "Nachricht zu einer Meldung geschrieben",
                                                   "Meldung als gelöst markiert", "Meldung wieder geöffnet"]
    assert entity_label("problem", str(report_id)) == f"Meldung {report_id}"
    assert audit_details(session, "problem.solved") == ["Meldung „Absenden schlägt fehl“ als gelöst markiert (KISA)."]
    rows = session.exec(select(ProblemMessage.text).order_by(col(ProblemMessage.id))).all()
    assert list(rows)[-1] == "Wieder geöffnet: Noch nicht behoben"


def test_the_support_package_does_not_import_streamlit():
    package = pathlib.Path(__file__).resolve().parents[1] / "support"
    for path in package.glob("*.py"):
        assert "streamlit" not in path.read_text(encoding="utf-8"), path.name
