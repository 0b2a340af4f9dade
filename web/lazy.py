"""Expanders whose content is made only while they are open.

Streamlit runs and sends the content of a closed expander on every rerun. For heavy content (a table of figures,
a list of 300 products to choose from, all answers of a questionnaire) that costs the server and the browser time
on every click. Here the expander keeps its state and opening it reruns the page, which then draws the content.
"""

from __future__ import annotations

from typing import Any

import streamlit as st


def lazy_expander(label: str, *, key: str, expanded: bool = False, icon: str | None = None) -> Any | None:
    """Show an expander; return it to draw into while it is open, None while it is closed.

    ``expanded``: open when the page is first shown; afterwards the person's choice holds (``st.session_state[key]``).
    """
    box = st.expander(label, expanded=expanded, key=key, icon=icon, on_change="rerun")
    return box if box.open else None
