"""Delivery against a real local SMTP server (aiosmtpd): content, retries with back-off, FAILED, no double sending."""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from core.clock import utcnow
from core.config import get_settings
from models import MailStatus, OutboxMail
from notifications.outbox import enqueue
from notifications.sender import SmtpTransport, backoff, deliver_due
from tests.test_notifications_render import SAMPLES

runner = CliRunner()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """aiosmtpd handler that keeps every received message (or answers with a fixed refusal)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Any] = []
        self.refuse_with: str | None = None
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_with:
            return self.refuse_with
        message = email.message_from_bytes(envelope.original_content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.envelopes.append(envelope)
            self.messages.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    """A local SMTP server on a free port that tests can start late (to model an outage)."""

    def __init__(self, **options: Any) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.options = options
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **self.options)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def transport(self, **options: Any) -> SmtpTransport:
        return SmtpTransport(host="127.0.0.1", port=self.port, security="none", timeout=5, **options)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_down() -> Iterator[SmtpServer]:
    server = SmtpServer()  # not started: connections are refused
    yield server
    server.stop()


def queue(engine, count: int = 1, event: str = "order.confirmed", to: str = "anna@bärenstein.example") -> list[int]:
    with Session(engine, expire_on_commit=False) as s:
        mails = [enqueue(s, event=event, to=to, context=SAMPLES[event]) for _ in range(count)]
        s.commit()
        return [m.id for m in mails if m.id is not None]


def load(engine, mail_id: int) -> OutboxMail:
    with Session(engine) as s:
        mail = s.get(OutboxMail, mail_id)
        assert mail is not None
        return mail


def test_a_due_mail_arrives_as_utf8_multipart_alternative_with_the_stored_message_id(engine, smtp, monkeypatch):
    monkeypatch.setenv("OAA_MAIL_FROM", "KISA OAA-Shop <noreply@oaa-shop.kisa.example>")
    get_settings.cache_clear()
    [mail_id] = queue(engine)
    report = deliver_due(engine, transport=smtp.transport())
    assert report.sent == [mail_id] and not (report.retrying or report.failed or report.unclear)
    [received] = smtp.inbox.messages
    stored = load(engine, mail_id)
    assert stored.status == MailStatus.SENT and stored.attempts == 1 and stored.sent_at is not None
    assert received["Subject"] == stored.subject
    assert "Bärenstein" in received["Subject"]
    assert received["Message-ID"] == stored.message_id
    assert received["From"] == "KISA OAA-Shop <noreply@oaa-shop.kisa.example>"
    assert received["To"] == "anna@bärenstein.example"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received.get_content_type() == "multipart/alternative"
    text, html = received.get_body(("plain",)), received.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content_charset() == "utf-8" and html.get_content_charset() == "utf-8"
    assert text.get_content().replace("\r\n", "\n") == stored.text_body
    assert "Förderung Sachsen: 617,28 €" in text.get_content()
    assert "Eilenburger Straße 1a, 04317 Leipzig" in html.get_content()
    assert 'href="https://shop.example/abfrage?line=7&amp;order=42"' in html.get_content()
    assert smtp.inbox.envelopes[0].rcpt_tos == ["anna@bärenstein.example"]
    # Sent is sent: another run sends nothing.
    assert deliver_due(engine, transport=smtp.transport()).sent == []
    assert len(smtp.inbox.messages) == 1


def test_a_server_outage_is_retried_with_growing_back_off_until_the_server_is_back(engine, smtp_down):
    [mail_id] = queue(engine)
    t0 = utcnow()
    report = deliver_due(engine, transport=smtp_down.transport(), now=t0)
    assert report.retrying == [mail_id] and report.sent == []
    mail = load(engine, mail_id)
    assert mail.status == MailStatus.PENDING and mail.attempts == 1 and mail.claimed_at is None
    assert mail.next_attempt_at == t0 + timedelta(minutes=1)
    assert "ConnectionRefusedError" in mail.last_error
    # Not due yet: nothing happens.
    assert deliver_due(engine, transport=smtp_down.transport(), now=t0 + timedelta(seconds=59)).retrying == []
    t1 = t0 + timedelta(minutes=1)
    assert deliver_due(engine, transport=smtp_down.transport(), now=t1).retrying == [mail_id]
    mail = load(engine, mail_id)
    assert mail.attempts == 2 and mail.next_attempt_at == t1 + timedelta(minutes=5)
    smtp_down.start()
    t2 = t1 + timedelta(minutes=5)
    assert deliver_due(engine, transport=smtp_down.transport(), now=t2).sent == [mail_id]
    mail = load(engine, mail_id)
    assert mail.status == MailStatus.SENT and mail.attempts == 3 and mail.sent_at == t2
    assert len(smtp_down.inbox.messages) == 1


def test_back_off_grows_by_five_and_is_capped():
    assert [backoff(n) for n in range(1, 7)] == [timedelta(minutes=m) for m in (1, 5, 25, 125, 240, 240)]


def test_a_mail_fails_for_good_after_the_configured_attempts(engine, smtp_down, monkeypatch):
    monkeypatch.setenv("OAA_MAIL_MAX_ATTEMPTS", "2")
    get_settings.cache_clear()
    [mail_id] = queue(engine)
    t0 = utcnow()
    assert deliver_due(engine, transport=smtp_down.transport(), now=t0).retrying == [mail_id]
    report = deliver_due(engine, transport=smtp_down.transport(), now=t0 + timedelta(minutes=1))
    assert report.failed == [mail_id] and report.retrying == []
    mail = load(engine, mail_id)
    assert mail.status == MailStatus.FAILED and mail.attempts == 2 and "ConnectionRefusedError" in mail.last_error
    smtp_down.start()
    assert deliver_due(engine, transport=smtp_down.transport(), now=t0 + timedelta(days=1)).sent == []
    assert smtp_down.inbox.messages == []


def test_a_permanent_refusal_fails_at_once_and_a_temporary_one_is_retried(engine, smtp):
    permanent, temporary = queue(engine, 2)
    smtp.inbox.refuse_with = "550 5.1.1 Mailbox unbekannt"
    report = deliver_due(engine, transport=smtp.transport(), now=utcnow())
    assert set(report.failed) == {permanent, temporary}
    assert "550" in load(engine, permanent).last_error
    [again] = queue(engine)
    smtp.inbox.refuse_with = "451 4.3.0 Bitte später"
    assert deliver_due(engine, transport=smtp.transport(), now=utcnow()).retrying == [again]
    assert load(engine, again).status == MailStatus.PENDING and "451" in load(engine, again).last_error


def test_two_concurrent_senders_deliver_every_mail_exactly_once(engine, smtp):
    ids = queue(engine, 24)
    start = threading.Barrier(2)
    reports: list[Any] = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            start.wait(timeout=10)
            reports.append(deliver_due(engine, transport=smtp.transport()))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    sent = [i for r in reports for i in r.sent]
    assert sorted(sent) == sorted(ids)
    received = [m["Message-ID"] for m in smtp.inbox.messages]
    assert len(received) == 24 and len(set(received)) == 24
    with Session(engine) as s:
        assert set(s.exec(select(OutboxMail.status)).all()) == {MailStatus.SENT}


def test_a_mail_left_in_sending_is_reported_unclear_and_never_resent(engine, smtp):
    [mail_id] = queue(engine)
    with Session(engine) as s:
        mail = s.get(OutboxMail, mail_id)
        assert mail is not None
        mail.status, mail.claimed_at = MailStatus.SENDING, utcnow() - timedelta(minutes=16)
        s.add(mail)
        s.commit()
    report = deliver_due(engine, transport=smtp.transport())
    assert report.sent == [] and report.unclear == [mail_id]
    assert "unklarem Stand" in report.summary() and f"Nr. {mail_id}" in report.summary()
    assert smtp.inbox.messages == []
    assert load(engine, mail_id).status == MailStatus.SENDING


def test_login_is_used_when_a_user_is_configured(engine):
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and auth_data.password == b"geheim-123":
            logins.append((auth_data.login, auth_data.password))
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    server = SmtpServer(authenticator=authenticator, auth_require_tls=False)
    server.start()
    try:
        [good] = queue(engine)
        assert deliver_due(engine, transport=server.transport(user="oaa", password="geheim-123")).sent == [good]
        assert logins == [(b"oaa", b"geheim-123")]
        [bad] = queue(engine)
        report = deliver_due(engine, transport=server.transport(user="oaa", password="falsch"))
        # A wrong password is the operator's to fix, not the mail's fault: it is retried after the back-off.
        assert report.retrying == [bad]
        assert "535" in load(engine, bad).last_error and load(engine, bad).status == MailStatus.PENDING
    finally:
        server.stop()


def test_smtp_transport_comes_from_the_settings_and_is_absent_without_a_host(monkeypatch):
    assert SmtpTransport.from_settings() is None
    for key, value in {"OAA_SMTP_HOST": "mail.kisa.example", "OAA_SMTP_PORT": "465", "OAA_SMTP_SECURITY": "ssl",
                       "OAA_SMTP_USER": "oaa", "OAA_SMTP_PASSWORD": "geheim"}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    transport = SmtpTransport.from_settings()
    assert transport is not None
    assert (transport.host, transport.port, transport.security, transport.user, transport.password) == (
        "mail.kisa.example", 465, "ssl", "oaa", "geheim")
    assert "geheim" not in repr(get_settings())


def test_oaa_outbox_send_without_smtp_leaves_the_mail_in_the_outbox(engine, monkeypatch):
    monkeypatch.delenv("OAA_SMTP_HOST", raising=False)
    [mail_id] = queue(engine)
    result = runner.invoke(app, ["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Kein SMTP-Server eingerichtet" in result.output and "bleiben im Postausgang (1 wartend)" in result.output
    assert load(engine, mail_id).status == MailStatus.PENDING


def test_oaa_outbox_send_delivers_the_due_mail_once(engine, smtp, monkeypatch):
    for key, value in {"OAA_SMTP_HOST": "127.0.0.1", "OAA_SMTP_PORT": str(smtp.port), "OAA_SMTP_SECURITY": "none"}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    queue(engine, 2)
    result = runner.invoke(app, ["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "E-Mail-Versand: 2 versendet, 0 für neuen Versuch vorgemerkt, 0 endgültig fehlgeschlagen." in result.output
    assert len(smtp.inbox.messages) == 2
    again = runner.invoke(app, ["outbox", "send"])
    assert "0 versendet" in again.output and len(smtp.inbox.messages) == 2
