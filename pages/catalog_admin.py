"""KISA: keep the product catalogue — edit, create and retire products, export and import the whole catalogue."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from catalog.editing import (
    CHOICE_COLUMNS,
    COLUMN_HELP,
    COLUMN_NAMES,
    COLUMNS,
    DATE_COLUMNS,
    FIELD_NAMES,
    FLAG_COLUMNS,
    STATUS_TEXT,
    TEXT_COLUMNS,
    collect_data,
    form_values,
    problem_list,
    report_names,
    table_rows,
)
from catalog.loader import CatalogError, Problem
from catalog.schema import (
    DELIVERY_NAMES,
    GROUP_NAMES,
    AktenplanGroup,
    DataDelivery,
    Manufacturer,
    Product,
    ProductStatus,
)
from catalog.store import (
    ImportReport,
    StaleEdit,
    export_products,
    get_product,
    import_catalog,
    parse_entries,
    retire_product,
    save_product,
)
from core.clock import utcnow
from core.db import session_scope
from core.errors import DomainError
from web.cached import catalog_index, product_status_labels
from web.downloads import deferred, safe_filename
from web.search_pick import search_pick
from web.state import current_actor
from web.text import BERLIN, md

NEW = "__neu__"  # selectbox entry "Neues Produkt anlegen" (product ids are slugs and never look like this)
# session-state key of the widget holding each form value of catalog.editing.form_values
FORM_KEYS = {
    "id": "cat_adm_id",
    "name": "cat_adm_name",
    "short_description": "cat_adm_short",
    "description": "cat_adm_description",
    "group": "cat_adm_group",
    "manufacturer": "cat_adm_manufacturer",
    "status": "cat_adm_status",
    "legal_basis": "cat_adm_legal",
    "leika_keys": "cat_adm_leika",
    "synonyms": "cat_adm_synonyms",
    "life_situations": "cat_adm_life",
    "fachverfahren": "cat_adm_fachverfahren",
    "data_delivery": "cat_adm_delivery",
    "setup_euros": "cat_adm_setup",
    "yearly_euros": "cat_adm_yearly",
    "price_note": "cat_adm_price_note",
    "sample_price": "cat_adm_sample",
}

S = st.session_state


# --- the form -------------------------------------------------------------------------------------------------


def _fill_form(product: Product | None, version: int | None, loaded: str | None) -> None:
    """Put a product (or an empty new one) into the form; called before the form's widgets are drawn."""
    S["cat_adm_loaded"] = loaded
    S["cat_adm_version"] = version
    S["cat_adm_stale"] = None
    S["cat_adm_gen"] = int(S.get("cat_adm_gen", 0)) + 1  # fresh table editors
    S["cat_adm_tables"] = table_rows(product)
    S["cat_adm_original_sample"] = dict(product.sample_data) if product else {}
    for field, value in form_values(product).items():
        S[FORM_KEYS[field]] = value


def _editor_frame(table: str) -> pd.DataFrame:
    """Return a table's starting rows as the frame its editor shows."""
    frame = pd.DataFrame(S["cat_adm_tables"][table], columns=COLUMNS[table])
    for column in TEXT_COLUMNS[table]:
        frame[column] = frame[column].fillna("").astype(str)
    for column in FLAG_COLUMNS[table]:
        frame[column] = frame[column].fillna(False).astype("boolean")  # nullable: added rows may leave it empty
    for column in DATE_COLUMNS[table]:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _column(table: str, column: str) -> Any:
    """Return the editor's configuration of one column: its German heading, help and kind of cell."""
    label = COLUMN_NAMES[table][column]
    hint = COLUMN_HELP.get(table, {}).get(column)
    if column in FLAG_COLUMNS[table]:
        return st.column_config.CheckboxColumn(label, help=hint)
    if column in DATE_COLUMNS[table]:
        return st.column_config.DateColumn(label, help=hint, format="DD.MM.YYYY")
    choices = CHOICE_COLUMNS.get(table, {}).get(column)
    if choices is not None:
        return st.column_config.SelectboxColumn(label, help=hint, options=choices)
    return st.column_config.TextColumn(label, help=hint)


