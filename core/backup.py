"""Backup and restore of the whole database (``oaa backup``, ``oaa restore``).

SQLite: the online backup API of ``sqlite3`` copies a consistent snapshot while the shop keeps running (readers
and writers are not stopped); the copy is one self-contained file. PostgreSQL: ``pg_dump`` in its custom format
and ``pg_restore``, taken from the PATH; the password goes through the environment, never the command line.
A restore refuses a database that already holds accounts or municipalities unless ``force`` is given.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url

from core.db import make_engine
from core.migrate import alembic_config

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
DATA_TABLES = ("user", "municipality")  # a database holding rows here is in use


class BackupError(Exception):
    """Backup or restore is not possible; ``str(error)`` is a German sentence for the operator."""


@dataclass(frozen=True)
class Outcome:
    """What a backup or restore did."""

    path: Path
    backend: str
    revision: str | None  # the schema revision in the copy (backup) or now in the database (restore)

    def notes(self) -> list[str]:
        """Return German hints for the operator (e.g. the schema is older than the code)."""
        head = head_revision()
        if self.revision is None:
            return ["Die Datenbank enthält keinen Schemastand (alembic_version)."]
        if self.revision != head:
            return [f"Schemastand {self.revision}, die Anwendung erwartet {head}: bitte `oaa db upgrade` ausführen."]
        return []


def backend_of(url: str) -> str:
    """Return ``sqlite`` or ``postgresql`` for a database URL; anything else is refused."""
    backend = make_url(url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"Datenbanktyp „{backend}“ wird für Sicherungen nicht unterstützt.")
    return backend


def head_revision() -> str | None:
    """Return the newest migration of this version of the shop."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def holds_data(url: str) -> bool:
    """Tell whether the database has accounts or municipalities (a restore would overwrite them)."""
    if backend_of(url) == "sqlite" and not _sqlite_path(url).exists():
        return False
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            return any(conn.execute(text(f'SELECT 1 FROM "{t}" LIMIT 1')).first() is not None  # noqa: S608
                       for t in DATA_TABLES if t in tables)
    finally:
        engine.dispose()


def _temporary(out: Path) -> Path:
    return out.with_name(f".{out.name}.{os.getpid()}.tmp")


def _check_target(out: Path, force: bool) -> None:
    if out.exists() and not force:
        raise BackupError(f"Die Datei {out} gibt es schon. Wählen Sie einen anderen Namen oder überschreiben Sie sie "
                          "mit --force.")
    if not out.parent.is_dir():
        raise BackupError(f"Den Ordner {out.parent} gibt es nicht.")


def backup(url: str, out: Path, *, force: bool = False) -> Outcome:
    """Write a backup of the database at ``url`` to ``out`` (replaced atomically; refused if it exists, unless force)."""
    backend = backend_of(url)
    _check_target(out, force)
    temporary = _temporary(out)
    try:
        revision = _sqlite_backup(url, temporary) if backend == "sqlite" else _pg_backup(url, temporary)
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    return Outcome(out, backend, revision)


def restore(url: str, source: Path, *, force: bool = False) -> Outcome:
    """Replace the database at ``url`` by the backup ``source``; refused for a database in use unless ``force``."""
    backend = backend_of(url)
    if not source.is_file():
        raise BackupError(f"Die Sicherung {source} wurde nicht gefunden.")
    with source.open("rb") as handle:
        magic = handle.read(len(SQLITE_MAGIC))
    kind = "sqlite" if magic.startswith(SQLITE_MAGIC) else "postgresql" if magic.startswith(PG_MAGIC) else None
    if kind is None:
        raise BackupError(f"{source} ist keine Sicherung des OAA-Shops (weder SQLite noch pg_dump-Format).")
    if kind != backend:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(f"{source} ist eine {names[kind]}-Sicherung, die Zieldatenbank ist {names[backend]}.")
    if holds_data(url) and not force:
        raise BackupError("Die Zieldatenbank enthält bereits Konten oder Kommunen. Stellen Sie in eine leere Datenbank "
                          "wieder her oder überschreiben Sie sie ausdrücklich mit --force (vorher sichern!).")
    if backend == "sqlite":
        _sqlite_restore(url, source)
    else:
        _pg_restore(url, source)
    engine = make_engine(url)
    try:
        return Outcome(source, backend, _revision(engine))
    finally:
        engine.dispose()


# --- SQLite -------------------------------------------------------------------------------------------------------


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("Für Sicherungen muss die SQLite-Datenbank eine Datei sein.")
    return Path(database)


def _checked(connection: sqlite3.Connection, what: str) -> str | None:
    """Check the integrity of a copy and return its schema revision."""
    result = connection.execute("PRAGMA integrity_check").fetchone()
    if not result or result[0] != "ok":
        raise BackupError(f"{what} ist beschädigt (integrity_check: {result[0] if result else 'keine Antwort'}).")
    has_version = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone()
    if not has_version:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _sqlite_backup(url: str, out: Path) -> str | None:
    path = _sqlite_path(url)
    if not path.exists():
        raise BackupError(f"Die Datenbank {path} gibt es nicht.")
    source = sqlite3.connect(path, timeout=30)
    target = sqlite3.connect(out)
    try:
        source.backup(target)  # one step: a consistent snapshot, concurrent writers go on (WAL)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        return _checked(target, "Die Sicherung")
    finally:
        target.close()
        source.close()


def _sqlite_restore(url: str, source_file: Path) -> None:
    path = _sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{source_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if _checked(source, f"Die Sicherung {source_file}") is None:
            raise BackupError(f"{source_file} ist keine Sicherung des OAA-Shops (kein Schemastand).")
        target = sqlite3.connect(path, timeout=30)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=WAL")  # as the shop runs it
        finally:
            target.close()
    finally:
        source.close()


# --- PostgreSQL ---------------------------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} wurde nicht gefunden. Bitte installieren Sie die PostgreSQL-Clientprogramme "
                          "(Paket postgresql-client) in der Version des Servers oder neuer.")
    return found


def _pg_connection(url: str) -> tuple[str, dict[str, str]]:
    """Return a libpq connection URI without the password, and the environment that carries it."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    uri = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _run(tool: str, args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run([_pg_tool(tool), *args], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-1500:]
        raise BackupError(f"{tool} ist fehlgeschlagen (Rückgabewert {result.returncode}): {detail}")
    return result.stdout


def _pg_backup(url: str, out: Path) -> str | None:
    uri, env = _pg_connection(url)
    _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={out}", f"--dbname={uri}"], env)
    listing = _run("pg_restore", ["--list", str(out)], env)  # the archive is readable
    if "TABLE DATA public alembic_version" not in listing:
        return None
    engine = make_engine(url)
    try:
        return _revision(engine)
    finally:
        engine.dispose()


def _pg_restore(url: str, source: Path) -> None:
    uri, env = _pg_connection(url)
    _run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                        "--exit-on-error", f"--dbname={uri}", str(source)], env)
