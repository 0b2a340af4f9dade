"""KISA's part of a journey in the browser, shared by the journeys: take a submitted configuration over, tick the
set-up checklist and put the product live in maintenance mode."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def settled(page: Page) -> None:
    """Wait until Streamlit's rerun is over (clicks during a rerun get lost, and until its end the elements of the
    previous run may still be shown next to the new ones, marked stale)."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    expect(page.locator('[data-testid="stElementContainer"][data-stale="true"]')).to_have_count(0)


def open_case_from_queue(page: Page, product: str, *, row_texts: tuple[str, ...] = ()) -> None:
    """Open the case of ``product`` from the Arbeitsvorrat; its row shows "Konfiguration eingereicht" and ``row_texts``."""
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Arbeitsvorrat").click()
    expect(page.get_by_role("heading", name="Arbeitsvorrat")).to_be_visible()
    row = page.get_by_test_id("stHorizontalBlock").filter(has_text=product)
    for text in row_texts:
        row = row.filter(has_text=text)
    expect(row.get_by_text("Konfiguration eingereicht")).to_be_visible()
    row.get_by_role("link", name="Öffnen").click()
    expect(page.get_by_role("heading", name=product)).to_be_visible()


def take_over_set_up_and_go_live(page: Page, *, submitted_by: str) -> None:
    """On the open case page: take the configuration (version 1 by ``submitted_by``) over, tick every set-up task one
    by one (each tick answered by the server with who did it), then Go-Live in maintenance mode."""
    expect(page.get_by_text(re.compile(rf"Fassung 1, eingereicht am .* von {re.escape(submitted_by)}"))).to_be_visible()
    settled(page)
    page.get_by_role("button", name="Konfiguration übernehmen …").click()
    page.get_by_role("button", name="Ja, Konfiguration übernehmen").click()
    expect(page.get_by_text("Konfiguration übernommen.")).to_be_visible()
    expect(page.get_by_role("heading", name="Einrichtung")).to_be_visible()
    go_live = page.get_by_role("button", name="Go-Live (Wartungsmodus) …")
    expect(go_live).to_be_disabled()

    expect(page.get_by_text("Konfiguration (Fassung 1)")).to_be_visible()  # drawn last: the page is complete
    settled(page)
    labels = page.get_by_test_id("stCheckbox").all_inner_texts()
    assert labels, "no set-up tasks"
    for done, label in enumerate(labels, start=1):
        box = page.get_by_text(label, exact=True)
        expect(box).to_have_count(1)  # a rerun may show a box twice for a moment
        box.click()
        # The server's answer: who ticked it and when (the box alone is ticked by the browser at once).
        expect(page.get_by_text(f"{done} von {len(labels)} Aufgaben erledigt")).to_be_visible()
        expect(page.get_by_text("erledigt von Klara Antragsmanagement")).to_have_count(done)
        settled(page)
        expect(page.get_by_role("checkbox", name=label, exact=True, checked=True)).to_have_count(1)
        expect(page.get_by_role("checkbox", name=label, exact=True, checked=False)).to_have_count(0)

    expect(go_live).to_be_enabled()
    go_live.click()
    page.get_by_role("button", name="Ja, Go-Live im Wartungsmodus").click()
    expect(page.get_by_text("Go-Live im Wartungsmodus. Die Kommune wurde per E-Mail informiert")).to_be_visible()
    expect(page.get_by_text("Stand: Test im Wartungsmodus.")).to_be_visible()
