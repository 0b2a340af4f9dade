"""Real-browser speed (issue #8): time from a click to the rendered result, and server memory per idle session.

Run: `.venv/bin/python bench/bench_browser.py [--scale] [--backends sqlite,postgresql] [--sessions 20] [--repeat 8]
[--think 0] [--pin]`. Prints a table and JSON; asserts nothing. For each database: one `streamlit run server.py` on
127.0.0.1, headless Chromium (Debian's) through Playwright, and
- by default the demo story plus extra users (made with the real domain functions) in a fresh database;
- with ``--scale`` a throwaway copy of the scale data set (bench/scale/generate.py: 10,000 products, 100,000 ordered
  products): the SQLite file is copied with SQLite's backup API, the PostgreSQL database is made with
  ``CREATE DATABASE … TEMPLATE oaa_scale`` and dropped at the end; the originals are only read. The bench's own
  users are coordinators of Dresden (the data set's big tenant, 400 ordered products) and KISA members; the app runs
  without demo mode, as in production.

What is timed, in the page itself: from the browser's input event (``event.timeStamp`` of the click, of the
Enter key or of the typed text) to the first animation frame in which the result is in the DOM. A MutationObserver,
installed before the action, checks the targets (``textContent``, no layout) when the DOM changes after the input
event; once all are there it takes ``performance.now()`` in the next ``requestAnimationFrame`` callback (checking
again that they are still there). Playwright only fetches that recorded figure (polling every 100 ms), so neither
its round trips nor a per-frame poll in 20 pages are in the figure or eat the CPU. Scenarios:
- catalogue search: typing the query into the live search box (Playwright's ``fill``: one input event) → "N Treffer"
  and the best hit's link (two queries in turn); this includes the 250 ms that Streamlit's live text input waits
  after the last input before it sends the query;
- add to cart: click "In den Warenkorb" on a product page → "Im Warenkorb." (a new product each time);
- questionnaire step: click a step in the step list → its heading (two steps in turn);
- KISA queue: Enter in the queue's search box → "N Vorgänge", as many "Öffnen" links as the page shows, and the
  links of its first and last item (two searches in turn).
Each with one browser session alone, then with ``--sessions`` sessions (own users, own contexts) at once: by default
every session clicks again as soon as its result is there (a burst); with ``--think S`` each session first waits a
random time, uniform in [0.5·S, 1.5·S] s and the same in every run (seeded), before each click, as people reading
the result do, so the sessions are concurrent but not in step.
Reference, "bare page" (bench/bare_app.py): a button "Klick" and a text "Zähler N", nothing else, served by its own
`streamlit run` (same Streamlit, flags and configuration as the app) for the whole run, timed the same way (click →
the new "Zähler N") with one session and with ``--sessions`` sessions (own contexts, no login). It is the floor the
browser and the machine set: with 20 Chromium pages on two cores a click costs most of its time in Chromium whatever
the page does. The table gives each scenario's one-session median and many-session p95 as a multiple of the bare
page's, measured next to them (for each database, in the same browser).
CPU: the app server's and the Chromium processes' (the browser's whole process tree, from /proc) per click with one
session and in total while the sessions run at once, next to the whole machine's. ``--pin`` puts the app server (and
the bare page's) on CPU 0 and Chromium (with this script and Playwright's driver) on CPU 1; PostgreSQL stays unpinned.
Memory: the server's RSS with ``--sessions`` more idle, logged-in sessions (on the catalogue) minus before, per session.
Argon2 runs with cheap parameters here (logins are not what is measured).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.builders, tests.browser.conftest, bench.scale
for _name, _value in (("OAA_ARGON2_TIME_COST", "1"), ("OAA_ARGON2_MEMORY_KIB", "1024"), ("OAA_ARGON2_PARALLELISM", "1")):
    os.environ.setdefault(_name, _value)

from playwright.async_api import Browser, Page, async_playwright, expect  # noqa: E402
from playwright.async_api import Error as PlaywrightError  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from bench.scale.generate import DEFAULT_URL as SCALE_SQLITE_URL  # noqa: E402
from bench.scale.world import HEAVY_AGS  # noqa: E402

POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SCALE_TEMPLATE = "oaa_scale"  # the PostgreSQL scale database (bench/scale/generate.py); copied, never changed
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
TIMEOUT = 180_000  # a first render of a page can take a minute when 20 Chromium pages share two busy cores
SEARCH_CANDIDATES = ("Hund", "Ummeldung", "Gewerbe", "Wohngeld", "Fischerei", "Bauantrag", "Parkausweis", "Eheschließung")
STEPS = ("kontakte", "datenschutz")  # the questionnaire steps clicked in turn
MARKDOWN = '[data-testid="stMarkdownContainer"]'
LIVE_PAUSE_MS = 250  # st.text_input(live=True) sends the text this long after the last input (Streamlit's default)
QUEUE_PAGE_SIZE = 10  # the Arbeitsvorrat shows 10 entries a page unless chosen otherwise (pages/kisa_queue.py)
SERVER_CPU, BROWSER_CPU = 0, 1  # with --pin: the app server on the first CPU, Chromium on the second
BARE_PAGE = ROOT / "bench" / "bare_app.py"  # the reference page: a button and a click counter
REFERENCE = "bare page"  # its name in the table and the JSON
THINK_SEED = 8  # with --think, the pauses of a session are drawn from a generator seeded with this and its label

# Set on the page before an action: remember when the next input event of ``kind`` happened, and watch the DOM from
# then on. When a mutation leaves every target in the DOM, record the ms from the input event to the next animation
# frame (the frame that paints the result), if the targets are still there in that frame. ``textContent`` reads no
# layout; nothing runs while the DOM is quiet.
ARM = """([kind, targets]) => {
  const old = window.__oaaMeasure;
  if (old) { old.observer.disconnect(); document.removeEventListener(old.kind, old.handler, true); }
  delete window.__oaaT0;
  delete window.__oaaElapsed;
  const wanted = targets.map(([selector, pattern, count]) => [selector, new RegExp(pattern), count]);
  const present = () => wanted.every(([selector, re, count]) => {
    let hits = 0;
    for (const e of document.querySelectorAll(selector)) if (re.test(e.textContent.trim())) hits++;
    return count === null ? hits >= 1 : hits === count;
  });
  let pending = false;
  const observer = new MutationObserver(() => {
    if (window.__oaaT0 === undefined || pending || !present()) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      if (window.__oaaElapsed !== undefined || !present()) return;
      window.__oaaElapsed = Math.max(performance.now() - window.__oaaT0, 0.001);
      observer.disconnect();
    });
  });
  const handler = (event) => {
    if (kind === 'keydown' && event.key !== 'Enter') return;
    window.__oaaT0 = event.timeStamp;
    document.removeEventListener(kind, handler, true);
  };
  document.addEventListener(kind, handler, true);
  observer.observe(document.body, {childList: true, subtree: true, characterData: true, attributes: true,
                                   attributeFilter: ['href']});
  window.__oaaMeasure = {observer, handler, kind};
}"""
RECORDED = "() => window.__oaaElapsed"  # the figure ARM's observer recorded, once it is there
POLL_MS = 100  # how often Playwright asks for it (the figure itself is taken in the page)

Target = tuple[str, str, int | None]  # CSS selector, regex on an element's text, how many (None: at least one)


@dataclass
class Meter:
    """The server being timed, and the CPU it and the Chromium processes used during each timed click (one session)."""

    server_pid: int = 0
    server_ms: list[float] = field(default_factory=list)
    chromium_ms: list[float] = field(default_factory=list)
    servers: set[int] = field(default_factory=set)  # every `streamlit run` of this run (not counted as harness)


METER = Meter()
# With --think, in each session of the many-session part: the seconds to wait before the next click. A task's own
# context holds it (asyncio.gather runs each session in a task with a copy of the context), so sessions draw apart.
PAUSE: ContextVar[Callable[[], float] | None] = ContextVar("PAUSE", default=None)


@dataclass(frozen=True)
class Plan:
    """How much to measure: sessions at once, timed actions alone and per session at once, think time (0: burst)."""

    sessions: int
    repeat: int
    together_repeat: int
    think_s: float


@dataclass(frozen=True)
class Server:
    """A `streamlit run` process of this run and its address."""

    pid: int
    url: str


@dataclass
class World:
    """What the sessions work on, read from the database with the domain's own functions."""

    kommune: list[str]  # e-mail addresses of municipal users (same municipality: one questionnaire for all)
    kisa: list[str]
    products: list[tuple[str, str]]  # orderable (id, name), one per add-to-cart repetition
    questionnaire: int  # ordered product id of the questionnaire whose steps are clicked
    searches: list[tuple[str, int, str]]  # query, hit count, best hit's name
    queue: list[tuple[str, int, list[int]]]  # KISA queue search, item count, ids of the items on its first page
    about: dict[str, Any] = field(default_factory=dict)  # sizes, for the report


