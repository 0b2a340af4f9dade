"""Figures for KISA's dashboard: products per state, throughput per week, lead time per phase, overdue, coverage."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from accounts.access import require_staff
from accounts.actor import Actor
from backoffice.queue import overdue_condition
from core.clock import utcnow
from models import STATE_NAMES, Gemeinde, Municipality, OrderedProduct, OrderedProductState, StateChange

S = OrderedProductState
BERLIN = ZoneInfo("Europe/Berlin")
# The phases whose length is measured, in journey order.
PHASES = (S.ORDERED, S.QUESTIONNAIRE, S.SUBMITTED, S.QUERY, S.SETUP, S.TESTING, S.ACCEPTED)


@dataclass(frozen=True)
class WeekFigures:
    """What happened in one calendar week (Monday first)."""

    week_start: date
    submitted: int  # configurations submitted (first time or again)
    live: int  # products that went live


@dataclass(frozen=True)
class DistrictFigures:
    """Coverage of one district (Landkreis / kreisfreie Stadt)."""

    kreis: str
    municipalities: int  # in the official list
    registered: int  # registered in the shop
    with_live_product: int

    @property
    def coverage(self) -> float:
        """Return the share of the district's municipalities with at least one live OAA."""
        return self.with_live_product / self.municipalities if self.municipalities else 0.0


@dataclass(frozen=True)
class Dashboard:
    """All figures of the dashboard."""

    per_state: dict[str, int]  # German state name -> ordered products
    weeks: list[WeekFigures]
    lead_days: dict[str, float]  # German state name -> median days spent in it (finished phases only)
    overdue: int
    districts: list[DistrictFigures]


def _week_start(moment: datetime) -> date:
    local = moment.astimezone(BERLIN).date()
    return local - timedelta(days=local.weekday())


def _days(session: Session, later: Any, earlier: Any) -> Any:
    """SQL expression: days between two timestamps, as a number (SQLite and PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def lead_days(session: Session) -> dict[str, float]:
    """Return the median days spent in each finished phase: from entering a state to the next change of the product.

    All in the database: a window function pairs each change with the next one of the same product, a second one
    ranks the durations per phase; only the one or two middle durations per phase are averaged and come back.
    """
    following = func.lead(col(StateChange.at)).over(partition_by=col(StateChange.ordered_product_id),
                                                    order_by=(col(StateChange.at), col(StateChange.id)))
    steps = select(col(StateChange.to_state).label("state"), col(StateChange.at).label("entered"),
                   following.label("left")).subquery()
    days = _days(session, steps.c.left, steps.c.entered)
    ranked = select(
        steps.c.state, days.label("days"),
        func.row_number().over(partition_by=steps.c.state, order_by=days).label("rank"),
        func.count().over(partition_by=steps.c.state).label("n"),
    ).where(steps.c.left.is_not(None), steps.c.state.in_([p.value for p in PHASES])).subquery()
    middle = (select(ranked.c.state, func.avg(ranked.c.days))
              .where(ranked.c.rank >= (ranked.c.n + 1) // 2, ranked.c.rank <= (ranked.c.n + 2) // 2)
              .group_by(ranked.c.state))
    medians = {str(state): float(value) for state, value in session.exec(middle).all()}
    return {STATE_NAMES[p]: round(medians[p.value], 1) for p in PHASES if p.value in medians}


def dashboard_version(session: Session, *, actor: Actor) -> tuple[int, int, int]:
    """Return a fingerprint that changes with every state change, new ordered product or registration (for caches).

    Three index lookups; the figures themselves take seconds at 100,000 ordered products.
    """
    require_staff(actor)
    return (int(session.exec(select(func.max(StateChange.id))).one() or 0),
            int(session.exec(select(func.max(OrderedProduct.id))).one() or 0),
            int(session.exec(select(func.max(Municipality.id))).one() or 0))


def dashboard(session: Session, *, actor: Actor, weeks: int = 12) -> Dashboard:
    """Return the dashboard figures over all municipalities; staff only."""
    require_staff(actor)
    counts = dict(session.exec(select(OrderedProduct.state, func.count()).group_by(col(OrderedProduct.state))).all())
    per_state = {STATE_NAMES[state]: int(counts.get(state, 0)) for state in S}

    now = utcnow()
    first_week = _week_start(now) - timedelta(weeks=weeks - 1)
    since = datetime.combine(first_week, datetime.min.time(), tzinfo=BERLIN)
    submitted: dict[date, int] = defaultdict(int)
    live: dict[date, int] = defaultdict(int)
    for to_state, at in session.exec(select(StateChange.to_state, StateChange.at).where(
            col(StateChange.at) >= since, col(StateChange.to_state).in_([S.SUBMITTED, S.LIVE]))).all():
        (submitted if to_state == S.SUBMITTED else live)[_week_start(at)] += 1
    week_list = [first_week + timedelta(weeks=i) for i in range(weeks)]

    overdue = int(session.exec(select(func.count()).select_from(OrderedProduct).where(overdue_condition(now))).one())

    totals = dict(session.exec(select(Gemeinde.kreis, func.count()).group_by(col(Gemeinde.kreis))).all())
    per_kreis = (select(Gemeinde.kreis, func.count()).select_from(Municipality)
                 .join(Gemeinde, col(Gemeinde.ags) == Municipality.ags).group_by(col(Gemeinde.kreis)))
    registered = dict(session.exec(per_kreis).all())
    with_live = dict(session.exec(per_kreis.where(col(Municipality.id).in_(
        select(OrderedProduct.municipality_id).where(OrderedProduct.state == S.LIVE)))).all())
    districts = [DistrictFigures(kreis, int(total), int(registered.get(kreis, 0)), int(with_live.get(kreis, 0)))
                 for kreis, total in sorted(totals.items())]

    return Dashboard(
        per_state=per_state,
        weeks=[WeekFigures(w, submitted[w], live[w]) for w in week_list],
        lead_days=lead_days(session),
        overdue=overdue,
        districts=districts,
    )
