"""The XML a Fachverfahren receives for a product's sample data (Saxon XML standard style)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from catalog.schema import Product

NAMESPACE = "https://ozg.kisa.it/schema/antrag"


def _text(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def sample_xml(product: Product) -> str:
    """Render the product's Musterdaten as the application XML; every value is escaped."""
    root = ET.Element("antrag", {"xmlns": NAMESPACE, "produkt": product.id,
                                 "version": product.releases[-1].version if product.releases else "1.0"})
    head = ET.SubElement(root, "kopf")
    ET.SubElement(head, "leistung").text = product.name
    for key in product.leika_keys:
        ET.SubElement(head, "leikaSchluessel").text = key
    ET.SubElement(head, "hinweis").text = "Beispieldaten – keine echten Personen"
    data = ET.SubElement(root, "daten")
    for field in product.output_fields:
        if field.name in product.sample_data:
            ET.SubElement(data, field.name, {"typ": field.type}).text = _text(product.sample_data[field.name])
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
