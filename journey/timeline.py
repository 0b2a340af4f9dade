"""Where each ordered product stands in the onboarding journey: phases planned versus actual, who waits for whom.

Pure domain code: the actual phases come from the StateChange history, the plan from the order date and the seed's
durations (``backoffice.queue.PHASE_DAYS``). Time back in the municipality's hands after a query from KISA counts to
the municipality's phase "Fragebogen"; a change after go-live starts a new round of the same phases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from accounts.access import may_see_tenant, require_role
from accounts.actor import Actor
from backoffice.queue import PHASE_DAYS, WAITING_FOR, due_date
from core.clock import utcnow
from core.errors import DomainError, NotFound, PermissionDenied
from journey.steps import STEPS
from models import STATE_NAMES, CatalogProduct, Municipality, OrderedProduct, OrderedProductState, Role, StateChange

S = OrderedProductState
BERLIN = ZoneInfo("Europe/Berlin")

KOMMUNE, KISA, NOBODY = "Kommune", "KISA", "–"


@dataclass(frozen=True)
class PhaseKind:
    """One phase of the journey: which states belong to it, who works in it, how long it is planned to take."""

    key: str
    name: str  # German, for the chart legend and tables
    who: str  # "Kommune", "KISA" or "–"
    states: frozenset[OrderedProductState]
    plan_days: int  # 0: open-ended (live)


FRAGEBOGEN = PhaseKind("fragebogen", "Fragebogen", KOMMUNE,
                       frozenset({S.ORDERED, S.QUESTIONNAIRE, S.QUERY, S.CHANGE_REQUESTED}), PHASE_DAYS[S.QUESTIONNAIRE])
EINRICHTUNG = PhaseKind("einrichtung", "Prüfung und Einrichtung", KISA, frozenset({S.SUBMITTED, S.SETUP}),
                        PHASE_DAYS[S.SETUP])
TEST = PhaseKind("test", "Test und Abnahme", KOMMUNE, frozenset({S.TESTING, S.ACCEPTED}), PHASE_DAYS[S.TESTING])
LIVE = PhaseKind("live", "Live", NOBODY, frozenset({S.LIVE}), 0)
PHASE_KINDS: tuple[PhaseKind, ...] = (FRAGEBOGEN, EINRICHTUNG, TEST, LIVE)
PLANNED_KINDS = (FRAGEBOGEN, EINRICHTUNG, TEST)  # the phases with a planned length, in order
_KIND_OF: dict[OrderedProductState, PhaseKind] = {state: kind for kind in PHASE_KINDS for state in kind.states}
ENDED = frozenset({S.CANCELLED, S.TERMINATED})

# What happens next in each state, in plain German, and on which page (the page maps the key to a file):
# "fragebogen" the questionnaire, "abnahme" test and acceptance, "vorgang" KISA's case page; None: nothing to do.
NEXT_STEPS: dict[OrderedProductState, tuple[str, str | None]] = {
    S.ORDERED: ("Fragebogen ausfüllen und einreichen", "fragebogen"),
    S.QUESTIONNAIRE: ("Fragebogen ausfüllen und einreichen", "fragebogen"),
    S.QUERY: ("Rückfrage von KISA beantworten und den Fragebogen erneut einreichen", "fragebogen"),
    S.SUBMITTED: ("KISA prüft die Konfiguration", "vorgang"),
    S.SETUP: ("KISA richtet ein und stellt den OAA im Wartungsmodus bereit (Go-Live)", "vorgang"),
    S.TESTING: ("Testen im Wartungsmodus und Abnahme erteilen", "abnahme"),
    S.ACCEPTED: ("Wartungsmodus auf Amt24 ausschalten und im Shop bestätigen", "abnahme"),
    # Live: the go-live communication checklist and the change request are on the test and acceptance page.
    S.LIVE: ("Kein offener Schritt: der OAA ist live. Bei einer Satzungsänderung beantragen Sie eine Änderung.",
             "abnahme"),
    S.CHANGE_REQUESTED: ("Fragebogen ändern und erneut einreichen", "fragebogen"),
    S.CANCELLED: ("Kein weiterer Schritt: das Produkt ist storniert.", None),
    S.TERMINATED: ("Kein weiterer Schritt: der Vertrag ist beendet.", None),
}
WAITING_TEXTS = {KOMMUNE: "KISA wartet auf die Kommune", KISA: "Die Kommune wartet auf KISA", NOBODY: "Niemand ist am Zug"}

# The seed's five steps (journey/steps.py): which one a state belongs to; live: all done.
_STEP_OF: dict[OrderedProductState, int] = {
    S.ORDERED: 3, S.QUESTIONNAIRE: 3, S.QUERY: 3, S.CHANGE_REQUESTED: 3, S.SUBMITTED: 4, S.SETUP: 4, S.TESTING: 5,
    S.ACCEPTED: 5, S.LIVE: len(STEPS) + 1,
}
STEP_STATUS_NAMES = {"done": "erledigt", "current": "aktuell", "next": "als Nächstes", "later": "später",
                     "ended": "abgebrochen"}


def waiting_text(state: OrderedProductState) -> str:
    """Return who waits for whom in ``state``, e.g. "KISA wartet auf die Kommune"."""
    return WAITING_TEXTS[WAITING_FOR[state]]


def deviation_text(days: int | None) -> str:
    """Return a deviation in days in words: "im Plan", "3 Tage später als geplant", "1 Tag früher als geplant"."""
    if days is None:
        return "–"
    if days == 0:
        return "im Plan"
    amount = f"{abs(days)} {'Tag' if abs(days) == 1 else 'Tage'}"
    return f"{amount} später als geplant" if days > 0 else f"{amount} früher als geplant"


def local_day(moment: datetime) -> Any:
    """Return the German calendar day of a UTC moment (deviations count whole calendar days)."""
    return moment.astimezone(BERLIN).date()


def days_between(earlier: datetime, later: datetime) -> int:
    """Return the calendar days from ``earlier`` to ``later`` (negative if ``later`` is before)."""
    return (local_day(later) - local_day(earlier)).days


@dataclass(frozen=True)
class Stretch:
    """A stretch of time the product spent in one state (``end`` None: it is still in it)."""

    state: OrderedProductState
    round: int  # 0: the first onboarding; 1, 2, …: change rounds after go-live
    start: datetime
    end: datetime | None

    @property
    def kind(self) -> PhaseKind | None:
        """Return the phase the state belongs to (None for cancelled/terminated)."""
        return _KIND_OF.get(self.state)

    @property
    def who(self) -> str:
        """Return who had to act during the stretch."""
        return WAITING_FOR[self.state]

    def days(self, now: datetime) -> float:
        """Return the length in days (up to ``now`` while it lasts)."""
        return max(0.0, ((self.end or now) - self.start).total_seconds() / 86400)


@dataclass(frozen=True)
class Phase:
    """One phase of one round, planned and actual."""

    kind: PhaseKind
    round: int
    planned_start: datetime
    planned_end: datetime | None  # None: open-ended (live)
    start: datetime | None  # actual; None: not begun yet
    end: datetime | None  # actual; None: not begun or still running
    days: float  # time actually spent in it (all its stretches; up to now while it runs)
    current: bool
    due: datetime | None  # re-planned end of the current phase (due date of the current state)
    query_rounds: int  # queries from KISA answered (or being answered) in this phase
    interrupted: bool = False  # begun, but the product went back to an earlier phase (a query): not over yet

    @property
    def name(self) -> str:
        """Return the German name, with the change round (e.g. "Änderung 1: Fragebogen")."""
        return self.kind.name if self.round == 0 else f"Änderung {self.round}: {self.kind.name}"

    @property
    def who(self) -> str:
        """Return who works in this phase."""
        return self.kind.who

    @property
    def status(self) -> str:
        """Return "done", "current", "interrupted" or "open"."""
        if self.current:
            return "current"
        if self.interrupted:
            return "interrupted"
        return "done" if self.start is not None else "open"

    def expected_end(self, now: datetime) -> datetime | None:
        """Return the actual end, or for the current phase its re-planned end (never before now)."""
        if self.current:
            return max(self.due, now) if self.due is not None else None
        return self.end

    def deviation_days(self, now: datetime) -> int | None:
        """Return how many days the phase ends after its planned end (negative: earlier); None if unknown."""
        if self.kind is LIVE:
            return days_between(self.planned_start, self.start) if self.start is not None else None
        end = self.expected_end(now)
        if end is None or self.planned_end is None or self.interrupted:
            return None
        return days_between(self.planned_end, end)


@dataclass(frozen=True)
class HistoryEntry:
    """One state change as the journey view lists it."""

    at: datetime
    from_state: OrderedProductState
    to_state: OrderedProductState
    actor_name: str
    note: str

    @property
    def from_name(self) -> str:
        """Return the German name of the state before."""
        return STATE_NAMES[self.from_state]

    @property
    def to_name(self) -> str:
        """Return the German name of the state after."""
        return STATE_NAMES[self.to_state]


@dataclass(frozen=True)
class StepMark:
    """One of the seed's five steps with its status for one product."""

    number: int
    title: str
    who: str
    duration: str
    status: str  # "done", "current", "next", "later", "ended"

    @property
    def status_name(self) -> str:
        """Return the German status."""
        return STEP_STATUS_NAMES[self.status]


