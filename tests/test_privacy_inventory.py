"""The inventory of personal data covers every column of every table, and the documentation names every table."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from privacy.inventory import INVENTORY, NOT_PERSONAL, PERSONAL, REFERENCE, person_tables
from tests.privacy_world import is_text

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-protection.md"


def test_every_column_of_every_table_is_classified():
    tables = SQLModel.metadata.tables
    missing = {f"{t}.{c.name}" for t, table in tables.items() for c in table.columns
               if t not in INVENTORY or c.name not in INVENTORY[t].columns}
    stale = {f"{t}.{c}" for t, spec in INVENTORY.items() for c in spec.columns
             if t not in tables or c not in tables[t].columns}
    assert missing == set(), "neue Spalten ohne Einordnung in privacy/inventory.py"
    assert stale == set(), "Spalten im Verzeichnis, die es nicht (mehr) gibt"
    assert {c.category for spec in INVENTORY.values() for c in spec.columns.values()} == {
        PERSONAL, NOT_PERSONAL, REFERENCE}


def test_every_link_to_an_account_is_a_reference_and_every_address_or_name_is_personal():
    for name, table in SQLModel.metadata.tables.items():
        for column in table.columns:
            spec = INVENTORY[name].columns[column.name]
            if any(fk.column.table.name == "user" for fk in column.foreign_keys):
                assert spec.category == REFERENCE, f"{name}.{column.name}"
            looks_personal = (any(w in column.name for w in ("email", "phone", "address", "telefon"))
                              or column.name.endswith(("_by_name", "_by", "_label"))
                              or column.name in ("full_name", "author_name", "actor_name", "tester_name", "user_name",
                                                 "signer_name", "details", "note", "remarks", "reason", "text"))
            if looks_personal:
                assert spec.category == PERSONAL, f"{name}.{column.name}"


def test_snapshots_name_their_owner_and_json_flags_only_text_columns():
    tables = SQLModel.metadata.tables
    for name, spec in INVENTORY.items():
        for column_name, column in spec.columns.items():
            if column.owner:
                assert spec.columns[column.owner].category == REFERENCE, f"{name}.{column_name}"
            if column.json or column.names_people:
                assert is_text(tables[name].c[column_name]), f"{name}.{column_name}"
            assert not (column.secret and column.names_people)
        assert all(getattr(spec, f) for f in ("title", "purpose", "legal_basis", "visible_to", "retention")), name


def test_the_documentation_describes_every_table():
    text = DOC.read_text(encoding="utf-8")
    assert [t for t in INVENTORY if f"`{t}`" not in text] == []
    assert set(person_tables()) < set(INVENTORY)  # reference data (municipality list, order lines) is not about people
