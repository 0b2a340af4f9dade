"""Steps outside the questionnaire and set-up: a change request after go-live, the end of a contract."""

from __future__ import annotations

from sqlmodel import Session

from accounts.access import may_see_tenant, require_current, require_role, require_staff
from accounts.actor import Actor
from core.errors import FieldErrors, NotFound
from lifecycle.machine import transition
from lifecycle.notify import case_facts, tell_kisa, tell_municipality
from models import OrderedProduct, OrderedProductState, Role
from questionnaire.checks import clean_free_text

MAX_REASON = 2000


def _reason(raw: str, what: str) -> str:
    reason = clean_free_text(raw or "", multiline=True)
    if not reason:
        raise FieldErrors({"reason": f"Bitte geben Sie {what} an."})
    if len(reason) > MAX_REASON:
        raise FieldErrors({"reason": f"Bitte kürzen Sie auf höchstens {MAX_REASON} Zeichen (jetzt {len(reason)})."})
    return reason


def _locked(session: Session, actor: Actor, ordered_product_id: int) -> OrderedProduct:
    ordered = session.get(OrderedProduct, ordered_product_id, with_for_update=True, populate_existing=True)
    if ordered is None or not may_see_tenant(actor, ordered.municipality_id):  # another municipality's: not found
        raise NotFound("Dieses bestellte Produkt wurde nicht gefunden.")
    return ordered


def request_change(session: Session, *, actor: Actor, ordered_product_id: int, reason: str) -> None:
    """Reopen the questionnaire of a live product for a change (e.g. after a statute change); KISA reviews it again."""
    require_role(actor, Role.KOMMUNE)
    require_current(session, actor, Role.KOMMUNE)
    reason = _reason(reason, "den Grund der Änderung (z. B. geänderte Satzung)")
    ordered = _locked(session, actor, ordered_product_id)
    transition(session, actor=actor, ordered=ordered, target=OrderedProductState.CHANGE_REQUESTED,
               details=f"Änderung beantragt: {reason}")
    from releases.review import settle_by_change  # local import: keeps this edit inside request_change (merges)

    settle_by_change(session, actor=actor, ordered_product_id=ordered_product_id, reason=reason)
    context = {**case_facts(session, ordered), "reason": reason, "requested_by": actor.full_name}
    tell_municipality(session, ordered, "lifecycle.change_requested", context, also=(actor.email,))
    tell_kisa(session, ordered, "lifecycle.change_requested", context)
    session.flush()


def terminate(session: Session, *, actor: Actor, ordered_product_id: int, reason: str) -> None:
    """End the contract for a product KISA has set up (e.g. on notice); the municipality is told why."""
    require_staff(actor)
    require_current(session, actor, Role.KISA, Role.ADMIN)
    reason = _reason(reason, "den Grund für das Vertragsende")
    ordered = _locked(session, actor, ordered_product_id)
    transition(session, actor=actor, ordered=ordered, target=OrderedProductState.TERMINATED,
               details=f"Vertrag beendet: {reason}")
    tell_municipality(session, ordered, "lifecycle.terminated", {**case_facts(session, ordered), "reason": reason})
    session.flush()
