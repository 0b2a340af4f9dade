"""Editing a product in the KISA form (Katalogpflege): form values and table rows, back to data, problems in German.

No Streamlit here. The page keeps the widgets and turns its table editors into plain lists of row dicts
(missing cells as ``None``); this module does the rest, so it can be tested without a browser or database.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any, get_args

from catalog.loader import Problem
from catalog.schema import (
    AktenplanGroup,
    ConfigField,
    DataDelivery,
    FieldType,
    Manufacturer,
    Product,
    ProductStatus,
    slugify,
)
from core.text import markdown_escape

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
# German column headings of the form's tables (and of the price parts), also for naming problems.
COLUMN_NAMES = {
    "output_fields": {"name": "Feldname (XML)", "label": "Bezeichnung", "type": "Typ", "required": "Pflichtfeld",
                      "description": "Beschreibung"},
    "config_fields": {"key": "Schlüssel", "label": "Bezeichnung", "type": "Typ", "required": "Pflichtangabe",
                      "help": "Hilfetext", "options": "Auswahlmöglichkeiten", "default": "Vorbelegung"},
    "releases": {"version": "Version", "date": "Datum", "notes": "Änderungen", "requires_config_review":
                 "Konfiguration prüfen"},
    "sample_data": {"name": "Feldname (XML)", "value": "Beispielwert"},
    "prices": {"setup_cents": "Einrichtung", "yearly_licence_cents": "Lizenz und Pflege pro Jahr", "note": "Hinweis",
               "sample": "Beispielpreis"},
}
# What a value in the expected format looks like, added to „hat nicht das erwartete Format“.
FORMAT_HINTS = {
    "id": "nur Kleinbuchstaben a–z, Ziffern und Bindestriche, 3 bis 80 Zeichen, z. B. meldebescheinigung",
    "leika_keys": "genau 14 Ziffern",
    "output_fields.name": "Kleinbuchstaben, Ziffern und Unterstrich, beginnend mit einem Buchstaben",
    "config_fields.key": "Kleinbuchstaben, Ziffern und Unterstrich, beginnend mit einem Buchstaben",
    "releases.version": "z. B. 1.2 oder 1.2.3",
}
OPTION_SEPARATOR = ";"
YES = {"ja", "j", "true", "wahr", "1", "yes"}
NO = {"nein", "n", "false", "falsch", "0", "no"}

# The form's tables: their columns in order, and which columns hold text, check marks, dates and choices.
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
DATE_COLUMNS: dict[str, list[str]] = {"output_fields": [], "config_fields": [], "releases": ["date"], "sample_data": []}
CHOICE_COLUMNS = {"output_fields": {"type": FIELD_TYPES}, "config_fields": {"type": CONFIG_TYPES}}
COLUMN_HELP = {
    "output_fields": {"name": FORMAT_HINTS["output_fields.name"]},
    "sample_data": {"name": "wie in den Ausgabedaten", "value": "Ja/Nein-Felder: „ja“ oder „nein“; Datum: JJJJ-MM-TT"},
    "config_fields": {"key": FORMAT_HINTS["config_fields.key"],
                      "options": f"Nur für den Typ „auswahl“: mindestens zwei, getrennt durch „{OPTION_SEPARATOR}“"},
    "releases": {"version": FORMAT_HINTS["releases.version"],
                 "requires_config_review": "Kommunen sollen ihre Konfiguration nach diesem Stand prüfen."},
}

Rows = dict[str, list[dict[str, Any]]]  # table name -> rows, each a dict column -> cell
RowNumbers = dict[str, list[int]]  # table name -> the clerk's row number of every kept row


# --- cells and lines --------------------------------------------------------------------------------------


def join_lines(values: list[str]) -> str:
    """Return list entries as text with one entry a line."""
    return "\n".join(values)


def split_lines(text: str) -> list[str]:
    """Return the non-empty, stripped lines of a text."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def sample_text(value: Any) -> str:
    """Return a stored sample value as the clerk reads and types it (booleans as „ja“/„nein“)."""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    return str(value)


