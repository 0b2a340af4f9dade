"""The catalogue in the database: load, import (with dry run), edit and retire products (staff only)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, func, select

from accounts.access import require_current, require_staff
from accounts.actor import Actor
from audit.log import record
from catalog.loader import CatalogError, Problem, problems_of, validate_entries
from catalog.schema import Product, ProductStatus
from core.clock import utcnow
from core.errors import DomainError, NotFound
from models import CatalogProduct, OrderedProduct, Role

_PRODUCT_ID = re.compile(r"[a-z0-9-]{1,80}")  # catalog.schema.Slug, loosely


def to_row(product: Product, *, updated_by: str, version: int = 1) -> CatalogProduct:
    """Turn a validated product into its table row."""
    return CatalogProduct(
        id=product.id, name=product.name, group=product.group.value, manufacturer=product.manufacturer.value,
        status=product.status.value, data=product.model_dump_json(), version=version, updated_at=utcnow(),
        updated_by=updated_by,
    )


def from_row(row: CatalogProduct) -> Product:
    """Read the product stored in a row."""
    return Product.model_validate_json(row.data)


def load_products(session: Session) -> list[Product]:
    """Return every product in the catalogue (retired ones too), sorted by name."""
    return [from_row(r) for r in session.exec(select(CatalogProduct).order_by(col(CatalogProduct.name)))]


def catalog_version(session: Session) -> tuple[int, str]:
    """Return a fingerprint that changes whenever the catalogue changes (for caches)."""
    # Both answered from indexes: every change moves updated_at, every removal changes the count.
    count = session.exec(select(func.count()).select_from(CatalogProduct)).one()
    newest = session.exec(select(func.max(CatalogProduct.updated_at))).one()
    return int(count or 0), str(newest)


def get_product(session: Session, product_id: str) -> tuple[Product, int]:
    """Return a product and its version; raise :class:`NotFound` for an unknown id."""
    if not _PRODUCT_ID.fullmatch(product_id):  # e.g. from a link: NUL or any length would upset the database
        raise NotFound("Dieses Produkt gibt es im Katalog nicht.")
    row = session.get(CatalogProduct, product_id)
    if row is None:
        raise NotFound("Dieses Produkt gibt es im Katalog nicht.")
    return from_row(row), row.version


def is_empty(session: Session) -> bool:
    """Tell whether the catalogue holds no product yet."""
    return session.exec(select(CatalogProduct.id)).first() is None


def _orders_per_product(session: Session) -> dict[str, int]:
    """Count every order per product, cancelled and ended ones too: they keep referring to it."""
    rows = session.exec(
        select(OrderedProduct.product_id, func.count()).group_by(col(OrderedProduct.product_id))
    ).all()
    return {product_id: int(n) for product_id, n in rows}


@dataclass
class ImportReport:
    """What an import would do (dry run) or did."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    applied: bool = False

    def summary(self) -> str:
        """Return a German one-line summary."""
        verb = "übernommen" if self.applied else "würde übernommen"
        return (
            f"{len(self.added)} neu, {len(self.changed)} geändert, {len(self.removed)} entfernt, "
            f"{self.unchanged} unverändert – {verb}."
        )


def parse_entries(raw: Any, source: str) -> list[tuple[str, dict[str, Any]]]:
    """Accept a JSON array of products (as exported) and label each entry for error messages."""
    if not isinstance(raw, list):
        raise CatalogError([Problem(source, "", "muss eine JSON-Liste von Produkten sein")])
    entries, problems = [], []
    for position, item in enumerate(raw, start=1):
        label = f"{source}, Eintrag {position}" + (f" ({item.get('id')})" if isinstance(item, dict) and item.get("id") else "")
        if not isinstance(item, dict):
            problems.append(Problem(label, "", "muss ein Objekt mit den Produktfeldern sein"))
            continue
        entries.append((label, item))
    if problems:
        raise CatalogError(problems)
    return entries


