"""Re-authentication before sensitive actions: the password again when the last check is too old.

Placing an order, the acceptance, confirming the go-live, publishing a release and ending a contract bind the
municipality or KISA. They need a password check of this web session (the login, or a confirmation) younger than
``OAA_REAUTH_MINUTES`` (default 10; 0 = every time). The time of the last check lives on the server-side
:class:`~models.WebSession` row, never in the browser.

A page calls :func:`confirm_password` (in a transaction of its own, so that a wrong password is counted even though
the action does not run) and then, in the action's transaction, :func:`require_recent_auth` before the domain call.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from accounts.access import require_current
from accounts.actor import Actor
from accounts.authentication import count_failure
from accounts.passwords import dummy_hash, hash_password, needs_rehash, verify_password
from audit.log import record
from core.clock import utcnow
from core.config import get_settings
from core.errors import DomainError
from models import User, WebSession

# With OAA_REAUTH_MINUTES=0 a confirmation counts only for the action it was typed for (the same click).
CONFIRM_SECONDS = 60

PASSWORD_NEEDED = "Bitte bestätigen Sie diese Aktion mit Ihrem Passwort."
SSO_NEEDED = "Bitte bestätigen Sie diese Aktion, indem Sie sich mit Ihrem Dienstkonto erneut anmelden."
WRONG_PASSWORD = ("Das Passwort ist nicht richtig. Bitte versuchen Sie es noch einmal. Nach mehreren Fehlversuchen "
                  "wird die Anmeldung für einige Minuten gesperrt.")
LOCKED = ("Die Anmeldung ist nach mehreren Fehlversuchen vorübergehend gesperrt. Bitte versuchen Sie es in einigen "
          "Minuten erneut.")
LOCKED_NOW = ("Das Passwort war mehrmals nicht richtig. Zu Ihrer Sicherheit wurden Sie abgemeldet; die Anmeldung ist "
              "für {minutes} Minuten gesperrt.")
SESSION_GONE = "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."
NO_LOCAL_PASSWORD = "Die Bestätigung mit Passwort ist abgeschaltet. Bitte bestätigen Sie mit Ihrem Dienstkonto."


class ReauthRequired(DomainError):
    """The action needs a fresh password check (or the typed password was wrong); the message says so in German."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or _needed_message())


def _needed_message() -> str:
    settings = get_settings()
    what = PASSWORD_NEEDED if settings.local_login_enabled else SSO_NEEDED
    if settings.reauth_minutes <= 0:
        return what
    return f"Ihre letzte Anmeldung liegt mehr als {settings.reauth_minutes} Minuten zurück. {what}"


def reauth_window() -> timedelta:
    """Return how long a password check counts for sensitive actions."""
    minutes = get_settings().reauth_minutes
    return timedelta(minutes=minutes) if minutes > 0 else timedelta(seconds=CONFIRM_SECONDS)


def _alive(web_session: WebSession | None, now: datetime) -> bool:
    return web_session is not None and web_session.revoked_at is None and web_session.expires_at > now


def _fresh(web_session: WebSession | None, now: datetime) -> bool:
    if web_session is None or not _alive(web_session, now) or web_session.authenticated_at is None:
        return False
    if get_settings().reauth_minutes <= 0 and web_session.authenticated_at <= web_session.created_at:
        return False  # "every time": the login itself does not count, only a confirmation for the action
    return now - web_session.authenticated_at < reauth_window()


def is_recent(session: Session, *, web_session_id: int | None) -> bool:
    """Tell whether the web session's last password check is recent enough for a sensitive action (no side effects).

    Pages use it to decide whether the confirmation shows the password field.
    """
    if web_session_id is None:
        return False
    return _fresh(session.get(WebSession, web_session_id), utcnow())


def require_recent_auth(session: Session, *, web_session_id: int | None, actor: Actor | None = None) -> None:
    """Refuse with :class:`ReauthRequired` unless the last password check of the web session is recent enough.

    Call it in the transaction of the sensitive action, before the domain call. With ``OAA_REAUTH_MINUTES=0`` the
    confirmation is used up by this action (the next one asks again). ``actor``, when given, must own the session.
    """
    if web_session_id is None:
        raise ReauthRequired()
    web_session = session.get(WebSession, web_session_id, with_for_update=True, populate_existing=True)
    if web_session is not None and actor is not None and web_session.user_id != actor.user_id:
        raise ReauthRequired(SESSION_GONE)
    now = utcnow()
    if not _fresh(web_session, now):
        raise ReauthRequired()
    assert web_session is not None
    if get_settings().reauth_minutes <= 0:
        web_session.authenticated_at = None
        session.add(web_session)
        session.flush()


def confirm_password(session: Session, *, actor: Actor, web_session_id: int | None, password: str) -> str | None:
    """Check the password of the logged-in person again; return ``None`` when it is right, else the German message.

    A right password marks the web session as freshly authenticated. A wrong one counts towards the lockout like a
    failed login; the lock also ends this web session. A locked account is refused even with the right password.
    Never raises for a wrong password, so that the caller commits the failure count (use a transaction of its own).
    Every outcome is audit-logged. Raises :class:`DomainError` when the web session has ended meanwhile.
    """
    settings = get_settings()
    now = utcnow()
    web_session = (session.get(WebSession, web_session_id, with_for_update=True, populate_existing=True)
                   if web_session_id is not None else None)
    if not _alive(web_session, now) or web_session is None or web_session.user_id != actor.user_id:
        raise DomainError(SESSION_GONE)
    if not settings.local_login_enabled:
        raise DomainError(NO_LOCAL_PASSWORD)
    require_current(session, actor)
    user = session.get(User, actor.user_id, with_for_update=True, populate_existing=True)
    assert user is not None
    matches = verify_password(user.password_hash or dummy_hash(), password or "") and bool(user.password_hash)
    if user.locked_until is not None and user.locked_until > now:
        record(session, action="reauth.locked", entity_type="user", entity_id=user.id, actor_label=user.email,
               municipality_id=user.municipality_id, details="Bestätigung mit Passwort während der Sperre.")
        return LOCKED
    if not matches:
        if count_failure(session, user, action="reauth.failed", what="Falsches Passwort bei der Bestätigung"):
            web_session.revoked_at = now
            session.add(web_session)
            session.flush()
            return LOCKED_NOW.format(minutes=settings.lockout_minutes)
        return WRONG_PASSWORD
    user.failed_logins = 0
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    web_session.authenticated_at = now
    session.add(user)
    session.add(web_session)
    session.flush()
    record(session, actor=actor, action="reauth.confirmed", entity_type="user", entity_id=user.id,
           municipality_id=user.municipality_id, details="Mit Passwort bestätigt (vor einer verbindlichen Aktion).")
    return None
