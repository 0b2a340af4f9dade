"""Server-side login sessions behind an HttpOnly cookie, with idle and absolute timeouts.

Flow: a successful login creates a :class:`WebSession` with a one-time *bind code*. The page asks
the browser to POST that code to ``/_oaa/session`` (see ``server.py``); the route calls
:func:`bind_cookie`, which creates the cookie token, stores only its SHA-256 and returns it for the
``Set-Cookie`` header. A reload then finds the token in the websocket request's cookies and calls
:func:`resume`. No token ever appears in a URL.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from accounts.actor import Actor
from accounts.authentication import reload_actor
from accounts.hashing import digest
from audit.log import record
from core.clock import utcnow
from core.config import get_settings
from core.errors import PermissionDenied
from models import User, WebSession

COOKIE_NAME = "oaa_session"
BIND_CODE_SECONDS = 120
TOUCH_EVERY_SECONDS = 60


@dataclass(frozen=True)
class StartedSession:
    """A new login session and the one-time code that lets the browser fetch its cookie."""

    web_session_id: int
    bind_code: str


def start(session: Session, *, actor: Actor, authenticated_at: datetime | None = None) -> StartedSession:
    """Open a login session for ``actor``; refused if the account was disabled (or is gone) meanwhile.

    ``authenticated_at`` is when the person last proved who they are: now for a password login (the default);
    for single sign-on the identity provider's ``auth_time``, which may lie further back.
    """
    if reload_actor(session, user_id=actor.user_id) is None:
        raise PermissionDenied("Ihr Konto ist nicht (mehr) berechtigt. Bitte melden Sie sich erneut an.")
    settings = get_settings()
    now = utcnow()
    code = secrets.token_urlsafe(32)
    web_session = WebSession(
        token_hash=None,
        user_id=actor.user_id,
        created_at=now,
        last_seen_at=now,
        authenticated_at=min(authenticated_at, now) if authenticated_at is not None else now,
        expires_at=now + timedelta(hours=settings.session_absolute_hours),
        bind_code_hash=digest(code),
        bind_code_expires_at=now + timedelta(seconds=BIND_CODE_SECONDS),
    )
    session.add(web_session)
    session.flush()
    assert web_session.id is not None
    return StartedSession(web_session.id, code)


def bind_cookie(session: Session, *, code: str) -> tuple[str, int] | None:
    """Redeem a bind code once: return ``(cookie token, max-age seconds)`` or ``None``."""
    if not code or len(code) > 128:
        return None
    now = utcnow()
    web_session = session.exec(select(WebSession).where(WebSession.bind_code_hash == digest(code))).first()
    if (
        web_session is None
        or web_session.revoked_at is not None
        or web_session.bind_code_expires_at is None
        or web_session.bind_code_expires_at < now
    ):
        return None
    token = secrets.token_urlsafe(32)
    web_session.token_hash = digest(token)
    web_session.bind_code_hash = None
    web_session.bind_code_expires_at = None
    session.add(web_session)
    session.flush()
    return token, int((web_session.expires_at - now).total_seconds())


@dataclass(frozen=True)
class ResumedSession:
    """A session found again after a reload."""

    web_session_id: int
    actor: Actor


def is_alive(web_session: WebSession) -> bool:
    """Tell whether the session is neither ended, nor past its absolute end, nor idle for too long."""
    settings = get_settings()
    now = utcnow()
    return (
        web_session.revoked_at is None
        and web_session.expires_at > now
        and web_session.last_seen_at + timedelta(minutes=settings.session_idle_minutes) > now
    )


def resume(session: Session, *, token: str) -> ResumedSession | None:
    """Find the live session for a cookie token, refresh its activity and return the actor."""
    if not token or len(token) > 128:
        return None
    web_session = session.exec(select(WebSession).where(WebSession.token_hash == digest(token))).first()
    if web_session is None or web_session.id is None or not is_alive(web_session):
        return None
    actor = reload_actor(session, user_id=web_session.user_id)
    if actor is None:
        return None
    web_session.last_seen_at = utcnow()
    session.add(web_session)
    return ResumedSession(web_session.id, actor)


def touch(session: Session, *, web_session_id: int) -> Actor | None:
    """Keep a session alive on activity; return the fresh actor, or ``None`` when it has expired."""
    web_session = session.get(WebSession, web_session_id)
    if web_session is None or not is_alive(web_session):
        return None
    actor = reload_actor(session, user_id=web_session.user_id)
    if actor is None:
        return None
    now = utcnow()
    if (now - web_session.last_seen_at).total_seconds() >= TOUCH_EVERY_SECONDS:
        web_session.last_seen_at = now
        session.add(web_session)
    return actor


def end(session: Session, *, web_session_id: int | None = None, token: str = "") -> None:
    """Log out: revoke the session given by id or by cookie token."""
    query = select(WebSession)
    if web_session_id is not None:
        query = query.where(WebSession.id == web_session_id)
    elif token:
        query = query.where(WebSession.token_hash == digest(token))
    else:
        return
    web_session = session.exec(query).first()
    if web_session is None or web_session.revoked_at is not None:
        return
    web_session.revoked_at = utcnow()
    web_session.return_ticket = None
    session.add(web_session)
    user = session.get(User, web_session.user_id)
    record(session, action="logout", entity_type="user", entity_id=web_session.user_id,
           actor_label=user.email if user else "", municipality_id=user.municipality_id if user else None,
           details="Abgemeldet.")


def end_all_for_user(session: Session, *, user_id: int) -> int:
    """Revoke every live session of a user (after a password change or when disabled)."""
    rows = session.exec(
        select(WebSession).where(WebSession.user_id == user_id, col(WebSession.revoked_at).is_(None))
    ).all()
    now = utcnow()
    for row in rows:
        row.revoked_at = now
        row.return_ticket = None
        session.add(row)
    return len(rows)
