"""Builders for questionnaire tests: products with settings, ordered products, complete answers."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from catalog.store import import_catalog
from models import CatalogProduct, Municipality, OrderedProduct, OrderedProductState
from questionnaire.definition import Step
from tests.catalog_builders import make_product

CONFIG_FIELDS = [
    {"key": "zustaendige_stelle", "label": "Zuständige Meldebehörde", "type": "text", "required": True,
     "default": "Bürgerbüro"},
    {"key": "gebuehr", "label": "Gebühr in Euro", "type": "betrag", "required": True, "default": "8,00"},
    {"key": "zahlungsart", "label": "Zahlungsart", "type": "auswahl", "required": True,
     "options": ["ePayBL (Online-Zahlung)", "Überweisung nach Gebührenbescheid"]},
]


def questionnaire_catalog(session: Session) -> None:
    """Load three products: two Meldewesen products with settings and one without, with other delivery ways."""
    if session.get(CatalogProduct, "meldebescheinigung") is not None:
        return
    import_catalog(session, products=[
        make_product("Meldebescheinigung", config_fields=CONFIG_FIELDS, fachverfahren=["VOIS/MESO"],
                     data_delivery=["transferverzeichnis", "fachverfahren"]),
        make_product("Melderegisterauskunft", config_fields=CONFIG_FIELDS[:2],
                     data_delivery=["transferverzeichnis"]),
        make_product("Anzeige eines Feuerwerkes", data_delivery=["email"]),
    ])
    session.commit()


def order_product(session: Session, municipality: Municipality, product_id: str,
                  state: OrderedProductState = OrderedProductState.ORDERED) -> OrderedProduct:
    """Create an ordered product for ``municipality`` (as checkout would)."""
    questionnaire_catalog(session)
    ordered = OrderedProduct(municipality_id=municipality.id or 0, product_id=product_id, state=state)
    session.add(ordered)
    session.commit()
    return ordered


def complete_answers(steps: tuple[Step, ...], ags: str = "14612000") -> dict[str, dict[str, Any]]:
    """Return valid input for every step (by step key), as the form would send it."""
    values: dict[str, Any] = {
        "kontakte.fachlich_name": "Erika Musterfrau", "kontakte.fachlich_email": "erika.musterfrau@example.org",
        "kontakte.fachlich_telefon": "0351 1234567", "kontakte.technisch_name": "Max Mustermann",
        "kontakte.technisch_email": "it@example.org", "kontakte.technisch_telefon": "+49 351 7654321",
        "kontakte.abteilung": "Bürgerbüro", "kontakte.abteilung_email": "buergerbuero@example.org",
        "kontakte.abteilung_telefon": "",
        "test.personen": [{"name": "Tina Test", "email": "tina.test@example.org", "telefon": ""}],
        "test.servicekonto": True,
        "daten.kdn": True, "daten.transferverzeichnis": r"\\kdn-fs01\transfer\oaa", "daten.hinweise": "",
        "amt24.organisationseinheit": "Einwohnermeldeamt", "amt24.mandant": "", "amt24.leistungsseite": "",
        "amt24.pflege": "Die Kommune pflegt die Leistungsseite selbst im Amt24-Admincenter.",
        "zustaendigkeit.art": "keine", "zustaendigkeit.gemeinden": [],
        "benachrichtigung.email": "antraege@example.org", "benachrichtigung.kopie": "",
        "servicekonto.text": "Bearbeitung in 5 Werktagen.",
        "datenschutz.dsb_name": "Dana Schutz", "datenschutz.dsb_email": "datenschutz@example.org",
        "datenschutz.vvt": True, "datenschutz.zugriff": True, "datenschutz.loeschung": True, "datenschutz.hinweise": "",
    }
    by_step: dict[str, dict[str, Any]] = {}
    for step in steps:
        raw: dict[str, Any] = {}
        for question in step.questions:
            if question.key in values:
                raw[question.key] = values[question.key]
            elif question.kind == "auswahl":
                raw[question.key] = question.options[0]
            elif question.kind == "betrag":
                raw[question.key] = "12,50"
            elif question.kind in ("ja_nein", "bestaetigung"):
                raw[question.key] = True
            else:
                raw[question.key] = "Beispielwert"
        by_step[step.key] = raw
    return by_step


def ordered_ids(session: Session, municipality: Municipality) -> list[int]:
    """Return the ids of the municipality's ordered products."""
    return [o.id or 0 for o in session.exec(
        select(OrderedProduct).where(OrderedProduct.municipality_id == municipality.id)).all()]
