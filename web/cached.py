"""Cached reads of reference and catalogue data (never per-user data)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

import streamlit as st

from catalog.schema import ProductStatus
from catalog.search import SearchIndex
from catalog.store import catalog_version, load_products
from core.db import session_scope
from municipalities.reference import GemeindeRow, in_district, list_gemeinden


@st.cache_resource(ttl=3600, show_spinner=False)
def _reference() -> tuple[GemeindeRow, ...]:
    """The reference list, shared by all sessions without a copy per call (11,000 rows nationwide)."""
    with session_scope() as session:
        return tuple(list_gemeinden(session))


def gemeinden() -> list[GemeindeRow]:
    """Return the municipality reference list, sorted by name."""
    return list(_reference())


@st.cache_resource(ttl=3600, show_spinner=False)
def _names() -> Mapping[str, str]:
    return MappingProxyType({g.ags: g.name for g in _reference()})


def gemeinde_names() -> Mapping[str, str]:
    """Return AGS → name of every municipality of the reference list (read-only, shared)."""
    return _names()


@st.cache_resource(ttl=3600, show_spinner=False)
def _district_labels(kreis_schluessel: str) -> Mapping[str, str]:
    return MappingProxyType({g.ags: g.label for g in in_district(_reference(), kreis_schluessel)})


def district_choices(ags: str, chosen: Iterable[object] = ()) -> dict[str, str]:
    """Return AGS → label of the municipalities in the district of ``ags``, and of those already ``chosen``.

    The choice of a Verwaltungsgemeinschaft's members: they lie in the same district, so the picker offers that
    district's few hundred municipalities, not the whole country's 11,000.
    """
    labels = dict(_district_labels(ags[:5]))
    names = _names()
    for value in chosen:
        if isinstance(value, str) and value not in labels:
            labels[value] = next((g.label for g in _reference() if g.ags == value), names.get(value, value))
    return labels


@st.cache_resource(show_spinner="Katalog wird vorbereitet …", max_entries=2)
def _index_for(version: tuple[int, str], database: str) -> SearchIndex:
    del version, database  # cache keys only
    with session_scope() as session:
        return SearchIndex(load_products(session))


def _catalogue_key() -> tuple[tuple[int, str], str]:
    """Return the current catalogue version and the database: the key of everything cached per catalogue."""
    from core.config import get_settings

    with session_scope() as session:
        version = catalog_version(session)
    return version, get_settings().effective_database_url()


def catalog_index() -> SearchIndex:
    """Return the search index of the current catalogue; rebuilt when anyone changed the catalogue."""
    return _index_for(*_catalogue_key())


@st.cache_resource(show_spinner=False, max_entries=2)
def _product_labels_for(version: tuple[int, str], database: str) -> Mapping[str, str]:
    products = _index_for(version, database).products
    return MappingProxyType({p.id: p.name + (" (eingestellt)" if p.status == ProductStatus.EINGESTELLT else "")
                             for p in products})


def product_labels() -> Mapping[str, str]:
    """Return product id → name ("(eingestellt)" added for withdrawn ones) of the current catalogue, in its order."""
    return _product_labels_for(*_catalogue_key())


@st.cache_resource(show_spinner=False, max_entries=2)
def _status_labels_for(version: tuple[int, str], database: str) -> Mapping[str, str]:
    products = _index_for(version, database).products
    return MappingProxyType({p.id: f"{p.name} ({p.status.value})" for p in products})


def product_status_labels() -> Mapping[str, str]:
    """Return product id → "name (status)" of the current catalogue, in its order (the catalogue upkeep's choice)."""
    return _status_labels_for(*_catalogue_key())
