"""The test checklist of an ordered product: the seed's generic items plus items from the catalogue and the configuration.

Pure: :func:`checklist_for` turns a catalogue product and the configuration answers into items. Which answers count
is decided by :func:`configuration_answers` (the latest submission, else the draft, else the master data), so the
testers test what KISA set up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlmodel import Session, col, func, select

from catalog.schema import DELIVERY_NAMES, DataDelivery, OutputField, Product
from catalog.store import get_product
from core.money import euro
from documents.plain import clip
from models import Gemeinde, OrderedProduct, Questionnaire, QuestionnaireSubmission
from questionnaire.definition import product_question
from questionnaire.display import answer_lines
from questionnaire.store import load_answers, master_answers

Group = Literal["allgemein", "produkt"]
GROUP_NAMES: dict[str, str] = {"allgemein": "Allgemeine Prüfpunkte", "produkt": "Produktspezifische Prüfpunkte"}
KEY_LIMIT = 60  # TestResult.item
VALUE_LIMIT = 80  # characters of a configured value or sample value quoted in a label or hint
SAMPLE_VALUES = 4  # sample values named in the hint of the sample-data item
_DELIVERY_BY_NAME = {name: delivery for delivery, name in DELIVERY_NAMES.items()}


@dataclass(frozen=True)
class ChecklistItem:
    """One thing the testers check: a stable key (results refer to it), a German label and a short hint."""

    key: str
    label: str
    hint: str
    group: Group = "allgemein"


def configuration_answers(session: Session, ordered: OrderedProduct) -> dict[str, Any]:
    """Return the answers the OAA was set up with: the latest submission, else the draft, else the master data.

    Products ordered before the shop had the questionnaire have none; the master data still name the testers.
    """
    questionnaire = session.exec(select(Questionnaire).where(Questionnaire.ordered_product_id == ordered.id)).first()
    if questionnaire is not None:
        submitted = session.exec(
            select(QuestionnaireSubmission.answers).where(QuestionnaireSubmission.questionnaire_id == questionnaire.id)
            .order_by(col(QuestionnaireSubmission.number).desc())
        ).first()
        return load_answers(submitted if submitted is not None else questionnaire.answers)
    answers, _row = master_answers(session, ordered.municipality_id)
    return answers


def named_testers(answers: Mapping[str, Any]) -> list[dict[str, str]]:
    """Return the testers named in the questionnaire (``test.personen``) with name and e-mail, without repeats."""
    found: dict[str, dict[str, str]] = {}
    for person in answers.get("test.personen") or []:
        if not isinstance(person, Mapping):
            continue
        name = str(person.get("name") or "").strip()
        if name and name not in found:
            found[name] = {"name": name, "email": str(person.get("email") or "").strip()}
    return list(found.values())


def _text(answers: Mapping[str, Any], key: str) -> str:
    value = answers.get(key)
    return value.strip() if isinstance(value, str) else ""


def _quoted(value: str) -> str:
    return f"„{clip(' '.join(value.split()), VALUE_LIMIT)}“"


def _delivery(product: Product, answers: Mapping[str, Any]) -> DataDelivery | None:
    chosen = _DELIVERY_BY_NAME.get(_text(answers, "daten.weg"))
    if chosen is None and len(product.data_delivery) == 1:
        return product.data_delivery[0]
    return chosen


def _delivery_item(product: Product, answers: Mapping[str, Any]) -> ChecklistItem:
    way = _delivery(product, answers)
    if way == DataDelivery.TRANSFERVERZEICHNIS:
        path = _text(answers, "daten.transferverzeichnis")
        where = f"Verzeichnis {clip(path, VALUE_LIMIT)}" if path else "Transferverzeichnis im KDN"
        return ChecklistItem("daten_transferverzeichnis", "Antragsdaten kommen im Transferverzeichnis (KDN) an",
                             f"XML-Datei nach dem sächsischen Standard im {where} prüfen.")
    if way == DataDelivery.FACHVERFAHREN:
        system = _text(answers, "daten.fachverfahren") or ", ".join(product.fachverfahren) or "Fachverfahren"
        return ChecklistItem("daten_fachverfahren", f"Antragsdaten kommen im Fachverfahren {clip(system, VALUE_LIMIT)} an",
                             "Den übernommenen Datensatz im Fachverfahren öffnen und mit dem Testantrag vergleichen.")
    if way == DataDelivery.EMAIL:
        address = _text(answers, "benachrichtigung.email")
        to = f" an {clip(address, VALUE_LIMIT)}" if address else ""
        return ChecklistItem("daten_email", f"Antragsdaten kommen per E-Mail mit PDF{to} an",
                             "Das PDF im Anhang öffnen und mit dem Testantrag vergleichen.")
    return ChecklistItem("daten_weg", "Antragsdaten kommen auf dem vereinbarten Weg an",
                         "Der Weg der Datenbereitstellung steht nicht im Fragebogen; bitte mit KISA klären.")


def _generic(product: Product, answers: Mapping[str, Any], gemeinde_names: Mapping[str, str]) -> list[ChecklistItem]:
    unit = _text(answers, "amt24.organisationseinheit")
    page = _text(answers, "amt24.leistungsseite")
    where = f"Leistungsseite {clip(page, VALUE_LIMIT)}" if page else "Leistungsseite der Kommune auf Amt24"
    unit_text = f" (Organisationseinheit {_quoted(unit)})" if unit else ""
    items = [
        ChecklistItem("servicekonto_anmeldung", "Anmeldung mit dem Servicekonto auf Amt24 funktioniert",
                      "Jede Testperson meldet sich auf amt24.sachsen.de mit ihrem eigenen Servicekonto an."),
        ChecklistItem("leistungsseite", "Antragsassistent ist im Wartungsmodus über die Amt24-Leistungsseite erreichbar",
                      f"Die {where}{unit_text} aufrufen und den Antrag starten."),
        ChecklistItem("testantrag", "Ein Testantrag lässt sich vollständig ausfüllen und absenden",
                      "Alle Schritte bis zur Eingangsbestätigung durchlaufen; Pflichtfelder und Prüfungen beachten."),
    ]
    message = _text(answers, "servicekonto.text")
    if message:
        items.append(ChecklistItem("servicekonto_nachricht",
                                   "Bestätigung mit dem konfigurierten Text kommt im Servicekonto-Postfach an",
                                   f"Erwarteter ergänzender Text: {_quoted(message)}"))
    else:
        items.append(ChecklistItem("servicekonto_nachricht", "Bestätigung kommt im Postfach des Servicekontos an",
                                   "Im Servicekonto-Postfach die Eingangsbestätigung öffnen (kein ergänzender Text "
                                   "konfiguriert)."))
    items.append(_delivery_item(product, answers))
    notify = _text(answers, "benachrichtigung.email")
    copy = _text(answers, "benachrichtigung.kopie")
    items.append(ChecklistItem(
        "benachrichtigung",
        f"Benachrichtigung über den Antragseingang erreicht {clip(notify, VALUE_LIMIT)}" if notify
        else "Benachrichtigung über den Antragseingang kommt an",
        f"Auch die Kopie an {clip(copy, VALUE_LIMIT)} prüfen." if copy
        else "Die Nachricht über den neuen Antrag im Postfach prüfen."))
    towns = [str(a) for a in answers.get("zustaendigkeit.gemeinden") or []]
    if towns:
        arrangement = _text(answers, "zustaendigkeit.art") or "Zusammenarbeit"
        named = ", ".join(f"{gemeinde_names.get(a, 'unbekannte Gemeinde')} ({a})" for a in towns[:3])
        more = f" und {len(towns) - 3} weitere" if len(towns) > 3 else ""
        items.append(ChecklistItem("zustaendigkeit", f"Anträge aus den Gemeinden der {clip(arrangement, 40)} kommen an",
                                   f"Einen Testantrag mit einer Anschrift in {named}{more} stellen."))
    privacy = _text(answers, "datenschutz.dsb_name")
    items.append(ChecklistItem("datenschutz", "Datenschutzhinweise werden im Antrag angezeigt",
                               "Vor dem Absenden: Hinweise zur Verarbeitung der Daten prüfen"
                               + (f"; Datenschutzbeauftragte:r {clip(privacy, VALUE_LIMIT)}." if privacy else ".")))
    return items


def sample_value(output: OutputField, value: object) -> str:
    """Return a catalogue sample value as a person reads it (German dates, amounts and numbers)."""
    if isinstance(value, bool):
        return "Ja" if value else "Nein"
    if output.type == "betrag" and isinstance(value, int | float):
        return euro(round(value * 100))
    if isinstance(value, int | float):
        return str(value).replace(".", ",")
    text = str(value)
    if output.type == "datum" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text).strftime("%d.%m.%Y")
        except ValueError:
            return text
    return text


def _setting_key(config_key: str, taken: set[str]) -> str:
    key = f"einstellung_{config_key}"[:KEY_LIMIT]
    number = 2
    while key in taken:
        suffix = f"_{number}"
        key = f"einstellung_{config_key}"[: KEY_LIMIT - len(suffix)] + suffix
        number += 1
    return key


def _product_items(product: Product, answers: Mapping[str, Any]) -> list[ChecklistItem]:
    by_name = {f.name: f for f in product.output_fields}
    samples = [f"{by_name[name].label} {_quoted(sample_value(by_name[name], value))}"
               for name, value in product.sample_data.items() if name in by_name][:SAMPLE_VALUES]
    required = [f.label for f in product.output_fields if f.required]
    items = [
        ChecklistItem("musterdaten", "Testantrag mit den Musterdaten des Katalogs",
                      ("Zum Beispiel " + ", ".join(samples) + ".") if samples
                      else "Die Musterdaten stehen im OAA-Katalog beim Produkt.", "produkt"),
        ChecklistItem("ausgabedaten", "Alle Pflichtfelder der Ausgabedaten sind in den gelieferten Daten enthalten",
                      clip(f"Pflichtfelder ({len(required)}): " + ", ".join(required) + ".", 400) if required
                      else "Die Ausgabedaten stehen im OAA-Katalog beim Produkt.", "produkt"),
    ]
    taken = {item.key for item in items}
    for config in product.config_fields:
        question = product_question(config)
        value = answers.get(question.key)
        if value is None or value == "":
            continue  # not configured: nothing to check
        shown = clip("; ".join(answer_lines(question, value)), VALUE_LIMIT)
        key = _setting_key(config.key, taken)
        taken.add(key)
        items.append(ChecklistItem(key, f"Einstellung {_quoted(config.label)} wirkt wie konfiguriert: {shown}",
                                   clip(config.help, 300) or "Im Testantrag prüfen, dass der Wert angezeigt bzw. "
                                   "angewendet wird.", "produkt"))
    return items


def checklist_for(product: Product, answers: Mapping[str, Any],
                  gemeinde_names: Mapping[str, str] | None = None) -> list[ChecklistItem]:
    """Return the test checklist: the generic items, then the product's (sample data, output data, each setting)."""
    return [*_generic(product, answers, gemeinde_names or {}), *_product_items(product, answers)]


