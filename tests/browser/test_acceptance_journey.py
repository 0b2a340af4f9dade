"""One product from "Konfiguration eingereicht" to "live" in a real browser, with two people in two browser contexts.

KISA (Klara) takes over Musterstadt's submitted "Anmeldung der Nebenwohnung", works through the set-up checklist and
puts it live in maintenance mode; Musterstadt's coordinator (Anna) tests every item, gives the acceptance, downloads
the Abnahmeprotokoll and confirms the go-live; KISA's case page then shows the product as live.

All browser tests share one app and database: this test uses the only product no other browser test touches
(``test_backoffice_journey`` walks Talheim's "Anzeige eines Feuerwerkes"), so the order of the tests does not matter.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from demo.personas import DEMO_PASSWORD, persona
from tests.browser.conftest import ARTIFACTS
from tests.browser.kisa_steps import open_case_from_queue, settled, take_over_set_up_and_go_live
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser
PRODUCT = "Anmeldung der Nebenwohnung"
TOWN = "Musterstadt (Beispielkommune)"
AGS = "14999001"
TESTERS = ("Anna Beispiel", "Tom Technik")  # named in Musterstadt's questionnaire (sample data)
REMARKS = "Alle Prüfpunkte mit dem Servicekonto getestet. (Beispieldaten)"
SCREENSHOT = "/tmp/acceptance_journey.png"


@pytest.fixture
def town_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A second browser context (own cookies) for the municipal persona; a screenshot is kept in test-artifacts/."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}_kommune.png"), full_page=True)
    context.close()


def _kisa_sets_up_and_goes_live(page: Page, app_url: str) -> str:
    """Klara takes the submitted configuration over, ticks every set-up task and does Go-Live; return the case URL."""
    log_in(page, app_url, persona("kisa").email, DEMO_PASSWORD)
    open_case_from_queue(page, PRODUCT, row_texts=(TOWN,))
    case_url = page.url
    assert re.search(r"/vorgang\?nr=\d+$", case_url), case_url
    take_over_set_up_and_go_live(page, submitted_by="Anna Beispiel")
    return case_url


def _total(progress: str) -> int:
    """Return N of a progress text "k von N …"."""
    found = re.search(r"von (\d+)", progress)
    assert found, progress
    return int(found.group(1))


def _record_every_item(page: Page) -> None:
    """Record "in Ordnung" for every checklist item, the testers taking turns, and wait for each confirmation."""
    progress = page.get_by_text(re.compile(r"^0 von \d+ Prüfpunkten getestet$"))
    expect(progress).to_be_visible()
    total = _total(progress.inner_text())
    assert total > 0
    for tested in range(1, total + 1):
        settled(page)
        item = page.get_by_test_id("stExpander").filter(has_text="noch offen").first
        # The tester first: the first rerun after a save folds the saved item, and the page moving under an open
        # dropdown closes it.
        tester = TESTERS[tested % 2]
        choice = item.get_by_role("combobox", name="Testperson")
        choice.scroll_into_view_if_needed()  # scrolling while the dropdown is open would close it again
        choice.click()
        expect(choice).to_have_attribute("aria-expanded", "true")
        page.get_by_role("option", name=tester).click()
        expect(choice).to_have_value(tester)
        settled(page)
        item.get_by_test_id("stRadio").get_by_text("in Ordnung", exact=True).click()
        expect(item.get_by_role("radio", name="in Ordnung")).to_be_checked()
        settled(page)
        item.get_by_role("button", name="Ergebnis speichern").click()
        # The server's answer: the confirmation and the progress (the item's expander is then no longer "open").
        # (a rerun may show the previous confirmation for a moment next to the new one)
        expect(page.get_by_text(re.compile(r"^Gespeichert: „.+“ – in Ordnung\.$")).last).to_be_visible()
        expect(page.get_by_text(f"{tested} von {total} Prüfpunkten getestet")).to_be_visible()
    expect(page.get_by_test_id("stExpander").filter(has_text="noch offen")).to_have_count(0)


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def test_kisa_sets_up_and_the_municipality_tests_accepts_and_goes_live(page: Page, town_page: Page, app_url: str):
    # ---- KISA: take over, set up, Go-Live in maintenance mode -------------------------------------------------------
    case_url = _kisa_sets_up_and_goes_live(page, app_url)
    nr = case_url.rsplit("=", 1)[1]

    # ---- the municipality: test every item ------------------------------------------------------------------------
    town = town_page
    anna = persona("koordination")
    log_in(town, app_url, anna.email, DEMO_PASSWORD)
    town.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Test und Abnahme").click()
    expect(town.get_by_role("heading", name="Test und Abnahme")).to_be_visible()
    row = town.get_by_test_id("stHorizontalBlock").filter(has_text=PRODUCT)
    expect(row.get_by_text("Test im Wartungsmodus")).to_be_visible()
    expect(row.get_by_text(re.compile(r"^0 von \d+ Prüfpunkten getestet$"))).to_be_visible()
    row.get_by_role("button", name="Öffnen").click()
    expect(town.get_by_role("heading", name=PRODUCT)).to_be_visible()
    expect(town).to_have_url(re.compile(rf"/abnahme\?nr={nr}$"))  # the address follows: a reload stays here
    expect(town.get_by_text(f"Testrunde 1 · Testpersonen: {', '.join(TESTERS)}")).to_be_visible()
    accept = town.get_by_role("button", name="Abnahme erteilen …")
    expect(accept).to_be_disabled()
    expect(town.get_by_text("Die Abnahme ist möglich, sobald alles getestet ist")).to_be_visible()
    _record_every_item(town)

    # ---- the acceptance ---------------------------------------------------------------------------------------------
    expect(town.get_by_text("Die Abnahme ist möglich, sobald alles getestet ist")).to_have_count(0)
    expect(accept).to_be_enabled()
    settled(town)
    accept.click()
    town.get_by_label("Bemerkungen zur Abnahme (optional)").fill(REMARKS)
    town.get_by_role("button", name="Ja, Abnahme erteilen").click()
    expect(town.get_by_text("Abnahme erteilt. KISA und Ihre Kommune wurden per E-Mail informiert")).to_be_visible()
    expect(town.get_by_text(re.compile(r"^Abnahme erteilt am .* durch Anna Beispiel \(Testrunde 1\)\.$"))).to_be_visible()
    expect(town.get_by_text(f"Bemerkungen: {REMARKS}")).to_be_visible()
    header = town.get_by_test_id("stMarkdownContainer").filter(has_text=f"(AGS {AGS})")
    expect(header.get_by_text("abgenommen", exact=True)).to_be_visible()
    expect(town.get_by_role("heading", name="Livegang")).to_be_visible()
    settled(town)
    town.screenshot(path=SCREENSHOT, full_page=True)

    with town.expect_download() as download_info:
        town.get_by_role("button", name="Abnahmeprotokoll (PDF)").click()
    download = download_info.value
    # The download does not rerun the page: the success message stays and no later click gets lost.
    expect(town.get_by_text("Abnahme erteilt. KISA und Ihre Kommune wurden per E-Mail informiert")).to_be_visible()
    settled(town)
    assert download.suggested_filename == f"Abnahmeprotokoll_{AGS}_{nr}_Runde1.pdf"
    with open(download.path(), "rb") as pdf:
        text = _pdf_text(pdf.read())
    flat = " ".join(text.split())  # lines may wrap anywhere
    assert PRODUCT in flat and TOWN in flat, flat[:500]
    assert "Anna Beispiel" in flat and "Tom Technik" in flat
    assert REMARKS in flat

    # ---- the go-live: maintenance mode off ------------------------------------------------------------------------
    town.get_by_role("button", name="Livegang bestätigen …").click()
    town.get_by_text("Wartungsmodus auf Amt24 ist ausgeschaltet", exact=True).click()
    expect(town.get_by_role("checkbox", name="Wartungsmodus auf Amt24 ist ausgeschaltet")).to_be_checked()
    settled(town)
    town.get_by_role("button", name="Ja, Antragsassistent ist live").click()
    expect(town.get_by_text("Der Online-Antragsassistent ist live. KISA wurde informiert.")).to_be_visible()
    expect(town.get_by_text(re.compile(r"^Live auf Amt24 seit "))).to_be_visible()
    expect(header.get_by_text("live", exact=True)).to_be_visible()
    expect(town.get_by_role("heading", name="Kommunikation an Bürgerinnen, Bürger und Unternehmen")).to_be_visible()
    launch = town.get_by_text(re.compile(r"^0 von \d+ Aufgaben erledigt$"))
    expect(launch).to_be_visible()
    tasks = _total(launch.inner_text())
    settled(town)
    first_task = town.get_by_test_id("stCheckbox").first.inner_text()
    town.get_by_text(first_task, exact=True).click()
    expect(town.get_by_text(f"1 von {tasks} Aufgaben erledigt")).to_be_visible()
    expect(town.get_by_text("erledigt von Anna Beispiel")).to_have_count(1)
    settled(town)
    expect(town.get_by_role("checkbox", name=first_task, exact=True)).to_be_checked()
    expect(town.get_by_text("Testergebnisse der Testrunde 1")).to_be_visible()

    # ---- KISA sees it live ------------------------------------------------------------------------------------------
    expect(page).to_have_url(case_url)  # still on the case page since the Go-Live
    page.reload()
    expect(page.get_by_role("heading", name=PRODUCT)).to_be_visible()
    expect(page.get_by_text("Stand: live.")).to_be_visible()
    page.get_by_text("Checkliste der Einrichtung").click()
    expect(page.get_by_text("erledigt von Klara Antragsmanagement").first).to_be_visible()

    # ---- the municipality's progress page shows it live -------------------------------------------------------------
    settled(town)
    town.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Fortschritt").click()
    expect(town.get_by_role("heading", name="Fortschritt")).to_be_visible()
    # live products come after those still under way (10 a page): find it by its name, as a coordinator would
    town.get_by_label("Produkte filtern (Name)").fill(PRODUCT)
    town.get_by_label("Produkte filtern (Name)").press("Enter")
    progress_row = town.get_by_test_id("stHorizontalBlock").filter(has_text=PRODUCT)
    expect(progress_row.get_by_text("live", exact=True)).to_be_visible()
