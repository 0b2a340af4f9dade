"""KISA: keep the product catalogue — edit, create and retire products, export and import the whole catalogue."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any, get_args

import pandas as pd
import streamlit as st

from catalog.loader import CatalogError, Problem
from catalog.schema import (
    DELIVERY_NAMES,
    GROUP_NAMES,
    AktenplanGroup,
    ConfigField,
    DataDelivery,
    FieldType,
    Manufacturer,
    Product,
    ProductStatus,
    slugify,
)
from catalog.store import (
    ImportReport,
    StaleEdit,
    export_products,
    get_product,
    import_catalog,
    load_products,
    parse_entries,
    retire_product,
    save_product,
)
from core.clock import utcnow
from core.db import session_scope
from core.errors import DomainError
from web.state import current_actor
from web.text import BERLIN

NEW = "__neu__"  # selectbox entry "Neues Produkt anlegen" (product ids are slugs and never look like this)

STATUS_TEXT = {
    ProductStatus.VERFUEGBAR: "verfügbar – kann bestellt werden",
    ProductStatus.GEPLANT: "geplant – angekündigt, noch nicht bestellbar",
    ProductStatus.EINGESTELLT: "eingestellt – nicht mehr neu bestellbar",
}
FIELD_TYPES = list(get_args(FieldType))
CONFIG_TYPES = list(get_args(ConfigField.model_fields["type"].annotation))

# German names of the product fields, for the form labels and for naming problems.
FIELD_NAMES = {
    "id": "Kennung (ID)",
    "name": "Name",
    "short_description": "Kurzbeschreibung",
    "description": "Ausführliche Beschreibung",
    "group": "Aktenplan-Hauptgruppe",
    "manufacturer": "Hersteller",
    "status": "Status",
    "legal_basis": "Rechtsgrundlagen",
    "leika_keys": "LeiKa-Schlüssel",
    "synonyms": "Synonyme",
    "life_situations": "Lebenslagen",
    "fachverfahren": "Fachverfahren",
    "data_delivery": "Datenübermittlung",
    "output_fields": "Ausgabedaten",
    "config_fields": "Konfigurationsfelder",
    "releases": "Versionen",
    "sample_data": "Musterdaten",
    "prices": "Preise",
}
COLUMN_NAMES = {
    "output_fields": {"name": "Feldname (XML)", "label": "Bezeichnung", "type": "Typ", "required": "Pflichtfeld",
                      "description": "Beschreibung"},
    "config_fields": {"key": "Schlüssel", "label": "Bezeichnung", "type": "Typ", "required": "Pflichtangabe",
                      "help": "Hilfetext", "options": "Auswahlmöglichkeiten", "default": "Vorbelegung"},
    "releases": {"version": "Version", "date": "Datum", "notes": "Änderungen", "requires_config_review":
                 "Konfiguration prüfen"},
    "prices": {"setup_cents": "Einrichtung", "yearly_licence_cents": "Lizenz und Pflege pro Jahr", "note": "Hinweis",
               "sample": "Beispielpreis"},
}
FORMAT_HINTS = {
    "id": "nur Kleinbuchstaben a–z, Ziffern und Bindestriche, 3 bis 80 Zeichen, z. B. meldebescheinigung",
    "leika_keys": "genau 14 Ziffern",
    "output_fields.name": "Kleinbuchstaben, Ziffern und Unterstrich, beginnend mit einem Buchstaben",
    "config_fields.key": "Kleinbuchstaben, Ziffern und Unterstrich, beginnend mit einem Buchstaben",
    "releases.version": "z. B. 1.2 oder 1.2.3",
}
COLUMNS = {
    "output_fields": ["name", "label", "type", "required", "description"],
    "config_fields": ["key", "label", "type", "required", "help", "options", "default"],
    "releases": ["version", "date", "notes", "requires_config_review"],
    "sample_data": ["name", "value"],
}
TEXT_COLUMNS = {
    "output_fields": ["name", "label", "type", "description"],
    "config_fields": ["key", "label", "type", "help", "options", "default"],
    "releases": ["version", "notes"],
    "sample_data": ["name", "value"],
}
FLAG_COLUMNS = {"output_fields": ["required"], "config_fields": ["required"], "releases": ["requires_config_review"],
                "sample_data": []}
OPTION_SEPARATOR = ";"
YES = {"ja", "j", "true", "wahr", "1", "yes"}
NO = {"nein", "n", "false", "falsch", "0", "no"}

S = st.session_state


# --- reading and writing the form ----------------------------------------------------------------------------


def _lines(values: list[str]) -> str:
    return "\n".join(values)


def _from_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _sample_text(value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nein"
    return str(value)


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str:
    return "" if _is_blank(value) else str(value).strip()


def _flag(value: Any) -> bool:
    return False if _is_blank(value) else bool(value)


def _table_rows(product: Product | None) -> dict[str, list[dict[str, Any]]]:
    """Return the rows the table editors start with."""
    if product is None:
        return {
            "output_fields": [{"name": "", "label": "", "type": "text", "required": True, "description": ""}],
            "config_fields": [],
            "releases": [],
            "sample_data": [],
        }
    return {
        "output_fields": [f.model_dump() for f in product.output_fields],
        "config_fields": [
            {**c.model_dump(), "options": f"{OPTION_SEPARATOR} ".join(c.options), "default": c.default or ""}
            for c in product.config_fields
        ],
        "releases": [r.model_dump() for r in product.releases],
        "sample_data": [{"name": k, "value": _sample_text(v)} for k, v in product.sample_data.items()],
    }


def _fill_form(product: Product | None, version: int | None, loaded: str | None) -> None:
    """Put a product (or an empty new one) into the form; called before the form's widgets are drawn."""
    S["cat_adm_loaded"] = loaded
    S["cat_adm_version"] = version
    S["cat_adm_stale"] = None
    S["cat_adm_gen"] = int(S.get("cat_adm_gen", 0)) + 1  # fresh table editors
    S["cat_adm_tables"] = _table_rows(product)
    S["cat_adm_original_sample"] = dict(product.sample_data) if product else {}
    S["cat_adm_id"] = ""
    S["cat_adm_name"] = product.name if product else ""
    S["cat_adm_short"] = product.short_description if product else ""
    S["cat_adm_description"] = product.description if product else ""
    S["cat_adm_group"] = product.group if product else None
    S["cat_adm_manufacturer"] = product.manufacturer if product else None
    S["cat_adm_status"] = product.status if product else ProductStatus.GEPLANT
    S["cat_adm_legal"] = _lines(product.legal_basis) if product else ""
    S["cat_adm_leika"] = _lines(product.leika_keys) if product else ""
    S["cat_adm_synonyms"] = _lines(product.synonyms) if product else ""
    S["cat_adm_life"] = _lines(product.life_situations) if product else ""
    S["cat_adm_fachverfahren"] = _lines(product.fachverfahren) if product else ""
    S["cat_adm_delivery"] = list(product.data_delivery) if product else []
    S["cat_adm_setup"] = product.prices.setup_cents / 100 if product else 0.0
    S["cat_adm_yearly"] = product.prices.yearly_licence_cents / 100 if product else 0.0
    S["cat_adm_price_note"] = product.prices.note if product else ""
    S["cat_adm_sample"] = product.prices.sample if product else True


