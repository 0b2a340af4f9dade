"""Helpers for the Streamlit AppTest page tests: open a page as a person, find messages, read the DB.

Pages are opened through ``app.py`` (as in the browser), because pages link to each other with
``st.page_link``/``st.switch_page``, which only resolve inside the app's navigation. An unexpected
exception in a page is then shown by app.py as the German "Vorgangsnummer" message; :func:`run`
fails the test in that case (the traceback is in the captured log).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Node
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from accounts import web_sessions
from accounts.actor import Actor
from models import User
from web.errors import handle_script_error

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
TIMEOUT = 30
INCIDENT_TEXT = "Vorgangsnummer"


@pytest.fixture(autouse=True)
def app_like_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make AppTest run app.py the way server.py serves it; autouse in every module that imports it.

    1. server.py sets ``PagesManager.uses_pages_directory = False``: app.py routes with st.navigation.
       AppTest resets that flag before every run, and because a pages/ folder exists Streamlit then
       runs a legacy pages/-directory app, which executes pages/start.py or pages/team.py directly,
       bypassing app.py (login gate, error handler) whenever the page's url path equals its file
       name. Keep the flag off after AppTest's reset.
    2. AppTest has no browser request: its ``st.context.cookies`` yields MagicMocks, not strings,
       which web.auth._cookie_token passes on (it only catches exceptions). Model "no cookie sent".
    3. server.py hands ``web.errors.handle_script_error`` to ``st.App(on_script_error=...)``: an exception in a
       button callback shows the German message. AppTest's script runner has no such parameter; set it.
    """
    st.cache_data.clear()  # 4. cached reads keyed by database contents must not outlive the test's database
    original_init = PagesManager.__init__

    def init(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    original_runner_init = LocalScriptRunner.__init__

    def runner_init(self: LocalScriptRunner, *args: Any, **kwargs: Any) -> None:
        original_runner_init(self, *args, **kwargs)
        self._on_script_error = handle_script_error

    monkeypatch.setattr(PagesManager, "__init__", init)
    monkeypatch.setattr(LocalScriptRunner, "__init__", runner_init)
    monkeypatch.setattr("web.auth._cookie_token", lambda: "")
    yield


def new_app() -> AppTest:
    """Return an AppTest of app.py (not yet run)."""
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def log_in_as(at: AppTest, engine: Engine, user: User) -> Actor:
    """Seed a real login (actor and server-side web session) into the AppTest's session state."""
    actor = Actor.of(user)
    with Session(engine) as s:
        started = web_sessions.start(s, actor=actor)
        s.commit()
    at.session_state["auth_actor"] = actor
    at.session_state["auth_web_session_id"] = started.web_session_id
    return actor


def open_page(engine: Engine, page: str | None = None, *, user: User | None = None,
              query: dict[str, str] | None = None, context: dict[str, Any] | None = None) -> AppTest:
    """Open app.py as ``user`` (anonymous when None) and switch to ``pages/<page>.py``."""
    at = new_app()
    if user is not None:
        log_in_as(at, engine, user)
    if context:
        at.context.update(context)
    run(at)
    if page is not None:
        at.switch_page(f"pages/{page}.py")
        if query:
            at.query_params.update(query)
        run(at)
    return at


def run(at: AppTest, element: Any = None) -> AppTest:
    """Run (or click ``element`` and run) and fail on any unexpected error."""
    if element is None:
        at.run()
    else:
        element.run()
    assert_no_crash(at)
    return at


def open_expander(at: AppTest, key: str) -> AppTest:
    """Open the expander ``key`` whose content is made only while open (``web.lazy``), as a click does, and run."""
    at.session_state[key] = True
    return run(at)


def click(at: AppTest, label: str) -> AppTest:
    """Click the (only) button labelled ``label`` (form submit buttons included) and run."""
    matches = [b for b in at.button if b.label == label]
    assert len(matches) == 1, f"{len(matches)} buttons labelled {label!r}: {[b.label for b in at.button]}"
    return run(at, matches[0].click())


def assert_no_crash(at: AppTest) -> None:
    """No uncaught exception and no "Vorgangsnummer" apology from app.py."""
    assert not at.exception, [e.value for e in at.exception]
    crashed = [e.value for e in at.error if INCIDENT_TEXT in e.value]
    assert not crashed, crashed


def shown(markdown: str) -> str:
    """Return Markdown source as a person reads it: backslash escapes and invisible word joiners of user text removed."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def texts(at: AppTest | Block, kind: str) -> list[str]:
    """Return the values of all elements of one kind as a person reads them, e.g. ``texts(at, "error")``."""
    return [shown(str(e.value)) for e in getattr(at, kind)]


def all_text(at: AppTest) -> str:
    """Everything a person reads on the page (markdown, alerts, headings, captions, code)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success",
                 "code", "toast"):
        parts.extend(texts(at, kind))
    return "\n".join(parts)


def _siblings(block: Block) -> Iterator[tuple[Block, list[Node]]]:
    yield block, [block.children[i] for i in sorted(block.children)]
    for child in block.children.values():
        if isinstance(child, Block):
            yield from _siblings(child)


def field_message(at: AppTest, key: str) -> str | None:
    """Return the error shown directly below the widget with ``key`` (None if there is none)."""
    for _block, nodes in _siblings(at.main):
        for index, node in enumerate(nodes):
            if getattr(node, "key", None) == key:
                following = nodes[index + 1] if index + 1 < len(nodes) else None
                if following is not None and getattr(following, "type", "") == "error":
                    return shown(str(following.value))  # as a person reads it
                return None
    raise AssertionError(f"no widget with key {key!r} on the page")


def count(engine: Engine, model: type, *conditions: Any) -> int:
    """Count rows in a short session of its own (never holds a lock while the app runs)."""
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(model).where(*conditions)).one())


def load(engine: Engine, model: type, *conditions: Any) -> list[Any]:
    """Load rows in a short session of its own."""
    with Session(engine, expire_on_commit=False) as s:
        return list(s.exec(select(model).where(*conditions)).all())


def navigation(at: AppTest) -> dict[str, str]:
    """Return the pages of the last run's navigation as url path → sidebar title.

    AppTest has no public accessor for st.navigation; its registered pages are what the sidebar shows.
    """
    return {
        str(info.get("url_pathname", "")): str(info.get("page_name", ""))
        for info in at._registered_pages.values()
    }
