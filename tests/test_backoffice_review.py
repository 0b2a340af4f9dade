"""KISA's review: answers and changes since the previous submission, remarks per answer, the query back."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from backoffice.review import MAX_COMMENT, add_comment, ask_back, delete_comment, read_review, sent_comments, take_over
from core.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from models import OrderedProductState, Questionnaire, QuestionnaireSubmission, ReviewComment, UserStatus
from questionnaire.store import load_answers
from tests.backoffice_world import MB, actions, history, resubmit, save, submitted
from tests.questionnaire_world import mails, make_world, named_user, opened, state_of, user_row

S = OrderedProductState


@pytest.fixture
def world(session):
    return make_world(session)


@pytest.fixture
def review(session, world):
    """Riesa's Meldebescheinigung, filled and submitted by the colleague (the coordinator is another person)."""
    return submitted(session, world, MB, by=world.colleague)


def comment_rows(session, questionnaire_id):
    return list(session.exec(select(ReviewComment).where(ReviewComment.questionnaire_id == questionnaire_id)
                             .order_by(col(ReviewComment.id))).all())


def test_the_first_submission_has_all_answers_and_no_changes(session, world, review):
    view = read_review(session, actor=world.kisa, questionnaire_id=review)
    stored = session.exec(select(QuestionnaireSubmission).where(QuestionnaireSubmission.questionnaire_id == review)).one()
    assert (view.submission_number, view.submitted_by, view.state) == (1, "Karl Kollege", S.SUBMITTED)
    assert (view.product_name, view.municipality_name) == ("Meldebescheinigung", "Riesa")
    assert view.answers == load_answers(stored.answers) and view.answers["benachrichtigung.email"] == "antraege@example.org"
    assert view.previous is None and view.changed_keys == frozenset()
    assert view.comments == () and "datenschutz" in [s.key for s in view.steps]
    assert read_review(session, actor=world.admin, questionnaire_id=review).answers == view.answers


def test_a_questionnaire_never_submitted_has_nothing_to_review(session, world):
    questionnaire_id = opened(session, world.coordinator, world.ordered[MB])
    with pytest.raises(NotFound, match="noch nicht eingereicht"):
        read_review(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    with pytest.raises(NotFound):
        read_review(session, actor=world.kisa, questionnaire_id=999_999)


def test_comments_are_kept_per_answer_with_author(session, world, review):
    first = add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="produkt.gebuehr",
                        text="  Die Gebühr laut Satzung beträgt 10 Euro.\r\nBitte prüfen.  ")
    second = add_comment(session, actor=world.admin, questionnaire_id=review, question_key="produkt.gebuehr",
                         text="x" * MAX_COMMENT)
    session.commit()
    view = read_review(session, actor=world.kisa, questionnaire_id=review)
    on_fee = view.comments_on("produkt.gebuehr")
    assert [(c.id, c.author, c.sent, c.question_key) for c in on_fee] == [
        (first, "Kira KISA", False, "produkt.gebuehr"), (second, "Ada Admin", False, "produkt.gebuehr")]
    assert on_fee[0].text == "Die Gebühr laut Satzung beträgt 10 Euro.\nBitte prüfen."
    assert view.comments_on("kontakte.fachlich_name") == []
    assert [r.submission_number for r in comment_rows(session, review)] == [1, 1]


@pytest.mark.parametrize("text", ["", "   \n\t ", "\x00\x1b"])
def test_an_empty_comment_is_refused(session, world, review, text):
    with pytest.raises(FieldErrors) as caught:
        add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="produkt.gebuehr", text=text)
    assert caught.value.errors == {"text": "Bitte schreiben Sie die Anmerkung."}
    session.rollback()
    assert comment_rows(session, review) == []


def test_a_too_long_comment_and_an_unknown_question_are_refused(session, world, review):
    with pytest.raises(FieldErrors) as caught:
        add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="produkt.gebuehr",
                    text="x" * (MAX_COMMENT + 1))
    assert f"jetzt {MAX_COMMENT + 1}" in caught.value.errors["text"]
    session.rollback()
    with pytest.raises(NotFound, match="Frage gibt es"):
        add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="produkt.gibtsnicht", text="Hm")
    session.rollback()
    assert comment_rows(session, review) == []


