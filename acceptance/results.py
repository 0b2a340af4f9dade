"""Test results: per checklist item and test round, recorded by the municipality while the OAA is in maintenance mode.

A test round is the number of Go-Lives in maintenance mode so far: after a change request the product is tested
again in a new round, and the results of earlier rounds stay as history.
"""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from acceptance.checklist import plan_for
from accounts.access import may_see_tenant, require_current, require_role
from accounts.actor import Actor
from audit.log import record
from core.clock import utcnow
from core.errors import DomainError, FieldErrors, NotFound
from models import (
    OUTCOME_NAMES,
    STATE_NAMES,
    OrderedProduct,
    OrderedProductState,
    Role,
    StateChange,
    TestOutcome,
    TestResult,
)
from questionnaire.checks import clean_free_text
from web.text import fmt_datetime

MAX_NOTE = 2000
NOT_FOUND = "Dieses bestellte Produkt wurde nicht gefunden."


class StaleResult(DomainError):
    """Someone else recorded this item after the page was shown; nothing was saved."""

    def __init__(self, current: TestResult) -> None:
        self.current_version = current.version
        super().__init__(
            f"Dieser Prüfpunkt wurde inzwischen von {current.recorded_by_name or 'einer anderen Person'} geändert "
            f"({fmt_datetime(current.recorded_at)}: {OUTCOME_NAMES[current.outcome]}, Testperson "
            f"{current.tester_name}). Bitte prüfen Sie das aktuelle Ergebnis und speichern Sie dann erneut."
        )


def current_round(session: Session, ordered_product_id: int) -> int:
    """Return the test round: how often the product went live in maintenance mode (at least 1)."""
    went_live = session.exec(select(func.count()).select_from(StateChange).where(
        StateChange.ordered_product_id == ordered_product_id,
        StateChange.to_state == OrderedProductState.TESTING)).one()
    return max(1, int(went_live or 0))


def results_of(session: Session, ordered_product_id: int, round_number: int) -> dict[str, TestResult]:
    """Return the results of one round by item key."""
    rows = session.exec(select(TestResult).where(TestResult.ordered_product_id == ordered_product_id,
                                                 TestResult.round == round_number).order_by(col(TestResult.id))).all()
    return {r.item: r for r in rows}


def locked_ordered(session: Session, actor: Actor, ordered_product_id: int) -> OrderedProduct:
    """Return the ordered product locked for a change; another municipality's does not exist for the actor."""
    ordered = session.get(OrderedProduct, ordered_product_id, with_for_update=True, populate_existing=True)
    if ordered is None or not may_see_tenant(actor, ordered.municipality_id):
        raise NotFound(NOT_FOUND)
    return ordered


def _outcome(raw: TestOutcome | str | None) -> TestOutcome | None:
    try:
        return TestOutcome(raw) if raw else None
    except ValueError:
        return None


def record_result(
    session: Session, *, actor: Actor, ordered_product_id: int, item: str, outcome: TestOutcome | str | None,
    tester: str, note: str = "", base_version: int = 0,
) -> TestResult:
    """Record (or update) the result of one checklist item in the current round; only while testing.

    ``base_version`` is the version of the result the person saw (0: none yet); if someone else changed it
    meanwhile to something else, :class:`StaleResult` refuses. The tester must be named in the questionnaire; a
    failure needs a note.
    """
    require_role(actor, Role.KOMMUNE)
    require_current(session, actor, Role.KOMMUNE)
    ordered = locked_ordered(session, actor, ordered_product_id)
    if ordered.state != OrderedProductState.TESTING:
        raise DomainError("Testergebnisse lassen sich nur während des Tests im Wartungsmodus erfassen "
                          f"(Stand: „{STATE_NAMES[ordered.state]}“).")
    plan = plan_for(session, ordered)
    entry = plan.item(item)
    if entry is None:
        raise NotFound("Diesen Prüfpunkt gibt es in der Checkliste nicht (mehr). Bitte laden Sie die Seite neu.")
    errors: dict[str, str] = {}
    chosen = _outcome(outcome)
    if chosen is None:
        errors["outcome"] = "Bitte wählen Sie ein Ergebnis: in Ordnung, Fehler oder entfällt."
    tester_name = clean_free_text(tester or "", multiline=False)
    if not plan.testers:
        errors["tester"] = ("Im Fragebogen ist keine Testperson genannt. Bitte ergänzen Sie die Testpersonen über "
                            "KISA, bevor Sie Ergebnisse erfassen.")
    elif tester_name not in plan.tester_names:
        errors["tester"] = ("Bitte wählen Sie eine der im Fragebogen genannten Testpersonen: "
                            + ", ".join(plan.tester_names) + ".")
    text = clean_free_text(note or "", multiline=True)
    if len(text) > MAX_NOTE:
        errors["note"] = f"Bitte kürzen Sie die Bemerkung auf höchstens {MAX_NOTE} Zeichen (jetzt {len(text)})."
    elif chosen == TestOutcome.FAILED and not text:
        errors["note"] = "Bitte beschreiben Sie den Fehler kurz: Was haben Sie getan, was ist passiert?"
    if errors:
        raise FieldErrors(errors)
    assert chosen is not None
    round_number = current_round(session, ordered_product_id)
    row = session.exec(select(TestResult).where(
        TestResult.ordered_product_id == ordered_product_id, TestResult.round == round_number, TestResult.item == item,
    ).with_for_update().execution_options(populate_existing=True)).first()
    if row is not None and (row.outcome, row.tester_name, row.note) == (chosen, tester_name, text):
        return row  # saved twice, or the same result a colleague saved meanwhile: nothing to overwrite
    if row is not None and row.version != base_version:
        raise StaleResult(row)
    now = utcnow()
    if row is None:
        row = TestResult(ordered_product_id=ordered_product_id, round=round_number, item=item, outcome=chosen,
                         tester_name=tester_name, note=text, recorded_at=now, recorded_by_id=actor.user_id,
                         recorded_by_name=actor.full_name, version=1)
    else:
        row.outcome, row.tester_name, row.note = chosen, tester_name, text
        row.recorded_at, row.recorded_by_id, row.recorded_by_name = now, actor.user_id, actor.full_name
        row.version += 1
    session.add(row)
    record(session, actor=actor, action="acceptance.result_recorded", entity_type="ordered_product",
           entity_id=ordered_product_id, municipality_id=ordered.municipality_id,
           details=f"{plan.product.name}, Testrunde {round_number}: „{entry.label}“ – {OUTCOME_NAMES[chosen]} "
                   f"(Testperson {tester_name})" + (f": {text}" if text else ""))
    session.flush()
    return row
