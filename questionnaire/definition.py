"""What the questionnaire asks: steps and questions as data; the page, the checks, the PDF and the export read it.

The seed's topics, step by step. Questions marked ``master`` are the municipality's master data (Stammdaten):
entered once, they pre-fill every product's questionnaire. Product-specific questions come from the
catalogue (``Product.config_fields``) and get the key ``produkt.<key>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from catalog.schema import DELIVERY_NAMES, ConfigField, DataDelivery, Product

Kind = Literal[
    "text", "langtext", "email", "telefon", "url", "pfad", "auswahl", "ja_nein", "bestaetigung",
    "gemeinden", "personen", "zahl", "betrag",
]

ARRANGEMENTS = ("keine", "Verwaltungsgemeinschaft", "Verwaltungsverband", "Zweckvereinbarung")
PAGE_CARE = ("Die Kommune pflegt die Leistungsseite selbst im Amt24-Admincenter.",
             "Die Kommune bittet KISA um Unterstützung bei der Pflege.")


@dataclass(frozen=True)
class Question:
    """One question: its answer is stored under ``key``."""

    key: str
    label: str
    kind: Kind
    required: bool = False
    help: str = ""
    master: bool = False  # part of the municipality's master data
    options: tuple[str, ...] = ()
    max_length: int = 200
    # Required only when another answer has one of these values, e.g. the path for the transfer directory.
    required_when: tuple[str, tuple[str, ...]] | None = None
    default: object = None
    # Whenever the question is required, only this answer lets the questionnaire be submitted (value, reason).
    must_be: tuple[object, str] | None = None
    row: str = ""  # questions with the same row are shown side by side (e.g. a person's name, e-mail, phone)


@dataclass(frozen=True)
class Step:
    """One step of the wizard."""

    key: str
    title: str
    intro: str
    questions: tuple[Question, ...] = field(default_factory=tuple)


REVIEW_STEP = "pruefen"

_CONTACTS = Step("kontakte", "Ansprechpartner", (
    "Wer ist für diesen Online-Antragsassistenten fachlich und technisch zuständig, und wohin wenden sich "
    "Bürgerinnen und Bürger mit Fragen zur Antragstellung?"), (
    Question("kontakte.fachlich_name", "Fachliche:r Ansprechpartner:in – Name", "text", True, master=True, row="fachlich"),
    Question("kontakte.fachlich_email", "Fachliche:r Ansprechpartner:in – E-Mail", "email", True, master=True,
             max_length=254, row="fachlich"),
    Question("kontakte.fachlich_telefon", "Fachliche:r Ansprechpartner:in – Telefon", "telefon", True, master=True,
             max_length=32, row="fachlich"),
    Question("kontakte.technisch_name", "Technische:r Ansprechpartner:in – Name", "text", True, master=True,
             help="Meist die IT der Kommune oder des Verwaltungsverbands; zuständig für KDN und Transferverzeichnis.",
             row="technisch"),
    Question("kontakte.technisch_email", "Technische:r Ansprechpartner:in – E-Mail", "email", True, master=True,
             max_length=254, row="technisch"),
    Question("kontakte.technisch_telefon", "Technische:r Ansprechpartner:in – Telefon", "telefon", True,
             master=True, max_length=32, row="technisch"),
    Question("kontakte.abteilung", "Zuständige Abteilung für Fragen zur Antragstellung", "text", True, master=True,
             help="Erscheint für Antragstellende auf Amt24, z. B. „Bürgerbüro“ oder „Ordnungsamt“.", row="abteilung"),
    Question("kontakte.abteilung_email", "Abteilung – E-Mail", "email", True, master=True, max_length=254, row="abteilung"),
    Question("kontakte.abteilung_telefon", "Abteilung – Telefon", "telefon", False, master=True, max_length=32, row="abteilung"),
))

_TEST = Step("test", "Test im Wartungsmodus", (
    "Nach der Einrichtung steht der Antragsassistent zunächst im Wartungsmodus. Nennen Sie die Personen, die "
    "ihn dann testen. Jede Testperson braucht ein Servicekonto auf Amt24."), (
    Question("test.personen", "Testpersonen", "personen", True, master=True,
             help="Mindestens eine Person mit Name und dienstlicher E-Mail-Adresse; Telefon ist freiwillig."),
    Question("test.servicekonto", "Alle Testpersonen haben ein Servicekonto auf Amt24 (oder legen es vor dem Test an).",
             "bestaetigung", True),
))

_DELIVERY = Step("daten", "Bereitstellung der Antragsdaten", (
    "Wie kommen die Antragsdaten zu Ihnen? Für das Transferverzeichnis ist eine Anbindung an das Kommunale "
    "DatenNetz (KDN) notwendig; Lecos richtet das Verzeichnis ein."), (
    Question("daten.weg", "Bereitstellung der Antragsdaten", "auswahl", True,
             options=tuple(DELIVERY_NAMES[d] for d in DataDelivery)),
    Question("daten.kdn", "Die Kommune ist an das KDN angebunden.", "ja_nein", False, master=True,
             required_when=("daten.weg", (DELIVERY_NAMES[DataDelivery.TRANSFERVERZEICHNIS],)),
             must_be=(True, "Für das Transferverzeichnis ist eine Anbindung an das Kommunale DatenNetz (KDN) "
                            "notwendig. Bitte klären Sie die Anbindung mit Ihrer IT oder wählen Sie einen anderen "
                            "Weg der Bereitstellung.")),
    Question("daten.transferverzeichnis", "Transferverzeichnis (Pfad im KDN)", "pfad", False, master=True,
             max_length=240,
             help=r"Netzwerkpfad, z. B. \\kdn-fs01\transfer\oaa oder /kdn/transfer/oaa. Noch keines? "
                  "Schreiben Sie „neu einrichten“ in die Hinweise; Lecos legt es an.",
             required_when=("daten.weg", (DELIVERY_NAMES[DataDelivery.TRANSFERVERZEICHNIS],))),
    Question("daten.fachverfahren", "Fachverfahren", "auswahl", False,
             required_when=("daten.weg", (DELIVERY_NAMES[DataDelivery.FACHVERFAHREN],))),
    Question("daten.hinweise", "Hinweise zur Datenübergabe", "langtext", False, max_length=2000),
))

_AMT24 = Step("amt24", "Amt24-Leistungsseite", (
    "Der Antragsassistent erscheint auf der Leistungsseite Ihrer Kommune auf Amt24 und wird der "
    "Organisationseinheit zugeordnet, die die Anträge bearbeitet."), (
    Question("amt24.organisationseinheit", "Organisationseinheit auf Amt24", "text", True, master=True,
             help="Wie im Amt24-Admincenter angelegt, z. B. „Einwohnermeldeamt“.", row="amt24"),
    Question("amt24.mandant", "Amt24-Mandant (Bezeichnung im Admincenter)", "text", False, master=True, row="amt24"),
    Question("amt24.leistungsseite", "Adresse der Leistungsseite", "url", False, max_length=500,
             help="Falls schon vorhanden, z. B. https://amt24.sachsen.de/…"),
    Question("amt24.pflege", "Pflege der Leistungsseite", "auswahl", True, options=PAGE_CARE),
))

_JURISDICTION = Step("zustaendigkeit", "Verwaltungsgemeinschaft und Zweckvereinbarung", (
    "Bearbeitet Ihre Kommune Anträge auch für andere Gemeinden (Verwaltungsgemeinschaft, Verwaltungsverband "
    "oder Zweckvereinbarung)? Dann wählen Sie diese Gemeinden aus; ihre Anträge kommen bei Ihnen an."), (
    Question("zustaendigkeit.art", "Art der Zusammenarbeit", "auswahl", True, master=True, options=ARRANGEMENTS,
             default="keine"),
    Question("zustaendigkeit.gemeinden", "Gemeinden, deren Anträge Ihre Kommune bearbeitet", "gemeinden", False,
             master=True,
             required_when=("zustaendigkeit.art", ARRANGEMENTS[1:])),
))

_NOTIFY = Step("benachrichtigung", "Benachrichtigung bei Antragseingang", (
    "An diese Adresse schickt Amt24 eine Nachricht, sobald ein Antrag eingeht. Nehmen Sie ein "
    "Funktionspostfach, damit keine Nachricht in einer Abwesenheit liegen bleibt."), (
    Question("benachrichtigung.email", "E-Mail-Adresse für Antragseingänge", "email", True, master=True,
             max_length=254, row="benachrichtigung"),
    Question("benachrichtigung.kopie", "Weitere Adresse (Kopie, optional)", "email", False, master=True,
             max_length=254, row="benachrichtigung"),
))

_SERVICEKONTO = Step("servicekonto", "Servicekonto-Nachricht", (
    "Antragstellende erhalten nach dem Absenden eine Nachricht in ihr Servicekonto. Sie können dort ergänzende "
    "Informationen geben, z. B. Bearbeitungszeiten oder Öffnungszeiten."), (
    Question("servicekonto.text", "Ergänzender Text in der Servicekonto-Nachricht (optional)", "langtext", False,
             max_length=1000),
))

_PRIVACY = Step("datenschutz", "Datenschutz und Informationssicherheit", (
    "Die Antragsdaten sind personenbezogen. Bitte bestätigen Sie die folgenden Punkte; Ihre "
    "Datenschutzbeauftragte oder Ihr Datenschutzbeauftragter hilft dabei."), (
    Question("datenschutz.dsb_name", "Datenschutzbeauftragte:r – Name", "text", True, master=True, row="dsb"),
    Question("datenschutz.dsb_email", "Datenschutzbeauftragte:r – E-Mail", "email", True, master=True,
             max_length=254, row="dsb"),
    Question("datenschutz.vvt", "Das Verzeichnis der Verarbeitungstätigkeiten wird um dieses Online-Verfahren "
             "ergänzt.", "bestaetigung", True),
    Question("datenschutz.zugriff", "Nur berechtigte Beschäftigte haben Zugriff auf das Transferverzeichnis und "
             "das Benachrichtigungspostfach.", "bestaetigung", True),
    Question("datenschutz.loeschung", "Eingegangene Antragsdaten werden nach den geltenden Fristen gelöscht.",
             "bestaetigung", True),
    Question("datenschutz.hinweise", "Hinweise zu Datenschutz und Informationssicherheit (optional)", "langtext",
             False, max_length=2000),
))

_PRODUCT_INTRO = ("Einstellungen, die nur diesen Online-Antragsassistenten betreffen. Vorbelegte Werte sind "
                  "Vorschläge von KISA.")

_KIND_OF: dict[str, Kind] = {
    "text": "text", "langtext": "langtext", "zahl": "zahl", "betrag": "betrag", "ja_nein": "ja_nein",
    "auswahl": "auswahl", "email": "email", "url": "url",
}


def product_question(config: ConfigField) -> Question:
    """Turn a catalogue config field into a question with the key ``produkt.<key>``."""
    kind = _KIND_OF[config.type]
    default: object = config.default
    if kind == "ja_nein" and isinstance(default, str):
        default = default.strip().lower() in ("ja", "true", "1")
    return Question(
        f"produkt.{config.key}", config.label, kind, config.required, config.help, options=tuple(config.options),
        max_length=2000 if kind == "langtext" else 500 if kind == "url" else 200, default=default,
    )


def _with_options(question: Question, options: tuple[str, ...]) -> Question:
    return replace(question, options=options)


def steps_for(product: Product) -> tuple[Step, ...]:
    """Return the wizard's steps for ``product`` (without the review step)."""
    delivery_options = tuple(DELIVERY_NAMES[d] for d in product.data_delivery)
    delivery_questions = []
    for question in _DELIVERY.questions:
        if question.key == "daten.weg":
            question = _with_options(question, delivery_options)
        elif question.key == "daten.fachverfahren":
            if not product.fachverfahren:
                continue
            question = _with_options(question, tuple(product.fachverfahren))
        delivery_questions.append(question)
    delivery = Step(_DELIVERY.key, _DELIVERY.title, _DELIVERY.intro, tuple(delivery_questions))
    steps = [_CONTACTS, _TEST, delivery, _AMT24, _JURISDICTION, _NOTIFY]
    if product.config_fields:
        steps.append(Step("produkt", "Produkteinstellungen", _PRODUCT_INTRO,
                          tuple(product_question(c) for c in product.config_fields)))
    steps += [_SERVICEKONTO, _PRIVACY]
    return tuple(steps)


