"""Benchmark the workshop demo: how long the presenter's reset takes, and 30 participants clicking through at once.

Run: `.venv/bin/python bench/bench_demo.py [--postgres URL] [--participants 30] [--no-browser]`.
Prints a table and JSON; asserts nothing.

* reset: seed the demo story on a fresh database (municipality list, full catalogue, model contract), then reset it
  ``--repeat`` times through demo.switch.reset_story and commit (what the reset button and `oaa demo reset` do);
* workshop: `streamlit run server.py` on SQLite with the demo story, one headless Chromium with one browser context
  per participant (all connected at once; up to 10 clicking in the same moment, as in
  tests/browser/test_workshop_many.py): switch to a persona, open a page from the sidebar, open one by address.
  Time per page view (median, p95) and the server's resident memory (VmRSS) afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.browser.workshop


def _quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median_s": round(statistics.median(ordered), 2), "p95_s": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
            "max_s": round(ordered[-1], 2), "n": len(ordered)}


def bench_reset(url: str, repeat: int) -> dict[str, float]:
    from sqlmodel import Session

    from catalog.loader import read_directory
    from catalog.store import import_catalog
    from core import migrate
    from core.db import make_engine
    from demo.seed import seed_demo
    from demo.switch import reset_story
    from municipalities.reference import import_reference
    from orders.defaults import ensure_defaults

    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        import_reference(session)
        import_catalog(session, products=read_directory(), actor_label="bench")
        ensure_defaults(session)
        session.commit()
        started = time.perf_counter()
        seed_demo(session)
        session.commit()
        seeded = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        with Session(engine) as session:
            started = time.perf_counter()
            reset_story(session)
            session.commit()
            times.append(time.perf_counter() - started)
    engine.dispose()
    return {"seed_s": round(seeded, 2), **_quantiles(times)}


def _rss_mib(port: int) -> float:
    """Resident memory of the streamlit process serving ``port`` (Linux /proc), 0 if not found."""
    for status in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = status.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if "streamlit" in command and f"--server.port {port}" in command:
                for line in (status.parent / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        return round(int(line.split()[1]) / 1024, 1)
        except OSError:
            continue
    return 0.0


def bench_workshop(participants: int) -> dict[str, object]:
    from playwright.async_api import async_playwright

    from tests.browser.conftest import _chromium, running_app
    from tests.browser.workshop import Visit, workshop

    async def run(url: str) -> tuple[list[float], list[float], float, list[str]]:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=_chromium(), headless=True,
                                              args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
            try:
                started = time.perf_counter()
                results = await workshop(browser, url, participants, return_exceptions=True)
                total = time.perf_counter() - started
            finally:
                await browser.close()
        visits = [v for v in results if isinstance(v, Visit)]
        failures = [str(v).splitlines()[0][:200] for v in results if not isinstance(v, Visit)]
        switches = [v.seconds[0] for v in visits]
        views = [s for v in visits for s in v.seconds[1:]]
        assert all(len(set(v.names_seen)) == 1 for v in visits), "a participant saw another persona"
        return switches, views, total, failures

    with tempfile.TemporaryDirectory() as folder, running_app(Path(folder)) as url:
        port = int(url.rsplit(":", 1)[1])
        idle = _rss_mib(port)
        switches, views, total, failures = asyncio.run(run(url))
        busy = _rss_mib(port)
    return {"participants": participants, "failed": len(failures), "failures": failures,
            "switch": _quantiles(switches) if switches else {}, "page_view": _quantiles(views) if views else {},
            "total_s": round(total, 1), "server_rss_mib_before": idle, "server_rss_mib_after": busy,
            "cpus": os.cpu_count() or 0, "load_average_1min": round(os.getloadavg()[0], 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="", help="URL of an empty PostgreSQL database")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--no-browser", action="store_true", help="only the reset")
    parser.add_argument("--no-reset", action="store_true", help="only the workshop")
    args = parser.parse_args()
    os.environ["OAA_DEMO"] = "1"
    report: dict[str, object] = {}
    if not args.no_reset:
        with tempfile.TemporaryDirectory() as folder:
            report["reset_sqlite"] = bench_reset(f"sqlite:///{folder}/bench.sqlite3", args.repeat)
    if args.postgres and not args.no_reset:
        report["reset_postgresql"] = bench_reset(args.postgres, args.repeat)
    if not args.no_browser:
        report["workshop_sqlite"] = bench_workshop(args.participants)

    print(f"{'Messung':<34}{'Median':>10}{'p95':>10}{'Max':>10}{'n':>5}")
    for name, figures in report.items():
        for part, values in ([(name, figures)] if "median_s" in figures else  # type: ignore[operator]
                             [(f"{name} {k}", v) for k, v in figures.items() if isinstance(v, dict) and v]):  # type: ignore[union-attr]
            print(f"{part:<34}{values['median_s']:>9.2f}s{values['p95_s']:>9.2f}s{values['max_s']:>9.2f}s"
                  f"{values['n']:>5}")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