def _chromium() -> str | None:
    from tests.browser.conftest import _chromium as find

    return find()


def prepare(url: str, sessions: int, repeat: int, scale: bool) -> World:
    """Add users for every session (demo password) and read what the scenarios expect.

    Demo story: colleagues of the demo coordinator's municipality, its "Einfache Melderegisterauskunft"
    questionnaire. Scale data set: coordinators of Dresden (with the team and questionnaire rights of the data set's
    coordinator there), the first of Dresden's ordered products whose questionnaire is being filled.
    """
    from accounts.actor import Actor
    from backoffice.queue import queue_page
    from catalog.search import Filters, SearchIndex
    from catalog.store import from_row, load_products
    from demo.personas import DEMO_PASSWORD, persona
    from models import CatalogProduct, Municipality, OrderedProduct, OrderedProductState, Questionnaire, Role, User
    from orders.cart import open_orders, why_not_orderable
    from tests.builders import make_user

    engine = create_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        if scale:
            town = session.exec(select(Municipality).where(Municipality.ags == HEAVY_AGS,
                                                           Municipality.status == "active")).one()
            questionnaire = session.exec(
                select(OrderedProduct.id).join(Questionnaire, col(Questionnaire.ordered_product_id) == OrderedProduct.id)
                .where(OrderedProduct.municipality_id == town.id,
                       OrderedProduct.state == OrderedProductState.QUESTIONNAIRE)
                .order_by(col(OrderedProduct.id)).limit(1)).one()
        else:
            anna = session.exec(select(User).where(User.email == persona("koordination").email)).one()
            demo_town = session.get(Municipality, anna.municipality_id)
            assert demo_town is not None
            town = demo_town
            questionnaire = session.exec(select(OrderedProduct.id).where(
                OrderedProduct.municipality_id == anna.municipality_id,
                OrderedProduct.product_id == "einfache-melderegisterauskunft")).one()
        assert town.id is not None
        kommune = [make_user(session, municipality=town, password=DEMO_PASSWORD, can_manage_team=scale).email
                   for _ in range(sessions + 1)]
        kisa_users = [make_user(session, role=Role.KISA, password=DEMO_PASSWORD) for _ in range(sessions + 1)]
        kisa = [u.email for u in kisa_users]
        ordered = open_orders(session, town.id)
        products = [(p.id, p.name) for p in (from_row(r) for r in session.exec(
            select(CatalogProduct).order_by(col(CatalogProduct.id)))) if why_not_orderable(p, ordered) is None]
        assert len(products) >= repeat + 1, "not enough orderable products for the add-to-cart repetitions"
        catalogue = load_products(session)
        index = SearchIndex(catalogue)
        page_filters = Filters(statuses=frozenset({"verfügbar", "geplant"}))  # the catalogue page's default
        searches: list[tuple[str, int, str]] = []
        for query in SEARCH_CANDIDATES:
            hits = index.search(query, page_filters)
            if hits and all(len(hits) != n for _q, n, _name in searches):
                searches.append((query, len(hits), hits[0].product.name))
        staff = Actor.of(kisa_users[0])

        def queue(search: str) -> tuple[str, int, list[int]]:
            found = queue_page(session, actor=staff, search=search, size=QUEUE_PAGE_SIZE)  # the page's defaults
            return search, found.total, [i.ordered_product_id for i in found.items]

        everything = queue("")
        narrower = None
        first_page = sorted({i.municipality_name for i in queue_page(session, actor=staff, size=QUEUE_PAGE_SIZE).items})
        for candidate in [town.name] * scale + first_page:  # at scale the big tenant first: a full page too
            narrower = queue(candidate)
            if 0 < narrower[1] != everything[1]:
                break
        queues = [everything, narrower] if narrower and 0 < narrower[1] != everything[1] else [everything]
        about = {"municipality": town.name, "products": len(catalogue), "orderable_for_municipality": len(products),
                 "ordered_products_of_municipality": len(ordered), "questionnaire": questionnaire,
                 "searches": searches[:2], "queue": [q[:2] for q in queues]}
    engine.dispose()
    assert len(searches) >= 2 and len(queues) == 2, (searches, queues)
    return World(kommune, kisa, products, questionnaire or 0, searches[:2], queues, about)


