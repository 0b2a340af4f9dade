"""Server-side rerun time of every page of app.py at the scale data set, next to a bare one-line page.

Run (after ``bench/scale/generate.py`` built the data set):
``.venv/bin/python bench/bench_pages.py [--database URL] [--postgres URL] [--repeat 10] [--only audit_log,...]``
or ``make bench-scale``. Each page is opened through app.py with a seeded login of the right role (as
tests/apptest_helpers.py does), run once to warm caches, then rerun ``--repeat`` times; before each page the bare
page is rerun as often, so the ratio compares like with like on a busy machine. Catalogue search is timed per query
on the data set's 10,000 products. Prints a table per database and writes bench/results/pages-<database>.json
(gitignored: the figures that count are copied into docs/performance.md). Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_catalog import QUERIES, percentile  # noqa: E402
from bench.scale.generate import DEFAULT_URL  # noqa: E402
from bench.scale.world import HEAVY_AGS, MAIL_DOMAIN  # noqa: E402
from bench.timing import times_ms  # noqa: E402

RESULTS = ROOT / "bench" / "results"
TARGET_PAGE_MS = 50
TARGET_SEARCH_MS = 10


@dataclass(frozen=True)
class View:
    """One page as one person opens it."""

    name: str  # label in the table
    page: str  # file in pages/
    persona: str  # "anonym", "kommune", "kisa", "admin"
    query: dict[str, str] = field(default_factory=dict)


def views(ids: dict[str, Any]) -> list[View]:
    """Every page of app.py, with the persona that normally opens it (detail pages with a real record)."""
    k, s = "kommune", "kisa"
    return [
        View("start (anonym)", "start", "anonym"),
        View("login", "login", "anonym"),
        View("register", "register", "anonym"),
        View("invitation", "invitation", "anonym", {"token": "unbekannt"}),
        View("start (Kommune)", "start", k),
        View("catalog_search", "catalog_search", k),
        View("product", "product", k, {"id": ids["product"]}),
        View("cart", "cart", k),
        View("my_orders (Kommune)", "my_orders", k),
        View("journey (Kommune)", "journey", k),
        View("journey product", "journey", k, {"nr": ids["testing"]}),
        View("questionnaires (Kommune)", "questionnaires", k),
        View("questionnaire_form", "questionnaire_form", k, {"nr": ids["questionnaire"]}),
        View("acceptance (Kommune)", "acceptance", k),
        View("acceptance product", "acceptance", k, {"nr": ids["testing"]}),
        View("problems (Kommune)", "problems", k),
        View("releases (Kommune)", "releases", k),
        View("master_data", "master_data", k),
        View("team", "team", k),
        View("start (KISA)", "start", s),
        View("kisa_queue", "kisa_queue", s),
        View("kisa_dashboard", "kisa_dashboard", s),
        View("kisa_case", "kisa_case", s, {"nr": ids["submitted"]}),
        View("problems (KISA)", "problems", s),
        View("problem thread", "problems", s, {"meldung": ids["problem"]}),
        View("releases (KISA)", "releases", s),
        View("journey (KISA)", "journey", s, {"kommune": HEAVY_AGS}),
        View("acceptance (KISA)", "acceptance", s, {"nr": ids["testing"]}),
        View("approvals", "approvals", s),
        View("my_orders (KISA)", "my_orders", s),
        View("questionnaires (KISA)", "questionnaires", s),
        View("catalog_admin", "catalog_admin", s),
        View("contracts_admin", "contracts_admin", s),
        View("outbox", "outbox", s),
        View("audit_log", "audit_log", s),
        View("accounts_admin", "accounts_admin", "admin"),
    ]


def record_ids(url: str) -> dict[str, Any]:
    """Pick the records the detail pages open: products of the heavy municipality in telling states."""
    from sqlalchemy import text

    from core.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        def one(sql: str) -> str:
            return str(conn.execute(text(sql), {"ags": HEAVY_AGS}).scalar_one())

        mine = ("FROM orderedproduct o JOIN municipality m ON m.id = o.municipality_id "
                "WHERE m.ags = :ags AND m.status = 'active'")
        ids = {
            "testing": one(f"SELECT min(o.id) {mine} AND o.state = 'testing'"),
            "questionnaire": one(f"SELECT min(o.id) {mine} AND o.state = 'questionnaire'"),
            "submitted": one(f"SELECT min(o.id) {mine} AND o.state = 'submitted'"),
            "product": one(f"SELECT min(o.product_id) {mine}"),
            "problem": one("SELECT min(id) FROM problemreport WHERE status = 'open'"),
        }
    engine.dispose()
    return ids


PROFILES: list[str] = []  # text of the last profiled script runs


def profile_script_runs() -> None:
    """Wrap every script run in a pyinstrument profiler of its own thread (AppTest runs the script in another one)."""
    from pyinstrument import Profiler
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    original = ScriptRunner._run_script

    def run_profiled(self: Any, *args: Any, **kwargs: Any) -> None:
        profiler = Profiler(interval=0.001)
        profiler.start()
        try:
            original(self, *args, **kwargs)
        finally:
            profiler.stop()
            PROFILES.append(profiler.output_text(unicode=True, show_all=False))

    ScriptRunner._run_script = run_profiled  # type: ignore[method-assign]


def patch_streamlit_like_server() -> None:
    """What tests/apptest_helpers.app_like_server does: route by st.navigation, the German error handler, no cookie."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    import web.auth
    from web.errors import handle_script_error

    original_init = PagesManager.__init__
    original_runner_init = LocalScriptRunner.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    def runner_init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_runner_init(self, *args, **kwargs)
        self._on_script_error = handle_script_error

    PagesManager.__init__ = init  # type: ignore[method-assign]
    LocalScriptRunner.__init__ = runner_init  # type: ignore[method-assign]
    web.auth._cookie_token = lambda: ""  # type: ignore[attr-defined]


