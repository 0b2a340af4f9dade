"""The outbox: mails are written in the caller's transaction; only KISA and administrators read them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from audit.log import record
from core.clock import utcnow
from core.db import session_scope
from core.errors import DomainError, NotFound, PermissionDenied
from models import AuditEvent, MailStatus, OutboxMail, Role
from notifications.outbox import (
    app_link,
    count_by_status,
    count_waiting,
    enqueue,
    get_mail,
    is_unclear,
    list_mails,
    retry_mail,
)
from tests.builders import actor_of, make_municipality, make_user
from tests.test_notifications_render import SAMPLES


def put(session, event="registration.approved", to="anna@musterstadt.example", municipality_id=None, **context):
    mail = enqueue(session, event=event, to=to, context={**SAMPLES[event], **context}, municipality_id=municipality_id)
    session.commit()
    return mail


def mails(engine):
    with Session(engine) as s:
        return list(s.exec(select(OutboxMail)).all())


def test_enqueue_renders_the_mail_into_the_callers_transaction_without_committing(engine, session):
    mail = enqueue(session, event="registration.approved", to=" anna@musterstadt.example ",
                   context=SAMPLES["registration.approved"], municipality_id=None)
    session.flush()
    assert mail.id is not None and mail.status == MailStatus.PENDING and mail.attempts == 0
    assert mail.to_address == "anna@musterstadt.example"
    assert mail.subject == "Ihre Registrierung im OAA-Shop ist freigeschaltet"
    assert "Gemeinde Bärenstein" in mail.text_body and "Gemeinde Bärenstein" in mail.html_body
    session.rollback()
    assert mails(engine) == []


def test_a_failing_use_case_leaves_neither_its_change_nor_its_mail(engine):
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        record(s, action="registration.approved", entity_type="user", entity_id=1, details="x")
        enqueue(s, event="registration.approved", to="anna@musterstadt.example",
                context=SAMPLES["registration.approved"])
        raise RuntimeError("the change failed after the mail was queued")
    assert mails(engine) == []
    with Session(engine) as s:
        assert s.exec(select(AuditEvent)).all() == []
    with session_scope(engine) as s:
        enqueue(s, event="registration.approved", to="anna@musterstadt.example",
                context=SAMPLES["registration.approved"])
    assert len(mails(engine)) == 1


def test_message_ids_are_unique_and_use_the_domain_of_the_sender_address(engine, session, monkeypatch):
    monkeypatch.setenv("OAA_MAIL_FROM", "KISA OAA-Shop <noreply@oaa-shop.kisa.example>")
    from core.config import get_settings

    get_settings.cache_clear()
    ids = {put(session).message_id for _ in range(5)}
    assert len(ids) == 5
    assert all(i.startswith("<") and i.endswith("@oaa-shop.kisa.example>") for i in ids)


@pytest.mark.parametrize("to", ["kaputt", "a@b.example\r\nBcc: alle@example.org", "Anna <a@b.example>",
                                "a@b.example, c@d.example"])
def test_enqueue_refuses_anything_but_one_plain_address(engine, session, to):
    with pytest.raises(ValueError):
        enqueue(session, event="registration.approved", to=to, context=SAMPLES["registration.approved"])


def test_enqueue_refuses_a_context_with_a_missing_key(engine, session):
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError):
        enqueue(session, event="registration.rejected", to="a@b.example", context={"municipality": "X"})


def test_app_link_builds_deep_links_from_the_configured_base_url(monkeypatch):
    monkeypatch.setenv("OAA_APP_BASE_URL", "https://oaa-shop.kisa.example/")
    from core.config import get_settings

    get_settings.cache_clear()
    assert app_link("produkt", id=12) == "https://oaa-shop.kisa.example/produkt?id=12"
    assert app_link() == "https://oaa-shop.kisa.example/"


def test_staff_see_every_municipalitys_mail_with_filters_and_counts(engine, session):
    north, south = make_municipality(session, name="Nordheim"), make_municipality(session, name="Südheim")
    first = put(session, to="anna@nordheim.example", municipality_id=north.id)
    put(session, "registration.rejected", to="bert@suedheim.example", municipality_id=south.id)
    put(session, "application.received", to="post@suedheim.example", municipality_id=south.id)
    first.status = MailStatus.SENT
    session.add(first)
    session.commit()
    for role in (Role.KISA, Role.ADMIN):
        staff = actor_of(make_user(session, role=role))
        page = list_mails(session, actor=staff)
        assert page.total == 3
        assert [m.to_address for m in page.mails] == ["post@suedheim.example", "bert@suedheim.example",
                                                      "anna@nordheim.example"]
    assert list_mails(session, actor=staff, status=MailStatus.SENT).total == 1
    assert [m.to_address for m in list_mails(session, actor=staff, text="SUEDHEIM").mails] == [
        "post@suedheim.example", "bert@suedheim.example"]
    assert list_mails(session, actor=staff, text="antragseingang").total == 1  # subject
    assert list_mails(session, actor=staff, text="100%_").total == 0  # wildcards are literal
    assert list_mails(session, actor=staff, limit=2, offset=2).mails[0].to_address == "anna@nordheim.example"
    assert count_by_status(session, actor=staff) == {MailStatus.PENDING: (2, False), MailStatus.SENDING: (0, False),
                                                     MailStatus.SENT: (1, False), MailStatus.FAILED: (0, False)}
    assert count_waiting(session) == 2
    assert get_mail(session, actor=staff, mail_id=first.id).subject == first.subject
    with pytest.raises(NotFound):
        get_mail(session, actor=staff, mail_id=first.id + 1000)


def test_municipal_users_and_inactive_staff_cannot_read_the_outbox(engine, session):
    municipality = make_municipality(session)
    mail = put(session, municipality_id=municipality.id)
    coordinator = actor_of(make_user(session, municipality=municipality, can_manage_team=True))
    from models import UserStatus

    disabled_staff = actor_of(make_user(session, role=Role.KISA, status=UserStatus.DISABLED))
    for actor in (coordinator, disabled_staff):
        with pytest.raises(PermissionDenied):
            list_mails(session, actor=actor)
        with pytest.raises(PermissionDenied):
            get_mail(session, actor=actor, mail_id=mail.id)
        with pytest.raises(PermissionDenied):
            count_by_status(session, actor=actor)


def test_kisa_can_requeue_a_failed_or_unclear_mail_but_not_a_sent_one(engine, session):
    kisa = actor_of(make_user(session, role=Role.KISA))
    failed, stuck, sent = put(session), put(session), put(session)
    failed.status, failed.attempts, failed.last_error = MailStatus.FAILED, 5, "ConnectionRefusedError"
    stuck.status, stuck.claimed_at = MailStatus.SENDING, utcnow() - timedelta(hours=1)
    sent.status = MailStatus.SENT
    session.add_all([failed, stuck, sent])
    session.commit()
    assert is_unclear(stuck) and not is_unclear(failed)
    for mail in (failed, stuck):
        retry_mail(session, actor=kisa, mail_id=mail.id)
        session.commit()
        session.refresh(mail)
        assert mail.status == MailStatus.PENDING and mail.attempts == 0 and mail.claimed_at is None
    with pytest.raises(DomainError):
        retry_mail(session, actor=kisa, mail_id=sent.id)
    actions = session.exec(select(AuditEvent.action)).all()
    assert actions == ["outbox.retried", "outbox.retried"]


def test_a_recently_claimed_mail_is_not_unclear_yet(engine, session):
    mail = put(session)
    mail.status, mail.claimed_at = MailStatus.SENDING, utcnow() - timedelta(minutes=2)
    assert not is_unclear(mail)
    kisa = actor_of(make_user(session, role=Role.KISA))
    session.add(mail)
    session.commit()
    with pytest.raises(DomainError):
        retry_mail(session, actor=kisa, mail_id=mail.id)


def test_long_lists_are_counted_up_to_a_cap_and_say_there_are_more(session, monkeypatch):
    from core import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 2)  # as with 200,000 mails nationwide
    staff = actor_of(make_user(session, role=Role.KISA))
    for n in range(4):
        put(session, to=f"person{n}@nordheim.example")
    first = list_mails(session, actor=staff, limit=1)
    assert (first.total, first.more, len(first.mails)) == (2, True, 1)  # "mehr als 2"
    last = list_mails(session, actor=staff, limit=1, offset=3)  # the page shown is always counted to its end
    assert (last.total, last.more, len(last.mails)) == (4, False, 1)
    assert count_by_status(session, actor=staff)[MailStatus.PENDING] == (2, True)
    assert count_by_status(session, actor=staff)[MailStatus.SENT] == (0, False)
