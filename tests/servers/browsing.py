"""Async Playwright steps for the several-servers tests: many users in one browser, each in its own context."""

from __future__ import annotations

import re

from playwright.async_api import Browser, BrowserContext, Page, expect

from demo.personas import DEMO_PASSWORD

TIMEOUT = 30_000  # two app processes, nginx, PostgreSQL and Chromium share two cores


async def context_on(browser: Browser, proxy_url: str, node: str) -> BrowserContext:
    """A browser context whose route cookie sends it to app process ``node``.

    nginx picks the process by a hash of a random route cookie it hands out; a context that landed elsewhere is
    dropped and a new one tried (each try lands on ``node`` with probability 1/number of processes).
    """
    for _attempt in range(40):
        context = await browser.new_context(ignore_https_errors=True, locale="de-DE",
                                            viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT)
        response = await context.request.get(f"{proxy_url}/_stcore/health")
        if response.headers.get("x-oaa-node") == node:
            return context
        await context.close()
    raise AssertionError(f"nginx never routed a new browser to {node}")


async def route_of(context: BrowserContext) -> str:
    """The route cookie nginx gave this context."""
    return next(c["value"] for c in await context.cookies() if c["name"] == "oaa_route")


async def session_cookie(page: Page) -> dict | None:
    found = [c for c in await page.context.cookies() if c["name"] == "oaa_session"]
    return dict(found[0]) if found else None


async def log_in(page: Page, url: str, email: str) -> str:
    """Log in with the demo password; wait for the session cookie; return the node that served the login page
    (empty without OAA_NODE_NAME)."""
    response = await page.goto(f"{url}/anmelden")
    assert response is not None
    form = page.get_by_test_id("stForm")
    await form.get_by_label("E-Mail-Adresse").fill(email)
    await form.get_by_label("Passwort").fill(DEMO_PASSWORD)
    await form.get_by_role("button", name="Anmelden").click()
    for _ in range(100):
        if await session_cookie(page):
            break
        await page.wait_for_timeout(200)
    else:
        raise AssertionError(f"no session cookie after the login of {email}")
    return response.headers.get("x-oaa-node", "")


async def order(page: Page, url: str, product_id: str, product_name: str) -> None:
    """Put one product into the cart and place the order (a double click, as impatient users do)."""
    await page.goto(f"{url}/produkt?id={product_id}")
    await expect(page.get_by_role("heading", name=product_name)).to_be_visible(timeout=TIMEOUT)
    await page.get_by_role("button", name="In den Warenkorb").click()
    await expect(page.get_by_text("Im Warenkorb.")).to_be_visible(timeout=TIMEOUT)
    await page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Warenkorb").click()
    await expect(page.get_by_text(product_name).first).to_be_visible(timeout=TIMEOUT)
    await page.get_by_text("Ich bin berechtigt, für").click()
    button = page.get_by_role("button", name="Verbindlich bestellen")
    await expect(button).to_be_enabled(timeout=TIMEOUT)
    await button.dblclick()
    await expect(page.get_by_text(re.compile(r"Ihre Bestellung \*?\*?B-\d{4}-\d{5}"))).to_be_visible(timeout=TIMEOUT)


SERVICEKONTO_TEXT = "Ergänzender Text in der Servicekonto-Nachricht (optional)"


async def write_servicekonto_text(page: Page, url: str, ordered_product_id: int, text: str) -> None:
    """Open the questionnaire's Servicekonto step, type a text, leave the field; wait until the saved text shows."""
    await page.goto(f"{url}/fragebogen?nr={ordered_product_id}&schritt=servicekonto")
    field = page.get_by_label(SERVICEKONTO_TEXT)
    await expect(field).to_be_visible(timeout=TIMEOUT)
    await field.fill(text)
    await page.get_by_role("heading", name="Servicekonto-Nachricht").click()  # leave the field: saved, previewed
    await expect(page.get_by_test_id("stText").filter(has_text=text)).to_be_visible(timeout=TIMEOUT)
