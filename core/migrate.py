"""Run Alembic migrations from code (``oaa db upgrade``, ``make run``, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """Return an Alembic config for our migrations; ``url`` overrides the settings' database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.attributes["url"] = url
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database schema to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None, revision: str) -> None:
    """Take the schema back to ``revision`` (used to test the migrations)."""
    command.downgrade(alembic_config(url), revision)


def current_revision(url: str | None = None) -> str | None:
    """Return the revision the database is at, or ``None`` for an empty database."""
    from alembic.runtime.migration import MigrationContext

    from core.db import make_engine

    engine = make_engine(url) if url else None
    if engine is None:
        from core.db import get_engine

        engine = get_engine()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
