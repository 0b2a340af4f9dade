"""Load and save questionnaires with the tenant check; answers are JSON objects keyed by question key."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from accounts.access import may_see_tenant
from accounts.actor import Actor
from catalog.schema import Product
from catalog.store import get_product
from core.errors import DomainError, NotFound
from models import Gemeinde, MasterData, OrderedProduct, Questionnaire, QuestionnaireEdit
from questionnaire.definition import Step, steps_for

NOT_FOUND = "Dieser Fragebogen wurde nicht gefunden."


def load_answers(text: str) -> dict[str, Any]:
    """Return the answers stored as JSON."""
    value = json.loads(text or "{}")
    return value if isinstance(value, dict) else {}


def dump_answers(answers: dict[str, Any]) -> str:
    """Return answers as JSON for storage (keys sorted, empty answers left out)."""
    kept = {k: v for k, v in answers.items() if v is not None and v != "" and v != []}
    return json.dumps(kept, ensure_ascii=False, sort_keys=True)


def get_questionnaire(session: Session, *, actor: Actor, questionnaire_id: int, lock: bool = False) -> Questionnaire:
    """Return the questionnaire if the actor may see it; other municipalities' do not exist for them."""
    query = select(Questionnaire).where(Questionnaire.id == questionnaire_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    questionnaire = session.exec(query).first()
    if questionnaire is None or not may_see_tenant(actor, questionnaire.municipality_id):
        raise NotFound(NOT_FOUND)
    return questionnaire


def get_ordered(session: Session, *, actor: Actor, ordered_product_id: int) -> OrderedProduct:
    """Return an ordered product of the actor's municipality (staff: any)."""
    ordered = session.get(OrderedProduct, ordered_product_id)
    if ordered is None or not may_see_tenant(actor, ordered.municipality_id):
        raise NotFound("Dieses bestellte Produkt wurde nicht gefunden.")
    return ordered


def product_and_steps(session: Session, product_id: str) -> tuple[Product, tuple[Step, ...]]:
    """Return the catalogue product and the questionnaire's steps for it."""
    product, _version = get_product(session, product_id)
    return product, steps_for(product)


def known_ags(session: Session, values: Mapping[str, Any]) -> set[str]:
    """Return the AGS mentioned in ``values`` (answers or input) that the municipality reference list knows.

    Only the candidates are looked up: a questionnaire is read on every page run, the list has thousands of rows.
    """
    candidates = {str(item).strip() for value in values.values() if isinstance(value, list | tuple)
                  for item in value if not isinstance(item, Mapping)}
    if not candidates:
        return set()
    return set(session.exec(select(Gemeinde.ags).where(col(Gemeinde.ags).in_(sorted(candidates)))).all())


def master_answers(session: Session, municipality_id: int) -> tuple[dict[str, Any], MasterData | None]:
    """Return the municipality's master data answers (empty if none yet) and the row."""
    row = session.exec(select(MasterData).where(MasterData.municipality_id == municipality_id)).first()
    return (load_answers(row.answers) if row else {}), row


def edits_since(session: Session, questionnaire_id: int, version: int) -> list[QuestionnaireEdit]:
    """Return the saved changes after ``version``, oldest first."""
    return list(session.exec(
        select(QuestionnaireEdit)
        .where(QuestionnaireEdit.questionnaire_id == questionnaire_id, col(QuestionnaireEdit.version) > version)
        .order_by(col(QuestionnaireEdit.version))
    ).all())


@dataclass(frozen=True)
class ChangedAnswer:
    """One answer someone else changed."""

    key: str
    label: str
    old: Any
    new: Any


@dataclass(frozen=True)
class OtherEdit:
    """A change by someone else since the version the user started from."""

    user_name: str
    at: Any
    step: str
    answers: tuple[ChangedAnswer, ...]


class EditConflict(DomainError):
    """Someone else saved the same step meanwhile; nothing was saved. Shows their changes."""

    def __init__(self, *, current_version: int, edits: list[OtherEdit]) -> None:
        self.current_version = current_version
        self.edits = edits
        names = ", ".join(sorted({e.user_name for e in edits})) or "Eine andere Person"
        super().__init__(
            f"{names} hat dieselben Angaben inzwischen geändert. Ihre Eingabe ist noch nicht gespeichert. "
            "Vergleichen Sie unten und entscheiden Sie: Ihre Eingabe speichern oder die neuen Angaben übernehmen."
        )
