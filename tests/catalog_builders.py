"""Valid catalogue products for tests, with only the interesting fields given."""

from __future__ import annotations

from typing import Any

from catalog.schema import Product, slugify


def product_data(name: str, **changes: Any) -> dict[str, Any]:
    """Return the raw data of a valid product called ``name``."""
    data: dict[str, Any] = {
        "id": slugify(name),
        "name": name,
        "short_description": f"Online-Antrag: {name}.",
        "description": f"Mit diesem Online-Antragsassistenten beantragen Bürgerinnen und Bürger: {name}.",
        "group": "1",
        "manufacturer": "KOMM24",
        "status": "verfügbar",
        "legal_basis": ["§ 1 Beispielgesetz"],
        "leika_keys": ["99000000000000"],
        "data_delivery": ["transferverzeichnis"],
        "output_fields": [
            {"name": "nachname", "label": "Nachname", "type": "text", "required": True},
            {"name": "geburtsdatum", "label": "Geburtsdatum", "type": "datum"},
        ],
        "sample_data": {"nachname": "Mustermann", "geburtsdatum": "1980-01-31"},
        "prices": {"setup_cents": 50000, "yearly_licence_cents": 12000},
    }
    data.update(changes)
    return data


def make_product(name: str, **changes: Any) -> Product:
    """Return a valid product called ``name``."""
    return Product.model_validate(product_data(name, **changes))
