"""`oaa backup` and `oaa restore` on both databases: the demo data comes back row for row into a fresh database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel
from typer.testing import CliRunner

from catalog.loader import read_directory
from catalog.store import import_catalog
from cli.main import app
from core import migrate
from core.backup import BackupError, backup, head_revision, restore
from core.config import get_settings
from core.db import make_engine, reset_engine_cache
from demo.seed import seed_demo
from models import Municipality

runner = CliRunner()
POSTGRES_ADMIN_URL = os.environ.get("OAA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database (no tables at all); drop it afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'fresh-{uuid.uuid4().hex[:6]}.sqlite3'}"
        return
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"oaa_restore_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        reset_engine_cache()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def every_row(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every table (the schema's version included), in primary-key order."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            rows = {"alembic_version": [tuple(r) for r in conn.execute(text("SELECT version_num FROM alembic_version"))]}
            for table in SQLModel.metadata.sorted_tables:
                assert table.name in names, table.name
                query = table.select().order_by(*table.primary_key.columns)
                rows[table.name] = [tuple(r) for r in conn.execute(query)]
        return rows
    finally:
        engine.dispose()


def use(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Point the commands at ``url``."""
    monkeypatch.setenv("OAA_DATABASE_URL", url)
    get_settings.cache_clear()
    reset_engine_cache()


def test_a_backup_restored_into_a_fresh_database_has_every_row(engine, session, backend, tmp_path, monkeypatch):
    import_catalog(session, products=read_directory())
    session.commit()
    seed_demo(session)
    session.commit()
    source = get_settings().effective_database_url()
    original = every_row(source)
    assert original["user"] and original["orderedproduct"] and original["statechange"] and original["acceptance"]
    out = tmp_path / "oaa.backup"

    made = runner.invoke(app, ["backup", "--out", str(out)])
    assert made.exit_code == 0, made.output
    assert made.output.startswith("Sicherung geschrieben:") and out.stat().st_size > 0
    again = runner.invoke(app, ["backup", "--out", str(out)])
    assert again.exit_code == 2 and "gibt es schon" in again.output

    with fresh_database(backend, tmp_path) as target:
        use(monkeypatch, target)
        restored = runner.invoke(app, ["restore", str(out)])
        assert restored.exit_code == 0, restored.output
        assert "Sicherung wiederhergestellt" in restored.output and "db upgrade" not in restored.output
        assert every_row(target) == original

        # The restored database is in use now: a second restore must be forced.
        refused = runner.invoke(app, ["restore", str(out)])
        assert refused.exit_code == 2 and "enthält bereits Konten oder Kommunen" in refused.output
        forced = runner.invoke(app, ["restore", str(out), "--force"])
        assert forced.exit_code == 0, forced.output
        assert every_row(target) == original
    use(monkeypatch, source)


def test_restore_refuses_what_is_no_backup_of_this_database_type(engine, backend, tmp_path):
    url = get_settings().effective_database_url()
    junk = tmp_path / "notiz.txt"
    junk.write_text("keine Sicherung", encoding="utf-8")
    with pytest.raises(BackupError, match="keine Sicherung des OAA-Shops"):
        restore(url, junk)
    other = tmp_path / "other.backup"
    other.write_bytes(b"PGDMP" if backend == "sqlite" else b"SQLite format 3\x00")
    with pytest.raises(BackupError, match="Zieldatenbank ist"):
        restore(url, other)
    with pytest.raises(BackupError, match="nicht gefunden"):
        restore(url, tmp_path / "fehlt.backup")


def test_sqlite_backup_is_consistent_while_a_writer_holds_its_transaction(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as committed:
            committed.add(Municipality(ags="14999901", name="Schon gespeichert (Beispiel)", ars="149999010000"))
            committed.commit()
        with Session(engine) as writer:  # BEGIN IMMEDIATE: holds the write lock while the backup runs
            writer.add(Municipality(ags="14999902", name="Noch offen (Beispiel)", ars="149999020000"))
            writer.flush()
            outcome = backup(url, tmp_path / "copy.sqlite3")
            writer.rollback()
    finally:
        engine.dispose()
    assert outcome.revision == head_revision()
    copy = create_engine(f"sqlite:///{tmp_path / 'copy.sqlite3'}")
    with copy.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "delete"  # one self-contained file
        assert conn.execute(text("SELECT name FROM municipality")).scalars().all() == ["Schon gespeichert (Beispiel)"]
    copy.dispose()
