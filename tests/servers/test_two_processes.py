"""The production shape: two `streamlit run server.py` processes behind nginx (deploy/nginx/oaa-shop.conf: TLS,
sticky route cookie, websocket upgrade) on one PostgreSQL, driven by real browsers.

A: four users of three municipalities order and edit questionnaires through both processes at the same time;
   the database then holds exactly one order per placement and every answer typed.
B: the process serving a user dies (SIGKILL); the user reloads, nginx sends them to the other process, the session
   cookie (a web session in the database) still logs them in, and what they saved before is there.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import async_playwright, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from catalog.store import from_row
from demo.personas import DEMO_PASSWORD, persona
from models import CatalogProduct, Order, OrderedProduct, OrderLine, Questionnaire, QuestionnaireEdit, User
from orders.cart import open_orders, why_not_orderable
from questionnaire.store import load_answers
from tests.async_helpers import run_coroutine
from tests.browser.conftest import _chromium
from tests.builders import make_user
from tests.servers import browsing
from tests.servers.cluster import Cluster, cluster

pytestmark = [pytest.mark.browser, pytest.mark.only_backend("postgresql")]
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]


def _municipality_of(engine: Engine, email: str) -> int:
    with Session(engine) as session:
        municipality_id = session.exec(select(User.municipality_id).where(User.email == email)).one()
    assert municipality_id is not None
    return municipality_id


def _orderable(engine: Engine, municipality_id: int, taken: set[str]) -> tuple[str, str]:
    """A product the municipality can order now (real ordering rules) that no other user of the test orders."""
    with Session(engine) as session:
        ordered = open_orders(session, municipality_id)
        for row in session.exec(select(CatalogProduct).order_by(col(CatalogProduct.id))):
            product = from_row(row)
            if product.id not in taken and why_not_orderable(product, ordered) is None:
                taken.add(product.id)
                return product.id, product.name
    raise AssertionError("no orderable product left")


def _ordered_product_id(engine: Engine, municipality_id: int, product_id: str) -> int:
    with Session(engine) as session:
        ids = session.exec(select(OrderedProduct.id).where(OrderedProduct.municipality_id == municipality_id,
                                                           OrderedProduct.product_id == product_id)).all()
    assert len(ids) == 1, ids
    assert ids[0] is not None
    return ids[0]


def _answers(engine: Engine, ordered_product_id: int) -> tuple[dict[str, Any], int]:
    """The saved answers of an ordered product's questionnaire and how many saved changes it has."""
    with Session(engine) as session:
        questionnaire = session.exec(select(Questionnaire).where(
            Questionnaire.ordered_product_id == ordered_product_id)).one()
        edits = session.exec(select(func.count()).select_from(QuestionnaireEdit).where(
            QuestionnaireEdit.questionnaire_id == questionnaire.id)).one()
    return load_answers(questionnaire.answers), int(edits)


async def _customer(running: Cluster, engine: Engine, email: str, node: str, product: tuple[str, str],
                    text: str) -> dict[str, Any]:
    """One user on app process ``node``: log in, order ``product``, write a text into its questionnaire."""
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=_chromium(), headless=True, args=LAUNCH_ARGS)
        context = await browsing.context_on(browser, running.url, node)
        page = await context.new_page()
        served = await browsing.log_in(page, running.url, email)
        await browsing.order(page, running.url, *product)
        ordered_id = _ordered_product_id(engine, _municipality_of(engine, email), product[0])
        await browsing.write_servicekonto_text(page, running.url, ordered_id, text)
        route = await browsing.route_of(context)
        await context.close()  # nginx logs the websocket now
        await browser.close()
    return {"email": email, "node": node, "served": served, "route": route, "ordered_id": ordered_id, "text": text}