async def idle(page: Page) -> None:
    """Wait until the app has finished its rerun (Streamlit's running indicator is gone)."""
    await expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=TIMEOUT)


async def think() -> None:
    """With --think, in a session of the many-session part: wait as a user reading the last result would."""
    pause = PAUSE.get()
    if pause is not None:
        await asyncio.sleep(pause())


async def timed(page: Page, kind: str, act: Callable[[], Awaitable[None]], targets: list[Target]) -> float:
    """Run ``act`` (after the think time, if any) and return the ms from its input event to the frame showing every
    target."""
    await idle(page)
    await think()
    await page.evaluate(ARM, [kind, targets])
    server_before, chromium_before = cpu_seconds(METER.server_pid)[0], chromium_seconds()
    await act()
    handle = await page.wait_for_function(RECORDED, polling=POLL_MS, timeout=TIMEOUT)
    elapsed = float(await handle.json_value())
    await idle(page)
    METER.server_ms.append((cpu_seconds(METER.server_pid)[0] - server_before) * 1000)
    METER.chromium_ms.append((chromium_seconds() - chromium_before) * 1000)
    return elapsed


async def search_turns(page: Page, url: str, path: str, turns: list[tuple[str, list[Target]]],
                       repeat: int, live: bool) -> list[float]:
    """Type the queries of ``turns`` in turn into the page's search box; time each to its targets: a live search box
    (``st.text_input(live=True)``) from the input event that completes the query, another one from the Enter key."""
    await page.goto(f"{url}/{path}")
    box = page.get_by_label("Suche", exact=True)  # not "Kommune suchen" (the picker of a long list)
    await expect(box).to_be_visible(timeout=TIMEOUT)
    times = []
    for i in range(repeat + 1):
        query, targets = turns[i % len(turns)]
        await idle(page)
        if live:
            times.append(await timed(page, "input", partial(box.fill, query), targets))
        else:
            await box.fill(query)
            times.append(await timed(page, "keydown", partial(box.press, "Enter"), targets))
    return times[1:]  # the first one warms up


async def search(page: Page, url: str, world: World, repeat: int) -> list[float]:
    turns: list[tuple[str, list[Target]]] = [
        (query, [(MARKDOWN, rf"^{count} Treffer", None), ("a", rf"{re.escape(best)}$", None)])
        for query, count, best in world.searches]
    # Live search: the query is sent LIVE_PAUSE_MS after the last input, and Enter
    # sends it at once. Timed from the input event, as a user who stops typing sees it: Enter pressed after fill()
    # comes later than that pause whenever the machine is busy, and then finds the result already there.
    return await search_turns(page, url, "katalog", turns, repeat, live=True)


