"""Builders for order tests: a catalogue, the model contract and a municipal user ready to order."""

from __future__ import annotations

from sqlmodel import Session

from catalog.store import import_catalog
from models import ModelContract
from orders.defaults import ensure_defaults
from tests.catalog_builders import make_product


def ready_to_order(session: Session) -> ModelContract:
    """Load three products and the defaults; return the current contract."""
    import_catalog(session, products=[
        make_product("Meldebescheinigung", prices={"setup_cents": 120000, "yearly_licence_cents": 48000}),
        make_product("Wahlschein", prices={"setup_cents": 80050, "yearly_licence_cents": 12000}),
        make_product("Anmeldung Eheschließung", status="geplant"),
    ])
    ensure_defaults(session)
    session.commit()
    from sqlmodel import select

    return session.exec(select(ModelContract)).one()
