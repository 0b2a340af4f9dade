"""Sample contract data (Beispieldaten) for previews, tests and the benchmark."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from documents.contract import ContractData, ContractParty, ContractPosition, ContractSigner

_BODY_FILE = Path(__file__).resolve().parents[1] / "orders" / "data" / "mustervertrag-beispiel.txt"
_FALLBACK_BODY = (
    "§ 1 Gegenstand\nKISA stellt der Kommune die im Bestellschein genannten Online-Antragsassistenten (OAA) "
    "auf Amt24 bereit, richtet sie ein und betreibt, pflegt und unterstützt sie.\n\n"
    "§ 2 Entgelte und Förderung\nEs gelten die im Bestellschein ausgewiesenen Preise. Soweit ein Förderprogramm "
    "gilt, werden die geförderten Anteile nicht berechnet."
)
_PRODUCTS = [
    ("Anmeldung einer Wohnung – Hauptwohnung", "99115005001000"),
    ("Hundesteuer – Anmeldung eines Hundes", "99108011001000"),
    ("Gewerbeanmeldung (§ 14 GewO)", "99050012104000"),
    ("Sondernutzungserlaubnis für Straßen, Wege und Plätze", "99134002000000"),
    ("Genehmigung zum Fällen eines Baumes (Gehölzschutzsatzung)", "99089004000000"),
]


def sample_body() -> str:
    """Return the shipped sample model contract text (or a short fallback)."""
    try:
        return _BODY_FILE.read_text(encoding="utf-8")
    except OSError:
        return _FALLBACK_BODY


def sample_contract(positions: int = 3) -> ContractData:
    """Return a contract for Musterstadt with ``positions`` products, every third one without funding."""
    items = []
    for index in range(positions):
        name, product_id = _PRODUCTS[index % len(_PRODUCTS)]
        if positions > len(_PRODUCTS):
            name = f"{name} ({index + 1})"
        setup, yearly = 123_456 + 10_000 * (index % 7), 24_900 + 1_000 * (index % 5)
        funded = index % 3 != 2
        items.append(ContractPosition(
            product_name=name,
            product_id=f"{product_id}-{index + 1}" if positions > len(_PRODUCTS) else product_id,
            setup_cents=setup,
            yearly_licence_cents=yearly,
            funding_name="Förderung Sachsen – OZG-Umsetzung 2022–2024" if funded else "",
            funding_setup_percent=75 if funded else 0,
            funding_licence_percent=50 if funded else 0,
            due_setup_cents=setup - (setup * 75 + 50) // 100 if funded else setup,
            due_yearly_cents=yearly - (yearly * 50 + 50) // 100 if funded else yearly,
            price_is_sample=index % 2 == 0,
        ))
    return ContractData(
        order_number="B-2026-00042",
        placed_at=datetime(2026, 11, 29, 13, 5, tzinfo=UTC),
        municipality=ContractParty(
            role="Auftraggeber (Kommune)",
            name="Stadt Musterstadt – Bürgeramt",
            address_lines=["Marktplatz 1", "01234 Musterstadt", "Landkreis Bautzen"],
            ags="14625999",
            ars="146250000999",
            leitweg_id="14625999-OAA-12",
            contact="Erika Muster, erika.muster@musterstadt.de",
        ),
        positions=items,
        contract_version="2026-1",
        contract_title="Mustervertrag über die Bereitstellung von Online-Antragsassistenten (Beispieltext)",
        contract_body=sample_body(),
        signer=ContractSigner(name="Jürgen Groß", position="Bürgermeister", email="juergen.gross@musterstadt.de"),
        sample_data=True,
    )