async def add_to_cart(page: Page, url: str, world: World, repeat: int) -> list[float]:
    times = []
    for product_id, _name in world.products[:repeat + 1]:
        await page.goto(f"{url}/produkt?id={product_id}")
        button = page.get_by_role("button", name="In den Warenkorb")
        await expect(button).to_be_visible(timeout=TIMEOUT)

        times.append(await timed(page, "pointerdown", button.click, [(MARKDOWN, r"^Im Warenkorb\.$", None)]))
    return times[1:]


async def questionnaire_step(page: Page, url: str, world: World, repeat: int) -> list[float]:
    from questionnaire.definition import NAV_TITLES, STEP_TITLES

    await page.goto(f"{url}/fragebogen?nr={world.questionnaire}&schritt={STEPS[1]}")
    await expect(page.get_by_role("heading", name=STEP_TITLES[STEPS[1]])).to_be_visible(timeout=TIMEOUT)
    times = []
    for i in range(repeat + 1):
        step = STEPS[i % 2]
        nav = page.get_by_test_id("stRadioOption").filter(has_text=re.compile(rf"\d+\. {re.escape(NAV_TITLES[step])}$"))

        times.append(await timed(page, "pointerdown", nav.click, [("h1, h2, h3, h4", rf"^{re.escape(STEP_TITLES[step])}$",
                                                                None)]))
    return times[1:]


def queue_targets(count: int, ids: list[int]) -> list[Target]:
    """The queue page showing ``count`` items: the count, one "Öffnen" link per item on the page, the first and the
    last item's link (two searches with full pages differ there, not in the number of links)."""
    found: list[Target] = [(MARKDOWN, rf"^{count} {'Vorgang' if count == 1 else 'Vorgänge'}", None),
                           ("a", r"Öffnen$", len(ids))]
    return found + [(f'a[href$="nr={i}"]', r"Öffnen$", 1) for i in dict.fromkeys(ids[:1] + ids[-1:])]


async def kisa_queue(page: Page, url: str, world: World, repeat: int) -> list[float]:
    turns: list[tuple[str, list[Target]]] = [(query, queue_targets(count, ids))
                                             for query, count, ids in reversed(world.queue)]
    # the page opens with everything: start with the narrower search
    return await search_turns(page, url, "arbeitsvorrat", turns, repeat, live=False)


async def bare_clicks(page: Page, url: str, _world: World, repeat: int) -> list[float]:
    """The reference: click "Klick" on the bare page; time each click to the new count ("Zähler N")."""
    await page.goto(url)
    await expect(page.get_by_text("Zähler 0", exact=True)).to_be_visible(timeout=TIMEOUT)
    button = page.get_by_role("button", name="Klick")
    times = []
    for count in range(1, repeat + 2):
        times.append(await timed(page, "pointerdown", button.click, [(MARKDOWN, rf"^Zähler {count}$", None)]))
    return times[1:]  # the first one warms up


Scenario = Callable[[Page, str, World, int], Awaitable[list[float]]]  # page, app address, world, timed actions
SCENARIOS: dict[str, tuple[str, Scenario]] = {
    "catalogue search": ("kommune", search),
    "add to cart": ("kommune", add_to_cart),
    "questionnaire step": ("kommune", questionnaire_step),
    "KISA queue": ("kisa", kisa_queue),
}


LOGINS = 4  # logins at the same time while the crowd gathers (not measured; the login page needs a quiet moment)


async def new_page(browser: Browser) -> Page:
    """A page in a new browser context (own cookies, own Streamlit session)."""
    context = await browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT)
    return await context.new_page()


async def logged_in(browser: Browser, url: str, email: str, gate: asyncio.Semaphore | None = None) -> Page:
    """A new context logged in as ``email``; a login lost on the busy machine is tried once more."""
    from tests.servers.browsing import log_in

    page = await new_page(browser)
    async with gate or asyncio.Semaphore(1):
        try:
            await log_in(page, url, email)
        except AssertionError:
            await log_in(page, url, email)
        await idle(page)
    return page


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def summary(times: list[float]) -> dict[str, float]:
    if not times:
        return {"median_ms": math.nan, "p95_ms": math.nan, "n": 0}
    ordered = sorted(times)
    p95 = ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]  # nearest rank
    return {"median_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1), "n": len(ordered)}


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds used so far by the server process and by the whole machine (all cores, every process)."""
    ticks = os.sysconf("SC_CLK_TCK")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    server = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    cpu = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    machine = (sum(int(v) for v in cpu) - int(cpu[3]) - int(cpu[4])) / ticks  # all but idle and iowait
    return server, machine


def processes() -> dict[int, tuple[int, str, float]]:
    """Every process: parent pid, command name, CPU seconds (its own and those of its children it has reaped)."""
    ticks = os.sysconf("SC_CLK_TCK")
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        head, tail = raw.rsplit(")", 1)
        fields = tail.split()
        table[int(entry.name)] = (int(fields[1]), head.split("(", 1)[1], sum(int(v) for v in fields[11:15]) / ticks)
    return table


def descendants(table: dict[int, tuple[int, str, float]], root: int) -> set[int]:
    """``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _comm, _cpu) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid in table and pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, []))
    return found


def chromium_pids(table: dict[int, tuple[int, str, float]]) -> set[int]:
    """This script's Chromium: the processes named chromium below this process (Playwright's driver starts it)."""
    return {pid for pid in descendants(table, os.getpid()) if "chrom" in table[pid][1].lower()}


