"""KISA's municipality picker: a select box of the municipalities with ordered products, with a search field in front
once there are more than fit in one list (``backoffice.municipality_choice.LIMIT``; Saxony's ~420 fit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from accounts.access import require_staff
from accounts.actor import Actor
from backoffice import municipality_choice
from backoffice.municipality_choice import (
    MunicipalityChoice,
    MunicipalityChoices,
    find_municipalities_with_orders,
    orders_version,
)
from core.config import get_settings
from core.db import session_scope
from web.text import count, number


@st.cache_data(max_entries=200, ttl=3600, show_spinner=False)
def _choices(version: tuple[int, str], database: str, search: str, keep: int | None, limit: int,
             _actor: Actor) -> MunicipalityChoices:
    """The municipalities for a search, shared by all staff until an ordered product is added (``version``)."""
    del version, database  # cache keys only
    with session_scope() as session:
        return find_municipalities_with_orders(session, actor=_actor, search=search, keep=keep, limit=limit)


def municipality_picker(actor: Actor, *, key: str, label: str = "Kommune", placeholder: str = "Kommune wählen",
                        on_change: Callable[..., None] | None = None, args: tuple[Any, ...] = (),
                        empty: str | None = None) -> MunicipalityChoice | None:
    """Show the picker; return the chosen municipality (``st.session_state[key]`` holds its id) or None.

    ``on_change(*args)`` runs when the choice or the search changes (e.g. back to the first page of a list).
    ``empty``: shown instead of the picker while no municipality has ordered anything.
    """
    state = st.session_state
    search_key = f"{key}_suche"
    chosen = state.get(key)
    require_staff(actor)  # before the cache: it holds what staff may see
    with session_scope() as session:
        version = orders_version(session)
    choices = _choices(version, get_settings().effective_database_url(), state.get(search_key) or "", chosen,
                       municipality_choice.LIMIT, actor)
    if empty is not None and not choices.items and not state.get(search_key):
        st.info(empty, icon=":material/info:")
        return None
    shown = number(municipality_choice.LIMIT)
    if choices.more or state.get(search_key):
        st.text_input(f"{label} suchen", key=search_key, max_chars=100, placeholder="Name oder Gemeindeschlüssel",
                      on_change=on_change, args=args,
                      help=f"Es gibt mehr als {shown} Kommunen mit bestellten Produkten; die Auswahl zeigt die ersten "
                           "nach dem Alphabet. Ein Teil des Namens oder des Gemeindeschlüssels grenzt sie ein.")
    by_id = choices.by_id()
    if chosen is not None and chosen not in by_id:
        del state[key]  # e.g. a municipality without orders any more: the choice starts empty again
    st.selectbox(label, list(by_id), index=None, key=key, placeholder=placeholder, on_change=on_change, args=args,
                 format_func=lambda i: f"{by_id[i].label} – {count(by_id[i].products, 'Produkt', 'Produkte')}")
    if choices.more:
        st.caption(f"Die ersten {shown} Treffer nach dem Alphabet; suchen Sie genauer, um die übrigen zu finden.")
    elif not choices.matched and state.get(search_key):
        st.caption("Keine Kommune mit bestellten Produkten passt zu dieser Suche.")
    picked = state.get(key)
    return by_id.get(picked) if picked is not None else None
