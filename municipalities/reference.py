"""Load the shipped list of Saxon municipalities into the database and look entries up."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, delete, select

from models import Gemeinde

DATA_FILE = Path(__file__).resolve().parent / "data" / "gemeinden-sachsen.csv"


@dataclass(frozen=True)
class GemeindeRow:
    """One municipality of the reference list."""

    ags: str
    name: str
    kreis_schluessel: str
    kreis: str

    @property
    def label(self) -> str:
        """Return the text a picker shows: name, district and AGS."""
        return f"{self.name} ({self.kreis}) – AGS {self.ags}"


def read_csv(path: Path = DATA_FILE) -> list[GemeindeRow]:
    """Read a reference file with the columns ags, name, kreis_schluessel, kreis."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            GemeindeRow(r["ags"].strip(), r["name"].strip(), r["kreis_schluessel"].strip(), r["kreis"].strip())
            for r in csv.DictReader(handle)
        ]
    bad = [r.ags for r in rows if len(r.ags) != 8 or not r.ags.isdigit()]
    if bad:
        raise ValueError(f"{path.name}: ungültige Gemeindeschlüssel {', '.join(bad[:5])}")
    return rows


def import_reference(session: Session, rows: list[GemeindeRow] | None = None) -> int:
    """Replace the reference list with ``rows`` (default: the shipped file); return the count."""
    rows = read_csv() if rows is None else rows
    session.exec(delete(Gemeinde))
    session.add_all(
        Gemeinde(ags=r.ags, name=r.name, kreis_schluessel=r.kreis_schluessel, kreis=r.kreis) for r in rows
    )
    session.flush()
    return len(rows)


def list_gemeinden(session: Session) -> list[GemeindeRow]:
    """Return all municipalities of the reference list, sorted by name."""
    result = session.exec(select(Gemeinde).order_by(col(Gemeinde.name)))
    return [GemeindeRow(g.ags, g.name, g.kreis_schluessel, g.kreis) for g in result]


def get_gemeinde(session: Session, ags: str) -> GemeindeRow | None:
    """Return the reference entry for ``ags`` or ``None``."""
    g = session.get(Gemeinde, ags)
    return GemeindeRow(g.ags, g.name, g.kreis_schluessel, g.kreis) if g else None


def in_district(rows: Iterable[GemeindeRow], ags: str) -> list[GemeindeRow]:
    """Return the municipalities of the district (first five digits of the AGS) that ``ags`` lies in.

    A Verwaltungsgemeinschaft's members lie in one district: the picker for them offers these, not the whole list.
    """
    return [r for r in rows if r.kreis_schluessel == ags[:5]]