def chromium_seconds() -> float:
    """CPU seconds of the browser's process tree so far (browser, zygotes, renderers, GPU and utility processes;
    a renderer that ended is counted in the process that reaped it)."""
    table = processes()
    return sum(table[pid][2] for pid in chromium_pids(table))


def cpu_split(server_pid: int) -> dict[str, float]:
    """CPU seconds so far: the server timed, Chromium, this script with Playwright's driver (not the servers), the
    whole machine."""
    table = processes()
    chromium = chromium_pids(table)
    servers = set().union(*(descendants(table, pid) for pid in METER.servers | {server_pid}))
    harness = descendants(table, os.getpid()) - chromium - servers
    return {"server": cpu_seconds(server_pid)[0], "chromium": sum(table[p][2] for p in chromium),
            "harness": sum(table[p][2] for p in harness), "machine": cpu_seconds(server_pid)[1]}


def cpus_allowed(pid: int) -> str:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Cpus_allowed_list:"):
            return line.split(":", 1)[1].strip()
    return "?"


def allowed_cpus(server_pid: int) -> dict[str, Any]:
    """The CPUs the app server and the Chromium processes may run on."""
    roots = sorted(chromium_pids(processes()))
    return {"server": cpus_allowed(server_pid),
            "chromium": sorted({cpus_allowed(r) for r in roots if Path(f"/proc/{r}").exists()})}


async def one_session(page: Page, server: Server, world: World, repeat: int, name: str,
                      scenario: Scenario) -> dict[str, Any]:
    """``scenario`` in one session alone: click times, CPU per click and in the whole scenario."""
    METER.server_pid, METER.server_ms, METER.chromium_ms = server.pid, [], []
    before = cpu_split(server.pid)
    figures: dict[str, Any] = summary(await scenario(page, server.url, world, repeat))
    after = cpu_split(server.pid)
    # Alone on the server: CPU time per click (10 ms ticks, so the mean over all clicks), and in all of the
    # one-session part (page loads too).
    figures |= {"server_cpu_ms_per_click": round(statistics.mean(METER.server_ms), 1),
                "chromium_cpu_ms_per_click": round(statistics.mean(METER.chromium_ms), 1)}
    figures |= {f"{k}_cpu_s": round(after[k] - before[k], 1) for k in after}
    print(f"{name}, 1 session: {figures}", file=sys.stderr, flush=True)
    return figures


async def together(pages: list[Page], server: Server, worlds: list[World], plan: Plan, name: str,
                   scenario: Scenario) -> dict[str, Any]:
    """``scenario`` in every page at once (one world each): click times, failed sessions, wall time and CPU."""
    METER.server_pid = server.pid
    runs = [_counted(scenario(page, server.url, world, plan.together_repeat), page, f"{name}-{n}", plan.think_s)
            for n, (page, world) in enumerate(zip(pages, worlds, strict=True))]
    before, wall = cpu_split(server.pid), time.monotonic()
    done = await asyncio.gather(*runs)
    after = cpu_split(server.pid)
    times = [t for run in done if run is not None for t in run]
    figures = summary(times) | {
        "failed_sessions": sum(run is None for run in done), "wall_s": round(time.monotonic() - wall, 1)} | {
        f"{k}_cpu_s": round(after[k] - before[k], 1) for k in after}
    print(f"{name}, {len(pages)} sessions: {figures}", file=sys.stderr, flush=True)
    return figures


async def idle_crowds(browser: Browser, app: Server, world: World,
                      pages: dict[str, Page]) -> tuple[dict[str, list[Page]], dict[str, Any]]:
    """Log in the many sessions of each role; measure the app server's memory per idle session on the catalogue."""
    url, pid = app.url, app.pid
    for page in pages.values():
        await page.goto(f"{url}/katalog")
        await idle(page)
    await asyncio.sleep(3)
    before_rss = rss_mib(pid)
    gate = asyncio.Semaphore(LOGINS)
    crowd = list(await asyncio.gather(*(logged_in(browser, url, email, gate) for email in world.kommune[1:])))
    for page in crowd:
        await page.goto(f"{url}/katalog")
    await asyncio.gather(*(idle(page) for page in crowd))
    await asyncio.sleep(5)
    after_rss = rss_mib(pid)
    memory = {"rss_before_mib": round(before_rss, 1), "rss_after_mib": round(after_rss, 1),
              "idle_sessions": len(crowd), "per_idle_session_mib": round((after_rss - before_rss) / len(crowd), 2)}
    kisa_crowd = list(await asyncio.gather(*(logged_in(browser, url, email, gate) for email in world.kisa[1:])))
    return {"kommune": crowd, "kisa": kisa_crowd}, memory


async def bare_alone(browser: Browser, bare: Server, world: World, repeat: int) -> dict[str, Any]:
    """The bare page in one session of its own."""
    page = await new_page(browser)
    figures = await one_session(page, bare, world, repeat, REFERENCE, bare_clicks)
    await page.context.close()
    return figures


