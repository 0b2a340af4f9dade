"""The one place that knows the lifecycle of an ordered product: allowed transitions and who may trigger them.

Transitions are data. :func:`transition` refuses anything the table does not allow, whatever the UI does,
and records the change in the audit log in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from accounts.access import may_see_tenant
from accounts.actor import Actor
from audit.log import record
from core.clock import utcnow
from core.errors import DomainError, NotFound, PermissionDenied
from models import STATE_NAMES, OrderedProduct, OrderedProductState, Role, StateChange

S = OrderedProductState
MUNICIPAL = frozenset({Role.KOMMUNE})
STAFF = frozenset({Role.KISA, Role.ADMIN})


@dataclass(frozen=True)
class Transition:
    """One allowed step of the lifecycle."""

    source: OrderedProductState
    target: OrderedProductState
    roles: frozenset[Role]
    action: str  # audit action, e.g. "lifecycle.submitted"
    label: str  # German, for buttons and the journey view
    mails: tuple[str, ...] = ()  # the mail events the step sends (notifications/render.py EVENTS)


SUBMITTED_MAILS = ("questionnaire.submitted", "questionnaire.received")  # to the submitter and to KISA
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.ORDERED, S.QUESTIONNAIRE, MUNICIPAL, "lifecycle.questionnaire_started", "Fragebogen begonnen"),
    Transition(S.QUESTIONNAIRE, S.SUBMITTED, MUNICIPAL, "lifecycle.submitted", "Konfiguration eingereicht",
               SUBMITTED_MAILS),
    Transition(S.SUBMITTED, S.QUERY, STAFF, "lifecycle.query", "Rückfrage an die Kommune", ("lifecycle.query",)),
    Transition(S.QUERY, S.SUBMITTED, MUNICIPAL, "lifecycle.resubmitted", "Konfiguration erneut eingereicht",
               SUBMITTED_MAILS),
    Transition(S.SUBMITTED, S.SETUP, STAFF, "lifecycle.setup_started", "Einrichtung begonnen",
               ("lifecycle.setup_started",)),
    Transition(S.SETUP, S.TESTING, STAFF, "lifecycle.go_live", "Produktivstellung im Wartungsmodus",
               ("lifecycle.go_live",)),
    Transition(S.TESTING, S.ACCEPTED, MUNICIPAL, "lifecycle.accepted", "Abnahme erteilt", ("lifecycle.accepted",)),
    Transition(S.ACCEPTED, S.LIVE, MUNICIPAL, "lifecycle.live", "Wartungsmodus ausgeschaltet, live", ("lifecycle.live",)),
    Transition(S.LIVE, S.CHANGE_REQUESTED, MUNICIPAL, "lifecycle.change_requested", "Änderung beantragt",
               ("lifecycle.change_requested",)),
    Transition(S.CHANGE_REQUESTED, S.SUBMITTED, MUNICIPAL, "lifecycle.change_submitted", "Änderung eingereicht",
               SUBMITTED_MAILS),
    *(Transition(s, S.CANCELLED, MUNICIPAL, "lifecycle.cancelled", "storniert", ("lifecycle.cancelled",))
      for s in (S.ORDERED, S.QUESTIONNAIRE, S.SUBMITTED, S.QUERY)),
    *(Transition(s, S.TERMINATED, STAFF, "lifecycle.terminated", "Vertrag beendet", ("lifecycle.terminated",))
      for s in (S.SETUP, S.TESTING, S.ACCEPTED, S.LIVE, S.CHANGE_REQUESTED)),
)
_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}

# The municipality may edit the questionnaire in these states; afterwards it is read-only until KISA asks back.
EDITABLE = frozenset({S.ORDERED, S.QUESTIONNAIRE, S.QUERY, S.CHANGE_REQUESTED})


def allowed(source: OrderedProductState, target: OrderedProductState) -> Transition | None:
    """Return the transition from ``source`` to ``target``, or ``None`` if the lifecycle forbids it."""
    return _BY_PAIR.get((source, target))


def transition(
    session: Session, *, actor: Actor, ordered: OrderedProduct, target: OrderedProductState, details: str = ""
) -> Transition:
    """Move ``ordered`` to ``target`` if the lifecycle allows it for the actor's role (and tenant).

    Another municipality's product raises :class:`NotFound` before anything else, so neither its state nor the kind
    of refusal reveals it.

    Writes the state change (history for lead times and the journey view) and the audit event in the caller's
    transaction; the caller locks ``ordered`` first.
    """
    if actor.is_active and not may_see_tenant(actor, ordered.municipality_id):
        # Another municipality's product does not exist for the actor: neither its state nor the refusal tells.
        raise NotFound("Dieses bestellte Produkt wurde nicht gefunden.")
    step = allowed(ordered.state, target)
    if step is None:
        raise DomainError(
            f"Dieser Schritt ist im Stand „{STATE_NAMES[ordered.state]}“ nicht möglich "
            f"(gewünscht: „{STATE_NAMES[target]}“)."
        )
    if not actor.is_active or actor.role not in step.roles or not may_see_tenant(actor, ordered.municipality_id):
        raise PermissionDenied()
    now = utcnow()
    session.add(StateChange(ordered_product_id=ordered.id or 0, from_state=ordered.state, to_state=target, at=now,
                            actor_id=actor.user_id, actor_name=actor.full_name, note=(details or step.label)[:4000]))
    ordered.state = target
    ordered.updated_at = now
    ordered.state_since = now
    session.add(ordered)
    record(session, actor=actor, action=step.action, entity_type="ordered_product", entity_id=ordered.id,
           municipality_id=ordered.municipality_id, details=details or step.label)
    return step
