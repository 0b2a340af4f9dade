"""Build the scale data set of issue #8 in its own database: one command, SQLite or PostgreSQL.

Run: ``.venv/bin/python bench/scale/generate.py --database URL [--small] [--fresh]`` or ``make scale-data``.
Sizes: 11,000 municipalities (the 10,776 of the German list plus rejected re-registrations), 10,000 products,
100,000 ordered products over all lifecycle states with orders, questionnaires, submissions, set-up tasks,
test results, acceptances; 1,000,000 audit events, 200,000 outbox mails. ``--small`` builds a twentieth.

Every person and municipality is marked as sample data (``is_demo``, addresses at skala.example); the generator
refuses a database that already holds accounts, so the set never mixes with real data. Prints the time per table
and the row counts, and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = f"sqlite:///{ROOT / 'var' / 'scale.sqlite3'}"
PASSWORD = "Skala-Daten-2026"  # every person of the data set; sample data only


def fresh_database(url: str) -> None:
    """Delete the SQLite file, or drop and create the PostgreSQL database."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def refuse_if_used(url: str) -> None:
    """Stop when the database already holds accounts: the scale set goes only into a database of its own."""
    from sqlalchemy import inspect, text

    from core.db import make_engine

    engine = make_engine(url)
    try:
        if "user" in inspect(engine).get_table_names():
            with engine.connect() as conn:
                if conn.execute(text('SELECT 1 FROM "user" LIMIT 1')).first() is not None:
                    raise SystemExit("Die Datenbank enthält bereits Konten. Die Skalierungsdaten gehören in eine "
                                     "eigene, leere Datenbank (mit --fresh wird sie neu angelegt).")
    finally:
        engine.dispose()


def build(url: str, *, small: bool) -> dict[str, Any]:
    """Fill the (migrated, empty) database; return timings and row counts."""
    from sqlalchemy import func, select
    from sqlmodel import Session, SQLModel
    from sqlmodel import select as sm_select

    from accounts.passwords import hash_password
    from bench.scale import bulk
    from bench.scale.templates import harvest
    from bench.scale.world import Sizes, World, gemeinde_rows
    from core.clock import utcnow
    from core.db import make_engine, refresh_statistics
    from models import AuditEvent, ModelContract
    from orders.defaults import ensure_defaults

    timings: dict[str, float] = {}
    started = time.perf_counter()
    templates = harvest()
    timings["templates (demo story)"] = time.perf_counter() - started
    world = World(Sizes.small() if small else Sizes(), templates, utcnow())
    engine = make_engine(url)
    tables = SQLModel.metadata.tables

    def load(name: str, rows: Any) -> None:
        began = time.perf_counter()
        with engine.begin() as conn:
            bulk.insert(conn, tables[name], rows)
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - began

    began = time.perf_counter()
    world.build_people(hash_password(PASSWORD))
    catalogue = world.build_catalogue()
    timings["generate people and catalogue"] = time.perf_counter() - began
    load("gemeinde", gemeinde_rows(world))
    load("catalogproduct", catalogue)
    with Session(engine) as session:
        ensure_defaults(session)
        session.commit()
        contract = session.exec(sm_select(ModelContract)).first()
        assert contract is not None and contract.id is not None
        contract_id, contract_version = contract.id, contract.version
    load("municipality", world.municipalities)
    load("user", world.users)
    load("registrationdecision", world.tables.pop("registrationdecision"))
    began = time.perf_counter()
    world.build_orders(contract_id, contract_version)
    timings["generate orders and lifecycle"] = time.perf_counter() - began
    for name in ("cart", "cartitem", "order", "orderedproduct", "orderline", "statechange", "masterdata",
                 "questionnaire", "questionnaireedit", "questionnairesubmission", "reviewcomment", "setuptask",
                 "testresult", "acceptance", "launchtask", "problemreport", "problemmessage", "releasenotice"):
        load(name, world.tables.pop(name))
    load("auditevent", world.audit_events())
    load("outboxmail", world.outbox_mails())
    with engine.begin() as conn:
        conn.execute(tables["auditevent"].insert(), [{
            "id": world.sizes.audit + 1, "at": utcnow(), "actor_id": None, "actor_label": "system",
            "action": "demo.seeded", "entity_type": "demo", "entity_id": "", "municipality_id": None,
            "details": "Skalierungsdaten (bench/scale/generate.py) angelegt: Beispieldaten, keine echten Personen."}])
        bulk.reset_sequences(conn, tables.values())
    began = time.perf_counter()  # as `oaa db analyze` after a large import (PostgreSQL: autovacuum would, soon)
    refresh_statistics(engine)
    timings["analyze"] = time.perf_counter() - began
    counts = {}
    with engine.connect() as conn:
        for name, table in sorted(tables.items()):
            counts[name] = int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        assert counts["auditevent"] == world.sizes.audit + 1, AuditEvent
    engine.dispose()
    return {"timings_s": {k: round(v, 1) for k, v in timings.items()}, "rows": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DEFAULT_URL, help=f"database URL (default {DEFAULT_URL})")
    parser.add_argument("--small", action="store_true", help="a twentieth of the size, for a quick run")
    parser.add_argument("--fresh", action="store_true", help="delete/recreate the database first")
    args = parser.parse_args()
    import os

    os.environ.setdefault("OAA_ARGON2_TIME_COST", "1")  # one hash for every person of the data set
    os.environ.setdefault("OAA_ARGON2_MEMORY_KIB", "1024")
    from core import migrate

    started = time.perf_counter()
    if args.fresh:
        fresh_database(args.database)
    refuse_if_used(args.database)
    migrate.upgrade(args.database)
    report = build(args.database, small=args.small)
    report["total_s"] = round(time.perf_counter() - started, 1)
    report["database"] = args.database.split("://")[0]
    report["small"] = args.small
    for name, seconds in report["timings_s"].items():
        print(f"{name:<36}{seconds:>8.1f} s")
    print(f"{'total':<36}{report['total_s']:>8.1f} s")
    for name, count in report["rows"].items():
        if count:
            print(f"{name:<36}{count:>10,}".replace(",", "."))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