def _editor_frame(table: str) -> pd.DataFrame:
    frame = pd.DataFrame(S["cat_adm_tables"][table], columns=COLUMNS[table])
    for column in TEXT_COLUMNS[table]:
        frame[column] = frame[column].fillna("").astype(str)
    for column in FLAG_COLUMNS[table]:
        frame[column] = frame[column].fillna(False).astype("boolean")  # nullable: added rows may leave it empty
    if table == "releases":
        frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _kept_rows(frame: pd.DataFrame, table: str) -> list[tuple[int, dict[str, Any]]]:
    """Return (row number as the clerk sees it, row) for every row that is not entirely empty."""
    kept = []
    for number, row in enumerate(frame.to_dict("records"), start=1):
        texts = [_text(row.get(c)) for c in TEXT_COLUMNS[table]]
        flags = [_flag(row.get(c)) for c in FLAG_COLUMNS[table]]
        if any(texts) or any(flags) or (table == "releases" and not _is_blank(row.get("date"))):
            kept.append((number, row))
    return kept


def _put(target: dict[str, Any], key: str, value: str) -> None:
    """Leave out empty required texts, so the check says „fehlt“ instead of a format complaint."""
    if value:
        target[key] = value


def _date(value: Any) -> date | str | None:
    if _is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return str(value).strip()


