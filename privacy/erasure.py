"""Erasure (Art. 17 DSGVO): anonymise a person while contracts, history and the audit log stay consistent.

The account row stays (every reference to it stays valid) with a placeholder name and a non-routable address;
the phone number and function are cleared, the password can no longer be used and all sessions end. Copies of the
name, address and phone number in other tables (audit details, "who did it" snapshots, questionnaire answers,
the acceptance snapshot, mails) are replaced by the same placeholders; mails addressed to the person lose their
text. No row is deleted: orders keep their number, municipality, products and prices, with the placeholder as the
signer; the audit log keeps every event and gets one more ("privacy.erased") that names only the account number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from accounts.access import require_current
from accounts.actor import Actor
from accounts.web_sessions import end_all_for_user
from audit.log import record
from core.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from models import MailStatus, OutboxMail, Role, User, UserStatus
from privacy.inventory import INVENTORY, Col
from privacy.matching import Matcher, Person, is_erased
from privacy.rows import candidates, primary_key, sa_table, text_columns
from questionnaire.checks import clean_free_text
from questionnaire.export import SYSTEM_USER_ID

MAX_REASON = 1000
REDACTED_TEXT = ("Der Inhalt dieser E-Mail wurde gelöscht (Löschung personenbezogener Daten nach Art. 17 DSGVO). "
                 "Empfänger, Betreff und Zeitpunkt bleiben als Versandnachweis.")
REDACTED_HTML = f"<p>{REDACTED_TEXT}</p>"
NOT_SENT = "Nicht versendet: Die Daten der Empfängerin oder des Empfängers wurden gelöscht (Art. 17 DSGVO)."


@dataclass
class ErasureReport:
    """What an erasure changed: rows per table, mails emptied, sessions ended."""

    user_id: int
    changed: dict[str, int] = field(default_factory=dict)
    mails_redacted: int = 0
    sessions_ended: int = 0

    def summary(self) -> str:
        """Return a German one-line summary (numbers only, no personal data)."""
        rows = sum(self.changed.values())
        return (f"Konto {self.user_id} anonymisiert: {rows} Datensätze in {len(self.changed)} Tabellen angepasst, "
                f"{self.mails_redacted} E-Mail(s) an die Person geleert, {self.sessions_ended} Sitzung(en) beendet.")


def _erased_value(value: str, column: Col, owner_value: object, matcher: Matcher) -> str:
    if column.owner and owner_value == matcher.person.user_id:
        return matcher.to_name if column.erase == "name" else matcher.to_email
    if column.owner and owner_value is not None:
        return value  # another person's snapshot
    return matcher.replace_json_text(value) if column.json else matcher.replace(value)


def _redact_mails_to(session: Session, matcher: Matcher) -> int:
    """Empty the mails addressed to the person; those not sent yet will never be."""
    table = sa_table("outboxmail")
    ids = [row.id for row in session.execute(
        select(table.c.id).where(func.lower(table.c.to_address) == matcher.email).with_for_update())]
    for mail_id in ids:
        mail = session.execute(select(table.c.status, table.c.subject).where(table.c.id == mail_id)).one()
        values: dict[str, object] = {"to_address": matcher.to_email, "subject": matcher.replace(mail.subject),
                                     "text_body": REDACTED_TEXT, "html_body": REDACTED_HTML}
        if mail.status == MailStatus.PENDING:
            values.update(status=MailStatus.FAILED, last_error=NOT_SENT)
        session.execute(update(OutboxMail).where(col(OutboxMail.id) == mail_id).values(**values))
    return len(ids)


def _replace_everywhere(session: Session, matcher: Matcher, report: ErasureReport) -> None:
    """Replace the person in every text column of every table but the account table."""
    for name, spec in INVENTORY.items():
        texts = text_columns(spec)
        if name == "user" or not texts:
            continue
        table = sa_table(name)
        for row in list(candidates(session, name, matcher, lock=True)):
            changes: dict[str, str] = {}
            for column_name, column in texts.items():
                value = row[column_name]
                if not isinstance(value, str) or not value:
                    continue
                new = _erased_value(value, column, row[column.owner] if column.owner else None, matcher)
                if new != value:
                    changes[column_name] = new
            if changes:
                key = primary_key(name, row)
                session.execute(update(table).where(*(table.c[k] == v for k, v in key.items())).values(**changes))
                report.changed[name] = report.changed.get(name, 0) + 1


def anonymise(session: Session, user: User, *, reason: str, actor: Actor | None, actor_label: str) -> ErasureReport:
    """Anonymise ``user`` everywhere and record it (no permission checks: callers check; retention calls it too)."""
    assert user.id is not None
    matcher = Matcher(Person.of(user))
    report = ErasureReport(user_id=user.id)
    report.mails_redacted = _redact_mails_to(session, matcher)
    _replace_everywhere(session, matcher, report)
    user.full_name = matcher.to_name
    user.email = matcher.to_email
    user.phone = ""
    user.position = ""
    user.password_hash = ""  # no password matches: the login fails like for an unknown address
    user.invitation_token_hash = None
    user.invitation_expires_at = None
    user.failed_logins = 0
    user.locked_until = None
    user.can_manage_team = False
    if user.status != UserStatus.REJECTED:
        user.status = UserStatus.DISABLED
    user.version += 1
    session.add(user)
    report.changed["user"] = 1
    report.sessions_ended = end_all_for_user(session, user_id=user.id)
    record(session, action="privacy.erased", entity_type="user", entity_id=user.id, actor=actor,
           actor_label=actor_label, municipality_id=user.municipality_id,
           details=f"Personenbezogene Daten von Konto {user.id} gelöscht (Art. 17 DSGVO): Name, E-Mail-Adresse und "
                   f"Telefonnummer durch Platzhalter ersetzt in {sum(report.changed.values())} Datensätzen. "
                   f"Grund: {matcher.replace(reason)}")
    session.flush()
    return report


def _active_admins(session: Session) -> int:
    query = select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.status == UserStatus.ACTIVE)
    return int(session.exec(query).one())


def erase_person(session: Session, *, actor: Actor, user_id: int, reason: str) -> ErasureReport:
    """Erase the personal data of account ``user_id`` (administrators only; see the module text for what stays).

    Refused for the actor's own account, for a registration still waiting for KISA's decision (reject it first),
    for an account already erased and for the last active administrator.
    """
    if actor.role != Role.ADMIN or not actor.is_active:
        raise PermissionDenied()
    if actor.user_id != SYSTEM_USER_ID:
        require_current(session, actor, Role.ADMIN)
    text = clean_free_text(reason, multiline=True)[:MAX_REASON]
    if len(text) < 5:
        raise FieldErrors({"reason": "Bitte geben Sie den Grund der Löschung an, z. B. „Antrag nach Art. 17 DSGVO "
                                     "vom 3. März“."})
    if user_id == actor.user_id:
        raise DomainError("Ihr eigenes Konto kann nur eine andere Administratorin oder ein anderer Administrator "
                          "löschen.")
    user = session.get(User, user_id, with_for_update=True, populate_existing=True)
    if user is None:
        raise NotFound("Das Konto wurde nicht gefunden.")
    if is_erased(user):
        raise DomainError("Die personenbezogenen Daten dieses Kontos wurden bereits gelöscht.")
    if user.status == UserStatus.PENDING:
        raise DomainError("Diese Registrierung wartet noch auf die Entscheidung von KISA. Bitte lehnen Sie sie zuerst "
                          "ab; danach können die Daten gelöscht werden.")
    if user.role == Role.ADMIN and user.status == UserStatus.ACTIVE and _active_admins(session) <= 1:
        raise DomainError("Dies ist das letzte aktive Administrationskonto. Legen Sie zuerst ein weiteres an.")
    return anonymise(session, user, reason=text, actor=None if actor.user_id == SYSTEM_USER_ID else actor,
                     actor_label=actor.email)
