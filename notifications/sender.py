"""Deliver due outbox mails: claim one at a time, send, then mark sent or schedule a retry with back-off.

A mail is claimed with ``UPDATE … SET status='sending' WHERE id=? AND status='pending'`` and the claim is
committed before sending, so two senders (threads, processes, machines) never send the same mail. A mail
left in 'sending' (the sender died mid-way) is never resent automatically: it may or may not have left,
so it is reported as "unklar" and KISA decides in the Postausgang.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.config import Settings, get_settings
from core.logs import get_logger
from models import MailStatus, OutboxMail
from notifications.outbox import list_unclear

BACKOFF_BASE_MINUTES = 1
BACKOFF_FACTOR = 5
BACKOFF_CAP_MINUTES = 240  # 1, 5, 25, 125, 240, 240, … minutes

log = get_logger("oaa.mail")


class Transport(Protocol):
    """Hands one message to a mail server; raises on failure."""

    def send(self, message: EmailMessage) -> None: ...


class PermanentError(Exception):
    """The server refused the mail for good (5xx): retrying cannot help."""


class SmtpTransport:
    """Send with smtplib: STARTTLS, implicit TLS ("ssl") or plain, with optional login; one connection per mail."""

    def __init__(self, *, host: str, port: int, security: str = "starttls", user: str = "", password: str = "",
                 timeout: float = 30.0) -> None:
        if security not in {"starttls", "ssl", "none"}:
            raise ValueError(f"unknown SMTP security {security!r}")
        self.host, self.port, self.security = host, port, security
        self.user, self.password, self.timeout = user, password, timeout

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> SmtpTransport | None:
        """Return the configured transport, or None when OAA_SMTP_HOST is empty (mail stays in the outbox)."""
        settings = settings or get_settings()
        if not settings.smtp_host.strip():
            return None
        return cls(host=settings.smtp_host.strip(), port=settings.smtp_port, security=settings.smtp_security,
                   user=settings.smtp_user, password=settings.smtp_password.get_secret_value(),
                   timeout=settings.smtp_timeout_seconds)

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            client.starttls(context=context)
        return client

    def send(self, message: EmailMessage) -> None:
        """Send one message; a 5xx refusal of the mail raises PermanentError, anything else the original error.

        Connection and login failures are never permanent: they are the server's or the operator's to fix,
        and the mail is tried again after the back-off.
        """
        client = self._connect()
        try:
            if self.user:
                client.login(self.user, self.password)
            try:
                client.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                codes = [code for code, _msg in exc.recipients.values()]
                if codes and all(code >= 500 for code in codes):
                    raise PermanentError(f"Empfänger abgelehnt: {exc.recipients}") from exc
                raise
            except smtplib.SMTPResponseException as exc:
                if exc.smtp_code >= 500:
                    raise PermanentError(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
                raise
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):  # the mail is accepted; a failing goodbye changes nothing
                client.close()


def build_message(mail: OutboxMail, *, sender: str, now: datetime | None = None) -> EmailMessage:
    """Return the multipart/alternative message (UTF-8 text and HTML) with the stored Message-ID."""
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender
    message["To"] = mail.to_address
    message["Date"] = format_datetime(now or utcnow())
    message["Message-ID"] = mail.message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text_body, charset="utf-8")
    message.add_alternative(mail.html_body, subtype="html", charset="utf-8")
    return message


def backoff(attempts: int) -> timedelta:
    """Return the wait before the next try after ``attempts`` failed tries."""
    minutes = BACKOFF_BASE_MINUTES * BACKOFF_FACTOR ** max(attempts - 1, 0)
    return timedelta(minutes=min(minutes, BACKOFF_CAP_MINUTES))


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)  # failed this time, will be tried again
    failed: list[int] = field(default_factory=list)  # gave up: FAILED
    unclear: list[int] = field(default_factory=list)  # stuck in 'sending' past the timeout: KISA checks

    def summary(self) -> str:
        """Return a German one-line summary."""
        parts = [f"{len(self.sent)} versendet", f"{len(self.retrying)} für neuen Versuch vorgemerkt",
                 f"{len(self.failed)} endgültig fehlgeschlagen"]
        text = "E-Mail-Versand: " + ", ".join(parts) + "."
        if self.unclear:
            ids = ", ".join(str(i) for i in self.unclear)
            text += (f" {len(self.unclear)} E-Mail(s) mit unklarem Stand (Versand begonnen, nicht abgeschlossen;"
                     f" werden nicht automatisch erneut versendet): Nr. {ids}.")
        return text


def _due_ids(engine: Engine, now: datetime, limit: int) -> list[int]:
    with Session(engine) as session:
        query = (
            select(OutboxMail.id)
            .where(OutboxMail.status == MailStatus.PENDING, col(OutboxMail.next_attempt_at) <= now)
            .order_by(col(OutboxMail.next_attempt_at), col(OutboxMail.id))
            .limit(limit)
        )
        return [i for i in session.exec(query).all() if i is not None]


def _claim(engine: Engine, mail_id: int, now: datetime) -> OutboxMail | None:
    """Move the mail from pending to sending and commit; None if another sender was quicker."""
    with Session(engine, expire_on_commit=False) as session:
        result = session.exec(
            update(OutboxMail)
            .where(col(OutboxMail.id) == mail_id, col(OutboxMail.status) == MailStatus.PENDING,
                   col(OutboxMail.next_attempt_at) <= now)
            .values(status=MailStatus.SENDING, claimed_at=now)
        )
        if result.rowcount != 1:
            session.rollback()
            return None
        session.commit()
        return session.get(OutboxMail, mail_id)


def _finish(engine: Engine, mail_id: int, **values: object) -> None:
    with Session(engine) as session:
        session.exec(
            update(OutboxMail)
            .where(col(OutboxMail.id) == mail_id, col(OutboxMail.status) == MailStatus.SENDING)
            .values(**values)
        )
        session.commit()


def deliver_due(engine: Engine, *, transport: Transport, now: datetime | None = None, limit: int = 200) -> DeliveryReport:
    """Send every due pending mail once (at most ``limit``); report sent, retrying, failed and unclear mails."""
    settings = get_settings()
    fixed, now = now, now or utcnow()
    report = DeliveryReport()
    for mail_id in _due_ids(engine, now, limit):
        now = fixed or utcnow()  # a long run stamps each claim with its own time
        mail = _claim(engine, mail_id, now)
        if mail is None:
            continue
        attempts = mail.attempts + 1
        try:
            transport.send(build_message(mail, sender=settings.mail_from, now=now))
        except Exception as exc:  # any failure: the mail did not leave (the server did not accept it)
            error = f"{exc.__class__.__name__}: {exc}"[:2000]  # shown to KISA in the Postausgang, never logged
            final = isinstance(exc, PermanentError) or attempts >= settings.mail_max_attempts
            # The log names the mail by its number only: the error text may quote the recipient's address.
            log.warning("E-Mail %s: Zustellung fehlgeschlagen (%s, Versuch %s%s)", mail_id, exc.__class__.__name__,
                        attempts, ", endgültig" if final else "")
            if final:
                _finish(engine, mail_id, status=MailStatus.FAILED, attempts=attempts, last_error=error, claimed_at=None)
                report.failed.append(mail_id)
            else:
                _finish(engine, mail_id, status=MailStatus.PENDING, attempts=attempts, last_error=error,
                        claimed_at=None, next_attempt_at=now + backoff(attempts))
                report.retrying.append(mail_id)
            continue
        _finish(engine, mail_id, status=MailStatus.SENT, attempts=attempts, sent_at=now)
        report.sent.append(mail_id)
    with Session(engine) as session:
        report.unclear = [m.id for m in list_unclear(session, now=fixed or utcnow()) if m.id is not None]
    return report
