"""Going live: the coordinator confirms that maintenance mode is off on Amt24; then the go-live communication
checklist opens (website, press, Servicekonto text, colleagues, Amt24 Mandant)."""

from __future__ import annotations

from sqlmodel import Session, select

from acceptance.results import locked_ordered
from accounts.access import require_current, require_role
from accounts.actor import Actor
from audit.log import record
from backoffice.setup import TaskView, task_views
from core.clock import utcnow
from core.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from lifecycle.machine import transition
from lifecycle.notify import case_facts, tell_kisa, tell_municipality
from models import STATE_NAMES, LaunchTask, OrderedProductState, Role
from notifications.outbox import app_link
from web.text import BERLIN

# The communication to citizens and businesses after go-live (seed: "Kommunikation an Bürger:innen & Unternehmen",
# "Regelmäßige Pflege des Amt24-Mandanten"), in order.
LAUNCH_TASKS: tuple[tuple[str, str], ...] = (
    ("website", "Website der Kommune: Hinweis und Link auf den Online-Antrag"),
    ("presse", "Pressemitteilung / Amtsblatt"),
    ("servicekonto_text", "Servicekonto-Text und Leistungsbeschreibung auf Amt24 geprüft"),
    ("fachamt", "Mitarbeitende im Fachamt informiert"),
    ("mandant", "Amt24-Mandant gepflegt (Zuständigkeiten, Öffnungszeiten)"),
)
LAUNCH_LABELS = dict(LAUNCH_TASKS)


LaunchTaskView = TaskView  # one item of the communication checklist: ticked like a set-up task


def launch_tasks(session: Session, ordered_product_id: int) -> list[TaskView]:
    """Return the communication checklist in its order (empty before the product went live)."""
    rows = session.exec(select(LaunchTask).where(LaunchTask.ordered_product_id == ordered_product_id)).all()
    return task_views(rows, LAUNCH_LABELS)


def confirm_live(session: Session, *, actor: Actor, ordered_product_id: int, maintenance_off: bool) -> None:
    """Record that the municipality switched maintenance mode off on Amt24: the product is live.

    Only the coordinator, only after the acceptance, only with the explicit confirmation. Both sides hear of it;
    the communication checklist opens (tasks from an earlier go-live stay as they are).
    """
    require_role(actor, Role.KOMMUNE)
    user = require_current(session, actor, Role.KOMMUNE)
    ordered = locked_ordered(session, actor, ordered_product_id)
    if not user.can_manage_team:
        raise PermissionDenied("Den Livegang bestätigt die Koordinatorin oder der Koordinator Ihrer Kommune (wer das "
                               "Team im OAA-Shop verwaltet). Bitte geben Sie ihr oder ihm Bescheid.")
    if ordered.state != OrderedProductState.ACCEPTED:
        raise DomainError("Den Livegang bestätigen Sie nach der Abnahme "
                          f"(Stand: „{STATE_NAMES[ordered.state]}“).")
    if not maintenance_off:
        raise FieldErrors({"maintenance_off": "Bitte bestätigen Sie, dass Sie den Wartungsmodus auf Amt24 "
                                              "ausgeschaltet haben."})
    transition(session, actor=actor, ordered=ordered, target=OrderedProductState.LIVE,
               details="Wartungsmodus auf Amt24 ausgeschaltet: live.")
    existing = set(session.exec(select(LaunchTask.task).where(LaunchTask.ordered_product_id == ordered_product_id)).all())
    for key, _label in LAUNCH_TASKS:
        if key not in existing:
            session.add(LaunchTask(ordered_product_id=ordered_product_id, task=key))
    now = utcnow()
    context = {
        **case_facts(session, ordered), "confirmed_by": actor.full_name,
        "live_at": f"{now.astimezone(BERLIN):%d.%m.%Y um %H:%M Uhr}",
        "acceptance_url": app_link("abnahme", nr=ordered_product_id),
        "tasks": [label for _key, label in LAUNCH_TASKS],
    }
    tell_municipality(session, ordered, "lifecycle.live", context, also=(actor.email,))
    tell_kisa(session, ordered, "lifecycle.live", context)
    session.flush()


def tick_launch_task(session: Session, *, actor: Actor, ordered_product_id: int, task: str, done: bool) -> None:
    """Tick (or untick) a communication task with who and when; municipal users, only while live."""
    require_role(actor, Role.KOMMUNE)
    require_current(session, actor, Role.KOMMUNE)
    ordered = locked_ordered(session, actor, ordered_product_id)
    if ordered.state != OrderedProductState.LIVE:
        raise DomainError("Die Checkliste zur Kommunikation lässt sich ändern, solange der Antragsassistent live ist "
                          f"(Stand: „{STATE_NAMES[ordered.state]}“).")
    row = session.exec(select(LaunchTask).where(LaunchTask.ordered_product_id == ordered_product_id,
                                                LaunchTask.task == task)).first()
    if row is None:
        raise NotFound("Diese Aufgabe gehört nicht zur Checkliste.")
    if done == (row.done_at is not None):
        return  # a second click changes nothing
    row.done_at, row.done_by_id, row.done_by_name = (utcnow(), actor.user_id, actor.full_name) if done else (None, None, "")
    session.add(row)
    record(session, actor=actor, action="launch.ticked" if done else "launch.unticked", entity_type="ordered_product",
           entity_id=ordered_product_id, municipality_id=ordered.municipality_id,
           details=LAUNCH_LABELS.get(task, task))
    session.flush()
