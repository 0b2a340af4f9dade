"""The OAA catalogue: search as you type (from three characters), grouped hits, A–Z index, filters."""

from __future__ import annotations

from functools import partial

import streamlit as st

from catalog.schema import DELIVERY_NAMES, GROUP_NAMES, Manufacturer, ProductStatus
from catalog.search import MIN_QUERY_LENGTH, Filters, Hit, group_hits
from core.db import session_scope
from core.errors import DomainError
from models import Role
from orders.cart import add_to_cart
from web.cached import catalog_index
from web.fragments import page_part
from web.guard import require_actor
from web.lazy import lazy_expander
from web.text import md

STATUS_BADGE = {
    ProductStatus.VERFUEGBAR: ":green-badge[verfügbar]",
    ProductStatus.GEPLANT: ":orange-badge[geplant]",
    ProductStatus.EINGESTELLT: ":gray-badge[eingestellt]",
}

actor = require_actor()
index = catalog_index()
can_order = actor.role == Role.KOMMUNE
products = index.products
st.title("OAA-Katalog")
st.caption(
    f"{len(products)} Online-Antragsassistenten für Amt24, geordnet nach dem Aktenplan der sächsischen Kommunen. "
    "Alle OAAs liefern die Antragsdaten im sächsischen XML-Standard. Preise sind Beispielpreise."
)

filter_col, main_col = st.columns([1.4, 3], gap="medium")
with filter_col:
    st.header("Filter")
    groups = st.multiselect("Aktenplan-Gruppe", list(GROUP_NAMES), format_func=lambda g: f"{g.value} {GROUP_NAMES[g]}",
                            key="cat_groups", placeholder="alle")
    manufacturers = st.multiselect("Hersteller", [m.value for m in Manufacturer], key="cat_manufacturers",
                                   placeholder="alle")
    statuses = st.multiselect("Status", [s.value for s in ProductStatus], default=["verfügbar", "geplant"],
                              key="cat_statuses")
    fachverfahren = st.multiselect("Fachverfahren", index.fachverfahren, key="cat_fachverfahren", placeholder="alle")
    deliveries = st.multiselect("Datenübergabe", list(DELIVERY_NAMES), format_func=lambda d: DELIVERY_NAMES[d],
                                key="cat_deliveries", placeholder="alle")
filters = Filters(
    groups=frozenset(g.value for g in groups),
    manufacturers=frozenset(manufacturers),
    statuses=frozenset(statuses),
    fachverfahren=frozenset(fachverfahren),
    deliveries=frozenset(d.value for d in deliveries),
)


def _add(product_id: str, name: str) -> None:
    try:
        with session_scope() as session:
            add_to_cart(session, actor=actor, product_id=product_id)
    except DomainError as exc:
        st.toast(md(str(exc)), icon=":material/block:")
    else:
        st.toast(f"{md(name)} liegt im Warenkorb.", icon=":material/shopping_cart:")


def product_line(hit: Hit | None, product_id: str, name: str, short: str, status: ProductStatus) -> None:
    """Show one product as a link to its detail page with its status and, for hits, why it matched."""
    # Two elements a line (three with the cart button): the browser redraws every element on each rerun, and the
    # columns a line had before were a block each (docs/performance.md, "Fourth round").
    link = partial(st.page_link, "pages/product.py", label=md(name), query_params={"id": product_id},
                   icon=":material/description:")
    if can_order and status == ProductStatus.VERFUEGBAR:
        with st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center", gap=None):
            link()
            st.button("", icon=":material/add_shopping_cart:", key=f"cat_add_{product_id}", help="In den Warenkorb",
                      on_click=_add, args=(product_id, name))
    else:
        link()
    found = f"  \nGefunden über: {' · '.join(md(reason) for reason in hit.reasons[:3])}" if hit is not None else ""
    st.caption(f"{STATUS_BADGE[status]} {md(short)}{found}")


PER_GROUP = 10  # products shown per group before "Weitere … anzeigen" (each line costs the browser time on every rerun)


def _show_more(key: str, shown: int) -> None:
    st.session_state[f"cat_more_{key}"] = shown + PER_GROUP


def group_section(key: str, title: str, items: list, expanded: bool, show) -> None:
    """One expandable group; long groups show the first entries and a button for more."""
    shown = st.session_state.get(f"cat_more_{key}", PER_GROUP)
    section = lazy_expander(f"{title} ({len(items)})", key=f"cat_exp_{key}", expanded=expanded)
    if section is None:  # closed groups cost nothing: their entries render when opened
        return
    with section:
        for item in items[:shown]:
            show(item)
        rest = len(items) - shown
        if rest > 0:  # the callback counts up before the (fragment's) rerun: drawn once, with the next entries
            st.button(f"Weitere {min(PER_GROUP, rest)} von {rest} anzeigen", key=f"cat_more_btn_{key}",
                      on_click=_show_more, args=(key, shown))


def show_hit(hit: Hit) -> None:
    p = hit.product
    product_line(hit, p.id, p.name, p.short_description, p.status)


def show_product(p) -> None:
    product_line(None, p.id, p.name, p.short_description, p.status)


@page_part
def results() -> None:
    """Search box and results rerun alone while the user types."""
    query = st.text_input(
        "Suche",
        key="suche",
        type="search",
        live=True,
        max_chars=200,
        placeholder="ab 3 Zeichen, z. B. Ummeldung, Hochzeit, Hund, § 18 BMG oder einen LeiKa-Schlüssel",
        bind="query-params",
    ) or ""
    if query.strip() and len(query.strip()) < MIN_QUERY_LENGTH:
        st.info("Bitte geben Sie mindestens drei Zeichen ein.")
        return
    if query.strip():
        hits = index.search(query, filters)
        if not hits:
            st.warning("Keine Treffer. Versuchen Sie einen anderen Begriff oder entfernen Sie Filter.")
            return
        grouped = group_hits(hits)
        note = "" if hits[0].matched_all else " – kein Produkt enthält alle Suchwörter; gezeigt werden die besten"
        st.write(f"**{len(hits)} Treffer** in {len(grouped)} Gruppen{note}")
        for position, (group, in_group) in enumerate(grouped):
            open_at_start = position == 0 or len(hits) <= PER_GROUP  # the best group, or all when few hits
            group_section(f"q{group.value}", f"{group.value} {GROUP_NAMES[group]}", in_group, open_at_start, show_hit)
        return
    letter = st.pills("A–Z", index.letters(), key="cat_letter", selection_mode="single")
    browsed = index.browse(filters, letter or "")
    st.write(f"**{len(browsed)} Produkte**" + (f" mit „{letter}“" if letter else ""))
    by_group: dict = {}
    for p in browsed:
        by_group.setdefault(p.group, []).append(p)
    for group in sorted(by_group, key=lambda g: g.value):
        group_section(f"b{group.value}{letter or ''}", f"{group.value} {GROUP_NAMES[group]}", by_group[group], bool(letter),
                      show_product)


with main_col:
    results()
