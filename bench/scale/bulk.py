"""Bulk inserts for the scale data set: PostgreSQL COPY through psycopg, SQLite executemany in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.engine import Connection

CHUNK = 20_000


def chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    """Yield lists of at most ``size`` rows, so a million rows never sit in memory at once."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _copy_value(value: Any) -> Any:
    """psycopg's COPY takes Python values; enums go in by their value (the column is a VARCHAR)."""
    return getattr(value, "value", value)


def insert(conn: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """Insert ``rows`` (dicts with every column of ``table`` that is not defaulted) into ``table``; return the count."""
    total = 0
    postgres = conn.dialect.name == "postgresql"
    for chunk in chunks(rows):
        if postgres:
            columns = list(chunk[0])
            raw = conn.connection.driver_connection  # the psycopg connection inside SQLAlchemy's transaction
            quoted = ", ".join(f'"{c}"' for c in columns)
            with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                for row in chunk:
                    copy.write_row([_copy_value(row[c]) for c in columns])
        else:
            conn.execute(table.insert(), chunk)
        total += len(chunk)
    return total


def reset_sequences(conn: Connection, tables: Iterable[Table]) -> None:
    """After explicit ids: let PostgreSQL's serial sequences continue behind the largest id (SQLite needs nothing)."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.c and table.c.id.autoincrement is not False and table.c.id.type.python_type is int:
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f"COALESCE((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"))