async def bare_together(browser: Browser, bare: Server, world: World, plan: Plan) -> dict[str, Any]:
    """The bare page in as many new contexts (no login) at once as the app's scenarios."""
    pages = list(await asyncio.gather(*(new_page(browser) for _ in range(plan.sessions))))
    figures = await together(pages, bare, [world] * plan.sessions, plan, REFERENCE, bare_clicks)
    await asyncio.gather(*(page.context.close() for page in pages))
    return figures


def session_worlds(name: str, world: World, sessions: int) -> list[World]:
    """The world of each concurrent session: adding to the cart, each its own products."""
    return [_shifted(world, n) if name == "add to cart" else world for n in range(sessions)]


def ratios_to_bare(results: dict[str, Any], sessions: int) -> None:
    """Each scenario's one-session median and many-session p95 as a multiple of the bare page's."""
    bare_one, bare_many = results[REFERENCE]["1"], results[REFERENCE][str(sessions)]
    for name in SCENARIOS:
        one, many = results[name]["1"], results[name][str(sessions)]
        results[name]["ratio_to_bare"] = {"1_median": ratio(one["median_ms"], bare_one["median_ms"]),
                                          f"{sessions}_p95": ratio(many["p95_ms"], bare_many["p95_ms"])}


def ratio(value: float, reference: float) -> float:
    """``value`` as a multiple of ``reference`` (NaN without a reference figure)."""
    return round(value / reference, 1) if reference and not math.isnan(reference) else math.nan


async def measure(app: Server, bare: Server, world: World, plan: Plan) -> dict[str, Any]:
    results: dict[str, Any] = {}
    METER.servers = {app.pid, bare.pid}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=_chromium(), headless=True, args=LAUNCH_ARGS)
        pages = {"kommune": await logged_in(browser, app.url, world.kommune[0]),
                 "kisa": await logged_in(browser, app.url, world.kisa[0])}
        results["cpus_allowed"] = allowed_cpus(app.pid)
        results[REFERENCE] = {"1": await bare_alone(browser, bare, world, plan.repeat)}
        for name, (role, scenario) in SCENARIOS.items():
            results[name] = {"1": await one_session(pages[role], app, world, plan.repeat, name, scenario)}
        crowds, results["memory"] = await idle_crowds(browser, app, world, pages)
        results[REFERENCE][str(plan.sessions)] = await bare_together(browser, bare, world, plan)
        for name, (role, scenario) in SCENARIOS.items():
            crowd = crowds[role]
            results[name][str(plan.sessions)] = await together(
                crowd, app, session_worlds(name, world, len(crowd)), plan, name, scenario)
        await browser.close()
    ratios_to_bare(results, plan.sessions)
    return results


async def _counted(run: Awaitable[list[float]], page: Page, label: str, think_s: float) -> list[float] | None:
    """One session's figures; None (counted as failed, screenshot kept) when it got stuck on the busy machine.
    With ``think_s`` > 0 the session waits before each click (its own seeded pauses: the same in every run)."""
    if think_s > 0:
        PAUSE.set(partial(random.Random(f"{THINK_SEED}/{label}").uniform, 0.5 * think_s, 1.5 * think_s))
    try:
        return await run
    except (AssertionError, PlaywrightError) as exc:
        shot = Path(tempfile.gettempdir()) / f"bench_browser_{label.replace(' ', '_')}.png"
        await page.screenshot(path=str(shot), full_page=True)
        print(f"{label}: {str(exc).splitlines()[0]} (screenshot {shot})", file=sys.stderr, flush=True)
        return None


def _shifted(world: World, n: int) -> World:
    """The same world with the product list rotated, so concurrent sessions add different products."""
    k = n % len(world.products)
    return World(world.kommune, world.kisa, world.products[k:] + world.products[:k], world.questionnaire,
                 world.searches, world.queue, world.about)


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database with SQLite's backup API (a consistent snapshot even if someone writes meanwhile)."""
    if not source.exists():
        raise SystemExit(f"{source} does not exist: build it with bench/scale/generate.py or name it with "
                         "--scale-sqlite")
    began = time.monotonic()
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    print(f"copied {source} ({source.stat().st_size / 2**30:.1f} GiB) in {time.monotonic() - began:.0f} s",
          file=sys.stderr, flush=True)


def create_database(admin: Engine, name: str, template: str | None, wait_s: float) -> None:
    """CREATE DATABASE, from ``template`` if given; PostgreSQL refuses a template others are connected to, so that
    is tried again for up to ``wait_s`` seconds."""
    sql = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
    deadline, began = time.monotonic() + wait_s, time.monotonic()
    while True:
        try:
            with admin.connect() as conn:
                conn.execute(text(sql))
            break
        except DBAPIError as exc:
            busy = getattr(exc.orig, "sqlstate", None) == "55006"  # object_in_use: the template has other sessions
            if not busy or time.monotonic() > deadline:
                raise
            print(f"{template} is in use by another session; trying again", file=sys.stderr, flush=True)
            time.sleep(3)
    if template:
        print(f"copied {template} to {name} in {time.monotonic() - began:.0f} s", file=sys.stderr, flush=True)


