"""The database goes away under a running `streamlit run server.py` and comes back: German messages, then recovery.

The app gets its own SQLite database with a short busy timeout; the test takes it away by holding its write
lock from another connection (as a stuck backup would) and gives it back by releasing the lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from demo.personas import DEMO_PASSWORD, persona
from tests.browser.conftest import running_app
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser
PRODUCT = "Anzeige eines Feuerwerkes"  # Talheim's submitted configuration in the demo story
DB_MESSAGE = "Der OAA-Shop erreicht seine Datenbank gerade nicht."
# SQLite has no server: the outage holds the file's write lock, which the shop reports as busy once it has waited.
BUSY_MESSAGE = "Die Datenbank ist gerade mit einer anderen Änderung beschäftigt."


class Lock:
    """Hold and release the write lock of the app's SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None

    def take(self) -> None:
        self._connection = sqlite3.connect(self.path, isolation_level=None, timeout=10)
        self._connection.execute("BEGIN EXCLUSIVE")

    def release(self) -> None:
        if self._connection is not None:
            self._connection.execute("ROLLBACK")
            self._connection.close()
            self._connection = None


@pytest.fixture(scope="module")
def fragile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("faults")
    with running_app(folder, OAA_SQLITE_BUSY_TIMEOUT_MS="1000") as url:
        yield url, folder / "browser.sqlite3"


@pytest.fixture
def lock(fragile_app: tuple[str, Path]) -> Iterator[Lock]:
    held = Lock(fragile_app[1])
    yield held
    held.release()


def _settled(page: Page) -> None:
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)


def _expect_german_message(page: Page) -> None:
    message = page.get_by_text(DB_MESSAGE).or_(page.get_by_text(BUSY_MESSAGE))
    expect(message.first).to_be_visible()
    if page.get_by_text(DB_MESSAGE).count():
        expect(page.get_by_text("Vorgangsnummer")).to_be_visible()
    for leak in ("Traceback", "OperationalError", "This app has encountered an error"):
        expect(page.get_by_text(leak)).to_have_count(0)


def test_database_away_on_reload_on_a_click_and_on_a_download_then_back(page: Page, fragile_app, lock: Lock):
    url, _db = fragile_app
    log_in(page, url, persona("kisa").email, DEMO_PASSWORD)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Arbeitsvorrat").click()
    page.get_by_test_id("stHorizontalBlock").filter(has_text=PRODUCT).get_by_role("link", name="Öffnen").click()
    heading = page.get_by_role("heading", name=PRODUCT)
    expect(heading).to_be_visible()
    _settled(page)

    lock.take()  # reload while the database is away: the German message instead of the page
    page.reload()
    _expect_german_message(page)
    lock.release()
    page.reload()  # back: the same page, still logged in
    expect(heading).to_be_visible()
    _settled(page)

    page.get_by_role("button", name="Konfiguration übernehmen …").click()
    lock.take()  # a button's action while it is away: nothing happens, the German message says so
    page.get_by_role("button", name="Ja, Konfiguration übernehmen").click()
    _expect_german_message(page)
    lock.release()
    reload_button = page.get_by_role("button", name="Seite neu laden")
    if reload_button.count():  # the action failed outside the page: only the message was drawn
        reload_button.click()
    else:  # busy: the page caught it and drew itself around the message
        page.reload()
    expect(heading).to_be_visible()
    expect(page.get_by_text("Konfiguration eingereicht").first).to_be_visible()  # not taken over
    _settled(page)

    lock.take()  # a download while it is away: a German note under the button
    page.get_by_role("button", name="Konfiguration als PDF").click()
    expect(page.get_by_test_id("stDownloadButtonError")).to_contain_text(
        "Die Datei konnte gerade nicht erstellt werden.")
    lock.release()
    with page.expect_download() as download:
        page.get_by_role("button", name="Konfiguration als PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