def test_orders_and_questionnaires_through_two_processes_at_once_lose_and_double_nothing(
        engine: Engine, tmp_path: Path):
    with cluster(tmp_path, str(engine.url.render_as_string(hide_password=False))) as running:
        with Session(engine, expire_on_commit=False) as session:
            newcomer = make_user(session, password=DEMO_PASSWORD)  # a third municipality, made by the builders
        emails = [persona("koordination").email, persona("talheim").email, persona("technik").email, newcomer.email]
        nodes = ["app-1", "app-2", "app-2", "app-1"]
        taken: set[str] = set()
        with Session(engine) as session:  # the demo story has orders of its own: count only the ones placed here
            before = session.exec(select(func.max(Order.id))).one() or 0
        products = [_orderable(engine, _municipality_of(engine, email), taken) for email in emails]
        texts = [f"Hinweis {n} für die Servicekonto-Nachricht (über zwei Server)" for n in range(len(emails))]

        async def everyone() -> list[dict[str, Any]]:
            return list(await asyncio.gather(*(
                _customer(running, engine, *args) for args in zip(emails, nodes, products, texts, strict=True))))

        done = run_coroutine(everyone())
        streams = running.stream_nodes()

    assert len({_municipality_of(engine, email) for email in emails}) == 3
    for user in done:
        assert user["served"] == user["node"]  # the page came from the process the route cookie picked …
        assert streams[user["route"]] == {user["node"]}  # … and so did every websocket of that browser
    assert {user["node"] for user in done} == {"app-1", "app-2"}

    with Session(engine) as session:
        placed = session.exec(select(Order.placed_by_id, Order.id, OrderLine.product_id).join(
            OrderLine, col(OrderLine.order_id) == col(Order.id)).join(
            User, col(User.id) == col(Order.placed_by_id)).where(col(User.email).in_(emails),
                                                                 col(Order.id) > before)).all()
    by_email = {user.email: user.id for user in _users(engine, emails)}
    for email, (product_id, _n) in zip(emails, products, strict=True):  # one order per placement, double clicks and all
        mine = [(order_id, line) for placed_by, order_id, line in placed if placed_by == by_email[email]]
        assert len({order_id for order_id, _line in mine}) == 1, (email, mine)
        lines = [line for _order_id, line in mine]  # a demo persona's cart may have held sample items already
        assert lines.count(product_id) == 1 and len(lines) == len(set(lines)), (email, lines)
    for user in done:
        answers, edits = _answers(engine, user["ordered_id"])
        assert answers["servicekonto.text"] == user["text"]
        assert edits >= 1


def _users(engine: Engine, emails: list[str]) -> list[User]:
    with Session(engine) as session:
        return list(session.exec(select(User).where(col(User.email).in_(emails))).all())


def test_a_user_whose_process_dies_goes_on_through_the_other_one_with_their_saved_work(
        engine: Engine, tmp_path: Path):
    anna = persona("koordination")
    with cluster(tmp_path, str(engine.url.render_as_string(hide_password=False))) as running:
        ordered_id = _ordered_product_id(engine, _municipality_of(engine, anna.email),
                                         "einfache-melderegisterauskunft")  # demo story: her draft questionnaire
        before = "Gespeichert auf Server 1, bevor er ausfiel."
        after = "Weitergearbeitet auf Server 2."

        async def journey() -> dict[str, Any]:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=_chromium(), headless=True, args=LAUNCH_ARGS)
                context = await browsing.context_on(browser, running.url, "app-1")
                page = await context.new_page()
                first = await browsing.log_in(page, running.url, anna.email)
                await browsing.write_servicekonto_text(page, running.url, ordered_id, before)
                cookie_before = await browsing.session_cookie(page)

                running.kill("app-1")
                response = await page.reload()
                assert response is not None
                field = page.get_by_label(browsing.SERVICEKONTO_TEXT)
                await expect(field).to_have_value(before, timeout=browsing.TIMEOUT)  # saved work is there
                await expect(page.get_by_role("button", name="Abmelden")).to_be_visible(timeout=browsing.TIMEOUT)  # logged in
                await expect(page.get_by_test_id("stForm").get_by_label("Passwort")).to_have_count(0)
                await browsing.write_servicekonto_text(page, running.url, ordered_id, after)
                result = {"first": first, "after_kill": response.headers.get("x-oaa-node"),
                          "cookie_before": cookie_before, "cookie_after": await browsing.session_cookie(page)}
                await browser.close()
                return result

        outcome = run_coroutine(journey())
        killed = running.processes["app-1"].returncode

    assert killed == -9
    assert outcome["first"] == "app-1" and outcome["after_kill"] == "app-2"
    # No new login: the same session cookie resumed the web session stored in the database.
    assert outcome["cookie_before"]["value"] == outcome["cookie_after"]["value"]
    answers, edits = _answers(engine, ordered_id)
    assert answers["servicekonto.text"] == after
    assert edits >= 2  # the change made on app-1 and the one on app-2
