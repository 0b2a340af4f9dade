"""Unit tests of catalog.editing: product ⇄ form values and table rows, and problems explained in German."""

import ast
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import catalog.editing
from catalog.editing import (
    COLUMN_NAMES,
    COLUMNS,
    collect_data,
    explain,
    form_values,
    kept_rows,
    problem_list,
    report_names,
    sample_value,
    table_rows,
    where,
)
from catalog.loader import Problem, problems_of
from catalog.schema import Product
from tests.apptest_helpers import shown
from tests.catalog_builders import make_product


def rich_product() -> Product:
    """A product using every part of the form: all field kinds, config fields, releases, typed sample values."""
    return make_product(
        "Meldebescheinigung",
        status="geplant",
        legal_basis=["§ 18 Bundesmeldegesetz", "§ 10 Sächsisches Meldegesetz"],
        leika_keys=["99000000000000", "99000000000001"],
        synonyms=["Wohnsitzbescheinigung", "Meldebestätigung"],
        life_situations=["Umzug"],
        fachverfahren=["VOIS|MESO"],
        data_delivery=["transferverzeichnis", "email"],
        output_fields=[
            {"name": "nachname", "label": "Nachname", "type": "text", "required": True, "description": "laut Ausweis"},
            {"name": "geburtsdatum", "label": "Geburtsdatum", "type": "datum"},
            {"name": "verheiratet", "label": "Verheiratet", "type": "ja_nein", "required": True},
            {"name": "kinder", "label": "Anzahl Kinder", "type": "zahl"},
            {"name": "gebuehr", "label": "Gebühr", "type": "betrag"},
        ],
        sample_data={"nachname": "Mustermann", "geburtsdatum": "1980-01-31", "verheiratet": False, "kinder": 2,
                     "gebuehr": 12.5},
        config_fields=[
            {"key": "gebuehr", "label": "Gebühr", "type": "auswahl", "required": True, "options": ["5 €", "10 €"],
             "default": "5 €", "help": "laut Satzung"},
            {"key": "hinweis", "label": "Hinweis", "type": "langtext"},
        ],
        releases=[
            {"version": "1.2", "date": "2026-03-01", "notes": "Neue Gebühren", "requires_config_review": True},
            {"version": "1.2.1", "date": "2026-04-15", "notes": "Fehler behoben"},
        ],
        prices={"setup_cents": 61250, "yearly_licence_cents": 12345, "note": "zzgl. Schulung", "sample": False},
    )


def test_the_module_does_not_use_streamlit():
    tree = ast.parse(Path(catalog.editing.__file__).read_text(encoding="utf-8"))
    imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [m for m in imported if m.split(".")[0] == "streamlit"]


# --- product ⇄ form ---------------------------------------------------------------------------------------


def test_a_product_survives_the_trip_through_the_form():
    product = rich_product()
    form, tables = form_values(product), table_rows(product)
    assert form["legal_basis"] == "§ 18 Bundesmeldegesetz\n§ 10 Sächsisches Meldegesetz"
    assert form["setup_euros"] == 612.5 and form["sample_price"] is False and form["id"] == ""
    assert tables["config_fields"][0]["options"] == "5 €; 10 €" and tables["config_fields"][1]["default"] == ""
    assert {"name": "verheiratet", "value": "nein"} in tables["sample_data"]

    data, numbers = collect_data(form, tables, product_id=product.id, original_sample=dict(product.sample_data))

    assert data == product.model_dump()
    assert Product.model_validate(data) == product
    assert data["sample_data"] == {"nachname": "Mustermann", "geburtsdatum": "1980-01-31", "verheiratet": False,
                                   "kinder": 2, "gebuehr": 12.5}
    assert numbers == {"output_fields": [1, 2, 3, 4, 5], "config_fields": [1, 2], "releases": [1, 2]}


def test_table_cells_as_the_editor_returns_them_are_understood():
    """The page hands over editor rows with timestamps for dates and None for empty cells."""
    product = rich_product()
    tables = table_rows(product)
    for row in tables["releases"]:
        row["date"] = datetime.combine(row["date"], datetime.min.time())
    tables["config_fields"][1].update(help=None, options=None, default=None)
    tables["output_fields"][1].update(required=None, description=None)
    data, _ = collect_data(form_values(product), tables, product_id=product.id,
                           original_sample=dict(product.sample_data))
    assert Product.model_validate(data) == product


