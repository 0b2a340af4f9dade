"""Flagged configurations after a release: the municipality confirms its check (or files a change); the reads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from accounts.access import may_see_tenant, require_current, require_role, require_staff
from accounts.actor import Actor
from audit.log import record
from catalog.schema import Product, Release
from catalog.store import from_row
from core.clock import utcnow
from core.errors import DomainError, FieldErrors, NotFound
from core.paging import Page, clamp
from models import (
    STATE_NAMES,
    CatalogProduct,
    Municipality,
    OrderedProduct,
    OrderedProductState,
    Questionnaire,
    ReleaseNotice,
    Role,
    StateChange,
)
from questionnaire.checks import clean_free_text
from releases.publish import ENDED, change_hint, version_key, what_to_do

CHECKED = "Konfiguration geprüft, keine Änderung nötig"
MAX_NOTE = 1000  # the stored note adds CHECKED in front; the column holds 2000


def _open_condition() -> Any:
    """SQL: a flagged notice nobody settled yet, of a product still in use."""
    return (col(ReleaseNotice.review_required).is_(True) & col(ReleaseNotice.reviewed_at).is_(None)
            & col(OrderedProduct.state).not_in(list(ENDED)))


def _release(product: Product | None, version: str) -> Release | None:
    if product is None:
        return None
    wanted = version_key(version)
    return next((r for r in product.releases if version_key(r.version) == wanted), None)


class _Products:
    """Catalogue products read once per call (a notice names its release; notes and date live in the catalogue)."""

    def __init__(self, session: Session, known: Iterable[Product] | Mapping[str, Product] = ()) -> None:
        self._session = session
        # e.g. the cached catalogue of the page; a mapping is used as it is (no copy of 10,000 entries per call)
        self._known: Mapping[str, Product] = known if isinstance(known, Mapping) else {p.id: p for p in known}
        self._read: dict[str, Product | None] = {}

    def get(self, product_id: str) -> Product | None:
        if product_id in self._known:
            return self._known[product_id]
        if product_id not in self._read:
            row = self._session.get(CatalogProduct, product_id)
            self._read[product_id] = from_row(row) if row is not None else None
        return self._read[product_id]


# ---- the municipality's side ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeView:
    """A release as it reached one of the municipality's products."""

    notice_id: int
    ordered_product_id: int
    questionnaire_id: int | None  # None: set up before the shop had the questionnaire
    product_id: str
    product_name: str
    version: str
    notes: str
    release_date: date | None  # None if the release was removed from the catalogue meanwhile
    notified_at: datetime
    review_required: bool
    reviewed_at: datetime | None
    reviewed_by: str
    review_note: str
    state: OrderedProductState
    todo: str  # what the municipality should do, in German

    @property
    def state_name(self) -> str:
        """Return the German name of the product's state."""
        return STATE_NAMES[self.state]

    @property
    def ended(self) -> bool:
        """Tell whether the product is no longer in use (cancelled, contract ended)."""
        return self.state in ENDED

    @property
    def open(self) -> bool:
        """Tell whether the configuration still waits for the municipality's check."""
        return self.review_required and self.reviewed_at is None and not self.ended

    @property
    def change_hint(self) -> str:
        """Return, in German, how a change of the configuration is made in the product's state."""
        return change_hint(self.state)

    @property
    def can_request_change(self) -> bool:
        """Tell whether a change of the configuration can be requested now (only for live products)."""
        return self.state == OrderedProductState.LIVE


