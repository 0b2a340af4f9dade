"""Find the rows of every table that are about one person: by account id, by name or address in a text, or linked."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import RowMapping, false, func, or_, select
from sqlalchemy import Table as SATable
from sqlmodel import Session, SQLModel

import models  # noqa: F401  (registers every table)
from privacy.inventory import INVENTORY, REFERENCE, Col, Table
from privacy.matching import Matcher


@dataclass(frozen=True)
class Found:
    """One row about the person and the table it is in."""

    table: str
    row: Mapping[str, Any]


def _dicts(result: Iterable[RowMapping]) -> list[dict[str, Any]]:
    return [{str(key): value for key, value in row.items()} for row in result]


def sa_table(name: str) -> SATable:
    """Return the SQLAlchemy table of an inventory entry."""
    return SQLModel.metadata.tables[name]


def primary_key(name: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """Return the primary-key values of ``row``."""
    return {c.name: row[c.name] for c in sa_table(name).primary_key.columns}


def text_columns(spec: Table) -> dict[str, Col]:
    """Return the columns of a table that may hold a name, an address or free text."""
    return {name: column for name, column in spec.columns.items() if column.names_people}


def references(spec: Table) -> list[str]:
    """Return the columns that hold a person's account id."""
    return [name for name, column in spec.columns.items() if column.category == REFERENCE]


def is_about(spec: Table, row: Mapping[str, Any], matcher: Matcher) -> bool:
    """Tell whether ``row`` is about the person: an id of theirs, or their name/address in a text of no other person."""
    user_id = matcher.person.user_id
    if any(row[c] == user_id for c in references(spec)):
        return True
    for name, column in text_columns(spec).items():
        value = row[name]
        if not isinstance(value, str) or not value:
            continue
        if column.owner and row[column.owner] is not None:
            continue  # the snapshot of another person (their own id decides, checked above)
        if matcher.mentions_json(value) if column.json else matcher.mentions(value):
            return True
    return False


def candidates(session: Session, name: str, matcher: Matcher, *, lock: bool = False) -> Iterator[dict[str, Any]]:
    """Yield the rows of table ``name`` that may be about the person (a cheap SQL filter; :func:`is_about` decides)."""
    spec = INVENTORY[name]
    table = sa_table(name)
    conditions = [table.c[c] == matcher.person.user_id for c in references(spec)]
    for column in text_columns(spec):
        conditions.extend(func.lower(table.c[column]).contains(needle, autoescape=True) for needle in matcher.needles)
    query = select(table).where(or_(false(), *conditions)).order_by(*table.primary_key.columns)
    if lock:
        query = query.with_for_update()
    yield from _dicts(session.execute(query).mappings())


def rows_about(session: Session, matcher: Matcher) -> Iterator[Found]:
    """Yield every row about the person, table by table in the inventory's order (their own account row first)."""
    linked_ids: dict[str, set[Any]] = {}
    for name, spec in INVENTORY.items():
        found: list[dict[str, Any]] = []
        if name == "user":
            table = sa_table(name)
            found = _dicts(session.execute(select(table).where(table.c.id == matcher.person.user_id)).mappings())
        elif spec.linked is not None:
            column, target = spec.linked
            ids = linked_ids.get(target, set())
            if ids:
                table = sa_table(name)
                query = select(table).where(table.c[column].in_(sorted(ids))).order_by(*table.primary_key.columns)
                found = _dicts(session.execute(query).mappings())
        else:
            found = [row for row in candidates(session, name, matcher) if is_about(spec, row, matcher)]
        linked_ids[name] = {row["id"] for row in found if "id" in row}
        for row in found:
            yield Found(name, row)
