"""Output for KISA: a machine-readable export (JSON with a published JSON Schema) and the configuration PDF.

The export's answer sections are generated from :data:`questionnaire.definition.GENERIC_STEPS`, so a new question
shows up in the models, the schema (``docs/config-export.schema.json``; a test keeps it in step) and the PDF at once.
By default the latest submission (the snapshot KISA received) is exported, else the current draft. Every read goes
through :func:`questionnaire.store.get_questionnaire`: another municipality's questionnaire does not exist for a
municipal user. Free text is exported exactly as stored.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema, create_model, field_validator
from sqlmodel import Session, col, select

from accounts.access import scope_to_tenant
from accounts.actor import Actor
from audit.log import record
from catalog.schema import Product
from core.clock import utcnow
from core.errors import NotFound
from documents.configuration import (
    ConfigurationAnswer,
    ConfigurationData,
    ConfigurationSection,
    PersonEntry,
    render_configuration,
)
from documents.plain import ascii_slug
from models import (
    STATE_NAMES,
    Gemeinde,
    Municipality,
    OrderedProduct,
    OrderedProductState,
    Questionnaire,
    QuestionnaireEdit,
    QuestionnaireSubmission,
    Role,
    UserStatus,
)
from questionnaire.definition import GENERIC_STEPS, Question, Step
from questionnaire.store import get_questionnaire, load_answers, product_and_steps
from web.text import BERLIN

SCHEMA_VERSION: Final = "1.0"
SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = f"urn:oaa-shop:schema:config-export:{SCHEMA_VERSION}"
SCHEMA_TITLE = "OAA-Shop: Konfigurationsexport eines Online-Antragsassistenten"
PRODUCT_STEP = "produkt"
FORMATS = ("json", "pdf")
SYSTEM_USER_ID = 0  # the operator's actor on the command line: no account, recorded by its label
EXCLUDED_STATES = (OrderedProductState.CANCELLED, OrderedProductState.TERMINATED)

Ags = Annotated[str, StringConstraints(pattern=r"^\d{8}$")]
Email = Annotated[str, WithJsonSchema({"type": "string", "format": "email"})]
Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]
SettingType = Literal["text", "langtext", "zahl", "betrag", "ja_nein", "auswahl", "email", "url"]


def _utc(value: datetime | None) -> datetime | None:
    """Stored times are UTC; SQLite returns them without a zone."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Person(_Strict):
    """A person named in the questionnaire (e.g. a tester)."""

    name: str = Field(description="Vor- und Nachname")
    email: Email = Field(description="Dienstliche E-Mail-Adresse")
    telefon: str = Field(default="", description="Telefon im Format E.164 (z. B. +493511234567) oder leer")


# --- answer sections, one model per generic step ---------------------------------------------------------------------


def _field_type(question: Question) -> Any:
    kinds: dict[str, Any] = {
        "email": Email, "url": Url, "betrag": int, "zahl": int | float, "ja_nein": bool, "bestaetigung": bool,
        "personen": list[Person], "gemeinden": list[Ags],
    }
    return kinds.get(question.kind, str) | None


def _field_description(question: Question) -> str:
    notes = {
        "betrag": " (Betrag in Euro-Cent)",
        "telefon": " (Format E.164, z. B. +493511234567)",
        "gemeinden": " (Amtliche Gemeindeschlüssel, 8 Ziffern)",
        "bestaetigung": " (Bestätigung: true = bestätigt)",
    }
    return question.label + notes.get(question.kind, "")


def _section_model(step: Step) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for question in step.questions:
        extra: dict[str, Any] = {"x-question-key": question.key}
        if question.options:
            extra["examples"] = list(question.options)
        fields[question.key.split(".", 1)[1]] = (
            _field_type(question),
            Field(description=_field_description(question), json_schema_extra=extra),
        )
    name = "Schritt" + "".join(part.capitalize() for part in step.key.split("_"))
    model: type[BaseModel] = create_model(name, __base__=_Strict, __doc__=step.title, **fields)
    return model