def releases_for_municipality(session: Session, *, actor: Actor,
                              catalogue: Iterable[Product] | Mapping[str, Product] = ()) -> list[NoticeView]:
    """Return the releases of the municipality's products: open reviews first, then newest first.

    ``catalogue``: products already read (e.g. the page's cached catalogue), so they are not read again one by one."""
    require_role(actor, Role.KOMMUNE)
    if actor.municipality_id is None:
        return []
    rows = session.execute(
        sa_select(ReleaseNotice, col(OrderedProduct.state), col(CatalogProduct.name), col(Questionnaire.id))
        .join(OrderedProduct, col(OrderedProduct.id) == ReleaseNotice.ordered_product_id)
        .join(CatalogProduct, col(CatalogProduct.id) == ReleaseNotice.product_id)
        .outerjoin(Questionnaire, col(Questionnaire.ordered_product_id) == ReleaseNotice.ordered_product_id)
        .where(col(ReleaseNotice.municipality_id) == actor.municipality_id)
    ).all()
    products = _Products(session, catalogue)
    views = []
    for notice, state, name, questionnaire_id in rows:
        release = _release(products.get(notice.product_id), notice.version)
        requires = release.requires_config_review if release else notice.review_required
        views.append(NoticeView(
            notice_id=notice.id or 0, ordered_product_id=notice.ordered_product_id, questionnaire_id=questionnaire_id,
            product_id=notice.product_id, product_name=name, version=notice.version,
            notes=release.notes if release else "", release_date=release.date if release else None,
            notified_at=notice.notified_at, review_required=notice.review_required, reviewed_at=notice.reviewed_at,
            reviewed_by=notice.reviewed_by_name, review_note=notice.review_note, state=state,
            todo=what_to_do(state, review_required=notice.review_required and notice.reviewed_at is None,
                            requires_config_review=requires),
        ))
    views.sort(key=lambda v: (v.product_name.lower(), version_key(v.version)))
    views.sort(key=lambda v: v.notified_at, reverse=True)
    views.sort(key=lambda v: not v.open)  # stable: open reviews first, each part newest first
    return views


def confirm_reviewed(session: Session, *, actor: Actor, notice_id: int, note: str = "") -> bool:
    """Mark a flagged release as checked by the municipality ("keine Änderung nötig"); who and when are kept.

    Returns False if it was settled already (a second click changes nothing).
    """
    require_role(actor, Role.KOMMUNE)
    require_current(session, actor, Role.KOMMUNE)
    text = clean_free_text(note or "", multiline=True)
    if len(text) > MAX_NOTE:
        raise FieldErrors({"note": f"Bitte kürzen Sie die Notiz auf höchstens {MAX_NOTE} Zeichen (jetzt {len(text)})."})
    notice = session.get(ReleaseNotice, notice_id, with_for_update=True, populate_existing=True)
    if notice is None or notice.municipality_id != actor.municipality_id:
        raise NotFound("Dieser Versionshinweis wurde nicht gefunden.")
    if notice.reviewed_at is not None:
        return False
    if not notice.review_required:
        raise DomainError("Für diese Version ist keine Prüfung der Konfiguration nötig.")
    ordered = session.get(OrderedProduct, notice.ordered_product_id)
    if ordered is not None and ordered.state in ENDED:
        raise DomainError("Dieses Produkt ist nicht mehr in Nutzung; eine Prüfung ist nicht mehr nötig.")
    notice.reviewed_at = utcnow()
    notice.reviewed_by_id = actor.user_id
    notice.reviewed_by_name = actor.full_name[:200]
    notice.review_note = f"{CHECKED}: {text}" if text else CHECKED
    session.add(notice)
    product = session.get(CatalogProduct, notice.product_id)
    record(session, actor=actor, action="release.reviewed", entity_type="ordered_product",
           entity_id=notice.ordered_product_id, municipality_id=notice.municipality_id,
           details=f"{product.name if product else notice.product_id}, Version {notice.version}: {notice.review_note}")
    session.flush()
    return True


def settle_by_change(session: Session, *, actor: Actor, ordered_product_id: int, reason: str) -> int:
    """Mark the open review flags of an ordered product as settled by a change request; return how many.

    Only the municipality's own users (as :func:`lifecycle.changes.request_change` does it); another municipality's
    product does not exist for them.
    """
    require_role(actor, Role.KOMMUNE)
    require_current(session, actor, Role.KOMMUNE)
    ordered = session.get(OrderedProduct, ordered_product_id)
    if ordered is None or not may_see_tenant(actor, ordered.municipality_id):
        raise NotFound("Dieses bestellte Produkt wurde nicht gefunden.")
    notices = session.exec(
        select(ReleaseNotice).where(ReleaseNotice.ordered_product_id == ordered_product_id,
                                    col(ReleaseNotice.review_required).is_(True),
                                    col(ReleaseNotice.reviewed_at).is_(None))
        .order_by(col(ReleaseNotice.id)).with_for_update()
    ).all()
    now = utcnow()
    for notice in notices:
        notice.reviewed_at = now
        notice.reviewed_by_id = actor.user_id
        notice.reviewed_by_name = actor.full_name[:200]
        notice.review_note = f"Änderung beantragt: {reason}"[:2000]
        session.add(notice)
    if notices:
        versions = ", ".join(n.version for n in notices)
        record(session, actor=actor, action="release.review_settled", entity_type="ordered_product",
               entity_id=ordered_product_id, municipality_id=notices[0].municipality_id,
               details=f"Prüfung für Version {versions} durch den Änderungsantrag erledigt.")
    return len(notices)