def bench_database(url: str, repeat: int, only: set[str], profile: bool = False, timeout: float = 300) -> dict[str, Any]:
    """Every page and the catalogue search on one database."""
    from sqlmodel import Session, select
    from streamlit.testing.v1 import AppTest

    from accounts import web_sessions
    from accounts.actor import Actor
    from core.config import get_settings
    from core.db import make_engine, reset_engine_cache
    from models import Municipality, User

    os.environ["OAA_DATABASE_URL"] = url
    get_settings.cache_clear()
    reset_engine_cache()
    ids = record_ids(url)
    engine = make_engine(url)
    logins: dict[str, tuple[Actor, str]] = {}
    with Session(engine, expire_on_commit=False) as session:
        heavy = session.exec(select(Municipality).where(Municipality.ags == HEAVY_AGS,
                                                        Municipality.status == "active")).one()
        people = {
            "kommune": session.exec(select(User).where(User.municipality_id == heavy.id,
                                                       User.can_manage_team == True)).one(),  # noqa: E712
            "kisa": session.exec(select(User).where(User.email == f"kisa.01@{MAIL_DOMAIN}")).one(),
            "admin": session.exec(select(User).where(User.email == f"admin@{MAIL_DOMAIN}")).one(),
        }
        for persona, user in people.items():
            actor = Actor.of(user)
            started = web_sessions.start(session, actor=actor)
            logins[persona] = (actor, started.web_session_id)
        session.commit()
    engine.dispose()

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        bare_file = Path(tmp) / "bare.py"
        bare_file.write_text("import streamlit as st\nst.write('hallo')\n", encoding="utf-8")
        bare = AppTest.from_file(str(bare_file), default_timeout=300).run()
        for view in views(ids):
            if only and view.name not in only and view.page not in only:
                continue
            bare_ms = times_ms(bare.run, repeat)
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
            if view.persona in logins:
                actor, web_session_id = logins[view.persona]
                at.session_state["auth_actor"] = actor
                at.session_state["auth_web_session_id"] = web_session_id
            try:
                at.run()
                at.switch_page(f"pages/{view.page}.py")
                at.query_params.update(view.query)
                started = time.perf_counter()
                at.run()  # first run: caches (catalogue index) are built here
                first_ms = (time.perf_counter() - started) * 1000
                if profile:  # a pyinstrument call tree of the reruns (in the script thread), to find a slow page's cause
                    PROFILES.clear()
                page_ms = times_ms(at.run, repeat)
            except RuntimeError as exc:  # AppTest's timeout: recorded as such, the other pages still run
                rows.append({"view": view.name, "page": view.page, "persona": view.persona, "query": view.query,
                             "median_ms": None, "p95_ms": None, "meets_target": False,
                             "problem": [f"mehr als {timeout:.0f} s je Lauf: {str(exc)[:80]}"]})
                print(f"  {view.name:<28}  > {timeout:.0f} s (abgebrochen)", flush=True)
                continue
            problem = [str(e.value)[:200] for e in at.exception] + [
                str(e.value)[:200] for e in at.error if "Vorgangsnummer" in str(e.value)]
            if profile and PROFILES:
                backend = "postgresql" if url.startswith("postgresql") else "sqlite"
                label = view.name.replace(" ", "_").replace("(", "").replace(")", "")
                (RESULTS / f"profile-{backend}-{label}.txt").write_text(PROFILES[-1], encoding="utf-8")
            median, bare_median = statistics.median(page_ms), statistics.median(bare_ms)
            rows.append({
                "view": view.name, "page": view.page, "persona": view.persona, "query": view.query,
                "first_ms": round(first_ms, 1), "median_ms": round(median, 1),
                "p95_ms": round(percentile(page_ms, 0.95), 1), "bare_median_ms": round(bare_median, 2),
                "ratio_to_bare": round(median / bare_median, 1), "meets_target": median <= TARGET_PAGE_MS,
                "problem": problem,
            })
            print(f"  {view.name:<28}{median:>9.1f}{rows[-1]['p95_ms']:>9.1f}{bare_median:>8.2f}"
                  f"{rows[-1]['ratio_to_bare']:>8.1f}{'' if median <= TARGET_PAGE_MS else '  > 50 ms'}"
                  f"{'  FEHLER ' + problem[0] if problem else ''}", flush=True)
    return {"pages": rows, "search": bench_search(url, repeat), "ids": ids}


