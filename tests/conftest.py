"""Shared fixtures: every database test runs on SQLite and on PostgreSQL (see OAA_TEST_DATABASES)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

import models  # noqa: F401  (registers the tables)
from accounts.passwords import reset_hasher
from core import clock, migrate
from core.config import get_settings
from core.db import get_engine, reset_engine_cache, session_scope
from municipalities.reference import import_reference

BACKENDS = [b.strip() for b in os.environ.get("OAA_TEST_DATABASES", "sqlite,postgresql").split(",") if b.strip()]
POSTGRES_ADMIN_URL = os.environ.get("OAA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
KEEP_TABLES = {"gemeinde", "alembic_version"}

# Cheap Argon2 parameters keep the suite fast; one test checks the rehash to stronger parameters.
os.environ.setdefault("OAA_ARGON2_TIME_COST", "1")
os.environ.setdefault("OAA_ARGON2_MEMORY_KIB", "1024")
os.environ.setdefault("OAA_ARGON2_PARALLELISM", "1")
os.environ.pop("OAA_DEMO", None)


def _create_postgres_database() -> tuple[str, Engine]:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"oaa_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - depends on the machine
        raise RuntimeError(
            f"PostgreSQL unter {POSTGRES_ADMIN_URL} ist nicht erreichbar ({exc.__class__.__name__}). "
            "Starten Sie den Server oder setzen Sie OAA_TEST_DATABASES=sqlite."
        ) from exc
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False), admin


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database with the municipality list, once per backend and test session."""
    admin: Engine | None = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    elif request.param == "postgresql":
        url, admin = _create_postgres_database()
    else:
        raise ValueError(f"unknown backend {request.param}")
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        import_reference(session)
        session.commit()
    engine.dispose()
    yield url
    if admin is not None:
        reset_engine_cache()
        name = make_url(url).database
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts with settings read anew and the real clock."""
    get_settings.cache_clear()
    reset_hasher()
    clock.reset()
    yield
    clock.reset()
    get_settings.cache_clear()
    reset_hasher()


@pytest.fixture
def engine(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The app's engine pointed at the test database; all tables but reference data emptied afterwards."""
    monkeypatch.setenv("OAA_DATABASE_URL", database_url)
    get_settings.cache_clear()
    reset_engine_cache()
    engine = get_engine()
    yield engine
    with session_scope(engine) as session:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name not in KEEP_TABLES:
                session.execute(table.delete())
    reset_engine_cache()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the test database; tests commit what they want others to see."""
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def backend(database_url: str) -> str:
    """Name of the backend under test: 'sqlite' or 'postgresql'."""
    return make_url(database_url).get_backend_name()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the runs of ``only_backend`` tests on the other database at collection (not skipped at run time).

    E.g. a busy timeout exists only on SQLite, a lock wait between two open transactions only on PostgreSQL.
    """
    kept, dropped = [], []
    for item in items:
        marker = item.get_closest_marker("only_backend")
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("database_url") if callspec is not None else None
        if marker is not None and backend is not None and backend != marker.args[0]:
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