def test_comments_only_while_the_configuration_is_submitted(session, world, review):
    add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="produkt.gebuehr", text="Bitte prüfen.")
    ask_back(session, actor=world.kisa, questionnaire_id=review, message="")
    session.commit()
    with pytest.raises(DomainError, match="nur bei einer eingereichten Konfiguration"):  # query
        add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="produkt.gebuehr", text="Noch was")
    session.rollback()
    resubmit(session, world.coordinator, review)
    take_over(session, actor=world.kisa, questionnaire_id=review)
    session.commit()
    with pytest.raises(DomainError, match="nur bei einer eingereichten Konfiguration"):  # set-up
        add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="produkt.gebuehr", text="Noch was")
    session.rollback()
    assert len(comment_rows(session, review)) == 1


def test_only_unsent_comments_can_be_deleted(session, world, review):
    kept = add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="produkt.gebuehr", text="A")
    dropped = add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="amt24.pflege", text="B")
    session.commit()
    delete_comment(session, actor=world.kisa, comment_id=dropped)
    session.commit()
    assert [c.id for c in comment_rows(session, review)] == [kept]
    with pytest.raises(NotFound):
        delete_comment(session, actor=world.kisa, comment_id=dropped)
    session.rollback()
    ask_back(session, actor=world.kisa, questionnaire_id=review, message="")
    session.commit()
    with pytest.raises(DomainError, match="gesendete Anmerkung bleibt"):
        delete_comment(session, actor=world.kisa, comment_id=kept)
    session.rollback()
    assert [c.id for c in comment_rows(session, review)] == [kept]


@pytest.mark.parametrize("message", ["", "  \n  "])
def test_a_query_without_remarks_or_message_is_refused_and_changes_nothing(session, world, review, message):
    with pytest.raises(FieldErrors) as caught:
        ask_back(session, actor=world.kisa, questionnaire_id=review, message=message)
    assert "message" in caught.value.errors
    session.rollback()
    assert state_of(session, world.ordered[MB]) == S.SUBMITTED
    assert mails(session, "lifecycle.query") == []
    assert actions(session, "lifecycle.query") == []
    assert [h[1] for h in history(session, world.ordered[MB])] == ["questionnaire", "submitted"]


def test_a_too_long_message_is_refused(session, world, review):
    add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="produkt.gebuehr", text="A")
    session.commit()
    with pytest.raises(FieldErrors) as caught:
        ask_back(session, actor=world.kisa, questionnaire_id=review, message="y" * (MAX_COMMENT + 1))
    assert "message" in caught.value.errors
    session.rollback()
    assert state_of(session, world.ordered[MB]) == S.SUBMITTED
    assert [c.sent_at for c in comment_rows(session, review)] == [None]


def test_a_query_sends_the_remarks_to_coordinators_and_the_submitter(session, world, review):
    add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="produkt.gebuehr",
                text="Die Gebühr beträgt laut Satzung 10 Euro.")
    add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="benachrichtigung.email",
                text="Bitte ein Funktionspostfach nennen.")
    session.commit()
    sent = ask_back(session, actor=world.kisa, questionnaire_id=review, message="Zwei Punkte fehlen noch.")
    session.commit()
    assert sent == 2
    assert state_of(session, world.ordered[MB]) == S.QUERY
    assert all(r.sent_at is not None for r in comment_rows(session, review))
    # The message is kept with the remarks (for the questionnaire) and in the history (for the journey view).
    assert [(c.question_key, c.text) for c in sent_comments(session, actor=world.coordinator, questionnaire_id=review)
            if c.question_key == ""] == [("", "Zwei Punkte fehlen noch.")]
    assert "Zwei Punkte fehlen noch." in fresh_history_note(session, world.ordered[MB])
    assert history(session, world.ordered[MB])[-1] == ("submitted", "query", "Kira KISA")
    assert actions(session, "lifecycle.query") == ["lifecycle.query"]
    query_mails = mails(session, "lifecycle.query")
    assert [m.to_address for m in query_mails] == [world.coordinator.email, world.colleague.email]
    for mail in query_mails:
        assert mail.municipality_id == world.town.id
        assert mail.subject and "Meldebescheinigung" in mail.text_body and "Riesa" in mail.text_body
        assert "Zwei Punkte fehlen noch." in mail.text_body
        assert "Gebühr in Euro" in mail.text_body and "Die Gebühr beträgt laut Satzung 10 Euro." in mail.text_body
        assert "Bitte ein Funktionspostfach nennen." in mail.text_body
        assert "Bitte ein Funktionspostfach nennen." in mail.html_body
    assert world.other.email not in [m.to_address for m in query_mails]


