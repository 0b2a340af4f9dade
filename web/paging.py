"""Page controls under long lists: "Seite x von y" with buttons to the previous and next page."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.paging import Page


def page_number(key: str) -> int:
    """Return the page the person is on (1 when they have not paged yet)."""
    value = st.session_state.get(key, 1)
    return value if isinstance(value, int) and value > 0 else 1


def first_page(key: str) -> None:
    """Go back to page 1; the on_change of a filter (the old page may not exist any more)."""
    st.session_state[key] = 1


def _go(key: str, number: int) -> None:
    st.session_state[key] = number


def page_controls(key: str, page: Page[Any]) -> None:
    """Show where the page lies and the buttons to the neighbouring pages (nothing for a single page)."""
    st.session_state[key] = page.number  # a clamped page number sticks
    if page.pages <= 1:
        return
    back, where, forward = st.columns([1, 2, 1], vertical_alignment="center")
    back.button("← Vorherige Seite", key=f"{key}_back", disabled=page.number <= 1, on_click=_go,
                args=(key, page.number - 1), width="stretch")
    where.markdown(page.label, text_alignment="center")
    forward.button("Nächste Seite →", key=f"{key}_next", disabled=page.number >= page.pages, on_click=_go,
                   args=(key, page.number + 1), width="stretch")
