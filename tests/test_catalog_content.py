"""The shipped catalogue: complete, valid, and searchable the way people search."""

import json
from collections import Counter
from pathlib import Path

import pytest

from catalog.loader import read_directory
from catalog.schema import ProductStatus
from catalog.search import SearchIndex

QUERIES = json.loads((Path(__file__).parent / "data" / "search_queries.json").read_text(encoding="utf-8"))["queries"]

SEED_PRODUCTS = {
    "Akteneinsicht": None,
    "Altlastenkataster": None,
    "Wesenstest": "SächsGefHundG",
    "Eheschließung": "PStG",
    "Feuerwerk": "SprengV",
    "Geburtsurkunde": "PStG",
    "Übermittlungssperre": "BMG",
    "Meldebescheinigung": "§ 18 BMG",
    "Wahlschein": "BWO",
    "Auskunftssperre": "§ 51 BMG",
    "Begrüßungsgeld": None,
    "Wahlhelf": None,
    "Wohnungsgeberbestätigung": "§ 19 BMG",
    "Anmeldung der Hauptwohnung": "BMG",
    "Nebenwohnung": "BMG",
    "Abmeldung": "BMG",
    "Einfache Melderegisterauskunft": "§ 44 BMG",
    "Erweiterte Melderegisterauskunft": "§ 45 BMG",
}


@pytest.fixture(scope="module")
def products():
    return read_directory()


@pytest.fixture(scope="module")
def index(products):
    return SearchIndex(products)


def test_catalogue_has_over_130_products_in_at_least_six_groups(products):
    assert len(products) >= 130
    assert len(Counter(p.group for p in products)) >= 6
    statuses = Counter(p.status for p in products)
    assert statuses[ProductStatus.VERFUEGBAR] > 0 and statuses[ProductStatus.GEPLANT] > 0


@pytest.mark.parametrize(("name_part", "law"), SEED_PRODUCTS.items())
def test_every_product_the_seed_names_is_there_with_its_legal_basis(products, name_part, law):
    matching = [p for p in products if name_part.lower() in p.name.lower()]
    assert matching, f"kein Produkt mit „{name_part}“ im Namen"
    if law:
        assert any(law in " ".join(p.legal_basis) for p in matching), [p.legal_basis for p in matching]


def test_prices_are_labelled_as_sample_data(products):
    assert all(p.prices.sample for p in products)


@pytest.mark.parametrize("case", QUERIES, ids=[q["query"] for q in QUERIES])
def test_query_set_finds_the_expected_product_in_the_top_five(index, case):
    names = [h.product.name.lower() for h in index.search(case["query"], limit=5)]
    assert any(want in name for name in names for want in case["expect_any"]), (case, names)