def test_a_coordinator_who_submitted_gets_one_mail(session, world):
    questionnaire_id = submitted(session, world, MB, by=world.coordinator)
    ask_back(session, actor=world.admin, questionnaire_id=questionnaire_id, message="Bitte die Gebühr prüfen.")
    session.commit()
    [mail] = mails(session, "lifecycle.query")
    assert mail.to_address == world.coordinator.email and "Bitte die Gebühr prüfen." in mail.text_body


def test_a_second_query_needs_a_new_remark_and_sends_only_the_new_ones(session, world, review):
    add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="produkt.gebuehr", text="Erste Runde")
    ask_back(session, actor=world.kisa, questionnaire_id=review, message="")
    session.commit()
    resubmit(session, world.coordinator, review)
    with pytest.raises(FieldErrors):  # the sent remark does not count again
        ask_back(session, actor=world.kisa, questionnaire_id=review, message="")
    session.rollback()
    add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="amt24.pflege", text="Zweite Runde")
    assert ask_back(session, actor=world.kisa, questionnaire_id=review, message="") == 1
    session.commit()
    latest = mails(session, "lifecycle.query")[-1]
    assert "Zweite Runde" in latest.text_body and "Erste Runde" not in latest.text_body
    assert [r.submission_number for r in comment_rows(session, review)] == [1, 2]


def test_after_a_query_the_municipality_edits_and_resubmits_and_the_review_shows_the_changes(session, world, review):
    add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="produkt.gebuehr", text="10 Euro")
    ask_back(session, actor=world.kisa, questionnaire_id=review, message="")
    session.commit()
    save(session, world.colleague, review, "produkt", {"produkt.gebuehr": "10,00"})
    save(session, world.colleague, review, "benachrichtigung", {"benachrichtigung.email": "eingang@riesa.example",
                                                               "benachrichtigung.kopie": ""})
    save(session, world.colleague, review, "amt24", {"amt24.organisationseinheit": "Einwohnermeldeamt"})  # unchanged
    assert resubmit(session, world.coordinator, review) == 2
    assert state_of(session, world.ordered[MB]) == S.SUBMITTED
    assert history(session, world.ordered[MB])[-2:] == [
        ("submitted", "query", "Kira KISA"), ("query", "submitted", "Clara Koordinatorin")]

    view = read_review(session, actor=world.kisa, questionnaire_id=review)
    assert (view.submission_number, view.submitted_by) == (2, "Clara Koordinatorin")
    assert view.changed_keys == frozenset({"produkt.gebuehr", "benachrichtigung.email"})
    assert view.previous is not None
    assert (view.previous["benachrichtigung.email"], view.answers["benachrichtigung.email"]) == (
        "antraege@example.org", "eingang@riesa.example")
    assert [(c.text, c.sent) for c in view.comments_on("produkt.gebuehr")] == [("10 Euro", True)]
    stored = session.get(Questionnaire, review)
    assert stored.submission_count == 2