def test_an_empty_form_is_a_new_product_with_its_id_made_from_the_name():
    form, tables = form_values(None), table_rows(None)
    assert form["status"] == "geplant" and form["group"] is None and form["sample_price"] is True
    form["name"] = "  Hundesteuer anmelden "
    data, numbers = collect_data(form, tables, product_id=None, original_sample={})
    assert data["id"] == "hundesteuer-anmelden" and data["name"] == "Hundesteuer anmelden"
    assert "group" not in data and data["status"] == "geplant"
    # the starting row is kept (it is a required field) with its missing texts left out, so the check says „fehlt“
    assert data["output_fields"] == [{"required": True, "description": "", "type": "text"}]
    assert numbers == {"output_fields": [1]}

    form["id"] = " hundesteuer "
    assert collect_data(form, tables, product_id=None, original_sample={})[0]["id"] == "hundesteuer"
    assert collect_data(form, tables, product_id="alt", original_sample={})[0]["id"] == "alt"  # never changed


def test_blank_rows_are_dropped_and_row_numbers_stay_the_clerks():
    blank = {"name": " ", "label": None, "type": "", "required": False, "description": float("nan")}
    rows: list[dict[str, Any]] = [
        {"name": "a", "label": "A", "type": "text", "required": False, "description": ""}, blank,
        {"name": "", "label": "", "type": "", "required": True, "description": ""}, dict(blank)]
    assert [number for number, _ in kept_rows(rows, "output_fields")] == [1, 3]

    releases: list[dict[str, Any]] = [
        {"version": None, "date": None, "notes": None, "requires_config_review": None},
        {"version": "", "date": date(2026, 5, 1), "notes": "", "requires_config_review": False}]
    assert [number for number, _ in kept_rows(releases, "releases")] == [2]  # a date alone is an entry

    product = make_product("Meldebescheinigung")
    tables = table_rows(product)
    tables["output_fields"].insert(0, {column: None for column in COLUMNS["output_fields"]})
    tables["sample_data"].append({"name": None, "value": "  "})
    tables["config_fields"].append({"key": "", "label": "", "type": None, "required": False, "help": "",
                                    "options": "", "default": ""})
    data, numbers = collect_data(form_values(product), tables, product_id=product.id,
                                 original_sample=dict(product.sample_data))
    assert Product.model_validate(data) == product
    assert numbers == {"output_fields": [2, 3]}


def test_typed_sample_values_get_the_type_of_their_output_field():
    assert sample_value("ja", "ja_nein", None) is True
    assert sample_value("Nein", "ja_nein", None) is False
    assert sample_value("vielleicht", "ja_nein", None) == "vielleicht"  # left for the check to name
    assert sample_value("ja", "text", None) == "ja"
    assert sample_value("42", "zahl", None) == 42
    assert sample_value("12.5", "betrag", None) == 12.5
    assert sample_value("1.234,50", "betrag", None) == 1234.5
    assert sample_value("zwölf", "zahl", None) == "zwölf"
    assert sample_value("42", "text", None) == "42"
    assert sample_value("42", None, None) == "42"  # a sample value for a field not (yet) in the output fields


def test_untouched_sample_values_keep_their_stored_type():
    assert sample_value("ja", "text", True) is True
    assert sample_value("42", "zahl", "42") == "42"
    assert sample_value("7", "text", 7) == 7
    assert sample_value("2.5", "text", 2.5) == 2.5
    assert sample_value("nein", "ja_nein", True) is False  # changed: converted afresh


def test_sample_values_in_the_form_are_converted_by_field_type():
    product = make_product("Meldebescheinigung")
    tables = table_rows(product)
    tables["output_fields"] += [
        {"name": "verheiratet", "label": "Verheiratet", "type": "ja_nein", "required": True, "description": ""},
        {"name": "kinder", "label": "Kinder", "type": "zahl", "required": False, "description": ""},
    ]
    tables["sample_data"] += [{"name": "verheiratet", "value": "nein"}, {"name": "kinder", "value": "3"}]
    data, _ = collect_data(form_values(product), tables, product_id=product.id,
                           original_sample=dict(product.sample_data))
    assert data["sample_data"] == {"nachname": "Mustermann", "geburtsdatum": "1980-01-31", "verheiratet": False,
                                   "kinder": 3}