def _table_editor(table: str, intro: str) -> pd.DataFrame:
    """Draw the editor of one of the form's tables under its introduction; return the table as edited."""
    st.markdown(intro)
    return st.data_editor(
        _editor_frame(table), key=f"cat_adm_{table}_{S['cat_adm_gen']}", num_rows="dynamic", hide_index=True,
        width="stretch", column_config={column: _column(table, column) for column in COLUMNS[table]},
    )


def _cell(value: Any) -> Any:
    """Return a cell of an edited frame, with pandas' empty values (NaN, NA, NaT) as None."""
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return an edited frame as plain row dicts for catalog.editing."""
    return [{column: _cell(value) for column, value in row.items()} for row in frame.to_dict("records")]


def _collect(editors: dict[str, pd.DataFrame]) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """Build the product data from the form; also return the clerk's row numbers of every table entry."""
    loaded = S["cat_adm_loaded"]
    return collect_data({field: S[key] for field, key in FORM_KEYS.items()},
                        {table: _rows(frame) for table, frame in editors.items()},
                        product_id=None if loaded == NEW else loaded, original_sample=S["cat_adm_original_sample"])


# --- page ---------------------------------------------------------------------------------------------------

actor = current_actor()
assert actor is not None
st.title("Katalogpflege")
if not (actor.is_staff and actor.is_active):
    st.error("Die Katalogpflege ist nur für Mitarbeitende von KISA und die Administration freigegeben.",
             icon=":material/block:")
    st.stop()
st.caption("Produkte bearbeiten, neu anlegen oder einstellen und den ganzen Katalog sichern oder einspielen. "
           "Änderungen sind sofort für alle Kommunen sichtbar.")

index = catalog_index()  # cached per catalogue version: 10,000 products are not parsed per rerun
products, by_id = index.products, index.by_id

goto = S.pop("cat_adm_goto", None)
if goto is not None:
    S["cat_adm_pick"] = goto
    S["cat_adm_loaded"] = None  # load it afresh from the database
if S.get("cat_adm_pick") not in (None, NEW) and S.get("cat_adm_pick") not in by_id:
    S.pop("cat_adm_pick", None)  # removed meanwhile (e.g. by an import)

edit_tab, exchange_tab = st.tabs(["Produkt bearbeiten", "Export und Import"])