class _Standing:
    """Where a product stands from its state, since when, and "now": ended, live, due, overdue."""

    state: OrderedProductState
    state_since: datetime
    as_of: datetime

    @property
    def ended(self) -> bool:
        """Tell whether the product is cancelled or its contract ended."""
        return self.state in ENDED

    @property
    def is_live(self) -> bool:
        """Tell whether the product is live on Amt24 (no change under way)."""
        return self.state == S.LIVE

    @property
    def due(self) -> datetime | None:
        """Return when the current state should be over (the work queue's due date)."""
        return None if self.ended else due_date(self.state, self.state_since)

    @property
    def overdue(self) -> bool:
        """Tell whether the current step takes longer than planned."""
        return self.due is not None and self.as_of > self.due


@dataclass(frozen=True)
class ProductJourney(_Standing):
    """Everything the journey view shows of one ordered product."""

    ordered_product_id: int
    product_id: str
    product_name: str
    municipality_id: int
    municipality_name: str
    ags: str
    state: OrderedProductState
    state_since: datetime
    ordered_at: datetime
    as_of: datetime  # "now" of the computation (the chart's "heute")
    stretches: tuple[Stretch, ...]
    phases: tuple[Phase, ...]
    history: tuple[HistoryEntry, ...]
    history_complete: bool  # False: states were set without a recorded change (e.g. before the history existed)
    live_at: datetime | None  # first go-live (maintenance mode off)
    ended_at: datetime | None  # cancelled or terminated

    @property
    def state_name(self) -> str:
        """Return the German name of the current state."""
        return STATE_NAMES[self.state]

    @property
    def round(self) -> int:
        """Return the current round (0: first onboarding, n: n-th change after go-live)."""
        return self.stretches[-1].round if self.stretches else 0

    @property
    def waiting_for(self) -> str:
        """Return who has to act: "Kommune", "KISA" or "–"."""
        return WAITING_FOR[self.state]

    @property
    def waiting_text(self) -> str:
        """Return who waits for whom, e.g. "Die Kommune wartet auf KISA"."""
        return waiting_text(self.state)

    @property
    def next_step(self) -> str:
        """Return the next step in plain German."""
        return NEXT_STEPS[self.state][0]

    @property
    def next_page(self) -> str | None:
        """Return the key of the page the next step happens on ("fragebogen", "abnahme", "vorgang") or None."""
        return NEXT_STEPS[self.state][1]

    @property
    def query_rounds(self) -> int:
        """Return how many times KISA asked back (all rounds)."""
        return sum(1 for s in self.stretches if s.state == S.QUERY)

    @property
    def planned_live(self) -> datetime:
        """Return the planned go-live from the order date (the seed's durations)."""
        return self.ordered_at + timedelta(days=sum(k.plan_days for k in PLANNED_KINDS))

    @property
    def forecast_live(self) -> datetime | None:
        """Return the expected go-live while the first onboarding runs: the current phase's due date, then the plan."""
        if self.live_at is not None or self.ended or self.round != 0:
            return None
        return _forecast(self.phases, 0, self.as_of)

    @property
    def deviation_days(self) -> int | None:
        """Return the days the go-live is (or is expected to be) later than planned; negative: earlier."""
        if self.live_at is not None:
            return days_between(self.planned_live, self.live_at)
        forecast = self.forecast_live
        return days_between(self.planned_live, forecast) if forecast is not None else None

    @property
    def deviation_text(self) -> str:
        """Return the go-live deviation in words."""
        return deviation_text(self.deviation_days)

    def days_with(self, who: str) -> float:
        """Return the days the product was in the hands of ``who`` ("Kommune" or "KISA"), queries included."""
        return sum(s.days(self.as_of) for s in self.stretches if s.who == who)

    @property
    def current_phase(self) -> Phase | None:
        """Return the phase the product is in now (None when ended)."""
        return next((p for p in self.phases if p.current), None)

    @property
    def steps(self) -> tuple[StepMark, ...]:
        """Return the seed's five steps with done / current / next / later (ended: where it stopped)."""
        state = self.state
        stopped = self.ended
        if stopped:  # the state before cancellation/termination tells where it stopped
            state = next((s.state for s in reversed(self.stretches) if s.state not in ENDED), S.ORDERED)
        current = _STEP_OF.get(state, 3)
        marks = []
        for step in STEPS:
            if step.number < current:
                status = "done"
            elif step.number == current:
                status = "ended" if stopped else "current"
            elif step.number == current + 1 and not stopped:
                status = "next"
            else:
                status = "later"
            marks.append(StepMark(step.number, step.title, step.who, step.duration, status))
        return tuple(marks)


