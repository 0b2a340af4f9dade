"""KISA's back office in a real browser: Talheim's submitted configuration is taken over, set up and put live."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from demo.personas import DEMO_PASSWORD, persona
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser
PRODUCT = "Anzeige eines Feuerwerkes"


def _settled(page: Page) -> None:
    """Wait until Streamlit's rerun is over (clicks during a rerun get lost)."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)


def test_kisa_takes_over_a_submitted_configuration_ticks_the_checklist_and_goes_live(page: Page, app_url: str):
    klara = persona("kisa")
    log_in(page, app_url, klara.email, DEMO_PASSWORD)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Arbeitsvorrat").click()
    expect(page.get_by_role("heading", name="Arbeitsvorrat")).to_be_visible()
    row = page.get_by_test_id("stHorizontalBlock").filter(has_text=PRODUCT)
    expect(row.get_by_text("Konfiguration eingereicht")).to_be_visible()
    expect(row.get_by_text("wartet auf KISA")).to_be_visible()
    row.get_by_role("link", name="Öffnen").click()

    expect(page.get_by_role("heading", name=PRODUCT)).to_be_visible()
    expect(page.get_by_text(re.compile(r"Fassung 1, eingereicht am .* von Berta Muster"))).to_be_visible()
    _settled(page)
    page.get_by_role("button", name="Konfiguration übernehmen …").click()
    page.get_by_role("button", name="Ja, Konfiguration übernehmen").click()
    expect(page.get_by_text("Konfiguration übernommen.")).to_be_visible()
    expect(page.get_by_role("heading", name="Einrichtung")).to_be_visible()
    go_live = page.get_by_role("button", name="Go-Live (Wartungsmodus) …")
    expect(go_live).to_be_disabled()

    expect(page.get_by_text("Konfiguration (Fassung 1)")).to_be_visible()  # drawn last: the page is complete
    _settled(page)
    labels = page.get_by_test_id("stCheckbox").all_inner_texts()
    assert labels, "no set-up tasks"
    for done, label in enumerate(labels, start=1):
        box = page.get_by_text(label, exact=True)
        expect(box).to_have_count(1)  # a rerun may show a box twice for a moment
        box.click()
        expect(page.get_by_role("checkbox", name=label)).to_be_checked()
        # The server's answer: who ticked it and when (the box alone is ticked by the browser at once).
        expect(page.get_by_text(f"{done} von {len(labels)} Aufgaben erledigt")).to_be_visible()
        expect(page.get_by_text("erledigt von Klara Antragsmanagement")).to_have_count(done)
        _settled(page)

    expect(go_live).to_be_enabled()
    go_live.click()
    page.get_by_role("button", name="Ja, Go-Live im Wartungsmodus").click()
    expect(page.get_by_text("Go-Live im Wartungsmodus. Die Kommune wurde per E-Mail informiert")).to_be_visible()
    expect(page.get_by_text("Stand: Test im Wartungsmodus.")).to_be_visible()
