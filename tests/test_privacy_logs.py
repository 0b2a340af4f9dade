"""No personal data in logs: failed logins, registrations, failed deliveries and page errors log ids, not people."""

from __future__ import annotations

import logging
import re
import smtplib

import pytest
from sqlmodel import select

from accounts.authentication import authenticate
from accounts.registration import RegistrationInput, register
from core.errors import FieldErrors
from models import OutboxMail, User
from notifications.outbox import enqueue
from notifications.sender import deliver_due
from tests.apptest_helpers import INCIDENT_TEXT, app_like_server, log_in_as, new_app, texts
from tests.builders import make_user
from tests.privacy_world import REGISTRATION

__all__ = ["app_like_server"]  # autouse fixture

EMAIL, NAME = "gisela.geheim@riesa.example", "Gisela Geheimnis"
APPLICANT = {**REGISTRATION, "full_name": "Hubert Heimlich", "email": "hubert.heimlich@grossenhain.example"}
PEOPLE = (EMAIL, NAME, APPLICANT["full_name"], APPLICANT["email"], "gisela", "hubert")


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Return everything logged, as an operator would read it (messages and tracebacks)."""
    return caplog.text


def assert_no_people(text: str) -> None:
    leaks = [p for p in PEOPLE if p.lower() in text.lower()]
    assert leaks == [], text[-3000:]


@pytest.fixture
def gisela(session) -> User:
    user = make_user(session, email=EMAIL)
    user.full_name = NAME
    session.add(user)
    session.commit()
    return user


def test_failed_logins_and_registrations_log_no_addresses_or_names(session, gisela, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # SQL statements too, as when an operator debugs
    assert authenticate(session, email=EMAIL, password="falsch-falsch-falsch").actor is None
    assert authenticate(session, email="unbekannt.gisela@riesa.example", password="egal-egal-egal").actor is None
    session.commit()
    register(session, RegistrationInput(**APPLICANT))
    session.commit()
    with pytest.raises(FieldErrors):
        register(session, RegistrationInput(**APPLICANT))  # the address is taken now
    session.rollback()
    assert "INSERT INTO" in logged(caplog) and "parameters hidden" in logged(caplog)  # the statements, no values
    assert_no_people(logged(caplog))


class Refusing:
    """A mail server that refuses the recipient, quoting the address as real servers do."""

    def send(self, message) -> None:
        raise smtplib.SMTPRecipientsRefused({message["To"]: (550, f"5.1.1 <{message['To']}> unbekannt".encode())})


def test_a_failed_delivery_logs_the_mail_number_not_the_recipient(engine, session, gisela, caplog):
    enqueue(session, event="registration.approved", to=EMAIL, context={"municipality": "Riesa",
                                                                        "login_url": "http://x/anmelden"})
    session.commit()
    [mail_id] = session.exec(select(OutboxMail.id)).all()
    session.commit()
    caplog.set_level(logging.DEBUG)
    report = deliver_due(engine, transport=Refusing())
    assert report.retrying == [mail_id]
    [warning] = [r for r in caplog.records if r.name == "oaa.mail"]
    assert warning.getMessage() == f"E-Mail {mail_id}: Zustellung fehlgeschlagen (SMTPRecipientsRefused, Versuch 1)"
    assert_no_people(logged(caplog))
    session.expire_all()
    assert EMAIL in session.get(OutboxMail, mail_id).last_error  # KISA still sees why, in the Postausgang


def test_an_unexpected_page_error_logs_the_incident_and_a_traceback_without_its_text(engine, session, gisela,
                                                                                    monkeypatch, caplog):
    at = new_app()
    log_in_as(at, engine, gisela)
    at.run()

    def boom(*args, **kwargs):
        raise ValueError(f"Konto {EMAIL} ({NAME}) passt nicht")

    monkeypatch.setattr("accounts.team.list_team", boom)
    at.switch_page("pages/team.py")
    caplog.set_level(logging.DEBUG)
    at.run()
    [error] = texts(at, "error")
    incident = re.search(rf"{INCIDENT_TEXT} \*\*([0-9A-F]{{8}})\*\*", error).group(1)
    [record] = [r for r in caplog.records if r.name == "oaa.errors"]
    assert record.getMessage() == f"Vorfall {incident}: unerwarteter Fehler"
    assert "in boom" in logged(caplog) and "ValueError: (Fehlertext nicht protokolliert" in logged(caplog)
    assert_no_people(logged(caplog))


def test_streamlits_own_error_log_is_redacted_too():
    import web.errors  # noqa: F401  (installs the filter, as app.py does)

    captured: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            captured.append(self.format(record))

    logger = logging.getLogger("streamlit.error_util")  # does not propagate: listen on it directly
    handler = Keep()
    logger.addHandler(handler)
    try:
        try:
            raise RuntimeError(f"Widget von {NAME} <{EMAIL}>")
        except RuntimeError as exc:
            logger.error("Uncaught app execution", exc_info=exc)
    finally:
        logger.removeHandler(handler)
    [text] = captured
    assert "RuntimeError: (Fehlertext nicht protokolliert" in text
    assert_no_people(text)
