"""The model contract (Mustervertrag): versions KISA publishes; the one valid today is what users sign."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from accounts.access import require_current, require_staff
from accounts.actor import Actor
from audit.log import record
from core.errors import FieldErrors
from models import ModelContract, Role


def current_contract(session: Session, day: date) -> ModelContract | None:
    """Return the newest contract version valid on ``day``."""
    return session.exec(
        select(ModelContract)
        .where(col(ModelContract.valid_from) <= day)
        .order_by(col(ModelContract.valid_from).desc(), col(ModelContract.id).desc())
    ).first()


def publish_contract(session: Session, *, actor: Actor, version: str, title: str, body: str, valid_from: date) -> ModelContract:
    """Publish a new version; published versions are never edited (orders refer to them)."""
    require_staff(actor)
    require_current(session, actor, Role.KISA, Role.ADMIN)
    errors = {}
    if not version.strip():
        errors["version"] = "Bitte geben Sie eine Versionsbezeichnung an, z. B. 2026-1."
    elif session.exec(select(ModelContract.id).where(ModelContract.version == version.strip())).first():
        errors["version"] = "Diese Version gibt es schon. Veröffentlichte Fassungen bleiben unverändert."
    if len(title.strip()) < 5:
        errors["title"] = "Bitte geben Sie einen Titel an."
    if len(body.strip()) < 50:
        errors["body"] = "Der Vertragstext ist zu kurz."
    if errors:
        raise FieldErrors(errors)
    contract = ModelContract(version=version.strip(), title=title.strip(), body=body.strip(), valid_from=valid_from,
                             published_by=actor.email)
    session.add(contract)
    session.flush()
    record(session, actor=actor, action="contract.published", entity_type="contract", entity_id=contract.id,
           details=f"Mustervertrag {contract.version} veröffentlicht, gültig ab {valid_from:%d.%m.%Y}.")
    return contract


def list_contracts(session: Session) -> list[ModelContract]:
    """Return every published version, newest first."""
    newest_first = (col(ModelContract.valid_from).desc(), col(ModelContract.id).desc())
    return list(session.exec(select(ModelContract).order_by(*newest_first)).all())
