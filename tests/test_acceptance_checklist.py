"""The test checklist: the seed's generic items named with the configured values, plus the product's own items."""

from __future__ import annotations

import pytest

from acceptance.checklist import KEY_LIMIT, checklist_for, configuration_answers, named_testers
from acceptance.view import acceptance_view
from catalog.schema import DELIVERY_NAMES, DataDelivery
from models import OrderedProductState
from questionnaire.master import save_master
from tests.acceptance_world import questionnaire_id_of
from tests.backoffice_world import FACHVERFAHREN, FW, MB, MRA, in_testing, put_in_state, save
from tests.catalog_builders import make_product
from tests.questionnaire_world import make_world

EMAIL = DELIVERY_NAMES[DataDelivery.EMAIL]


@pytest.fixture
def world(session):
    from tests.questionnaire_builders import questionnaire_catalog

    questionnaire_catalog(session)
    return make_world(session)


def _items(session, world, ordered):
    view = acceptance_view(session, actor=world.coordinator, ordered_product_id=ordered.id)
    session.commit()
    return {item.key: item for item in view.items}


def test_a_transfer_directory_product_names_the_path_the_notification_address_and_the_servicekonto_text(session, world):
    items = _items(session, world, in_testing(session, world, MB))
    assert list(items)[:4] == ["servicekonto_anmeldung", "leistungsseite", "testantrag", "servicekonto_nachricht"]
    assert items["servicekonto_anmeldung"].label == "Anmeldung mit dem Servicekonto auf Amt24 funktioniert"
    assert "Organisationseinheit „Einwohnermeldeamt“" in items["leistungsseite"].hint
    assert items["servicekonto_nachricht"].hint == "Erwarteter ergänzender Text: „Bearbeitung in 5 Werktagen.“"
    transfer = items["daten_transferverzeichnis"]
    assert transfer.label == "Antragsdaten kommen im Transferverzeichnis (KDN) an"
    assert r"\\kdn-fs01\transfer\oaa" in transfer.hint
    assert "daten_fachverfahren" not in items and "daten_email" not in items
    assert items["benachrichtigung"].label == "Benachrichtigung über den Antragseingang erreicht antraege@example.org"
    assert items["datenschutz"].label == "Datenschutzhinweise werden im Antrag angezeigt"
    assert "Dana Schutz" in items["datenschutz"].hint
    assert "zustaendigkeit" not in items  # no Verwaltungsgemeinschaft configured
    assert all(len(key) <= KEY_LIMIT and item.label and item.hint for key, item in items.items())


def test_the_product_items_name_sample_values_required_output_fields_and_each_setting_with_its_value(session, world):
    items = _items(session, world, in_testing(session, world, MB))
    sample = items["musterdaten"]
    assert sample.group == "produkt" and sample.label == "Testantrag mit den Musterdaten des Katalogs"
    assert sample.hint == "Zum Beispiel Nachname „Mustermann“, Geburtsdatum „31.01.1980“."
    assert items["ausgabedaten"].hint == "Pflichtfelder (1): Nachname."
    settings = {k: i.label for k, i in items.items() if k.startswith("einstellung_")}
    assert settings == {
        "einstellung_zustaendige_stelle": "Einstellung „Zuständige Meldebehörde“ wirkt wie konfiguriert: Beispielwert",
        "einstellung_gebuehr": "Einstellung „Gebühr in Euro“ wirkt wie konfiguriert: 12,50\u00a0€",
        "einstellung_zahlungsart": "Einstellung „Zahlungsart“ wirkt wie konfiguriert: ePayBL (Online-Zahlung)",
    }
    assert [i.group for i in items.values()].index("produkt") == list(items).index("musterdaten")  # generic first


def test_a_fachverfahren_product_names_the_fachverfahren(session, world):
    items = _items(session, world, in_testing(session, world, MB, delivery=FACHVERFAHREN))
    assert items["daten_fachverfahren"].label == "Antragsdaten kommen im Fachverfahren VOIS/MESO an"
    assert "daten_transferverzeichnis" not in items


def test_an_email_product_names_the_address_and_has_no_settings_items(session, world):
    items = _items(session, world, in_testing(session, world, FW, delivery=EMAIL))
    assert items["daten_email"].label == "Antragsdaten kommen per E-Mail mit PDF an antraege@example.org an"
    assert not [k for k in items if k.startswith("einstellung_")]  # the product has no settings
    assert {"musterdaten", "ausgabedaten"} <= set(items)


