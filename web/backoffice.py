"""Widgets shared by KISA's back-office pages: the assign control and the due-date text (UI only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import streamlit as st

from accounts.actor import Actor
from backoffice.queue import QueueItem, assign
from core.db import session_scope
from core.errors import DomainError
from web.text import BERLIN, fmt_date, md, md_label

NOBODY = 0  # the assign control's "nobody" option


def due_text(item: QueueItem, *, inline: bool = False) -> str:
    """Return the due date as Markdown; an overdue phase says so in words and with an icon, not by colour only.
    ``inline``: one line that says what the date is ("fällig am …"), for the queue's cards."""
    due = fmt_date(item.due.astimezone(BERLIN).date()) if item.due else "–"
    if item.overdue:
        gap = " " if inline else "  \n"
        return f":red-badge[:material/alarm: überfällig]{gap}:red[fällig seit {due}]"
    return f"fällig am {due}" if inline and item.due else due


def assign_control(actor: Actor, item: QueueItem, staff: Mapping[int, str], *, prefix: str, feedback: str,
                   show_label: bool = False, width: int | Literal["stretch"] = "stretch") -> None:
    """Show a selectbox that assigns the product to a staff member; the outcome goes to ``feedback`` in the state."""
    names = dict(staff)
    if item.assigned_to_id and item.assigned_to_id not in names:  # e.g. a disabled account: still shown
        names[item.assigned_to_id] = item.assigned_to
    options = [NOBODY, *names]
    key = f"{prefix}_assign_{item.ordered_product_id}"
    st.session_state[key] = item.assigned_to_id or NOBODY  # what is stored, a colleague's change included

    def _assign() -> None:
        chosen = st.session_state.get(key) or NOBODY
        try:
            with session_scope() as session:
                assign(session, actor=actor, ordered_product_id=item.ordered_product_id,
                       staff_user_id=chosen or None)
        except DomainError as exc:
            st.session_state[feedback] = ("error", str(exc))
        else:
            what = f"{item.product_name} ({item.municipality_name})"
            st.session_state[feedback] = ("success", f"{what} ist jetzt {names.get(chosen, '')} zugewiesen." if chosen
                                          else f"{what} ist niemandem mehr zugewiesen.")

    # In the queue the label is hidden (a card has no room for it) but still read out: there it names the row's product.
    label = "Zugewiesen an" if show_label else f"{md_label(item.product_name)} ({md_label(item.municipality_name)}) zugewiesen an"
    st.selectbox(label, options, key=key,
                 format_func=lambda i: names.get(i, "?") if i else "– niemand –", on_change=_assign,
                 label_visibility="visible" if show_label else "collapsed", width=width)


def show_feedback(feedback: str) -> None:
    """Show (once) the outcome an action left under ``feedback``.

    The message sits in a container that is always there: when it goes away on the next rerun, the elements
    below keep their place, so an open popover underneath stays open.
    """
    value = st.session_state.pop(feedback, None)
    with st.container():
        if not value:
            return
        kind, text = value
        if kind == "error":
            st.error(md(text), icon=":material/error:")
        else:
            st.success(md(text), icon=":material/check:")
