"""Real-browser speed (issue #8): time from a click to the rendered result, and server memory per idle session.

Run: `.venv/bin/python bench/bench_browser.py [--backends sqlite,postgresql] [--sessions 20] [--repeat 8]`.
Prints a table and JSON; asserts nothing. For each database: the demo story plus extra users (made with the real
domain functions), one `streamlit run server.py` on 127.0.0.1, headless Chromium (Debian's) through Playwright.

What is timed, in the page itself: from the browser's input event (``event.timeStamp`` of the click or of the
Enter key) to the first animation frame in which the result is in the DOM (``wait_for_function``, polled every
frame); Playwright's own round trips are not in the figure. Scenarios:
- catalogue search: Enter in the search box → "N Treffer" and the best hit's link (two queries in turn);
- add to cart: click "In den Warenkorb" on a product page → "Im Warenkorb." (two reruns; a new product each time);
- questionnaire step: click a step in the step list → its heading (two steps in turn);
- KISA queue: Enter in the queue's search box → "N Vorgänge" and exactly N "Öffnen" links (two searches in turn).
Each with one browser session alone, then with ``--sessions`` sessions (own users, own contexts) at once.
Memory: the server's RSS with ``--sessions`` more idle, logged-in sessions (on the catalogue) minus before, per session.
Argon2 runs with cheap parameters here (logins are not what is measured).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.builders, tests.browser.conftest
for _name, _value in (("OAA_ARGON2_TIME_COST", "1"), ("OAA_ARGON2_MEMORY_KIB", "1024"), ("OAA_ARGON2_PARALLELISM", "1")):
    os.environ.setdefault(_name, _value)

from playwright.async_api import Browser, Page, async_playwright, expect  # noqa: E402
from playwright.async_api import Error as PlaywrightError  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
TIMEOUT = 180_000  # a first render of a page can take a minute when 20 Chromium pages share two busy cores
SEARCH_CANDIDATES = ("Hund", "Ummeldung", "Gewerbe", "Wohngeld", "Fischerei", "Bauantrag", "Parkausweis", "Eheschließung")
STEPS = ("kontakte", "datenschutz")  # the questionnaire steps clicked in turn
MARKDOWN = '[data-testid="stMarkdownContainer"]'

# Set on the page before an action: remember when the next input event of ``kind`` happened.
ARM = """(kind) => {
  delete window.__oaaT0;
  const handler = (event) => {
    if (kind === 'keydown' && event.key !== 'Enter') return;
    window.__oaaT0 = event.timeStamp;
    document.removeEventListener(kind, handler, true);
  };
  document.addEventListener(kind, handler, true);
}"""
# Polled every animation frame: the milliseconds since that input event once every target is in the DOM.
RENDERED = """(targets) => {
  const t0 = window.__oaaT0;
  if (t0 === undefined) return false;
  for (const [selector, pattern, count] of targets) {
    const re = new RegExp(pattern);
    const hits = [...document.querySelectorAll(selector)].filter(e => re.test(e.innerText.trim())).length;
    if (count === null ? hits < 1 : hits !== count) return false;
  }
  return Math.max(performance.now() - t0, 0.001);
}"""

Target = tuple[str, str, int | None]  # CSS selector, regex on an element's text, how many (None: at least one)
SERVER: dict[str, Any] = {"pid": 0, "cpu_ms": []}  # the app process; its CPU time during each timed action


@dataclass
class World:
    """What the sessions work on, read from the database with the domain's own functions."""

    kommune: list[str]  # e-mail addresses of municipal users (same municipality: one questionnaire for all)
    kisa: list[str]
    products: list[tuple[str, str]]  # orderable (id, name), one per add-to-cart repetition
    questionnaire: int  # ordered product id of the demo questionnaire
    searches: list[tuple[str, int, str]]  # query, hit count, best hit's name
    queue: list[tuple[str, int]]  # KISA queue search, item count


def _chromium() -> str | None:
    from tests.browser.conftest import _chromium as find

    return find()


