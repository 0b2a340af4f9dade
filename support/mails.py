"""Who hears about a problem thread, and the facts every problem mail shares (product, title, link to the thread)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from acceptance.checklist import item_label
from lifecycle.notify import case_facts, tell_kisa, tell_municipality
from models import STATE_NAMES, OrderedProduct, ProblemReport, User, UserStatus
from notifications.outbox import app_link

REPORTED = "problem.reported"  # a new problem, to KISA
UPDATED = "problem.updated"  # the municipality wrote again (or reopened), to KISA
ANSWERED = "problem.answered"  # KISA wrote (or reopened), to the municipality
SOLVED = "problem.solved"  # KISA marked the problem solved, to the municipality


def thread_link(report_id: int) -> str:
    """Return the absolute link to one thread on the Meldungen page."""
    return app_link("meldungen", meldung=report_id)


def problem_facts(session: Session, report: ProblemReport, ordered: OrderedProduct, *, text: str, author: str,
                  reopened: bool = False) -> dict[str, Any]:
    """Return the context of every problem mail: the case facts, the thread and the message it is about."""
    return {
        **case_facts(session, ordered),
        "state": STATE_NAMES[ordered.state],
        "title": report.title,
        "test_item": item_label(session, ordered, report.test_item),
        "problem_url": thread_link(report.id or 0),
        "text": text,
        "author": author,
        "reopened": reopened,
    }


def reporter_address(session: Session, report: ProblemReport) -> str:
    """Return the reporter's address if the account is still active in the municipality, else ``""``."""
    if report.created_by_id is None:
        return ""
    user = session.get(User, report.created_by_id)
    if user is None or user.status != UserStatus.ACTIVE or user.municipality_id != report.municipality_id:
        return ""
    return user.email


def to_kisa(session: Session, ordered: OrderedProduct, event: str, context: dict[str, Any]) -> list[str]:
    """Send ``event`` to KISA's mailbox and the staff member assigned to the product; return the addresses."""
    return tell_kisa(session, ordered, event, context)


def to_municipality(session: Session, report: ProblemReport, ordered: OrderedProduct, event: str,
                    context: dict[str, Any]) -> list[str]:
    """Send ``event`` to the municipality's coordinators, the last submitter and the reporter; return the addresses."""
    reporter = reporter_address(session, report)
    return tell_municipality(session, ordered, event, context, also=(reporter,) if reporter else ())
