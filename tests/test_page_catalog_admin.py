"""AppTest of the KISA catalogue page (Katalogpflege): edit, create, retire, export and import products."""

import json
from pathlib import Path

from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from catalog.schema import AktenplanGroup, DataDelivery, Manufacturer, ProductStatus
from catalog.store import export_products, get_product, import_catalog, load_products, save_product
from models import AuditEvent, OrderedProduct, Role
from tests.apptest_helpers import shown
from tests.builders import actor_of, make_municipality, make_user
from tests.catalog_builders import make_product, product_data

PAGE = Path(__file__).resolve().parents[1] / "pages" / "catalog_admin.py"


def run_as(user):
    at = AppTest.from_file(str(PAGE), default_timeout=30)
    at.session_state["auth_actor"] = actor_of(user)
    return at.run()


def seed(session, *products):
    import_catalog(session, products=list(products))
    session.commit()


def stored(engine, product_id):
    """Read a product and its version in a session of its own (what the database holds now)."""
    with Session(engine) as s:
        return get_product(s, product_id)


def errors(at):
    return "\n".join(shown(e.value) for e in at.error)  # as a person reads them (user text is escaped)


def no_crash(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_product(session, product_id="meldebescheinigung", role=Role.KISA):
    at = run_as(make_user(session, role=role))
    at.selectbox(key="cat_adm_pick").select(product_id).run()
    return no_crash(at)


def save(at):
    return no_crash(at.button(key="cat_adm_save").click().run())


def edit_table(at, table, *, edited=None, added=None, deleted=None):
    """Seed the edits a clerk made in one of the form's tables (AppTest cannot type into st.data_editor)."""
    key = f"cat_adm_{table}_{at.session_state['cat_adm_gen']}"
    at.session_state[key] = {"edited_rows": edited or {}, "added_rows": added or [], "deleted_rows": deleted or []}


def test_kisa_edits_a_product_and_the_rest_stays_as_it_was(session, engine):
    original = make_product("Meldebescheinigung", synonyms=["Wohnsitzbescheinigung"], releases=[
        {"version": "1.2", "date": "2026-03-01", "notes": "Neue Gebühren", "requires_config_review": True}],
        config_fields=[{"key": "gebuehr", "label": "Gebühr", "type": "auswahl", "options": ["5 €", "10 €"]}],
        sample_data={"nachname": "Mustermann", "geburtsdatum": "1980-01-31"})
    seed(session, original)
    at = open_product(session)
    options = at.selectbox(key="cat_adm_pick").options
    assert "Meldebescheinigung (verfügbar)" in options and "➕ Neues Produkt anlegen" in options
    assert at.text_input(key="cat_adm_short").value == original.short_description
    at.text_input(key="cat_adm_short").input("Meldebescheinigung einfach online beantragen.")
    save(at)

    assert any("sind gespeichert" in s.value for s in at.success)
    product, version = stored(engine, "meldebescheinigung")
    assert version == 2
    assert product == original.model_copy(update={"short_description": "Meldebescheinigung einfach online beantragen."})
    assert at.text_input(key="cat_adm_short").value == "Meldebescheinigung einfach online beantragen."  # form stays filled
    with Session(engine) as s:
        changes = [e.details for e in s.exec(select(AuditEvent).where(AuditEvent.action == "catalog.product_changed"))]
    assert changes == ["Produkt geändert: Meldebescheinigung (short_description)"]

    at.text_area(key="cat_adm_synonyms").input("Wohnsitzbescheinigung\n\n  Meldebestätigung ")
    at.number_input(key="cat_adm_setup").set_value(612.5)
    at.checkbox(key="cat_adm_sample").uncheck()
    save(at)  # the version in the page followed the first save: no false "changed meanwhile"
    assert not at.error
    product, version = stored(engine, "meldebescheinigung")
    assert version == 3
    assert product.synonyms == ["Wohnsitzbescheinigung", "Meldebestätigung"]
    assert product.prices.setup_cents == 61250 and product.prices.sample is False


def test_table_edits_reach_the_product(session, engine):
    seed(session, make_product("Meldebescheinigung"))
    at = open_product(session)
    edit_table(at, "output_fields", edited={1: {"label": "Tag der Geburt"}},
               added=[{"name": "verheiratet", "label": "Verheiratet", "type": "ja_nein", "required": True}])
    edit_table(at, "sample_data", added=[{"name": "verheiratet", "value": "nein"}])
    edit_table(at, "releases", added=[{"version": "2.0", "date": "2026-11-01", "notes": "Neues Feld Familienstand"}])
    save(at)
    assert not at.error, errors(at)
    product, version = stored(engine, "meldebescheinigung")
    assert version == 2
    assert [(f.name, f.label, f.type, f.required) for f in product.output_fields] == [
        ("nachname", "Nachname", "text", True), ("geburtsdatum", "Tag der Geburt", "datum", False),
        ("verheiratet", "Verheiratet", "ja_nein", True)]
    assert product.sample_data == {"nachname": "Mustermann", "geburtsdatum": "1980-01-31", "verheiratet": False}
    assert [(r.version, r.date.isoformat(), r.notes) for r in product.releases] == [
        ("2.0", "2026-11-01", "Neues Feld Familienstand")]


def test_invalid_leika_key_is_named_in_german_and_nothing_is_saved(session, engine):
    seed(session, make_product("Meldebescheinigung"))
    at = open_product(session)
    at.text_area(key="cat_adm_leika").input("99000000000000\n12345")
    at.text_input(key="cat_adm_short").input("kurz")
    save(at)
    message = errors(at)
    assert "nicht gespeichert" in message
    assert "**LeiKa-Schlüssel**, Zeile 2: hat nicht das erwartete Format (genau 14 Ziffern)" in message
    assert "**Kurzbeschreibung**: ist zu kurz" in message
    assert not at.success
    product, version = stored(engine, "meldebescheinigung")
    assert version == 1 and product.leika_keys == ["99000000000000"]
    assert at.text_area(key="cat_adm_leika").value == "99000000000000\n12345"  # the entries stay for correcting


def test_a_table_problem_names_table_row_and_column(session, engine):
    seed(session, make_product("Meldebescheinigung"))
    at = open_product(session)
    edit_table(at, "output_fields", edited={0: {"name": "Nach Name"}})
    save(at)
    assert "**Ausgabedaten**, Zeile 1, Spalte „Feldname (XML)“: hat nicht das erwartete Format" in errors(at)
    assert stored(engine, "meldebescheinigung")[1] == 1


def test_someone_else_saving_meanwhile_is_not_overwritten(session, engine):
    seed(session, make_product("Meldebescheinigung"))
    at = open_product(session)
    colleague = actor_of(make_user(session, role=Role.KISA, email="kollegin@kisa.example"))
    save_product(session, actor=colleague, data=product_data("Meldebescheinigung", synonyms=["Meldebestätigung"]),
                 expected_version=1)
    session.commit()

    at.text_input(key="cat_adm_short").input("Meine Änderung an der Kurzbeschreibung.")
    save(at)
    assert "kollegin@kisa.example hat dieses Produkt inzwischen geändert" in errors(at)
    assert not at.success
    product, version = stored(engine, "meldebescheinigung")
    assert version == 2 and product.synonyms == ["Meldebestätigung"]
    assert product.short_description == "Online-Antrag: Meldebescheinigung."

    no_crash(at.button(key="cat_adm_reload").click().run())
    assert not at.error
    assert at.text_area(key="cat_adm_synonyms").value == "Meldebestätigung"
    at.text_input(key="cat_adm_short").input("Meine Änderung an der Kurzbeschreibung.")
    save(at)
    product, version = stored(engine, "meldebescheinigung")
    assert version == 3 and product.synonyms == ["Meldebestätigung"]
    assert product.short_description == "Meine Änderung an der Kurzbeschreibung."


def fill_new_product(at, name):
    no_crash(at.selectbox(key="cat_adm_pick").select("__neu__").run())
    at.text_input(key="cat_adm_name").input(name)
    at.text_input(key="cat_adm_short").input("Hund zur Hundesteuer anmelden.")
    at.text_area(key="cat_adm_description").input("Mit diesem Assistenten melden Halterinnen und Halter ihren Hund an.")
    at.selectbox(key="cat_adm_group").select(AktenplanGroup.FINANZEN)
    at.selectbox(key="cat_adm_manufacturer").select(Manufacturer.KOMM24)
    at.text_area(key="cat_adm_legal").input("§ 2 Hundesteuersatzung")
    at.text_area(key="cat_adm_leika").input("99000000000001")
    at.multiselect(key="cat_adm_delivery").select(DataDelivery.EMAIL)
    at.number_input(key="cat_adm_setup").set_value(250.0)
    edit_table(at, "output_fields", edited={0: {"name": "rasse", "label": "Rasse"}})
    edit_table(at, "sample_data", added=[{"name": "rasse", "value": "Dackel"}])


def test_kisa_creates_a_new_product(session, engine):
    at = run_as(make_user(session, role=Role.ADMIN))
    fill_new_product(at, "Hundesteuer anmelden")
    save(at)

    assert any("„Hundesteuer anmelden“ ist angelegt" in s.value for s in at.success), errors(at)
    product, version = stored(engine, "hundesteuer-anmelden")  # id proposed from the name
    assert version == 1 and product.status == ProductStatus.GEPLANT and product.group == AktenplanGroup.FINANZEN
    assert product.prices.setup_cents == 25000 and product.prices.sample is True
    assert product.data_delivery == [DataDelivery.EMAIL] and product.leika_keys == ["99000000000001"]
    assert product.sample_data == {"rasse": "Dackel"}
    assert at.selectbox(key="cat_adm_pick").value == "hundesteuer-anmelden"  # now editing the new product
    assert at.text_input(key="cat_adm_name").value == "Hundesteuer anmelden"  # form stays filled

    fill_new_product(at, "Hundesteuer anmelden")
    save(at)
    assert "**Kennung (ID)**: „hundesteuer-anmelden“ ist schon vergeben" in errors(at)
    no_crash(at.selectbox(key="cat_adm_pick").select("__neu__").run())
    at.text_input(key="cat_adm_name").input("Hundesteuer anmelden")
    save(at)  # taken id named at once, even while other fields are still missing
    assert "**Kennung (ID)**: „hundesteuer-anmelden“ ist schon vergeben" in errors(at)
    with Session(engine) as s:
        assert [p.id for p in load_products(s)] == ["hundesteuer-anmelden"]


def test_an_empty_new_product_gets_a_german_list_of_what_is_missing(session, engine):
    at = run_as(make_user(session, role=Role.KISA))
    no_crash(at.selectbox(key="cat_adm_pick").select("__neu__").run())
    save(at)
    message = errors(at)
    for expected in ("**Kennung (ID)**: fehlt", "**Name**: fehlt", "**Aktenplan-Hauptgruppe**: fehlt",
                     "**LeiKa-Schlüssel**: braucht mindestens einen Eintrag",
                     "**Ausgabedaten**, Zeile 1, Spalte „Feldname (XML)“: fehlt"):
        assert expected in message
    with Session(engine) as s:
        assert load_products(s) == []


def test_retiring_needs_a_confirmation_and_keeps_the_product(session, engine):
    seed(session, make_product("Meldebescheinigung"))
    at = open_product(session)
    assert "behalten es" in "\n".join(c.value for c in at.caption)
    assert at.button(key="cat_adm_retire").disabled
    no_crash(at.checkbox(key="cat_adm_retire_confirm").check().run())
    no_crash(at.button(key="cat_adm_retire").click().run())
    assert any("ist eingestellt" in s.value for s in at.success)
    product, version = stored(engine, "meldebescheinigung")
    assert product.status == ProductStatus.EINGESTELLT and version == 2
    assert "Meldebescheinigung (eingestellt)" in at.selectbox(key="cat_adm_pick").options
    assert not [b for b in at.button if b.key == "cat_adm_retire"]  # already retired


def test_municipal_user_is_refused(session, engine):
    seed(session, make_product("Meldebescheinigung"))
    at = no_crash(run_as(make_user(session, role=Role.KOMMUNE)))
    assert "nur für Mitarbeitende von KISA" in errors(at)
    assert not at.selectbox and not at.text_input and not at.get("download_button")


def test_export_offers_the_whole_catalogue_as_json(session, engine):
    seed(session, make_product("Meldebescheinigung"), make_product("Wahlschein", status="eingestellt"))
    at = no_crash(run_as(make_user(session, role=Role.KISA)))
    assert [b.label for b in at.get("download_button")] == ["Katalog herunterladen"]
    assert "2 Produkte" in [c.value for c in at.caption]


def upload(at, content, name="katalog.json"):
    at.file_uploader[0].set_value((name, content, "application/json"))
    return no_crash(at.run())


def test_bad_files_are_explained_and_change_nothing(session, engine):
    seed(session, make_product("Meldebescheinigung"))
    at = run_as(make_user(session, role=Role.KISA))
    upload(at, b'[{"id": "kaputt",')
    assert "„katalog.json“ ist keine gültige JSON-Datei (Zeile 1" in errors(at)

    upload(at, b'{"id": "meldebescheinigung"}')
    assert "muss eine JSON-Liste von Produkten sein" in errors(at)

    bad = [product_data("Meldebescheinigung", leika_keys=["123"]), product_data("Wahlschein", status="vielleicht")]
    upload(at, json.dumps(bad).encode())
    message = errors(at)
    assert ("katalog.json, Eintrag 1 (meldebescheinigung) – **LeiKa-Schlüssel**, Zeile 1: "
            "hat nicht das erwartete Format (genau 14 Ziffern)") in message
    assert "katalog.json, Eintrag 2 (wahlschein) – **Status**: ist kein erlaubter Wert" in message
    assert not [b for b in at.button if b.label == "Import übernehmen"]
    product, version = stored(engine, "meldebescheinigung")
    assert version == 1 and product.leika_keys == ["99000000000000"]
    with Session(engine) as s:
        assert [p.id for p in load_products(s)] == ["meldebescheinigung"]


def test_good_file_is_imported_only_after_confirmation(session, engine):
    seed(session, make_product("Meldebescheinigung"), make_product("Auskunftssperre"))
    catalogue = export_products(session)
    catalogue = [p for p in catalogue if p["id"] != "auskunftssperre"]
    catalogue[0]["short_description"] = "Geänderte Kurzbeschreibung der Meldebescheinigung."
    catalogue.append(product_data("Wahlschein"))
    at = run_as(make_user(session, role=Role.KISA))
    upload(at, json.dumps(catalogue, ensure_ascii=False).encode())

    page = "\n".join(m.value for m in at.markdown)
    assert "1 neu, 1 geändert, 1 entfernt, 0 unverändert" in page
    assert "- Wahlschein (`wahlschein`)" in page and "- Auskunftssperre (`auskunftssperre`)" in page
    assert any("entfernt" in w.value for w in at.warning)
    assert at.button(key="cat_adm_import_0").disabled
    with Session(engine) as s:
        assert [p.id for p in load_products(s)] == ["auskunftssperre", "meldebescheinigung"]  # dry run only

    no_crash(at.checkbox(key="cat_adm_import_confirm_0").check().run())
    no_crash(at.button(key="cat_adm_import_0").click().run())
    assert any("Import übernommen: 1 neu, 1 geändert, 1 entfernt" in s.value for s in at.success)
    with Session(engine) as s:
        assert [p.id for p in load_products(s)] == ["meldebescheinigung", "wahlschein"]
    product, version = stored(engine, "meldebescheinigung")
    assert version == 2 and product.short_description.startswith("Geänderte")
    assert at.file_uploader[0].value is None  # the upload field is empty again


def test_a_file_that_would_drop_an_ordered_product_is_refused(session, engine):
    seed(session, make_product("Meldebescheinigung"), make_product("Wahlschein"))
    session.add(OrderedProduct(municipality_id=make_municipality(session).id, product_id="wahlschein"))
    session.commit()
    at = run_as(make_user(session, role=Role.KISA))
    upload(at, json.dumps([product_data("Meldebescheinigung")]).encode())
    assert "Produkt wahlschein: fehlt im Import, ist aber 1-mal bestellt" in errors(at)
    assert not [b for b in at.button if b.label == "Import übernehmen"]
    with Session(engine) as s:
        assert [p.id for p in load_products(s)] == ["meldebescheinigung", "wahlschein"]


def test_a_file_equal_to_the_catalogue_needs_no_import(session, engine):
    seed(session, make_product("Meldebescheinigung"))
    catalogue = export_products(session)
    session.commit()  # end the read: on SQLite every transaction holds the write lock
    at = run_as(make_user(session, role=Role.KISA))
    upload(at, json.dumps(catalogue, ensure_ascii=False).encode())
    assert any("nichts zu übernehmen" in i.value for i in at.info)
    assert not [b for b in at.button if b.label == "Import übernehmen"]


def test_with_a_catalogue_longer_than_one_list_kisa_searches_and_can_always_start_a_new_product(session, monkeypatch):
    from web import search_pick

    monkeypatch.setattr(search_pick, "LIMIT", 1)  # as with 10,000 products nationwide
    seed(session, make_product("Meldebescheinigung"), make_product("Hundesteuer anmelden"))
    at = run_as(make_user(session, role=Role.KISA))
    assert at.selectbox(key="cat_adm_pick").options[0] == "➕ Neues Produkt anlegen"
    assert len(at.selectbox(key="cat_adm_pick").options) == 2  # the new product and the first of the list
    no_crash(at.text_input(key="cat_adm_pick_suche").input("hunde").run())
    assert at.selectbox(key="cat_adm_pick").options == ["➕ Neues Produkt anlegen", "Hundesteuer anmelden (verfügbar)"]
    no_crash(at.selectbox(key="cat_adm_pick").select("hundesteuer-anmelden").run())
    assert at.text_input(key="cat_adm_short").value == make_product("Hundesteuer anmelden").short_description
