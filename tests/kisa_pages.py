"""Helpers for the AppTests of KISA's back-office pages: submitted products and the page's popovers."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from models import User
from questionnaire.submission import submit
from tests.apptest_helpers import _siblings
from tests.questionnaire_world import World, fill_completely, opened, user_row

DAY = 86400.0


def submit_product(session: Session, world: World, product: str = "meldebescheinigung") -> int:
    """Let Riesa's coordinator fill and submit the questionnaire of ``product``; return the questionnaire id."""
    questionnaire_id = opened(session, world.coordinator, world.ordered[product])
    version = fill_completely(session, world.coordinator, questionnaire_id)
    submit(session, actor=world.coordinator, questionnaire_id=questionnaire_id, base_version=version)
    session.commit()
    return questionnaire_id


def users(session: Session, world: World) -> tuple[User, User]:
    """Return the rows of KISA and Riesa's coordinator (read, then committed: SQLite would keep the lock)."""
    kisa, coordinator = user_row(session, world.kisa), user_row(session, world.coordinator)
    session.commit()
    return kisa, coordinator


def popover(at: AppTest, label: str) -> Any:
    """Return the proto of the popover labelled ``label`` (AppTest has no accessor for popovers)."""
    for block, _nodes in _siblings(at.main):
        if getattr(block, "type", "") == "popover" and block.proto.popover.label == label:
            return block.proto.popover
    raise AssertionError(f"no popover labelled {label!r}")