def prepare(url: str, sessions: int, repeat: int) -> World:
    """Add users for every session (demo password) and read what the scenarios expect."""
    from accounts.actor import Actor
    from backoffice.queue import work_queue
    from catalog.search import Filters, SearchIndex
    from catalog.store import from_row, load_products
    from demo.personas import DEMO_PASSWORD, persona
    from models import CatalogProduct, Municipality, OrderedProduct, Role, User
    from orders.cart import open_orders, why_not_orderable
    from tests.builders import make_user

    engine = create_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        anna = session.exec(select(User).where(User.email == persona("koordination").email)).one()
        town = session.get(Municipality, anna.municipality_id)
        kommune = [make_user(session, municipality=town, password=DEMO_PASSWORD).email for _ in range(sessions + 1)]
        kisa = [make_user(session, role=Role.KISA, password=DEMO_PASSWORD).email for _ in range(sessions + 1)]
        ordered = open_orders(session, anna.municipality_id or 0)
        products = [(p.id, p.name) for p in (from_row(r) for r in session.exec(
            select(CatalogProduct).order_by(col(CatalogProduct.id)))) if why_not_orderable(p, ordered) is None]
        assert len(products) >= repeat + 1, "not enough orderable products for the add-to-cart repetitions"
        questionnaire = session.exec(select(OrderedProduct.id).where(
            OrderedProduct.municipality_id == anna.municipality_id,
            OrderedProduct.product_id == "einfache-melderegisterauskunft")).one()
        index = SearchIndex(load_products(session))
        page_filters = Filters(statuses=frozenset({"verfügbar", "geplant"}))  # the catalogue page's default
        searches: list[tuple[str, int, str]] = []
        for query in SEARCH_CANDIDATES:
            hits = index.search(query, page_filters)
            if hits and all(len(hits) != n for _q, n, _name in searches):
                searches.append((query, len(hits), hits[0].product.name))
        klara = Actor.of(session.exec(select(User).where(User.email == persona("kisa").email)).one())
        everything = len(work_queue(session, actor=klara))
        towns = sorted({i.municipality_name for i in work_queue(session, actor=klara)})
        narrower = [(t, len(work_queue(session, actor=klara, search=t))) for t in towns]
        queue = [("", everything), *[(t, n) for t, n in narrower if 0 < n != everything][:1]]
    engine.dispose()
    assert len(searches) >= 2 and len(queue) == 2, (searches, queue)
    return World(kommune, kisa, products, questionnaire or 0, searches[:2], queue)


async def idle(page: Page) -> None:
    """Wait until the app has finished its rerun (Streamlit's running indicator is gone)."""
    await expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=TIMEOUT)


async def timed(page: Page, kind: str, act: Callable[[], Awaitable[None]], targets: list[Target]) -> float:
    """Run ``act`` and return the ms from its input event to the frame showing every target."""
    await idle(page)
    await page.evaluate(ARM, kind)
    cpu_before = cpu_seconds(SERVER["pid"])[0]
    await act()
    handle = await page.wait_for_function(RENDERED, arg=targets, polling="raf", timeout=TIMEOUT)
    elapsed = float(await handle.json_value())
    await idle(page)
    SERVER["cpu_ms"].append((cpu_seconds(SERVER["pid"])[0] - cpu_before) * 1000)
    return elapsed


async def search_turns(page: Page, url: str, path: str, turns: list[tuple[str, list[Target]]],
                       repeat: int) -> list[float]:
    """Type the queries of ``turns`` in turn into the page's search box; time each Enter to its targets."""
    await page.goto(f"{url}/{path}")
    box = page.get_by_label("Suche")
    await expect(box).to_be_visible(timeout=TIMEOUT)
    times = []
    for i in range(repeat + 1):
        query, targets = turns[i % len(turns)]
        await idle(page)
        await box.fill(query)
        times.append(await timed(page, "keydown", partial(box.press, "Enter"), targets))
    return times[1:]  # the first one warms up