def is_blank(value: Any) -> bool:
    """Tell whether a table cell is empty (``None`` or NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def cell_text(value: Any) -> str:
    """Return a table cell as stripped text, empty for an empty cell."""
    return "" if is_blank(value) else str(value).strip()


def cell_flag(value: Any) -> bool:
    """Return a check-mark cell as a boolean, False for an empty cell."""
    return False if is_blank(value) else bool(value)


def cell_date(value: Any) -> date | str | None:
    """Return a date cell as a date (text that is no date stays text for the check to name), None if empty."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return str(value).strip()


def sample_value(text: str, field_type: str | None, original: Any) -> str | int | float | bool:
    """Turn a sample value typed as text back into the type the output field needs."""
    if original is not None and sample_text(original) == text:
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


# --- product to form ------------------------------------------------------------------------------------------


def form_values(product: Product | None) -> dict[str, Any]:
    """Return the values of the form's single fields for a product (or an empty new one), by field name."""
    return {
        "id": "",
        "name": product.name if product else "",
        "short_description": product.short_description if product else "",
        "description": product.description if product else "",
        "group": product.group if product else None,
        "manufacturer": product.manufacturer if product else None,
        "status": product.status if product else ProductStatus.GEPLANT,
        "legal_basis": join_lines(product.legal_basis) if product else "",
        "leika_keys": join_lines(product.leika_keys) if product else "",
        "synonyms": join_lines(product.synonyms) if product else "",
        "life_situations": join_lines(product.life_situations) if product else "",
        "fachverfahren": join_lines(product.fachverfahren) if product else "",
        "data_delivery": list(product.data_delivery) if product else [],
        "setup_euros": product.prices.setup_cents / 100 if product else 0.0,
        "yearly_euros": product.prices.yearly_licence_cents / 100 if product else 0.0,
        "price_note": product.prices.note if product else "",
        "sample_price": product.prices.sample if product else True,
    }


def table_rows(product: Product | None) -> Rows:
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
        "sample_data": [{"name": k, "value": sample_text(v)} for k, v in product.sample_data.items()],
    }


# --- form to product data ---------------------------------------------------------------------------------


def kept_rows(rows: list[dict[str, Any]], table: str) -> list[tuple[int, dict[str, Any]]]:
    """Return (row number as the clerk sees it, row) for every row that is not entirely empty."""
    kept = []
    for number, row in enumerate(rows, start=1):
        texts = [cell_text(row.get(c)) for c in TEXT_COLUMNS[table]]
        flags = [cell_flag(row.get(c)) for c in FLAG_COLUMNS[table]]
        dates = [not is_blank(row.get(c)) for c in DATE_COLUMNS.get(table, [])]
        if any(texts) or any(flags) or any(dates):
            kept.append((number, row))
    return kept


def put_text(target: dict[str, Any], key: str, value: str) -> None:
    """Leave out empty required texts, so the check says „fehlt“ instead of a format complaint."""
    if value:
        target[key] = value


