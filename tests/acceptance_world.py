"""Helpers for the acceptance tests: products in test, results for every item, problems, acceptance and go-live."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from acceptance.launch import confirm_live
from acceptance.record import accept
from acceptance.results import record_result
from acceptance.view import acceptance_view
from accounts.actor import Actor
from models import OrderedProduct, ProblemReport, ProblemStatus, Questionnaire, TestOutcome
from tests.backoffice_world import fresh, in_testing
from tests.questionnaire_builders import questionnaire_catalog
from tests.questionnaire_world import World, make_world

TESTER = "Tina Test"  # the tester complete_answers names


def keys_of(session: Session, actor: Actor, ordered: OrderedProduct) -> list[str]:
    """Return the checklist keys of ``ordered`` (committed afterwards: SQLite would keep the read lock)."""
    keys = [item.key for item in acceptance_view(session, actor=actor, ordered_product_id=ordered.id or 0).items]
    session.commit()
    return keys


def record_all(session: Session, actor: Actor, ordered: OrderedProduct, outcome: TestOutcome = TestOutcome.PASSED,
               *, skip: tuple[str, ...] = ()) -> list[str]:
    """Record ``outcome`` for every item (but ``skip``) as ``actor`` and commit; return the keys recorded."""
    keys = [k for k in keys_of(session, actor, ordered) if k not in skip]
    for key in keys:
        record_result(session, actor=actor, ordered_product_id=ordered.id or 0, item=key, outcome=outcome,
                      tester=TESTER, note="Fehler gefunden." if outcome == TestOutcome.FAILED else "")
    session.commit()
    return keys


def all_passed(session: Session, world: World, product: str = "meldebescheinigung", *,
           delivery: str | None = None) -> OrderedProduct:
    """Return ``product`` of Riesa in test with every item passed."""
    ordered = in_testing(session, world, product, delivery=delivery)
    record_all(session, world.colleague, ordered)
    return fresh(session, ordered)


def accepted(session: Session, world: World, product: str = "meldebescheinigung", remarks: str = "") -> OrderedProduct:
    """Return ``product`` of Riesa tested and accepted by the coordinator."""
    ordered = all_passed(session, world, product)
    accept(session, actor=world.coordinator, ordered_product_id=ordered.id or 0, remarks=remarks)
    session.commit()
    return fresh(session, ordered)


def live(session: Session, world: World, product: str = "meldebescheinigung") -> OrderedProduct:
    """Return ``product`` of Riesa accepted and live."""
    ordered = accepted(session, world, product)
    confirm_live(session, actor=world.coordinator, ordered_product_id=ordered.id or 0, maintenance_off=True)
    session.commit()
    return fresh(session, ordered)


def problem(session: Session, ordered: OrderedProduct, title: str = "Gebühr wird falsch angezeigt",
            status: ProblemStatus = ProblemStatus.OPEN) -> ProblemReport:
    """Add a problem report for ``ordered`` (as the problems page would) and commit."""
    report = ProblemReport(ordered_product_id=ordered.id or 0, municipality_id=ordered.municipality_id, title=title,
                           status=status, created_by_name="Karl Kollege")
    session.add(report)
    session.commit()
    return report


def questionnaire_id_of(session: Session, ordered: OrderedProduct) -> int:
    """Return the id of the questionnaire of ``ordered``."""
    found = session.exec(select(Questionnaire.id).where(Questionnaire.ordered_product_id == ordered.id)).first()
    assert found is not None
    return found


def world_with_questionnaires(session: Session) -> World:
    """Return the two-municipality world with the catalogue whose products have questionnaires (acceptance tests)."""
    questionnaire_catalog(session)
    return make_world(session)


def stored_rows(session: Session, model: type[Any]) -> list[Any]:
    """Return every stored row of ``model`` as the database has it now (then commit: SQLite would keep the lock)."""
    session.expire_all()
    rows = list(session.exec(select(model)).all())
    session.commit()
    return rows
