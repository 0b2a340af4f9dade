"""Ordering in a real browser: a demo coordinator orders an OAA and downloads the contract PDF."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlmodel import Session, func, select

from core.db import make_engine
from demo.personas import DEMO_PASSWORD, persona
from models import Municipality, Order
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser


def _orders_of_talheim(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return int(session.exec(select(func.count()).select_from(Order).join(
                Municipality, Municipality.id == Order.municipality_id).where(Municipality.ags == "14999002")).one())
    finally:
        engine.dispose()


def test_demo_coordinator_orders_a_product_and_sees_it_in_my_orders(page: Page, app_url: str, app_database_url: str):
    berta = persona("talheim")
    log_in(page, app_url, berta.email, DEMO_PASSWORD)
    expect(page.get_by_text(f"Willkommen, {berta.full_name}")).to_be_visible()
    before = _orders_of_talheim(app_database_url)  # the demo story's orders
    page.goto(f"{app_url}/produkt?id=einfache-melderegisterauskunft")
    expect(page.get_by_role("heading", name="Einfache Melderegisterauskunft")).to_be_visible()
    page.get_by_role("button", name="In den Warenkorb").click()
    expect(page.get_by_text("Im Warenkorb.")).to_be_visible()

    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Warenkorb").click()
    expect(page.get_by_text("Einfache Melderegisterauskunft").first).to_be_visible()
    order_button = page.get_by_role("button", name="Verbindlich bestellen")
    expect(order_button).to_be_disabled()
    page.get_by_text("Ich bin berechtigt, für").click()
    expect(order_button).to_be_enabled()
    order_button.dblclick()  # a double click places one order
    expect(page.get_by_text(re.compile(r"Ihre Bestellung \*?\*?B-\d{4}-\d{5}"))).to_be_visible()

    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Meine Bestellungen").click()
    expect(page.get_by_text("Einfache Melderegisterauskunft").first).to_be_visible()
    orders = page.get_by_text(re.compile(r"B-\d{4}-\d{5} vom"))
    expect(orders).to_have_count(before + 1)  # one new order for the double click

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Vertrag als PDF").click()
    download = download_info.value
    assert re.fullmatch(r"Vertrag_B-\d{4}-\d{5}\.pdf", download.suggested_filename)
    text = "\n".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert "Einfache Melderegisterauskunft" in text and "Talheim" in text and "€" in text
