import xml.etree.ElementTree as ET

from catalog.xml import NAMESPACE, sample_xml
from core.money import euro
from tests.catalog_builders import make_product


def test_sample_data_renders_as_wellformed_escaped_xml():
    product = make_product("Meldebescheinigung", sample_data={"nachname": "Müller & <Söhne>", "geburtsdatum": "1980-01-31"})
    text = sample_xml(product)
    root = ET.fromstring(text.encode("utf-8"))
    ns = {"a": NAMESPACE}
    assert root.get("produkt") == "meldebescheinigung"
    assert root.find("a:daten/a:nachname", ns).text == "Müller & <Söhne>"
    assert "&lt;Söhne&gt;" in text and "<Söhne>" not in text
    assert root.find("a:kopf/a:leikaSchluessel", ns).text == "99000000000000"


def test_euro_is_formatted_german_style():
    assert euro(123456).replace("\xa0", " ") == "1.234,56 €"
    assert euro(0).replace("\xa0", " ") == "0,00 €"


def test_user_text_is_escaped_for_markdown():
    from web.text import md

    hostile = "Max ![](https://evil.example/p.png) [Prüfen](https://evil.example) <b>x</b> **fett**"
    escaped = md(hostile)
    for raw in ("](", "![", "<b>", "**", "https://"):
        assert raw not in escaped
    import re

    assert re.sub(r"\\(.)", r"\1", escaped) == hostile  # a reader sees exactly what was typed