def _forecast(phases: Sequence[Phase], round_: int, now: datetime) -> datetime | None:
    """Return the expected go-live of ``round_``: the current phase's re-planned end plus the later phases' plan."""
    ahead = [p for p in phases if p.round == round_ and p.kind in PLANNED_KINDS]
    current = next((p for p in ahead if p.current), None)
    if current is None:
        return None
    end = current.expected_end(now) or now
    later = ahead[ahead.index(current) + 1:]
    return end + timedelta(days=sum(p.kind.plan_days for p in later))


@dataclass(frozen=True)
class ProductStand(_Standing):
    """Where one ordered product stands now, without its history (the overview's list, counts and order)."""

    ordered_product_id: int
    product_name: str
    state: OrderedProductState
    state_since: datetime
    as_of: datetime



class _Counts:
    """Counts over ``products`` (journeys or stands): live, in test, with KISA, with the municipality, overdue."""

    products: Sequence[ProductJourney] | Sequence[ProductStand]

    def count(self, *states: OrderedProductState) -> int:
        """Return how many products are in one of ``states``."""
        return sum(1 for p in self.products if p.state in states)

    @property
    def live(self) -> int:
        """Products live on Amt24."""
        return self.count(S.LIVE)

    @property
    def in_test(self) -> int:
        """Products in test or accepted (maintenance mode still on)."""
        return self.count(S.TESTING, S.ACCEPTED)

    @property
    def with_kisa(self) -> int:
        """Products KISA reviews or sets up."""
        return self.count(S.SUBMITTED, S.SETUP)

    @property
    def with_municipality(self) -> int:
        """Products waiting for the municipality's questionnaire (first time, after a query or for a change)."""
        return self.count(S.ORDERED, S.QUESTIONNAIRE, S.QUERY, S.CHANGE_REQUESTED)

    @property
    def overdue(self) -> int:
        """Products whose current step takes longer than planned."""
        return sum(1 for p in self.products if p.overdue)


