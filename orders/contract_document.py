"""Build the contract PDF's data from a placed order (its snapshots only, never today's catalogue)."""

from __future__ import annotations

from sqlmodel import Session

from accounts.actor import Actor
from documents.contract import ContractData, ContractParty, ContractPosition, ContractSigner, ContractTotals
from models import ModelContract, Municipality
from orders.history import get_order


def contract_data(session: Session, *, actor: Actor, order_id: int) -> ContractData:
    """Return what the contract PDF of an order prints; other tenants' orders raise NotFound."""
    view = get_order(session, actor=actor, order_id=order_id)
    order = view.order
    municipality = session.get(Municipality, order.municipality_id)
    contract = session.get(ModelContract, order.contract_id)
    assert municipality is not None and contract is not None
    positions = [
        ContractPosition(
            product_name=lv.line.product_name, product_id=lv.line.product_id, setup_cents=lv.line.setup_cents,
            yearly_licence_cents=lv.line.yearly_licence_cents, funding_name=lv.line.funding_name,
            funding_setup_percent=lv.line.funding_setup_percent, funding_licence_percent=lv.line.funding_licence_percent,
            due_setup_cents=lv.line.due_setup_cents, due_yearly_cents=lv.line.due_yearly_cents,
            price_is_sample=lv.line.price_is_sample,
        )
        for lv in view.lines
    ]
    return ContractData(
        order_number=order.number,
        placed_at=order.placed_at,
        municipality=ContractParty(
            role="Auftraggeber (Kommune)", name=municipality.name,
            address_lines=[line for line in (municipality.street, f"{municipality.postal_code} {municipality.city}".strip(),
                                             municipality.kreis) if line],
            ags=municipality.ags, ars=municipality.ars, leitweg_id=municipality.leitweg_id,
            contact=f"{order.signer_name}, {order.signer_email}",
        ),
        positions=positions,
        totals=ContractTotals(setup_cents=order.total_setup_cents, yearly_cents=order.total_yearly_cents,
                              due_setup_cents=order.due_setup_cents, due_yearly_cents=order.due_yearly_cents),
        contract_version=contract.version,
        contract_title=contract.title,
        contract_body=contract.body,
        signer=ContractSigner(name=order.signer_name, position=order.signer_position, email=order.signer_email),
        sample_data=municipality.is_demo or any(p.price_is_sample for p in positions),
    )
