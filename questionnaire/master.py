"""Master data (Stammdaten): entered once per municipality, pre-filling and updating the questionnaires in draft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from accounts.access import require_current, require_role
from accounts.actor import Actor
from audit.log import record
from core.clock import utcnow
from core.errors import DomainError, FieldErrors
from lifecycle.machine import EDITABLE
from models import CatalogProduct, MasterData, OrderedProduct, Questionnaire, Role, User
from questionnaire.checks import clean_step
from questionnaire.definition import GENERIC_STEPS, MASTER_KEYS, MASTER_QUESTIONS, Step
from questionnaire.drafts import apply_changes, editable_for_update
from questionnaire.store import dump_answers, get_questionnaire, known_ags, load_answers, master_answers

# The master data form: the generic steps, with only their master questions.
MASTER_STEPS: tuple[Step, ...] = tuple(
    Step(s.key, s.title, s.intro, tuple(q for q in s.questions if q.master))
    for s in GENERIC_STEPS if any(q.master for q in s.questions)
)
_LABELS = {q.key: q.label for q in MASTER_QUESTIONS}


@dataclass(frozen=True)
class MasterView:
    """The municipality's master data as the form shows it."""

    answers: dict[str, Any]
    version: int
    updated_at: datetime | None
    updated_by: str


def _municipality_of(actor: Actor) -> int:
    require_role(actor, Role.KOMMUNE)
    if actor.municipality_id is None:
        raise DomainError("Ihr Konto gehört zu keiner Kommune.")
    return actor.municipality_id


def read_master(session: Session, *, actor: Actor) -> MasterView:
    """Return the master data of the actor's municipality (empty before the first save)."""
    answers, row = master_answers(session, _municipality_of(actor))
    if row is None:
        return MasterView({}, 0, None, "")
    user = session.get(User, row.updated_by_id) if row.updated_by_id else None
    return MasterView(answers, row.version, row.updated_at, user.full_name if user else "")


class StaleMasterData(DomainError):
    """Someone saved the master data meanwhile; nothing was saved."""

    def __init__(self, current: MasterView) -> None:
        self.current = current
        super().__init__(
            f"{current.updated_by or 'Eine andere Person'} hat die Stammdaten inzwischen geändert. Ihre Eingaben sind "
            "noch nicht gespeichert; die geänderten Angaben sehen Sie unten. Speichern Sie erneut, um Ihre Eingaben "
            "zu übernehmen."
        )


@dataclass(frozen=True)
class DraftDifference:
    """A questionnaire in draft whose answers differ from the master data."""

    questionnaire_id: int
    product_name: str
    keys: tuple[str, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class MasterSaved:
    """The outcome of saving master data."""

    version: int
    changed_keys: tuple[str, ...]
    drafts: tuple[DraftDifference, ...]  # drafts that still hold other values for the changed answers


def _locked_row(session: Session, municipality_id: int) -> MasterData:
    locked = (select(MasterData).where(MasterData.municipality_id == municipality_id)
              .with_for_update().execution_options(populate_existing=True))
    row = session.exec(locked).first()
    if row is not None:
        return row
    row = MasterData(municipality_id=municipality_id)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # created by a colleague at the same moment
        return session.exec(locked).one()
    return row


def save_master(session: Session, *, actor: Actor, raw: dict[str, object], base_version: int) -> MasterSaved:
    """Check and save master data; list the drafts that could take the changed answers over."""
    municipality_id = _municipality_of(actor)
    require_current(session, actor, Role.KOMMUNE)
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    ags = known_ags(session, raw)
    for step in MASTER_STEPS:
        step_values, step_errors = clean_step(step, raw, known_ags=ags)
        values.update(step_values)
        errors.update(step_errors)
    if errors:
        raise FieldErrors(errors)
    row = _locked_row(session, municipality_id)
    if row.version != base_version:
        raise StaleMasterData(read_master(session, actor=actor))
    answers = load_answers(row.answers)
    changed = tuple(k for k, v in values.items() if answers.get(k) != v and not (answers.get(k) is None and v is None))
    if changed:
        answers.update(values)
        row.answers = dump_answers(answers)
        row.version += 1
        row.updated_at = utcnow()
        row.updated_by_id = actor.user_id
        session.add(row)
        record(session, actor=actor, action="masterdata.saved", entity_type="municipality", entity_id=municipality_id,
               municipality_id=municipality_id,
               details="Stammdaten geändert: " + ", ".join(_LABELS[k] for k in changed)[:3900])
    session.flush()
    return MasterSaved(row.version, changed, tuple(differing_drafts(session, actor=actor, keys=changed)))


def differing_drafts(session: Session, *, actor: Actor, keys: tuple[str, ...] | None = None) -> list[DraftDifference]:
    """Return the editable questionnaires whose answers for ``keys`` (default: all master data) differ from it."""
    municipality_id = _municipality_of(actor)
    master, _row = master_answers(session, municipality_id)
    wanted = [k for k in (keys if keys is not None else sorted(MASTER_KEYS)) if master.get(k) not in (None, "", [])]
    if not wanted:
        return []
    rows = session.exec(
        select(Questionnaire, CatalogProduct.name)
        .join(OrderedProduct, col(OrderedProduct.id) == Questionnaire.ordered_product_id)
        .join(CatalogProduct, col(CatalogProduct.id) == Questionnaire.product_id)
        .where(Questionnaire.municipality_id == municipality_id, col(OrderedProduct.state).in_(list(EDITABLE)))
        .order_by(col(CatalogProduct.name))
    ).all()
    found = []
    for questionnaire, name in rows:
        answers = load_answers(questionnaire.answers)
        differing = tuple(k for k in wanted if answers.get(k) != master[k])
        if differing:
            found.append(DraftDifference(questionnaire.id or 0, name, differing, tuple(_LABELS[k] for k in differing)))
    return found


def apply_master(session: Session, *, actor: Actor, questionnaire_ids: list[int], keys: tuple[str, ...]) -> int:
    """Write the master data's answers for ``keys`` into the chosen drafts; return how many changed.

    Only answers the master data has are written (as :func:`differing_drafts` offers them): an answer emptied
    in the master data never empties a questionnaire.
    """
    municipality_id = _municipality_of(actor)
    master, _row = master_answers(session, municipality_id)
    values = {k: master[k] for k in keys if k in MASTER_KEYS and master.get(k) not in (None, "", [])}
    updated = 0
    for questionnaire_id in sorted(set(questionnaire_ids)):  # one lock order for everyone: no deadlocks
        questionnaire, ordered = editable_for_update(session, actor=actor, questionnaire_id=questionnaire_id)
        if apply_changes(session, actor=actor, questionnaire=questionnaire, ordered=ordered, step="stammdaten",
                         values=values):
            updated += 1
    if updated:
        record(session, actor=actor, action="masterdata.applied", entity_type="municipality",
               entity_id=municipality_id, municipality_id=municipality_id,
               details=f"Stammdaten in {updated} Fragebogen/Fragebögen übernommen.")
    return updated


def adopt_as_master(session: Session, *, actor: Actor, questionnaire_id: int) -> MasterSaved:
    """Take the master-data answers of one questionnaire over as the municipality's master data."""
    questionnaire = get_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    answers = load_answers(questionnaire.answers)
    current = read_master(session, actor=actor)
    raw: dict[str, object] = {k: answers.get(k) for k in MASTER_KEYS if answers.get(k) not in (None, "", [])}
    return save_master(session, actor=actor, raw=raw, base_version=current.version)

