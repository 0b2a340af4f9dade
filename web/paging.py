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


SIZES = (10, 25, 50)  # "Einträge je Seite": the smallest is the default (a short page renders fastest)


def page_size(key: str) -> int:
    """Return the entries per page the person chose under the list (``page_controls(..., size_key=key)``)."""
    value = st.session_state.get(key, SIZES[0])
    return value if value in SIZES else SIZES[0]


def page_controls(key: str, page: Page[Any], *, size_key: str | None = None) -> None:
    """Show where the page lies and the buttons to the neighbouring pages (nothing for a single page).

    With ``size_key``, also a choice of how many entries a page shows (read with ``page_size(size_key)``).
    """
    st.session_state[key] = page.number  # a clamped page number sticks
    if size_key is not None and page.total > SIZES[0]:
        st.session_state[size_key] = page_size(size_key)
        st.selectbox("Einträge je Seite", SIZES, key=size_key, on_change=first_page, args=(key,), width=160)
    if page.pages <= 1:
        return
    back, where, forward = st.columns([1, 2, 1], vertical_alignment="center")
    back.button("← Vorherige Seite", key=f"{key}_back", disabled=page.number <= 1, on_click=_go,
                args=(key, page.number - 1), width="stretch")
    where.markdown(page.label, text_alignment="center")
    forward.button("Nächste Seite →", key=f"{key}_next", disabled=page.number >= page.pages, on_click=_go,
                   args=(key, page.number + 1), width="stretch")