@contextmanager
def throwaway_database(backend: str, folder: Path, postgres_admin: str, scale: dict[str, Any] | None) -> Iterator[str]:
    """A database of this run: empty (demo) or a copy of the scale data set; a PostgreSQL one is dropped after."""
    if backend == "sqlite":
        target = folder / "bench.sqlite3"
        if scale is not None:
            copy_sqlite(Path(make_url(scale["sqlite"]).database or ""), target)
        yield f"sqlite:///{target}"
        return
    admin = create_engine(postgres_admin, isolation_level="AUTOCOMMIT")
    name = f"oaa_bench_{uuid.uuid4().hex[:10]}"
    try:
        create_database(admin, name, scale["postgres"] if scale else None, scale["wait_s"] if scale else 0)
        yield make_url(postgres_admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_backend(backend: str, folder: Path, plan: Plan, bare: Server, postgres_admin: str,
                scale: dict[str, Any] | None, pin: bool) -> dict[str, Any]:
    from tests.browser.conftest import app_env, seed_demo, start_streamlit, stop, wait_until_healthy

    with throwaway_database(backend, folder, postgres_admin, scale) as url:
        env = app_env(url)
        if scale is None:
            seed_demo(env)
        else:  # the data set as it is (migrated to this branch's head), served as in production
            env["OAA_DEMO"] = "0"
            subprocess.run([sys.executable, "-m", "cli.main", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                           capture_output=True)
        began = time.monotonic()
        world = prepare(url, plan.sessions, max(plan.repeat, plan.together_repeat), scale is not None)
        print(f"prepared in {time.monotonic() - began:.0f} s: {world.about}", file=sys.stderr, flush=True)
        mask = os.sched_getaffinity(0)
        with (folder / f"{backend}.log").open("w") as log:
            if pin:  # the server inherits CPU 0; Playwright's driver and Chromium, started later, inherit CPU 1
                os.sched_setaffinity(0, {SERVER_CPU})
            try:
                process, app_url = start_streamlit(env, log)
            finally:
                os.sched_setaffinity(0, {BROWSER_CPU} if pin else mask)
            try:
                wait_until_healthy(app_url, log.name)
                return asyncio.run(measure(Server(process.pid, app_url), bare, world, plan)) | {"data": world.about}
            finally:
                stop(process)
                os.sched_setaffinity(0, mask)


@contextmanager
def bare_page_served(folder: Path, pin: bool) -> Iterator[Server]:
    """The bare page, served by its own `streamlit run` for the whole run (with --pin on the app server's CPU)."""
    from tests.browser.conftest import _free_port, stop, wait_until_healthy

    port, mask = _free_port(), os.sched_getaffinity(0)
    command = [sys.executable, "-m", "streamlit", "run", str(BARE_PAGE.relative_to(ROOT)), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]  # as start_streamlit serves the app
    with (folder / "bare_page.log").open("w") as log:
        if pin:
            os.sched_setaffinity(0, {SERVER_CPU})
        try:
            process = subprocess.Popen(command, cwd=ROOT, env=os.environ | {"PYTHONUNBUFFERED": "1"}, stdout=log,
                                       stderr=subprocess.STDOUT)
        finally:
            os.sched_setaffinity(0, mask)
        try:
            bare = Server(process.pid, f"http://127.0.0.1:{port}")
            wait_until_healthy(bare.url, log.name)
            yield bare
        finally:
            stop(process)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=POSTGRES_ADMIN, help="admin URL; a throwaway database is made and dropped")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=8, help="timed actions per scenario with one session")
    parser.add_argument("--together-repeat", type=int, default=3, help="timed actions per session when all run at once")
    parser.add_argument("--think", type=float, default=0, metavar="S",
                        help="with many sessions, each waits a random 0.5·S to 1.5·S seconds (seeded) before each "
                             "click; 0 (default): a burst, every session clicks again as soon as its result is there")
    parser.add_argument("--scale", action="store_true", help="run on a throwaway copy of the scale data set")
    parser.add_argument("--scale-sqlite", default=SCALE_SQLITE_URL,
                        help=f"the SQLite scale data set to copy (default {SCALE_SQLITE_URL})")
    parser.add_argument("--scale-postgres", default=SCALE_TEMPLATE,
                        help=f"the PostgreSQL scale database to copy as a template (default {SCALE_TEMPLATE})")
    parser.add_argument("--template-wait", type=float, default=120,
                        help="seconds to keep trying while others are connected to the PostgreSQL scale database")
    parser.add_argument("--pin", action="store_true",
                        help=f"app server on CPU {SERVER_CPU}, Chromium (and this script) on CPU {BROWSER_CPU}")
    args = parser.parse_args()
    if args.sessions < 2:
        parser.error("--sessions must be at least 2 (one session alone is always measured)")
    if args.think < 0:
        parser.error("--think must not be negative")
    if args.pin and not {SERVER_CPU, BROWSER_CPU} <= os.sched_getaffinity(0):
        raise SystemExit(f"--pin needs CPUs {SERVER_CPU} and {BROWSER_CPU}")
    return args


def mode(plan: Plan) -> str:
    """How the many sessions click, for the report."""
    if plan.think_s == 0:
        return f"{plan.sessions} sessions in a burst: each clicks again as soon as its result is there"
    return (f"{plan.sessions} sessions with think time: each waits {0.5 * plan.think_s:g}–{1.5 * plan.think_s:g} s "
            f"(uniform, seed {THINK_SEED}) before each click (--think {plan.think_s:g})")