def bench_search(url: str, repeat: int) -> dict[str, Any]:
    """Median and p95 per query of the catalogue search over the database's catalogue (uncached)."""
    from sqlmodel import Session

    from catalog.search import SearchIndex
    from catalog.store import load_products
    from core.db import make_engine

    engine = make_engine(url)
    with Session(engine) as session:
        products = load_products(session)
    engine.dispose()
    index = SearchIndex(products)
    per_query = {}
    for query in QUERIES:
        def one(q: str = query) -> None:
            index._cache.clear()
            index.search(q)

        values = times_ms(one, max(repeat, 5))
        per_query[query] = {"median_ms": round(statistics.median(values), 2),
                            "p95_ms": round(percentile(values, 0.95), 2)}
    medians = [v["median_ms"] for v in per_query.values()]
    print(f"  search over {len(products)} products: median of medians {statistics.median(medians):.2f} ms, "
          f"worst query median {max(medians):.2f} ms")
    return {"products": len(products), "per_query": per_query,
            "median_of_medians_ms": round(statistics.median(medians), 2), "worst_median_ms": max(medians)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DEFAULT_URL, help="SQLite scale database ('' to leave out)")
    parser.add_argument("--postgres", default="", help="PostgreSQL scale database, e.g. "
                        "postgresql+psycopg://postgres@127.0.0.1:5432/oaa_scale")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--only", default="", help="comma-separated view names or page files")
    parser.add_argument("--profile", action="store_true", help="write a pyinstrument profile per page to bench/results")
    parser.add_argument("--timeout", type=float, default=300, help="seconds one run of a page may take")
    parser.add_argument("--label", default="", help="suffix of the JSON file name, e.g. 'before'")
    args = parser.parse_args()
    os.environ.setdefault("OAA_ARGON2_TIME_COST", "1")
    os.environ.setdefault("OAA_ARGON2_MEMORY_KIB", "1024")
    patch_streamlit_like_server()
    if args.profile:
        profile_script_runs()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    RESULTS.mkdir(exist_ok=True)
    for url in (args.database, args.postgres):
        if not url:
            continue
        backend = "postgresql" if url.startswith("postgresql") else "sqlite"
        print(f"{backend}: {'page':<28}{'median':>9}{'p95':>9}{'bare':>8}{'ratio':>8}  (ms)", flush=True)
        report = {"database": backend, "repeat": args.repeat, "measured_at": time.strftime("%Y-%m-%d %H:%M"),
                  **bench_database(url, args.repeat, only, args.profile, args.timeout)}
        name = f"pages-{backend}{'-' + args.label if args.label else ''}.json"
        (RESULTS / name).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
        print(json.dumps({"database": backend, "file": str(RESULTS / name),
                          "over_target": [r["view"] for r in report["pages"] if not r["meets_target"]]}))


if __name__ == "__main__":
    main()
