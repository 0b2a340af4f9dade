"""Read catalogue data files (TOML, one product per file) and report every problem by file and field."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from catalog.schema import Product

PRODUCTS_DIR = Path(__file__).resolve().parent / "products"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the catalogue data, in German, naming where."""

    source: str  # file name or "Produkt <id>"
    field: str  # dotted path, e.g. "output_fields.2.type"; empty for the whole entry
    message: str

    def __str__(self) -> str:
        where = f"{self.source}, Feld „{self.field}“" if self.field else self.source
        return f"{where}: {self.message}"


class CatalogError(ValueError):
    """The catalogue data is not valid; ``problems`` lists every finding."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


_MESSAGES = {
    "missing": "fehlt",
    "extra_forbidden": "ist kein bekanntes Feld",
    "string_pattern_mismatch": "hat nicht das erwartete Format",
    "too_short": "braucht mindestens einen Eintrag",
    "enum": "ist kein erlaubter Wert",
    "literal_error": "ist kein erlaubter Wert",
    "int_parsing": "muss eine ganze Zahl sein",
    "greater_than_equal": "darf nicht negativ sein",
    "date_from_datetime_parsing": "muss ein Datum sein (JJJJ-MM-TT)",
    "date_parsing": "muss ein Datum sein (JJJJ-MM-TT)",
    "date_type": "muss ein Datum sein (JJJJ-MM-TT)",
    "int_type": "muss eine ganze Zahl sein",
    "int_from_float": "muss eine ganze Zahl sein (ohne Nachkommastellen)",
    "float_type": "muss eine Zahl sein",
    "float_parsing": "muss eine Zahl sein",
    "bool_type": "muss ja oder nein sein (true/false)",
    "bool_parsing": "muss ja oder nein sein (true/false)",
    "string_type": "muss ein Text sein",
    "list_type": "muss eine Liste sein",
    "dict_type": "muss eine Tabelle aus Feldname und Wert sein",
    "model_type": "muss eine Tabelle mit Feldern sein",
    "model_attributes_type": "muss eine Tabelle mit Feldern sein",
    "union_tag_invalid": "hat einen ungültigen Wert",
}


def problems_of(error: ValidationError, source: str) -> list[Problem]:
    """Translate a pydantic error into German problems naming the field."""
    found = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"])
        kind = item["type"]
        ctx = item.get("ctx", {})
        if kind in ("too_short", "too_long") and ctx.get("field_type") != "List":
            kind = f"string_{kind}"  # a text with its limits checked after cleaning
        message = _MESSAGES.get(kind)
        if kind == "string_too_short":
            message = "ist zu kurz" if ctx.get("min_length", 1) > 1 else "fehlt"
        elif kind == "string_too_long":
            message = f"ist zu lang (höchstens {ctx.get('max_length')} Zeichen)"
        elif message is None and kind == "value_error":
            message = str(item["msg"]).removeprefix("Value error, ")  # our own German messages
        elif message is None:
            message = "hat einen ungültigen Wert"
        elif kind in ("enum", "literal_error"):
            message += f" (erlaubt: {ctx.get('expected', '')})"
        found.append(Problem(source, field, message))
    return found


def validate_entries(entries: list[tuple[str, dict[str, Any]]]) -> list[Product]:
    """Validate raw entries ``(source, data)``; raise :class:`CatalogError` with every problem."""
    products: list[Product] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for source, data in entries:
        try:
            product = Product.model_validate(data)
        except ValidationError as exc:
            problems.extend(problems_of(exc, source))
            continue
        if product.id in seen:
            problems.append(Problem(source, "id", f"„{product.id}“ ist schon in {seen[product.id]} vergeben"))
            continue
        seen[product.id] = source
        products.append(product)
    if problems:
        raise CatalogError(problems)
    return products


def read_directory(directory: Path = PRODUCTS_DIR) -> list[Product]:
    """Load every ``*.toml`` in ``directory``; raise :class:`CatalogError` naming each bad file and field."""
    entries: list[tuple[str, dict[str, Any]]] = []
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            entries.append((path.name, tomllib.loads(path.read_text(encoding="utf-8"))))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            problems.append(Problem(path.name, "", f"ist keine gültige TOML-Datei ({exc})"))
    try:
        products = validate_entries(entries)
    except CatalogError as exc:
        problems.extend(exc.problems)
        products = []
    if problems:
        raise CatalogError(problems)
    for product, (source, _) in zip(products, entries, strict=True):
        if source != f"{product.id}.toml":
            raise CatalogError([Problem(source, "id", f"Dateiname muss {product.id}.toml lauten")])
    return products