# --- problems in German ------------------------------------------------------------------------------------


def test_problems_name_table_row_and_column_in_german():
    product = make_product("Meldebescheinigung")
    tables = table_rows(product)
    tables["output_fields"].insert(1, {column: "" for column in COLUMNS["output_fields"]})  # blank: dropped
    tables["output_fields"].append({"name": "Nach Name", "label": "X", "type": "text", "required": False,
                                    "description": ""})
    tables["config_fields"] = [{"key": "k", "label": "K", "type": "liste", "required": False, "help": "",
                                "options": "", "default": ""}]
    tables["releases"] = [{"version": None, "date": None, "notes": None, "requires_config_review": None},
                          {"version": "1.0", "date": "31.02.2026", "notes": "Erste Fassung",
                           "requires_config_review": False}]
    data, numbers = collect_data(form_values(product), tables, product_id=product.id,
                                 original_sample=dict(product.sample_data))
    with pytest.raises(ValidationError) as caught:
        Product.model_validate(data)
    text = shown(problem_list(problems_of(caught.value, "Formular"), rows=numbers))  # as a person reads it

    assert ("- **Ausgabedaten**, Zeile 4, Spalte „Feldname (XML)“: hat nicht das erwartete Format "
            "(Kleinbuchstaben, Ziffern und Unterstrich, beginnend mit einem Buchstaben)") in text
    assert "- **Konfigurationsfelder**, Zeile 1, Spalte „Typ“: ist kein erlaubter Wert" in text
    assert "- **Versionen**, Zeile 2, Spalte „Datum“: muss ein Datum sein (JJJJ-MM-TT)" in text


def test_where_names_every_kind_of_field():
    assert where("") == "Produkt"
    assert where("name") == "**Name**"
    assert where("leika_keys.1") == "**LeiKa-Schlüssel**, Zeile 2"
    assert where("output_fields.0.type") == "**Ausgabedaten**, Zeile 1, Spalte „Typ“"
    assert where("output_fields.1.type", {"output_fields": [2, 5]}) == "**Ausgabedaten**, Zeile 5, Spalte „Typ“"
    assert where("releases.0.requires_config_review") == "**Versionen**, Zeile 1, Spalte „Konfiguration prüfen“"
    assert where("sample_data.verheiratet") == "**Musterdaten**, Feld „verheiratet“"
    assert where("prices.setup_cents") == "**Preise**, Einrichtung"
    assert where("unbekannt.x") == "**unbekannt**, Spalte „x“"
    assert COLUMN_NAMES["config_fields"]["options"] == "Auswahlmöglichkeiten"


def test_format_problems_say_what_is_expected():
    assert shown(explain(Problem("Formular", "leika_keys.1", "hat nicht das erwartete Format"))) == (
        "**LeiKa-Schlüssel**, Zeile 2: hat nicht das erwartete Format (genau 14 Ziffern)")
    assert shown(explain(Problem("Formular", "releases.0.version", "hat nicht das erwartete Format"))) == (
        "**Versionen**, Zeile 1, Spalte „Version“: hat nicht das erwartete Format (z. B. 1.2 oder 1.2.3)")
    assert explain(Problem("Formular", "short_description", "ist zu kurz")) == "**Kurzbeschreibung**: ist zu kurz"


def test_import_problems_name_the_file_entry():
    problems = [Problem("katalog.json, Eintrag 2 (wahlschein)", "status", "ist kein erlaubter Wert"),
                Problem("katalog.json", "", "muss eine JSON-Liste von Produkten sein")]
    assert shown(problem_list(problems, with_source=True)) == (
        "- katalog.json, Eintrag 2 (wahlschein) – **Status**: ist kein erlaubter Wert\n"
        "- katalog.json: muss eine JSON-Liste von Produkten sein")
    assert problem_list(problems[:1]) == "- **Status**: ist kein erlaubter Wert"


def test_report_names_lists_products_by_name_and_id():
    assert report_names(["wahlschein", "neu"], {"wahlschein": "Wahlschein"}) == (
        "- Wahlschein (`wahlschein`)\n- neu (`neu`)")
