"""Who hears about a step of an ordered product, and the facts every lifecycle mail shares."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from backoffice.recipients import municipal_recipients
from core.config import get_settings
from models import CatalogProduct, Municipality, OrderedProduct, User, UserStatus
from notifications.outbox import app_link, enqueue


def case_facts(session: Session, ordered: OrderedProduct) -> dict[str, Any]:
    """Return product, municipality and the links into the shop that lifecycle mails use."""
    product = session.get(CatalogProduct, ordered.product_id)
    municipality = session.get(Municipality, ordered.municipality_id)
    nr = ordered.id or 0
    return {
        "product": product.name if product else ordered.product_id,
        "municipality": municipality.name if municipality else "",
        "ags": municipality.ags if municipality else "",
        "questionnaire_url": app_link("fragebogen", nr=nr),
        "status_url": app_link("fortschritt", nr=nr),
        "case_url": app_link("vorgang", nr=nr),
    }


def tell_municipality(session: Session, ordered: OrderedProduct, event: str, context: dict[str, Any],
                      *, also: tuple[str, ...] = ()) -> list[str]:
    """Send ``event`` to the municipality's coordinators, the last submitter and ``also``; return the addresses."""
    addresses = list(dict.fromkeys(a for a in [*municipal_recipients(session, ordered), *also] if a))
    for address in addresses:
        enqueue(session, event=event, to=address, municipality_id=ordered.municipality_id, context=context)
    return addresses


def tell_kisa(session: Session, ordered: OrderedProduct, event: str, context: dict[str, Any]) -> list[str]:
    """Send ``event`` to KISA's mailbox and to the staff member the case is assigned to; return the addresses."""
    addresses = [get_settings().kisa_mailbox.strip()]
    if ordered.assigned_to_id is not None:
        assignee = session.get(User, ordered.assigned_to_id)
        if assignee is not None and assignee.status == UserStatus.ACTIVE:
            addresses.append(assignee.email)
    addresses = list(dict.fromkeys(a for a in addresses if a))
    for address in addresses:
        enqueue(session, event=event, to=address, municipality_id=ordered.municipality_id, context=context)
    return addresses