def _sample_value(text: str, field_type: str | None, original: Any) -> str | int | float | bool:
    """Turn a sample value typed as text back into the type the output field needs."""
    if original is not None and _sample_text(original) == text:
        return original  # unchanged: keep exactly what was stored
    lowered = text.lower()
    if field_type == "ja_nein" and lowered in YES | NO:
        return lowered in YES
    if field_type in ("zahl", "betrag"):
        number = text.replace(".", "").replace(",", ".") if "," in text else text
        try:
            return int(number)
        except ValueError:
            try:
                return float(number)
            except ValueError:
                return text
    return text


def _collect(editors: dict[str, pd.DataFrame]) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """Build the product data from the form; also return the clerk's row numbers of every table entry."""
    rows: dict[str, list[int]] = {}
    data: dict[str, Any] = {
        "short_description": S["cat_adm_short"],
        "description": S["cat_adm_description"],
        "legal_basis": _from_lines(S["cat_adm_legal"]),
        "leika_keys": _from_lines(S["cat_adm_leika"]),
        "synonyms": _from_lines(S["cat_adm_synonyms"]),
        "life_situations": _from_lines(S["cat_adm_life"]),
        "fachverfahren": _from_lines(S["cat_adm_fachverfahren"]),
        "data_delivery": [DataDelivery(d).value for d in S["cat_adm_delivery"]],
        "prices": {
            "setup_cents": round(float(S["cat_adm_setup"] or 0) * 100),
            "yearly_licence_cents": round(float(S["cat_adm_yearly"] or 0) * 100),
            "note": S["cat_adm_price_note"].strip(),
            "sample": bool(S["cat_adm_sample"]),
        },
    }
    new_id = S["cat_adm_id"].strip() or slugify(S["cat_adm_name"])
    _put(data, "id", S["cat_adm_loaded"] if S["cat_adm_loaded"] != NEW else new_id)
    _put(data, "name", S["cat_adm_name"].strip())
    for key, enum in (("group", AktenplanGroup), ("manufacturer", Manufacturer), ("status", ProductStatus)):
        if S[f"cat_adm_{key}"] is not None:
            data[key] = enum(S[f"cat_adm_{key}"]).value

    output_fields = []
    for number, row in _kept_rows(editors["output_fields"], "output_fields"):
        entry: dict[str, Any] = {"required": _flag(row["required"]), "description": _text(row["description"])}
        for key in ("name", "label", "type"):
            _put(entry, key, _text(row[key]))
        output_fields.append(entry)
        rows.setdefault("output_fields", []).append(number)
    data["output_fields"] = output_fields

    config_fields = []
    for number, row in _kept_rows(editors["config_fields"], "config_fields"):
        options = [o.strip() for o in _text(row["options"]).split(OPTION_SEPARATOR) if o.strip()]
        entry = {"required": _flag(row["required"]), "help": _text(row["help"]), "options": options,
                 "default": _text(row["default"]) or None}
        for key in ("key", "label", "type"):
            _put(entry, key, _text(row[key]))
        config_fields.append(entry)
        rows.setdefault("config_fields", []).append(number)
    data["config_fields"] = config_fields

    releases = []
    for number, row in _kept_rows(editors["releases"], "releases"):
        entry = {"requires_config_review": _flag(row["requires_config_review"])}
        for key in ("version", "notes"):
            _put(entry, key, _text(row[key]))
        when = _date(row["date"])
        if when is not None:
            entry["date"] = when
        releases.append(entry)
        rows.setdefault("releases", []).append(number)
    data["releases"] = releases

    types = {f.get("name"): f.get("type") for f in output_fields}
    original = S["cat_adm_original_sample"]
    sample: dict[str, Any] = {}
    for _number, row in _kept_rows(editors["sample_data"], "sample_data"):
        name = _text(row["name"])
        sample[name] = _sample_value(_text(row["value"]), types.get(name), original.get(name))
    data["sample_data"] = sample
    return data, rows


# --- explaining problems ----------------------------------------------------------------------------------


def _where(field: str, rows: dict[str, list[int]] | None = None) -> str:
    """Name a dotted field path in German, e.g. „Ausgabedaten, Zeile 3, Spalte „Typ““."""
    if not field:
        return "Produkt"
    parts = field.split(".")
    top = parts[0]
    text = f"**{FIELD_NAMES.get(top, top)}**"
    rest = parts[1:]
    if top == "sample_data" and rest:
        return f"{text}, Feld „{rest[0]}“"
    if top == "prices" and rest:
        return f"{text}, {COLUMN_NAMES['prices'].get(rest[0], rest[0])}"
    if rest and rest[0].isdigit():
        index = int(rest[0])
        numbers = (rows or {}).get(top)
        number = numbers[index] if numbers and index < len(numbers) else index + 1
        text += f", Zeile {number}"
        rest = rest[1:]
    if rest:
        text += f", Spalte „{COLUMN_NAMES.get(top, {}).get(rest[0], rest[0])}“"
    return text


