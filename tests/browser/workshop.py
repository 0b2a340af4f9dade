"""A workshop participant in a browser (async Playwright): start as a demo persona with one click, open two pages.

Shared by the browser test with 30 participants at once and bench/bench_demo.py, which times the same steps.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from playwright.async_api import Browser, Page, expect

from demo.personas import persona

# What each persona opens and what only this persona's view shows there (own name, own municipality).
PAGES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "koordination": (("Mein Team", "Musterstadt (Beispielkommune)"), ("bestellungen", "Meine Bestellungen")),
    "technik": (("Mein Team", "Musterstadt (Beispielkommune)"), ("abnahme", "Test und Abnahme")),
    "talheim": (("Mein Team", "Beispielgemeinde Talheim (Beispielkommune)"), ("fortschritt", "Fortschritt")),
    "verwaltungsgemeinschaft": (("Mein Team", "Verwaltungsgemeinschaft Am Beispielsee (Beispielkommune)"),
                                ("stammdaten", "Stammdaten der Kommune")),
    "kisa": (("Arbeitsvorrat", "Arbeitsvorrat"), ("meldungen", "Meldungen")),
    "admin": (("Arbeitsvorrat", "Arbeitsvorrat"), ("benutzerkonten", "Benutzerkonten")),
}
KEYS = tuple(PAGES)
TIMEOUT_MS = 240_000  # a busy 2-core machine serving 30 browsers at once


@dataclass
class Visit:
    """What one participant saw and how long each page view took (seconds)."""

    key: str
    names_seen: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


async def _session_cookie(page: Page) -> None:
    for _ in range(100):
        if any(c["name"] == "oaa_session" for c in await page.context.cookies()):
            return
        await page.wait_for_timeout(200)
    raise AssertionError("kein Sitzungs-Cookie nach dem Wechsel")


async def _sidebar_name(page: Page) -> str:
    sidebar = page.get_by_test_id("stSidebar")
    return (await sidebar.locator("strong").last.inner_text()).strip()


async def open_visitor(browser: Browser, app_url: str, gate: asyncio.Semaphore) -> Page:
    """Open the app as a visitor in a browser context of its own (``gate`` bounds how many load the app at once)."""
    async with gate:
        context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        await page.goto(app_url, wait_until="domcontentloaded")
        await expect(page.get_by_test_id("stSidebar").get_by_role("button", name="Als Anna Beispiel ansehen")
                     ).to_be_visible(timeout=TIMEOUT_MS)
        return page


async def take_part(page: Page, app_url: str, key: str) -> Visit:
    """Click "Als … ansehen" for ``key``, open one page from the sidebar and one by address (a reload: the cookie
    must bring back this persona); return the names shown and the time of each step."""
    who = persona(key)
    visit = Visit(key)
    started = time.perf_counter()
    await page.get_by_test_id("stSidebar").get_by_role("button", name=f"Als {who.full_name} ansehen").click()
    await expect(page.get_by_text(f"Willkommen, {who.full_name}")).to_be_visible(timeout=TIMEOUT_MS)
    visit.seconds.append(time.perf_counter() - started)
    visit.names_seen.append(await _sidebar_name(page))
    await _session_cookie(page)
    (link, first_text), (path, second_heading) = PAGES[key]
    started = time.perf_counter()
    await page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=link, exact=True).click()
    await expect(page.get_by_text(first_text, exact=False).first).to_be_visible(timeout=TIMEOUT_MS)
    visit.seconds.append(time.perf_counter() - started)
    visit.names_seen.append(await _sidebar_name(page))
    started = time.perf_counter()
    await page.goto(f"{app_url}/{path}", wait_until="domcontentloaded")
    await expect(page.get_by_role("heading", name=second_heading, exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    visit.seconds.append(time.perf_counter() - started)
    visit.names_seen.append(await _sidebar_name(page))
    return visit


async def _gated(gate: asyncio.Semaphore, page: Page, app_url: str, key: str) -> Visit:
    async with gate:
        return await take_part(page, app_url, key)


async def workshop(browser: Browser, app_url: str, participants: int, *, loading_at_once: int = 6,
                   clicking_at_once: int = 10, return_exceptions: bool = False) -> list[Visit | BaseException]:
    """All participants open the app and stay connected (a few load at a time), then click through, up to
    ``clicking_at_once`` in the same moment (a bound for a busy test machine; the sessions all live meanwhile)."""
    loading, clicking = asyncio.Semaphore(loading_at_once), asyncio.Semaphore(clicking_at_once)
    pages = await asyncio.gather(*(open_visitor(browser, app_url, loading) for _ in range(participants)))
    try:
        return list(await asyncio.gather(*(_gated(clicking, page, app_url, KEYS[i % len(KEYS)])
                                           for i, page in enumerate(pages)), return_exceptions=return_exceptions))
    finally:
        for page in pages:
            await page.context.close()
