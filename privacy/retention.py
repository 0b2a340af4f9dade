"""Retention: delete or anonymise what is kept longer than its period (settings ``OAA_RETENTION_*``).

``oaa privacy purge`` runs :func:`purge` (daily, from a timer); ``--dry-run`` only counts. A period of 0 days
switches its rule off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, col, select

from accounts.actor import Actor
from accounts.approval import latest_decision
from audit.log import record
from core.clock import utcnow
from core.config import get_settings
from core.errors import PermissionDenied
from models import AuditEvent, MailStatus, OutboxMail, Role, User, UserStatus, WebSession
from privacy.erasure import REDACTED_TEXT, anonymise
from privacy.matching import ERASED_DOMAIN
from questionnaire.export import SYSTEM_USER_ID

PURGED_TEXT = "Der Inhalt dieser E-Mail wurde nach Ablauf der Aufbewahrungsfrist gelöscht."
PURGED_HTML = f"<p>{PURGED_TEXT}</p>"
REJECTED_REASON = "Aufbewahrungsfrist für abgelehnte Registrierungen abgelaufen."


@dataclass
class PurgeReport:
    """How many records the retention rules deleted or anonymised (or would, in a dry run)."""

    dry_run: bool
    sessions: int = 0
    audit_events: int = 0
    mail_bodies: int = 0
    rejected_registrations: int = 0

    @property
    def total(self) -> int:
        """Return the number of records concerned."""
        return self.sessions + self.audit_events + self.mail_bodies + self.rejected_registrations

    def summary(self) -> str:
        """Return a German summary (numbers only)."""
        verb = "würden gelöscht bzw. anonymisiert" if self.dry_run else "gelöscht bzw. anonymisiert"
        return (f"{'Probelauf: ' if self.dry_run else ''}Aufbewahrungsfristen angewendet – {verb}: "
                f"{self.sessions} abgelaufene Anmeldesitzungen, {self.audit_events} Protokolleinträge, "
                f"{self.mail_bodies} E-Mail-Texte, {self.rejected_registrations} abgelehnte Registrierungen.")


def _cutoff(now: datetime, days: int) -> datetime | None:
    return now - timedelta(days=days) if days > 0 else None


def _count(session: Session, model: type, condition: object) -> int:
    return int(session.exec(select(func.count()).select_from(model).where(condition)).one())  # type: ignore[arg-type]


def _sessions(session: Session, now: datetime, *, dry_run: bool) -> int:
    settings = get_settings()
    cutoff = _cutoff(now, settings.retention_session_days)
    if cutoff is None:
        return 0
    ended = or_(col(WebSession.expires_at) < cutoff, col(WebSession.revoked_at) < cutoff,
                col(WebSession.last_seen_at) < cutoff - timedelta(minutes=settings.session_idle_minutes))
    count = _count(session, WebSession, ended)
    if count and not dry_run:
        session.execute(delete(WebSession).where(ended))
    return count


def _audit(session: Session, now: datetime, *, dry_run: bool) -> int:
    cutoff = _cutoff(now, get_settings().retention_audit_days)
    if cutoff is None:
        return 0
    old = col(AuditEvent.at) < cutoff
    count = _count(session, AuditEvent, old)
    if count and not dry_run:
        session.execute(delete(AuditEvent).where(old))
    return count


def _mail_bodies(session: Session, now: datetime, *, dry_run: bool) -> int:
    cutoff = _cutoff(now, get_settings().retention_mail_body_days)
    if cutoff is None:
        return 0
    done = (((col(OutboxMail.status) == MailStatus.SENT) & (col(OutboxMail.sent_at) < cutoff))
            | ((col(OutboxMail.status) == MailStatus.FAILED) & (col(OutboxMail.created_at) < cutoff)))
    due = done & col(OutboxMail.text_body).not_in([PURGED_TEXT, REDACTED_TEXT])
    count = _count(session, OutboxMail, due)
    if count and not dry_run:
        session.execute(update(OutboxMail).where(due).values(text_body=PURGED_TEXT, html_body=PURGED_HTML))
    return count


def _rejected(session: Session, now: datetime, *, dry_run: bool, actor_label: str) -> int:
    cutoff = _cutoff(now, get_settings().retention_rejected_registration_days)
    if cutoff is None:
        return 0
    users = session.exec(select(User).where(User.status == UserStatus.REJECTED,
                                            col(User.email).not_like(f"%@{ERASED_DOMAIN}"))
                         .order_by(col(User.id))).all()
    due = []
    for user in users:
        decision = latest_decision(session, user_id=user.id or 0)
        if decision is not None and not decision.approved and decision.decided_at < cutoff:
            due.append(user.id or 0)
    if not dry_run:
        for user_id in due:
            row = session.get(User, user_id, with_for_update=True, populate_existing=True)
            assert row is not None
            anonymise(session, row, reason=REJECTED_REASON, actor=None, actor_label=actor_label)
    return len(due)


def purge(session: Session, *, actor: Actor, dry_run: bool = False) -> PurgeReport:
    """Apply every retention period once (administrators and the operator's command); record what was done."""
    if actor.role != Role.ADMIN or not actor.is_active:
        raise PermissionDenied()
    now = utcnow()
    report = PurgeReport(dry_run=dry_run)
    report.sessions = _sessions(session, now, dry_run=dry_run)
    report.audit_events = _audit(session, now, dry_run=dry_run)
    report.mail_bodies = _mail_bodies(session, now, dry_run=dry_run)
    report.rejected_registrations = _rejected(session, now, dry_run=dry_run, actor_label=actor.email)
    if report.total and not dry_run:
        record(session, action="privacy.purged", entity_type="privacy", actor=None if actor.user_id == SYSTEM_USER_ID
               else actor, actor_label=actor.email, details=report.summary())
    session.flush()
    return report