SECTION_MODELS: dict[str, type[BaseModel]] = {step.key: _section_model(step) for step in GENERIC_STEPS}

if TYPE_CHECKING:
    Answers = BaseModel
else:
    Answers = create_model(
        "Antworten", __base__=_Strict,
        __doc__="Die Antworten der allgemeinen Schritte; unbeantwortete Fragen sind null.",
        **{key: (model, Field(description=model.__doc__)) for key, model in SECTION_MODELS.items()},
    )


class ProductSetting(_Strict):
    """One product-specific setting (Produkteinstellung) from the catalogue."""

    key: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")] = Field(description="Schlüssel im Katalog")
    label: str = Field(description="Frage, wie sie im Fragebogen steht")
    type: SettingType = Field(description="Art der Angabe; „betrag“ ist in Euro-Cent angegeben")
    value: bool | int | float | str | None = Field(description="Antwort; null wenn unbeantwortet")


class ProductInfo(_Strict):
    """The ordered online application assistant."""

    id: str = Field(description="Produkt-ID im Katalog")
    name: str
    manufacturer: str = Field(description="Hersteller")
    release_version: str | None = Field(description="Produktversion bei Einreichung (beim Entwurf: aktuelle)")


class MunicipalityInfo(_Strict):
    """The municipality that ordered."""

    name: str
    ags: Ags = Field(description="Amtlicher Gemeindeschlüssel")
    ars: str = Field(description="Amtlicher Regionalschlüssel")


