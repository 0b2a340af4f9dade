"""Pages of long lists: which entries page n shows, and "Seite x von y"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def page_count(total: int, size: int) -> int:
    """Return how many pages ``total`` entries fill (at least one, an empty list is one empty page)."""
    return max(1, -(-total // size))


def page_of(items: Sequence[T], number: int, size: int) -> Page[T]:
    """Return page ``number`` of a list that is already in memory (clamped like a database page)."""
    number = clamp(number, len(items), size)
    return Page(list(items[(number - 1) * size: number * size]), len(items), number, size)


COUNT_CAP = 10_000  # long lists count this far exactly, then say "mehr als 10.000"


def capped_count(session: Any, query: Any, *, at_least: int = 0) -> tuple[int, bool]:
    """Return how many rows ``query`` has, up to ``COUNT_CAP`` (or ``at_least`` if larger), and whether there are more.

    Counting a million audit events exactly costs PostgreSQL a scan on every rerun; nobody reads "1.000.001" rather
    than "mehr als 10.000". ``at_least``: e.g. the end of the page shown, so "next page" is always known.
    """
    from sqlalchemy import func, select

    cap = max(COUNT_CAP, at_least)
    found = int(session.execute(select(func.count()).select_from(query.limit(cap + 1).subquery())).scalar_one())
    return min(found, cap), found > cap


def clamp(number: int, total: int, size: int) -> int:
    """Return the page number within 1 … page_count: a page that no longer exists shows the last one."""
    return min(max(1, number), page_count(total, size))


@dataclass(frozen=True)
class Page(Generic[T]):
    """The entries of one page of a list, and where the page lies in the whole list."""

    items: list[T]
    total: int  # entries of the whole (filtered) list
    number: int  # 1-based, already clamped
    size: int

    @property
    def pages(self) -> int:
        """Return the number of pages."""
        return page_count(self.total, self.size)

    @property
    def offset(self) -> int:
        """Return how many entries come before this page."""
        return (self.number - 1) * self.size

    @property
    def label(self) -> str:
        """Return e.g. "Seite 2 von 5 (Einträge 21–40 von 93)"."""
        if not self.total:
            return "Seite 1 von 1 (keine Einträge)"
        first, last = self.offset + 1, self.offset + len(self.items)
        return f"Seite {self.number} von {self.pages} (Einträge {first}–{last} von {self.total})"
