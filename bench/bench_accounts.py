"""Benchmark the account paths a user waits for: Argon2 hashing, login, session restore.

Run: `.venv/bin/python bench/bench_accounts.py [--postgres URL]`. Prints a table and JSON; asserts nothing.
Uses the production Argon2 parameters from core.config unless OAA_ARGON2_* are set.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.builders


def _measure(fn: Callable[[], object], repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2)}


def run(url: str, repeat: int) -> dict[str, dict[str, float]]:
    from accounts import web_sessions
    from accounts.authentication import authenticate
    from accounts.passwords import hash_password, verify_password
    from core import migrate
    from core.db import make_engine
    from tests.builders import PASSWORD, make_user

    migrate.upgrade(url)
    engine = make_engine(url)
    results: dict[str, dict[str, float]] = {}
    password_hash = hash_password(PASSWORD)
    results["argon2 hash"] = _measure(lambda: hash_password(PASSWORD), repeat)
    results["argon2 verify"] = _measure(lambda: verify_password(password_hash, PASSWORD), repeat)
    with Session(engine, expire_on_commit=False) as session:
        user = make_user(session)

        def login() -> None:
            with Session(engine) as s:
                authenticate(s, email=user.email, password=PASSWORD)
                s.commit()

        results["login (verify + audit)"] = _measure(login, repeat)
        with Session(engine) as s:
            from accounts.actor import Actor

            started = web_sessions.start(s, actor=Actor.of(user))
            token, _ = web_sessions.bind_cookie(s, code=started.bind_code) or ("", 0)
            s.commit()

        def restore() -> None:
            with Session(engine) as s:
                web_sessions.resume(s, token=token)
                s.commit()

        def touch() -> None:
            with Session(engine) as s:
                web_sessions.touch(s, web_session_id=started.web_session_id)
                s.commit()

        results["session restore after reload"] = _measure(restore, repeat * 5)
        results["session check per rerun"] = _measure(touch, repeat * 5)
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default="", help="URL of an empty PostgreSQL database")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        report["sqlite"] = run(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.repeat)
    if args.postgres:
        report["postgresql"] = run(args.postgres, args.repeat)
    print(f"{'database':<12}{'operation':<32}{'median ms':>10}{'p95 ms':>10}")
    for db, rows in report.items():
        for name, figures in rows.items():
            print(f"{db:<12}{name:<32}{figures['median_ms']:>10}{figures['p95_ms']:>10}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