@dataclass(frozen=True)
class MunicipalityJourney(_Counts):
    """The journey of every product a municipality ordered."""

    municipality_id: int
    municipality_name: str
    ags: str
    as_of: datetime
    products: tuple[ProductJourney, ...]


@dataclass(frozen=True)
class MunicipalityOverview(_Counts):
    """Where every product of a municipality stands (no histories): counts, order and filter of the overview.

    The full journeys (phases, chart) are read only for the products shown, with ``product_journeys``.
    """

    municipality_id: int
    municipality_name: str
    ags: str
    as_of: datetime
    products: tuple[ProductStand, ...]

    def most_urgent_first(self) -> list[ProductStand]:
        """Return the products overdue first, then by due date; live after them, cancelled or ended last."""
        return sorted(self.products, key=lambda p: (2 if p.ended else 1 if p.is_live else 0, not p.overdue,
                                                    p.due or p.state_since))


# ---- building the journey from the history -------------------------------------------------------------------------
def _stretches(ordered: OrderedProduct, changes: Iterable[StateChange]) -> tuple[list[Stretch], bool]:
    """Turn the state changes into stretches; report whether the history explains the whole way to the state."""
    complete = True
    stretches: list[Stretch] = []
    state, start, round_ = S.ORDERED, ordered.created_at, 0
    for change in changes:
        at = max(change.at, start)
        if change.from_state != state:  # a state was set without a recorded change: the gap stays with the last one
            complete = False
            if at > start:
                stretches.append(Stretch(state, round_, start, at))
            state, start = change.from_state, at
        stretches.append(Stretch(state, round_, start, at))
        if change.to_state == S.CHANGE_REQUESTED:
            round_ += 1
        state, start = change.to_state, at
    if state != ordered.state:
        complete = False
        since = max(ordered.state_since, start)
        if since > start:
            stretches.append(Stretch(state, round_, start, since))
        state, start = ordered.state, since
    stretches.append(Stretch(state, round_, start, start if state in ENDED else None))
    return stretches, complete