with edit_tab:
    pick = search_pick(
        "Produkt", product_status_labels(), pinned={NEW: "➕ Neues Produkt anlegen"}, key="cat_adm_pick",
        placeholder="Produkt wählen …",
        help="Alle Produkte, auch eingestellte. Mit „Neues Produkt anlegen“ beginnen Sie mit einem leeren Formular. "
             "Beim Wechsel gehen nicht gespeicherte Eingaben verloren.",
    )
    if pick is None:
        S["cat_adm_loaded"] = None
        st.info("Wählen Sie ein Produkt zum Bearbeiten oder „Neues Produkt anlegen“.", icon=":material/edit_note:")
    elif pick != S.get("cat_adm_loaded"):
        if pick == NEW:
            _fill_form(None, None, NEW)
        else:
            try:
                with session_scope() as session:
                    loaded_product, loaded_version = get_product(session, pick)
            except DomainError as exc:
                st.error(md(str(exc)))
                st.stop()
            _fill_form(loaded_product, loaded_version, pick)

    if pick is not None:
        is_new = pick == NEW
        editors: dict[str, pd.DataFrame] = {}
        with st.form("cat_adm_form", enter_to_submit=False):
            st.header("Neues Produkt" if is_new else md(by_id[pick].name))
            st.text_input(FIELD_NAMES["name"], key="cat_adm_name", max_chars=300)
            if is_new:
                st.text_input(
                    FIELD_NAMES["id"], key="cat_adm_id", max_chars=80, placeholder="wird aus dem Namen gebildet",
                    help="Dauerhafte Kennung des Produkts, z. B. in Bestellungen und im Export. Leer lassen: "
                         "sie wird aus dem Namen gebildet (aus „Meldebescheinigung beantragen“ wird "
                         "„meldebescheinigung-beantragen“). Später nicht mehr änderbar.",
                )
            else:
                st.caption(f"Kennung: **{md(pick)}** (nicht änderbar) · Bearbeitungsstand {S['cat_adm_version']}")
            st.text_input(FIELD_NAMES["short_description"], key="cat_adm_short", max_chars=300,
                          help="10 bis 300 Zeichen; erscheint in der Trefferliste des Katalogs.")
            st.text_area(FIELD_NAMES["description"], key="cat_adm_description", height=150,
                         help="Mindestens 20 Zeichen; Markdown ist erlaubt.")
            left, middle, right = st.columns(3)
            left.selectbox(FIELD_NAMES["group"], list(AktenplanGroup), key="cat_adm_group", placeholder="Bitte wählen …",
                           format_func=lambda g: f"{g.value} – {GROUP_NAMES[g]}")
            middle.selectbox(FIELD_NAMES["manufacturer"], list(Manufacturer), key="cat_adm_manufacturer",
                             placeholder="Bitte wählen …", format_func=lambda m: m.value)
            right.selectbox(FIELD_NAMES["status"], list(ProductStatus), key="cat_adm_status",
                            placeholder="Bitte wählen …", format_func=lambda s: STATUS_TEXT[s])

            st.markdown("**Fundstellen und Suchbegriffe** – je Zeile ein Eintrag")
            left, right = st.columns(2)
            left.text_area(FIELD_NAMES["legal_basis"], key="cat_adm_legal", help="z. B. § 18 Bundesmeldegesetz")
            right.text_area(FIELD_NAMES["leika_keys"], key="cat_adm_leika", help="Je Zeile ein Schlüssel mit 14 Ziffern.")
            left.text_area(FIELD_NAMES["synonyms"], key="cat_adm_synonyms",
                           help="Andere Wörter, unter denen Kommunen das Produkt suchen.")
            right.text_area(FIELD_NAMES["life_situations"], key="cat_adm_life")
            left.text_area(FIELD_NAMES["fachverfahren"], key="cat_adm_fachverfahren",
                           help="Fachverfahren, an die der OAA Daten übergeben kann.")
            right.multiselect(FIELD_NAMES["data_delivery"], list(DataDelivery), key="cat_adm_delivery",
                              format_func=lambda d: DELIVERY_NAMES[d], placeholder="Mindestens einen Weg wählen …")

            st.markdown("**Preise** (Euro, netto)")
            left, middle = st.columns(2)
            left.number_input("Einrichtung (einmalig)", key="cat_adm_setup", min_value=0.0, max_value=10_000_000.0,
                              step=50.0, format="%.2f")
            middle.number_input("Lizenz und Pflege pro Jahr", key="cat_adm_yearly", min_value=0.0,
                                max_value=10_000_000.0, step=50.0, format="%.2f")
            st.text_input("Hinweis zum Preis", key="cat_adm_price_note", max_chars=500)
            st.checkbox("Beispielpreis (kein gültiger Tarif)", key="cat_adm_sample",
                        help="Kommunen sehen den Hinweis „Beispielpreis“ am Produkt.")

            editors["output_fields"] = _table_editor(
                "output_fields", "**Ausgabedaten** – die Felder, die der OAA an die Kommune übergibt")
            editors["sample_data"] = _table_editor(
                "sample_data", "**Musterdaten** – ein Beispielwert je Ausgabefeld (Pflichtfelder brauchen einen)")
            editors["config_fields"] = _table_editor(
                "config_fields", "**Konfigurationsfelder** – was die Kommune im Fragebogen angibt")
            editors["releases"] = _table_editor("releases", "**Versionen** – veröffentlichte Stände des OAA")
            submitted = st.form_submit_button("Produkt anlegen" if is_new else "Änderungen speichern", type="primary",
                                              icon=":material/save:", key="cat_adm_save")

        if submitted:
            data, row_numbers = _collect(editors)
            try:
                with session_scope() as session:
                    saved = save_product(session, actor=actor, data=data, expected_version=S["cat_adm_version"])
            except CatalogError as exc:
                problems = list(exc.problems)
                taken = data.get("id")
                if is_new and taken in by_id and not any(p.field == "id" for p in problems):
                    # the service names a taken id only once the rest is valid; say it now to save a round trip
                    problems.insert(0, Problem("Formular", "id", f"„{taken}“ ist schon vergeben"))
                st.error("Das Produkt wurde **nicht gespeichert**. Bitte korrigieren Sie:\n\n"
                         + problem_list(problems, rows=row_numbers), icon=":material/error:")
            except StaleEdit as exc:
                S["cat_adm_stale"] = str(exc)
            except DomainError as exc:
                st.error(md(str(exc)), icon=":material/error:")
            else:
                S["cat_adm_message"] = (f"„{saved.name}“ ist angelegt." if is_new
                                        else f"Die Änderungen an „{saved.name}“ sind gespeichert.")
                S["cat_adm_goto"] = saved.id
                st.rerun()

        if S.get("cat_adm_stale"):
            st.error(f"**Nicht gespeichert:** {md(S['cat_adm_stale'])}", icon=":material/sync_problem:")
            st.caption("„Neu laden“ zeigt den aktuellen Stand; Ihre Eingaben im Formular werden dabei verworfen. "
                       "Notieren Sie sich vorher, was Sie ändern wollten.")
            st.button("Neu laden", icon=":material/refresh:", key="cat_adm_reload",
                      on_click=lambda: S.update(cat_adm_loaded=None, cat_adm_stale=None))

        message = S.pop("cat_adm_message", None)
        if message:
            st.success(md(message), icon=":material/check_circle:")

        if not is_new and by_id[pick].status != ProductStatus.EINGESTELLT:
            st.header("Produkt einstellen")
            st.caption(
                "Ein eingestelltes Produkt kann nicht mehr neu bestellt werden. Es bleibt im Katalog: Kommunen, "
                "die es schon bestellt haben, behalten es mit allen Angaben. Nicht gespeicherte Änderungen im "
                "Formular oben gehen dabei verloren. Rückgängig machen: Status wieder auf „verfügbar“ setzen."
            )
            confirm = st.checkbox(f"Ja, „{md(by_id[pick].name)}“ einstellen", key="cat_adm_retire_confirm")
            if st.button("Einstellen", icon=":material/archive:", disabled=not confirm, key="cat_adm_retire"):
                try:
                    with session_scope() as session:
                        retired = retire_product(session, actor=actor, product_id=pick,
                                                 expected_version=S["cat_adm_version"])
                except StaleEdit as exc:
                    S["cat_adm_stale"] = str(exc)
                    st.rerun()
                except DomainError as exc:
                    st.error(md(str(exc)), icon=":material/error:")
                else:
                    S["cat_adm_message"] = f"„{retired.name}“ ist eingestellt und kann nicht mehr neu bestellt werden."
                    S["cat_adm_goto"] = retired.id
                    st.rerun()


