"""Cached reads of reference data (never per-user data)."""

from __future__ import annotations

import streamlit as st

from core.db import session_scope
from municipalities.reference import GemeindeRow, list_gemeinden


@st.cache_data(ttl=3600, show_spinner=False)
def gemeinden() -> list[GemeindeRow]:
    """Return the municipality reference list, sorted by name."""
    with session_scope() as session:
        return list_gemeinden(session)
