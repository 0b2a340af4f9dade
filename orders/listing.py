"""Long lists of ordered products (KISA's work queue, the questionnaires of all municipalities) read by index.

At the nationwide scale (100,000 ordered products) joining every matching row with its product and municipality
names before sorting and cutting a page cost hundreds of milliseconds. Here a search is first resolved in the two
small tables (products by name, municipalities by name or AGS) into lists of ids, the rows are filtered, counted and
ordered on ``orderedproduct`` alone, and only the page's few rows are joined afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy import union_all
from sqlmodel import Session, col

from core.text import search_text
from models import CatalogProduct, Municipality, OrderedProduct, OrderedProductState

Matches = tuple[list[str], list[int]]  # the product ids and municipality ids a search names


def search_matches(session: Session, search: str) -> Matches | None:
    """Return what a search names: products by name, municipalities by name or AGS (None: no search).

    Case is ignored; % and _ are searched literally. Both databases then plan the ordered products by the indexes on
    product_id and municipality_id.
    """
    needle = search_text(search).lower()
    if not needle:
        return None
    products = session.scalars(sa_select(col(CatalogProduct.id))
                               .where(col(CatalogProduct.name).icontains(needle, autoescape=True))).all()
    towns = session.scalars(sa_select(col(Municipality.id)).where(
        col(Municipality.name).icontains(needle, autoescape=True)
        | col(Municipality.ags).icontains(needle, autoescape=True))).all()
    return list(products), [int(t or 0) for t in towns]


def matching(query: Any, matches: Matches | None) -> Any:
    """Add ``matches`` (from ``search_matches``) to a query over ordered products; nothing when there is no search."""
    if matches is None:
        return query
    products, towns = matches
    return query.where(col(OrderedProduct.product_id).in_(products) | col(OrderedProduct.municipality_id).in_(towns))


def oldest_first_ids(session: Session, filtered: Callable[[Any, OrderedProductState], Any],
                     states: Iterable[OrderedProductState], *, offset: int, size: int) -> list[int]:
    """Return the ids of one page of ordered products in ``states``, longest in their state first.

    ``filtered(query, state)`` adds ``state`` and the list's other filters to a query over ordered products. One
    branch per state, each read in order from the (state, state_since) index and cut at the page's end, then merged:
    PostgreSQL, asked for one ordered list over several states, walked the state_since index through 50,000 live
    products instead.
    """
    branches = []
    for state in states:
        branch = (filtered(sa_select(col(OrderedProduct.id), col(OrderedProduct.state_since)), state)
                  .order_by(col(OrderedProduct.state_since), col(OrderedProduct.id)).limit(offset + size).subquery())
        branches.append(sa_select(branch.c.id, branch.c.state_since))
    if not branches:
        return []
    merged = union_all(*branches).subquery()
    return [int(i) for i in session.scalars(sa_select(merged.c.id).order_by(merged.c.state_since, merged.c.id)
                                            .offset(offset).limit(size)).all()]
