"""Benchmark rendering the contract PDF with 150 positions, the configuration PDF of a long questionnaire and the
acceptance record (Abnahmeprotokoll) of a long checklist.

Run: `.venv/bin/python bench/bench_documents.py [--positions 150] [--sections 10] [--items 60] [--repeat 7] [--runs 3]`.
Prints, per document, the median and p95 wall time over all renders, the best median of the ``runs`` runs (the
documents take turns, so a busy moment of the machine hits all of them, not one) and the median CPU time of the
process (what a busy machine hardly changes), as a table and JSON; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import json
import os
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


def render_once(render: Callable[[], bytes]) -> tuple[float, float]:
    """Return the wall and CPU time of one render in ms."""
    wall, cpu = time.perf_counter(), time.process_time()
    render()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def summary(pdf: bytes, runs: list[list[tuple[float, float]]]) -> dict[str, float | int]:
    """Return pages, size and the figures over all runs (each a list of (wall, cpu) per render)."""
    walls = [wall for run in runs for wall, _ in run]
    return {
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "bytes": len(pdf),
        "median_ms": round(statistics.median(walls), 1),
        "p95_ms": round(percentile(walls, 0.95), 1),
        "best_run_median_ms": round(min(statistics.median(wall for wall, _ in run) for run in runs), 1),
        "cpu_median_ms": round(statistics.median(cpu for run in runs for _, cpu in run), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--positions", type=int, default=150)
    parser.add_argument("--sections", type=int, default=10, help="extra sections of 12 long answers in the configuration")
    parser.add_argument("--items", type=int, default=60, help="extra checklist items with notes in the acceptance record")
    parser.add_argument("--repeat", type=int, default=7, help="renders of each document per run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    contract = sample_contract(args.positions)
    configuration = sample_configuration(args.sections)
    acceptance = sample_acceptance(args.items)
    documents: dict[str, Callable[[], bytes]] = {
        f"contract ({args.positions} positions)": lambda: render_contract(contract),
        f"configuration (+{args.sections} sections)": lambda: render_configuration(configuration),
        f"acceptance (+{args.items} items)": lambda: render_acceptance(acceptance),
    }
    pdfs = {name: render() for name, render in documents.items()}  # warm up: imports, fonts, caches
    runs: dict[str, list[list[tuple[float, float]]]] = {name: [] for name in documents}
    for _ in range(args.runs):
        for name, render in documents.items():
            runs[name].append([render_once(render) for _ in range(args.repeat)])
    results = {name: summary(pdfs[name], runs[name]) for name in documents}
    print(f"{'document':<32} {'pages':>5} {'KiB':>6} {'median ms':>10} {'p95 ms':>8} {'best run ms':>12} {'CPU ms':>7}")
    for name, r in results.items():
        print(f"{name:<32} {r['pages']:>5} {r['bytes'] / 1024:>6.1f} {r['median_ms']:>10} {r['p95_ms']:>8} "
              f"{r['best_run_median_ms']:>12} {r['cpu_median_ms']:>7}")
    print(json.dumps({"repeat": args.repeat, "runs": args.runs, "positions": args.positions, "sections": args.sections,
                      "items": args.items, "load_average": [round(value, 2) for value in os.getloadavg()],
                      "results": results}))


if __name__ == "__main__":
    main()