# ---- KISA's side --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseStats:
    """One release of a product and how far the municipalities are with it."""

    product_id: str
    product_name: str
    version: str
    release_date: date | None
    notes: str
    requires_config_review: bool
    notified: int  # ordered products told
    reviews_required: int
    reviews_done: int  # checked or settled by a change request
    reviews_open: int
    reviews_dropped: int  # flagged, never checked, product no longer in use

    @property
    def label(self) -> str:
        """Return e.g. ``Meldebescheinigung 1.3``."""
        return f"{self.product_name} {self.version}"


@dataclass(frozen=True)
class OpenReview:
    """A flagged configuration the municipality has not checked yet."""

    notice_id: int
    ordered_product_id: int
    municipality_name: str
    ags: str
    product_name: str
    version: str
    notified_at: datetime
    state: OrderedProductState

    @property
    def state_name(self) -> str:
        """Return the German name of the product's state."""
        return STATE_NAMES[self.state]


@dataclass(frozen=True)
class ReleaseOverview:
    """Releases with their counts, and the reviews still open (by municipality): a page of each."""

    releases_page: Page[ReleaseStats]
    open_page: Page[OpenReview]

    @property
    def releases(self) -> list[ReleaseStats]:
        """Return the releases of the page asked for."""
        return self.releases_page.items

    @property
    def open_reviews(self) -> list[OpenReview]:
        """Return the open reviews of the page asked for."""
        return self.open_page.items


