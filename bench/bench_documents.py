"""Benchmark rendering the contract PDF with 150 positions, the configuration PDF of a long questionnaire and the
acceptance record (Abnahmeprotokoll) of a long checklist.

Run: `.venv/bin/python bench/bench_documents.py [--positions 150] [--sections 10] [--items 60] [--repeat 7]`.
Prints the median and other figures as a table and JSON; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from documents import render_contract  # noqa: E402
from documents.acceptance import render_acceptance, sample_acceptance  # noqa: E402
from documents.configuration import render_configuration, sample_configuration  # noqa: E402
from documents.sample import sample_contract  # noqa: E402


def measure(render: Callable[[], bytes], repeat: int) -> dict[str, float | int]:
    """Render once to warm up, then ``repeat`` times; return pages, size and timings in ms."""
    pdf = render()  # warm up: imports, font cmap cache
    timings: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        pdf = render()
        timings.append((time.perf_counter() - start) * 1000)
    return {
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "bytes": len(pdf),
        "median_ms": round(statistics.median(timings), 1),
        "min_ms": round(min(timings), 1),
        "max_ms": round(max(timings), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--positions", type=int, default=150)
    parser.add_argument("--sections", type=int, default=10, help="extra sections of 12 long answers in the configuration")
    parser.add_argument("--items", type=int, default=60, help="extra checklist items with notes in the acceptance record")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    contract = sample_contract(args.positions)
    configuration = sample_configuration(args.sections)
    acceptance = sample_acceptance(args.items)
    results = {
        f"contract ({args.positions} positions)": measure(lambda: render_contract(contract), args.repeat),
        f"configuration (+{args.sections} sections)": measure(lambda: render_configuration(configuration), args.repeat),
        f"acceptance (+{args.items} items)": measure(lambda: render_acceptance(acceptance), args.repeat),
    }
    print(f"{'document':<32} {'pages':>6} {'KiB':>7} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for name, r in results.items():
        print(f"{name:<32} {r['pages']:>6} {r['bytes'] / 1024:>7.1f} {r['median_ms']:>10} {r['min_ms']:>8} {r['max_ms']:>8}")
    print(json.dumps({"repeat": args.repeat, "positions": args.positions, "sections": args.sections, "items": args.items,
                      "results": results}))


if __name__ == "__main__":
    main()