def test_the_checklist_follows_the_submitted_configuration_not_a_later_draft(session, world):
    ordered = in_testing(session, world, MRA)
    qid = questionnaire_id_of(session, ordered)
    session.commit()
    put_in_state(session, ordered, OrderedProductState.CHANGE_REQUESTED)  # the questionnaire is editable again
    save(session, world.coordinator, qid, "benachrichtigung", {"benachrichtigung.email": "neu@example.org"})
    put_in_state(session, ordered, OrderedProductState.TESTING)
    items = _items(session, world, ordered)
    assert items["benachrichtigung"].label.endswith("antraege@example.org")  # the submission KISA set up


def test_a_verwaltungsgemeinschaft_adds_an_item_naming_the_municipalities(session, world):
    product = make_product("Beispiel")
    answers = {"zustaendigkeit.art": "Verwaltungsgemeinschaft", "zustaendigkeit.gemeinden": ["14625010", "14625060"],
               "daten.weg": DELIVERY_NAMES[DataDelivery.TRANSFERVERZEICHNIS]}
    items = {i.key: i for i in checklist_for(product, answers, {"14625010": "Bautzen, Stadt"})}
    item = items["zustaendigkeit"]
    assert item.label == "Anträge aus den Gemeinden der Verwaltungsgemeinschaft kommen an"
    assert item.hint == ("Einen Testantrag mit einer Anschrift in Bautzen, Stadt (14625010), unbekannte Gemeinde "
                         "(14625060) stellen.")
    assert items["servicekonto_nachricht"].label == "Bestätigung kommt im Postfach des Servicekontos an"
    assert items["benachrichtigung"].label == "Benachrichtigung über den Antragseingang kommt an"


def test_a_product_without_questionnaire_takes_the_testers_from_the_master_data(session, world):
    ordered = put_in_state(session, world.ordered[MRA], OrderedProductState.TESTING)  # set up before the shop
    save_master(session, actor=world.coordinator, raw={"test.personen": [
        {"name": "Mia Master", "email": "mia@example.org", "telefon": ""}]}, base_version=0)
    session.commit()
    assert named_testers(configuration_answers(session, ordered)) == [{"name": "Mia Master", "email": "mia@example.org"}]
    items = _items(session, world, ordered)
    assert "daten_transferverzeichnis" in items  # the product's only way of delivery


def test_long_setting_keys_stay_within_the_column_and_unique():
    long_key = "a" * 60
    product = make_product("Beispiel", config_fields=[
        {"key": long_key, "label": "Lang", "type": "text"}, {"key": long_key[:-1] + "b", "label": "Lang 2", "type": "text"}])
    items = checklist_for(product, {f"produkt.{long_key}": "x", f"produkt.{long_key[:-1]}b": "y"})
    keys = [i.key for i in items if i.key.startswith("einstellung_")]
    assert len(keys) == 2 and len(set(keys)) == 2 and all(len(k) <= KEY_LIMIT for k in keys)


def test_the_step_5_domain_runs_without_streamlit():
    import subprocess
    import sys

    code = ("import sys, acceptance.view, acceptance.launch, acceptance.record, documents.acceptance; "
            "print('streamlit' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_plans_of_a_whole_page_read_at_once_are_those_read_one_by_one(session):
    from sqlmodel import select

    from acceptance.checklist import plan_for, plans_for
    from models import OrderedProduct
    from tests.demo_world import seed_whole_story

    seed_whole_story(session)  # every stage: drafts, submissions, resubmissions, a Verwaltungsgemeinschaft, none
    ordered = list(session.exec(select(OrderedProduct)).all())
    together = plans_for(session, ordered)
    assert len(ordered) > 20 and set(together) == {o.id for o in ordered}
    for item in ordered:
        alone = plan_for(session, item)
        assert (together[item.id].answers, together[item.id].testers) == (alone.answers, alone.testers)
        assert together[item.id].items == alone.items, item.id
    assert any(plan.item("zustaendigkeit") and "Burkau" in plan.item("zustaendigkeit").hint
               for plan in together.values())  # member municipalities named from the one shared lookup
