"""The configuration PDF for KISA (Konfiguration Online-Antragsassistent): data in, bytes out.

A pure renderer like :mod:`documents.contract`: callers build a :class:`ConfigurationData` from a questionnaire
(``questionnaire.export`` does, with the municipality names looked up); nothing here reads the database. Every
piece of user text is printed as plain text after :func:`documents.plain.plain` has removed control and direction
characters, so what a municipality typed is printed as typed and never interpreted.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fpdf.enums import Align
from pydantic import BaseModel, ConfigDict, Field, field_validator

from accounts.validation import format_phone
from core.money import euro
from documents.layout import FONT, DocumentPDF
from documents.plain import ascii_slug, clip, plain
from documents.tables import EMPTY, label_rows, product_rows
from web.text import fmt_datetime

DOCUMENT_TITLE = "Konfiguration Online-Antragsassistent"
HEADER_LIMIT = 80  # characters of AGS and product id in the running header (also cut to its width)
LABEL_WIDTH = 44  # mm, the label column of the overview
KEEP_TOGETHER = 30  # mm: a label and the start of its answer stay on one page up to this height
MEASURED = 600  # characters of a label measured for that: more than KEEP_TOGETHER mm of text


class PersonEntry(BaseModel):
    """One person of a ``personen`` answer (e.g. a tester)."""

    model_config = ConfigDict(frozen=True)

    name: str = ""
    email: str = ""
    telefon: str = ""  # E.164 or empty


AnswerValue = bool | int | float | str | list[str] | list[PersonEntry] | None


class ConfigurationAnswer(BaseModel):
    """One question with its stored answer; ``kind`` is the question kind of ``questionnaire.definition``."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: str
    kind: str
    value: AnswerValue = None


class ConfigurationSection(BaseModel):
    """One step of the questionnaire as printed."""

    model_config = ConfigDict(frozen=True)

    key: str
    title: str
    answers: list[ConfigurationAnswer] = Field(default_factory=list)


