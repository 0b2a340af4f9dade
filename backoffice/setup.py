"""KISA's set-up checklist per ordered product (the seed's tasks) and Go-Live once every task is done."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import Session, col, select

from accounts.access import require_current, require_staff
from accounts.actor import Actor
from audit.log import record
from backoffice.recipients import municipal_recipients
from catalog.schema import DELIVERY_NAMES, DataDelivery
from core.clock import utcnow
from core.errors import DomainError, NotFound
from lifecycle.machine import transition
from models import CatalogProduct, Municipality, OrderedProduct, OrderedProductState, Questionnaire, Role, SetupTask
from notifications.outbox import enqueue
from questionnaire.store import load_answers
from questionnaire.submission import questionnaire_link

# The seed's set-up tasks, in order. "only_if": the task applies only with this way of data delivery.
TASKS: tuple[tuple[str, str, str | None], ...] = (
    ("transferverzeichnis", "Transferverzeichnis durch Lecos eingerichtet", DELIVERY_NAMES[DataDelivery.TRANSFERVERZEICHNIS]),
    ("konfiguration", "Produktspezifische Konfiguration vorgenommen", None),
    ("mandant", "Mit dem Mandanten der Kommune auf Amt24 verknüpft", None),
    ("schnittstelle", "An Schnittstelle / Fachverfahren angebunden", DELIVERY_NAMES[DataDelivery.FACHVERFAHREN]),
    ("benachrichtigung", "Benachrichtigungsmail an die angegebene Adresse eingerichtet", None),
)
TASK_LABELS = {key: label for key, label, _only in TASKS}


def tasks_for(answers: dict[str, Any]) -> list[str]:
    """Return the task keys that apply to a configuration (by its way of data delivery)."""
    return [key for key, _label, only_if in TASKS if only_if is None or answers.get("daten.weg") == only_if]


def create_tasks(session: Session, *, ordered: OrderedProduct, answers: dict[str, Any]) -> None:
    """Open the checklist of a new set-up round: every task open again, only the tasks this configuration needs.

    A later round (after a change request) starts from scratch; the audit log keeps who ticked what before.
    """
    wanted = tasks_for(answers)
    for row in session.exec(select(SetupTask).where(SetupTask.ordered_product_id == ordered.id)).all():
        if row.task not in wanted:
            session.delete(row)
            continue
        wanted.remove(row.task)
        row.done_at, row.done_by_id, row.done_by_name = None, None, ""
        session.add(row)
    for key in wanted:
        session.add(SetupTask(ordered_product_id=ordered.id or 0, task=key))


@dataclass(frozen=True)
class TaskView:
    """One checklist item as the page shows it."""

    task: str
    label: str
    done_at: datetime | None
    done_by: str

    @property
    def done(self) -> bool:
        """Tell whether the task is ticked."""
        return self.done_at is not None


def checklist(session: Session, *, actor: Actor, ordered_product_id: int) -> list[TaskView]:
    """Return the set-up checklist in the seed's order; staff only."""
    require_staff(actor)
    rows = session.exec(select(SetupTask).where(SetupTask.ordered_product_id == ordered_product_id)).all()
    return task_views(rows, TASK_LABELS)


class _TickedRow(Protocol):
    task: str
    done_at: datetime | None
    done_by_name: str


def task_views(rows: Iterable[_TickedRow], labels: dict[str, str]) -> list[TaskView]:
    """Return checklist rows as views in the order of ``labels`` (unknown tasks last, by their key as label)."""
    order = list(labels)
    return [TaskView(t.task, labels.get(t.task, t.task), t.done_at, t.done_by_name)
            for t in sorted(rows, key=lambda t: order.index(t.task) if t.task in order else len(order))]


def tick(session: Session, *, actor: Actor, ordered_product_id: int, task: str, done: bool) -> None:
    """Tick (or untick) a task with who and when; only while the set-up runs."""
    require_staff(actor)
    require_current(session, actor, Role.KISA, Role.ADMIN)
    ordered = session.get(OrderedProduct, ordered_product_id, with_for_update=True, populate_existing=True)
    if ordered is None:
        raise NotFound("Dieses bestellte Produkt wurde nicht gefunden.")
    if ordered.state != OrderedProductState.SETUP:
        raise DomainError("Die Checkliste lässt sich nur während der Einrichtung ändern.")
    row = session.exec(select(SetupTask).where(SetupTask.ordered_product_id == ordered_product_id,
                                               SetupTask.task == task)).first()
    if row is None:
        raise NotFound("Diese Aufgabe gehört nicht zur Checkliste.")
    if done == (row.done_at is not None):
        return  # a second click changes nothing
    row.done_at, row.done_by_id, row.done_by_name = (utcnow(), actor.user_id, actor.full_name) if done else (None, None, "")
    session.add(row)
    record(session, actor=actor, action="setup.ticked" if done else "setup.unticked", entity_type="ordered_product",
           entity_id=ordered_product_id, municipality_id=ordered.municipality_id, details=TASK_LABELS.get(task, task))
    session.flush()


def go_live(session: Session, *, actor: Actor, ordered_product_id: int) -> None:
    """Put the OAA live in maintenance mode once every task is ticked; the Go-Live mail goes out."""
    require_staff(actor)
    require_current(session, actor, Role.KISA, Role.ADMIN)
    ordered = session.get(OrderedProduct, ordered_product_id, with_for_update=True, populate_existing=True)
    if ordered is None:
        raise NotFound("Dieses bestellte Produkt wurde nicht gefunden.")
    if ordered.state == OrderedProductState.SETUP:  # other states: the lifecycle refuses below
        tasks = checklist(session, actor=actor, ordered_product_id=ordered_product_id)
        open_tasks = [t.label for t in tasks if not t.done]
        if not tasks or open_tasks:
            raise DomainError("Go-Live ist erst möglich, wenn alle Aufgaben der Einrichtung erledigt sind. Offen: "
                              + (", ".join(open_tasks) or "keine Checkliste angelegt") + ".")
    transition(session, actor=actor, ordered=ordered, target=OrderedProductState.TESTING,
               details="Produktivstellung im Wartungsmodus (Go-Live).")
    product = session.get(CatalogProduct, ordered.product_id)
    municipality = session.get(Municipality, ordered.municipality_id)
    questionnaire = session.exec(select(Questionnaire).where(Questionnaire.ordered_product_id == ordered.id)).first()
    answers = load_answers(questionnaire.answers) if questionnaire else {}
    recipients = municipal_recipients(session, ordered)
    notify = answers.get("benachrichtigung.email")
    for address in dict.fromkeys([*recipients, *([notify] if isinstance(notify, str) and notify else [])]):
        enqueue(session, event="lifecycle.go_live", to=address, municipality_id=ordered.municipality_id, context={
            "product": product.name if product else ordered.product_id,
            "municipality": municipality.name if municipality else "",
            "testers": [p.get("name", "") for p in answers.get("test.personen", []) if isinstance(p, dict)],
            "questionnaire_url": questionnaire_link(ordered.id or 0),
        })
    session.flush()


def open_task_count(session: Session, ordered_product_id: int) -> int:
    """Return how many checklist tasks are still open."""
    return len(session.exec(select(SetupTask.id).where(SetupTask.ordered_product_id == ordered_product_id,
                                                       col(SetupTask.done_at).is_(None))).all())
