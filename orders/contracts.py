"""The model contract (Mustervertrag): versions KISA publishes; the one valid today is what users sign."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from accounts.access import require_current, require_staff
from accounts.actor import Actor
from audit.log import record
from core.errors import FieldErrors
from core.text import clean_free_text
from models import ModelContract, Role

MAX_VERSION, MAX_TITLE = 40, 300  # the columns of ModelContract
MAX_BODY = 50_000  # far above any contract; keeps the PDF and the page bounded


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
    version = clean_free_text(version, multiline=False)
    title = clean_free_text(title, multiline=False)
    body = clean_free_text(body, multiline=True)
    errors = {}
    if not version:
        errors["version"] = "Bitte geben Sie eine Versionsbezeichnung an, z. B. 2026-1."
    elif len(version) > MAX_VERSION:
        errors["version"] = f"Bitte kürzen Sie die Version auf höchstens {MAX_VERSION} Zeichen (jetzt {len(version)})."
    elif session.exec(select(ModelContract.id).where(ModelContract.version == version)).first():
        errors["version"] = "Diese Version gibt es schon. Veröffentlichte Fassungen bleiben unverändert."
    if len(title) < 5:
        errors["title"] = "Bitte geben Sie einen Titel an."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Bitte kürzen Sie den Titel auf höchstens {MAX_TITLE} Zeichen (jetzt {len(title)})."
    if len(body) < 50:
        errors["body"] = "Der Vertragstext ist zu kurz."
    elif len(body) > MAX_BODY:
        errors["body"] = f"Bitte kürzen Sie den Vertragstext auf höchstens {MAX_BODY} Zeichen (jetzt {len(body)})."
    if errors:
        raise FieldErrors(errors)
    contract = ModelContract(version=version, title=title, body=body, valid_from=valid_from, published_by=actor.email)
    session.add(contract)
    session.flush()
    record(session, actor=actor, action="contract.published", entity_type="contract", entity_id=contract.id,
           details=f"Mustervertrag {contract.version} veröffentlicht, gültig ab {valid_from:%d.%m.%Y}.")
    return contract


def list_contracts(session: Session) -> list[ModelContract]:
    """Return every published version, newest first."""
    newest_first = (col(ModelContract.valid_from).desc(), col(ModelContract.id).desc())
    return list(session.exec(select(ModelContract).order_by(*newest_first)).all())
