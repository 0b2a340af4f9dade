"""Whole journeys in a real browser: demo login survives a reload; registration → approval → login."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from demo.personas import DEMO_PASSWORD, persona

pytestmark = pytest.mark.browser


def log_in(page: Page, app_url: str, email: str, password: str, *, succeeds: bool = True) -> None:
    """Log in through the form; on success wait until the browser holds the session cookie.

    The page fetches the HttpOnly cookie right after the login; a navigation before that would start
    a new Streamlit session without it.
    """
    page.goto(f"{app_url}/anmelden")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)  # deep links work from the first request
    form = page.get_by_test_id("stForm")
    form.get_by_label("E-Mail-Adresse").fill(email)
    form.get_by_label("Passwort").fill(password)
    form.get_by_role("button", name="Anmelden").click()
    if succeeds:
        wait_for_session_cookie(page)


def wait_for_session_cookie(page: Page) -> dict:
    """The page fetches the HttpOnly cookie right after login; wait until the browser has it."""
    for _ in range(50):
        found = [c for c in page.context.cookies() if c["name"] == "oaa_session"]
        if found:
            return found[0]
        page.wait_for_timeout(200)
    raise AssertionError("no session cookie after login")


def test_demo_persona_logs_in_sees_start_page_and_stays_logged_in_on_reload(page: Page, app_url: str):
    coordinator = persona("koordination")
    log_in(page, app_url, coordinator.email, DEMO_PASSWORD)
    expect(page.get_by_text(f"Willkommen, {coordinator.full_name}")).to_be_visible()
    expect(page.get_by_role("heading", name="In fünf Schritten zum Online-Antragsassistenten")).to_be_visible()

    cookie = wait_for_session_cookie(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["value"] not in page.url

    page.reload()
    expect(page.get_by_text(f"Willkommen, {coordinator.full_name}")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Mein Team"))).to_be_visible()

    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Registrieren")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Anmelden")).to_be_visible()
    expect(page.get_by_text(f"Willkommen, {coordinator.full_name}")).to_have_count(0)


def test_an_address_outside_the_navigation_reads_german_not_found_and_stays(page: Page, app_url: str):
    page.goto(f"{app_url}/protokoll")  # a KISA page, typed by a visitor
    expect(page.get_by_role("heading", name="Seite nicht gefunden")).to_be_visible()
    expect(page.get_by_text("erst nach der Anmeldung erreichbar")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)

    log_in(page, app_url, persona("koordination").email, DEMO_PASSWORD)
    page.goto(f"{app_url}/arbeitsvorrat")  # a KISA page, typed by a municipal coordinator
    expect(page.get_by_role("heading", name="Seite nicht gefunden")).to_be_visible()
    expect(page.get_by_text("gehört nicht zu Ihrem Zugang")).to_be_visible()
    page.wait_for_timeout(1500)  # the cookie check reruns the page once: the message must stay, in German
    expect(page.get_by_role("heading", name="Seite nicht gefunden")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.get_by_role("link", name="Zur Startseite").click()
    expect(page.get_by_role("heading", name="In fünf Schritten zum Online-Antragsassistenten")).to_be_visible()

    page.goto(f"{app_url}/vorgang/12")  # nested: Streamlit alone would show a blank page
    expect(page.get_by_role("heading", name="Seite nicht gefunden")).to_be_visible()
    assert page.url.endswith("/seite-nicht-gefunden")


def test_wrong_password_shows_the_generic_german_message(page: Page, app_url: str):
    log_in(page, app_url, persona("kisa").email, "Falsches-Passwort-123", succeeds=False)
    expect(page.get_by_text("Die Anmeldung ist fehlgeschlagen.")).to_be_visible()


def test_registration_approval_and_first_login(browser: Browser, page: Page, app_url: str):
    page.goto(f"{app_url}/registrieren")
    page.get_by_role("combobox", name="Kommune (Gemeindeverzeichnis Sachsen)").click()
    page.keyboard.type("Radebeul")
    page.get_by_role("option", name=re.compile("Radebeul")).first.click()
    expect(page.get_by_role("textbox", name="Amtlicher Regionalschlüssel (ARS)")).to_have_value(re.compile(r"^14627\d{7}$"))
    page.get_by_role("textbox", name="Anschrift der Verwaltung: Straße und Hausnummer").fill("Pestalozzistraße 6")
    page.get_by_role("textbox", name="PLZ", exact=True).fill("01445")
    page.get_by_role("textbox", name="Ort", exact=True).fill("Radebeul")
    page.get_by_role("textbox", name="Vor- und Nachname", exact=True).fill("Rita Radebeul")
    page.get_by_role("combobox", name=re.compile("Ihre Funktion")).click()
    page.get_by_role("option", name="OZG-Koordinator:in").click()
    page.get_by_role("textbox", name="Dienstliche E-Mail-Adresse", exact=True).fill("rita@radebeul.example")
    page.get_by_role("textbox", name="Telefon", exact=True).fill("0351 8311234")
    page.get_by_role("textbox", name="Passwort", exact=True).fill("Weinberg-Lößnitz-2026")
    page.get_by_role("textbox", name="Passwort wiederholen", exact=True).fill("Weinberg-Lößnitz-2026")
    page.get_by_text("Ich bin berechtigt").click()
    page.get_by_role("button", name="Registrierung absenden").click()
    expect(page.get_by_text("Ihre Registrierung für")).to_be_visible()

    log_in(page, app_url, "rita@radebeul.example", "Weinberg-Lößnitz-2026")
    expect(page.get_by_role("heading", name="Ihre Registrierung wird geprüft")).to_be_visible()

    clerk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(clerk, app_url, persona("kisa").email, DEMO_PASSWORD)
    clerk.get_by_role("link", name=re.compile("Freischaltungen")).click()
    # the first "Freischalten" button after Radebeul's card heading (other registrations are listed too)
    heading = clerk.get_by_role("heading", name=re.compile("^Radebeul"))
    heading.locator("xpath=following::button[contains(., 'Freischalten')][1]").click()
    expect(clerk.get_by_text(re.compile("Radebeul.*ist freigeschaltet"))).to_be_visible()
    clerk.context.close()

    page.reload()
    expect(page.get_by_text("Willkommen, Rita Radebeul")).to_be_visible()
