"""The machine-readable export for KISA: content, the published schema, tenant isolation, submission vs. draft."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import get_args

import jsonschema
import pytest
from pypdf import PdfReader
from sqlmodel import select

from catalog.schema import ConfigField
from core.errors import NotFound
from models import AuditEvent, Role
from questionnaire import export
from questionnaire.definition import GENERIC_STEPS
from questionnaire.drafts import open_questionnaire, read_questionnaire, save_step
from questionnaire.export import (
    ConfigurationExport,
    build_export,
    configuration_data,
    configuration_pdf,
    export_files,
    export_json,
    export_zip,
    json_schema,
    operator_actor,
    schema_text,
)
from questionnaire.submission import submit
from tests.builders import actor_of, make_municipality, make_user
from tests.questionnaire_builders import complete_answers, order_product

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "docs" / "config-export.schema.json"
EXPORTED_AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script> \u202eRTL\x07 „Zitat“ {nb} ' OR 1=1 --"


def validate(document: object) -> None:
    """Validate against the published schema, formats checked (e-mail)."""
    jsonschema.validate(document, json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def fill(session, actor, product_id="meldebescheinigung", municipality=None, changes=None, submitted=False):
    """Order ``product_id``, answer every step (with ``changes`` by question key), optionally submit; return the id."""
    ordered = order_product(session, municipality, product_id)
    qid = open_questionnaire(session, actor=actor, ordered_product_id=ordered.id)
    session.commit()
    view = read_questionnaire(session, actor=actor, questionnaire_id=qid)
    for step_key, raw in complete_answers(view.steps).items():
        raw = {k: (changes or {}).get(k, v) for k, v in raw.items()}
        version = read_questionnaire(session, actor=actor, questionnaire_id=qid).version
        save_step(session, actor=actor, questionnaire_id=qid, step_key=step_key, raw=raw, base_version=version)
        session.commit()
    if submitted:
        version = read_questionnaire(session, actor=actor, questionnaire_id=qid).version
        submit(session, actor=actor, questionnaire_id=qid, base_version=version)
        session.commit()
    return qid


@pytest.fixture
def kommune(session):
    municipality = make_municipality(session, name="Gemeinde Moritzburg", ags="14627150")
    user = make_user(session, municipality=municipality)
    return municipality, actor_of(user)


def test_published_schema_file_is_the_generated_schema():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text() + "\n", (
        "docs/config-export.schema.json is stale: run `oaa config export --schema > docs/config-export.schema.json`")
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(export.SCHEMA_VERSION) and schema["title"]


def test_schema_has_one_typed_section_per_generic_step_with_german_labels():
    schema = json_schema()
    defs = schema["$defs"]
    assert list(defs["Antworten"]["properties"]) == [s.key for s in GENERIC_STEPS]
    contacts = defs["SchrittKontakte"]["properties"]
    assert contacts["fachlich_email"]["anyOf"][0] == {"type": "string", "format": "email"}
    assert contacts["fachlich_email"]["description"] == "Fachliche:r Ansprechpartner:in – E-Mail"
    assert contacts["fachlich_email"]["x-question-key"] == "kontakte.fachlich_email"
    assert defs["SchrittAmt24"]["properties"]["leistungsseite"]["anyOf"][0] == {"type": "string", "format": "uri"}
    persons = defs["SchrittTest"]["properties"]["personen"]["anyOf"][0]
    assert persons == {"type": "array", "items": {"$ref": "#/$defs/Person"}}
    municipalities = defs["SchrittZustaendigkeit"]["properties"]["gemeinden"]["anyOf"][0]
    assert municipalities["items"] == {"type": "string", "pattern": r"^\d{8}$"}
    assert defs["SchrittDatenschutz"]["properties"]["vvt"]["anyOf"][0] == {"type": "boolean"}
    # every question of every generic step is there, and required (null when unanswered)
    for step in GENERIC_STEPS:
        section = defs["Schritt" + step.key.capitalize()]
        assert set(section["required"]) == {q.key.split(".", 1)[1] for q in step.questions}
        assert section["additionalProperties"] is False


def test_setting_types_cover_every_catalogue_config_type():
    assert set(get_args(ConfigField.model_fields["type"].annotation)) == set(get_args(export.SettingType))


def test_export_of_a_submission_holds_every_answer_typed(session, kommune):
    municipality, actor = kommune
    qid = fill(session, actor, municipality=municipality, submitted=True, changes={
        "zustaendigkeit.art": "Verwaltungsgemeinschaft", "zustaendigkeit.gemeinden": ["14627010", "14627210"],
        "servicekonto.text": HOSTILE + "\nZweite Zeile",
    })
    data = build_export(session, actor=actor, questionnaire_id=qid, exported_at=EXPORTED_AT)
    document = json.loads(data.model_dump_json())
    validate(document)
    assert document["schema_version"] == "1.0"
    assert document["exported_at"] == "2026-12-01T09:30:00Z"
    assert document["product"] == {"id": "meldebescheinigung", "name": "Meldebescheinigung", "manufacturer": "KOMM24",
                                   "release_version": None}
    assert document["municipality"]["name"] == "Gemeinde Moritzburg"
    assert document["municipality"]["ags"] == "14627150" and len(document["municipality"]["ars"]) == 12
    q = document["questionnaire"]
    assert q["id"] == qid and q["state"] == "submitted" and q["state_name"] == "Konfiguration eingereicht"
    assert q["submission_number"] == 1 and q["submitted_at"].endswith("Z") and q["submitted_by"]
    answers = document["answers"]
    assert answers["kontakte"]["fachlich_email"] == "erika.musterfrau@example.org"
    assert answers["kontakte"]["fachlich_telefon"] == "+493511234567"
    assert answers["kontakte"]["abteilung_telefon"] is None  # unanswered: present and null
    assert answers["test"]["personen"] == [{"name": "Tina Test", "email": "tina.test@example.org", "telefon": ""}]
    assert answers["test"]["servicekonto"] is True
    assert answers["daten"]["transferverzeichnis"] == r"\\kdn-fs01\transfer\oaa"
    assert answers["zustaendigkeit"] == {"art": "Verwaltungsgemeinschaft", "gemeinden": ["14627010", "14627210"]}
    assert answers["servicekonto"]["text"].startswith("<script>alert(1)</script>")  # stored as typed, JSON-escaped
    assert answers["servicekonto"]["text"].endswith("\nZweite Zeile")
    assert document["product_settings"] == [
        {"key": "zustaendige_stelle", "label": "Zuständige Meldebehörde", "type": "text", "value": "Beispielwert"},
        {"key": "gebuehr", "label": "Gebühr in Euro", "type": "betrag", "value": 1250},
        {"key": "zahlungsart", "label": "Zahlungsart", "type": "auswahl", "value": "ePayBL (Online-Zahlung)"},
    ]


def test_json_text_is_utf8_and_round_trips(session, kommune):
    municipality, actor = kommune
    qid = fill(session, actor, municipality=municipality)
    text = export_json(session, actor=actor, questionnaire_id=qid, exported_at=EXPORTED_AT)
    assert "Bürgerbüro" in text and "Zuständige" in text  # not \u-escaped
    assert ConfigurationExport.model_validate_json(text) == build_export(
        session, actor=actor, questionnaire_id=qid, exported_at=EXPORTED_AT)


def test_draft_without_submission_is_exported_as_draft(session, kommune):
    municipality, actor = kommune
    ordered = order_product(session, municipality, "anzeige-eines-feuerwerkes")
    qid = open_questionnaire(session, actor=actor, ordered_product_id=ordered.id)
    session.commit()
    document = json.loads(export_json(session, actor=actor, questionnaire_id=qid))
    validate(document)  # an incomplete draft is valid too: unanswered questions are null
    assert document["questionnaire"]["submission_number"] is None
    assert document["questionnaire"]["submitted_at"] is None and document["questionnaire"]["state"] == "ordered"
    assert document["answers"]["kontakte"]["fachlich_name"] is None
    assert document["answers"]["zustaendigkeit"]["art"] == "keine"  # the definition's default
    assert document["product_settings"] == []


def test_latest_submission_is_exported_not_the_later_draft(session, kommune):
    municipality, actor = kommune
    qid = fill(session, actor, municipality=municipality, submitted=True)
    submitted_version = read_questionnaire(session, actor=actor, questionnaire_id=qid).version
    # KISA asks back; the municipality changes an answer in the draft without submitting again
    from lifecycle.machine import transition
    from models import OrderedProduct, OrderedProductState, Questionnaire

    questionnaire = session.get(Questionnaire, qid)
    ordered = session.get(OrderedProduct, questionnaire.ordered_product_id)
    kisa = actor_of(make_user(session, role=Role.KISA))
    transition(session, actor=kisa, ordered=ordered, target=OrderedProductState.QUERY)
    session.commit()
    save_step(session, actor=actor, questionnaire_id=qid, step_key="benachrichtigung",
              raw={"benachrichtigung.email": "neu@example.org"}, base_version=submitted_version)
    session.commit()

    latest = build_export(session, actor=kisa, questionnaire_id=qid)
    assert latest.questionnaire.submission_number == 1 and latest.questionnaire.version == submitted_version
    assert json.loads(latest.model_dump_json())["answers"]["benachrichtigung"]["email"] == "antraege@example.org"
    assert latest.questionnaire.state == OrderedProductState.QUERY  # the product's state now
    assert latest.questionnaire.updated_at <= latest.questionnaire.submitted_at

    first = build_export(session, actor=kisa, questionnaire_id=qid, submission_number=1)
    assert first.model_dump(exclude={"exported_at"}) == latest.model_dump(exclude={"exported_at"})
    with pytest.raises(NotFound):
        build_export(session, actor=kisa, questionnaire_id=qid, submission_number=2)

    submit(session, actor=actor, questionnaire_id=qid, base_version=submitted_version + 1)
    session.commit()
    second = json.loads(export_json(session, actor=kisa, questionnaire_id=qid))
    validate(second)
    assert second["questionnaire"]["submission_number"] == 2
    assert second["answers"]["benachrichtigung"]["email"] == "neu@example.org"


def test_another_municipality_gets_not_found_and_staff_sees_all(session, kommune):
    municipality, actor = kommune
    qid = fill(session, actor, municipality=municipality)
    stranger = actor_of(make_user(session))
    for call in (build_export, export_json, configuration_pdf, configuration_data):
        with pytest.raises(NotFound):
            call(session, actor=stranger, questionnaire_id=qid)
    with pytest.raises(NotFound):
        export_zip(session, actor=stranger, questionnaire_ids=[qid])
    with pytest.raises(NotFound):
        build_export(session, actor=actor, questionnaire_id=10_000_000)
    kisa = actor_of(make_user(session, role=Role.KISA))
    assert build_export(session, actor=kisa, questionnaire_id=qid).municipality.ags == "14627150"
    assert export.find_questionnaires(session, actor=stranger) == []
    assert export.find_questionnaires(session, actor=actor) == [qid]
    assert export.find_questionnaires(session, actor=operator_actor(), municipality_ags="14627150") == [qid]


def test_pdf_data_uses_the_product_steps_and_looks_up_municipality_names(session, kommune):
    municipality, actor = kommune
    qid = fill(session, actor, municipality=municipality, changes={
        "zustaendigkeit.art": "Zweckvereinbarung", "zustaendigkeit.gemeinden": ["14627210"]})
    data = configuration_data(session, actor=actor, questionnaire_id=qid, exported_at=EXPORTED_AT)
    assert [s.key for s in data.sections] == ["kontakte", "test", "daten", "amt24", "zustaendigkeit",
                                              "benachrichtigung", "produkt", "servicekonto", "datenschutz"]
    assert data.gemeinde_names == {"14627210": "Radebeul, Stadt"}
    assert data.submission_number is None and data.exported_at == EXPORTED_AT
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        configuration_pdf(session, actor=actor, questionnaire_id=qid, exported_at=EXPORTED_AT))).pages)
    assert "Radebeul, Stadt (14627210)" in text and "12,50 €" in text and "Entwurf (nicht eingereicht)" in text


def test_zip_holds_json_and_pdf_per_product_and_records_the_export(session, kommune):
    municipality, actor = kommune
    first = fill(session, actor, municipality=municipality, submitted=True)
    second = fill(session, actor, product_id="melderegisterauskunft", municipality=municipality)
    content = export_zip(session, actor=actor, questionnaire_ids=[first, second], exported_at=EXPORTED_AT)
    session.commit()
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.namelist() == ["meldebescheinigung.json", "meldebescheinigung.pdf",
                                  "melderegisterauskunft.json", "melderegisterauskunft.pdf"]
    for name in ("meldebescheinigung.json", "melderegisterauskunft.json"):
        validate(json.loads(archive.read(name)))
    assert archive.read("meldebescheinigung.pdf").startswith(b"%PDF")
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "questionnaire.exported")).all()
    assert sorted(e.entity_id for e in events) == sorted([str(first), str(second)])
    assert {e.actor_id for e in events} == {actor.user_id}
    assert any("Fassung 1 exportiert" in e.details for e in events) and any("Entwurf" in e.details for e in events)
    # byte-stable: the same data and time give the same archive
    assert export_zip(session, actor=actor, questionnaire_ids=[first, second], exported_at=EXPORTED_AT) == content
    session.rollback()


def test_files_of_several_municipalities_carry_the_ags_and_formats_can_be_chosen(session, kommune):
    municipality, actor = kommune
    first = fill(session, actor, municipality=municipality)
    other = make_municipality(session, name="Stadt Radebeul", ags="14627210")
    second = fill(session, actor_of(make_user(session, municipality=other)), municipality=other)
    operator = operator_actor()
    files = export_files(session, actor=operator, questionnaire_ids=[first, second], formats=("json",))
    assert list(files) == ["14627150_meldebescheinigung.json", "14627210_meldebescheinigung.json"]
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "questionnaire.exported")).all()
    assert {(e.actor_id, e.actor_label) for e in events} == {(None, "oaa config export")}
    session.commit()  # the operator's audit events are valid rows on PostgreSQL too (no user id)
    with pytest.raises(ValueError):
        export_files(session, actor=operator, questionnaire_ids=[first], formats=("xml",))