def import_catalog(
    session: Session, *, products: list[Product] | None = None, entries: list[tuple[str, dict[str, Any]]] | None = None,
    actor: Actor | None = None, actor_label: str = "system", dry_run: bool = False,
) -> ImportReport:
    """Replace the catalogue with ``products`` (or raw ``entries``); nothing changes if any problem is found.

    Refused, with every problem named: invalid entries, duplicate ids, and removing a product that
    municipalities have ordered (it would orphan their orders; retire it instead).
    """
    if actor is not None:
        require_staff(actor)
        require_current(session, actor, Role.KISA, Role.ADMIN)
        actor_label = actor.email
    report = ImportReport()
    if products is None:
        try:
            products = validate_entries(entries or [])
        except CatalogError as exc:
            report.problems = exc.problems
            return report
    if not products:
        report.problems = [Problem("Import", "", "enthält kein Produkt – der Katalog bleibt, wie er ist")]
        return report
    ids = [p.id for p in products]
    if len(set(ids)) != len(ids):
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        report.problems = [Problem(f"Produkt {i}", "id", "kommt mehrfach vor") for i in duplicates]
        return report
    # Lock the rows: a clerk's concurrent edit either lands before the import reads or waits for it.
    existing = {r.id: r for r in session.exec(select(CatalogProduct).with_for_update())}
    ordered = _orders_per_product(session)
    incoming = {p.id: p for p in products}
    for product_id in sorted(set(existing) - set(incoming)):
        if product_id in ordered:
            report.problems.append(Problem(
                f"Produkt {product_id}", "",
                f"fehlt im Import, ist aber {ordered[product_id]}-mal bestellt (auch stornierte Bestellungen "
                "verweisen darauf) – bitte im Katalog lassen und ggf. auf „eingestellt“ setzen",
            ))
        else:
            report.removed.append(product_id)
    for product in products:
        row = existing.get(product.id)
        if row is None:
            report.added.append(product.id)
        elif from_row(row) != product:
            report.changed.append(product.id)
        else:
            report.unchanged += 1
    if report.problems or dry_run:
        return report
    for product_id in report.removed:
        session.delete(existing[product_id])
    for product in products:
        row = existing.get(product.id)
        if row is None:
            session.add(to_row(product, updated_by=actor_label))
        elif product.id in report.changed:
            fresh = to_row(product, updated_by=actor_label, version=row.version + 1)
            for attr in ("name", "group", "manufacturer", "status", "data", "version", "updated_at", "updated_by"):
                setattr(row, attr, getattr(fresh, attr))
            session.add(row)
    session.flush()
    record(session, actor=actor, actor_label=actor_label, action="catalog.imported", entity_type="catalog",
           details=report.summary().replace("würde übernommen", "übernommen"))
    report.applied = True
    return report


class StaleEdit(DomainError):
    """Someone else saved the product since it was opened."""


def save_product(session: Session, *, actor: Actor, data: dict[str, Any], expected_version: int | None) -> Product:
    """Create (``expected_version`` None) or update a product; validates and audit-logs.

    Raises :class:`CatalogError` for invalid data and :class:`StaleEdit` when another person saved
    the product meanwhile (optimistic locking).
    """
    require_staff(actor)
    require_current(session, actor, Role.KISA, Role.ADMIN)
    try:
        product = Product.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(problems_of(exc, "Formular")) from exc
    # populate_existing: a row this session read before the lock must show the version stored now.
    row = session.get(CatalogProduct, product.id, with_for_update=True, populate_existing=True)
    if expected_version is None:
        if row is not None:
            raise CatalogError([Problem("Formular", "id", f"„{product.id}“ ist schon vergeben")])
        session.add(to_row(product, updated_by=actor.email))
        action, text = "catalog.product_created", f"Produkt angelegt: {product.name}"
    else:
        if row is None:
            raise NotFound("Dieses Produkt gibt es im Katalog nicht.")
        if row.version != expected_version:
            raise StaleEdit(
                f"{row.updated_by} hat dieses Produkt inzwischen geändert (Stand {row.version}). "
                "Bitte laden Sie es neu und übernehmen Sie Ihre Änderungen erneut."
            )
        before = from_row(row)
        fresh = to_row(product, updated_by=actor.email, version=row.version + 1)
        for attr in ("name", "group", "manufacturer", "status", "data", "version", "updated_at", "updated_by"):
            setattr(row, attr, getattr(fresh, attr))
        session.add(row)
        changed = sorted(k for k in Product.model_fields if getattr(before, k) != getattr(product, k))
        action, text = "catalog.product_changed", f"Produkt geändert: {product.name} ({', '.join(changed) or 'nichts'})"
    session.flush()
    record(session, actor=actor, action=action, entity_type="product", entity_id=product.id, details=text)
    return product


def retire_product(session: Session, *, actor: Actor, product_id: str, expected_version: int) -> Product:
    """Set a product to „eingestellt“: hidden from new orders, kept for municipalities that have it."""
    product, _ = get_product(session, product_id)
    data = json.loads(product.model_dump_json())
    data["status"] = ProductStatus.EINGESTELLT.value
    return save_product(session, actor=actor, data=data, expected_version=expected_version)


def export_products(session: Session) -> list[dict[str, Any]]:
    """Return the whole catalogue as JSON-ready dicts (the format `oaa catalog import` reads)."""
    return [json.loads(p.model_dump_json()) for p in load_products(session)]