def _explain(problem: Problem, rows: dict[str, list[int]] | None = None) -> str:
    message = problem.message
    if message == "hat nicht das erwartete Format":
        parts = [p for p in problem.field.split(".") if not p.isdigit()]
        hint = FORMAT_HINTS.get(".".join(parts[:2])) or FORMAT_HINTS.get(parts[0] if parts else "")
        if hint:
            message += f" ({hint})"
    return f"{_where(problem.field, rows)}: {message}"


def _problem_list(problems: list[Problem], *, with_source: bool = False, rows: dict[str, list[int]] | None = None) -> str:
    lines = []
    for problem in problems:
        if with_source and not problem.field:
            lines.append(f"- {problem.source}: {problem.message}")
        else:
            prefix = f"{problem.source} – " if with_source else ""
            lines.append(f"- {prefix}{_explain(problem, rows)}")
    return "\n".join(lines)


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

with session_scope() as session:
    products = load_products(session)
by_id = {p.id: p for p in products}

goto = S.pop("cat_adm_goto", None)
if goto is not None:
    S["cat_adm_pick"] = goto
    S["cat_adm_loaded"] = None  # load it afresh from the database
if S.get("cat_adm_pick") not in [None, NEW, *by_id]:
    S.pop("cat_adm_pick", None)  # removed meanwhile (e.g. by an import)

edit_tab, exchange_tab = st.tabs(["Produkt bearbeiten", "Export und Import"])

