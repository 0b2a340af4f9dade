"""Moving between the views of one page (list, single item) so that the browser's address follows.

A ``st.page_link`` to the page that is already open shows the other view but leaves the old address in the
browser: the next interaction or a reload jumps back. These buttons set the query parameters instead.
"""

from __future__ import annotations

import streamlit as st

MAX_ID = 2_147_483_647  # the largest id a table holds (INTEGER on PostgreSQL)


def is_record_id(raw: str) -> bool:
    """Tell whether a query parameter is a record id: ASCII digits only (no "²" or "١") and not beyond ``MAX_ID``."""
    return raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_ID)) and int(raw) <= MAX_ID


def _go(params: dict[str, str]) -> None:
    st.query_params.clear()
    st.query_params.update(params)


def view_button(label: str, *, params: dict[str, str], key: str, icon: str | None = None) -> None:
    """Show a link-like button that switches this page to the view given by ``params`` (``{}``: the start view)."""
    st.button(label, key=key, icon=icon, type="tertiary", on_click=_go, args=(dict(params),))
