"""`oaa catalog export/search/import` as operators use them."""

import json

from typer.testing import CliRunner

from catalog.store import import_catalog, load_products
from cli.main import app
from tests.catalog_builders import make_product, product_data

runner = CliRunner()


def seed(session):
    import_catalog(session, products=[
        make_product("Meldebescheinigung", legal_basis=["§ 18 BMG"]),
        make_product("Anmeldung Eheschließung", synonyms=["Hochzeit"], group="0"),
    ])
    session.commit()


def test_export_prints_a_json_array_with_the_promised_fields(engine, session):
    seed(session)
    result = runner.invoke(app, ["catalog", "export", "--json"])
    assert result.exit_code == 0, result.output
    products = json.loads(result.output)
    assert [p["id"] for p in products] == ["anmeldung-eheschliessung", "meldebescheinigung"]
    for key in ("id", "name", "group", "manufacturer", "status", "leika_keys", "legal_basis", "description", "output_fields"):
        assert key in products[0]


def test_search_prints_hits_best_first_as_json(engine, session):
    seed(session)
    result = runner.invoke(app, ["catalog", "search", "Hochzeit", "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert hits[0]["id"] == "anmeldung-eheschliessung" and hits[0]["group"] == "Allgemeine Verwaltung"
    assert hits[0]["reasons"]
    assert json.loads(runner.invoke(app, ["catalog", "search", "%_'\"<b>", "--json"]).output) == []


def test_import_dry_run_reports_every_problem_and_changes_nothing(engine, session, tmp_path):
    seed(session)
    bad = tmp_path / "katalog.json"
    bad.write_text(json.dumps([product_data("Wahlschein", leika_keys=["1"]), product_data("Wahlschein")]), encoding="utf-8")
    result = runner.invoke(app, ["catalog", "import", str(bad), "--dry-run"])
    assert result.exit_code == 2
    assert "leika_keys.0" in result.output and "Nichts geändert" in result.output
    assert {p.id for p in load_products(session)} == {"meldebescheinigung", "anmeldung-eheschliessung"}


def test_import_of_a_good_file_after_a_dry_run(engine, session, tmp_path):
    seed(session)
    good = tmp_path / "katalog.json"
    good.write_text(json.dumps([product_data("Meldebescheinigung", legal_basis=["§ 18 BMG"]), product_data("Wahlschein")]),
                    encoding="utf-8")
    dry = runner.invoke(app, ["catalog", "import", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "Probelauf" in dry.output and "1 neu" in dry.output
    assert {p.id for p in load_products(session)} == {"meldebescheinigung", "anmeldung-eheschliessung"}
    session.commit()  # end the read transaction (on SQLite it holds the write lock)
    done = runner.invoke(app, ["catalog", "import", str(good)])
    assert done.exit_code == 0 and "übernommen" in done.output
    session.expire_all()
    assert {p.id for p in load_products(session)} == {"meldebescheinigung", "wahlschein"}


def test_unreadable_import_file_is_reported(engine, tmp_path):
    broken = tmp_path / "kaputt.json"
    broken.write_text("[{", encoding="utf-8")
    result = runner.invoke(app, ["catalog", "import", str(broken)])
    assert result.exit_code == 2 and "keine lesbare JSON-Datei" in result.output
