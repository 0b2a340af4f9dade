"""KISA publishes a new release of a product; every municipality using it is told, configurations may be flagged."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from accounts.access import require_current, require_staff
from accounts.actor import Actor
from audit.log import record
from catalog.schema import Release
from catalog.store import StaleEdit, from_row, get_product, save_product
from core.clock import today_local
from core.errors import FieldErrors, NotFound
from lifecycle.machine import EDITABLE
from lifecycle.notify import case_facts, tell_municipality
from models import CatalogProduct, OrderedProduct, OrderedProductState, ReleaseNotice, Role
from notifications.outbox import app_link
from questionnaire.checks import clean_free_text

S = OrderedProductState
MAX_NOTES = 4000
MAX_VERSION = 20  # ReleaseNotice.version
VERSION_PATTERN = re.compile(r"^\d+\.\d+(\.\d+)?$")  # as catalog.schema.Release
# Products that are no longer in use hear nothing about new releases.
ENDED = frozenset({S.CANCELLED, S.TERMINATED})
# Before the first submission there is no configuration to check: the municipality fills it in with the release.
NOT_SUBMITTED = frozenset({S.ORDERED, S.QUESTIONNAIRE})


def version_key(version: str) -> tuple[int, int, int]:
    """Return a version as numbers for comparing (1.10 after 1.9; 1.3 and 1.3.0 are the same)."""
    major, minor, patch = ([int(p) for p in version.split(".")] + [0, 0, 0])[:3]
    return major, minor, patch


def latest_release(releases: list[Release]) -> Release | None:
    """Return the highest release by version number (the catalogue list need not be sorted)."""
    return max(releases, key=lambda r: version_key(r.version), default=None)


def review_needed(state: OrderedProductState, requires_config_review: bool) -> bool:
    """Tell whether a release flags the configuration of a product in ``state`` for review."""
    return requires_config_review and state not in NOT_SUBMITTED and state not in ENDED


def change_hint(state: OrderedProductState) -> str:
    """Return, in German, how the municipality changes its configuration of a product in ``state``."""
    if state == S.LIVE:
        return "Ist eine Änderung nötig, beantragen Sie sie auf der Seite „Test und Abnahme“ („Änderung beantragen“)."
    if state in EDITABLE:
        return "Ist eine Änderung nötig, passen Sie den Fragebogen an, bevor Sie ihn wieder einreichen."
    return "Ist eine Änderung nötig, schreiben Sie KISA bitte unter „Meldungen an KISA“."


def what_to_do(state: OrderedProductState, *, review_required: bool, requires_config_review: bool) -> str:
    """Return, in German, what the municipality should do about a release of its product in ``state``."""
    if review_required:
        return ("Bitte prüfen Sie, ob Ihre Konfiguration zu dieser Version passt. Ist keine Änderung nötig, "
                "bestätigen Sie das im OAA-Shop unter „Versionen“ mit „Geprüft, keine Änderung nötig“. "
                f"{change_hint(state)}")
    if requires_config_review and state in NOT_SUBMITTED:
        return ("Ihr Fragebogen ist noch nicht eingereicht. Bitte berücksichtigen Sie die Änderungen dieser Version "
                "beim Ausfüllen.")
    return "Für Sie ist nichts weiter zu tun."


@dataclass(frozen=True)
class Audience:
    """Who a release of a product would reach now (for the confirmation before publishing)."""

    product_id: str
    product_name: str
    latest: Release | None  # the current release, None if the product has none yet
    catalog_version: int  # the catalogue row's edit counter, for expected_version
    ordered_products: int  # products in use that get a notice
    municipalities: int
    reviewable: int  # notices that a release requiring review would flag


@dataclass(frozen=True)
class PublishSummary:
    """What publishing a release did."""

    product_id: str
    product_name: str
    version: str
    notices: int
    municipalities: list[str]  # names, sorted
    reviews_required: int
    mails: int


def _in_use(session: Session, product_id: str) -> list[OrderedProduct]:
    """Return the ordered products of ``product_id`` that are still in use, in order of their number."""
    return list(session.exec(
        select(OrderedProduct).where(OrderedProduct.product_id == product_id,
                                     col(OrderedProduct.state).not_in(list(ENDED)))
        .order_by(col(OrderedProduct.id))
    ).all())


def audience(session: Session, *, actor: Actor, product_id: str) -> Audience:
    """Return how many municipalities a new release of ``product_id`` would reach; staff only."""
    require_staff(actor)
    product, catalog_version = get_product(session, product_id)
    users = _in_use(session, product_id)
    return Audience(
        product_id=product.id, product_name=product.name, latest=latest_release(product.releases),
        catalog_version=catalog_version, ordered_products=len(users),
        municipalities=len({o.municipality_id for o in users}),
        reviewable=sum(1 for o in users if review_needed(o.state, True)),
    )


def _checked_version(raw: str) -> str:
    version = clean_free_text(raw or "", multiline=False).removeprefix("Version ").strip()
    if not version:
        raise FieldErrors({"version": "Bitte geben Sie die Versionsnummer an, z. B. 1.3 oder 1.3.2."})
    if len(version) > MAX_VERSION or not VERSION_PATTERN.match(version):
        raise FieldErrors({"version": "Bitte geben Sie die Version als Zahlen mit Punkten an, z. B. 1.3 oder 1.3.2."})
    return version


def _checked_notes(raw: str) -> str:
    notes = clean_free_text(raw or "", multiline=True)
    if not notes:
        raise FieldErrors({"notes": "Bitte beschreiben Sie, was sich mit dieser Version ändert."})
    if len(notes) > MAX_NOTES:
        raise FieldErrors({"notes": f"Bitte kürzen Sie auf höchstens {MAX_NOTES} Zeichen (jetzt {len(notes)})."})
    return notes


def publish_release(
    session: Session, *, actor: Actor, product_id: str, version: str, notes: str, requires_config_review: bool,
    expected_version: int,
) -> PublishSummary:
    """Add a release to the product and tell every municipality using it, in the caller's transaction.

    ``expected_version`` is the catalogue entry's edit counter the person saw; a colleague's edit meanwhile
    (e.g. the same release published already) refuses with :class:`StaleEdit`.
    """
    require_staff(actor)
    require_current(session, actor, Role.KISA, Role.ADMIN)
    problems: dict[str, str] = {}
    try:
        version = _checked_version(version)
    except FieldErrors as exc:
        problems.update(exc.errors)
    try:
        notes = _checked_notes(notes)
    except FieldErrors as exc:
        problems.update(exc.errors)
    if problems:
        raise FieldErrors(problems)

    # Lock the catalogue entry: two clerks publishing at once are served one after the other.
    row = session.get(CatalogProduct, product_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound("Dieses Produkt gibt es im Katalog nicht.")
    if row.version != expected_version:
        raise StaleEdit(
            f"{row.updated_by} hat den Katalogeintrag „{row.name}“ inzwischen geändert (vielleicht wurde schon eine "
            "Version veröffentlicht). Bitte prüfen Sie die angezeigte aktuelle Version und veröffentlichen Sie dann "
            "erneut."
        )
    product = from_row(row)
    latest = latest_release(product.releases)
    if any(version_key(r.version) == version_key(version) for r in product.releases) or session.exec(
        select(ReleaseNotice.id).where(ReleaseNotice.product_id == product.id, ReleaseNotice.version == version)
    ).first() is not None:
        raise FieldErrors({"version": f"Version {version} ist für dieses Produkt bereits veröffentlicht."})
    if latest is not None and version_key(version) <= version_key(latest.version):
        raise FieldErrors({"version": f"Die neue Version muss höher sein als die aktuelle Version {latest.version}."})

    release = Release(version=version, date=today_local(), notes=notes, requires_config_review=requires_config_review)
    data = json.loads(product.model_dump_json())
    data["releases"].append(json.loads(release.model_dump_json()))
    save_product(session, actor=actor, data=data, expected_version=row.version)

    notices, mails, reviews = 0, 0, 0
    towns: dict[int, str] = {}
    for ordered in _in_use(session, product.id):
        flagged = review_needed(ordered.state, requires_config_review)
        session.add(ReleaseNotice(ordered_product_id=ordered.id or 0, municipality_id=ordered.municipality_id,
                                  product_id=product.id, version=version, review_required=flagged))
        facts = case_facts(session, ordered)
        context = {
            **facts, "version": version, "notes": notes, "release_date": release.date.strftime("%d.%m.%Y"),
            "review_required": flagged,
            "todo": what_to_do(ordered.state, review_required=flagged, requires_config_review=requires_config_review),
            "releases_url": app_link("versionen"),
        }
        mails += len(tell_municipality(session, ordered, "release.published", context))
        notices += 1
        reviews += flagged
        towns[ordered.municipality_id] = facts["municipality"]
    session.flush()
    record(session, actor=actor, action="release.published", entity_type="product", entity_id=product.id,
           details=(f"Version {version} von „{product.name}“ veröffentlicht"
                    f"{' (Konfigurationen prüfen)' if requires_config_review else ''}: {notices} bestellte Produkte in "
                    f"{len(towns)} Kommunen benachrichtigt, {reviews} zur Prüfung markiert, {mails} E-Mails."))
    session.flush()
    return PublishSummary(product_id=product.id, product_name=product.name, version=version, notices=notices,
                          municipalities=sorted(towns.values()), reviews_required=reviews, mails=mails)
