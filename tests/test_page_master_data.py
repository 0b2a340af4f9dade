"""AppTest: Stammdaten — saved once, errors at the field, and the offer to update drafts; the questionnaire overview."""

from __future__ import annotations

from sqlmodel import select

from models import Questionnaire
from questionnaire.drafts import open_questionnaire
from questionnaire.store import load_answers
from questionnaire.team import invite_to_questionnaires
from tests.apptest_helpers import all_text, app_like_server, click, field_message, open_page, run  # noqa: F401
from tests.builders import actor_of, make_municipality, make_user
from tests.questionnaire_builders import order_product


def test_master_data_is_saved_and_a_wrong_address_changes_nothing(engine, session):
    town = make_municipality(session)
    anna = make_user(session, municipality=town, can_manage_team=True)
    at = open_page(engine, "master_data", user=anna)
    run(at, at.text_input(key="q_md_benachrichtigung.email").input("antraege(at)stadt"))
    click(at, "Stammdaten speichern")
    assert "gültige E-Mail-Adresse" in (field_message(at, "q_md_benachrichtigung.email") or "")
    assert "Es wurde nichts gespeichert" in all_text(at)
    run(at, at.text_input(key="q_md_benachrichtigung.email").input("antraege@stadt.example"))
    click(at, "Stammdaten speichern")
    assert "Stammdaten gespeichert (1 Angabe geändert)." in all_text(at)


def test_changed_master_data_is_offered_to_drafts_and_taken_over_on_request(engine, session):
    town = make_municipality(session)
    anna = make_user(session, municipality=town, can_manage_team=True)
    ordered = order_product(session, town, "meldebescheinigung")
    questionnaire_id = open_questionnaire(session, actor=actor_of(anna), ordered_product_id=ordered.id)
    session.commit()
    at = open_page(engine, "master_data", user=anna)
    run(at, at.text_input(key="q_md_kontakte.abteilung").input("Bürgerbüro Nord"))
    click(at, "Stammdaten speichern")
    text = all_text(at)
    assert "Diese Fragebögen sind noch nicht eingereicht" in text
    assert [c.label for c in at.checkbox if c.key and c.key.startswith("md_apply_")] == [
        "Meldebescheinigung – Zuständige Abteilung für Fragen zur Antragstellung"]
    click(at, "In ausgewählte Fragebögen übernehmen")
    assert "Stammdaten in 1 Fragebogen übernommen." in all_text(at)
    stored = session.exec(select(Questionnaire.answers).where(Questionnaire.id == questionnaire_id)).one()
    session.commit()
    assert load_answers(stored)["kontakte.abteilung"] == "Bürgerbüro Nord"


def test_overview_lists_the_products_and_the_colleagues_requests(engine, session):
    town = make_municipality(session)
    anna = make_user(session, municipality=town, can_manage_team=True)
    tom = make_user(session, municipality=town)
    ordered = order_product(session, town, "meldebescheinigung")
    order_product(session, town, "melderegisterauskunft")
    actor = actor_of(anna)
    questionnaire_id = open_questionnaire(session, actor=actor, ordered_product_id=ordered.id)
    invite_to_questionnaires(session, actor=actor, questionnaire_ids=[questionnaire_id], email=tom.email,
                             steps=["daten"], note="Bitte das Transferverzeichnis eintragen.")
    session.commit()
    text = all_text(open_page(engine, "questionnaires", user=anna))
    assert "Meldebescheinigung" in text and "Melderegisterauskunft" in text and "noch nicht begonnen" in text
    text = all_text(open_page(engine, "questionnaires", user=tom))
    assert "Ihre Aufgaben" in text and "Bereitstellung der Antragsdaten" in text and anna.full_name in text


def test_overview_shows_nothing_of_other_municipalities(engine, session):
    town = make_municipality(session)
    order_product(session, town, "meldebescheinigung")
    stranger = make_user(session, can_manage_team=True)
    at = open_page(engine, "questionnaires", user=stranger)
    assert "Noch keine bestellten Produkte." in all_text(at)
    assert "Meldebescheinigung" not in all_text(at)


def test_overview_offers_all_begun_questionnaires_as_one_zip(engine, session):
    town = make_municipality(session)
    anna = make_user(session, municipality=town, can_manage_team=True)
    first = order_product(session, town, "meldebescheinigung")
    order_product(session, town, "melderegisterauskunft")
    open_questionnaire(session, actor=actor_of(anna), ordered_product_id=first.id)
    session.commit()
    at = open_page(engine, "questionnaires", user=anna)
    assert [b.label for b in at.get("download_button")] == ["1 Konfiguration herunterladen (ZIP mit PDF und JSON)"]


def test_kisa_downloads_only_submitted_configurations(engine, session):
    from models import Role
    from questionnaire.submission import submit
    from tests.questionnaire_world import fill_completely

    town = make_municipality(session)
    anna = make_user(session, municipality=town, can_manage_team=True)
    first = order_product(session, town, "meldebescheinigung")
    second = order_product(session, town, "melderegisterauskunft")
    actor = actor_of(anna)
    submitted = open_questionnaire(session, actor=actor, ordered_product_id=first.id)
    open_questionnaire(session, actor=actor, ordered_product_id=second.id)  # a draft
    submit(session, actor=actor, questionnaire_id=submitted, base_version=fill_completely(session, actor, submitted))
    session.commit()
    at = open_page(engine, "questionnaires", user=make_user(session, role=Role.KISA))
    assert [b.label for b in at.get("download_button")] == ["1 Konfiguration herunterladen (ZIP mit PDF und JSON)"]
    text = all_text(at)
    assert "Meldebescheinigung" in text and "Melderegisterauskunft" not in text  # filtered to "eingereicht"


def test_overview_shows_ten_questionnaires_a_page_unless_more_are_chosen(engine, session):
    from catalog.store import import_catalog
    from models import CatalogProduct, OrderedProduct
    from tests.catalog_builders import make_product

    town = make_municipality(session)
    anna = make_user(session, municipality=town, can_manage_team=True)
    products = [make_product(f"Beispielleistung {n:02d}") for n in range(12)]
    import_catalog(session, products=products)
    for product in products:
        assert session.get(CatalogProduct, product.id) is not None
        session.add(OrderedProduct(municipality_id=town.id, product_id=product.id))
    session.commit()
    at = open_page(engine, "questionnaires", user=anna)
    text = all_text(at)
    assert "Offen (12)" in text and "Seite 1 von 2 (Einträge 1–10 von 12)" in text
    assert sum(p.name in text for p in products) == 10
    run(at, at.selectbox(key="qs_size").select(25))
    text = all_text(at)
    assert sum(p.name in text for p in products) == 12 and "Seite 1 von" not in text
