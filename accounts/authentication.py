"""Login with Argon2, counted failures and a temporary lock; one generic message for every failure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from accounts.actor import Actor
from accounts.passwords import dummy_hash, hash_password, needs_rehash, verify_password
from accounts.validation import normalise_email
from audit.log import record
from core.clock import utcnow
from core.config import get_settings
from models import User, UserStatus

LOGIN_FAILED = (
    "Die Anmeldung ist fehlgeschlagen. Bitte prüfen Sie E-Mail-Adresse und Passwort. "
    "Nach mehreren Fehlversuchen ist die Anmeldung für einige Minuten gesperrt."
)

LOCAL_LOGIN_OFF = "Die Anmeldung mit Passwort ist abgeschaltet. Bitte melden Sie sich mit Ihrem Dienstkonto an."


@dataclass(frozen=True)
class LoginOutcome:
    """The result of a login attempt: an actor, or the generic German message."""

    actor: Actor | None
    message: str = ""


def authenticate(session: Session, *, email: str, password: str) -> LoginOutcome:
    """Check the credentials; count failures and lock the account after too many.

    Never raises for wrong input, so that the failure counter is committed by the caller.
    Unknown addresses cost one Argon2 verification too, so that timing tells nothing.
    """
    if not get_settings().local_login_enabled:
        return LoginOutcome(None, LOCAL_LOGIN_OFF)
    normalised, _ = normalise_email(email)
    user = session.exec(select(User).where(User.email == normalised)).first() if normalised else None
    now = utcnow()
    if user is None or not user.password_hash:
        verify_password(dummy_hash(), password)
        record(session, action="login.failed", entity_type="user", actor_label=(normalised or email)[:254],
               details="Anmeldung mit unbekannter Adresse oder ohne Passwort.")
        return LoginOutcome(None, LOGIN_FAILED)
    locked = user.locked_until is not None and user.locked_until > now
    matches = verify_password(user.password_hash, password)
    if locked:
        record(session, action="login.locked", entity_type="user", entity_id=user.id, actor_label=user.email,
               municipality_id=user.municipality_id, details="Anmeldeversuch während der Sperre.")
        return LoginOutcome(None, LOGIN_FAILED)
    if not matches:
        count_failure(session, user, action="login.failed", what="Falsches Passwort")
        return LoginOutcome(None, LOGIN_FAILED)
    if user.status == UserStatus.DISABLED:
        record(session, action="login.disabled", entity_type="user", entity_id=user.id,
               actor_label=user.email, municipality_id=user.municipality_id)
        return LoginOutcome(None, "Dieses Konto ist deaktiviert. Bitte wenden Sie sich an KISA.")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(user)
    session.flush()
    actor = Actor.of(user)
    record(session, actor=actor, action="login.success", entity_type="user", entity_id=user.id,
           municipality_id=user.municipality_id, details="Angemeldet.")
    return LoginOutcome(actor)


def count_failure(session: Session, user: User, *, action: str, what: str) -> bool:
    """Count a wrong password atomically, lock the account after too many and audit it; return whether it is locked.

    Used by the login and by the password confirmation before sensitive actions (``accounts.reauth``).
    """
    settings = get_settings()
    user.failed_logins = User.failed_logins + 1  # atomic in SQL
    session.add(user)
    session.flush()
    session.refresh(user)
    details = f"{what} ({user.failed_logins}. Fehlversuch)."
    locked = user.failed_logins >= settings.max_failed_logins
    if locked:
        user.locked_until = utcnow() + timedelta(minutes=settings.lockout_minutes)
        user.failed_logins = 0
        details += f" Anmeldung für {settings.lockout_minutes} Minuten gesperrt."
    record(session, action=action, entity_type="user", entity_id=user.id, actor_label=user.email,
           municipality_id=user.municipality_id, details=details)
    return locked


def reload_actor(session: Session, *, user_id: int) -> Actor | None:
    """Return the current actor for a user id (status or role may have changed), or ``None``."""
    user = session.get(User, user_id)
    if user is None or user.status in (UserStatus.DISABLED, UserStatus.INVITED):
        return None
    return Actor.of(user)
