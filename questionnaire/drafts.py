"""Open, read and save questionnaires step by step: pre-fill from master data, optimistic locking per step."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from accounts.access import require_current, require_role, scope_to_tenant
from accounts.actor import Actor
from catalog.schema import Product
from core.clock import utcnow
from core.errors import DomainError, FieldErrors, NotFound
from core.paging import Page, clamp
from core.text import search_text
from lifecycle.machine import EDITABLE, transition
from models import (
    STATE_NAMES,
    CatalogProduct,
    Municipality,
    OrderedProduct,
    OrderedProductState,
    Questionnaire,
    QuestionnaireEdit,
    Role,
    User,
)
from orders.listing import matching, oldest_first_ids, search_matches
from questionnaire.checks import Problem, ValueProblem, clean_step, clean_value, is_required, problems
from questionnaire.definition import MASTER_KEYS, Step
from questionnaire.store import (
    ChangedAnswer,
    EditConflict,
    OtherEdit,
    dump_answers,
    edits_since,
    get_ordered,
    get_questionnaire,
    known_ags,
    load_answers,
    master_answers,
    product_and_steps,
)


def initial_answers(steps: tuple[Step, ...], master: dict[str, Any]) -> dict[str, Any]:
    """Return a new questionnaire's answers: master data, the catalogue's defaults, the only possible choices."""
    answers: dict[str, Any] = {}
    for step in steps:
        for question in step.questions:
            if question.key in MASTER_KEYS and master.get(question.key) not in (None, "", []):
                answers[question.key] = master[question.key]
            elif question.default is not None:
                try:
                    answers[question.key] = clean_value(question, question.default)
                except ValueProblem:
                    continue  # a default the catalogue got wrong is simply not offered
            elif question.kind == "auswahl" and len(question.options) == 1:
                answers[question.key] = question.options[0]
    return answers


def _create(session: Session, ordered: OrderedProduct) -> Questionnaire:
    _product, steps = product_and_steps(session, ordered.product_id)
    master, _row = master_answers(session, ordered.municipality_id)
    questionnaire = Questionnaire(
        ordered_product_id=ordered.id or 0, municipality_id=ordered.municipality_id, product_id=ordered.product_id,
        answers=dump_answers(initial_answers(steps, master)),
    )
    try:
        with session.begin_nested():
            session.add(questionnaire)
    except IntegrityError:  # another tab created it at the same moment
        existing = session.exec(select(Questionnaire).where(Questionnaire.ordered_product_id == ordered.id)).one()
        return existing
    return questionnaire


def open_questionnaire(session: Session, *, actor: Actor, ordered_product_id: int) -> int:
    """Return the questionnaire id of an ordered product, creating it pre-filled on the municipality's first visit."""
    ordered = get_ordered(session, actor=actor, ordered_product_id=ordered_product_id)
    existing = session.exec(select(Questionnaire.id).where(Questionnaire.ordered_product_id == ordered.id)).first()
    if existing is not None:
        return existing
    if actor.role != Role.KOMMUNE:
        raise NotFound("Die Kommune hat den Fragebogen für dieses Produkt noch nicht begonnen.")
    require_current(session, actor, Role.KOMMUNE)
    if ordered.state in (OrderedProductState.CANCELLED, OrderedProductState.TERMINATED):
        raise DomainError("Dieses Produkt ist storniert; einen Fragebogen gibt es dafür nicht.")
    if ordered.state not in EDITABLE:  # ordered before the shop had the questionnaire; KISA set it up already
        raise NotFound(f"Für dieses Produkt gibt es keinen Fragebogen im OAA-Shop (Stand: {STATE_NAMES[ordered.state]}).")
    questionnaire = _create(session, ordered)
    session.flush()
    assert questionnaire.id is not None
    return questionnaire.id


@dataclass(frozen=True)
class QuestionnaireView:
    """Everything the wizard shows of one questionnaire."""

    id: int
    ordered_product_id: int
    version: int
    product: Product
    steps: tuple[Step, ...]
    answers: dict[str, Any]
    municipality_name: str
    municipality_ags: str
    state: OrderedProductState
    editable: bool  # for this actor, now
    problems: tuple[Problem, ...]
    updated_at: datetime
    updated_by: str
    submitted_at: datetime | None
    submission_count: int

    @property
    def state_name(self) -> str:
        """Return the German name of the product's state."""
        return STATE_NAMES[self.state]

    @property
    def progress(self) -> float:
        """Return the share of required questions answered (0.0 – 1.0)."""
        required = [q for s in self.steps for q in s.questions if is_required(q, self.answers)]
        if not required:
            return 1.0
        open_keys = {p.key for p in self.problems}
        return sum(1 for q in required if q.key not in open_keys) / len(required)


def _user_name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.full_name if user else ""


