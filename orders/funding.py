"""Funding programmes are data with validity periods; this module finds and applies the right one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from models import FundingProgramme


@dataclass(frozen=True)
class Funded:
    """A price with the funding that applies on a date."""

    setup_cents: int
    yearly_cents: int
    programme: str  # empty when no programme applies
    setup_percent: int
    licence_percent: int
    due_setup_cents: int
    due_yearly_cents: int


def programme_on(session: Session, day: date) -> FundingProgramme | None:
    """Return the programme valid on ``day`` (the most recently started one if several overlap)."""
    return session.exec(
        select(FundingProgramme)
        .where(col(FundingProgramme.valid_from) <= day)
        .where(col(FundingProgramme.valid_to).is_(None) | (col(FundingProgramme.valid_to) >= day))
        .order_by(col(FundingProgramme.valid_from).desc(), col(FundingProgramme.id).desc())
    ).first()


def apply(setup_cents: int, yearly_cents: int, programme: FundingProgramme | None) -> Funded:
    """Apply a programme's shares to a price (rounded to whole cents in the municipality's favour)."""
    if programme is None:
        return Funded(setup_cents, yearly_cents, "", 0, 0, setup_cents, yearly_cents)
    due_setup = setup_cents - (setup_cents * programme.setup_percent + 50) // 100
    due_yearly = yearly_cents - (yearly_cents * programme.licence_percent + 50) // 100
    return Funded(setup_cents, yearly_cents, programme.name, programme.setup_percent, programme.licence_percent,
                  max(due_setup, 0), max(due_yearly, 0))