async def search(page: Page, url: str, world: World, repeat: int) -> list[float]:
    turns: list[tuple[str, list[Target]]] = [
        (query, [(MARKDOWN, rf"^{count} Treffer", None), ("a", rf"{re.escape(best)}$", None)])
        for query, count, best in world.searches]
    return await search_turns(page, url, "katalog", turns, repeat)


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
        nav = page.get_by_role("button", name=re.compile(rf"\d+\. {re.escape(NAV_TITLES[step])}"))

        times.append(await timed(page, "pointerdown", nav.click, [("h1, h2, h3, h4", rf"^{re.escape(STEP_TITLES[step])}$",
                                                                None)]))
    return times[1:]


async def kisa_queue(page: Page, url: str, world: World, repeat: int) -> list[float]:
    turns: list[tuple[str, list[Target]]] = [
        (query, [(MARKDOWN, rf"^{count} {'Vorgang' if count == 1 else 'Vorgänge'}", None), ("a", r"Öffnen$", count)])
        for query, count in reversed(world.queue)]  # the page opens with everything: start with the narrower search
    return await search_turns(page, url, "arbeitsvorrat", turns, repeat)


SCENARIOS: dict[str, tuple[str, Callable[[Page, str, World, int], Awaitable[list[float]]]]] = {
    "catalogue search": ("kommune", search),
    "add to cart": ("kommune", add_to_cart),
    "questionnaire step": ("kommune", questionnaire_step),
    "KISA queue": ("kisa", kisa_queue),
}


LOGINS = 4  # logins at the same time while the crowd gathers (not measured; the login page needs a quiet moment)


async def logged_in(browser: Browser, url: str, email: str, gate: asyncio.Semaphore | None = None) -> Page:
    """A new context logged in as ``email``; a login lost on the busy machine is tried once more."""
    from tests.servers.browsing import log_in

    context = await browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT)
    page = await context.new_page()
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


async def measure(url: str, pid: int, world: World, sessions: int, repeat: int, together_repeat: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=_chromium(), headless=True, args=LAUNCH_ARGS)
        pages = {"kommune": await logged_in(browser, url, world.kommune[0]),
                 "kisa": await logged_in(browser, url, world.kisa[0])}
        SERVER["pid"] = pid
        for name, (role, scenario) in SCENARIOS.items():
            SERVER["cpu_ms"] = []
            results[name] = {"1": summary(await scenario(pages[role], url, world, repeat))}
            # Alone on the server: its CPU time per click (10 ms ticks, so the mean over all clicks).
            results[name]["1"]["server_cpu_ms_per_click"] = round(statistics.mean(SERVER["cpu_ms"]), 1)
            print(f"{name}, 1 session: {results[name]['1']}", file=sys.stderr, flush=True)
        for page in pages.values():
            await page.goto(f"{url}/katalog")
            await idle(page)
        await asyncio.sleep(3)
        before = rss_mib(pid)
        gate = asyncio.Semaphore(LOGINS)
        crowd = list(await asyncio.gather(*(logged_in(browser, url, email, gate) for email in world.kommune[1:])))
        for page in crowd:
            await page.goto(f"{url}/katalog")
        await asyncio.gather(*(idle(page) for page in crowd))
        await asyncio.sleep(5)
        after = rss_mib(pid)
        results["memory"] = {"rss_before_mib": round(before, 1), "rss_after_mib": round(after, 1),
                             "idle_sessions": len(crowd), "per_idle_session_mib": round((after - before) / len(crowd), 2)}
        kisa_crowd = list(await asyncio.gather(*(logged_in(browser, url, email, gate) for email in world.kisa[1:])))
        crowds = {"kommune": crowd, "kisa": kisa_crowd}
        for name, (role, scenario) in SCENARIOS.items():
            runs = [_counted(scenario(page, url, _shifted(world, n) if name == "add to cart" else world,
                                      together_repeat), page, f"{name}-{n}") for n, page in enumerate(crowds[role])]
            server_before, machine_before, wall = *cpu_seconds(pid), time.monotonic()
            done = await asyncio.gather(*runs)
            server_after, machine_after = cpu_seconds(pid)
            times = [t for run in done if run is not None for t in run]
            results[name][str(sessions)] = summary(times) | {"failed_sessions": sum(run is None for run in done),
                "wall_s": round(time.monotonic() - wall, 1), "server_cpu_s": round(server_after - server_before, 1),
                "machine_cpu_s": round(machine_after - machine_before, 1)}
            print(f"{name}, {sessions} sessions: {results[name][str(sessions)]}", file=sys.stderr, flush=True)
        await browser.close()
    return results