def read_questionnaire(session: Session, *, actor: Actor, questionnaire_id: int) -> QuestionnaireView:
    """Return the questionnaire with its problems; raise :class:`NotFound` for another municipality's."""
    questionnaire = get_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    ordered = session.get(OrderedProduct, questionnaire.ordered_product_id)
    municipality = session.get(Municipality, questionnaire.municipality_id)
    assert ordered is not None and municipality is not None and questionnaire.id is not None
    product, steps = product_and_steps(session, questionnaire.product_id)
    answers = load_answers(questionnaire.answers)
    return QuestionnaireView(
        id=questionnaire.id, ordered_product_id=ordered.id or 0, version=questionnaire.version, product=product,
        steps=steps, answers=answers, municipality_name=municipality.name, municipality_ags=municipality.ags,
        state=ordered.state, editable=actor.role == Role.KOMMUNE and ordered.state in EDITABLE,
        problems=tuple(problems(steps, answers, known_ags=known_ags(session, answers))),
        updated_at=questionnaire.updated_at, updated_by=_user_name(session, questionnaire.updated_by_id),
        submitted_at=questionnaire.submitted_at, submission_count=questionnaire.submission_count,
    )


def editable_for_update(session: Session, *, actor: Actor, questionnaire_id: int) -> tuple[Questionnaire, OrderedProduct]:
    """Lock the questionnaire for a change by a municipal user; refuse if it is not open for changes."""
    require_role(actor, Role.KOMMUNE)
    require_current(session, actor, Role.KOMMUNE)
    found = get_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    # Lock the product's state first (a cancellation at the same moment waits, or is seen), then the answers.
    ordered = session.exec(
        select(OrderedProduct).where(OrderedProduct.id == found.ordered_product_id)
        .with_for_update().execution_options(populate_existing=True)
    ).one()
    questionnaire = get_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id, lock=True)
    if ordered.state not in EDITABLE:
        raise DomainError(
            f"Der Fragebogen ist eingereicht und kann nicht mehr geändert werden (Stand: {STATE_NAMES[ordered.state]}). "
            "KISA meldet sich, falls etwas fehlt."
        )
    return questionnaire, ordered


def apply_changes(
    session: Session, *, actor: Actor, questionnaire: Questionnaire, ordered: OrderedProduct, step: str,
    values: dict[str, Any],
) -> list[dict[str, Any]]:
    """Write ``values`` into the questionnaire with a new version and an edit record; return the changes."""
    answers = load_answers(questionnaire.answers)
    changes = [
        {"key": key, "old": answers.get(key), "new": value}
        for key, value in values.items()
        if answers.get(key) != value and not (answers.get(key) in (None, "", []) and value in (None, "", []))
    ]
    if not changes:
        return []
    for change in changes:
        answers[change["key"]] = change["new"]
    questionnaire.answers = dump_answers(answers)
    questionnaire.version += 1
    questionnaire.updated_at = utcnow()
    questionnaire.updated_by_id = actor.user_id
    session.add(questionnaire)
    session.add(QuestionnaireEdit(
        questionnaire_id=questionnaire.id or 0, version=questionnaire.version, step=step,
        changes=json.dumps(changes, ensure_ascii=False), user_id=actor.user_id, user_name=actor.full_name,
    ))
    if ordered.state == OrderedProductState.ORDERED:
        transition(session, actor=actor, ordered=ordered, target=OrderedProductState.QUESTIONNAIRE)
    return changes


def _conflicting_edits(
    session: Session, questionnaire: Questionnaire, step: Step, keys: set[str], base_version: int
) -> list[OtherEdit]:
    """Return others' changes since ``base_version`` to any of ``keys`` (the answers the user is saving)."""
    labels = {q.key: q.label for q in step.questions}
    found: list[OtherEdit] = []
    for edit in edits_since(session, questionnaire.id or 0, base_version):
        changes = [c for c in json.loads(edit.changes) if c["key"] in keys]
        if changes:
            found.append(OtherEdit(edit.user_name, edit.at, edit.step, tuple(
                ChangedAnswer(c["key"], labels.get(c["key"], c["key"]), c["old"], c["new"]) for c in changes)))
    return found


@dataclass(frozen=True)
class Saved:
    """The outcome of saving a step."""

    version: int
    changed: int  # answers that changed (0: nothing to save)


