"""Single sign-on (OIDC through Streamlit's ``st.login``): map the identity to an existing account, start the same
server-side web session as a password login, and count a fresh login at the identity provider as re-authentication.

Streamlit-free: the web layer hands in the claims of ``st.user`` (the identity provider's signed ID token, checked by
Streamlit/Authlib). There is no self-registration through SSO: the e-mail address must belong to an existing,
active account (registered and approved as usual, or created by an administrator).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from accounts import web_sessions
from accounts.actor import Actor
from accounts.reauth import reauth_window
from accounts.validation import normalise_email
from audit.log import record
from core.clock import utcnow
from core.errors import DomainError
from models import User, UserStatus, WebSession

# An identity cookie older than this does not start a new web session by itself: after a logout or an expired
# session the person goes through st.login again (the button), so the cookie alone never logs anyone back in.
LOGIN_FRESH_SECONDS = 300
CLOCK_SKEW_SECONDS = 30  # the provider's clock may run a little ahead

UNKNOWN = "Kein Konto für {email} – bitte registrieren Sie sich oder wenden Sie sich an KISA."
UNVERIFIED = ("Ihr Dienstkonto meldet die E-Mail-Adresse {email} als nicht bestätigt. Bitte wenden Sie sich an die "
              "Verwaltung Ihres Dienstkontos oder an KISA.")
NOT_ACTIVE = {
    UserStatus.PENDING: "Ihr Konto für {email} wartet noch auf die Freischaltung durch KISA. Sie erhalten eine E-Mail, "
                        "sobald Sie sich anmelden können.",
    UserStatus.INVITED: "Für {email} liegt eine Einladung vor. Bitte nehmen Sie zuerst die Einladung aus Ihrer E-Mail an.",
    UserStatus.REJECTED: "Die Registrierung für {email} wurde nicht freigeschaltet. Bitte wenden Sie sich an KISA.",
    UserStatus.DISABLED: "Das Konto für {email} ist deaktiviert. Bitte wenden Sie sich an KISA.",
}


class SsoRefused(DomainError):
    """The identity provider's person has no usable account here; the message says what to do, in German."""


@dataclass(frozen=True)
class SsoIdentity:
    """What the identity provider says about the person (from the claims of its ID token)."""

    email: str  # as the provider sends it
    subject: str
    issued_at: datetime | None  # iat: when the provider issued the token (i.e. the st.login round trip)
    authenticated_at: datetime | None  # auth_time (when the person last entered credentials there), else iat
    email_verified: bool | None


def _time(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (OverflowError, OSError, ValueError):
        return None


def identity_from_claims(claims: Mapping[str, Any]) -> SsoIdentity | None:
    """Read the claims of ``st.user``; ``None`` when nobody is logged in at the identity provider."""
    if claims.get("is_logged_in") is not True:
        return None
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        return None
    issued = _time(claims.get("iat"))
    verified = claims.get("email_verified")
    return SsoIdentity(
        email=email.strip()[:254], subject=str(claims.get("sub") or "")[:255], issued_at=issued,
        authenticated_at=_time(claims.get("auth_time")) or issued,
        email_verified=verified if isinstance(verified, bool) else None,
    )


def is_fresh_login(identity: SsoIdentity) -> bool:
    """Tell whether the identity comes from an st.login round trip just now (it may then start a web session)."""
    if identity.issued_at is None:
        return False
    age = utcnow() - identity.issued_at
    return -timedelta(seconds=CLOCK_SKEW_SECONDS) <= age < timedelta(seconds=LOGIN_FRESH_SECONDS)


def account_for(session: Session, *, identity: SsoIdentity) -> User:
    """Return the active account of the identity's e-mail address, else refuse with a German message.

    No account is created: unknown addresses are told to register (or ask KISA). Addresses the provider marks as
    unverified are refused, so that nobody takes over an account by typing someone else's address at the provider.
    """
    normalised, _ = normalise_email(identity.email)
    shown = normalised or identity.email
    if identity.email_verified is False:
        raise SsoRefused(UNVERIFIED.format(email=shown))
    user = session.exec(select(User).where(User.email == normalised)).first() if normalised else None
    if user is None:
        raise SsoRefused(UNKNOWN.format(email=shown))
    if user.status != UserStatus.ACTIVE:
        raise SsoRefused(NOT_ACTIVE[user.status].format(email=shown))
    return user


@dataclass(frozen=True)
class SsoLogin:
    """The result of a single sign-on: the actor and the new web session, or the German message why not."""

    actor: Actor | None
    web_session: web_sessions.StartedSession | None = None
    message: str = ""


def start_sso_session(session: Session, *, identity: SsoIdentity) -> SsoLogin:
    """Log in through single sign-on: the same server-side web session as a password login; audit-logged.

    The session counts as authenticated when the provider says the person last entered credentials
    (``auth_time``), so a long-lived provider session is asked again before a sensitive action.
    Never raises for an unknown or unusable account, so that the caller commits the audit event.
    """
    try:
        user = account_for(session, identity=identity)
    except SsoRefused as exc:
        record(session, action="login.sso_refused", entity_type="user", actor_label=identity.email[:254],
               details=f"Anmeldung mit dem Dienstkonto abgelehnt: {exc}")
        return SsoLogin(None, None, str(exc))
    now = utcnow()
    user.last_login_at = now
    session.add(user)
    actor = Actor.of(user)
    started = web_sessions.start(session, actor=actor, authenticated_at=identity.authenticated_at or now)
    record(session, actor=actor, action="login.sso", entity_type="user", entity_id=user.id,
           municipality_id=user.municipality_id, details="Mit dem Dienstkonto angemeldet (Single Sign-on).")
    return SsoLogin(actor, started)


def confirm_sso(session: Session, *, actor: Actor, web_session_id: int | None, identity: SsoIdentity) -> bool:
    """Count a fresh login at the identity provider as re-authentication of the web session; return whether it did.

    Only when the provider's person is the logged-in person and their credentials were entered within the
    re-authentication window, later than the session's last check. Audit-logged when it counts.
    """
    if web_session_id is None or identity.authenticated_at is None:
        return False
    normalised, _ = normalise_email(identity.email)
    if normalised != actor.email or identity.email_verified is False:
        return False
    now = utcnow()
    web_session = session.get(WebSession, web_session_id, with_for_update=True, populate_existing=True)
    if (web_session is None or web_session.user_id != actor.user_id or web_session.revoked_at is not None
            or web_session.expires_at <= now):
        return False
    when = min(identity.authenticated_at, now)
    if now - when >= reauth_window():
        return False
    if web_session.authenticated_at is not None and when <= web_session.authenticated_at:
        return False
    web_session.authenticated_at = when
    session.add(web_session)
    session.flush()
    record(session, actor=actor, action="reauth.confirmed", entity_type="user", entity_id=actor.user_id,
           municipality_id=actor.municipality_id, details="Mit dem Dienstkonto bestätigt (erneute Anmeldung).")
    return True