GENERIC_STEPS: tuple[Step, ...] = (_CONTACTS, _TEST, _DELIVERY, _AMT24, _JURISDICTION, _NOTIFY, _SERVICEKONTO, _PRIVACY)
MASTER_QUESTIONS: tuple[Question, ...] = tuple(q for s in GENERIC_STEPS for q in s.questions if q.master)
MASTER_KEYS: frozenset[str] = frozenset(q.key for q in MASTER_QUESTIONS)
STEP_TITLES: dict[str, str] = {s.key: s.title for s in GENERIC_STEPS} | {"produkt": "Produkteinstellungen",
                                                                         REVIEW_STEP: "Prüfen und absenden"}
# Short names for the step list beside the form (the full title is the heading of the step).
NAV_TITLES: dict[str, str] = {
    "kontakte": "Ansprechpartner", "test": "Testpersonen", "daten": "Datenbereitstellung", "amt24": "Amt24-Seite",
    "zustaendigkeit": "Zuständigkeit", "benachrichtigung": "Benachrichtigung", "produkt": "Produkteinstellungen",
    "servicekonto": "Servicekonto-Text", "datenschutz": "Datenschutz", REVIEW_STEP: "Prüfen und absenden",
}


def questions_by_key(steps: tuple[Step, ...]) -> dict[str, Question]:
    """Index the questions of ``steps`` by key."""
    return {q.key: q for s in steps for q in s.questions}


def step_of(key: str) -> str:
    """Return the step key a question key belongs to."""
    return key.split(".", 1)[0]
