"""Problem threads between a municipality and KISA: report, reply, mark solved, reopen, and read them.

A municipality reports a problem with one of its ordered products once KISA has put the OAA live in maintenance
mode (test) and later while it is live. Both sides write in the thread; every message tells the other side by mail.
Another municipality never learns that a thread exists (:class:`NotFound`, as for a missing one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from acceptance.checklist import item_label
from accounts.access import may_see_tenant, require_current, require_role, require_staff, scope_to_tenant
from accounts.actor import Actor
from audit.log import record
from core.clock import utcnow
from core.errors import DomainError, FieldErrors, NotFound
from core.paging import Page, clamp
from core.text import search_text
from models import (
    STATE_NAMES,
    CatalogProduct,
    Municipality,
    OrderedProduct,
    OrderedProductState,
    ProblemMessage,
    ProblemReport,
    ProblemStatus,
    Role,
)
from questionnaire.checks import clean_free_text
from support import mails

S = OrderedProductState
# A problem can be reported from the test in maintenance mode on, as long as the OAA runs.
REPORTABLE = frozenset({S.TESTING, S.ACCEPTED, S.LIVE, S.CHANGE_REQUESTED})
ENDED = frozenset({S.CANCELLED, S.TERMINATED})  # no new problems, and solved ones stay solved
ROLES = (Role.KOMMUNE, Role.KISA, Role.ADMIN)

MIN_TITLE, MAX_TITLE = 3, 200
MAX_TEXT = 4000
MAX_REASON = 1000
MAX_TEST_ITEM = 60
MAX_ROWS = 500
REOPENED_PREFIX = "Wieder geöffnet: "
_TEST_ITEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

STATUS_NAMES = {ProblemStatus.OPEN: "offen", ProblemStatus.SOLVED: "gelöst"}
SIDE_KISA, SIDE_MUNICIPALITY = "KISA", "Kommune"


# ---- what the pages read ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProblemRow:
    """One thread in a list: what it is about, where it stands and who wrote last."""

    report_id: int
    ordered_product_id: int
    product_name: str
    municipality_id: int
    municipality_name: str
    title: str
    status: ProblemStatus
    test_item: str
    created_at: datetime
    created_by_name: str
    updated_at: datetime  # last message or status change
    solved_at: datetime | None
    solved_by_name: str
    message_count: int
    last_author: str
    last_from_kisa: bool
    kisa_answered: bool  # KISA has written at least once

    @property
    def is_open(self) -> bool:
        """Tell whether the problem still needs work."""
        return self.status == ProblemStatus.OPEN

    @property
    def status_name(self) -> str:
        """Return the German status, e.g. ``offen``."""
        return STATUS_NAMES[self.status]

    @property
    def waiting_for_kisa(self) -> bool:
        """Tell whether the problem is open and the municipality wrote last (KISA's turn)."""
        return self.is_open and not self.last_from_kisa

    @property
    def last_side(self) -> str:
        """Return who wrote last: ``KISA`` or ``Kommune``."""
        return SIDE_KISA if self.last_from_kisa else SIDE_MUNICIPALITY


@dataclass(frozen=True)
class MessageView:
    """One message of a thread."""

    author_name: str
    from_kisa: bool
    text: str
    created_at: datetime

    @property
    def side(self) -> str:
        """Return the German role label of the author's side: ``KISA`` or ``Kommune``."""
        return SIDE_KISA if self.from_kisa else SIDE_MUNICIPALITY


@dataclass(frozen=True)
class ProblemThread:
    """A thread with its messages in order, and what the reading person may do with it."""

    row: ProblemRow
    messages: list[MessageView]
    product_state: OrderedProductState
    may_reopen: bool  # solved and the product still runs
    reply_reopens: bool  # the reader is the municipality and the problem is solved: a reply reopens it
    test_item_label: str = ""  # the label of the test checklist item it came from, if any

    @property
    def product_state_name(self) -> str:
        """Return the German state of the ordered product."""
        return STATE_NAMES[self.product_state]


@dataclass(frozen=True)
class ProductChoice:
    """An ordered product the municipality may report a problem for."""

    ordered_product_id: int
    product_name: str
    state_name: str


# ---- input checks -------------------------------------------------------------------------------------------------
def _check_title(raw: str, errors: dict[str, str]) -> str:
    title = clean_free_text(raw or "", multiline=False)
    if not title:
        errors["title"] = "Bitte geben Sie einen kurzen Titel an, z. B. „Absenden des Antrags schlägt fehl“."
    elif len(title) < MIN_TITLE:
        errors["title"] = f"Der Titel ist zu kurz: bitte mindestens {MIN_TITLE} Zeichen."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Bitte kürzen Sie den Titel auf höchstens {MAX_TITLE} Zeichen (jetzt {len(title)})."
    return title


def _check_text(raw: str, errors: dict[str, str], *, field: str, empty: str, limit: int = MAX_TEXT) -> str:
    text = clean_free_text(raw or "", multiline=True)
    if not text:
        errors[field] = empty
    elif len(text) > limit:
        errors[field] = f"Bitte kürzen Sie auf höchstens {limit} Zeichen (jetzt {len(text)})."
    return text


def _check_test_item(raw: str, errors: dict[str, str]) -> str:
    item = (raw or "").strip()
    if item and (len(item) > MAX_TEST_ITEM or not _TEST_ITEM.match(item)):
        errors["test_item"] = ("Der Testpunkt ist nicht gültig. Bitte melden Sie das Problem aus der Test-Checkliste "
                               "heraus oder ohne Testpunkt.")
    return item


def _message_text(raw: str, *, empty: str) -> str:
    errors: dict[str, str] = {}
    text = _check_text(raw, errors, field="text", empty=empty)
    if errors:
        raise FieldErrors(errors)
    return text


# ---- loading with tenant check ------------------------------------------------------------------------------------
def _locked_report(session: Session, actor: Actor, report_id: int) -> ProblemReport:
    report = session.get(ProblemReport, report_id, with_for_update=True, populate_existing=True)
    if report is None or not may_see_tenant(actor, report.municipality_id):
        raise NotFound("Diese Meldung wurde nicht gefunden.")
    return report


def _ordered_of(session: Session, report: ProblemReport) -> OrderedProduct:
    ordered = session.get(OrderedProduct, report.ordered_product_id)
    assert ordered is not None  # foreign key
    return ordered


def _writer(session: Session, actor: Actor) -> None:
    """Refuse unless the actor is active municipal staff or KISA, as stored right now."""
    require_role(actor, *ROLES)
    require_current(session, actor, *ROLES)


def _product_name(session: Session, ordered: OrderedProduct) -> str:
    product = session.get(CatalogProduct, ordered.product_id)
    return product.name if product else ordered.product_id


def _add_message(session: Session, actor: Actor, report: ProblemReport, text: str) -> None:
    now = utcnow()
    session.add(ProblemMessage(report_id=report.id or 0, author_id=actor.user_id, author_name=actor.full_name,
                               from_kisa=actor.is_staff, text=text, created_at=now))
    report.updated_at = now
    session.add(report)


def _open_again(report: ProblemReport) -> None:
    report.status = ProblemStatus.OPEN
    report.solved_at = None
    report.solved_by_name = ""


def _refuse_reopen_if_ended(ordered: OrderedProduct) -> None:
    if ordered.state in ENDED:
        raise DomainError(f"Das Produkt ist {STATE_NAMES[ordered.state]}; eine gelöste Meldung lässt sich nicht mehr "
                          "wieder öffnen. Bitte wenden Sie sich direkt an KISA.")


# ---- actions ------------------------------------------------------------------------------------------------------
def report_problem(session: Session, *, actor: Actor, ordered_product_id: int | None, title: str, text: str,
                   test_item: str = "") -> int:
    """Report a problem with an ordered product of the actor's municipality to KISA; return the new thread's id.

    Allowed from the test in maintenance mode on (TESTING, ACCEPTED, LIVE, CHANGE_REQUESTED). ``test_item`` is the
    key of the test checklist item the problem came from, if any. KISA gets the mail ``problem.reported``.
    """
    require_role(actor, Role.KOMMUNE)
    require_current(session, actor, Role.KOMMUNE)
    errors: dict[str, str] = {}
    if ordered_product_id is None:
        errors["product"] = "Bitte wählen Sie das Produkt, zu dem Sie ein Problem melden."
    title = _check_title(title, errors)
    text = _check_text(text, errors, field="text", empty="Bitte beschreiben Sie das Problem: Was haben Sie getan, "
                                                         "was ist passiert, und was hätten Sie erwartet?")
    test_item = _check_test_item(test_item, errors)
    if errors:
        raise FieldErrors(errors)
    assert ordered_product_id is not None
    ordered = session.get(OrderedProduct, ordered_product_id, with_for_update=True, populate_existing=True)
    if ordered is None or not may_see_tenant(actor, ordered.municipality_id):
        raise NotFound("Dieses bestellte Produkt wurde nicht gefunden.")
    if ordered.state in ENDED:
        raise DomainError(f"Das Produkt ist {STATE_NAMES[ordered.state]}; dafür lassen sich keine Probleme mehr melden.")
    if ordered.state not in REPORTABLE:
        raise DomainError("Ein Problem können Sie melden, sobald KISA das OAA im Wartungsmodus zum Test bereitgestellt "
                          f"hat. Stand jetzt: „{STATE_NAMES[ordered.state]}“.")
    now = utcnow()
    report = ProblemReport(ordered_product_id=ordered.id or 0, municipality_id=ordered.municipality_id, title=title,
                           test_item=test_item, created_at=now, created_by_id=actor.user_id,
                           created_by_name=actor.full_name, updated_at=now)
    session.add(report)
    session.flush()  # the id, for the first message and the link
    _add_message(session, actor, report, text)
    product = _product_name(session, ordered)
    record(session, actor=actor, action="problem.reported", entity_type="problem", entity_id=report.id,
           municipality_id=report.municipality_id,
           details=f"Problem „{title}“ zu {product} gemeldet"
           + (f" (Testpunkt „{item_label(session, ordered, test_item)}“)." if test_item else "."))
    mails.to_kisa(session, ordered, mails.REPORTED,
                  mails.problem_facts(session, report, ordered, text=text, author=actor.full_name))
    session.flush()
    return report.id or 0


def reply(session: Session, *, actor: Actor, report_id: int, text: str) -> bool:
    """Add a message to a thread and tell the other side by mail; return whether the reply reopened the problem.

    A municipal reply to a solved problem reopens it; KISA may write in a solved thread without reopening it.
    """
    _writer(session, actor)
    text = _message_text(text, empty="Bitte schreiben Sie Ihre Nachricht.")
    report = _locked_report(session, actor, report_id)
    ordered = _ordered_of(session, report)
    reopens = not actor.is_staff and report.status == ProblemStatus.SOLVED
    if reopens:
        _refuse_reopen_if_ended(ordered)
        _open_again(report)
    _add_message(session, actor, report, text)
    side = SIDE_KISA if actor.is_staff else SIDE_MUNICIPALITY
    record(session, actor=actor, action="problem.replied", entity_type="problem", entity_id=report.id,
           municipality_id=report.municipality_id, details=f"Nachricht ({side}) zur Meldung „{report.title}“.")
    if reopens:
        record(session, actor=actor, action="problem.reopened", entity_type="problem", entity_id=report.id,
               municipality_id=report.municipality_id,
               details=f"Meldung „{report.title}“ durch eine Antwort der Kommune wieder geöffnet.")
    context = mails.problem_facts(session, report, ordered, text=text, author=actor.full_name, reopened=reopens)
    if actor.is_staff:
        mails.to_municipality(session, report, ordered, mails.ANSWERED, context)
    else:
        mails.to_kisa(session, ordered, mails.UPDATED, context)
    session.flush()
    return reopens


def mark_solved(session: Session, *, actor: Actor, report_id: int) -> None:
    """Mark an open problem solved (either side); when KISA does, the municipality gets ``problem.solved``."""
    _writer(session, actor)
    report = _locked_report(session, actor, report_id)
    if report.status == ProblemStatus.SOLVED:
        raise DomainError(f"Diese Meldung ist bereits als gelöst markiert (von {report.solved_by_name}).")
    now = utcnow()
    report.status = ProblemStatus.SOLVED
    report.solved_at = now
    report.solved_by_name = actor.full_name
    report.updated_at = now
    session.add(report)
    side = SIDE_KISA if actor.is_staff else SIDE_MUNICIPALITY
    record(session, actor=actor, action="problem.solved", entity_type="problem", entity_id=report.id,
           municipality_id=report.municipality_id, details=f"Meldung „{report.title}“ als gelöst markiert ({side}).")
    if actor.is_staff:
        ordered = _ordered_of(session, report)
        last_answer = session.exec(
            select(ProblemMessage.text).where(ProblemMessage.report_id == report.id, col(ProblemMessage.from_kisa))
            .order_by(col(ProblemMessage.id).desc())
        ).first()
        mails.to_municipality(session, report, ordered, mails.SOLVED,
                              mails.problem_facts(session, report, ordered, text=last_answer or "",
                                                  author=actor.full_name))
    session.flush()


def reopen(session: Session, *, actor: Actor, report_id: int, reason: str) -> None:
    """Open a solved problem again (municipality or KISA) with a short reason, which becomes a message of the thread."""
    _writer(session, actor)
    errors: dict[str, str] = {}
    reason = _check_text(reason, errors, field="reason", limit=MAX_REASON,
                         empty="Bitte geben Sie kurz an, warum die Meldung wieder geöffnet werden soll.")
    if errors:
        raise FieldErrors(errors)
    report = _locked_report(session, actor, report_id)
    if report.status == ProblemStatus.OPEN:
        raise DomainError("Diese Meldung ist bereits offen.")
    ordered = _ordered_of(session, report)
    _refuse_reopen_if_ended(ordered)
    _open_again(report)
    _add_message(session, actor, report, REOPENED_PREFIX + reason)
    record(session, actor=actor, action="problem.reopened", entity_type="problem", entity_id=report.id,
           municipality_id=report.municipality_id, details=f"Meldung „{report.title}“ wieder geöffnet: {reason}")
    context = mails.problem_facts(session, report, ordered, text=reason, author=actor.full_name, reopened=True)
    if actor.is_staff:
        mails.to_municipality(session, report, ordered, mails.ANSWERED, context)
    else:
        mails.to_kisa(session, ordered, mails.UPDATED, context)
    session.flush()


# ---- reads --------------------------------------------------------------------------------------------------------
def _select(report_ids: list[int] | None = None) -> Any:
    """Return the query of threads with product and municipality names, message count and the last message.

    With ``report_ids``, the messages are counted for those threads only (a page of a long list)."""
    stats_query: Any = (
        sa_select(col(ProblemMessage.report_id).label("report_id"), func.max(ProblemMessage.id).label("last_id"),
                  func.count().label("messages"),
                  func.sum(case((col(ProblemMessage.from_kisa), 1), else_=0)).label("from_kisa"))
        .group_by(col(ProblemMessage.report_id))
    )
    if report_ids is not None:
        stats_query = stats_query.where(col(ProblemMessage.report_id).in_(report_ids))
    stats = stats_query.subquery()
    last = aliased(ProblemMessage)
    query = (
        sa_select(ProblemReport, col(CatalogProduct.name), col(Municipality.name), stats.c.messages, stats.c.from_kisa,
                  col(last.author_name), col(last.from_kisa))
        .join(OrderedProduct, col(OrderedProduct.id) == ProblemReport.ordered_product_id)
        .join(CatalogProduct, col(CatalogProduct.id) == OrderedProduct.product_id)
        .join(Municipality, col(Municipality.id) == ProblemReport.municipality_id)
        .outerjoin(stats, stats.c.report_id == ProblemReport.id)
        .outerjoin(last, col(last.id) == stats.c.last_id)
    )
    return query if report_ids is None else query.where(col(ProblemReport.id).in_(report_ids))


def _row(report: ProblemReport, product: str, municipality: str, messages: int | None, from_kisa: int | None,
         last_author: str | None, last_from_kisa: bool | None) -> ProblemRow:
    return ProblemRow(
        report_id=report.id or 0, ordered_product_id=report.ordered_product_id, product_name=product,
        municipality_id=report.municipality_id, municipality_name=municipality, title=report.title,
        status=report.status, test_item=report.test_item, created_at=report.created_at,
        created_by_name=report.created_by_name, updated_at=report.updated_at, solved_at=report.solved_at,
        solved_by_name=report.solved_by_name, message_count=int(messages or 0), last_author=last_author or "",
        last_from_kisa=bool(last_from_kisa), kisa_answered=bool(from_kisa),
    )


def _matching(actor: Actor, columns: Any, *, status: ProblemStatus | None, ordered_product_id: int | None,
              municipality_id: int | None, query: str) -> Any:
    """Return ``columns`` of the threads the actor may see that match the filters (no names joined unless searched)."""
    statement: Any = scope_to_tenant(sa_select(columns).select_from(ProblemReport), actor,
                                     col(ProblemReport.municipality_id))
    if status is not None:
        statement = statement.where(col(ProblemReport.status) == status)
    if ordered_product_id is not None:
        statement = statement.where(col(ProblemReport.ordered_product_id) == ordered_product_id)
    if municipality_id is not None:
        statement = statement.where(col(ProblemReport.municipality_id) == municipality_id)
    needle = search_text(query)
    if needle:  # % and _ are searched literally (autoescape)
        statement = (statement
                     .join(OrderedProduct, col(OrderedProduct.id) == ProblemReport.ordered_product_id)
                     .join(CatalogProduct, col(CatalogProduct.id) == OrderedProduct.product_id)
                     .where(col(ProblemReport.title).icontains(needle, autoescape=True)
                            | col(CatalogProduct.name).icontains(needle, autoescape=True)))
    return statement


NEWEST_FIRST = (col(ProblemReport.updated_at).desc(), col(ProblemReport.id).desc())


def _rows_of(session: Session, report_ids: list[int]) -> list[ProblemRow]:
    """Return the threads ``report_ids`` with names and message counts, newest activity first."""
    if not report_ids:
        return []
    return [_row(*r) for r in session.execute(_select(report_ids).order_by(*NEWEST_FIRST)).all()]


def list_problems(session: Session, *, actor: Actor, status: ProblemStatus | None = None,
                  ordered_product_id: int | None = None, municipality_id: int | None = None,
                  query: str = "") -> list[ProblemRow]:
    """Return the threads the actor may see (at most ``MAX_ROWS``), newest activity first; a municipality sees only
    its own.

    ``query`` searches the title and the product name (case-insensitive, literally).
    """
    require_role(actor, *ROLES)
    ids = _matching(actor, col(ProblemReport.id), status=status, ordered_product_id=ordered_product_id,
                    municipality_id=municipality_id, query=query).order_by(*NEWEST_FIRST).limit(MAX_ROWS)
    return _rows_of(session, list(session.execute(ids).scalars()))


def problems_page(session: Session, *, actor: Actor, number: int, size: int, status: ProblemStatus | None = None,
                  municipality_id: int | None = None, query: str = "") -> Page[ProblemRow]:
    """Return page ``number`` (clamped) of the threads :func:`list_problems` would list, counted and cut in the
    database: names and message counts are read for the page's threads only."""
    require_role(actor, *ROLES)
    filters: dict[str, Any] = {"status": status, "ordered_product_id": None, "municipality_id": municipality_id,
                               "query": query}
    total = int(session.execute(_matching(actor, func.count(), **filters)).scalar_one())
    number = clamp(number, total, size)
    ids = _matching(actor, col(ProblemReport.id), **filters).order_by(*NEWEST_FIRST)
    ids = ids.offset((number - 1) * size).limit(size)
    return Page(_rows_of(session, list(session.execute(ids).scalars())), total, number, size)


def read_problem(session: Session, *, actor: Actor, report_id: int) -> ProblemThread:
    """Return one thread with its messages in order; another municipality's thread is :class:`NotFound`."""
    require_role(actor, *ROLES)
    found = session.execute(scope_to_tenant(_select([report_id]), actor, col(ProblemReport.municipality_id))).first()
    if found is None:
        raise NotFound("Diese Meldung wurde nicht gefunden.")
    row = _row(*found)
    messages = session.exec(select(ProblemMessage).where(ProblemMessage.report_id == report_id)
                            .order_by(col(ProblemMessage.created_at), col(ProblemMessage.id))).all()
    ordered = session.get(OrderedProduct, row.ordered_product_id)
    assert ordered is not None  # the report's foreign key
    product_state = OrderedProductState(ordered.state)
    solved = not row.is_open
    return ProblemThread(
        row=row,
        messages=[MessageView(m.author_name, m.from_kisa, m.text, m.created_at) for m in messages],
        product_state=product_state,
        may_reopen=solved and product_state not in ENDED,
        reply_reopens=solved and not actor.is_staff and product_state not in ENDED,
        test_item_label=item_label(session, ordered, row.test_item),
    )


def checklist_item_label(session: Session, *, actor: Actor, ordered_product_id: int, key: str) -> str:
    """Return the label of a test checklist item of the municipality's ordered product (for the report form)."""
    require_role(actor, Role.KOMMUNE)
    ordered = session.get(OrderedProduct, ordered_product_id)
    if ordered is None or not may_see_tenant(actor, ordered.municipality_id):
        raise NotFound("Dieses bestellte Produkt wurde nicht gefunden.")
    return item_label(session, ordered, key)


def open_problem_count(session: Session, ordered_product_id: int) -> int:
    """Return how many problems of an ordered product are still open (e.g. for a hint before the acceptance)."""
    query = select(func.count()).select_from(ProblemReport).where(
        ProblemReport.ordered_product_id == ordered_product_id, ProblemReport.status == ProblemStatus.OPEN)
    return int(session.exec(query).one())


def open_count_for(session: Session, *, actor: Actor) -> int:
    """Return how many open problems the actor sees (own municipality, or all for KISA), for a badge; 0 for others."""
    if not actor.is_active:
        return 0
    query = scope_to_tenant(select(func.count()).select_from(ProblemReport).where(
        ProblemReport.status == ProblemStatus.OPEN), actor, col(ProblemReport.municipality_id))
    return int(session.exec(query).one())


def reportable_products(session: Session, *, actor: Actor) -> list[ProductChoice]:
    """Return the municipality's ordered products a problem may be reported for, by product name."""
    require_role(actor, Role.KOMMUNE)
    rows = session.execute(
        sa_select(col(OrderedProduct.id), col(CatalogProduct.name), col(OrderedProduct.state))
        .join(CatalogProduct, col(CatalogProduct.id) == OrderedProduct.product_id)
        .where(col(OrderedProduct.municipality_id) == actor.municipality_id,
               col(OrderedProduct.state).in_(list(REPORTABLE)))
        .order_by(col(CatalogProduct.name), col(OrderedProduct.id))
    ).all()
    return [ProductChoice(op_id, name, STATE_NAMES[OrderedProductState(state)]) for op_id, name, state in rows]


def reports_version(session: Session) -> tuple[int, str]:
    """Return what changes whenever a problem is reported (the newest report's id and time, read by the primary key):
    :func:`municipalities_with_problems` changes only then."""
    newest = session.execute(sa_select(col(ProblemReport.id), col(ProblemReport.created_at))
                             .order_by(col(ProblemReport.id).desc()).limit(1)).first()
    return (int(newest[0] or 0), newest[1].isoformat()) if newest is not None else (0, "")


def municipalities_with_problems(session: Session, *, actor: Actor) -> list[tuple[int, str]]:
    """Return (id, name) of every municipality that has reported a problem, by name (KISA's filter); staff only."""
    require_staff(actor)
    rows = session.execute(
        sa_select(col(Municipality.id), col(Municipality.name)).distinct()
        .join(ProblemReport, col(ProblemReport.municipality_id) == Municipality.id)
        .order_by(col(Municipality.name), col(Municipality.id))
    ).all()
    return [(int(m_id), name) for m_id, name in rows]
