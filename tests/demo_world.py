"""The whole demo story on an empty database, as `make run` seeds it (for the tests of the demo data)."""

from __future__ import annotations

from sqlmodel import Session

from catalog.loader import read_directory
from catalog.store import import_catalog
from demo.seed import seed_demo
from orders.defaults import ensure_defaults


def seed_whole_story(session: Session) -> None:
    """Load the shipped catalogue and the model contract (the demo orders go through the checkout), then the story."""
    import_catalog(session, products=read_directory())
    ensure_defaults(session)
    session.commit()
    seed_demo(session)
    session.commit()
