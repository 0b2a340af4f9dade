"""AppTest of the Postausgang: KISA sees every mail with its state, filters, previews safely, requeues failed mail."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from core.clock import utcnow
from models import MailStatus, OutboxMail, Role
from notifications.outbox import enqueue
from tests.apptest_helpers import ROOT, all_text, app_like_server, click, load, log_in_as, navigation, open_page, run, texts
from tests.builders import make_municipality, make_user
from tests.test_notifications_render import SAMPLES

__all__ = ["app_like_server"]  # autouse fixture

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> [klick](javascript:alert(2))'


def put(engine, event, to, *, status=MailStatus.PENDING, municipality_id=None, **changes) -> int:
    with Session(engine, expire_on_commit=False) as s:
        context = {**SAMPLES[event], **changes.pop("context", {})}
        mail = enqueue(s, event=event, to=to, context=context, municipality_id=municipality_id)
        mail.status = status
        for key, value in changes.items():
            setattr(mail, key, value)
        s.commit()
        assert mail.id is not None
        return mail.id


def outbox_page(engine, session, role=Role.KISA):
    return open_page(engine, "outbox", user=make_user(session, role=role))


def table(at):
    return at.dataframe[0].value


def test_kisa_sees_all_mails_with_counts_and_filters(engine, session):
    north = make_municipality(session, name="Nordheim")
    put(engine, "registration.approved", "anna@nordheim.example", municipality_id=north.id)
    put(engine, "application.received", "post@suedheim.example", status=MailStatus.SENT, attempts=1)
    put(engine, "registration.rejected", "bert@beispiel.example", status=MailStatus.FAILED, attempts=5,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused")
    at = outbox_page(engine, session)
    assert texts(at, "title") == ["Postausgang"]
    assert {m.label: m.value for m in at.metric} == {"Wartend": "1", "In Zustellung": "0", "Versendet": "1",
                                                     "Fehlgeschlagen": "1"}
    assert "3 E-Mails" in texts(at, "markdown")
    rows = table(at)
    assert list(rows.columns) == ["Nr.", "Erstellt", "Art", "Empfänger", "Betreff", "Status", "Versuche"]
    assert list(rows["Empfänger"]) == ["bert@beispiel.example", "post@suedheim.example", "anna@nordheim.example"]
    assert list(rows["Status"]) == ["Fehlgeschlagen", "Versendet", "Wartend"]
    assert list(rows["Art"]) == ["Registrierung abgelehnt", "Antragseingang", "Registrierung freigeschaltet"]
    run(at, at.selectbox(key="outbox_status").select("Fehlgeschlagen"))
    assert list(table(at)["Empfänger"]) == ["bert@beispiel.example"]
    assert "1 E-Mail" in texts(at, "markdown")
    run(at, at.selectbox(key="outbox_status").select("Alle"))
    run(at, at.text_input(key="outbox_text").input("SUEDHEIM"))
    assert list(table(at)["Empfänger"]) == ["post@suedheim.example"]


def test_the_preview_shows_both_parts_as_written_and_never_renders_their_html(engine, session):
    mail_id = put(engine, "registration.rejected", "anna@nordheim.example",
                  context={"reason": HOSTILE, "municipality": "Gemeinde Bärenstein"})
    at = outbox_page(engine, session)
    run(at, at.selectbox(key="outbox_pick").select(mail_id))
    assert "Ihre Registrierung im OAA-Shop" in texts(at, "header")
    text = all_text(at)
    assert "anna@nordheim" in text and "Wartend" in text and "Message-ID" in text
    text, html = at.code
    assert HOSTILE in text.value and "Gemeinde Bärenstein" in text.value  # text part: exactly as written
    assert html.language == "html"  # the HTML part as source, never rendered
    assert "<script>" not in html.value and "<img" not in html.value and "&lt;script&gt;" in html.value
    assert "Eilenburger Straße 1a, 04317 Leipzig" in html.value
    assert not at.get("html")
    # The hostile text never reaches Markdown unescaped (no link, no HTML).
    assert all("javascript:alert(2))" not in m for m in texts(at, "markdown"))
    assert [t.label for t in at.tabs] == ["Textfassung", "HTML-Quelltext"]


def test_a_failed_mail_can_be_put_back_into_the_queue(engine, session):
    mail_id = put(engine, "registration.approved", "anna@nordheim.example", status=MailStatus.FAILED, attempts=5,
                  last_error="SMTPRecipientsRefused: 550 Mailbox unbekannt")
    sent_id = put(engine, "registration.approved", "bert@nordheim.example", status=MailStatus.SENT, attempts=1)
    at = outbox_page(engine, session)
    run(at, at.selectbox(key="outbox_pick").select(sent_id))
    assert not [b for b in at.button if b.label == "Erneut in den Versand geben"]
    run(at, at.selectbox(key="outbox_pick").select(mail_id))
    [error] = texts(at, "error")
    assert error.startswith("Letzter Fehler: SMTPRecipientsRefused") and "550 Mailbox unbekannt" in error
    click(at, "Erneut in den Versand geben")
    assert f"Nr. {mail_id} wird beim nächsten Versandlauf erneut versendet." in texts(at, "success")
    [mail] = load(engine, OutboxMail, OutboxMail.id == mail_id)
    assert mail.status == MailStatus.PENDING and mail.attempts == 0


def test_a_mail_stuck_in_sending_is_flagged_unclear(engine, session):
    mail_id = put(engine, "registration.approved", "anna@nordheim.example", status=MailStatus.SENDING,
                  claimed_at=utcnow() - timedelta(hours=2), attempts=0)
    at = outbox_page(engine, session)
    [warning] = texts(at, "warning")
    assert f"Unklarer Versandstand bei Nr. {mail_id}" in warning
    assert list(table(at)["Status"]) == ["Unklar (Versand begonnen, nicht abgeschlossen)"]


def test_municipal_users_neither_see_nor_can_run_the_postausgang(engine, session):
    put(engine, "registration.approved", "anna@nordheim.example")
    coordinator = make_user(session, role=Role.KOMMUNE, can_manage_team=True)
    assert "postausgang" not in navigation(open_page(engine, user=coordinator))
    at = AppTest.from_file(str(ROOT / "pages" / "outbox.py"), default_timeout=30)
    log_in_as(at, engine, coordinator)
    at.run()
    assert texts(at, "error") == ["Diese Seite ist für Ihre Rolle nicht freigegeben."]
    assert not at.dataframe and not at.get("html")
