"""Submit a complete questionnaire to KISA: snapshot, lifecycle step, confirmation mail — one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from accounts.actor import Actor
from audit.log import record
from core.clock import utcnow
from core.config import get_settings
from core.errors import DomainError
from lifecycle.machine import transition
from models import Municipality, OrderedProductState, QuestionnaireSubmission
from notifications.outbox import app_link, enqueue
from questionnaire.checks import Problem, problems
from questionnaire.drafts import editable_for_update
from questionnaire.store import get_questionnaire, known_ags, load_answers, product_and_steps


def questionnaire_link(ordered_product_id: int, step: str | None = None) -> str:
    """Return the absolute link to an ordered product's questionnaire (for mails)."""
    return app_link("fragebogen", nr=ordered_product_id, **({"schritt": step} if step else {}))


class Incomplete(DomainError):
    """The questionnaire still has problems; nothing was submitted."""

    def __init__(self, found: list[Problem]) -> None:
        self.problems = found
        super().__init__(
            f"Der Fragebogen ist noch nicht vollständig ({len(found)} offene Punkte). Die Liste zeigt, was fehlt."
        )


class ChangedMeanwhile(DomainError):
    """Someone changed the answers after the review page was shown; nothing was submitted."""

    def __init__(self) -> None:
        super().__init__(
            "Die Angaben wurden inzwischen von einer anderen Person geändert. Bitte prüfen Sie die aktuelle "
            "Fassung und reichen Sie dann erneut ein."
        )


def submit(session: Session, *, actor: Actor, questionnaire_id: int, base_version: int) -> QuestionnaireSubmission:
    """Submit the answers as reviewed at ``base_version``; refuse if incomplete or changed meanwhile."""
    questionnaire, ordered = editable_for_update(session, actor=actor, questionnaire_id=questionnaire_id)
    if questionnaire.version != base_version:
        raise ChangedMeanwhile()
    product, steps = product_and_steps(session, questionnaire.product_id)
    answers = load_answers(questionnaire.answers)
    found = problems(steps, answers, known_ags=known_ags(session, answers))
    if found:
        raise Incomplete(found)
    if ordered.state == OrderedProductState.ORDERED:  # filled entirely by copies of master data
        transition(session, actor=actor, ordered=ordered, target=OrderedProductState.QUESTIONNAIRE)
    number = questionnaire.submission_count + 1
    now = utcnow()
    submission = QuestionnaireSubmission(
        questionnaire_id=questionnaire.id or 0, number=number, version=questionnaire.version,
        answers=questionnaire.answers, product_release=product.releases[-1].version if product.releases else "",
        submitted_at=now, submitted_by_id=actor.user_id, submitted_by_name=actor.full_name,
    )
    session.add(submission)
    questionnaire.submission_count = number
    questionnaire.submitted_at = now
    session.add(questionnaire)
    transition(session, actor=actor, ordered=ordered, target=OrderedProductState.SUBMITTED,
               details=f"Konfiguration für {product.name} eingereicht (Fassung {number}).")
    municipality = session.get(Municipality, questionnaire.municipality_id)
    enqueue(session, event="questionnaire.submitted", to=actor.email, municipality_id=questionnaire.municipality_id,
            context={
                "product": product.name,
                "municipality": municipality.name if municipality else "",
                "submitter": actor.full_name,
                "submitted_at": f"{now.astimezone(ZoneInfo('Europe/Berlin')):%d.%m.%Y um %H:%M Uhr}",
                "submission_label": "erste Fassung" if number == 1 else f"Fassung {number}",
                "questionnaire_url": questionnaire_link(ordered.id or 0),
            })
    mailbox = get_settings().kisa_mailbox.strip()
    if mailbox:
        enqueue(session, event="questionnaire.received", to=mailbox, municipality_id=questionnaire.municipality_id,
                context={
                    "product": product.name,
                    "municipality": municipality.name if municipality else "",
                    "ags": municipality.ags if municipality else "",
                    "submitter": actor.full_name,
                    "submitter_email": actor.email,
                    "submission_label": "erste Fassung" if number == 1 else f"Fassung {number} (nach Rückfrage)",
                    "questionnaire_url": questionnaire_link(ordered.id or 0),
                })
    record(session, actor=actor, action="questionnaire.submitted", entity_type="questionnaire",
           entity_id=questionnaire.id, municipality_id=questionnaire.municipality_id,
           details=f"{product.name}: Fassung {number} eingereicht.")
    session.flush()
    return submission


@dataclass(frozen=True)
class SubmissionInfo:
    """One submitted version, for the history and the PDF."""

    number: int
    version: int
    submitted_at: datetime
    submitted_by: str
    product_release: str


def list_submissions(session: Session, *, actor: Actor, questionnaire_id: int) -> list[SubmissionInfo]:
    """Return the submissions of a questionnaire, newest first."""
    get_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    rows = session.exec(
        select(QuestionnaireSubmission).where(QuestionnaireSubmission.questionnaire_id == questionnaire_id)
        .order_by(col(QuestionnaireSubmission.number).desc())
    ).all()
    return [SubmissionInfo(r.number, r.version, r.submitted_at, r.submitted_by_name, r.product_release) for r in rows]
