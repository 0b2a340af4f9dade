"""Cached reads of reference and catalogue data (never per-user data)."""

from __future__ import annotations

import streamlit as st

from catalog.search import SearchIndex
from catalog.store import catalog_version, load_products
from core.db import session_scope
from municipalities.reference import GemeindeRow, list_gemeinden


@st.cache_data(ttl=3600, show_spinner=False)
def gemeinden() -> list[GemeindeRow]:
    """Return the municipality reference list, sorted by name."""
    with session_scope() as session:
        return list_gemeinden(session)


@st.cache_resource(show_spinner="Katalog wird vorbereitet …", max_entries=2)
def _index_for(version: tuple[int, str], database: str) -> SearchIndex:
    del version, database  # cache keys only
    with session_scope() as session:
        return SearchIndex(load_products(session))


def catalog_index() -> SearchIndex:
    """Return the search index of the current catalogue; rebuilt when anyone changed the catalogue."""
    from core.config import get_settings

    with session_scope() as session:
        version = catalog_version(session)
    return _index_for(version, get_settings().effective_database_url())