def test_the_municipality_sees_only_sent_remarks_and_another_municipality_nothing(session, world, review):
    add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="produkt.gebuehr", text="Gesendet")
    ask_back(session, actor=world.kisa, questionnaire_id=review, message="")
    session.commit()
    resubmit(session, world.coordinator, review)
    add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="amt24.pflege", text="Entwurf")
    session.commit()
    for actor in (world.coordinator, world.colleague, world.kisa):
        assert [(c.question_key, c.text, c.author) for c in sent_comments(session, actor=actor, questionnaire_id=review)] == [
            ("produkt.gebuehr", "Gesendet", "Kira KISA")]
    with pytest.raises(NotFound):
        sent_comments(session, actor=world.other, questionnaire_id=review)


@pytest.mark.parametrize("who", ["coordinator", "colleague", "other"])
def test_municipal_users_are_refused_in_the_review(session, world, review, who):
    actor = getattr(world, who)
    comment = add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="produkt.gebuehr", text="A")
    session.commit()
    calls = [
        lambda: read_review(session, actor=actor, questionnaire_id=review),
        lambda: add_comment(session, actor=actor, questionnaire_id=review, question_key="produkt.gebuehr", text="B"),
        lambda: delete_comment(session, actor=actor, comment_id=comment),
        lambda: ask_back(session, actor=actor, questionnaire_id=review, message="Bitte ändern."),
        lambda: take_over(session, actor=actor, questionnaire_id=review),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
        session.rollback()
    assert state_of(session, world.ordered[MB]) == S.SUBMITTED
    assert [c.id for c in comment_rows(session, review)] == [comment]
    assert mails(session, "lifecycle.query") == [] and mails(session, "lifecycle.setup_started") == []


def test_staff_review_every_municipality(session, world):
    riesa = submitted(session, world, MB)
    meissen = submitted(session, world, MB, by=world.other, ordered=world.other_ordered)
    assert read_review(session, actor=world.kisa, questionnaire_id=riesa).municipality_name == "Riesa"
    assert read_review(session, actor=world.kisa, questionnaire_id=meissen).municipality_name == "Meißen"
    ask_back(session, actor=world.kisa, questionnaire_id=meissen, message="Bitte ergänzen.")
    session.commit()
    [mail] = mails(session, "lifecycle.query")
    assert (mail.to_address, mail.municipality_id) == (world.other.email, world.other_town.id)
    assert state_of(session, world.ordered[MB]) == S.SUBMITTED


def test_a_staff_member_disabled_meanwhile_can_no_longer_change_the_review(session, world, review):
    comment = add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="produkt.gebuehr", text="A")
    row = user_row(session, world.kisa)
    row.status = UserStatus.DISABLED
    session.add(row)
    session.commit()
    calls = [
        lambda: add_comment(session, actor=world.kisa, questionnaire_id=review, question_key="produkt.gebuehr", text="B"),
        lambda: delete_comment(session, actor=world.kisa, comment_id=comment),
        lambda: ask_back(session, actor=world.kisa, questionnaire_id=review, message="Bitte ändern."),
        lambda: take_over(session, actor=world.kisa, questionnaire_id=review),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
        session.rollback()
    assert [c.id for c in comment_rows(session, review)] == [comment]
    assert state_of(session, world.ordered[MB]) == S.SUBMITTED


def test_a_disabled_coordinator_and_a_disabled_submitter_get_no_query(session, world, review):
    second = named_user(session, world.town, "Zweite Koordinatorin", can_manage_team=True)
    for actor in (world.coordinator, world.colleague):
        row = user_row(session, actor)
        row.status = UserStatus.DISABLED
        session.add(row)
    session.commit()
    ask_back(session, actor=world.kisa, questionnaire_id=review, message="Bitte ergänzen.")
    session.commit()
    assert [m.to_address for m in mails(session, "lifecycle.query")] == [second.email]


def fresh_history_note(session, ordered):
    from sqlmodel import col, select

    from models import StateChange

    return session.exec(select(StateChange.note).where(StateChange.ordered_product_id == ordered.id)
                        .order_by(col(StateChange.id).desc())).first()
