"""Helpers for back-office tests: submitted configurations on top of the questionnaire world."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from accounts.actor import Actor
from catalog.schema import DELIVERY_NAMES, DataDelivery
from models import AuditEvent, OrderedProduct, StateChange
from questionnaire.drafts import read_questionnaire, save_step
from questionnaire.submission import submit
from tests.questionnaire_world import World, fill_completely, opened

MB = "meldebescheinigung"  # delivery: transfer directory or Fachverfahren
MRA = "melderegisterauskunft"  # delivery: transfer directory only
FW = "anzeige-eines-feuerwerkes"  # delivery: e-mail only
DAY = 86400
TRANSFER = DELIVERY_NAMES[DataDelivery.TRANSFERVERZEICHNIS]
FACHVERFAHREN = DELIVERY_NAMES[DataDelivery.FACHVERFAHREN]


def save(session: Session, actor: Actor, questionnaire_id: int, step: str, raw: dict[str, Any]) -> int:
    """Save answers of one step at the current version and commit; return the new version."""
    version = read_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id).version
    saved = save_step(session, actor=actor, questionnaire_id=questionnaire_id, step_key=step, raw=raw,
                      base_version=version).version
    session.commit()
    return saved


def resubmit(session: Session, actor: Actor, questionnaire_id: int) -> int:
    """Submit the questionnaire as it stands now and commit; return the submission number."""
    version = read_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id).version
    number = submit(session, actor=actor, questionnaire_id=questionnaire_id, base_version=version).number
    session.commit()
    return number


def submitted(session: Session, world: World, product: str = MB, *, by: Actor | None = None,
              delivery: str | None = None, ordered: OrderedProduct | None = None) -> int:
    """Open, fill completely (optionally with another way of data delivery) and submit; return the questionnaire id."""
    actor = by or world.coordinator
    target = ordered or world.ordered[product]
    questionnaire_id = opened(session, actor, target)
    fill_completely(session, actor, questionnaire_id)
    if delivery == FACHVERFAHREN:
        save(session, actor, questionnaire_id, "daten", {"daten.weg": FACHVERFAHREN, "daten.fachverfahren": "VOIS/MESO"})
    elif delivery is not None:
        save(session, actor, questionnaire_id, "daten", {"daten.weg": delivery})
    resubmit(session, actor, questionnaire_id)
    return questionnaire_id


def actions(session: Session, prefix: str = "") -> list[str]:
    """Return the audit actions in order (those starting with ``prefix``)."""
    rows = session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all()
    return [a for a in rows if a.startswith(prefix)]


def audit_details(session: Session, action: str) -> list[str]:
    """Return the details of the audit events with ``action``, in order."""
    return list(session.exec(select(AuditEvent.details).where(AuditEvent.action == action)
                             .order_by(col(AuditEvent.id))).all())


def history(session: Session, ordered: OrderedProduct) -> list[tuple[str, str, str]]:
    """Return the state changes of ``ordered`` as (from, to, actor name), in order."""
    rows = session.exec(select(StateChange).where(StateChange.ordered_product_id == ordered.id)
                        .order_by(col(StateChange.at), col(StateChange.id))).all()
    return [(r.from_state.value, r.to_state.value, r.actor_name) for r in rows]


def fresh(session: Session, ordered: OrderedProduct) -> OrderedProduct:
    """Return the ordered product as stored now."""
    session.expire_all()
    row = session.get(OrderedProduct, ordered.id)
    assert row is not None
    return row


def in_testing(session: Session, world: World, product: str = MB, *, delivery: str | None = None) -> OrderedProduct:
    """Submit, take over, tick every set-up task and put the product live in maintenance mode; return it (TESTING)."""
    from backoffice.review import take_over
    from backoffice.setup import checklist, go_live, tick

    questionnaire_id = submitted(session, world, product, delivery=delivery)
    ordered = world.ordered[product]
    take_over(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    session.commit()
    for task in checklist(session, actor=world.kisa, ordered_product_id=ordered.id or 0):
        tick(session, actor=world.kisa, ordered_product_id=ordered.id or 0, task=task.task, done=True)
    session.commit()
    go_live(session, actor=world.kisa, ordered_product_id=ordered.id or 0)
    session.commit()
    return fresh(session, ordered)


def put_in_state(session: Session, ordered: OrderedProduct, state: Any) -> OrderedProduct:
    """Set the state directly (for tests of what a page or a function does in that state; no history written)."""
    row = fresh(session, ordered)
    row.state = state
    session.add(row)
    session.commit()
    row = fresh(session, row)
    session.commit()  # end the read (SQLite): pages and other sessions may write now
    return row