def collect_data(form: dict[str, Any], tables: Rows, *, product_id: str | None,
                 original_sample: dict[str, Any]) -> tuple[dict[str, Any], RowNumbers]:
    """Build the product data from the form values and table rows; also return the clerk's row numbers."""
    # product_id is None for a new product: its id is the one typed, or made from the name
    numbers: RowNumbers = {}
    data: dict[str, Any] = {
        "short_description": form["short_description"],
        "description": form["description"],
        "legal_basis": split_lines(form["legal_basis"]),
        "leika_keys": split_lines(form["leika_keys"]),
        "synonyms": split_lines(form["synonyms"]),
        "life_situations": split_lines(form["life_situations"]),
        "fachverfahren": split_lines(form["fachverfahren"]),
        "data_delivery": [DataDelivery(d).value for d in form["data_delivery"]],
        "prices": {
            "setup_cents": round(float(form["setup_euros"] or 0) * 100),
            "yearly_licence_cents": round(float(form["yearly_euros"] or 0) * 100),
            "note": form["price_note"].strip(),
            "sample": bool(form["sample_price"]),
        },
    }
    put_text(data, "id", product_id if product_id is not None else form["id"].strip() or slugify(form["name"]))
    put_text(data, "name", form["name"].strip())
    for key, enum in (("group", AktenplanGroup), ("manufacturer", Manufacturer), ("status", ProductStatus)):
        if form[key] is not None:
            data[key] = enum(form[key]).value

    output_fields = []
    for number, row in kept_rows(tables["output_fields"], "output_fields"):
        entry: dict[str, Any] = {"required": cell_flag(row.get("required")), "description": cell_text(row.get("description"))}
        for key in ("name", "label", "type"):
            put_text(entry, key, cell_text(row.get(key)))
        output_fields.append(entry)
        numbers.setdefault("output_fields", []).append(number)
    data["output_fields"] = output_fields

    config_fields = []
    for number, row in kept_rows(tables["config_fields"], "config_fields"):
        options = [o.strip() for o in cell_text(row.get("options")).split(OPTION_SEPARATOR) if o.strip()]
        entry = {"required": cell_flag(row.get("required")), "help": cell_text(row.get("help")), "options": options,
                 "default": cell_text(row.get("default")) or None}
        for key in ("key", "label", "type"):
            put_text(entry, key, cell_text(row.get(key)))
        config_fields.append(entry)
        numbers.setdefault("config_fields", []).append(number)
    data["config_fields"] = config_fields

    releases = []
    for number, row in kept_rows(tables["releases"], "releases"):
        entry = {"requires_config_review": cell_flag(row.get("requires_config_review"))}
        for key in ("version", "notes"):
            put_text(entry, key, cell_text(row.get(key)))
        when = cell_date(row.get("date"))
        if when is not None:
            entry["date"] = when
        releases.append(entry)
        numbers.setdefault("releases", []).append(number)
    data["releases"] = releases

    types = {f.get("name"): f.get("type") for f in output_fields}
    sample: dict[str, Any] = {}
    for _number, row in kept_rows(tables["sample_data"], "sample_data"):
        name = cell_text(row.get("name"))
        sample[name] = sample_value(cell_text(row.get("value")), types.get(name), original_sample.get(name))
    data["sample_data"] = sample
    return data, numbers


# --- explaining problems ----------------------------------------------------------------------------------


def where(field: str, rows: RowNumbers | None = None) -> str:
    """Name a dotted field path in German, e.g. „Ausgabedaten, Zeile 3, Spalte „Typ““."""
    if not field:
        return "Produkt"
    parts = field.split(".")
    top = parts[0]
    text = f"**{FIELD_NAMES.get(top, top)}**"
    rest = parts[1:]
    if top == "sample_data" and rest:
        return f"{text}, Feld „{markdown_escape(rest[0])}“"
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


def explain(problem: Problem, rows: RowNumbers | None = None) -> str:
    """Return one problem in German: where it is, what is wrong and, for a format problem, what is expected."""
    message = problem.message
    if message == "hat nicht das erwartete Format":
        parts = [p for p in problem.field.split(".") if not p.isdigit()]
        hint = FORMAT_HINTS.get(".".join(parts[:2])) or FORMAT_HINTS.get(parts[0] if parts else "")
        if hint:
            message += f" ({hint})"
    return f"{where(problem.field, rows)}: {markdown_escape(message)}"


def problem_list(problems: list[Problem], *, with_source: bool = False, rows: RowNumbers | None = None) -> str:
    """Return the problems as a Markdown list; ``with_source`` names the file entry of each (for imports)."""
    lines = []
    for problem in problems:
        if with_source and not problem.field:
            lines.append(f"- {markdown_escape(problem.source)}: {markdown_escape(problem.message)}")
        else:
            prefix = f"{markdown_escape(problem.source)} – " if with_source else ""
            lines.append(f"- {prefix}{explain(problem, rows)}")
    return "\n".join(lines)


def report_names(ids: list[str], names: dict[str, str]) -> str:
    """Return product ids as a Markdown list with their names."""
    return "\n".join(f"- {markdown_escape(names.get(i, i))} (`{i}`)" for i in ids)
