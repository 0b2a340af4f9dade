"""A select box over a long list (e.g. 10,000 products nationwide): up to ``LIMIT`` entries at once, and a search
field in front once the list is longer, so a page never sends thousands of options on every rerun."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from itertools import islice
from typing import Any, TypeVar

import streamlit as st

from web.text import number

K = TypeVar("K", bound=Hashable)
LIMIT = 500  # Saxony's catalogue (about 160 products) fits; a nationwide one needs the search


def search_pick(label: str, labels: Mapping[K, str], *, key: str, placeholder: str, help: str | None = None,
                on_change: Callable[..., None] | None = None, args: tuple[Any, ...] = (),
                limit: int | None = None, pinned: Mapping[K, str] | None = None) -> K | None:
    """Show a select box of ``labels`` (value → text, in the order given); return the chosen value or None.

    With more than ``limit`` entries, a search field "<label> suchen" comes first; the box lists the first ``limit``
    entries whose text contains the search (case ignored) and always the entry chosen before. ``pinned`` entries
    (e.g. "Neues Produkt anlegen") always come first, whatever the search.
    """
    pinned = pinned or {}
    state = st.session_state
    limit = LIMIT if limit is None else limit
    search_key = f"{key}_suche"
    chosen = state.get(key)
    if chosen is not None and chosen not in labels and chosen not in pinned:
        del state[key]  # gone meanwhile (e.g. removed from the catalogue): the choice starts empty again
        chosen = None
    needle = (state.get(search_key) or "").strip().casefold()
    long_list = len(labels) > limit
    if long_list or needle:
        st.text_input(f"{label} suchen", key=search_key, max_chars=100, on_change=on_change, args=args,
                      placeholder="Teil des Namens",
                      help=f"Die Liste hat {number(len(labels))} Einträge; die Auswahl zeigt die ersten {number(limit)}, "
                           "die zur Suche passen.")
    matching = (k for k, text in labels.items() if needle in text.casefold()) if needle else iter(labels)
    shown = list(islice(matching, limit + 1))
    more = len(shown) > limit
    shown = shown[:limit]
    found = len(shown)
    if chosen is not None and chosen not in shown and chosen not in pinned:
        shown.insert(0, chosen)
    picked: K | None = st.selectbox(label, [*pinned, *shown], index=None, key=key, placeholder=placeholder, help=help,
                                    format_func=lambda k: pinned[k] if k in pinned else labels[k],
                                    on_change=on_change, args=args)
    if more:
        st.caption(f"Die ersten {number(limit)} Treffer; suchen Sie genauer, um die übrigen zu finden.")
    elif needle and not found:
        st.caption("Kein Eintrag passt zu dieser Suche.")
    return picked
