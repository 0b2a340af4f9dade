"""Benchmark catalogue search and the catalogue page at 10,000 products.

Run: `.venv/bin/python bench/bench_catalog.py [--products 10000] [--repeat 5]`.
Prints a table and JSON; asserts nothing. Targets (issue): median < 10 ms per query, page rerun < 50 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalog.loader import read_directory  # noqa: E402
from catalog.schema import Product  # noqa: E402
from catalog.search import SearchIndex  # noqa: E402

QUERIES = [
    "Anmeldung Hauptwohnung", "Ehe", "Hochzeit", "Wesenstest", "Melderegister", "Ummeldung", "Geburt", "Wahl",
    "Feuerwerkskörper", "Meldebescheiningung", "Gruessungsgeld", "§ 51 BMG", "Sperre", "Hund", "Gewerbe anmelden",
    "Strassensondernutzung", "99115005", "Baum fällen", "Kita", "Hundesteuer",
]
SYLLABLES = ["ab", "an", "bau", "be", "ber", "dienst", "ein", "er", "fahr", "feld", "ge", "genehm", "haus", "heit",
             "kauf", "keit", "land", "lich", "mel", "nach", "platz", "recht", "schaft", "stadt", "steuer", "tung",
             "ung", "ver", "wald", "weg", "werk", "zeit", "zu", "antrag", "schein", "karte", "buch", "markt"]


def scaled_catalog(size: int, seed: int = 7) -> list[Product]:
    """Grow the real catalogue to ``size`` products with varied names, words and keys (deterministic)."""
    rng = random.Random(seed)
    base = read_directory()
    if not base:  # no shipped catalogue yet: start from synthetic products named like real ones
        from tests.catalog_builders import make_product

        base = [make_product(q) for q in QUERIES if not q[0].isdigit() and "§" not in q]
    products = list(base)
    n = 0
    while len(products) < size:
        original = base[n % len(base)]
        n += 1
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        extra = " ".join("".join(rng.choice(SYLLABLES) for _ in range(3)) for _ in range(6))
        data = original.model_dump()
        data.update(
            id=f"{original.id}-{n}", name=f"{original.name} – {word}",
            description=f"{original.description} {extra}.",
            leika_keys=[f"{rng.randint(10**13, 10**14 - 1)}"],
            synonyms=[*original.synonyms, word],
        )
        products.append(Product.model_validate(data))
    return products[:size]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bench_search(products: list[Product], repeat: int) -> dict[str, float]:
    start = time.perf_counter()
    index = SearchIndex(products)
    build_ms = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(repeat):
        for query in QUERIES:
            index._cache.clear()  # measure the uncached search
            t = time.perf_counter()
            index.search(query)
            times.append((time.perf_counter() - t) * 1000)
    return {"index_build_ms": round(build_ms, 1), "query_median_ms": round(statistics.median(times), 2),
            "query_p95_ms": round(percentile(times, 0.95), 2), "queries": len(times)}


def bench_page(products: list[Product], repeat: int) -> dict[str, float]:
    """Server-side rerun time of the catalogue page (AppTest through app.py) next to a bare one-line page."""
    import os

    from sqlmodel import Session
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    from accounts import web_sessions
    from accounts.actor import Actor
    from catalog.store import to_row
    from core import migrate
    from core.config import get_settings
    from core.db import make_engine, reset_engine_cache
    from models import Role
    from tests.builders import make_user

    original_init = PagesManager.__init__

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]  # as server.py: routing by st.navigation
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            for product in products:
                session.add(to_row(product, updated_by="bench"))
            session.commit()
            user = make_user(session, role=Role.KISA)
            actor = Actor.of(user)
            started = web_sessions.start(session, actor=actor)
            session.commit()
        os.environ["OAA_DATABASE_URL"] = url
        get_settings.cache_clear()
        reset_engine_cache()
        bare = Path(tmp) / "bare.py"
        bare.write_text("import streamlit as st\nst.write('hallo')\n", encoding="utf-8")

        def rerun_times(at: AppTest) -> list[float]:
            result = []
            for _ in range(repeat):
                t = time.perf_counter()
                at.run()
                result.append((time.perf_counter() - t) * 1000)
            return result

        bare_at = AppTest.from_file(str(bare), default_timeout=120).run()
        bare_times = rerun_times(bare_at)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["auth_actor"] = actor
        at.session_state["auth_web_session_id"] = started.web_session_id
        at.run()
        at.switch_page("pages/catalog_search.py").run()  # first run builds the index
        if at.exception:
            raise RuntimeError(at.exception[0].value)
        browsed = rerun_times(at)
        at.text_input(key="suche").input("Ummeldung").run()
        searched = rerun_times(at)
        engine.dispose()
    bare_median = statistics.median(bare_times)
    return {
        "bare_page_median_ms": round(bare_median, 1),
        "catalog_page_search_median_ms": round(statistics.median(searched), 1),
        "catalog_page_browse_median_ms": round(statistics.median(browsed), 1),
        "search_ratio_to_bare": round(statistics.median(searched) / bare_median, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-page", action="store_true")
    args = parser.parse_args()
    products = scaled_catalog(args.products)
    report = {"products": len(products), "search": bench_search(products, args.repeat)}
    if not args.skip_page:
        report["page"] = bench_page(products, args.repeat)
    for section in ("search", "page"):
        for name, value in report.get(section, {}).items():
            print(f"{section:<8}{name:<36}{value:>10}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
