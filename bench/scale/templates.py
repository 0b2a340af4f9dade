"""Shapes of real records for the scale data set, taken from the demo story.

The demo story (demo/seed.py) walks sample products through the lifecycle with the real service functions. Seeded
into a throwaway SQLite database, its questionnaire answers, submissions, acceptance snapshots, test results,
review comments, mails and audit events are the templates the generator copies many times.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text


@dataclass
class Templates:
    """Rows of the demo story as dicts (column name → value)."""

    draft_answers: str = "{}"  # a questionnaire in progress
    full_answers: str = "{}"  # a submitted configuration
    master_answers: str = "{}"
    product_release: str = ""
    acceptance_snapshot: str = "{}"
    test_items: list[str] = field(default_factory=list)
    edit_changes: list[tuple[str, str]] = field(default_factory=list)  # (step, changes JSON)
    review_texts: list[tuple[str, str]] = field(default_factory=list)  # (question key, text)
    mails: list[dict[str, Any]] = field(default_factory=list)  # event, subject, text_body, html_body
    audit: list[dict[str, Any]] = field(default_factory=list)  # action, entity_type, details


def _rows(conn: Any, sql: str) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(text(sql))]


def harvest() -> Templates:
    """Seed the demo story into a temporary SQLite database and read the templates from it (a few seconds)."""
    from core import migrate
    from core.config import get_settings
    from core.db import make_engine, reset_engine_cache, session_scope

    saved = {key: os.environ.get(key) for key in ("OAA_DATABASE_URL", "OAA_DEMO")}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.sqlite3'}"
        os.environ["OAA_DATABASE_URL"] = url
        os.environ["OAA_DEMO"] = "1"
        get_settings.cache_clear()
        reset_engine_cache()
        try:
            migrate.upgrade(url)
            from catalog.loader import read_directory
            from catalog.store import import_catalog
            from demo.seed import seed_demo
            from municipalities.reference import import_reference
            from orders.defaults import ensure_defaults

            with session_scope() as session:
                import_reference(session)
                import_catalog(session, products=read_directory(), actor_label="scale")
                ensure_defaults(session)
                seed_demo(session)
            engine = make_engine(url)
            with engine.connect() as conn:
                result = _read(conn)
            engine.dispose()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            get_settings.cache_clear()
            reset_engine_cache()
    return result


def _read(conn: Any) -> Templates:
    t = Templates()
    drafts = _rows(conn, "SELECT q.answers FROM questionnaire q JOIN orderedproduct o ON o.id = q.ordered_product_id "
                         "WHERE o.state = 'questionnaire'")
    t.draft_answers = drafts[0]["answers"] if drafts else "{}"
    full = _rows(conn, "SELECT answers, product_release FROM questionnairesubmission ORDER BY length(answers) DESC")
    t.full_answers = full[0]["answers"]
    t.product_release = full[0]["product_release"]
    t.master_answers = _rows(conn, "SELECT answers FROM masterdata ORDER BY id")[0]["answers"]
    t.acceptance_snapshot = _rows(conn, "SELECT snapshot FROM acceptance ORDER BY id")[0]["snapshot"]
    t.test_items = list(dict.fromkeys(r["item"] for r in _rows(conn, "SELECT item FROM testresult ORDER BY id")))
    t.edit_changes = [(r["step"], r["changes"]) for r in _rows(conn, "SELECT step, changes FROM questionnaireedit")]
    t.review_texts = [(r["question_key"], r["text"]) for r in _rows(conn, "SELECT question_key, text FROM reviewcomment")]
    t.mails = _rows(conn, "SELECT event, subject, text_body, html_body FROM outboxmail")
    t.audit = [r for r in _rows(conn, "SELECT action, entity_type, details FROM auditevent")
               if not r["action"].startswith(("demo.", "catalog."))]
    json.loads(t.full_answers)  # fail early if the story changed its storage format
    return t