class QuestionnaireInfo(_Strict):
    """Which state of the questionnaire this export is."""

    id: int
    ordered_product_id: int
    state: OrderedProductState = Field(description="Stand des bestellten Produkts zum Zeitpunkt des Exports")
    state_name: str = Field(description="Stand auf Deutsch")
    version: int = Field(description="Version der Antworten (zählt jede Änderung)")
    submission_number: int | None = Field(description="Nummer der eingereichten Fassung; null beim Entwurf")
    submitted_at: datetime | None = Field(description="Zeitpunkt der Einreichung dieser Fassung (UTC)")
    submitted_by: str | None = Field(description="Wer diese Fassung eingereicht hat")
    updated_at: datetime = Field(description="Letzte Änderung dieser Antworten (UTC)")

    @field_validator("submitted_at", "updated_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return _utc(value)


class ConfigurationExport(_Strict):
    """The configuration of one ordered online application assistant, for KISA."""

    schema_version: Literal["1.0"] = Field(default=SCHEMA_VERSION, description="Fassung dieses Formats")
    exported_at: datetime = Field(description="Zeitpunkt des Exports (UTC)")
    product: ProductInfo
    municipality: MunicipalityInfo
    questionnaire: QuestionnaireInfo
    answers: Answers
    product_settings: list[ProductSetting] = Field(description="Produkteinstellungen in der Reihenfolge des Katalogs")

    @field_validator("exported_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime | None:
        return _utc(value)


def json_schema() -> dict[str, Any]:
    """Return the published JSON Schema of :class:`ConfigurationExport` (draft 2020-12)."""
    schema = ConfigurationExport.model_json_schema(mode="serialization")
    schema.pop("title", None)
    description = schema.pop("description", "")
    return {"$schema": SCHEMA_URI, "$id": SCHEMA_ID, "title": SCHEMA_TITLE, "description": description, **schema}


def schema_text() -> str:
    """Return the schema as the file ``docs/config-export.schema.json`` holds it (without the final newline)."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2)


# --- reading a questionnaire as of a submission or now ---------------------------------------------------------------


@dataclass(frozen=True)
class _Snapshot:
    questionnaire: Questionnaire
    ordered: OrderedProduct
    municipality: Municipality
    product: Product
    steps: tuple[Step, ...]
    answers: dict[str, Any]
    version: int
    submission: QuestionnaireSubmission | None
    updated_at: datetime


def _snapshot(session: Session, *, actor: Actor, questionnaire_id: int, submission_number: int | None) -> _Snapshot:
    questionnaire = get_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    ordered = session.get(OrderedProduct, questionnaire.ordered_product_id)
    municipality = session.get(Municipality, questionnaire.municipality_id)
    assert ordered is not None and municipality is not None
    product, steps = product_and_steps(session, questionnaire.product_id)
    query = select(QuestionnaireSubmission).where(QuestionnaireSubmission.questionnaire_id == questionnaire.id)
    if submission_number is None:
        submission = session.exec(query.order_by(col(QuestionnaireSubmission.number).desc())).first()
    else:
        submission = session.exec(query.where(QuestionnaireSubmission.number == submission_number)).first()
        if submission is None:
            raise NotFound(f"Die Fassung {submission_number} dieses Fragebogens gibt es nicht.")
    if submission is None:
        return _Snapshot(questionnaire, ordered, municipality, product, steps, load_answers(questionnaire.answers),
                         questionnaire.version, None, questionnaire.updated_at)
    edit_at = session.exec(select(QuestionnaireEdit.at).where(
        QuestionnaireEdit.questionnaire_id == questionnaire.id, QuestionnaireEdit.version == submission.version)).first()
    return _Snapshot(questionnaire, ordered, municipality, product, steps, load_answers(submission.answers),
                     submission.version, submission, edit_at or questionnaire.created_at)


def _empty(value: object) -> bool:
    return value is None or value == "" or value == []


def _release(snapshot: _Snapshot) -> str | None:
    if snapshot.submission is not None:
        return snapshot.submission.product_release or None
    return snapshot.product.releases[-1].version if snapshot.product.releases else None


def _export_of(snapshot: _Snapshot, exported_at: datetime) -> ConfigurationExport:
    answers = snapshot.answers
    sections = {
        step.key: {q.key.split(".", 1)[1]: None if _empty(answers.get(q.key)) else answers[q.key] for q in step.questions}
        for step in GENERIC_STEPS
    }
    settings = [
        {"key": q.key.split(".", 1)[1], "label": q.label, "type": q.kind,
         "value": None if _empty(answers.get(q.key)) else answers[q.key]}
        for step in snapshot.steps if step.key == PRODUCT_STEP for q in step.questions
    ]
    submission = snapshot.submission
    return ConfigurationExport.model_validate({
        "exported_at": exported_at,
        "product": {"id": snapshot.product.id, "name": snapshot.product.name,
                    "manufacturer": snapshot.product.manufacturer.value, "release_version": _release(snapshot)},
        "municipality": {"name": snapshot.municipality.name, "ags": snapshot.municipality.ags,
                         "ars": snapshot.municipality.ars},
        "questionnaire": {
            "id": snapshot.questionnaire.id, "ordered_product_id": snapshot.ordered.id,
            "state": snapshot.ordered.state, "state_name": STATE_NAMES[snapshot.ordered.state],
            "version": snapshot.version, "submission_number": submission.number if submission else None,
            "submitted_at": submission.submitted_at if submission else None,
            "submitted_by": submission.submitted_by_name if submission else None,
            "updated_at": snapshot.updated_at,
        },
        "answers": sections,
        "product_settings": settings,
    })


def _gemeinde_names(session: Session, answers: dict[str, Any], steps: tuple[Step, ...]) -> dict[str, str]:
    wanted = {str(ags) for s in steps for q in s.questions if q.kind == "gemeinden"
              for ags in (answers.get(q.key) or [])}
    if not wanted:
        return {}
    return {g.ags: g.name for g in session.exec(select(Gemeinde).where(col(Gemeinde.ags).in_(sorted(wanted)))).all()}


def _printed_value(question: Question, value: Any) -> Any:
    if _empty(value):
        return None
    if question.kind == "personen" and isinstance(value, list):
        return [PersonEntry.model_validate(p) if isinstance(p, dict) else PersonEntry(name=str(p)) for p in value]
    if question.kind == "gemeinden" and isinstance(value, list):
        return [str(ags) for ags in value]
    return value


def _document_of(session: Session, snapshot: _Snapshot, export: ConfigurationExport) -> ConfigurationData:
    answers = snapshot.answers
    return ConfigurationData(
        product_id=export.product.id, product_name=export.product.name, manufacturer=export.product.manufacturer,
        release_version=export.product.release_version or "", municipality_name=export.municipality.name,
        municipality_ags=export.municipality.ags, municipality_ars=export.municipality.ars,
        questionnaire_id=export.questionnaire.id, version=export.questionnaire.version,
        submission_number=export.questionnaire.submission_number, state_name=export.questionnaire.state_name,
        submitted_at=export.questionnaire.submitted_at, submitted_by=export.questionnaire.submitted_by or "",
        updated_at=export.questionnaire.updated_at, exported_at=export.exported_at,
        sections=[
            ConfigurationSection(key=step.key, title=step.title, answers=[
                ConfigurationAnswer(key=q.key, label=q.label, kind=q.kind, value=_printed_value(q, answers.get(q.key)))
                for q in step.questions
            ])
            for step in snapshot.steps
        ],
        gemeinde_names=_gemeinde_names(session, answers, snapshot.steps),
    )


def _now(exported_at: datetime | None) -> datetime:
    value = _utc(exported_at) or utcnow()
    return value.replace(microsecond=0)


def build_export(
    session: Session, *, actor: Actor, questionnaire_id: int, submission_number: int | None = None,
    exported_at: datetime | None = None,
) -> ConfigurationExport:
    """Return the export of a questionnaire: the given submission, else the latest one, else the current draft.

    Raise :class:`NotFound` for another municipality's questionnaire or a submission number that does not exist.
    """
    snapshot = _snapshot(session, actor=actor, questionnaire_id=questionnaire_id, submission_number=submission_number)
    return _export_of(snapshot, _now(exported_at))


def export_json(
    session: Session, *, actor: Actor, questionnaire_id: int, submission_number: int | None = None,
    exported_at: datetime | None = None,
) -> str:
    """Return the export as JSON text (UTF-8, indented), valid against :func:`json_schema`."""
    export = build_export(session, actor=actor, questionnaire_id=questionnaire_id,
                          submission_number=submission_number, exported_at=exported_at)
    return export.model_dump_json(indent=2)


def configuration_data(
    session: Session, *, actor: Actor, questionnaire_id: int, submission_number: int | None = None,
    exported_at: datetime | None = None,
) -> ConfigurationData:
    """Return what the configuration PDF prints (municipality names of ``gemeinden`` answers looked up)."""
    snapshot = _snapshot(session, actor=actor, questionnaire_id=questionnaire_id, submission_number=submission_number)
    return _document_of(session, snapshot, _export_of(snapshot, _now(exported_at)))


def configuration_pdf(
    session: Session, *, actor: Actor, questionnaire_id: int, submission_number: int | None = None,
    exported_at: datetime | None = None,
) -> bytes:
    """Return the configuration PDF of a questionnaire (same choice of submission or draft as :func:`build_export`)."""
    return render_configuration(configuration_data(session, actor=actor, questionnaire_id=questionnaire_id,
                                                   submission_number=submission_number, exported_at=exported_at))


# --- many at once: files for the command line, a ZIP for downloads ---------------------------------------------------


def operator_actor(label: str = "oaa config export") -> Actor:
    """Return the actor of an operator command: sees every municipality, recorded in the audit log by ``label``."""
    return Actor(user_id=SYSTEM_USER_ID, email=label, full_name=label, role=Role.ADMIN, status=UserStatus.ACTIVE,
                 municipality_id=None)


def find_questionnaires(
    session: Session, *, actor: Actor, municipality_ags: str | None = None, product_id: str | None = None
) -> list[int]:
    """Return the ids of the questionnaires the actor may see (cancelled and ended products left out), by AGS and product."""
    statement: Any = (
        select(Questionnaire.id)
        .join(Municipality, col(Municipality.id) == Questionnaire.municipality_id)
        .join(OrderedProduct, col(OrderedProduct.id) == Questionnaire.ordered_product_id)
        .where(col(OrderedProduct.state).not_in(list(EXCLUDED_STATES)))
    )
    if municipality_ags:
        statement = statement.where(Municipality.ags == municipality_ags)
    if product_id:
        statement = statement.where(Questionnaire.product_id == product_id)
    query = scope_to_tenant(statement, actor, Questionnaire.municipality_id)
    return [qid for qid in session.exec(query.order_by(col(Municipality.ags), col(Questionnaire.product_id),
                                                       col(Questionnaire.id))).all() if qid is not None]


def file_stem(export: ConfigurationExport, *, with_ags: bool) -> str:
    """Return a safe ASCII file name without extension: ``<product-id>`` or ``<AGS>_<product-id>``."""
    product = ascii_slug(export.product.id)[:80] or f"fragebogen-{export.questionnaire.id}"
    return f"{ascii_slug(export.municipality.ags)}_{product}" if with_ags else product


def export_files(
    session: Session, *, actor: Actor, questionnaire_ids: Sequence[int], formats: Collection[str] = FORMATS,
    with_ags: bool | None = None, exported_at: datetime | None = None,
) -> dict[str, bytes]:
    """Return ``{file name: content}`` with ``<product-id>.json`` and ``.pdf`` per questionnaire; record the export.

    ``with_ags`` puts the AGS in front of every name (default: when the questionnaires belong to more than one
    municipality). Raise :class:`NotFound` if any id is not the actor's; nothing is recorded then.
    """
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown formats: {sorted(unknown)}")
    now = _now(exported_at)
    snapshots = [_snapshot(session, actor=actor, questionnaire_id=qid, submission_number=None)
                 for qid in dict.fromkeys(questionnaire_ids)]
    if with_ags is None:
        with_ags = len({s.municipality.id for s in snapshots}) > 1
    files: dict[str, bytes] = {}
    for snapshot in snapshots:
        export = _export_of(snapshot, now)
        stem = file_stem(export, with_ags=with_ags)
        if f"{stem}.json" in files or f"{stem}.pdf" in files:  # the same product ordered twice
            stem = f"{stem}_{export.questionnaire.id}"
        if "json" in formats:
            files[f"{stem}.json"] = export.model_dump_json(indent=2).encode("utf-8")
        if "pdf" in formats:
            files[f"{stem}.pdf"] = render_configuration(_document_of(session, snapshot, export))
        submission = snapshot.submission
        record(session, action="questionnaire.exported", entity_type="questionnaire", entity_id=export.questionnaire.id,
               actor=None if actor.user_id == SYSTEM_USER_ID else actor, actor_label=actor.email,
               municipality_id=snapshot.municipality.id,
               details=f"{export.product.name}: "
                       f"{f'Fassung {submission.number}' if submission else 'Entwurf'} exportiert "
                       f"({', '.join(f for f in FORMATS if f in formats)}).")
    return files


def export_zip(
    session: Session, *, actor: Actor, questionnaire_ids: Sequence[int], formats: Collection[str] = FORMATS,
    exported_at: datetime | None = None,
) -> bytes:
    """Return a ZIP of :func:`export_files` (byte-stable for the same data and ``exported_at``)."""
    now = _now(exported_at)
    files = export_files(session, actor=actor, questionnaire_ids=questionnaire_ids, formats=formats, exported_at=now)
    stamp = now.astimezone(BERLIN)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=(stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute,
                                                    stamp.second))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
