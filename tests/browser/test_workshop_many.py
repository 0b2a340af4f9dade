"""Thirty workshop participants at once in one Chromium: each starts as a demo persona with one click, opens two
pages and sees only its own persona (own browser context, own login session, own cookie)."""

from __future__ import annotations

import pytest
from playwright.async_api import async_playwright

from demo.personas import persona
from tests.async_helpers import run_coroutine
from tests.browser.conftest import _chromium
from tests.browser.workshop import Visit, workshop

pytestmark = pytest.mark.browser

PARTICIPANTS = 30


async def _workshop(app_url: str) -> list[Visit | BaseException]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=_chromium(), headless=True,
                                          args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            return await workshop(browser, app_url, PARTICIPANTS)
        finally:
            await browser.close()


@pytest.mark.timeout(900)  # 30 browsers and one server on a shared 2-core machine: minutes, not seconds
def test_thirty_participants_click_through_the_demo_at_once_each_as_their_own_persona(app_url: str):
    visits = run_coroutine(_workshop(app_url))
    assert len(visits) == PARTICIPANTS
    for visit in visits:
        assert isinstance(visit, Visit), visit
        # after the switch, after a sidebar link and after opening a page by its address (cookie): still the same
        assert visit.names_seen == [persona(visit.key).full_name] * 3, visit
