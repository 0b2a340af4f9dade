"""Team work on questionnaires: the coordinator asks colleagues (new or existing accounts) to fill some steps."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from accounts.access import require_current, require_role
from accounts.actor import Actor
from accounts.hashing import digest
from accounts.team import create_invited_colleague, invitation_valid_until
from accounts.validation import normalise_email
from audit.log import record
from core.clock import utcnow
from core.config import get_settings
from core.errors import FieldErrors, PermissionDenied
from lifecycle.machine import EDITABLE
from models import CatalogProduct, Municipality, OrderedProduct, Questionnaire, QuestionnaireAssignment, Role, User, UserStatus
from notifications.outbox import app_link, enqueue
from questionnaire.checks import clean_free_text
from questionnaire.definition import STEP_TITLES
from questionnaire.store import get_questionnaire
from questionnaire.submission import questionnaire_link


@dataclass(frozen=True)
class Invited:
    """Who was asked, and whether a new account was created for them."""

    user_id: int
    new_account: bool
    invitation_token: str | None  # link secret for an account without password (sent by mail; demo mode shows it)


def invite_to_questionnaires(
    session: Session, *, actor: Actor, questionnaire_ids: list[int], email: str, full_name: str = "",
    position: str = "", steps: list[str], note: str = "",
) -> Invited:
    """Ask a colleague to fill ``steps`` of the questionnaires; create their account if they have none."""
    require_role(actor, Role.KOMMUNE)
    require_current(session, actor, Role.KOMMUNE)
    if not actor.can_manage_team:
        raise PermissionDenied("Nur die Koordinatorin oder der Koordinator Ihrer Kommune kann Kolleg:innen einladen.")
    errors: dict[str, str] = {}
    if not questionnaire_ids:
        errors["questionnaires"] = "Bitte wählen Sie mindestens einen Fragebogen."
    unknown = [s for s in steps if s not in STEP_TITLES]
    if not steps or unknown:
        errors["steps"] = "Bitte wählen Sie, welche Schritte die Person ausfüllen soll."
    note = clean_free_text(note, multiline=True)
    if len(note) > 1000:
        errors["note"] = f"Bitte kürzen Sie die Nachricht auf höchstens 1000 Zeichen (jetzt {len(note)})."
    address, problem = normalise_email(email)
    if problem:
        errors["email"] = problem if email.strip() else "Bitte geben Sie die E-Mail-Adresse der Person an."
    if errors:
        raise FieldErrors(errors)
    questionnaires = [get_questionnaire(session, actor=actor, questionnaire_id=i) for i in dict.fromkeys(questionnaire_ids)]
    existing = session.exec(select(User).where(User.email == address)).first()
    token: str | None = None
    if existing is None:
        user, token = create_invited_colleague(session, actor=actor, full_name=full_name, email=email,
                                               position=position)
    elif existing.role != Role.KOMMUNE or existing.municipality_id != actor.municipality_id:
        raise FieldErrors({"email": "Diese Adresse gehört zu einem Konto außerhalb Ihrer Kommune. "
                                    "Bitte laden Sie eine Person Ihrer Kommune ein."})
    elif existing.status not in (UserStatus.ACTIVE, UserStatus.INVITED):
        raise FieldErrors({"email": "Das Konto dieser Person ist nicht aktiv. Bitte wenden Sie sich an KISA."})
    else:
        user = existing
        if user.status == UserStatus.INVITED:  # no password yet: a fresh link (the older one stops working)
            token = secrets.token_urlsafe(24)
            user.invitation_token_hash = digest(token)
            user.invitation_expires_at = utcnow() + timedelta(days=get_settings().invitation_valid_days)
            session.add(user)
    assert user.id is not None
    items = []
    for questionnaire in questionnaires:
        session.add(QuestionnaireAssignment(
            questionnaire_id=questionnaire.id or 0, user_id=user.id, steps=json.dumps(steps), note=note,
            invited_by_id=actor.user_id,
        ))
        product = session.get(CatalogProduct, questionnaire.product_id)
        items.append({"product": product.name if product else questionnaire.product_id,
                      "steps": ", ".join(STEP_TITLES[s] for s in steps),
                      "url": questionnaire_link(questionnaire.ordered_product_id, steps[0])})
    municipality = session.get(Municipality, actor.municipality_id)
    enqueue(session, event="questionnaire.assigned", to=user.email, municipality_id=actor.municipality_id, context={
        "municipality": municipality.name if municipality else "",
        "inviter_name": actor.full_name,
        "items": items,
        "note": note,
        "invitation_url": app_link("einladung", token=token) if token else "",
        "valid_until": invitation_valid_until(user) if token else "",
    })
    record(session, actor=actor, action="questionnaire.assigned", entity_type="user", entity_id=user.id,
           municipality_id=actor.municipality_id,
           details=f"{user.full_name} um Mitarbeit gebeten: {len(items)} Fragebogen/Fragebögen, "
                   f"Schritte: {', '.join(STEP_TITLES[s] for s in steps)}.")
    session.flush()
    return Invited(user.id, existing is None, token)


@dataclass(frozen=True)
class Assignment:
    """A request to fill steps of a questionnaire, as the colleague sees it."""

    ordered_product_id: int
    product_name: str
    steps: tuple[str, ...]
    step_titles: tuple[str, ...]
    note: str
    invited_by: str
    created_at: datetime
    state_open: bool


def my_assignments(session: Session, *, actor: Actor) -> list[Assignment]:
    """Return what colleagues asked the actor to fill, newest first (only the actor's own municipality)."""
    require_role(actor, Role.KOMMUNE)
    rows = session.exec(
        select(QuestionnaireAssignment, Questionnaire.ordered_product_id, CatalogProduct.name, OrderedProduct.state)
        .join(Questionnaire, col(Questionnaire.id) == QuestionnaireAssignment.questionnaire_id)
        .join(OrderedProduct, col(OrderedProduct.id) == Questionnaire.ordered_product_id)
        .join(CatalogProduct, col(CatalogProduct.id) == Questionnaire.product_id)
        .where(QuestionnaireAssignment.user_id == actor.user_id, Questionnaire.municipality_id == actor.municipality_id)
        .order_by(col(QuestionnaireAssignment.created_at).desc())
    ).all()
    found = []
    for assignment, ordered_id, name, state in rows:
        inviter = session.get(User, assignment.invited_by_id)
        steps = tuple(s for s in json.loads(assignment.steps) if s in STEP_TITLES)
        found.append(Assignment(ordered_id, name, steps, tuple(STEP_TITLES[s] for s in steps), assignment.note,
                                inviter.full_name if inviter else "", assignment.created_at, state in EDITABLE))
    return found
