"""Copy answers from one questionnaire to many: the 14 Meldewesen products are filled once, not 14 times."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from accounts.access import require_current, require_role
from accounts.actor import Actor
from audit.log import record
from core.errors import DomainError
from lifecycle.machine import EDITABLE
from models import CatalogProduct, OrderedProduct, Questionnaire, Role
from questionnaire.checks import ValueProblem, clean_value
from questionnaire.drafts import apply_changes, editable_for_update, open_questionnaire
from questionnaire.store import get_ordered, get_questionnaire, known_ags, load_answers, product_and_steps


@dataclass(frozen=True)
class CopyTarget:
    """An ordered product of the same municipality whose questionnaire can still take answers."""

    ordered_product_id: int
    product_name: str
    begun: bool


def copy_targets(session: Session, *, actor: Actor, questionnaire_id: int) -> list[CopyTarget]:
    """Return the other ordered products of the municipality whose questionnaire is open for changes."""
    require_role(actor, Role.KOMMUNE)
    source = get_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    rows = session.exec(
        select(OrderedProduct.id, CatalogProduct.name, Questionnaire.id)
        .join(CatalogProduct, col(CatalogProduct.id) == OrderedProduct.product_id)
        .outerjoin(Questionnaire, col(Questionnaire.ordered_product_id) == OrderedProduct.id)
        .where(OrderedProduct.municipality_id == source.municipality_id,
               col(OrderedProduct.id) != source.ordered_product_id,
               col(OrderedProduct.state).in_(list(EDITABLE)))
        .order_by(col(CatalogProduct.name))
    ).all()
    return [CopyTarget(op_id or 0, name, q_id is not None) for op_id, name, q_id in rows]


@dataclass
class CopyReport:
    """What a copy did: answers taken over per product, and what did not fit."""

    copied: dict[str, int] = field(default_factory=dict)  # product name -> answers changed
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (product name, question, reason)


def copy_answers(
    session: Session, *, actor: Actor, questionnaire_id: int, target_ordered_ids: list[int], step_keys: list[str]
) -> CopyReport:
    """Copy the answers of ``step_keys`` into the targets' questionnaires (created if not begun yet).

    Only answered questions are copied; an answer the source leaves empty stays as it is in the target.
    Product settings go over only where the target asks the same question and the value fits it
    (e.g. a choice it offers); the rest is listed as skipped. All or nothing: one transaction.
    """
    require_role(actor, Role.KOMMUNE)
    require_current(session, actor, Role.KOMMUNE)
    if not target_ordered_ids:
        raise DomainError("Bitte wählen Sie mindestens ein Produkt, in das kopiert werden soll.")
    if not step_keys:
        raise DomainError("Bitte wählen Sie mindestens einen Schritt, der kopiert werden soll.")
    source = get_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    source_answers = load_answers(source.answers)
    _product, source_steps = product_and_steps(session, source.product_id)
    keys = [q.key for s in source_steps if s.key in step_keys for q in s.questions]
    ags = known_ags(session, source_answers)
    allowed = {t.ordered_product_id for t in copy_targets(session, actor=actor, questionnaire_id=questionnaire_id)}
    report = CopyReport()
    for ordered_id in sorted(set(target_ordered_ids)):  # one lock order for everyone: no deadlocks
        if ordered_id not in allowed:
            get_ordered(session, actor=actor, ordered_product_id=ordered_id)  # another municipality's: not found
            raise DomainError("Eines der gewählten Produkte kann keine Angaben mehr übernehmen (bereits eingereicht?).")
        target_id = open_questionnaire(session, actor=actor, ordered_product_id=ordered_id)
        target, ordered = editable_for_update(session, actor=actor, questionnaire_id=target_id)
        target_product, target_steps = product_and_steps(session, target.product_id)
        questions = {q.key: q for s in target_steps for q in s.questions}
        values = {}
        for key in keys:
            question = questions.get(key)
            value = source_answers.get(key)
            if question is None or value in (None, "", []):
                continue  # the target does not ask this, or the source has no answer: the target keeps its own
            try:
                values[key] = clean_value(question, value / 100 if question.kind == "betrag" and isinstance(value, int)
                                          else value, known_ags=ags)
            except ValueProblem as exc:
                report.skipped.append((target_product.name, question.label, str(exc)))
        changes = apply_changes(session, actor=actor, questionnaire=target, ordered=ordered, step="kopie", values=values)
        report.copied[target_product.name] = len(changes)
    record(session, actor=actor, action="questionnaire.copied", entity_type="questionnaire", entity_id=source.id,
           municipality_id=source.municipality_id,
           details=f"Angaben ({', '.join(step_keys)}) in {len(report.copied)} Fragebögen kopiert.")
    session.flush()
    return report
