"""Retention periods as settings: `oaa privacy purge` deletes or anonymises what is kept too long (app clock)."""

from __future__ import annotations

import pytest
from sqlmodel import col, select
from typer.testing import CliRunner

from accounts import approval, web_sessions
from accounts.registration import RegistrationInput, register
from cli.main import app
from core import clock
from core.errors import PermissionDenied
from models import AuditEvent, MailStatus, OutboxMail, RegistrationDecision, Role, User, UserStatus, WebSession
from notifications.sender import deliver_due
from privacy.matching import placeholder_email, placeholder_name
from privacy.retention import PURGED_TEXT, purge
from questionnaire.export import operator_actor
from tests.builders import actor_of, make_user
from tests.privacy_world import REGISTRATION

DAY = 86400
runner = CliRunner()


class Accepting:
    """A mail server that takes every mail."""

    def send(self, message) -> None:
        pass


@pytest.fixture
def traces(engine, session):
    """A logged-out session, a rejected registration with its mail sent, and the audit events of all that."""
    kisa = actor_of(make_user(session, role=Role.KISA))
    member = actor_of(make_user(session))
    started = web_sessions.start(session, actor=member)
    web_sessions.end(session, web_session_id=started.web_session_id)
    live = web_sessions.start(session, actor=member)  # ends by its absolute timeout (12 hours)
    applicant = register(session, RegistrationInput(**REGISTRATION))
    session.commit()
    approval.reject(session, actor=kisa, user_id=applicant.id, reason="Keine Berechtigung nachgewiesen (Beispiel).")
    session.commit()
    assert deliver_due(engine, transport=Accepting()).sent
    return {"applicant": applicant.id, "sessions": [started.web_session_id, live.web_session_id]}


def run(session, *, dry_run: bool = False):
    report = purge(session, actor=operator_actor("oaa privacy purge"), dry_run=dry_run)
    session.commit()
    session.expire_all()
    return report


def test_each_period_applies_when_it_has_passed(session, traces):
    first_events = set(session.exec(select(AuditEvent.id)).all())
    clock.advance(29 * DAY)
    assert run(session).total == 0

    clock.advance(2 * DAY)  # 31 days: the sessions ended more than 30 days ago
    preview = run(session, dry_run=True)
    assert (preview.sessions, preview.audit_events, preview.mail_bodies, preview.rejected_registrations) == (2, 0, 0, 0)
    assert "Probelauf" in preview.summary()
    assert len(session.exec(select(WebSession)).all()) == 2  # a dry run changes nothing
    assert run(session).sessions == 2
    assert session.exec(select(WebSession)).all() == []

    clock.advance(60 * DAY)  # 91 days: mail texts
    assert run(session).mail_bodies == 1
    [mail] = session.exec(select(OutboxMail)).all()
    assert mail.status == MailStatus.SENT and mail.text_body == PURGED_TEXT and "Berechtigung" not in mail.html_body
    assert mail.to_address == REGISTRATION["email"].lower()  # the proof of delivery stays until the account goes

    clock.advance(90 * DAY)  # 181 days: the rejected registration
    assert run(session).rejected_registrations == 1
    applicant = session.get(User, traces["applicant"])
    assert (applicant.full_name, applicant.email, applicant.status) == (
        placeholder_name(applicant.id), placeholder_email(applicant.id), UserStatus.REJECTED)
    decision = session.exec(select(RegistrationDecision).where(RegistrationDecision.user_id == applicant.id)).one()
    assert decision.approved is False  # the decision stays, anonymous
    assert session.exec(select(OutboxMail.to_address)).all() == [placeholder_email(applicant.id)]
    assert run(session).rejected_registrations == 0  # once

    assert first_events <= set(session.exec(select(AuditEvent.id)).all())
    clock.advance((1095 - 181 + 1) * DAY)  # three years after the start
    report = run(session)
    assert report.audit_events == len(first_events)
    left = session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all()
    assert not first_events & set(session.exec(select(AuditEvent.id)).all())
    assert left[:3] == ["privacy.purged", "privacy.purged", "privacy.erased"] and left[-1] == "privacy.purged"


def test_periods_are_settings_and_zero_switches_a_rule_off(session, traces, monkeypatch):
    monkeypatch.setenv("OAA_RETENTION_SESSION_DAYS", "0")
    monkeypatch.setenv("OAA_RETENTION_AUDIT_DAYS", "10")
    from core.config import get_settings

    get_settings.cache_clear()
    clock.advance(11 * DAY)
    report = run(session)
    assert report.sessions == 0 and report.audit_events > 0
    assert len(session.exec(select(WebSession)).all()) == 2


def test_only_administrators_purge_and_the_command_has_a_dry_run(engine, session, traces):
    kisa = actor_of(make_user(session, role=Role.KISA))
    with pytest.raises(PermissionDenied):
        purge(session, actor=kisa)
    session.rollback()
    clock.advance(31 * DAY)
    preview = runner.invoke(app, ["privacy", "purge", "--dry-run"])
    assert preview.exit_code == 0, preview.output
    assert preview.output.startswith("Probelauf:") and "2 abgelaufene Anmeldesitzungen" in preview.output
    assert len(session.exec(select(WebSession)).all()) == 2
    session.commit()
    done = runner.invoke(app, ["privacy", "purge"])
    assert done.exit_code == 0 and "2 abgelaufene Anmeldesitzungen" in done.output
    session.expire_all()
    assert session.exec(select(WebSession)).all() == []
