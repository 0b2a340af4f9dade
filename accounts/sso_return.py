"""Coming back from the identity provider to where one was, with what one had typed.

A confirmation with the Dienstkonto (single sign-on) leaves the app: the browser goes to the identity provider and
comes back to the start page in a new Streamlit session, which knows nothing of the page or of the text typed in its
confirmation box. Before leaving, the page hands a :class:`ReturnTicket` to :func:`leave`; it is kept on the
server-side web session row (never in the browser). On the way back :func:`take` returns it once and clears it.
A ticket older than :data:`TICKET_MINUTES`, or of another session, is not returned; ending the session clears it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from accounts.web_sessions import is_alive
from core.clock import utcnow
from core.text import clean_free_text
from models import WebSession

TICKET_MINUTES = 30
MAX_FIELDS = 20
MAX_TEXT = 10_000
MAX_PARAM = 200
_PAGE = re.compile(r"pages/[a-z_]{1,40}\.py")
_KEY = re.compile(r"[A-Za-z0-9_]{1,80}")

Value = str | bool


@dataclass(frozen=True)
class ReturnTicket:
    """The page (``pages/<file>.py``), its query parameters and the typed values by widget key."""

    page: str
    params: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Value] = field(default_factory=dict)


def _clean(ticket: ReturnTicket) -> ReturnTicket | None:
    """Keep only what a page of ours can have put there: a page file, short parameters, text and ticks by key."""
    if not _PAGE.fullmatch(ticket.page):
        return None
    params = {k: v[:MAX_PARAM] for k, v in ticket.params.items()
              if isinstance(k, str) and isinstance(v, str) and _KEY.fullmatch(k)}
    fields: dict[str, Value] = {}
    for key, value in ticket.fields.items():
        if len(fields) == MAX_FIELDS or not (isinstance(key, str) and _KEY.fullmatch(key)):
            continue
        if isinstance(value, bool):
            fields[key] = value
        elif isinstance(value, str):
            fields[key] = clean_free_text(value, multiline=True)[:MAX_TEXT]
    return ReturnTicket(page=ticket.page, params=params, fields=fields)


def leave(session: Session, *, web_session_id: int, ticket: ReturnTicket) -> bool:
    """Keep ``ticket`` on the live web session; False (nothing kept) when the session has ended or the ticket is odd."""
    row = session.get(WebSession, web_session_id)
    cleaned = _clean(ticket)
    if row is None or not is_alive(row) or cleaned is None:
        return False
    row.return_ticket = json.dumps({"at": utcnow().isoformat(), "page": cleaned.page, "params": cleaned.params,
                                    "fields": cleaned.fields}, ensure_ascii=False)
    session.add(row)
    return True


def take(session: Session, *, web_session_id: int, user_id: int) -> ReturnTicket | None:
    """Return the ticket of this session once (and clear it); None without one, when stale or of another person."""
    row = session.get(WebSession, web_session_id, with_for_update=True)
    if row is None or row.user_id != user_id or not row.return_ticket:
        return None
    raw, row.return_ticket = row.return_ticket, None
    session.add(row)
    try:
        data = json.loads(raw)
        left = datetime.fromisoformat(data["at"])
        ticket = ReturnTicket(page=str(data["page"]), params=dict(data.get("params") or {}),
                              fields=dict(data.get("fields") or {}))
    except (ValueError, KeyError, TypeError):
        return None
    if left.tzinfo is None or utcnow() - left > timedelta(minutes=TICKET_MINUTES):
        return None
    return _clean(ticket)
