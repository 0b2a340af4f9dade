"""Parts of a page that rerun alone (web/fragments.py) in a real browser: they work, and they notice an ended login."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine
from sqlmodel import Session, select

from accounts.web_sessions import end_all_for_user
from demo.personas import DEMO_PASSWORD, persona
from models import User
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser


def _log_out_everywhere(database_url: str, email: str) -> None:
    """End every login of ``email`` on the server, as disabling the account or a password change does."""
    engine = create_engine(database_url)
    with Session(engine) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        assert user.id is not None
        assert end_all_for_user(session, user_id=user.id) >= 1
        session.commit()
    engine.dispose()


def test_the_queue_filters_alone_and_a_login_ended_meanwhile_leads_to_the_login(page: Page, app_url: str,
                                                                               app_database_url: str):
    clerk = persona("kisa")
    log_in(page, app_url, clerk.email, DEMO_PASSWORD)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Arbeitsvorrat").click()
    expect(page.get_by_role("heading", name="Arbeitsvorrat")).to_be_visible()
    box = page.get_by_label("Suche", exact=True)
    box.fill("Kein solcher Vorgang")
    box.press("Enter")  # reruns the filters and the list alone
    expect(page.get_by_text("Keine Vorgänge zu diesen Filtern.")).to_be_visible()
    expect(page.get_by_role("link", name="Öffnen")).to_have_count(0)

    _log_out_everywhere(app_database_url, clerk.email)
    page.get_by_text("nur überfällige").click()  # the list's own rerun checks the login first
    expect(page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Anmelden")).to_be_visible()
    expect(page.get_by_role("heading", name="Arbeitsvorrat")).to_have_count(0)
    expect(page.get_by_text("Keine Vorgänge zu diesen Filtern.")).to_have_count(0)