with edit_tab:
    pick = st.selectbox(
        "Produkt", [NEW, *by_id], index=None, placeholder="Produkt wählen …", key="cat_adm_pick",
        format_func=lambda i: "➕ Neues Produkt anlegen" if i == NEW else f"{by_id[i].name} ({by_id[i].status.value})",
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
                st.error(str(exc))
                st.stop()
            _fill_form(loaded_product, loaded_version, pick)

    if pick is not None:
        is_new = pick == NEW
        gen = S["cat_adm_gen"]
        editors: dict[str, pd.DataFrame] = {}
        with st.form("cat_adm_form", enter_to_submit=False):
            st.subheader("Neues Produkt" if is_new else by_id[pick].name)
            st.text_input(FIELD_NAMES["name"], key="cat_adm_name", max_chars=300)
            if is_new:
                st.text_input(
                    FIELD_NAMES["id"], key="cat_adm_id", max_chars=80, placeholder="wird aus dem Namen gebildet",
                    help="Dauerhafte Kennung des Produkts, z. B. in Bestellungen und im Export. Leer lassen: "
                         "sie wird aus dem Namen gebildet (aus „Meldebescheinigung beantragen“ wird "
                         "„meldebescheinigung-beantragen“). Später nicht mehr änderbar.",
                )
            else:
                st.caption(f"Kennung: `{pick}` (nicht änderbar) · Bearbeitungsstand {S['cat_adm_version']}")
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

            st.markdown("**Ausgabedaten** – die Felder, die der OAA an die Kommune übergibt")
            editors["output_fields"] = st.data_editor(
                _editor_frame("output_fields"), key=f"cat_adm_output_fields_{gen}", num_rows="dynamic",
                hide_index=True, width="stretch",
                column_config={
                    "name": st.column_config.TextColumn(COLUMN_NAMES["output_fields"]["name"],
                                                        help=FORMAT_HINTS["output_fields.name"]),
                    "label": st.column_config.TextColumn(COLUMN_NAMES["output_fields"]["label"]),
                    "type": st.column_config.SelectboxColumn(COLUMN_NAMES["output_fields"]["type"], options=FIELD_TYPES),
                    "required": st.column_config.CheckboxColumn(COLUMN_NAMES["output_fields"]["required"]),
                    "description": st.column_config.TextColumn(COLUMN_NAMES["output_fields"]["description"]),
                },
            )
            st.markdown("**Musterdaten** – ein Beispielwert je Ausgabefeld (Pflichtfelder brauchen einen)")
            editors["sample_data"] = st.data_editor(
                _editor_frame("sample_data"), key=f"cat_adm_sample_data_{gen}", num_rows="dynamic",
                hide_index=True, width="stretch",
                column_config={
                    "name": st.column_config.TextColumn("Feldname (XML)", help="wie in den Ausgabedaten"),
                    "value": st.column_config.TextColumn("Beispielwert",
                                                         help="Ja/Nein-Felder: „ja“ oder „nein“; Datum: JJJJ-MM-TT"),
                },
            )
            st.markdown("**Konfigurationsfelder** – was die Kommune im Fragebogen angibt")
            editors["config_fields"] = st.data_editor(
                _editor_frame("config_fields"), key=f"cat_adm_config_fields_{gen}", num_rows="dynamic",
                hide_index=True, width="stretch",
                column_config={
                    "key": st.column_config.TextColumn(COLUMN_NAMES["config_fields"]["key"],
                                                       help=FORMAT_HINTS["config_fields.key"]),
                    "label": st.column_config.TextColumn(COLUMN_NAMES["config_fields"]["label"]),
                    "type": st.column_config.SelectboxColumn(COLUMN_NAMES["config_fields"]["type"], options=CONFIG_TYPES),
                    "required": st.column_config.CheckboxColumn(COLUMN_NAMES["config_fields"]["required"]),
                    "help": st.column_config.TextColumn(COLUMN_NAMES["config_fields"]["help"]),
                    "options": st.column_config.TextColumn(
                        COLUMN_NAMES["config_fields"]["options"],
                        help=f"Nur für den Typ „auswahl“: mindestens zwei, getrennt durch „{OPTION_SEPARATOR}“"),
                    "default": st.column_config.TextColumn(COLUMN_NAMES["config_fields"]["default"]),
                },
            )
            st.markdown("**Versionen** – veröffentlichte Stände des OAA")
            editors["releases"] = st.data_editor(
                _editor_frame("releases"), key=f"cat_adm_releases_{gen}", num_rows="dynamic",
                hide_index=True, width="stretch",
                column_config={
                    "version": st.column_config.TextColumn(COLUMN_NAMES["releases"]["version"],
                                                           help=FORMAT_HINTS["releases.version"]),
                    "date": st.column_config.DateColumn(COLUMN_NAMES["releases"]["date"], format="DD.MM.YYYY"),
                    "notes": st.column_config.TextColumn(COLUMN_NAMES["releases"]["notes"]),
                    "requires_config_review": st.column_config.CheckboxColumn(
                        COLUMN_NAMES["releases"]["requires_config_review"],
                        help="Kommunen sollen ihre Konfiguration nach diesem Stand prüfen."),
                },
            )
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
                         + _problem_list(problems, rows=row_numbers), icon=":material/error:")
            except StaleEdit as exc:
                S["cat_adm_stale"] = str(exc)
            except DomainError as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                S["cat_adm_message"] = (f"„{saved.name}“ ist angelegt." if is_new
                                        else f"Die Änderungen an „{saved.name}“ sind gespeichert.")
                S["cat_adm_goto"] = saved.id
                st.rerun()

        if S.get("cat_adm_stale"):
            st.error(f"**Nicht gespeichert:** {S['cat_adm_stale']}", icon=":material/sync_problem:")
            st.caption("„Neu laden“ zeigt den aktuellen Stand; Ihre Eingaben im Formular werden dabei verworfen. "
                       "Notieren Sie sich vorher, was Sie ändern wollten.")
            st.button("Neu laden", icon=":material/refresh:", key="cat_adm_reload",
                      on_click=lambda: S.update(cat_adm_loaded=None, cat_adm_stale=None))

        message = S.pop("cat_adm_message", None)
        if message:
            st.success(message, icon=":material/check_circle:")

        if not is_new and by_id[pick].status != ProductStatus.EINGESTELLT:
            st.subheader("Produkt einstellen")
            st.caption(
                "Ein eingestelltes Produkt kann nicht mehr neu bestellt werden. Es bleibt im Katalog: Kommunen, "
                "die es schon bestellt haben, behalten es mit allen Angaben. Nicht gespeicherte Änderungen im "
                "Formular oben gehen dabei verloren. Rückgängig machen: Status wieder auf „verfügbar“ setzen."
            )
            confirm = st.checkbox(f"Ja, „{by_id[pick].name}“ einstellen", key="cat_adm_retire_confirm")
            if st.button("Einstellen", icon=":material/archive:", disabled=not confirm, key="cat_adm_retire"):
                try:
                    with session_scope() as session:
                        retired = retire_product(session, actor=actor, product_id=pick,
                                                 expected_version=S["cat_adm_version"])
                except StaleEdit as exc:
                    S["cat_adm_stale"] = str(exc)
                    st.rerun()
                except DomainError as exc:
                    st.error(str(exc), icon=":material/error:")
                else:
                    S["cat_adm_message"] = f"„{retired.name}“ ist eingestellt und kann nicht mehr neu bestellt werden."
                    S["cat_adm_goto"] = retired.id
                    st.rerun()


