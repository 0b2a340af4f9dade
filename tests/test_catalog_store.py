"""Catalogue upkeep: import with dry run, edits with optimistic locking, retiring, availability."""

import json

import pytest
from sqlmodel import select

from catalog import availability
from catalog.loader import CatalogError, read_directory
from catalog.store import (
    StaleEdit,
    export_products,
    get_product,
    import_catalog,
    load_products,
    parse_entries,
    retire_product,
    save_product,
)
from core.errors import PermissionDenied
from models import AuditEvent, OrderedProduct, OrderedProductState, Role
from tests.builders import actor_of, make_municipality, make_user
from tests.catalog_builders import make_product, product_data


@pytest.fixture
def kisa(session):
    return actor_of(make_user(session, role=Role.KISA))


def seed(session, *names):
    report = import_catalog(session, products=[make_product(n) for n in names])
    session.commit()
    return report


def test_import_adds_changes_and_removes_and_is_audit_logged(session, kisa):
    assert seed(session, "Meldebescheinigung", "Auskunftssperre").added == ["meldebescheinigung", "auskunftssperre"]
    changed = make_product("Meldebescheinigung", short_description="Neue Kurzbeschreibung der Meldebescheinigung.")
    report = import_catalog(session, products=[changed, make_product("Wahlschein")], actor=kisa)
    session.commit()
    assert (report.added, report.changed, report.removed) == (["wahlschein"], ["meldebescheinigung"], ["auskunftssperre"])
    assert {p.id for p in load_products(session)} == {"meldebescheinigung", "wahlschein"}
    product, version = get_product(session, "meldebescheinigung")
    assert product.short_description.startswith("Neue") and version == 2
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "catalog.imported")).all()


def test_dry_run_reports_and_changes_nothing(session):
    seed(session, "Meldebescheinigung")
    report = import_catalog(session, products=[make_product("Wahlschein")], dry_run=True)
    session.commit()
    assert report.added == ["wahlschein"] and report.removed == ["meldebescheinigung"] and not report.applied
    assert [p.id for p in load_products(session)] == ["meldebescheinigung"]


def test_import_that_would_orphan_ordered_products_is_refused_whole(session):
    seed(session, "Meldebescheinigung", "Wahlschein")
    town = make_municipality(session)
    session.add(OrderedProduct(municipality_id=town.id, product_id="wahlschein"))
    session.commit()
    report = import_catalog(session, products=[make_product("Meldebescheinigung", short_description="Geänderter Text hier.")])
    session.commit()
    assert report.problems and "wahlschein" in str(report.problems[0]) and "bestellt" in str(report.problems[0])
    assert not report.applied
    assert {p.id for p in load_products(session)} == {"meldebescheinigung", "wahlschein"}
    assert get_product(session, "meldebescheinigung")[1] == 1  # untouched


def test_import_names_every_bad_entry_and_changes_nothing(session):
    seed(session, "Meldebescheinigung")
    entries = parse_entries([
        product_data("Wahlschein", leika_keys=["123"]),
        product_data("Wahlschein"),
        product_data("Briefwahl", status="vielleicht"),
        {"id": "ohne-name"},
    ], "katalog.json")
    report = import_catalog(session, entries=entries)
    text = "\n".join(str(p) for p in report.problems)
    assert "Eintrag 1 (wahlschein), Feld „leika_keys.0“: hat nicht das erwartete Format" in text
    assert "Eintrag 3 (briefwahl), Feld „status“: ist kein erlaubter Wert" in text
    assert "Eintrag 4 (ohne-name), Feld „name“: fehlt" in text
    assert [p.id for p in load_products(session)] == ["meldebescheinigung"]


def test_duplicate_ids_are_refused(session):
    report = import_catalog(session, entries=parse_entries([product_data("Wahlschein"), product_data("Wahlschein")], "k.json"))
    assert any("schon in" in str(p) for p in report.problems)


def test_edit_with_a_stale_version_is_refused_with_a_german_message(session, kisa):
    seed(session, "Meldebescheinigung")
    data = product_data("Meldebescheinigung", short_description="Erste Änderung der Beschreibung.")
    save_product(session, actor=kisa, data=data, expected_version=1)
    session.commit()
    with pytest.raises(StaleEdit) as caught:
        save_product(session, actor=kisa, data=product_data("Meldebescheinigung"), expected_version=1)
    assert "inzwischen geändert" in str(caught.value)
    assert get_product(session, "meldebescheinigung")[0].short_description == "Erste Änderung der Beschreibung."


