"""Questionnaire speed: reading and saving answers, and the wizard page's server rerun next to a bare page.

Run: ``.venv/bin/python bench/bench_questionnaire.py [--repeat 20]``. Prints a table and one JSON line.
Measured on a fresh SQLite database with the shipped catalogue and one municipality with 14 ordered products.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import times_ms  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("OAA_ARGON2_TIME_COST", "1")
    os.environ.setdefault("OAA_ARGON2_MEMORY_KIB", "1024")

    from sqlmodel import Session, select
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    from accounts import web_sessions
    from accounts.actor import Actor
    from catalog.loader import read_directory
    from catalog.store import import_catalog
    from core import migrate
    from core.config import get_settings
    from core.db import make_engine, reset_engine_cache
    from models import CatalogProduct, OrderedProduct
    from questionnaire.copying import copy_answers
    from questionnaire.drafts import open_questionnaire, read_questionnaire, save_step
    from questionnaire.export import configuration_pdf
    from tests.builders import make_municipality, make_user
    from tests.questionnaire_builders import complete_answers

    original_init = PagesManager.__init__

    def init(self, *a, **kw):  # type: ignore[no-untyped-def]  # as server.py: routing by st.navigation
        original_init(self, *a, **kw)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init  # type: ignore[method-assign]
    report: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            import_catalog(session, products=read_directory())
            session.commit()
            town = make_municipality(session, ags="14612000", name="Stadt Bench")
            user = make_user(session, municipality=town, can_manage_team=True)
            actor = Actor.of(user)
            ids = sorted(session.exec(select(CatalogProduct.id).where(CatalogProduct.status == "verfügbar")).all())[:14]
            for product_id in ids:
                session.add(OrderedProduct(municipality_id=town.id or 0, product_id=product_id))
            session.commit()
            ordered = session.exec(select(OrderedProduct.id).order_by(OrderedProduct.id)).all()
            qid = open_questionnaire(session, actor=actor, ordered_product_id=ordered[0] or 0)
            session.commit()
            view = read_questionnaire(session, actor=actor, questionnaire_id=qid)
            answers = complete_answers(view.steps)
            session.commit()

            def read() -> None:
                read_questionnaire(session, actor=actor, questionnaire_id=qid)
                session.commit()

            flip = iter(range(10**6))

            def save_one() -> None:
                current = read_questionnaire(session, actor=actor, questionnaire_id=qid).version
                save_step(session, actor=actor, questionnaire_id=qid, step_key="kontakte",
                          raw={"kontakte.abteilung": f"Bürgerbüro {next(flip)}"}, base_version=current)
                session.commit()

            def save_all_steps() -> None:
                for step, raw in answers.items():
                    current = read_questionnaire(session, actor=actor, questionnaire_id=qid).version
                    save_step(session, actor=actor, questionnaire_id=qid, step_key=step, raw=raw, base_version=current)
                session.commit()

            report["read_questionnaire_median_ms"] = round(statistics.median(times_ms(read, args.repeat)), 2)
            report["save_one_answer_median_ms"] = round(statistics.median(times_ms(save_one, args.repeat)), 2)
            save_all_steps()
            started = time.perf_counter()
            copy_answers(session, actor=actor, questionnaire_id=qid, target_ordered_ids=[o or 0 for o in ordered[1:]],
                         step_keys=[s.key for s in view.steps if s.key != "produkt"])
            session.commit()
            report["copy_to_13_products_ms"] = round((time.perf_counter() - started) * 1000, 1)

            def pdf() -> None:
                configuration_pdf(session, actor=actor, questionnaire_id=qid)
                session.commit()

            report["configuration_pdf_median_ms"] = round(statistics.median(times_ms(pdf, max(3, args.repeat // 4))), 1)
            started_session = web_sessions.start(session, actor=actor)
            session.commit()
        os.environ["OAA_DATABASE_URL"] = url
        get_settings.cache_clear()
        reset_engine_cache()
        bare = Path(tmp) / "bare.py"
        bare.write_text("import streamlit as st\nst.write('hallo')\n", encoding="utf-8")
        bare_at = AppTest.from_file(str(bare), default_timeout=120).run()
        bare_ms = statistics.median(times_ms(bare_at.run, args.repeat))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["auth_actor"] = actor
        at.session_state["auth_web_session_id"] = started_session.web_session_id
        at.run()
        at.switch_page("pages/questionnaire_form.py")
        at.query_params["nr"] = str(ordered[0])
        at.run()
        if at.exception:
            raise RuntimeError(at.exception[0].value)
        step_ms = statistics.median(times_ms(at.run, args.repeat))
        at.query_params["schritt"] = "pruefen"
        at.session_state[f"fb_step_{qid}"] = "pruefen"
        at.run()
        review_ms = statistics.median(times_ms(at.run, args.repeat))
        engine.dispose()
    report |= {
        "bare_page_median_ms": round(bare_ms, 1),
        "wizard_step_rerun_median_ms": round(step_ms, 1),
        "review_page_rerun_median_ms": round(review_ms, 1),
        "wizard_ratio_to_bare": round(step_ms / bare_ms, 1),
    }
    for name, value in report.items():
        print(f"{name:<36}{value:>10}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
