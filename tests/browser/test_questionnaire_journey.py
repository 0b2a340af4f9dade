"""The questionnaire in a real browser: a demo coordinator fills the open points and submits; answers are kept."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from demo.personas import DEMO_PASSWORD, persona
from questionnaire.definition import NAV_TITLES, STEP_TITLES
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser
PRODUCT = "Einfache Melderegisterauskunft"


_SHORT = {STEP_TITLES[key]: short for key, short in NAV_TITLES.items()}  # the step list uses short names


def _nav(page: Page, title: str) -> Locator:
    """The step's entry in the step list (a radio group): its option and the caption with the open points."""
    return page.get_by_test_id("stRadioGroup").locator(":scope > div").filter(
        has_text=re.compile(rf"\d+\. {re.escape(_SHORT[title])}"))


def _step(page: Page, title: str) -> None:
    """Open a step from the step list; a click that lands while the page still reruns is lost, so try again."""
    heading = page.get_by_role("heading", name=title)
    for _attempt in range(3):
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
        _nav(page, title).get_by_test_id("stRadioOption").click()
        try:
            expect(heading).to_be_visible(timeout=8_000)
            return
        except AssertionError:
            continue
    expect(heading).to_be_visible()


def _done(page: Page, title: str) -> None:
    """The step list shows the step without open points."""
    expect(_nav(page, title)).not_to_contain_text("offen")


def _tick(page: Page, text: str) -> None:
    """Tick a confirmation and wait until the rerun that saves it shows it ticked (clicks during a rerun get lost)."""
    box = page.get_by_role("checkbox", name=re.compile(re.escape(text)))
    page.get_by_text(text).click()
    expect(box).to_be_checked()
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)


def _choose(page: Page, label: str, option: str) -> None:
    page.get_by_test_id("stSelectbox").filter(has_text=label).click()
    page.get_by_role("option", name=option).click()


def test_demo_coordinator_fills_the_open_points_and_submits_the_questionnaire(page: Page, app_url: str):
    anna = persona("koordination")
    log_in(page, app_url, anna.email, DEMO_PASSWORD)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Fragebögen").click()
    row = page.get_by_test_id("stHorizontalBlock").filter(has_text=PRODUCT)
    row.get_by_role("link", name="Ausfüllen").click()
    expect(page.get_by_role("heading", name=PRODUCT)).to_be_visible()
    # Pre-filled from Musterstadt's master data (sample data).
    expect(page.get_by_label("Fachliche:r Ansprechpartner:in – Name *")).to_have_value("Anna Beispiel")

    _step(page, "Test im Wartungsmodus")
    _tick(page, "Alle Testpersonen haben ein Servicekonto")
    _done(page, "Test im Wartungsmodus")

    _step(page, "Bereitstellung der Antragsdaten")
    _choose(page, "Bereitstellung der Antragsdaten", "Transferverzeichnis (KDN)")
    _done(page, "Bereitstellung der Antragsdaten")

    _step(page, "Amt24-Leistungsseite")
    _choose(page, "Pflege der Leistungsseite", "Die Kommune pflegt die Leistungsseite selbst im Amt24-Admincenter.")
    _done(page, "Amt24-Leistungsseite")

    _step(page, "Servicekonto-Nachricht")
    page.get_by_label("Ergänzender Text in der Servicekonto-Nachricht (optional)").fill(
        "Bitte halten Sie Ihren Personalausweis bereit. (Beispieltext)")
    page.get_by_role("heading", name="Servicekonto-Nachricht").click()  # leave the field: saved and previewed
    expect(page.get_by_test_id("stText").filter(has_text="Bitte halten Sie Ihren Personalausweis bereit.")).to_be_visible()

    _step(page, "Datenschutz und Informationssicherheit")
    confirmations = ("Das Verzeichnis der Verarbeitungstätigkeiten", "Nur berechtigte Beschäftigte",
                     "Eingegangene Antragsdaten werden")
    expect(_nav(page, "Datenschutz und Informationssicherheit")).to_contain_text(f"{len(confirmations)} offen")
    for done, text in enumerate(confirmations, start=1):
        _tick(page, text)
        # The server's answer, not the browser's own tick: the step list counts one open point less.
        left = len(confirmations) - done
        if left:
            expect(_nav(page, "Datenschutz und Informationssicherheit")).to_contain_text(f"{left} offen")
    _done(page, "Datenschutz und Informationssicherheit")

    page.reload()  # nothing typed is lost: every answer was saved when its field was left
    _step(page, "Prüfen und absenden")
    expect(page.get_by_text("Alle Pflichtangaben sind vollständig")).to_be_visible()
    expect(page.get_by_text("Bitte halten Sie Ihren Personalausweis bereit.").first).to_be_visible()
    page.get_by_role("button", name="Fragebogen einreichen …").click()
    page.get_by_role("button", name="Ja, verbindlich einreichen").click()
    expect(page.get_by_text("Eingereicht (Fassung 1)")).to_be_visible()
    expect(page.get_by_text("Die Angaben sind schreibgeschützt")).to_be_visible()
