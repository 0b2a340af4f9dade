"""Read step 5 of one ordered product for the page (municipality) and for KISA (read-only), and list the products
that are in it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from acceptance.checklist import plan_for, plans_for
from acceptance.launch import LaunchTaskView, launch_tasks
from acceptance.record import acceptance_gaps, open_problems, testing_since
from acceptance.results import current_round, results_of
from accounts.access import may_see_tenant, require_role, scope_to_tenant
from accounts.actor import Actor
from catalog.schema import Product
from core.errors import NotFound
from core.paging import Page, clamp
from documents.acceptance import AcceptanceData
from models import (
    OUTCOME_NAMES,
    STATE_NAMES,
    Acceptance,
    CatalogProduct,
    Municipality,
    OrderedProduct,
    OrderedProductState,
    ProblemReport,
    ProblemStatus,
    Role,
    StateChange,
    TestOutcome,
    TestResult,
)

S = OrderedProductState
STEP5 = (S.TESTING, S.ACCEPTED, S.LIVE)  # the states this page works in; others get a note where the product stands


@dataclass(frozen=True)
class ResultView:
    """The recorded result of one item."""

    outcome: TestOutcome
    tester: str
    note: str
    recorded_at: datetime
    recorded_by: str
    version: int  # for optimistic locking: pass back as base_version

    @property
    def outcome_name(self) -> str:
        """Return the outcome in German."""
        return OUTCOME_NAMES[self.outcome]


@dataclass(frozen=True)
class ItemView:
    """One checklist item with its result in the current round (None: not tested yet)."""

    key: str
    label: str
    hint: str
    group: str
    result: ResultView | None


@dataclass(frozen=True)
class AcceptanceInfo:
    """One given acceptance (of a test round)."""

    round: int
    accepted_at: datetime
    accepted_by: str
    remarks: str


@dataclass(frozen=True)
class AcceptanceView:
    """Everything the page shows about step 5 of one ordered product."""

    ordered_product_id: int
    product_id: str
    product_name: str
    municipality_name: str
    ags: str
    state: OrderedProductState
    state_since: datetime
    round: int
    testing_since: datetime | None
    items: list[ItemView]
    testers: list[str]
    open_problems: int
    gaps: list[str]  # what still stands in the way of the acceptance (TESTING only)
    acceptances: list[AcceptanceInfo]  # newest first
    launch_tasks: list[LaunchTaskView]
    may_record: bool  # a municipal user while testing
    is_coordinator: bool  # may accept and confirm the go-live (the domain checks again)

    @property
    def state_name(self) -> str:
        """Return the state in German."""
        return STATE_NAMES[self.state]

    @property
    def tested(self) -> int:
        """Return how many items have a result."""
        return sum(1 for item in self.items if item.result is not None)

    @property
    def acceptance(self) -> AcceptanceInfo | None:
        """Return the latest acceptance, if any."""
        return self.acceptances[0] if self.acceptances else None

    @property
    def may_accept(self) -> bool:
        """Tell whether the acceptance could be given now (coordinator, testing, nothing missing)."""
        return self.is_coordinator and self.state == S.TESTING and not self.gaps


def _visible(session: Session, actor: Actor, ordered_product_id: int) -> OrderedProduct:
    require_role(actor, Role.KOMMUNE, Role.KISA, Role.ADMIN)
    ordered = session.get(OrderedProduct, ordered_product_id)
    if ordered is None or not may_see_tenant(actor, ordered.municipality_id):
        raise NotFound("Dieses bestellte Produkt wurde nicht gefunden.")
    return ordered


def acceptance_view(session: Session, *, actor: Actor, ordered_product_id: int) -> AcceptanceView:
    """Return the test checklist with the current round's results, the acceptance and the communication checklist.

    Municipal users see their municipality's products only; KISA and administrators see all (read-only).
    """
    ordered = _visible(session, actor, ordered_product_id)
    product = session.get(CatalogProduct, ordered.product_id)
    municipality = session.get(Municipality, ordered.municipality_id)
    round_number = current_round(session, ordered_product_id)
    rows = session.exec(select(Acceptance).where(Acceptance.ordered_product_id == ordered_product_id)
                        .order_by(col(Acceptance.round).desc())).all()
    acceptances = [AcceptanceInfo(r.round, r.accepted_at, r.accepted_by_name, r.remarks) for r in rows]
    items: list[ItemView] = []
    testers: list[str] = []
    gaps: list[str] = []
    problems = open_problems(session, ordered_product_id)
    accepted_now = next((r for r in rows if r.round == round_number), None)
    if ordered.state in (S.ACCEPTED, S.LIVE) and accepted_now is not None:
        data = AcceptanceData.model_validate_json(accepted_now.snapshot)  # the results as accepted
        items = [ItemView(i.key, i.label, i.hint, i.group, ResultView(TestOutcome(i.outcome), i.tester, i.note,
                                                                      i.recorded_at, i.recorded_by, 0))
                 for i in data.items]
        testers = [t.name for t in data.testers]
    elif ordered.state in STEP5:
        plan = plan_for(session, ordered)
        results = results_of(session, ordered_product_id, round_number)
        items = [ItemView(i.key, i.label, i.hint, i.group,
                          ResultView(r.outcome, r.tester_name, r.note, r.recorded_at, r.recorded_by_name, r.version)
                          if (r := results.get(i.key)) is not None else None)
                 for i in plan.items]
        testers = plan.tester_names
        if ordered.state == S.TESTING:
            gaps = acceptance_gaps(plan, results, problems)
    municipal = actor.role == Role.KOMMUNE
    return AcceptanceView(
        ordered_product_id=ordered_product_id, product_id=ordered.product_id,
        product_name=product.name if product else ordered.product_id,
        municipality_name=municipality.name if municipality else "", ags=municipality.ags if municipality else "",
        state=ordered.state, state_since=ordered.state_since, round=round_number,
        testing_since=testing_since(session, ordered), items=items, testers=testers, open_problems=len(problems),
        gaps=gaps, acceptances=acceptances, launch_tasks=launch_tasks(session, ordered_product_id),
        may_record=municipal and ordered.state == S.TESTING, is_coordinator=municipal and actor.can_manage_team,
    )


@dataclass(frozen=True)
class AcceptanceRow:
    """One product in test, accepted or live, for the list."""

    ordered_product_id: int
    product_name: str
    municipality_name: str
    ags: str
    state: OrderedProductState
    state_since: datetime
    open_problems: int
    tested: int | None  # while testing: items with a result in the current round
    total: int | None  # while testing: items of the checklist
    failed: int = 0  # while testing: items recorded with "Fehler"

    @property
    def state_name(self) -> str:
        """Return the state in German."""
        return STATE_NAMES[self.state]


def _step5_query(actor: Actor) -> Any:
    statement: Any = (  # a multi-column select: the tenant helper is typed for single entities
        select(OrderedProduct, CatalogProduct.name, Municipality.name, Municipality.ags)
        .join(CatalogProduct, col(CatalogProduct.id) == OrderedProduct.product_id)
        .join(Municipality, col(Municipality.id) == OrderedProduct.municipality_id)
        .where(col(OrderedProduct.state).in_(list(STEP5)))
    )
    return scope_to_tenant(statement, actor, OrderedProduct.municipality_id)


def _rounds_and_results(session: Session, ids: list[int]) -> dict[int, dict[str, TestResult]]:
    """Return the results of the current test round of each of ``ids`` (two queries for all of them)."""
    if not ids:
        return {}
    went_live = dict(session.exec(
        select(StateChange.ordered_product_id, func.count()).where(
            col(StateChange.ordered_product_id).in_(ids), StateChange.to_state == S.TESTING)
        .group_by(col(StateChange.ordered_product_id))).all())
    rounds = {i: max(1, int(went_live.get(i, 0))) for i in ids}  # as acceptance.results.current_round
    results: dict[int, dict[str, TestResult]] = {i: {} for i in ids}
    for row in session.exec(select(TestResult).where(col(TestResult.ordered_product_id).in_(ids))
                            .order_by(col(TestResult.id))).all():
        if row.round == rounds[row.ordered_product_id]:
            results[row.ordered_product_id][row.item] = row
    return results


def _rows(session: Session, found: Sequence[Any], catalogue: Mapping[str, Product] | None = None
          ) -> list[AcceptanceRow]:
    """Add open problems and test progress to the found products (progress only for those in test)."""
    ids = [o.id for o, *_rest in found]
    problems = dict(session.exec(
        select(ProblemReport.ordered_product_id, func.count()).where(
            col(ProblemReport.ordered_product_id).in_(ids), ProblemReport.status == ProblemStatus.OPEN)
        .group_by(col(ProblemReport.ordered_product_id))).all()) if ids else {}
    testing = [o for o, *_rest in found if o.state == S.TESTING]
    in_test = _rounds_and_results(session, [o.id or 0 for o in testing])
    plans = plans_for(session, testing, catalogue=catalogue)
    rows = []
    for ordered, product_name, municipality_name, ags in found:
        oid = ordered.id or 0
        tested = total = None
        failed = 0
        if ordered.state == S.TESTING:
            plan = plans[oid]
            results = in_test[oid]
            total = len(plan.items)
            tested = sum(1 for item in plan.items if item.key in results)
            failed = sum(1 for item in plan.items if item.key in results
                         and results[item.key].outcome == TestOutcome.FAILED)
        rows.append(AcceptanceRow(oid, product_name, municipality_name, ags, ordered.state, ordered.state_since,
                                  int(problems.get(oid, 0)), tested, total, failed))
    return rows


def acceptance_list(session: Session, *, actor: Actor) -> list[AcceptanceRow]:
    """Return the products in test, accepted or live: the municipality's own, for KISA all; testing first."""
    require_role(actor, Role.KOMMUNE, Role.KISA, Role.ADMIN)
    rows = _rows(session, session.exec(_step5_query(actor)).all())
    order = {state: index for index, state in enumerate(STEP5)}
    return sorted(rows, key=lambda r: (order[r.state], r.municipality_name, r.product_name, r.ordered_product_id))


def acceptance_page(session: Session, *, actor: Actor, number: int = 1, size: int = 25,
                    catalogue: Mapping[str, Product] | None = None) -> Page[AcceptanceRow]:
    """Return page ``number`` of :func:`acceptance_list` (same order); test progress is read for that page only.

    ``catalogue``: the products already read (id → product, the page's cached catalogue).
    """
    require_role(actor, Role.KOMMUNE, Role.KISA, Role.ADMIN)
    query = _step5_query(actor)
    total = int(session.exec(select(func.count()).select_from(query.subquery())).one())
    number = clamp(number, total, size)
    step = case(*((col(OrderedProduct.state) == state, index) for index, state in enumerate(STEP5)), else_=99)
    found = session.exec(query.order_by(step, col(Municipality.name), col(CatalogProduct.name), col(OrderedProduct.id))
                         .offset((number - 1) * size).limit(size)).all()
    return Page(_rows(session, found, catalogue), total, number, size)