class ConfigurationData(BaseModel):
    """Everything printed on the configuration PDF."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    product_name: str
    manufacturer: str = ""
    release_version: str = ""  # the product's version (at submission); empty if none
    municipality_name: str
    municipality_ags: str
    municipality_ars: str = ""
    questionnaire_id: int
    version: int  # the questionnaire's version these answers are
    submission_number: int | None = None  # None: the current draft, not submitted
    state_name: str = ""
    submitted_at: datetime | None = None
    submitted_by: str = ""
    updated_at: datetime  # when these answers were last changed
    exported_at: datetime  # also the PDF's creation date, so the same data gives the same bytes
    sections: list[ConfigurationSection] = Field(default_factory=list)
    gemeinde_names: dict[str, str] = Field(default_factory=dict)  # AGS -> name, for ``gemeinden`` answers

    @field_validator("submitted_at", "updated_at", "exported_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def answer_lines(answer: ConfigurationAnswer, gemeinde_names: dict[str, str] | None = None) -> list[str]:
    """Return an answer as printable lines: Ja/Nein (confirmations: bestätigt), euros, a line per person, ``—`` if empty."""
    value = answer.value
    if value is None or value == "" or value == []:
        return [EMPTY]
    kind = answer.kind
    if isinstance(value, bool):  # the same words as the review page (questionnaire.display)
        if kind == "bestaetigung":
            return ["bestätigt" if value else "nicht bestätigt"]
        return ["Ja" if value else "Nein"]
    if kind == "betrag" and isinstance(value, int):
        return [euro(value)]
    if isinstance(value, int | float):
        return [str(value).replace(".", ",")]
    if isinstance(value, list):
        lines: list[str] = []
        for item in value:
            if isinstance(item, PersonEntry):
                parts = (plain(item.name), plain(item.email), plain(format_phone(item.telefon)))
                lines.append(", ".join(part for part in parts if part) or EMPTY)
            else:
                ags = plain(str(item))
                name = plain((gemeinde_names or {}).get(str(item), ""))
                lines.append(f"{name} ({ags})" if name else f"unbekannte Gemeinde ({ags})")
        return lines
    if kind == "telefon":
        return [plain(format_phone(value))]
    if kind == "langtext":
        text = plain(value, multiline=True)
        return [line.rstrip() for line in text.split("\n")] if text.strip() else [EMPTY]
    return [plain(value) or EMPTY]


def submission_label(data: ConfigurationData) -> str:
    """Return e.g. ``Fassung 2`` or ``Entwurf (nicht eingereicht)``."""
    if data.submission_number is None:
        return "Entwurf (nicht eingereicht)"
    return f"Fassung {data.submission_number}"


def configuration_filename(data: ConfigurationData) -> str:
    """Return a safe ASCII download name, e.g. ``Konfiguration_meldebescheinigung_Musterstadt.pdf``."""
    parts = ["Konfiguration", ascii_slug(data.product_id)[:60], ascii_slug(data.municipality_name, keep="")[:60]]
    return "_".join(part for part in parts if part) + ".pdf"


class _ConfigurationPDF(DocumentPDF):
    """The configuration: document title and AGS · product on top."""

    def __init__(self, right_header: str) -> None:
        super().__init__(DOCUMENT_TITLE, right_header)

    def lines_height(self, text: str, *, size: float, bold: bool, height: float) -> float:
        """Return how tall ``text`` would be printed full width."""
        self.set_font(FONT, "B" if bold else "", size)
        rows = self.multi_cell(0, height, text, align=Align.L, dry_run=True, output="LINES",
                               wrapmode=self.wrapmode_for(text, self.epw))
        assert isinstance(rows, list)
        return height * len(rows)


def _overview(pdf: _ConfigurationPDF, data: ConfigurationData) -> None:
    submitted = fmt_datetime(data.submitted_at) if data.submitted_at else "noch nicht eingereicht"
    if data.submitted_at and plain(data.submitted_by):
        submitted += f" durch {plain(data.submitted_by)}"
    rows = [
        *product_rows(data.product_name, data.product_id, data.manufacturer, data.release_version, data.municipality_name,
                      data.municipality_ags),
        ("ARS", plain(data.municipality_ars) or EMPTY),
        ("Fragebogen", f"Nr. {data.questionnaire_id}, Stand {data.version}"),
        ("Fassung", submission_label(data)),
        ("Status", plain(data.state_name) or EMPTY),
        ("Eingereicht am", submitted),
        ("Zuletzt geändert", fmt_datetime(data.updated_at)),
        ("Exportiert am", fmt_datetime(data.exported_at)),
    ]
    label_rows(pdf, rows, LABEL_WIDTH)


def _answers(pdf: _ConfigurationPDF, data: ConfigurationData, section: ConfigurationSection) -> None:
    pdf.section(plain(section.title))
    if not section.answers:
        pdf.text_block(EMPTY)
    for answer in section.answers:
        label = plain(answer.label)
        lines = answer_lines(answer, data.gemeinde_names)
        # Keep the label together with the first lines of its answer (up to KEEP_TOGETHER mm; long text may break).
        needed = pdf.lines_height(label[:MEASURED], size=8.5, bold=True, height=4.3) + 2 * 4.8
        if pdf.will_page_break(min(needed, KEEP_TOGETHER)):
            pdf.add_page()
        pdf.text_block(label, size=8.5, bold=True, height=4.3, grey=True)
        for line in lines:
            pdf.text_block(line or " ")
        pdf.ln(1.8)


def render_configuration(data: ConfigurationData) -> bytes:
    """Render the configuration as PDF bytes; the same data always gives the same bytes."""
    pdf = _ConfigurationPDF(clip(f"{plain(data.municipality_ags)} · {plain(data.product_id)}", HEADER_LIMIT))
    pdf.begin(data.exported_at, clip(plain(f"{DOCUMENT_TITLE}: {data.product_name} – {data.municipality_name}"), 300))

    pdf.text_block(DOCUMENT_TITLE, size=15, bold=True, height=7)
    pdf.text_block(plain(data.product_name), size=12, bold=True, height=6)
    pdf.text_block(f"{plain(data.municipality_name)} (AGS {plain(data.municipality_ags)}) – {submission_label(data)}",
                   size=10, height=5.5)

    pdf.section("Überblick")
    _overview(pdf, data)
    for section in data.sections:
        _answers(pdf, data, section)
    pdf.ln(3)
    pdf.text_block("Dieses Dokument wurde im OAA-Shop erzeugt und gibt die Angaben der Kommune wieder, wie sie "
                   "eingegeben wurden.", size=8.5, height=4.3)
    return bytes(pdf.output())


def sample_configuration(extra_sections: int = 0) -> ConfigurationData:
    """Return a filled configuration of Musterstadt (Beispieldaten) for previews, tests and the benchmark.

    ``extra_sections`` adds further product settings sections of twelve answers each (long documents).
    """
    def answer(key: str, label: str, kind: str, value: AnswerValue) -> ConfigurationAnswer:
        return ConfigurationAnswer(key=key, label=label, kind=kind, value=value)

    sections = [
        ConfigurationSection(key="kontakte", title="Ansprechpartner", answers=[
            answer("kontakte.fachlich_name", "Fachliche:r Ansprechpartner:in – Name", "text", "Änne Weiß"),
            answer("kontakte.fachlich_email", "Fachliche:r Ansprechpartner:in – E-Mail", "email",
                   "aenne.weiss@musterstadt.example"),
            answer("kontakte.fachlich_telefon", "Fachliche:r Ansprechpartner:in – Telefon", "telefon", "+493511234567"),
            answer("kontakte.abteilung_telefon", "Abteilung – Telefon", "telefon", None),
        ]),
        ConfigurationSection(key="test", title="Test im Wartungsmodus", answers=[
            answer("test.personen", "Testpersonen", "personen", [
                PersonEntry(name="Tina Test", email="tina.test@musterstadt.example", telefon="+4935112345678"),
                PersonEntry(name="Jürgen Groß", email="juergen.gross@musterstadt.example"),
            ]),
            answer("test.servicekonto", "Alle Testpersonen haben ein Servicekonto auf Amt24.", "bestaetigung", True),
        ]),
        ConfigurationSection(key="daten", title="Bereitstellung der Antragsdaten", answers=[
            answer("daten.weg", "Bereitstellung der Antragsdaten", "auswahl", "Transferverzeichnis (KDN)"),
            answer("daten.kdn", "Die Kommune ist an das KDN angebunden.", "ja_nein", False),
            answer("daten.transferverzeichnis", "Transferverzeichnis (Pfad im KDN)", "pfad", r"\\kdn-fs01\transfer\oaa"),
            answer("daten.hinweise", "Hinweise zur Datenübergabe", "langtext",
                   "Bitte neu einrichten.\nAnsprechpartner bei Lecos ist informiert."),
        ]),
        ConfigurationSection(key="zustaendigkeit", title="Verwaltungsgemeinschaft und Zweckvereinbarung", answers=[
            answer("zustaendigkeit.art", "Art der Zusammenarbeit", "auswahl", "Verwaltungsgemeinschaft"),
            answer("zustaendigkeit.gemeinden", "Gemeinden, deren Anträge Ihre Kommune bearbeitet", "gemeinden",
                   ["14627010", "14627210"]),
        ]),
        ConfigurationSection(key="produkt", title="Produkteinstellungen", answers=[
            answer("produkt.gebuehr", "Gebühr in Euro", "betrag", 1250),
            answer("produkt.bearbeitungstage", "Bearbeitungszeit in Tagen", "zahl", 2.5),
        ]),
    ]
    for index in range(extra_sections):
        sections.append(ConfigurationSection(key=f"produkt_{index + 1}", title=f"Weitere Einstellungen {index + 1}",
                                             answers=[answer(f"produkt.feld_{n}", f"Einstellung {n + 1}", "langtext",
                                                             "Beispieltext für eine längere Angabe. " * 6)
                                                      for n in range(12)]))
    return ConfigurationData(
        product_id="meldebescheinigung", product_name="Meldebescheinigung (§ 18 BMG)", manufacturer="KOMM24",
        release_version="2.3", municipality_name="Stadt Musterstadt", municipality_ags="14627999",
        municipality_ars="146270999999", questionnaire_id=42, version=17, submission_number=2,
        state_name="Konfiguration eingereicht", submitted_at=datetime(2026, 11, 30, 15, 45, tzinfo=UTC),
        submitted_by="Änne Weiß", updated_at=datetime(2026, 11, 30, 15, 40, tzinfo=UTC),
        exported_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC), sections=sections,
        gemeinde_names={"14627010": "Coswig, Stadt", "14627210": "Radebeul, Stadt"},
    )