async def _counted(run: Awaitable[list[float]], page: Page, label: str) -> list[float] | None:
    """One session's figures; None (counted as failed, screenshot kept) when it got stuck on the busy machine."""
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
                 world.searches, world.queue)


def run_backend(backend: str, folder: Path, sessions: int, repeat: int, together_repeat: int,
                postgres_admin: str) -> dict[str, Any]:
    from tests.browser.conftest import app_env, seed_demo, start_streamlit, stop, wait_until_healthy

    admin = None
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    else:
        admin = create_engine(postgres_admin, isolation_level="AUTOCOMMIT")
        name = f"oaa_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(postgres_admin).set(database=name).render_as_string(hide_password=False)
    try:
        env = app_env(url)
        seed_demo(env)
        world = prepare(url, sessions, max(repeat, together_repeat))
        with (folder / f"{backend}.log").open("w") as log:
            process, app_url = start_streamlit(env, log)
            try:
                wait_until_healthy(app_url, log.name)
                return asyncio.run(measure(app_url, process.pid, world, sessions, repeat, together_repeat))
            finally:
                stop(process)
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
            admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=POSTGRES_ADMIN, help="admin URL; a throwaway database is made and dropped")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=8, help="timed actions per scenario with one session")
    parser.add_argument("--together-repeat", type=int, default=3, help="timed actions per session when all run at once")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    started = time.monotonic()
    load_at_start = [round(v, 2) for v in os.getloadavg()]
    with tempfile.TemporaryDirectory() as tmp:
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            folder = Path(tmp) / backend
            folder.mkdir()
            results[backend] = run_backend(backend, folder, args.sessions, args.repeat, args.together_repeat,
                                           args.postgres)
    print(f"\nClick to rendered result (ms), 1 and {args.sessions} concurrent browser sessions")
    print(f"{'database':<11}{'scenario':<21}{'1: median':>10}{'1: p95':>9}{'server CPU/click':>17}"
          f"{f'{args.sessions}: median':>12}{f'{args.sessions}: p95':>9}")
    for backend, figures in results.items():
        for name in SCENARIOS:
            one, crowd = figures[name]["1"], figures[name][str(args.sessions)]
            print(f"{backend:<11}{name:<21}{one['median_ms']:>10}{one['p95_ms']:>9}"
                  f"{one['server_cpu_ms_per_click']:>17}{crowd['median_ms']:>12}{crowd['p95_ms']:>9}")
    print("\nServer memory per idle session (RSS of the streamlit process)")
    for backend, figures in results.items():
        m = figures["memory"]
        print(f"{backend:<11}{m['rss_before_mib']} MiB → {m['rss_after_mib']} MiB with {m['idle_sessions']} more idle "
              f"sessions: {m['per_idle_session_mib']} MiB each")
    print(f"\nWhere the CPU went while {args.sessions} sessions ran (s): wall, the app server, the whole machine "
          f"({os.cpu_count()} cores; includes Chromium and anything else running)")
    for backend, figures in results.items():
        for name in SCENARIOS:
            crowd = figures[name][str(args.sessions)]
            print(f"{backend:<11}{name:<21}{crowd['wall_s']:>7}{crowd['server_cpu_s']:>7}{crowd['machine_cpu_s']:>7}"
                  + (f"  ({crowd['failed_sessions']} sessions got stuck)" if crowd["failed_sessions"] else ""))
    results["load_average"] = {"start": load_at_start, "end": [round(v, 2) for v in os.getloadavg()]}
    print(f"\nLoad average at start {load_at_start}, at end {results['load_average']['end']} "
          f"(total {time.monotonic() - started:.0f} s)")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