def test_invalid_edit_names_the_field(session, kisa):
    seed(session, "Meldebescheinigung")
    with pytest.raises(CatalogError) as caught:
        save_product(session, actor=kisa, data=product_data("Meldebescheinigung", leika_keys=["12"]), expected_version=1)
    assert caught.value.problems[0].field == "leika_keys.0"


def test_only_staff_may_edit(session):
    seed(session, "Meldebescheinigung")
    coordinator = actor_of(make_user(session))
    with pytest.raises(PermissionDenied):
        save_product(session, actor=coordinator, data=product_data("Meldebescheinigung"), expected_version=1)


def test_retired_product_stays_for_existing_orders(session, kisa):
    seed(session, "Wahlschein")
    retire_product(session, actor=kisa, product_id="wahlschein", expected_version=1)
    session.commit()
    product, version = get_product(session, "wahlschein")
    assert product.status.value == "eingestellt" and version == 2
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity_id == "wahlschein")).all()
    assert "catalog.product_changed" in actions


def test_export_round_trips_through_import(session):
    seed(session, "Meldebescheinigung", "Wahlschein")
    exported = json.loads(json.dumps(export_products(session)))
    required = {"id", "name", "group", "manufacturer", "status", "leika_keys", "legal_basis", "description", "output_fields"}
    assert required <= set(exported[0])
    report = import_catalog(session, entries=parse_entries(exported, "export.json"), dry_run=True)
    assert report.unchanged == 2 and not report.problems


def test_availability_per_product_and_per_municipality_respects_tenants(session, kisa):
    seed(session, "Wahlschein")
    a, b = make_municipality(session, name="Kommune A"), make_municipality(session, name="Kommune B")
    session.add(OrderedProduct(municipality_id=a.id, product_id="wahlschein", state=OrderedProductState.LIVE))
    session.add(OrderedProduct(municipality_id=b.id, product_id="wahlschein", state=OrderedProductState.SETUP))
    session.commit()
    staff_view = availability.for_product(session, actor=kisa, product_id="wahlschein")
    assert [(u.municipality_name, u.state_name) for u in staff_view.usages] == [
        ("Kommune A", "live"), ("Kommune B", "Einrichtung durch KISA")]
    alice = actor_of(make_user(session, municipality=a))
    own_view = availability.for_product(session, actor=alice, product_id="wahlschein")
    assert [u.municipality_name for u in own_view.usages] == ["Kommune A"]
    assert (own_view.live_count, own_view.in_progress_count) == (1, 1)
    assert availability.for_municipality(session, actor=alice, municipality_id=b.id) == []
    assert [u.product_name for u in availability.for_municipality(session, actor=alice, municipality_id=a.id)] == ["Wahlschein"]


def test_loader_names_file_and_field(tmp_path):
    (tmp_path / "kaputt.toml").write_text('id = "kaputt"\nname = ', encoding="utf-8")
    (tmp_path / "falsch.toml").write_text('id = "falsch"\nname = "Falsch"\n', encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        read_directory(tmp_path)
    text = str(caught.value)
    assert "kaputt.toml: ist keine gültige TOML-Datei" in text
    assert "falsch.toml, Feld „short_description“: fehlt" in text


def test_import_may_not_remove_a_product_with_only_cancelled_orders(session):
    seed(session, "Meldebescheinigung", "Wahlschein")
    town = make_municipality(session)
    session.add(OrderedProduct(municipality_id=town.id, product_id="wahlschein", state=OrderedProductState.CANCELLED))
    session.commit()
    report = import_catalog(session, products=[make_product("Meldebescheinigung")], dry_run=True)
    assert report.problems and "wahlschein" in str(report.problems[0])
    assert import_catalog(session, products=[make_product("Meldebescheinigung")]).applied is False


def test_an_empty_import_is_refused(session):
    seed(session, "Wahlschein")
    report = import_catalog(session, entries=[])
    assert "kein Produkt" in str(report.problems[0])
    assert [p.id for p in load_products(session)] == ["wahlschein"]


def test_wrong_types_in_an_import_are_named_in_german(session):
    entries = parse_entries([product_data("Wahlschein", prices={"setup_cents": 1.5, "yearly_licence_cents": "x"},
                                          synonyms="Briefwahl")], "k.json")
    text = "\n".join(str(p) for p in import_catalog(session, entries=entries).problems)
    assert "prices.setup_cents“: muss eine ganze Zahl sein" in text
    assert "synonyms“: muss eine Liste sein" in text
    assert "Input should" not in text


def test_every_non_object_entry_is_named():
    with pytest.raises(CatalogError) as caught:
        parse_entries([1, product_data("Wahlschein"), "x"], "k.json")
    assert [p.source for p in caught.value.problems] == ["k.json, Eintrag 1", "k.json, Eintrag 3"]
