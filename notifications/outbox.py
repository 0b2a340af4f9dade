"""Put e-mails into the outbox in the caller's transaction, and read the outbox (KISA and administrators)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.utils import make_msgid, parseaddr
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session, col, func, select

from accounts.access import require_current, require_staff
from accounts.actor import Actor
from audit.log import record
from core.clock import utcnow
from core.config import get_settings
from core.errors import DomainError, NotFound
from core.paging import capped_count
from core.text import search_text
from models import MailStatus, OutboxMail, Role
from notifications.render import render_mail

STATUS_NAMES = {
    MailStatus.PENDING: "Wartend",
    MailStatus.SENDING: "In Zustellung",
    MailStatus.SENT: "Versendet",
    MailStatus.FAILED: "Fehlgeschlagen",
}


def app_link(path: str = "", **params: object) -> str:
    """Return an absolute link into the shop, e.g. ``app_link("produkt", id=12)`` (for mail contexts)."""
    base = get_settings().app_base_url.rstrip("/")
    link = f"{base}/{path.lstrip('/')}" if path else f"{base}/"
    return f"{link}?{urlencode(params)}" if params else link


def message_id_domain() -> str:
    """Return the domain of the Message-ID: that of OAA_MAIL_FROM (``localhost`` when it has none)."""
    _name, address = parseaddr(get_settings().mail_from)
    domain = address.rpartition("@")[2].strip().lower()
    return domain or "localhost"


def enqueue(
    session: Session,
    *,
    event: str,
    to: str,
    context: dict[str, Any],
    municipality_id: int | None = None,
) -> OutboxMail:
    """Render ``event`` and add the mail to the session; it is committed (or rolled back) with the caller's change."""
    to = to.strip()
    Address(addr_spec=to)  # refuses anything that is not one plain address (no header injection)
    rendered = render_mail(event, context)
    mail = OutboxMail(
        event=event,
        to_address=to,
        subject=rendered.subject[:300],
        text_body=rendered.text,
        html_body=rendered.html,
        municipality_id=municipality_id,
        message_id=make_msgid(domain=message_id_domain()),
        status=MailStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    session.add(mail)
    return mail


@dataclass(frozen=True)
class OutboxPage:
    """One page of mails, newest first, and how many match in all."""

    mails: list[OutboxMail]
    total: int  # up to core.paging.COUNT_CAP (or the end of this page); ``more``: there are more than that
    more: bool = False


def list_mails(
    session: Session,
    *,
    actor: Actor,
    status: MailStatus | None = None,
    text: str = "",
    limit: int = 50,
    offset: int = 0,
) -> OutboxPage:
    """Return outbox mails for KISA and administrators (all municipalities); anyone else is refused."""
    require_staff(actor)
    query = select(OutboxMail)
    if status is not None:
        query = query.where(OutboxMail.status == status)
    needle = search_text(text).lower()  # % and _ are searched literally (autoescape)
    if needle:
        query = query.where(
            func.lower(OutboxMail.to_address).contains(needle, autoescape=True)
            | func.lower(OutboxMail.subject).contains(needle, autoescape=True)
            | func.lower(OutboxMail.event).contains(needle, autoescape=True)
        )
    total, more = capped_count(session, query, at_least=offset + limit)
    rows = session.exec(
        query.order_by(col(OutboxMail.created_at).desc(), col(OutboxMail.id).desc()).offset(offset).limit(limit)
    ).all()
    return OutboxPage(mails=list(rows), total=total, more=more)


def count_by_status(session: Session, *, actor: Actor) -> dict[MailStatus, tuple[int, bool]]:
    """Return how many mails are in each status (every status listed, zero included), each counted up to
    ``core.paging.COUNT_CAP`` by the status index: (count, whether there are more)."""
    require_staff(actor)
    return {status: capped_count(session, select(OutboxMail.id).where(OutboxMail.status == status))
            for status in MailStatus}


def count_waiting(session: Session) -> int:
    """Return how many mails wait for delivery (for the operator command; no personal data)."""
    query = select(func.count()).select_from(OutboxMail).where(OutboxMail.status == MailStatus.PENDING)
    return int(session.exec(query).one())


def get_mail(session: Session, *, actor: Actor, mail_id: int) -> OutboxMail:
    """Return one mail for the preview; staff only."""
    require_staff(actor)
    mail = session.get(OutboxMail, mail_id)
    if mail is None:
        raise NotFound("Die E-Mail wurde nicht gefunden.")
    return mail


def sending_timeout() -> timedelta:
    """Return how long a claimed mail may stay 'sending' before it counts as unclear."""
    return timedelta(minutes=get_settings().mail_sending_timeout_minutes)


def is_unclear(mail: OutboxMail, *, now: datetime | None = None) -> bool:
    """Tell whether a sender claimed the mail long ago and never reported back (sent or not: unknown)."""
    if mail.status != MailStatus.SENDING or mail.claimed_at is None:
        return False
    return mail.claimed_at < (now or utcnow()) - sending_timeout()


def list_unclear(session: Session, *, now: datetime | None = None) -> list[OutboxMail]:
    """Return mails stuck in 'sending' longer than the timeout; they are never resent automatically."""
    limit = (now or utcnow()) - sending_timeout()
    query = select(OutboxMail).where(OutboxMail.status == MailStatus.SENDING, col(OutboxMail.claimed_at) < limit)
    return list(session.exec(query.order_by(col(OutboxMail.id))).all())


def unclear_mail_ids(session: Session, *, actor: Actor, now: datetime | None = None) -> list[int]:
    """Return the numbers of unclear mails for the Postausgang (staff only)."""
    require_staff(actor)
    return [m.id for m in list_unclear(session, now=now) if m.id is not None]


def status_label(mail: OutboxMail, *, now: datetime | None = None) -> str:
    """Return the German status of a mail; a mail stuck in 'sending' reads "Unklar"."""
    if is_unclear(mail, now=now):
        return "Unklar (Versand begonnen, nicht abgeschlossen)"
    return STATUS_NAMES[mail.status]


def is_waiting(mail: OutboxMail) -> bool:
    """Tell whether the mail waits for a (further) delivery attempt."""
    return mail.status == MailStatus.PENDING


def can_retry(mail: OutboxMail, *, now: datetime | None = None) -> bool:
    """Tell whether KISA may put the mail back into the queue: it failed, or its delivery state is unclear."""
    return mail.status == MailStatus.FAILED or is_unclear(mail, now=now)


def retry_mail(session: Session, *, actor: Actor, mail_id: int) -> OutboxMail:
    """Queue a failed or unclear mail again (KISA decided it was not delivered); it keeps its Message-ID."""
    get_mail(session, actor=actor, mail_id=mail_id)
    require_current(session, actor, Role.KISA, Role.ADMIN)
    mail = session.get(OutboxMail, mail_id, with_for_update=True, populate_existing=True)  # a sender may finish it now
    assert mail is not None
    if not can_retry(mail):
        raise DomainError("Nur fehlgeschlagene oder unklare E-Mails können erneut versendet werden.")
    previous = STATUS_NAMES[mail.status]
    mail.status = MailStatus.PENDING
    mail.attempts = 0
    mail.next_attempt_at = utcnow()
    mail.claimed_at = None
    session.add(mail)
    record(session, action="outbox.retried", entity_type="mail", entity_id=mail.id, actor=actor,
           municipality_id=mail.municipality_id,
           details=f"E-Mail „{mail.subject}“ an {mail.to_address} erneut in den Versand gegeben (vorher: {previous}).")
    return mail
