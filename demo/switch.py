"""One-click persona switch and the presenter's reset, both only in demo mode (``OAA_DEMO=1``).

The switch opens a real login session (``accounts.web_sessions``) for a demo persona, as the login form would after
a correct password: a ``WebSession`` row, the cookie bind code for the browser and an audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from accounts import web_sessions
from accounts.actor import Actor
from accounts.authentication import reload_actor
from audit.log import record
from core.config import get_settings
from core.errors import DomainError
from demo.personas import PERSONAS, DemoPersona
from demo.seed import reset_demo
from models import User

DEMO_OFF = "Der Demomodus ist aus: Demo-Personen und das Zurücksetzen gibt es nur mit OAA_DEMO=1."


class DemoRefused(DomainError):
    """The demo action is not possible (demo mode off, no such persona, demo data missing)."""


@dataclass(frozen=True)
class Switched:
    """The new login session of the persona; the bind code goes to the browser once (cookie)."""

    actor: Actor
    persona: DemoPersona
    web_session_id: int
    bind_code: str


def _require_demo_mode() -> None:
    if not get_settings().demo:
        raise DemoRefused(DEMO_OFF)


def demo_persona(key: str) -> DemoPersona:
    """Return the demo persona with ``key``; refuse anything else in German."""
    found = next((p for p in PERSONAS if p.key == key), None)
    if found is None:
        raise DemoRefused("Diese Person gehört nicht zu den Demo-Personen.")
    return found


def switch_to(session: Session, key: str, *, current_web_session_id: int | None = None) -> Switched:
    """Log the browser session in as the demo persona ``key`` (ending its current login session first).

    Refused when demo mode is off, when ``key`` is not a demo persona, and when the persona's account is not a demo
    account (a real account that happens to use the address is never taken over).
    """
    _require_demo_mode()
    persona = demo_persona(key)
    user = session.exec(select(User).where(User.email == persona.email, col(User.is_demo).is_(True))).first()
    actor = reload_actor(session, user_id=user.id) if user is not None and user.id is not None else None
    if user is None or actor is None:
        raise DemoRefused("Die Demodaten fehlen oder wurden verändert. Bitte die Demo zurücksetzen.")
    if current_web_session_id is not None:
        web_sessions.end(session, web_session_id=current_web_session_id)
    started = web_sessions.start(session, actor=actor)
    record(session, actor=actor, action="demo.switched", entity_type="user", entity_id=user.id,
           municipality_id=user.municipality_id, details=f"Im Demomodus als {persona.label} angemeldet.")
    return Switched(actor, persona, started.web_session_id, started.bind_code)


def reset_story(session: Session) -> int:
    """Put the demo back to its initial story (in the caller's transaction); refused when demo mode is off.

    Every login session of a demo persona ends with it (the rows go); real records stay untouched. Returns the
    number of demo personas.
    """
    _require_demo_mode()
    return reset_demo(session)
