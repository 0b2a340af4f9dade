"""Funding programmes are data with validity periods; this module finds and applies the right one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from accounts.access import require_current, require_staff
from accounts.actor import Actor
from audit.log import record
from core.errors import FieldErrors
from core.text import clean_free_text
from models import FundingProgramme, Role

MAX_NAME, MAX_DESCRIPTION = 200, 2000  # the columns of FundingProgramme


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


def list_programmes(session: Session) -> list[FundingProgramme]:
    """Return all funding programmes, newest start first."""
    return list(session.exec(select(FundingProgramme).order_by(col(FundingProgramme.valid_from).desc())).all())


def add_programme(
    session: Session, *, actor: Actor, name: str, setup_percent: int, licence_percent: int,
    valid_from: date, valid_to: date | None, description: str = "",
) -> FundingProgramme:
    """Record a funding programme (KISA); refused with German messages at the fields when invalid."""
    require_staff(actor)
    require_current(session, actor, Role.KISA, Role.ADMIN)
    name = clean_free_text(name, multiline=False)
    description = clean_free_text(description, multiline=True)
    errors: dict[str, str] = {}
    if len(name) < 5:
        errors["name"] = "Bitte geben Sie den Namen des Förderprogramms an."
    elif len(name) > MAX_NAME:
        errors["name"] = f"Bitte kürzen Sie den Namen auf höchstens {MAX_NAME} Zeichen (jetzt {len(name)})."
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = (f"Bitte kürzen Sie die Beschreibung auf höchstens {MAX_DESCRIPTION} Zeichen "
                                 f"(jetzt {len(description)}).")
    for field, value in (("setup_percent", setup_percent), ("licence_percent", licence_percent)):
        if not 0 <= value <= 100:
            errors[field] = "Der Anteil liegt zwischen 0 und 100 Prozent."
    if valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = "Das Ende darf nicht vor dem Beginn liegen."
    if errors:
        raise FieldErrors(errors)
    programme = FundingProgramme(name=name, description=description, setup_percent=setup_percent,
                                 licence_percent=licence_percent, valid_from=valid_from, valid_to=valid_to,
                                 created_by=actor.email)
    session.add(programme)
    session.flush()
    until = f"{valid_to:%d.%m.%Y}" if valid_to else "offen"
    record(session, actor=actor, action="funding.added", entity_type="funding", entity_id=programme.id,
           details=f"Förderprogramm „{programme.name}“: Einrichtung {setup_percent} %, Lizenz {licence_percent} %, "
                   f"{valid_from:%d.%m.%Y}–{until}.")
    return programme
