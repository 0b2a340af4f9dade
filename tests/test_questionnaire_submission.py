"""Submission: only complete and as reviewed; a snapshot, the lifecycle step, a mail and audit events at once."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import col, select

from core.db import session_scope
from core.errors import DomainError, PermissionDenied
from lifecycle.machine import transition
from models import AuditEvent, OrderedProduct, OrderedProductState, Questionnaire, QuestionnaireSubmission
from questionnaire.drafts import read_questionnaire, save_step
from questionnaire.submission import ChangedMeanwhile, Incomplete, list_submissions, submit
from tests.questionnaire_world import fill_completely, mails, make_world, opened, state_of

MB = "meldebescheinigung"


@pytest.fixture
def world(session):
    return make_world(session)


@pytest.fixture
def draft(session, world):
    return opened(session, world.coordinator, world.ordered[MB])


def submissions(session, questionnaire_id):
    return list(session.exec(select(QuestionnaireSubmission).where(
        QuestionnaireSubmission.questionnaire_id == questionnaire_id).order_by(col(QuestionnaireSubmission.number))
    ).all())


def actions(session):
    return [e.action for e in session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()]


def assert_nothing_submitted(session, world, questionnaire_id, version, state):
    session.rollback()
    session.expire_all()
    questionnaire = session.get(Questionnaire, questionnaire_id)
    assert (questionnaire.version, questionnaire.submission_count, questionnaire.submitted_at) == (version, 0, None)
    assert submissions(session, questionnaire_id) == []
    assert state_of(session, world.ordered[MB]) == state
    assert mails(session, "questionnaire.submitted") == []
    assert "questionnaire.submitted" not in actions(session)


def test_an_incomplete_questionnaire_is_refused_with_its_problems(session, world, draft):
    version = save_step(session, actor=world.coordinator, questionnaire_id=draft, step_key="kontakte",
                        raw={"kontakte.fachlich_name": "Erika Musterfrau"}, base_version=1).version
    session.commit()
    with pytest.raises(Incomplete) as caught:
        submit(session, actor=world.coordinator, questionnaire_id=draft, base_version=version)
    found = {p.key: p for p in caught.value.problems}
    assert "kontakte.fachlich_name" not in found
    assert found["kontakte.fachlich_email"].step == "kontakte"
    assert found["datenschutz.vvt"].message == "Bitte bestätigen Sie diesen Punkt."
    assert f"({len(found)} offene Punkte)" in str(caught.value)
    assert_nothing_submitted(session, world, draft, version, OrderedProductState.QUESTIONNAIRE)


def test_a_submission_from_a_stale_version_is_refused(session, world, draft):
    reviewed = fill_completely(session, world.coordinator, draft)
    save_step(session, actor=world.colleague, questionnaire_id=draft, step_key="amt24",
              raw={"amt24.organisationseinheit": "Bürgeramt"}, base_version=reviewed)
    session.commit()
    with pytest.raises(ChangedMeanwhile, match="inzwischen von einer anderen Person geändert"):
        submit(session, actor=world.coordinator, questionnaire_id=draft, base_version=reviewed)
    assert_nothing_submitted(session, world, draft, reviewed + 1, OrderedProductState.QUESTIONNAIRE)


def test_a_complete_questionnaire_is_submitted_with_snapshot_state_mail_and_audit(session, world, draft):
    version = fill_completely(session, world.colleague, draft)
    stored = session.get(Questionnaire, draft).answers
    submission = submit(session, actor=world.coordinator, questionnaire_id=draft, base_version=version)
    session.commit()

    [row] = submissions(session, draft)
    assert row.id == submission.id and row.number == 1 and row.version == version
    assert row.answers == stored and json.loads(row.answers)["kontakte.fachlich_name"] == "Erika Musterfrau"
    assert (row.submitted_by_id, row.submitted_by_name) == (world.coordinator.user_id, "Clara Koordinatorin")
    assert state_of(session, world.ordered[MB]) == OrderedProductState.SUBMITTED
    view = read_questionnaire(session, actor=world.coordinator, questionnaire_id=draft)
    assert view.submission_count == 1 and view.submitted_at is not None and not view.editable
    assert view.version == version  # submitting is no change of the answers

    [mail] = mails(session, "questionnaire.submitted")
    assert mail.to_address == world.coordinator.email and mail.municipality_id == world.town.id
    assert mail.subject == "Konfiguration eingereicht: Meldebescheinigung (Riesa)"
    assert "erste Fassung" in mail.text_body and "Clara Koordinatorin" in mail.text_body
    assert f"fragebogen?nr={world.ordered[MB].id}" in mail.text_body

    events = session.exec(select(AuditEvent).where(col(AuditEvent.action).in_(
        ["lifecycle.submitted", "questionnaire.submitted"])).order_by(col(AuditEvent.id))).all()
    assert [(e.action, e.entity_id) for e in events] == [
        ("lifecycle.submitted", str(world.ordered[MB].id)), ("questionnaire.submitted", str(draft))]
    assert events[0].details == "Konfiguration für Meldebescheinigung eingereicht (Fassung 1)."
    assert all(e.actor_id == world.coordinator.user_id and e.municipality_id == world.town.id for e in events)


def test_a_second_submission_after_a_kisa_query_is_number_two_and_keeps_the_first(session, world, draft):
    version = fill_completely(session, world.coordinator, draft)
    submit(session, actor=world.coordinator, questionnaire_id=draft, base_version=version)
    session.commit()
    first_answers = submissions(session, draft)[0].answers

    transition(session, actor=world.kisa, ordered=session.get(OrderedProduct, world.ordered[MB].id),
               target=OrderedProductState.QUERY, details="Bitte die Organisationseinheit ergänzen.")
    session.commit()
    version = save_step(session, actor=world.colleague, questionnaire_id=draft, step_key="amt24",
                        raw={"amt24.organisationseinheit": "Bürgeramt Riesa"}, base_version=version).version
    session.commit()
    submit(session, actor=world.colleague, questionnaire_id=draft, base_version=version)
    session.commit()

    first, second = submissions(session, draft)
    assert (first.number, second.number) == (1, 2)
    assert first.answers == first_answers  # the first snapshot is kept as sent
    assert json.loads(second.answers)["amt24.organisationseinheit"] == "Bürgeramt Riesa"
    assert second.submitted_by_name == "Karl Kollege"
    assert [s.number for s in list_submissions(session, actor=world.kisa, questionnaire_id=draft)] == [2, 1]
    assert state_of(session, world.ordered[MB]) == OrderedProductState.SUBMITTED
    assert "lifecycle.resubmitted" in actions(session)
    assert "Fassung 2" in mails(session, "questionnaire.submitted")[-1].text_body


@pytest.mark.parametrize("who", ["kisa", "admin"])
def test_staff_cannot_submit_for_the_municipality(session, world, draft, who):
    version = fill_completely(session, world.coordinator, draft)
    with pytest.raises(PermissionDenied):
        submit(session, actor=getattr(world, who), questionnaire_id=draft, base_version=version)
    assert_nothing_submitted(session, world, draft, version, OrderedProductState.QUESTIONNAIRE)


def test_a_second_submit_of_the_same_version_is_refused(session, world, draft):
    version = fill_completely(session, world.coordinator, draft)
    submit(session, actor=world.coordinator, questionnaire_id=draft, base_version=version)
    session.commit()
    with pytest.raises(DomainError, match="eingereicht"):
        submit(session, actor=world.colleague, questionnaire_id=draft, base_version=version)
    session.rollback()
    assert len(submissions(session, draft)) == 1
    assert len(mails(session, "questionnaire.submitted")) == 1


def test_two_colleagues_submitting_at_once_submit_once(engine, session, world, draft):
    version = fill_completely(session, world.coordinator, draft)
    actors = [world.coordinator, world.colleague]
    barrier = threading.Barrier(2)

    def attempt(n: int) -> str:
        barrier.wait()
        try:
            with session_scope(engine) as s:
                submit(s, actor=actors[n], questionnaire_id=draft, base_version=version)
        except DomainError:
            return "refused"
        return "submitted"

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(attempt, range(2)))
    assert results == ["refused", "submitted"]
    session.expire_all()
    assert len(submissions(session, draft)) == 1
    assert len(mails(session, "questionnaire.submitted")) == 1


def test_kisas_team_mailbox_is_told_about_each_submission(session, world, draft, monkeypatch):
    from core.config import get_settings

    monkeypatch.setenv("OAA_KISA_MAILBOX", "team@kisa.example")
    get_settings.cache_clear()
    version = fill_completely(session, world.coordinator, draft)
    submit(session, actor=world.coordinator, questionnaire_id=draft, base_version=version)
    session.commit()
    [notice] = mails(session, "questionnaire.received")
    assert notice.to_address == "team@kisa.example"
    assert "Riesa" in notice.subject and f"fragebogen?nr={world.ordered[MB].id}" in notice.text_body


def test_no_notice_without_a_team_mailbox(session, world, draft, monkeypatch):
    from core.config import get_settings

    monkeypatch.setenv("OAA_KISA_MAILBOX", "")
    get_settings.cache_clear()
    version = fill_completely(session, world.coordinator, draft)
    submit(session, actor=world.coordinator, questionnaire_id=draft, base_version=version)
    session.commit()
    assert mails(session, "questionnaire.received") == []
