"""The catalogue in a real browser: results appear while typing, the detail page opens, the query survives a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from demo.personas import DEMO_PASSWORD, persona
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser


def test_search_updates_while_typing_and_leads_to_the_product(page: Page, app_url: str):
    log_in(page, app_url, persona("koordination").email, DEMO_PASSWORD)
    expect(page.get_by_text("Willkommen, Anna Beispiel")).to_be_visible()
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="OAA-Katalog").click()
    search = page.get_by_role("searchbox", name="Suche")
    search.click()
    page.keyboard.type("Hochzeit", delay=40)  # no Enter: the list follows the typing
    hit = page.get_by_role("link", name=re.compile("Eheschließung"))
    expect(hit.first).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Gefunden über: Suchbegriff: Hochzeit$", re.M)).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"suche=Hochzeit"))

    page.reload()
    expect(page.get_by_role("searchbox", name="Suche")).to_have_value("Hochzeit")
    expect(hit.first).to_be_visible()

    hit.first.click()
    expect(page.get_by_role("heading", name=re.compile("Eheschließung"))).to_be_visible()
    page.get_by_role("tab", name="XML").click()
    expect(page.get_by_text("<?xml", exact=False).first).to_be_visible()
