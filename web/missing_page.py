"""A German "page not found" instead of Streamlit's English dialog.

A typed or bookmarked address such as ``/arbeitsvorrat`` that is not among the pages this person may open would make
``st.navigation`` show Streamlit's English "Page not found" box and run the start page. The router asks
:func:`not_found_page` first: when the address names no page of the current navigation, it registers a hidden page
under exactly that address which says in German that the page does not exist or is not open to this account.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

NOT_FOUND_SCRIPT = "pages/not_found.py"
MAX_PATH = 200


def missing_path(requested: str | None, *, by_hash: bool, known: Iterable[str]) -> str | None:
    """Return the address to answer with "not found", or None when the navigation can answer it itself.

    A rerun that names its page by hash (sidebar, ``st.page_link``, widgets) falls back to the start page quietly; only
    an address typed into the browser comes by name. Streamlit accepts no ``/`` in a page's address, and an overlong
    one is no page of ours either: those keep Streamlit's own handling.
    """
    if by_hash or not requested:
        return None
    name = requested.strip().strip("/")
    if not name or "/" in name or len(name) > MAX_PATH or name != requested or name in set(known):
        return None
    return name


def _requested() -> tuple[str | None, bool]:
    ctx = get_script_run_ctx()
    if ctx is None:
        return None, False
    manager = ctx.pages_manager
    return manager.intended_page_name, bool(manager.intended_page_script_hash)


def _paths(pages: dict[str, list[st.Page]] | list[st.Page]) -> list[str]:
    groups = pages.values() if isinstance(pages, dict) else [pages]
    return [page.url_path for group in groups for page in group]


def with_not_found_page(pages: dict[str, list[st.Page]] | list[st.Page]) -> dict[str, list[st.Page]] | list[st.Page]:
    """Return ``pages`` plus a hidden German "not found" page at the requested address, if it names no page."""
    requested, by_hash = _requested()
    path = missing_path(requested, by_hash=by_hash, known=_paths(pages))
    if path is None:
        return pages
    page = st.Page(NOT_FOUND_SCRIPT, title="Seite nicht gefunden", icon=":material/search_off:", url_path=path,
                   visibility="hidden")
    if isinstance(pages, dict):
        first = next(iter(pages))
        return {**pages, first: [*pages[first], page]}
    return [*pages, page]
