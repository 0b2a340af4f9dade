"""Figures for KISA's dashboard: products per state, throughput per week, lead time per phase, overdue, coverage."""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from accounts.access import require_staff
from accounts.actor import Actor
from backoffice.queue import due_date
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


def dashboard(session: Session, *, actor: Actor, weeks: int = 12) -> Dashboard:
    """Return the dashboard figures over all municipalities; staff only."""
    require_staff(actor)
    counts = dict(session.exec(select(OrderedProduct.state, func.count()).group_by(col(OrderedProduct.state))).all())
    per_state = {STATE_NAMES[state]: int(counts.get(state, 0)) for state in S}

    now = utcnow()
    first_week = _week_start(now) - timedelta(weeks=weeks - 1)
    since = datetime.combine(first_week, datetime.min.time(), tzinfo=BERLIN)
    recent = session.exec(select(StateChange).where(col(StateChange.at) >= since)).all()
    submitted: dict[date, int] = defaultdict(int)
    live: dict[date, int] = defaultdict(int)
    for change in recent:
        if change.to_state == S.SUBMITTED:
            submitted[_week_start(change.at)] += 1
        elif change.to_state == S.LIVE:
            live[_week_start(change.at)] += 1
    week_list = [first_week + timedelta(weeks=i) for i in range(weeks)]

    durations: dict[OrderedProductState, list[float]] = defaultdict(list)
    history: dict[int, list[StateChange]] = defaultdict(list)
    for change in session.exec(select(StateChange).order_by(col(StateChange.ordered_product_id), col(StateChange.at),
                                                            col(StateChange.id))).all():
        history[change.ordered_product_id].append(change)
    for changes in history.values():
        for entered, left in itertools.pairwise(changes):
            durations[entered.to_state].append((left.at - entered.at).total_seconds() / 86400)

    overdue = 0
    for state, since_at in session.exec(select(OrderedProduct.state, OrderedProduct.state_since)).all():
        due = due_date(OrderedProductState(state), since_at)
        overdue += int(due is not None and now > due)

    totals = dict(session.exec(select(Gemeinde.kreis, func.count()).group_by(col(Gemeinde.kreis))).all())
    registered: dict[str, int] = defaultdict(int)
    with_live: dict[str, int] = defaultdict(int)
    live_ids = set(session.exec(select(OrderedProduct.municipality_id).where(OrderedProduct.state == S.LIVE)).all())
    for municipality_id, kreis in session.exec(
            select(Municipality.id, Gemeinde.kreis).join(Gemeinde, col(Gemeinde.ags) == Municipality.ags)).all():
        registered[kreis] += 1
        with_live[kreis] += int(municipality_id in live_ids)
    districts = [DistrictFigures(kreis, int(total), registered[kreis], with_live[kreis])
                 for kreis, total in sorted(totals.items())]

    return Dashboard(
        per_state=per_state,
        weeks=[WeekFigures(w, submitted[w], live[w]) for w in week_list],
        lead_days={STATE_NAMES[p]: round(statistics.median(durations[p]), 1) for p in PHASES if durations[p]},
        overdue=overdue,
        districts=districts,
    )
