"""KISA's back office in a real browser: Talheim's submitted configuration is taken over, set up and put live."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from demo.personas import DEMO_PASSWORD, persona
from tests.browser.kisa_steps import open_case_from_queue, take_over_set_up_and_go_live
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser
PRODUCT = "Anzeige eines Feuerwerkes"


def test_kisa_takes_over_a_submitted_configuration_ticks_the_checklist_and_goes_live(page: Page, app_url: str):
    klara = persona("kisa")
    log_in(page, app_url, klara.email, DEMO_PASSWORD)
    open_case_from_queue(page, PRODUCT, row_texts=("wartet auf KISA",))
    take_over_set_up_and_go_live(page, submitted_by="Berta Muster")