def print_times(results: dict[str, Any], backends: list[str], plan: Plan, pin: bool) -> None:
    n = plan.sessions
    print(f"\nClick to rendered result (ms), 1 and {n} concurrent browser sessions ({results['data_set']} data"
          f"{', server on CPU 0, Chromium on CPU 1' if pin else ''}); CPU ms per click with one session; "
          f"the catalogue search includes the live search box's {LIVE_PAUSE_MS} ms pause")
    print(f"{mode(plan)}. ×bare: the scenario's 1-session median and {n}-session p95 divided by the {REFERENCE}'s "
          f"(a button and a counter: the browser's and the machine's floor) in the same run")
    print(f"{'database':<11}{'scenario':<21}{'1: median':>10}{'1: p95':>9}{'server CPU':>11}{'Chromium CPU':>13}"
          f"{f'{n}: median':>12}{f'{n}: p95':>9}{'1: median ×bare':>16}{f'{n}: p95 ×bare':>15}")
    for backend in backends:
        figures = results[backend]
        for name in (REFERENCE, *SCENARIOS):
            one, crowd = figures[name]["1"], figures[name][str(n)]
            ratios = figures[name].get("ratio_to_bare", {"1_median": "–", f"{n}_p95": "–"})
            print(f"{backend:<11}{name:<21}{one['median_ms']:>10}{one['p95_ms']:>9}"
                  f"{one['server_cpu_ms_per_click']:>11}{one['chromium_cpu_ms_per_click']:>13}"
                  f"{crowd['median_ms']:>12}{crowd['p95_ms']:>9}{ratios['1_median']:>16}{ratios[f'{n}_p95']:>15}")


def print_memory(results: dict[str, Any], backends: list[str]) -> None:
    print("\nServer memory per idle session (RSS of the streamlit process)")
    for backend in backends:
        m = results[backend]["memory"]
        print(f"{backend:<11}{m['rss_before_mib']} MiB → {m['rss_after_mib']} MiB with {m['idle_sessions']} more idle "
              f"sessions: {m['per_idle_session_mib']} MiB each")


def print_cpu(results: dict[str, Any], backends: list[str], n: int) -> None:
    print(f"\nWhere the CPU went (s; {os.cpu_count()} cores): with 1 session (whole scenario, page loads too) and while "
          f"{n} sessions ran; server = the app's (the {REFERENCE}'s own in its row); machine = every process, "
          "PostgreSQL and other jobs too")
    print(f"{'database':<11}{'scenario':<21}{'1: server':>10}{'Chromium':>9}{'machine':>8}"
          f"{f'{n}: wall':>10}{'server':>8}{'Chromium':>9}{'harness':>8}{'machine':>8}{'Chromium share':>15}")
    for backend in backends:
        figures = results[backend]
        for name in (REFERENCE, *SCENARIOS):
            one, crowd = figures[name]["1"], figures[name][str(n)]
            share = crowd["chromium_cpu_s"] / crowd["machine_cpu_s"] if crowd["machine_cpu_s"] else math.nan
            print(f"{backend:<11}{name:<21}{one['server_cpu_s']:>10}{one['chromium_cpu_s']:>9}{one['machine_cpu_s']:>8}"
                  f"{crowd['wall_s']:>10}{crowd['server_cpu_s']:>8}{crowd['chromium_cpu_s']:>9}"
                  f"{crowd['harness_cpu_s']:>8}{crowd['machine_cpu_s']:>8}{share:>15.0%}"
                  + (f"  ({crowd['failed_sessions']} sessions got stuck)" if crowd["failed_sessions"] else ""))


def print_load(results: dict[str, Any], backends: list[str]) -> None:
    print("\nLoad average (1, 5, 15 min) per database, at start → end; CPUs allowed (server / Chromium)")
    for backend in backends:
        figures = results[backend]
        print(f"{backend:<11}{figures['load_average']['start']} → {figures['load_average']['end']}   "
              f"{figures['cpus_allowed']['server']} / {', '.join(figures['cpus_allowed']['chromium'])}")


def main() -> None:
    args = arguments()
    plan = Plan(args.sessions, args.repeat, args.together_repeat, args.think)
    scale_sqlite = args.scale_sqlite if "://" in args.scale_sqlite else f"sqlite:///{Path(args.scale_sqlite).resolve()}"
    scale = ({"sqlite": scale_sqlite, "postgres": args.scale_postgres, "wait_s": args.template_wait}
             if args.scale else None)
    results: dict[str, Any] = {"data_set": "scale" if args.scale else "demo", "pinned": args.pin,
                               "think_s": args.think, "mode": mode(plan)}
    started = time.monotonic()
    load_at_start = [round(v, 2) for v in os.getloadavg()]
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    with tempfile.TemporaryDirectory() as tmp, bare_page_served(Path(tmp), args.pin) as bare:
        for backend in backends:
            folder = Path(tmp) / backend
            folder.mkdir()
            load = [round(v, 2) for v in os.getloadavg()]
            results[backend] = run_backend(backend, folder, plan, bare, args.postgres, scale, args.pin)
            results[backend]["load_average"] = {"start": load, "end": [round(v, 2) for v in os.getloadavg()]}
    print_times(results, backends, plan, args.pin)
    print_memory(results, backends)
    print_cpu(results, backends, plan.sessions)
    print_load(results, backends)
    results["load_average"] = {"start": load_at_start, "end": [round(v, 2) for v in os.getloadavg()]}
    print(f"total {time.monotonic() - started:.0f} s")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