def _phases(ordered_at: datetime, stretches: Sequence[Stretch], state: OrderedProductState, since: datetime,
            now: datetime) -> list[Phase]:
    """Return the phases of every round reached: actual from the stretches, planned from the round's start.

    An ended (cancelled, terminated) product lists only the phases it reached.
    """
    ended = state in ENDED
    running = stretches[-1] if stretches and stretches[-1].end is None else None
    running_index = PHASE_KINDS.index(running.kind) if running is not None and running.kind is not None else None
    phases: list[Phase] = []
    for round_ in sorted({s.round for s in stretches}):
        mine = [s for s in stretches if s.round == round_ and s.kind is not None]
        planned = ordered_at if round_ == 0 or not mine else mine[0].start
        for kind in PHASE_KINDS:
            parts = [s for s in mine if s.kind is kind]
            current = running is not None and running.round == round_ and running.kind is kind
            later = (running is not None and running.round == round_ and running_index is not None
                     and PHASE_KINDS.index(kind) > running_index)
            planned_end = planned + timedelta(days=kind.plan_days) if kind.plan_days else None
            if parts or not ended:
                phases.append(Phase(
                    kind=kind, round=round_, planned_start=planned, planned_end=planned_end,
                    start=parts[0].start if parts else None,
                    end=None if current or later or not parts else parts[-1].end,
                    days=sum(p.days(now) for p in parts),
                    current=current,
                    due=due_date(state, since) if current else None,
                    query_rounds=sum(1 for p in parts if p.state == S.QUERY),
                    interrupted=later and bool(parts),
                ))
            planned = planned_end or planned
    return phases


def build_journey(ordered: OrderedProduct, changes: Sequence[StateChange], *, product_name: str,
                  municipality: Municipality, now: datetime | None = None) -> ProductJourney:
    """Return the journey of one product from its (ordered) state changes; no database access."""
    now = now or utcnow()
    stretches, complete = _stretches(ordered, changes)
    phases = _phases(ordered.created_at, stretches, ordered.state, ordered.state_since, now)
    live_at = next((s.start for s in stretches if s.state == S.LIVE), None)
    ended_at = stretches[-1].start if ordered.state in ENDED and stretches else None
    return ProductJourney(
        ordered_product_id=ordered.id or 0, product_id=ordered.product_id, product_name=product_name,
        municipality_id=municipality.id or 0, municipality_name=municipality.name, ags=municipality.ags,
        state=ordered.state, state_since=ordered.state_since, ordered_at=ordered.created_at, as_of=now,
        stretches=tuple(stretches), phases=tuple(phases),
        history=tuple(HistoryEntry(c.at, c.from_state, c.to_state, c.actor_name, c.note) for c in changes),
        history_complete=complete, live_at=live_at, ended_at=ended_at,
    )


# ---- reading --------------------------------------------------------------------------------------------------------
def _history_query() -> Any:
    return select(StateChange).order_by(col(StateChange.ordered_product_id), col(StateChange.at), col(StateChange.id))


def product_journey(session: Session, *, actor: Actor, ordered_product_id: int) -> ProductJourney:
    """Return the journey of one ordered product; municipal users only see their own municipality's products."""
    require_role(actor, Role.KOMMUNE, Role.KISA, Role.ADMIN)
    query: Any = (
        sa_select(OrderedProduct, col(CatalogProduct.name), Municipality)
        .join(CatalogProduct, col(CatalogProduct.id) == OrderedProduct.product_id)
        .join(Municipality, col(Municipality.id) == OrderedProduct.municipality_id)
    )
    row = session.execute(query.where(OrderedProduct.id == ordered_product_id)).first()
    if row is None or not may_see_tenant(actor, row[0].municipality_id):
        raise NotFound("Dieses bestellte Produkt wurde nicht gefunden.")
    ordered, name, municipality = row
    changes = session.exec(_history_query().where(StateChange.ordered_product_id == ordered.id)).all()
    return build_journey(ordered, changes, product_name=name, municipality=municipality)