def _flag(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def release_overview(session: Session, *, actor: Actor, product_id: str | None = None,
                     catalogue: Iterable[Product] | Mapping[str, Product] = (), number: int = 1,
                     size: int | None = None, open_number: int = 1, open_size: int | None = None) -> ReleaseOverview:
    """Return the releases published through the shop (with ``product_id``: every release of that product); staff only.

    Newest first, each with how many ordered products were told and how their reviews stand. ``catalogue``: products
    already read (a page's cached catalogue, or id → product), so they are not read again one by one. Without a
    product, the releases come as page ``number`` of ``size`` (newest notice first, cut in the database); the open
    reviews as page ``open_number`` of ``open_size``. Without a size, a list is whole.
    """
    require_staff(actor)
    required = col(ReleaseNotice.review_required).is_(True)
    counts = (
        sa_select(col(ReleaseNotice.product_id), col(ReleaseNotice.version), func.count(),
                  _flag(required), _flag(col(ReleaseNotice.reviewed_at).is_not(None)), _flag(_open_condition()))
        .join(OrderedProduct, col(OrderedProduct.id) == ReleaseNotice.ordered_product_id)
        .group_by(ReleaseNotice.product_id, ReleaseNotice.version)
    )
    paged = product_id is None and size is not None
    if product_id is not None:
        counts = counts.where(col(ReleaseNotice.product_id) == product_id)
    total = 0
    if paged:
        assert size is not None
        # newest first; the number of all releases comes with each row (one pass over the notices, not two)
        counts = counts.add_columns(func.count().over()).order_by(
            func.max(ReleaseNotice.notified_at).desc(), col(ReleaseNotice.product_id), col(ReleaseNotice.version))
        rows = session.execute(counts.offset((number - 1) * size).limit(size)).all()
        if not rows and number > 1:  # past the end (fewer releases than before): the last page
            total = int(session.execute(sa_select(func.count()).select_from(counts.subquery())).scalar_one())
            number = clamp(number, total, size)
            rows = session.execute(counts.offset((number - 1) * size).limit(size)).all()
        total = int(rows[0][-1]) if rows else 0
        by_release = {(p, v): (int(n), int(r), int(d), int(o)) for p, v, n, r, d, o, _all in rows}
    else:
        by_release = {(p, v): (int(n), int(r), int(d), int(o)) for p, v, n, r, d, o in session.execute(counts).all()}

    products = _Products(session, catalogue)
    keys = set(by_release) if not paged else list(by_release)  # a page keeps the database's order
    if product_id is not None:
        product = products.get(product_id)
        if product is None:
            raise NotFound("Dieses Produkt gibt es im Katalog nicht.")
        known = {version_key(v) for p, v in keys}
        keys = set(keys) | {(product_id, r.version) for r in product.releases if version_key(r.version) not in known}
    stats = []
    for pid, version in keys:
        product = products.get(pid)
        release = _release(product, version)
        notified, required_n, done, still_open = by_release.get((pid, version), (0, 0, 0, 0))
        stats.append(ReleaseStats(
            product_id=pid, product_name=product.name if product else pid, version=version,
            release_date=release.date if release else None, notes=release.notes if release else "",
            requires_config_review=release.requires_config_review if release else required_n > 0,
            notified=notified, reviews_required=required_n, reviews_done=done, reviews_open=still_open,
            reviews_dropped=required_n - done - still_open,
        ))
    if not paged:
        stats.sort(key=lambda s: (s.product_name.lower(), version_key(s.version)), reverse=True)
        stats.sort(key=lambda s: s.release_date or date.min, reverse=True)
    releases_page = Page(stats, total, number, size) if paged and size else Page(stats, len(stats), 1, max(len(stats), 1))

    query = (
        sa_select(ReleaseNotice, col(OrderedProduct.state), col(Municipality.name), col(Municipality.ags),
                  col(CatalogProduct.name))
        .join(OrderedProduct, col(OrderedProduct.id) == ReleaseNotice.ordered_product_id)
        .join(Municipality, col(Municipality.id) == ReleaseNotice.municipality_id)
        .join(CatalogProduct, col(CatalogProduct.id) == ReleaseNotice.product_id)
        .where(_open_condition())
        .order_by(col(Municipality.name), col(CatalogProduct.name), col(ReleaseNotice.id))
    )
    counting = (sa_select(func.count()).select_from(ReleaseNotice)
                .join(OrderedProduct, col(OrderedProduct.id) == ReleaseNotice.ordered_product_id)
                .where(_open_condition()))
    if product_id is not None:
        query = query.where(col(ReleaseNotice.product_id) == product_id)
        counting = counting.where(col(ReleaseNotice.product_id) == product_id)
    open_total = int(session.execute(counting).scalar_one())
    open_size_ = open_size or max(open_total, 1)
    open_at = clamp(open_number, open_total, open_size_)
    open_reviews = [
        OpenReview(notice_id=n.id or 0, ordered_product_id=n.ordered_product_id, municipality_name=town, ags=ags,
                   product_name=name, version=n.version, notified_at=n.notified_at, state=state)
        for n, state, town, ags, name in session.execute(query.offset((open_at - 1) * open_size_).limit(open_size_)).all()
    ]
    return ReleaseOverview(releases_page=releases_page, open_page=Page(open_reviews, open_total, open_at, open_size_))


def overview_version(session: Session) -> tuple[int, str, int]:
    """Return what changes whenever ``release_overview`` could: a new notice, a check, a product's state."""
    newest, checked = session.execute(sa_select(func.max(col(ReleaseNotice.id)),
                                                func.max(col(ReleaseNotice.reviewed_at)))).one()
    changed = session.execute(sa_select(func.max(col(StateChange.id)))).scalar_one()
    return int(newest or 0), checked.isoformat() if checked else "", int(changed or 0)


def open_review_count(session: Session, *, actor: Actor) -> int:
    """Return how many flagged configurations wait for a check: the municipality's own, or all for staff."""
    require_role(actor, Role.KOMMUNE, Role.KISA, Role.ADMIN)
    query = (
        sa_select(func.count()).select_from(ReleaseNotice)
        .join(OrderedProduct, col(OrderedProduct.id) == ReleaseNotice.ordered_product_id)
        .where(_open_condition())
    )
    if actor.role == Role.KOMMUNE:
        if actor.municipality_id is None:
            return 0
        query = query.where(col(ReleaseNotice.municipality_id) == actor.municipality_id)
    return int(session.execute(query).scalar_one())
