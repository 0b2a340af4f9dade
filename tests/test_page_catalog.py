"""AppTest of the catalogue page and the product detail page."""

import pytest

from catalog.store import import_catalog
from models import OrderedProduct, OrderedProductState, Role
from tests.apptest_helpers import all_text, app_like_server, open_page  # noqa: F401  (autouse fixture)
from tests.builders import make_municipality, make_user
from tests.catalog_builders import make_product


@pytest.fixture
def catalog(session):
    import_catalog(session, products=[
        make_product("Anmeldung der Hauptwohnung", synonyms=["Ummeldung"], legal_basis=["§ 17 BMG"],
                     fachverfahren=["VOIS/MESO"]),
        make_product("Meldebescheinigung", legal_basis=["§ 18 BMG"], leika_keys=["99115005000000"]),
        make_product("Anmeldung Eheschließung", group="0", synonyms=["Hochzeit"], status="geplant",
                     sample_data={"nachname": "Müller & <Söhne>"}),
    ])
    session.commit()


def texts(at):
    return all_text(at)


def test_browsing_lists_every_group_with_counts(engine, session, catalog):
    at = open_page(engine, "catalog_search", user=make_user(session))
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert "0 Allgemeine Verwaltung (1)" in labels and "1 Öffentliche Sicherheit und Ordnung (2)" in labels
    assert "3 Produkte" in texts(at)


def test_search_from_three_characters_shows_grouped_hits_with_reasons(engine, session, catalog):
    at = open_page(engine, "catalog_search", user=make_user(session))
    at.text_input(key="suche").input("Um").run()
    assert "mindestens drei Zeichen" in texts(at)
    at.text_input(key="suche").input("Ummeldung").run()
    assert [e.label for e in at.expander] == ["1 Öffentliche Sicherheit und Ordnung (1)"]
    assert "Suchbegriff: Ummeldung" in texts(at)
    at.text_input(key="suche").input("Xylophon").run()
    assert "Keine Treffer" in texts(at)


def test_status_filter_hides_planned_products(engine, session, catalog):
    at = open_page(engine, "catalog_search", user=make_user(session))
    at.multiselect(key="cat_statuses").set_value(["verfügbar"]).run()
    assert "2 Produkte" in texts(at)


def test_product_page_shows_everything_and_escapes_sample_values(engine, session, catalog):
    at = open_page(engine, "product", user=make_user(session), query={"id": "anmeldung-eheschliessung"})
    assert not at.exception
    assert at.title[0].value == "Anmeldung Eheschließung"
    assert [t.label for t in at.tabs] == ["Ausgabedaten", "Musterdaten", "XML", "Konfiguration", "Releases", "Verfügbarkeit"]
    xml = at.code[0].value
    assert "Müller &amp; &lt;Söhne&gt;" in xml
    assert "Beispielpreis" in texts(at)
    assert at.button(key="prod_cart").label == "In den Warenkorb"


def test_unknown_product_id_gets_a_german_message(engine, session, catalog):
    at = open_page(engine, "product", user=make_user(session), query={"id": "gibt-es-nicht"})
    assert at.title[0].value == "Produkt nicht gefunden"


def test_availability_tab_shows_only_the_own_municipality_to_municipal_users(engine, session, catalog):
    a, b = make_municipality(session, name="Kommune A"), make_municipality(session, name="Kommune B")
    session.add(OrderedProduct(municipality_id=a.id, product_id="meldebescheinigung", state=OrderedProductState.LIVE))
    session.add(OrderedProduct(municipality_id=b.id, product_id="meldebescheinigung", state=OrderedProductState.SETUP))
    session.commit()
    at = open_page(engine, "product", user=make_user(session, municipality=a), query={"id": "meldebescheinigung"})
    table = at.dataframe[-1].value
    assert list(table["Kommune"]) == ["Kommune A"]
    staff = open_page(engine, "product", user=make_user(session, role=Role.KISA), query={"id": "meldebescheinigung"})
    assert list(staff.dataframe[-1].value["Kommune"]) == ["Kommune A", "Kommune B"]


def test_a_long_group_shows_ten_products_with_their_status_and_then_ten_more(engine, session):
    import_catalog(session, products=[make_product(f"Hundesteuer Variante {n:02d}", synonyms=["Hund"])
                                      for n in range(23)])
    session.commit()
    at = open_page(engine, "catalog_search", user=make_user(session))
    at.text_input(key="suche").input("Hundesteuer").run()
    assert "**23 Treffer**" in texts(at)
    links = [p for p in at.get("page_link") if p.proto.label.startswith("Hundesteuer Variante")]
    assert len(links) == 10
    assert sum(":green-badge[verfügbar]" in c.value for c in at.caption) == 10  # the status in the description line
    [more] = [b for b in at.button if b.label == "Weitere 10 von 13 anzeigen"]
    more.click().run()
    assert len([p for p in at.get("page_link") if p.proto.label.startswith("Hundesteuer Variante")]) == 20
    assert [b.label for b in at.button if b.label.startswith("Weitere")] == ["Weitere 3 von 3 anzeigen"]
