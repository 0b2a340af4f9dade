"""Engine and sessions: SQLite (WAL, busy timeout, foreign keys, BEGIN IMMEDIATE) or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from core.config import get_settings
from core.errors import DatabaseBusy

# PostgreSQL: lock_not_available (lock_timeout), deadlock_detected, serialization_failure — all worth a retry.
BUSY_SQLSTATES = frozenset({"55P03", "40P01", "40001"})
SQLITE_BUSY, SQLITE_LOCKED = 5, 6


def make_engine(url: str, *, busy_timeout_ms: int = 15_000, echo: bool = False) -> Engine:
    """Create an engine; SQLite gets the settings that make concurrent writers safe.

    Errors never quote the statement's parameters (``hide_parameters``): they may hold e-mail addresses or names.
    """
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        engine = create_engine(
            url,
            echo=echo,
            hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        )
        _make_sqlite_safe(engine, busy_timeout_ms)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True)


def _unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _make_sqlite_safe(engine: Engine, busy_timeout_ms: int) -> None:
    """Apply SQLAlchemy's pysqlite recipe: our own BEGIN IMMEDIATE instead of pysqlite's deferred one."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # pysqlite must not emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # SQLite's lower() folds only ASCII; searches must find "Ölsnitz" for "ölsnitz" as PostgreSQL does.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock up front: a read-modify-write can then never be lost or deadlock.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _ensure_sqlite_folder(url: str) -> None:
    """Create the folder of an SQLite file (var/ does not exist in a fresh clone)."""
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


@lru_cache(maxsize=4)
def _engine_for(url: str, busy_timeout_ms: int) -> Engine:
    return make_engine(url, busy_timeout_ms=busy_timeout_ms)


def get_engine() -> Engine:
    """Return the process-wide engine for the configured database."""
    settings = get_settings()
    return _engine_for(settings.effective_database_url(), settings.sqlite_busy_timeout_ms)


def reset_engine_cache() -> None:
    """Forget cached engines (tests and `oaa` commands switch databases)."""
    _engine_for.cache_clear()


def is_busy(exc: BaseException) -> bool:
    """Tell whether ``exc`` means another transaction held the lock too long (a retry may work), not a bug.

    SQLite: "database is locked" once the busy timeout is over. PostgreSQL: a lock timeout, a deadlock or a
    serialisation failure; the database rolled the transaction back.
    """
    if not isinstance(exc, OperationalError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED):
        return True
    return "database is locked" in str(orig)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """Open one session for one use case: commit on success, roll back on any error.

    A transaction that waited too long for another one's lock raises :class:`DatabaseBusy` (a German
    :class:`DomainError`), so the pages show it like any refusal instead of failing.
    """
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            if is_busy(exc):
                raise DatabaseBusy() from exc
            raise
        except BaseException:
            session.rollback()
            raise