def _municipality(session: Session, actor: Actor, municipality_id: int | None) -> Municipality:
    """Return the municipality an overview is about: a municipal user's own, else the one staff named."""
    require_role(actor, Role.KOMMUNE, Role.KISA, Role.ADMIN)
    if actor.role == Role.KOMMUNE:
        if actor.municipality_id is None:
            raise PermissionDenied()
        municipality_id = actor.municipality_id
    elif municipality_id is None:
        raise DomainError("Bitte wählen Sie eine Kommune.")
    municipality = session.get(Municipality, municipality_id)
    if municipality is None or not may_see_tenant(actor, municipality.id):
        raise NotFound("Diese Kommune wurde nicht gefunden.")
    return municipality


def municipality_overview(session: Session, *, actor: Actor, municipality_id: int | None = None) -> MunicipalityOverview:
    """Return where each product of a municipality stands, in order of ordering; one query, no histories.

    Municipal users always get their own municipality (the argument is ignored); KISA and administrators name one.
    """
    municipality = _municipality(session, actor, municipality_id)
    rows = session.execute(
        sa_select(col(OrderedProduct.id), col(CatalogProduct.name), col(OrderedProduct.state),
                  col(OrderedProduct.state_since))
        .join(CatalogProduct, col(CatalogProduct.id) == OrderedProduct.product_id)
        .where(col(OrderedProduct.municipality_id) == municipality.id)
        .order_by(col(OrderedProduct.created_at), col(OrderedProduct.id))
    ).all()
    now = utcnow()
    return MunicipalityOverview(municipality.id or 0, municipality.name, municipality.ags, now, tuple(
        ProductStand(i, name, OrderedProductState(state), since, now) for i, name, state, since in rows))


def product_journeys(session: Session, *, actor: Actor, municipality_id: int | None = None,
                     ordered_product_ids: Sequence[int] | None = None) -> MunicipalityJourney:
    """Return the full journeys of a municipality's products (those of ``ordered_product_ids``, in that order; all
    of them in order of ordering when None). Two queries: the products, and their history."""
    municipality = _municipality(session, actor, municipality_id)
    query: Any = (
        sa_select(OrderedProduct, col(CatalogProduct.name))
        .join(CatalogProduct, col(CatalogProduct.id) == OrderedProduct.product_id)
        .where(col(OrderedProduct.municipality_id) == municipality.id)
        .order_by(col(OrderedProduct.created_at), col(OrderedProduct.id))
    )
    ids: Any = select(OrderedProduct.id).where(OrderedProduct.municipality_id == municipality.id)
    if ordered_product_ids is not None:
        wanted = list(dict.fromkeys(ordered_product_ids))
        query = query.where(col(OrderedProduct.id).in_(wanted))
        ids = wanted
    rows = session.execute(query).all()
    by_product: dict[int, list[StateChange]] = defaultdict(list)
    for change in session.exec(_history_query().where(col(StateChange.ordered_product_id).in_(ids))).all():
        by_product[change.ordered_product_id].append(change)
    now = utcnow()
    journeys = [build_journey(ordered, by_product.get(ordered.id or 0, []), product_name=name,
                              municipality=municipality, now=now) for ordered, name in rows]
    if ordered_product_ids is not None:
        position = {i: n for n, i in enumerate(wanted)}
        journeys.sort(key=lambda j: position[j.ordered_product_id])
    return MunicipalityJourney(municipality.id or 0, municipality.name, municipality.ags, now, tuple(journeys))


def municipality_journey(session: Session, *, actor: Actor, municipality_id: int | None = None) -> MunicipalityJourney:
    """Return the journey of every product of a municipality, in order of ordering.

    Municipal users always get their own municipality (the argument is ignored); KISA and administrators name one.
    Two queries: the products, and the history of all of them. Pages with many products read
    ``municipality_overview`` and the journeys of the products shown only.
    """
    return product_journeys(session, actor=actor, municipality_id=municipality_id)