def _report_names(ids: list[str], names: dict[str, str]) -> str:
    return "\n".join(f"- {names.get(i, i)} (`{i}`)" for i in ids)


def _show_report(report: ImportReport, names: dict[str, str]) -> None:
    verb = "übernommen" if report.applied else "würden übernommen"
    st.markdown(f"**{len(report.added)} neu, {len(report.changed)} geändert, {len(report.removed)} entfernt, "
                f"{report.unchanged} unverändert** – {verb}.")
    for title, ids in (("Neu", report.added), ("Geändert", report.changed), ("Entfernt", report.removed)):
        if ids:
            st.markdown(f"**{title}:**\n\n{_report_names(ids, names)}")


with exchange_tab:
    st.subheader("Katalog exportieren")
    st.caption("Der ganze Katalog als JSON-Datei, auch eingestellte Produkte – zum Sichern oder zum Bearbeiten "
               "außerhalb des Shops. Genau dieses Format können Sie unten wieder einspielen.")
    with session_scope() as session:
        exported = export_products(session)
    today = utcnow().astimezone(BERLIN).date().isoformat()
    st.download_button(
        "Katalog herunterladen", data=json.dumps(exported, ensure_ascii=False, indent=2),
        file_name=f"oaa-katalog-{today}.json", mime="application/json", icon=":material/download:",
        key="cat_adm_export", on_click="ignore",
    )
    st.caption("1 Produkt" if len(exported) == 1 else f"{len(exported)} Produkte")

    st.subheader("Katalog importieren")
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
            st.error(f"„{upload.name}“ ist keine Textdatei in UTF-8. Es wurde nichts geändert.", icon=":material/error:")
        except json.JSONDecodeError as exc:
            st.error(f"„{upload.name}“ ist keine gültige JSON-Datei (Zeile {exc.lineno}, Spalte {exc.colno}). "
                     "Es wurde nichts geändert. Bitte verwenden Sie eine Datei aus „Katalog herunterladen“.",
                     icon=":material/error:")
        except CatalogError as exc:
            st.error("Die Datei kann nicht eingespielt werden. Es wurde nichts geändert.\n\n"
                     + _problem_list(exc.problems, with_source=True), icon=":material/error:")
        if entries is not None:
            names = {p.id: p.name for p in products}
            names.update({str(item["id"]): str(item.get("name") or item["id"]) for _, item in entries if item.get("id")})
            try:
                with session_scope() as session:
                    report = import_catalog(session, entries=entries, actor=actor, dry_run=True)
            except DomainError as exc:
                st.error(str(exc), icon=":material/error:")
                st.stop()
            st.markdown("**Probelauf** – noch ist nichts geändert:")
            _show_report(report, names)
            if report.problems:
                count = "1 Problem" if len(report.problems) == 1 else f"{len(report.problems)} Probleme"
                st.error(f"Die Datei kann so nicht eingespielt werden ({count}). "
                         "Es wurde nichts geändert. Bitte korrigieren Sie:\n\n"
                         + _problem_list(report.problems, with_source=True), icon=":material/error:")
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
                        st.error(str(exc), icon=":material/error:")
                    else:
                        if done.problems:
                            st.error("Der Katalog hat sich inzwischen geändert; der Import wurde nicht übernommen:\n\n"
                                     + _problem_list(done.problems, with_source=True), icon=":material/error:")
                        else:
                            S["cat_adm_import_message"] = (
                                f"Import übernommen: {len(done.added)} neu, {len(done.changed)} geändert, "
                                f"{len(done.removed)} entfernt, {done.unchanged} unverändert."
                            )
                            S["cat_adm_upload_gen"] = upload_gen + 1  # empty upload field
                            S["cat_adm_loaded"] = None  # the open product may have changed
                            st.rerun()