def gemeinde_names(session: Session, answers: Mapping[str, Any]) -> dict[str, str]:
    """Return the names of the municipalities the configuration handles applications for (AGS → name)."""
    wanted = sorted({str(a) for a in answers.get("zustaendigkeit.gemeinden") or []})
    if not wanted:
        return {}
    return {g.ags: g.name for g in session.exec(select(Gemeinde).where(col(Gemeinde.ags).in_(wanted))).all()}


@dataclass(frozen=True)
class TestPlan:
    """What the testers of one ordered product test, and who they are."""

    __test__ = False  # not a pytest class

    product: Product
    answers: dict[str, Any]
    items: list[ChecklistItem]
    testers: list[dict[str, str]]

    @property
    def tester_names(self) -> list[str]:
        """Return the names of the testers, in the questionnaire's order."""
        return [t["name"] for t in self.testers]

    def item(self, key: str) -> ChecklistItem | None:
        """Return the item with ``key``, if the checklist has it."""
        return next((i for i in self.items if i.key == key), None)


def plan_for(session: Session, ordered: OrderedProduct, *, catalogue: Mapping[str, Product] | None = None) -> TestPlan:
    """Return the checklist and the testers of ``ordered`` (no access check: callers check first).

    ``catalogue``: products already read (id → product, e.g. a page's cached catalogue), so a list of many ordered
    products does not read and check each product's catalogue entry again.
    """
    answers = configuration_answers(session, ordered)
    return _plan(session, ordered, answers, gemeinde_names(session, answers), catalogue)


