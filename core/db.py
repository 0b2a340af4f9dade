"""Engine and sessions: SQLite (WAL, busy timeout, foreign keys, BEGIN IMMEDIATE) or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from core.config import get_settings
from core.errors import DatabaseBusy

# PostgreSQL: lock_not_available (lock_timeout), deadlock_detected, serialization_failure — all worth a retry.
BUSY_SQLSTATES = frozenset({"55P03", "40P01", "40001"})
SQLITE_BUSY, SQLITE_LOCKED = 5, 6

# A connection whose PostgreSQL server vanished (host down, network cut) is found by TCP keepalives within about
# a minute instead of the system's two hours; the query then fails and the page shows its German message.
POSTGRES_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}


def make_engine(url: str, *, busy_timeout_ms: int = 15_000, connect_timeout_s: int = 10, echo: bool = False) -> Engine:
    """Create an engine; SQLite gets the settings that make concurrent writers safe.

    PostgreSQL connections are checked before use (``pool_pre_ping``: after a database restart the pool reconnects
    instead of failing once per stale connection), give up connecting after ``connect_timeout_s`` and use TCP
    keepalives; parameters given in the URL's query win.

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
    parsed = make_url(url)
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        wanted = {"connect_timeout": connect_timeout_s, **POSTGRES_KEEPALIVES}
        connect_args = {key: value for key, value in wanted.items() if key not in parsed.query}
    return create_engine(url, echo=echo, pool_pre_ping=True, connect_args=connect_args,
                         hide_parameters=True)


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


def refresh_statistics(engine: Engine) -> None:
    """Let the query planner know the tables' sizes and value spreads (``ANALYZE``).

    PostgreSQL's autovacuum does this by itself; SQLite only plans with statistics someone made. Without them it
    took the state index for a search (scanning 100,000 ordered products) where the product and municipality
    indexes find a few hundred. Run after migrations (``oaa db upgrade``), large imports, or ``oaa db analyze``.
    """
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:  # the SQLite handler's own BEGIN IMMEDIATE around it
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")  # sampled: seconds, not minutes, on gigabytes
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")


def _ensure_sqlite_folder(url: str) -> None:
    """Create the folder of an SQLite file (var/ does not exist in a fresh clone)."""
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


@lru_cache(maxsize=4)
def _engine_for(url: str, busy_timeout_ms: int, connect_timeout_s: int) -> Engine:
    return make_engine(url, busy_timeout_ms=busy_timeout_ms, connect_timeout_s=connect_timeout_s)


def get_engine() -> Engine:
    """Return the process-wide engine for the configured database."""
    settings = get_settings()
    return _engine_for(settings.effective_database_url(), settings.sqlite_busy_timeout_ms,
                       settings.database_connect_timeout_seconds)


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


# Operational errors cover a refused or lost connection, a locked SQLite file and a full disk; InterfaceError a
# connection the driver found closed; TimeoutError a pool with no free connection.
DATABASE_TROUBLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """Yield ``exc`` and what caused it (``__cause__``, else ``__context__``), each once."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_database_unavailable(exc: BaseException) -> bool:
    """Tell whether ``exc`` (or what caused it) means the database cannot be reached or used right now."""
    return any(isinstance(e, DATABASE_TROUBLE) or (isinstance(e, sa_exc.DBAPIError) and e.connection_invalidated)
               for e in _chain(exc))


def database_problem(exc: BaseException) -> str:
    """Return the driver's first line about ``exc`` (e.g. "connection refused"), without the SQL statement."""
    found = next((e for e in _chain(exc) if isinstance(e, sa_exc.DBAPIError)), exc)
    orig = getattr(found, "orig", None)
    text = str(orig if orig is not None else found).strip()
    return text.splitlines()[0] if text else found.__class__.__name__


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
