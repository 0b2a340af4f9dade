"""KISA reviews a submitted configuration: the answers, what changed since the last submission, remarks per answer;
then either asks back (Rückfrage, the questionnaire opens again) or takes it over (set-up starts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from accounts.access import require_current, require_staff
from accounts.actor import Actor
from audit.log import record
from backoffice.recipients import municipal_recipients
from backoffice.setup import create_tasks
from core.clock import utcnow
from core.errors import DomainError, FieldErrors, NotFound
from lifecycle.machine import transition
from models import (
    Municipality,
    OrderedProduct,
    OrderedProductState,
    Questionnaire,
    QuestionnaireSubmission,
    ReviewComment,
    Role,
)
from notifications.outbox import enqueue
from questionnaire.checks import clean_free_text
from questionnaire.definition import Step
from questionnaire.store import get_questionnaire, load_answers, product_and_steps
from questionnaire.submission import questionnaire_link
from web.text import fmt_datetime

MAX_COMMENT = 2000
GENERAL = ""  # question key of the query's message as a whole


@dataclass(frozen=True)
class Comment:
    """A remark on one answer."""

    id: int
    question_key: str
    text: str
    author: str
    created_at: datetime
    sent: bool


@dataclass(frozen=True)
class ReviewView:
    """A submitted configuration as KISA reviews it."""

    questionnaire_id: int
    ordered_product_id: int
    product_name: str
    municipality_name: str
    state: OrderedProductState
    steps: tuple[Step, ...]
    submission_number: int
    submitted_at: datetime | None
    submitted_by: str
    answers: dict[str, Any]
    previous: dict[str, Any] | None  # the submission before, if any
    comments: tuple[Comment, ...]

    @property
    def changed_keys(self) -> frozenset[str]:
        """Return the answers that differ from the previous submission (empty for the first one)."""
        if self.previous is None:
            return frozenset()
        keys = set(self.answers) | set(self.previous)
        return frozenset(k for k in keys if self.answers.get(k) != self.previous.get(k))

    def comments_on(self, key: str) -> list[Comment]:
        """Return the remarks on one answer, oldest first."""
        return [c for c in self.comments if c.question_key == key]


def _submissions(session: Session, questionnaire_id: int) -> list[QuestionnaireSubmission]:
    return list(session.exec(select(QuestionnaireSubmission).where(
        QuestionnaireSubmission.questionnaire_id == questionnaire_id)
        .order_by(col(QuestionnaireSubmission.number).desc())).all())


def _comments(session: Session, questionnaire_id: int, *, sent_only: bool = False) -> list[Comment]:
    query = select(ReviewComment).where(ReviewComment.questionnaire_id == questionnaire_id)
    if sent_only:
        query = query.where(col(ReviewComment.sent_at).is_not(None))
    return [Comment(c.id or 0, c.question_key, c.text, c.author_name, c.created_at, c.sent_at is not None)
            for c in session.exec(query.order_by(col(ReviewComment.id))).all()]


def read_review(session: Session, *, actor: Actor, questionnaire_id: int) -> ReviewView:
    """Return the latest submission with the previous one and all remarks; staff only."""
    require_staff(actor)
    questionnaire = get_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    submissions = _submissions(session, questionnaire_id)
    if not submissions:
        raise NotFound("Diese Konfiguration wurde noch nicht eingereicht.")
    latest = submissions[0]
    ordered = session.get(OrderedProduct, questionnaire.ordered_product_id)
    municipality = session.get(Municipality, questionnaire.municipality_id)
    product, steps = product_and_steps(session, questionnaire.product_id)
    assert ordered is not None and municipality is not None
    return ReviewView(
        questionnaire.id or 0, ordered.id or 0, product.name, municipality.name, ordered.state, steps, latest.number,
        latest.submitted_at, latest.submitted_by_name, load_answers(latest.answers),
        load_answers(submissions[1].answers) if len(submissions) > 1 else None, tuple(_comments(session, questionnaire_id)),
    )


def add_comment(session: Session, *, actor: Actor, questionnaire_id: int, question_key: str, text: str) -> int:
    """Note a remark on one answer of the submission under review (sent with the next query)."""
    require_staff(actor)
    require_current(session, actor, Role.KISA, Role.ADMIN)
    questionnaire = get_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    _locked(session, questionnaire.ordered_product_id)  # a query or take-over at this moment: one waits for the other
    view = read_review(session, actor=actor, questionnaire_id=questionnaire_id)
    if view.state != OrderedProductState.SUBMITTED:
        raise DomainError("Anmerkungen sind nur bei einer eingereichten Konfiguration möglich, die noch geprüft wird.")
    if question_key not in {q.key for s in view.steps for q in s.questions}:
        raise NotFound("Diese Frage gibt es im Fragebogen nicht.")
    cleaned = clean_free_text(text, multiline=True)
    if not cleaned:
        raise FieldErrors({"text": "Bitte schreiben Sie die Anmerkung."})
    if len(cleaned) > MAX_COMMENT:
        raise FieldErrors({"text": f"Bitte kürzen Sie auf höchstens {MAX_COMMENT} Zeichen (jetzt {len(cleaned)})."})
    comment = ReviewComment(questionnaire_id=questionnaire_id, submission_number=view.submission_number,
                            question_key=question_key, text=cleaned, author_id=actor.user_id,
                            author_name=actor.full_name)
    session.add(comment)
    session.flush()
    return comment.id or 0


def delete_comment(session: Session, *, actor: Actor, comment_id: int) -> None:
    """Remove a remark that has not been sent yet."""
    require_staff(actor)
    require_current(session, actor, Role.KISA, Role.ADMIN)
    comment = session.get(ReviewComment, comment_id)
    questionnaire = session.get(Questionnaire, comment.questionnaire_id) if comment else None
    if questionnaire is not None:  # a query sending the remark at this moment: wait for it, then read it again
        _locked(session, questionnaire.ordered_product_id)
        comment = session.get(ReviewComment, comment_id, populate_existing=True)
    if comment is None:
        raise NotFound("Diese Anmerkung wurde nicht gefunden.")
    if comment.sent_at is not None:
        raise DomainError("Eine gesendete Anmerkung bleibt stehen; sie gehört zur Rückfrage.")
    session.delete(comment)
    session.flush()


def _locked(session: Session, ordered_product_id: int) -> OrderedProduct:
    ordered = session.get(OrderedProduct, ordered_product_id, with_for_update=True, populate_existing=True)
    if ordered is None:
        raise NotFound("Dieses bestellte Produkt wurde nicht gefunden.")
    return ordered


def _still_the_one_seen(view: ReviewView, submission_number: int | None) -> None:
    """Refuse when the configuration was asked back and submitted again since the page showed ``submission_number``."""
    if submission_number is not None and submission_number != view.submission_number:
        raise DomainError(
            f"Inzwischen liegt Fassung {view.submission_number} vor (eingereicht am {fmt_datetime(view.submitted_at)} "
            f"von {view.submitted_by}). Bitte prüfen Sie zuerst diese Fassung."
        )


def ask_back(session: Session, *, actor: Actor, questionnaire_id: int, message: str,
             submission_number: int | None = None) -> int:
    """Send the configuration back with the remarks and a message; the municipality can edit it again.

    ``submission_number`` is the submission the page showed (None: whatever is current).
    """
    require_staff(actor)
    require_current(session, actor, Role.KISA, Role.ADMIN)
    questionnaire = get_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    ordered = _locked(session, questionnaire.ordered_product_id)
    view = read_review(session, actor=actor, questionnaire_id=questionnaire_id)
    _still_the_one_seen(view, submission_number)
    message = clean_free_text(message, multiline=True)
    if len(message) > MAX_COMMENT:
        raise FieldErrors({"message": f"Bitte kürzen Sie auf höchstens {MAX_COMMENT} Zeichen (jetzt {len(message)})."})
    unsent = [c for c in session.exec(select(ReviewComment).where(
        ReviewComment.questionnaire_id == questionnaire_id, col(ReviewComment.sent_at).is_(None))).all()]
    if not unsent and not message:
        raise FieldErrors({"message": "Bitte schreiben Sie, was fehlt – als Anmerkung an einer Antwort oder hier."})
    transition(session, actor=actor, ordered=ordered, target=OrderedProductState.QUERY,
               details=f"Rückfrage zu Fassung {view.submission_number}: {len(unsent)} "
               f"{'Anmerkung' if len(unsent) == 1 else 'Anmerkungen'}."
               + (f" Nachricht: {message}" if message else ""))
    now = utcnow()
    for comment in unsent:
        comment.sent_at = now
        session.add(comment)
    if message:  # kept with the remarks (question key "": the query as a whole), shown in the questionnaire
        session.add(ReviewComment(questionnaire_id=questionnaire_id, submission_number=view.submission_number,
                                  question_key=GENERAL, text=message, author_id=actor.user_id or 0,
                                  author_name=actor.full_name, created_at=now, sent_at=now))
    labels = {q.key: q.label for s in view.steps for q in s.questions}
    context = {
        "product": view.product_name, "municipality": view.municipality_name, "message": message,
        "comments": [{"label": labels.get(c.question_key, c.question_key), "text": c.text} for c in unsent],
        "questionnaire_url": questionnaire_link(ordered.id or 0),
    }
    for address in municipal_recipients(session, ordered):
        enqueue(session, event="lifecycle.query", to=address, municipality_id=ordered.municipality_id, context=context)
    session.flush()
    return len(unsent)


def take_over(session: Session, *, actor: Actor, questionnaire_id: int, submission_number: int | None = None) -> None:
    """Accept the configuration: the set-up starts with its checklist, and the municipality is told.

    ``submission_number`` is the submission the page showed (None: whatever is current).
    """
    require_staff(actor)
    require_current(session, actor, Role.KISA, Role.ADMIN)
    questionnaire = get_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    ordered = _locked(session, questionnaire.ordered_product_id)
    view = read_review(session, actor=actor, questionnaire_id=questionnaire_id)
    _still_the_one_seen(view, submission_number)
    transition(session, actor=actor, ordered=ordered, target=OrderedProductState.SETUP,
               details=f"Konfiguration (Fassung {view.submission_number}) übernommen, Einrichtung beginnt.")
    create_tasks(session, ordered=ordered, answers=view.answers)
    if ordered.assigned_to_id is None:
        ordered.assigned_to_id = actor.user_id
        session.add(ordered)
    for address in municipal_recipients(session, ordered):
        enqueue(session, event="lifecycle.setup_started", to=address, municipality_id=ordered.municipality_id,
                context={"product": view.product_name, "municipality": view.municipality_name,
                         "questionnaire_url": questionnaire_link(ordered.id or 0)})
    record(session, actor=actor, action="backoffice.taken_over", entity_type="questionnaire", entity_id=questionnaire_id,
           municipality_id=ordered.municipality_id, details=f"{view.product_name}: Konfiguration übernommen.")
    session.flush()


def sent_comments(session: Session, *, actor: Actor, questionnaire_id: int) -> list[Comment]:
    """Return KISA's remarks sent to the municipality (shown in the questionnaire while it answers a query)."""
    get_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    return _comments(session, questionnaire_id, sent_only=True)