def save_step(
    session: Session, *, actor: Actor, questionnaire_id: int, step_key: str, raw: dict[str, object], base_version: int
) -> Saved:
    """Check and save one step's answers; refuse with :class:`FieldErrors` or :class:`EditConflict` and change nothing.

    ``raw`` may hold all answers of the step or only some (the page saves each answer as it is changed).
    ``base_version`` is the version the user's form was filled from. Changes others saved meanwhile to *other*
    answers are kept (merged); changes to any answer in ``raw`` raise :class:`EditConflict` with what they changed.
    """
    questionnaire, ordered = editable_for_update(session, actor=actor, questionnaire_id=questionnaire_id)
    _product, steps = product_and_steps(session, questionnaire.product_id)
    step = next((s for s in steps if s.key == step_key), None)
    if step is None:
        raise NotFound("Diesen Schritt gibt es im Fragebogen nicht.")
    values, errors = clean_step(step, raw, known_ags=known_ags(session, raw))
    if errors:
        raise FieldErrors(errors)
    if questionnaire.version != base_version:
        stored = load_answers(questionnaire.answers)
        # Typing what the other person saved already is no conflict: nothing would be overwritten.
        differing = {key for key, value in values.items() if stored.get(key) != value}
        conflicts = _conflicting_edits(session, questionnaire, step, differing, base_version)
        if conflicts:
            raise EditConflict(current_version=questionnaire.version, edits=conflicts)
    changes = apply_changes(session, actor=actor, questionnaire=questionnaire, ordered=ordered, step=step.key,
                            values=values)
    return Saved(questionnaire.version, len(changes))


@dataclass(frozen=True)
class QuestionnaireRow:
    """One line of the overview of a municipality's questionnaires."""

    ordered_product_id: int
    questionnaire_id: int | None
    product_id: str
    product_name: str
    municipality_name: str
    state: OrderedProductState
    updated_at: datetime | None
    submitted_at: datetime | None

    @property
    def state_name(self) -> str:
        """Return the German name of the product's state."""
        return STATE_NAMES[self.state]

    @property
    def editable(self) -> bool:
        """Tell whether the municipality may still change the answers."""
        return self.state in EDITABLE


ENDED_STATES = (OrderedProductState.CANCELLED, OrderedProductState.TERMINATED)  # not listed


def _questionnaire_rows_query(actor: Actor) -> Any:
    statement: Any = (
        # Only the columns the list shows: never the answers (kilobytes of JSON per questionnaire).
        sa_select(col(OrderedProduct.id), col(OrderedProduct.product_id), col(OrderedProduct.state),
                  col(CatalogProduct.name), col(Municipality.name), col(Questionnaire.id),
                  col(Questionnaire.updated_at), col(Questionnaire.submitted_at))
        .join(CatalogProduct, col(CatalogProduct.id) == OrderedProduct.product_id)
        .join(Municipality, col(Municipality.id) == OrderedProduct.municipality_id)
        .outerjoin(Questionnaire, col(Questionnaire.ordered_product_id) == OrderedProduct.id)
        .where(col(OrderedProduct.state).not_in(list(ENDED_STATES)))
    )
    return scope_to_tenant(statement, actor, OrderedProduct.municipality_id)


def _questionnaire_rows(rows: Any) -> list[QuestionnaireRow]:
    return [
        QuestionnaireRow(op_id or 0, q_id, product_id, name, municipality, OrderedProductState(state), updated,
                         submitted)
        for op_id, product_id, state, name, municipality, q_id, updated, submitted in rows
    ]


def list_questionnaires(session: Session, *, actor: Actor) -> list[QuestionnaireRow]:
    """Return every ordered product of the actor's municipality (staff: all) with its questionnaire, if begun."""
    require_role(actor, Role.KOMMUNE, Role.KISA, Role.ADMIN)
    query = _questionnaire_rows_query(actor).order_by(col(Municipality.name), col(CatalogProduct.name))
    return _questionnaire_rows(session.execute(query).all())


def questionnaire_page(session: Session, *, actor: Actor, states: tuple[OrderedProductState, ...] = (),
                       search: str = "", number: int = 1, size: int = 25) -> Page[QuestionnaireRow]:
    """Return page ``number`` of the rows of :func:`list_questionnaires`, longest in their current state first (for
    KISA: what was submitted first is read first), only ``states`` (all but ended ones when empty) and, with
    ``search``, only rows whose municipality, AGS or product contains it; counted and cut in the database.

    Filtered, counted and ordered on the ordered products alone (indexes on state and state_since, the search resolved
    to product and municipality ids); only the page's rows are joined with names and questionnaires.
    """
    require_role(actor, Role.KOMMUNE, Role.KISA, Role.ADMIN)
    wanted = states or tuple(s for s in OrderedProductState if s not in ENDED_STATES)
    matches = search_matches(session, search_text(search))

    def filtered(query: Any, *chosen: OrderedProductState) -> Any:
        query = query.where(col(OrderedProduct.state).in_(list(chosen or wanted)))
        return matching(scope_to_tenant(query, actor, OrderedProduct.municipality_id), matches)

    total = int(session.execute(filtered(sa_select(func.count()).select_from(OrderedProduct))).scalar_one())
    number = clamp(number, total, size)
    ids = oldest_first_ids(session, filtered, wanted, offset=(number - 1) * size, size=size)
    rows = session.execute(_questionnaire_rows_query(actor).where(col(OrderedProduct.id).in_(ids))
                           .order_by(col(OrderedProduct.state_since), col(OrderedProduct.id))).all()
    return Page(_questionnaire_rows(rows), total, number, size)

