"""KISA's choice of a municipality with ordered products (Arbeitsvorrat filter, Fortschritt): found by name or AGS.

Saxony has about 420 municipalities, a nationwide shop 11,000: the pickers list at most ``limit`` of them (by name)
and tell when more match, so a page never sends thousands of options; a search narrows the list. Staff only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from accounts.access import require_staff
from accounts.actor import Actor
from core.text import search_text
from models import Municipality, OrderedProduct

AGS = re.compile(r"[0-9]{8}")  # amtlicher Gemeindeschlüssel
LIMIT = 500  # more options than this are not listed at once: all of Saxony fits, a nationwide list needs a search


@dataclass(frozen=True)
class MunicipalityChoice:
    """A municipality with ordered products (``products``: how many, all states)."""

    municipality_id: int
    ags: str
    name: str
    products: int

    @property
    def label(self) -> str:
        """Return "Name (AGS)"."""
        return f"{self.name} ({self.ags})"


@dataclass(frozen=True)
class MunicipalityChoices:
    """The municipalities listed in a picker; ``more``: further ones match and a search would find them.

    ``matched``: how many of the items match the search (the others: the kept earlier choice).
    """

    items: tuple[MunicipalityChoice, ...]
    more: bool
    matched: int

    def by_id(self) -> dict[int, MunicipalityChoice]:
        """Return the listed municipalities by id (in the listed order)."""
        return {c.municipality_id: c for c in self.items}


def _with_orders() -> Any:
    return exists().where(col(OrderedProduct.municipality_id) == col(Municipality.id))


def _choices(session: Session, query: Any) -> list[MunicipalityChoice]:
    products = (sa_select(func.count()).select_from(OrderedProduct)
                .where(col(OrderedProduct.municipality_id) == col(Municipality.id)).scalar_subquery())
    rows = session.execute(query.add_columns(products)).all()
    return [MunicipalityChoice(int(i), ags, name, int(n)) for i, ags, name, n in rows]


def _base() -> Any:
    return sa_select(col(Municipality.id), col(Municipality.ags), col(Municipality.name)).where(_with_orders())


def find_municipalities_with_orders(session: Session, *, actor: Actor, search: str = "", limit: int | None = None,
                                    keep: int | None = None) -> MunicipalityChoices:
    """Return up to ``limit`` (default ``LIMIT``) municipalities with ordered products whose name or AGS contains
    ``search``, by name.

    ``keep``: a municipality chosen before stays in the list even when the search no longer matches it.
    """
    require_staff(actor)
    limit = LIMIT if limit is None else limit
    query = _base()
    needle = search_text(search)  # one clean line (a NUL would make PostgreSQL refuse the query)
    if needle:  # % and _ are searched literally
        query = query.where(col(Municipality.name).icontains(needle, autoescape=True)
                            | col(Municipality.ags).contains(needle, autoescape=True))
    # by name in the database (binary order) to cut at the limit; the list itself is sorted as people read it
    found = _choices(session, query.order_by(col(Municipality.name), col(Municipality.id)).limit(limit + 1))
    more = len(found) > limit
    found = found[:limit]
    matched = len(found)
    if keep is not None and keep not in {c.municipality_id for c in found}:
        found += _choices(session, _base().where(Municipality.id == keep))
    found.sort(key=lambda c: (c.name.casefold(), c.ags))
    return MunicipalityChoices(tuple(found), more, matched)


def orders_version(session: Session) -> tuple[int, str]:
    """Return what changes whenever an ordered product is added (the newest one's id and time, read by the primary
    key): the lists above change only then."""
    newest = session.execute(sa_select(col(OrderedProduct.id), col(OrderedProduct.created_at))
                             .order_by(col(OrderedProduct.id).desc()).limit(1)).first()
    return (int(newest[0] or 0), newest[1].isoformat()) if newest is not None else (0, "")


def municipality_with_orders(session: Session, *, actor: Actor, ags: str) -> MunicipalityChoice | None:
    """Return the municipality with this AGS if it has ordered products (a link ``?kommune=<AGS>``), else None."""
    require_staff(actor)
    ags = ags.strip()
    if not AGS.fullmatch(ags):  # an address typed by hand may hold anything (a NUL would make PostgreSQL refuse it)
        return None
    found = _choices(session, _base().where(Municipality.ags == ags))
    return found[0] if found else None
