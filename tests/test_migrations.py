"""Migrations build the schema from empty on both databases, go down and up, and match the models."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from core import migrate
from tests.conftest import BACKENDS, POSTGRES_ADMIN_URL


@pytest.fixture(params=BACKENDS)
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"oaa_mig_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_from_empty_to_head_down_and_up_again(empty_url):
    migrate.upgrade(empty_url)
    engine = create_engine(empty_url)
    tables = set(inspect(engine).get_table_names())
    assert {"user", "municipality", "gemeinde", "auditevent", "websession", "registrationdecision"} <= tables
    with engine.connect() as conn:
        head = MigrationContext.configure(conn).get_current_revision()
        assert head is not None
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []  # models == schema
    migrate.downgrade(empty_url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(empty_url)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head
    engine.dispose()


def test_upgrade_creates_the_folder_of_a_new_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'var' / 'neu' / 'oaa.sqlite3'}"
    migrate.upgrade(url)
    assert (tmp_path / "var" / "neu" / "oaa.sqlite3").exists()
