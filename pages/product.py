"""One OAA in detail: description, legal basis, output data, sample data and XML, prices, releases, availability."""

from __future__ import annotations

import streamlit as st

from catalog import availability
from catalog.schema import DELIVERY_NAMES, ProductStatus
from catalog.store import get_product
from catalog.xml import sample_xml
from core.db import session_scope
from core.errors import DomainError, NotFound
from core.money import euro
from models import Role
from orders.cart import add_to_cart
from web.fragments import page_part
from web.guard import require_actor
from web.text import fmt_date, md

TYPE_NAMES = {
    "text": "Text", "langtext": "Langtext", "datum": "Datum", "zahl": "Zahl", "betrag": "Betrag", "ja_nein": "Ja/Nein",
    "auswahl": "Auswahl", "email": "E-Mail", "telefon": "Telefon", "datei": "Datei", "url": "Internetadresse",
}

actor = require_actor()
product_id = st.query_params.get("id", "")
try:
    with session_scope() as session:
        product, _version = get_product(session, product_id)
        usage = availability.for_product(session, actor=actor, product_id=product_id)
except NotFound:
    st.title("Produkt nicht gefunden")
    st.warning("Dieses Produkt gibt es im Katalog nicht (mehr). Bitte wählen Sie es im Katalog erneut aus.")
    st.page_link("pages/catalog_search.py", label="Zum Katalog", icon=":material/arrow_back:")
    st.stop()

st.page_link("pages/catalog_search.py", label="Zurück zum Katalog", icon=":material/arrow_back:")
st.title(md(product.name))
badge = {ProductStatus.VERFUEGBAR: ":green-badge[verfügbar]", ProductStatus.GEPLANT: ":orange-badge[geplant]",
         ProductStatus.EINGESTELLT: ":gray-badge[eingestellt]"}[product.status]
st.markdown(f"{badge} &nbsp; {product.group.value} {product.group_name} · Hersteller: **{product.manufacturer.value}**")
st.markdown(md(product.short_description))

info, order = st.columns([3, 1])
with info:
    st.markdown(md(product.description))


@page_part
def order_box() -> None:
    """Prices and, for the municipality, "In den Warenkorb": a click reruns this box alone, not the product's tables."""
    with st.container(border=True):
        st.markdown(f"**Einrichtung:** {euro(product.prices.setup_cents)}  \n"
                    f"**Lizenz und Pflege:** {euro(product.prices.yearly_licence_cents)} pro Jahr")
        if product.prices.note:
            st.caption(md(product.prices.note))
        if product.prices.sample:
            st.caption(":material/info: Beispielpreis")
        own = next((u for u in usage.usages if u.municipality_id == actor.municipality_id and u.is_open), None)
        if actor.role == Role.KOMMUNE and own is not None:
            st.info(f"Ihre Kommune hat diesen OAA bereits bestellt (Stand: {own.state_name}).", icon=":material/check_circle:")
            st.page_link("pages/my_orders.py", label="Zu Meine Bestellungen", icon=":material/receipt_long:")
        elif actor.role == Role.KOMMUNE:

            def _add() -> None:  # a callback: the click costs one rerun, not two (issue #8, click-to-render)
                try:
                    with session_scope() as session:
                        add_to_cart(session, actor=actor, product_id=product.id)
                except DomainError as exc:
                    st.session_state["prod_refused"] = str(exc)
                else:
                    st.session_state["prod_added"] = "Im Warenkorb."

            added = st.session_state.pop("prod_added", None)
            if added:
                st.success(added)
            refused = st.session_state.pop("prod_refused", None)
            if refused:
                st.warning(md(refused))
            st.button("In den Warenkorb", icon=":material/add_shopping_cart:", type="primary", key="prod_cart",
                      on_click=_add)
            st.page_link("pages/cart.py", label="Zum Warenkorb", icon=":material/shopping_cart:")


with order:
    order_box()

facts = st.columns(3)
facts[0].markdown("**Rechtsgrundlagen**\n\n" + "\n".join(f"- {md(b)}" for b in product.legal_basis))
facts[1].markdown("**LeiKa-Schlüssel**\n\n" + "\n".join(f"- `{k}`" for k in product.leika_keys))
facts[2].markdown(
    "**Datenübergabe**\n\n" + "\n".join(f"- {DELIVERY_NAMES[d]}" for d in product.data_delivery)
    + ("\n\n**Fachverfahren**\n\n" + "\n".join(f"- {md(f)}" for f in product.fachverfahren) if product.fachverfahren else "")
)
hints = ([f"Lebenslagen: {md(', '.join(product.life_situations))}"] if product.life_situations else []) + (
    [f"Auch gesucht als: {md(', '.join(product.synonyms))}"] if product.synonyms else []
)
if hints:
    st.caption(" · ".join(hints))

tabs = st.tabs(["Ausgabedaten", "Musterdaten", "XML", "Konfiguration", "Releases", "Verfügbarkeit"])
with tabs[0]:
    st.dataframe(
        [{"Feld": f.name, "Bezeichnung": f.label, "Typ": TYPE_NAMES.get(f.type, f.type), "Pflicht": "ja" if f.required else "",
          "Beschreibung": f.description} for f in product.output_fields],
        hide_index=True, width="stretch",
    )
with tabs[1]:
    st.caption("Beispieldaten – keine echten Personen.")
    labels = {f.name: f.label for f in product.output_fields}
    st.dataframe([{"Feld": labels.get(k, k), "Wert": str(v)} for k, v in product.sample_data.items()],
                 hide_index=True, width="stretch")
with tabs[2]:
    st.caption("So erhält das Fachverfahren bzw. das Transferverzeichnis die Antragsdaten (Musterdaten).")
    st.code(sample_xml(product), language="xml")
with tabs[3]:
    if product.config_fields:
        st.caption("Diese Angaben macht Ihre Kommune im Konfigurationsfragebogen für dieses Produkt.")
        st.dataframe(
            [{"Angabe": c.label, "Typ": TYPE_NAMES.get(c.type, c.type), "Pflicht": "ja" if c.required else "",
              "Auswahl": ", ".join(c.options), "Hinweis": c.help} for c in product.config_fields],
            hide_index=True, width="stretch",
        )
    else:
        st.info("Für dieses Produkt gibt es keine produktspezifischen Einstellungen.")
with tabs[4]:
    if not product.releases:
        st.info("Noch keine Releases veröffentlicht.")
    for release in sorted(product.releases, key=lambda r: r.date, reverse=True):
        review = " · :orange-badge[Konfiguration prüfen]" if release.requires_config_review else ""
        st.markdown(f"**Version {md(release.version)}** vom {fmt_date(release.date)}{review}  \n{md(release.notes)}")
with tabs[5]:
    st.markdown(f"**{usage.live_count}** Kommune(n) nutzen diesen OAA live, **{usage.in_progress_count}** richten ihn ein.")
    if usage.usages:
        st.dataframe([{"Kommune": u.municipality_name, "Landkreis": u.kreis, "Stand": u.state_name} for u in usage.usages],
                     hide_index=True, width="stretch")
    elif actor.role == Role.KOMMUNE:
        st.caption("Ihre Kommune hat diesen OAA noch nicht bestellt.")