def _plan(session: Session, ordered: OrderedProduct, answers: dict[str, Any], names: Mapping[str, str],
          catalogue: Mapping[str, Product] | None) -> TestPlan:
    known = catalogue.get(ordered.product_id) if catalogue is not None else None
    product = known if known is not None else get_product(session, ordered.product_id)[0]
    return TestPlan(product, answers, checklist_for(product, answers, names), named_testers(answers))


def plans_for(session: Session, ordered: Sequence[OrderedProduct], *,
              catalogue: Mapping[str, Product] | None = None) -> dict[int, TestPlan]:
    """Return ``plan_for`` of each of ``ordered`` by id, with the answers and names of all of them read at once
    (a page of 25 products: four queries instead of a hundred)."""
    ids = [o.id or 0 for o in ordered]
    if not ids:
        return {}
    questionnaires = dict(session.exec(select(Questionnaire.ordered_product_id, Questionnaire.id)
                                       .where(col(Questionnaire.ordered_product_id).in_(ids))).all())
    drafts = dict(session.exec(select(Questionnaire.id, Questionnaire.answers)
                               .where(col(Questionnaire.id).in_(list(questionnaires.values())))).all())
    latest = (select(QuestionnaireSubmission.questionnaire_id, func.max(QuestionnaireSubmission.number).label("n"))
              .where(col(QuestionnaireSubmission.questionnaire_id).in_(list(questionnaires.values())))
              .group_by(col(QuestionnaireSubmission.questionnaire_id)).subquery())
    submitted = dict(session.exec(
        select(QuestionnaireSubmission.questionnaire_id, QuestionnaireSubmission.answers)
        .join(latest, (col(QuestionnaireSubmission.questionnaire_id) == latest.c.questionnaire_id)
              & (col(QuestionnaireSubmission.number) == latest.c.n))).all())
    answers: dict[int, dict[str, Any]] = {}
    for item in ordered:  # as configuration_answers: the latest submission, else the draft, else the master data
        qid = questionnaires.get(item.id or 0)
        if qid is None:
            answers[item.id or 0] = master_answers(session, item.municipality_id)[0]
        else:
            answers[item.id or 0] = load_answers(submitted[qid] if qid in submitted else drafts.get(qid, ""))
    wanted = sorted({str(a) for given in answers.values() for a in given.get("zustaendigkeit.gemeinden") or []})
    names = ({g.ags: g.name for g in session.exec(select(Gemeinde).where(col(Gemeinde.ags).in_(wanted))).all()}
             if wanted else {})
    return {item.id or 0: _plan(session, item, answers[item.id or 0], names, catalogue) for item in ordered}


def item_label(session: Session, ordered: OrderedProduct, key: str) -> str:
    """Return the German label of the test item ``key`` of ``ordered`` (the key itself if the checklist lost it)."""
    if not key:
        return ""
    found = plan_for(session, ordered).item(key)
    return found.label if found else key