def _show_report(report: ImportReport, names: dict[str, str]) -> None:
    verb = "übernommen" if report.applied else "würden übernommen"
    st.markdown(f"**{len(report.added)} neu, {len(report.changed)} geändert, {len(report.removed)} entfernt, "
                f"{report.unchanged} unverändert** – {verb}.")
    for title, ids in (("Neu", report.added), ("Geändert", report.changed), ("Entfernt", report.removed)):
        if ids:
            st.markdown(f"**{title}:**\n\n{report_names(ids, names)}")


with exchange_tab:
    st.header("Katalog exportieren")
    st.caption("Der ganze Katalog als JSON-Datei, auch eingestellte Produkte – zum Sichern oder zum Bearbeiten "
               "außerhalb des Shops. Genau dieses Format können Sie unten wieder einspielen.")

    def _export() -> str:
        with session_scope() as session:
            return json.dumps(export_products(session), ensure_ascii=False, indent=2)

    today = utcnow().astimezone(BERLIN).date().isoformat()
    st.download_button(  # the file (megabytes at 10,000 products) is made only when the button is clicked
        "Katalog herunterladen", data=deferred(_export, what="Katalog (JSON)"),
        file_name=safe_filename("oaa-katalog", today, extension="json"), mime="application/json", icon=":material/download:",
        key="cat_adm_export", on_click="ignore",
    )
    st.caption("1 Produkt" if len(products) == 1 else f"{len(products)} Produkte")

    st.header("Katalog importieren")
    st.caption(
        "Ein Import **ersetzt den ganzen Katalog** durch die Produkte der Datei: neue kommen hinzu, geänderte "
        "werden überschrieben, Produkte, die in der Datei fehlen, werden entfernt. Zuerst sehen Sie, was "
        "passieren würde – übernommen wird erst nach Ihrer Bestätigung. Bestellte Produkte werden nie "
        "entfernt; stellen Sie sie stattdessen ein."
    )
    upload_gen = int(S.get("cat_adm_upload_gen", 0))
    upload = st.file_uploader("JSON-Datei (wie beim Export)", type=["json"], key=f"cat_adm_upload_{upload_gen}")
    imported = S.pop("cat_adm_import_message", None)
    if imported:
        st.success(imported, icon=":material/check_circle:")
    if upload is not None:
        entries = None
        try:
            raw = json.loads(upload.getvalue().decode("utf-8-sig"))
            entries = parse_entries(raw, upload.name)
        except UnicodeDecodeError:
            st.error(f"„{md(upload.name)}“ ist keine Textdatei in UTF-8. Es wurde nichts geändert.", icon=":material/error:")
        except json.JSONDecodeError as exc:
            st.error(f"„{md(upload.name)}“ ist keine gültige JSON-Datei (Zeile {exc.lineno}, Spalte {exc.colno}). "
                     "Es wurde nichts geändert. Bitte verwenden Sie eine Datei aus „Katalog herunterladen“.",
                     icon=":material/error:")
        except CatalogError as exc:
            st.error("Die Datei kann nicht eingespielt werden. Es wurde nichts geändert.\n\n"
                     + problem_list(exc.problems, with_source=True), icon=":material/error:")
        if entries is not None:
            names = {p.id: p.name for p in products}
            names.update({str(item["id"]): str(item.get("name") or item["id"]) for _, item in entries if item.get("id")})
            try:
                with session_scope() as session:
                    report = import_catalog(session, entries=entries, actor=actor, dry_run=True)
            except DomainError as exc:
                st.error(md(str(exc)), icon=":material/error:")
                st.stop()
            st.markdown("**Probelauf** – noch ist nichts geändert:")
            _show_report(report, names)
            if report.problems:
                count = "1 Problem" if len(report.problems) == 1 else f"{len(report.problems)} Probleme"
                st.error(f"Die Datei kann so nicht eingespielt werden ({count}). "
                         "Es wurde nichts geändert. Bitte korrigieren Sie:\n\n"
                         + problem_list(report.problems, with_source=True), icon=":material/error:")
            elif not (report.added or report.changed or report.removed):
                st.info("Der Katalog entspricht bereits dieser Datei – es gibt nichts zu übernehmen.",
                        icon=":material/check:")
            else:
                if report.removed:
                    st.warning(f"Achtung: {len(report.removed)} Produkt(e) würden aus dem Katalog **entfernt**. "
                               "Wenn sie nur nicht mehr angeboten werden sollen, stellen Sie sie besser ein.",
                               icon=":material/warning:")
                sure = st.checkbox("Ja, den Katalog durch diese Datei ersetzen", key=f"cat_adm_import_confirm_{upload_gen}")
                if st.button("Import übernehmen", type="primary", disabled=not sure, icon=":material/upload:",
                             key=f"cat_adm_import_{upload_gen}"):
                    try:
                        with session_scope() as session:
                            done = import_catalog(session, entries=entries, actor=actor)
                    except DomainError as exc:
                        st.error(md(str(exc)), icon=":material/error:")
                    else:
                        if done.problems:
                            st.error("Der Katalog hat sich inzwischen geändert; der Import wurde nicht übernommen:\n\n"
                                     + problem_list(done.problems, with_source=True), icon=":material/error:")
                        else:
                            S["cat_adm_import_message"] = (
                                f"Import übernommen: {len(done.added)} neu, {len(done.changed)} geändert, "
                                f"{len(done.removed)} entfernt, {done.unchanged} unverändert."
                            )
                            S["cat_adm_upload_gen"] = upload_gen + 1  # empty upload field
                            S["cat_adm_loaded"] = None  # the open product may have changed
                            st.rerun()
