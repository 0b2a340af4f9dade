"""Parts of a page that rerun alone (``st.fragment``), with the login check a run of the whole app makes.

The browser redraws every element a rerun sends: a click that reruns only the part it belongs to spares it the
menu, the sidebar and the rest of the page (docs/performance.md, "Fourth round"). A part's own rerun does not pass
through ``app.py``, so before it runs it checks the login as ``app.py`` does: if the login ended (idle timeout,
logged out elsewhere) or the account changed, the whole app runs again (and shows the login or the new menu).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec

import streamlit as st

from web.auth import restore_login
from web.errors import show_unexpected_error

P = ParamSpec("P")
RUN = "app_run"  # counts the runs of the whole app (app.py): a part that saw the current one reruns alone
DRAWN_FOR = "app_drawn_for"  # the actor the menu and the sidebar were drawn for in that run


def whole_run(actor: object) -> None:
    """Record a run of the whole app and whom it drew the menu for (app.py, before the page)."""
    st.session_state[RUN] = st.session_state.get(RUN, 0) + 1
    st.session_state[DRAWN_FOR] = actor


def page_part(func: Callable[P, None]) -> Callable[P, None]:
    """Make ``func`` a part of the page that reruns alone when one of its widgets is used."""
    seen = f"app_part_run_{func.__module__}.{func.__qualname__}"

    @st.fragment
    @functools.wraps(func)
    def part(*args: P.args, **kwargs: P.kwargs) -> None:
        run = st.session_state.get(RUN)
        if st.session_state.get(seen) == run:  # this part alone reruns: the whole app did not check the login
            drawn_for = st.session_state.get(DRAWN_FOR)
            if drawn_for is not None and restore_login() != drawn_for:
                st.rerun(scope="app")
        st.session_state[seen] = run
        try:
            func(*args, **kwargs)
        except Exception as exc:  # st.rerun/st.stop are BaseException and pass through
            show_unexpected_error(exc)

    return part
