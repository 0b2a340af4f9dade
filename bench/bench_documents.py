"""Benchmark rendering the contract PDF with 150 positions.

Run: `.venv/bin/python bench/bench_documents.py [--positions 150] [--repeat 7]`.
Prints the median and other figures as a table and JSON; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from documents import render_contract  # noqa: E402
from documents.sample import sample_contract  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--positions", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    data = sample_contract(args.positions)
    render_contract(data)  # warm up: imports, font cmap cache
    timings: list[float] = []
    size = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        pdf = render_contract(data)
        timings.append((time.perf_counter() - start) * 1000)
        size = len(pdf)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    result = {
        "positions": args.positions,
        "pages": pages,
        "bytes": size,
        "repeat": args.repeat,
        "median_ms": round(statistics.median(timings), 1),
        "min_ms": round(min(timings), 1),
        "max_ms": round(max(timings), 1),
    }
    print(f"{'positions':>10} {'pages':>6} {'KiB':>7} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    print(f"{args.positions:>10} {pages:>6} {size / 1024:>7.1f} {result['median_ms']:>10} {result['min_ms']:>8} "
          f"{result['max_ms']:>8}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
