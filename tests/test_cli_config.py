"""`oaa config export` as operators use it: files per configuration, filters, formats, the schema."""

from __future__ import annotations

import json

import jsonschema
from pypdf import PdfReader
from sqlmodel import select
from typer.testing import CliRunner

from cli.main import app
from models import AuditEvent
from questionnaire.export import json_schema
from tests.builders import actor_of, make_municipality, make_user
from tests.test_questionnaire_export import fill

runner = CliRunner()


def two_municipalities(session):
    moritzburg = make_municipality(session, name="Gemeinde Moritzburg", ags="14627150")
    radebeul = make_municipality(session, name="Stadt Radebeul", ags="14627210")
    anna, ben = actor_of(make_user(session, municipality=moritzburg)), actor_of(make_user(session, municipality=radebeul))
    fill(session, anna, municipality=moritzburg, submitted=True)
    fill(session, anna, product_id="melderegisterauskunft", municipality=moritzburg)
    fill(session, ben, municipality=radebeul)
    session.commit()


def test_export_writes_json_and_pdf_for_every_configuration(engine, session, tmp_path):
    two_municipalities(session)
    result = runner.invoke(app, ["config", "export", "--out", str(tmp_path / "export")])
    assert result.exit_code == 0, result.output
    assert f"3 Konfigurationen exportiert nach {tmp_path / 'export'} (6 Dateien)." in result.output
    names = sorted(p.name for p in (tmp_path / "export").iterdir())
    assert names == ["14627150_meldebescheinigung.json", "14627150_meldebescheinigung.pdf",
                     "14627150_melderegisterauskunft.json", "14627150_melderegisterauskunft.pdf",
                     "14627210_meldebescheinigung.json", "14627210_meldebescheinigung.pdf"]
    document = json.loads((tmp_path / "export" / "14627150_meldebescheinigung.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, json_schema())
    assert document["questionnaire"]["submission_number"] == 1
    reader = PdfReader(tmp_path / "export" / "14627210_meldebescheinigung.pdf")
    assert "Stadt Radebeul (AGS 14627210) – Entwurf" in reader.pages[0].extract_text()
    session.expire_all()
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "questionnaire.exported")).all()
    assert len(events) == 3 and {e.actor_label for e in events} == {"oaa config export"}


def test_filters_and_format(engine, session, tmp_path):
    two_municipalities(session)
    result = runner.invoke(app, ["config", "export", "--municipality", "14627150", "--product", "meldebescheinigung",
                                 "--format", "json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "1 Konfiguration exportiert nach" in result.output and "(1 Datei)." in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["14627150_meldebescheinigung.json"]
    pdf_only = runner.invoke(app, ["config", "export", "--municipality", "14627210", "--format", "pdf",
                                   "--out", str(tmp_path / "pdf")])
    assert pdf_only.exit_code == 0, pdf_only.output
    assert [p.name for p in (tmp_path / "pdf").iterdir()] == ["14627210_meldebescheinigung.pdf"]


def test_nothing_found_and_bad_input_are_reported(engine, session, tmp_path):
    two_municipalities(session)
    none = runner.invoke(app, ["config", "export", "--product", "gibt-es-nicht", "--out", str(tmp_path)])
    assert none.exit_code == 1 and "Keine Konfiguration gefunden (Produkt gibt-es-nicht)." in none.output
    bad = runner.invoke(app, ["config", "export", "--municipality", "1462", "--out", str(tmp_path)])
    assert bad.exit_code == 2 and "kein Amtlicher Gemeindeschlüssel" in bad.output
    wrong = runner.invoke(app, ["config", "export", "--format", "xml", "--out", str(tmp_path)])
    assert wrong.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_schema_option_prints_the_published_schema():
    result = runner.invoke(app, ["config", "export", "--schema"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json_schema()
