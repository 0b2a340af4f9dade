"""Documents as pure renderers (data in, PDF bytes out); no Streamlit, no database."""

from documents.contract import (
    ContractData,
    ContractParty,
    ContractPosition,
    ContractSigner,
    ContractTotals,
    contract_filename,
    kisa_party,
    render_contract,
)

__all__ = [
    "ContractData",
    "ContractParty",
    "ContractPosition",
    "ContractSigner",
    "ContractTotals",
    "contract_filename",
    "kisa_party",
    "render_contract",
]
