"""Benchmark rendering every mail event of notifications/render.py (subject, text and HTML) with the tests' samples.

Run: `.venv/bin/python bench/bench_mails.py [--repeat 200] [--products 150]`.
Prints, per event, the first render in this process (the templates are compiled then) and the median and p95 of
``repeat`` further renders, as a table and JSON; asserts nothing. ``order.confirmed`` is measured a second time with
``--products`` ordered products, the largest mail the shop sends.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from notifications.render import EVENTS, render_mail  # noqa: E402
from tests.test_notifications_render import SAMPLES  # noqa: E402


def large_order(products: int) -> dict[str, Any]:
    """Return the order confirmation sample with ``products`` ordered products."""
    sample = SAMPLES["order.confirmed"]
    lines = [{**sample["products"][index % len(sample["products"])], "name": f"Antragsassistent {index + 1}"}
             for index in range(products)]
    return {**sample, "products": lines}


def measure(event: str, context: dict[str, Any], repeat: int) -> dict[str, float | int]:
    """Render once (cold), then ``repeat`` times; return the timings in ms and the size of the mail."""
    start = time.perf_counter()
    mail = render_mail(event, context)
    first = (time.perf_counter() - start) * 1000
    timings: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        render_mail(event, context)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "first_ms": round(first, 3),
        "median_ms": round(statistics.median(timings), 3),
        "p95_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.95))], 3),
        "html_bytes": len(mail.html.encode()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--products", type=int, default=150, help="ordered products in the large order confirmation")
    args = parser.parse_args()

    results = {event: measure(event, SAMPLES[event], args.repeat) for event in EVENTS}
    results[f"order.confirmed ({args.products} products)"] = measure("order.confirmed", large_order(args.products),
                                                                     args.repeat)
    print(f"{'event':<36} {'first ms':>9} {'median ms':>10} {'p95 ms':>8} {'HTML KiB':>9}")
    for name, r in results.items():
        print(f"{name:<36} {r['first_ms']:>9.2f} {r['median_ms']:>10.3f} {r['p95_ms']:>8.3f} {r['html_bytes'] / 1024:>9.1f}")
    medians = [r["median_ms"] for name, r in results.items() if name in EVENTS]
    print(f"{'all events: slowest median':<36} {'':>9} {max(medians):>10.3f}")
    print(json.dumps({"repeat": args.repeat, "products": args.products, "results": results}))


if __name__ == "__main__":
    main()
