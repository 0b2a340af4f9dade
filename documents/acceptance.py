"""The acceptance record (Abnahmeprotokoll) of an online application assistant as a PDF: data in, bytes out.

A pure renderer like :mod:`documents.contract`. :class:`AcceptanceData` is also the snapshot the acceptance stores
(``Acceptance.snapshot``), so the record printed years later shows the results as they were when the municipality
accepted. Every piece of user text is printed as plain text after :func:`documents.plain.plain`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace
from pydantic import BaseModel, ConfigDict, Field, field_validator

from documents.layout import FONT, DocumentPDF
from documents.plain import ascii_slug, clip, plain
from documents.tables import CELL_LIMIT, EMPTY, FAILURE, Column, data_table, label_rows, product_rows
from web.text import fmt_datetime

DOCUMENT_TITLE = "Abnahmeprotokoll Online-Antragsassistent"
HEADER_LIMIT = 80  # characters of AGS and product id in the running header
LABEL_WIDTH = 50  # mm, the label column of the overview
OUTCOME_ORDER = ("passed", "not_applicable", "failed")


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class AcceptanceItem(BaseModel):
    """One checklist item with its result as it stood at the acceptance."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: str
    hint: str = ""
    group: str = "allgemein"  # "allgemein" or "produkt"
    outcome: str  # TestOutcome value
    outcome_name: str  # German, e.g. "in Ordnung"
    tester: str
    note: str = ""
    recorded_at: datetime
    recorded_by: str = ""

    @field_validator("recorded_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime | None:
        return _aware(value)


class AcceptanceTester(BaseModel):
    """A tester named in the questionnaire."""

    model_config = ConfigDict(frozen=True)

    name: str
    email: str = ""


class AcceptanceData(BaseModel):
    """Everything the acceptance record prints; stored as JSON with the acceptance."""

    model_config = ConfigDict(frozen=True)

    ordered_product_id: int
    product_id: str
    product_name: str
    manufacturer: str = ""
    release_version: str = ""  # the product's version of the configuration tested; empty if unknown
    municipality_name: str
    municipality_ags: str
    round: int = Field(ge=1)
    testing_since: datetime | None = None  # Go-Live in maintenance mode of this round
    accepted_at: datetime
    accepted_by: str
    accepted_by_email: str = ""
    remarks: str = ""
    testers: list[AcceptanceTester] = Field(default_factory=list)
    items: list[AcceptanceItem] = Field(default_factory=list)
    sample_data: bool = False  # prints a "Beispieldaten" note (demo municipalities)

    @field_validator("testing_since", "accepted_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return _aware(value)

    def counts(self) -> dict[str, int]:
        """Return how many items have each outcome (by TestOutcome value)."""
        found = {outcome: 0 for outcome in OUTCOME_ORDER}
        for item in self.items:
            found[item.outcome] = found.get(item.outcome, 0) + 1
        return found


def acceptance_filename(data: AcceptanceData) -> str:
    """Return a safe ASCII download name, e.g. ``Abnahmeprotokoll_meldebescheinigung_Riesa_Runde1.pdf``."""
    parts = ["Abnahmeprotokoll", ascii_slug(data.product_id)[:60], ascii_slug(data.municipality_name, keep="")[:60],
             f"Runde{data.round}"]
    return "_".join(part for part in parts if part) + ".pdf"


def summary(data: AcceptanceData) -> str:
    """Return e.g. ``12 Prüfpunkte: 10 in Ordnung, 2 entfällt, 0 Fehler``."""
    counts = data.counts()
    total = len(data.items)
    return (f"{total} {'Prüfpunkt' if total == 1 else 'Prüfpunkte'}: {counts['passed']} in Ordnung, "
            f"{counts['not_applicable']} entfällt, {counts['failed']} Fehler")


class _AcceptancePDF(DocumentPDF):
    """The acceptance record: document title and AGS · product on top."""

    def __init__(self, right_header: str) -> None:
        super().__init__(DOCUMENT_TITLE, right_header)


def _overview(pdf: _AcceptancePDF, data: AcceptanceData) -> None:
    testers = ", ".join(plain(t.name) for t in data.testers if plain(t.name)) or EMPTY
    accepted_by = plain(data.accepted_by)
    if plain(data.accepted_by_email):
        accepted_by += f" ({plain(data.accepted_by_email)})"
    rows = [
        *product_rows(data.product_name, data.product_id, data.manufacturer, data.release_version, data.municipality_name,
                      data.municipality_ags),
        ("Testrunde", str(data.round)),
        ("Go-Live (Wartungsmodus)", fmt_datetime(data.testing_since) if data.testing_since else EMPTY),
        ("Testpersonen", testers),
        ("Ergebnis", summary(data)),
        ("Abnahme erteilt am", fmt_datetime(data.accepted_at)),
        ("Abnahme erteilt durch", accepted_by),
    ]
    label_rows(pdf, rows, LABEL_WIDTH)


_ITEM_COLUMNS = (
    Column("Nr.", 9, Align.R),
    Column("Prüfpunkt", 62, free_text=True),
    Column("Ergebnis", 20),
    Column("Testperson, erfasst", 34),
    Column("Bemerkung", 45, free_text=True),
)


def _failure_in_red(column: int, value: str) -> FontFace | None:
    return FAILURE if column == 2 and value == "Fehler" else None


def _items(pdf: _AcceptancePDF, data: AcceptanceData) -> None:
    rows: list[tuple[str, str, str, str, str]] = []
    for number, item in enumerate(data.items, start=1):
        label = clip(plain(item.label), CELL_LIMIT)
        if item.group == "produkt":
            label += "\n(produktspezifisch)"
        tester = f"{clip(plain(item.tester), 200)}\n{fmt_datetime(item.recorded_at)}"
        note = clip(plain(item.note, multiline=True), CELL_LIMIT) or EMPTY
        rows.append((str(number), label, plain(item.outcome_name), tester, note))
    data_table(pdf, _ITEM_COLUMNS, rows, cell_style=_failure_in_red)


def _signatures(pdf: _AcceptancePDF, data: AcceptanceData) -> None:
    pdf.section("Abnahme", keep=60)
    pdf.text_block(
        f"Die Kommune {plain(data.municipality_name)} hat den Online-Antragsassistenten „{plain(data.product_name)}“ "
        f"im Wartungsmodus auf Amt24 getestet (Testrunde {data.round}) und erteilt die Abnahme. Nächster Schritt: "
        "Die Kommune schaltet den Wartungsmodus auf Amt24 aus; danach ist der Antragsassistent für Bürgerinnen, "
        "Bürger und Unternehmen erreichbar.")
    pdf.ln(1.5)
    pdf.text_block(f"Elektronisch erteilt im OAA-Shop am {fmt_datetime(data.accepted_at)} durch "
                   f"{plain(data.accepted_by)}.", bold=True)
    pdf.ln(14)
    gap = 12.0
    width = (pdf.epw - gap) / 2
    top = pdf.get_y()
    pdf.set_draw_color(60)
    pdf.set_line_width(0.3)
    for index, caption in enumerate(("Ort, Datum", f"Unterschrift ({plain(data.accepted_by)})")):
        x = pdf.l_margin + index * (width + gap)
        pdf.line(x, top, x + width, top)
        pdf.set_xy(x, top + 1)
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(90)
        pdf.multi_cell(width, 4, caption, align=Align.L, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.set_xy(pdf.l_margin, top + 10)


def render_acceptance(data: AcceptanceData) -> bytes:
    """Render the acceptance record as PDF bytes; the same data always gives the same bytes."""
    pdf = _AcceptancePDF(clip(f"{plain(data.municipality_ags)} · {plain(data.product_id)}", HEADER_LIMIT))
    pdf.begin(data.accepted_at, clip(plain(f"{DOCUMENT_TITLE}: {data.product_name} – {data.municipality_name}"), 300))

    pdf.text_block("Abnahmeprotokoll", size=15, bold=True, height=7)
    pdf.text_block(plain(data.product_name), size=12, bold=True, height=6)
    pdf.text_block(f"{plain(data.municipality_name)} (AGS {plain(data.municipality_ags)}) – Testrunde {data.round}",
                   size=10, height=5.5)
    if data.sample_data:
        pdf.sample_banner("Beispieldaten – dieses Abnahmeprotokoll gehört zu einer Beispielkommune des OAA-Shops.")

    pdf.section("Überblick")
    _overview(pdf, data)

    pdf.section(f"Prüfpunkte ({len(data.items)})")
    if data.items:
        _items(pdf, data)
    else:
        pdf.text_block(EMPTY)

    pdf.section("Bemerkungen zur Abnahme", keep=12)
    remarks = plain(data.remarks, multiline=True).strip()
    pdf.text_block(remarks or "keine")

    _signatures(pdf, data)
    pdf.ln(4)
    pdf.text_block("Dieses Dokument wurde im OAA-Shop erzeugt und gibt die Testergebnisse wieder, wie sie zum Zeitpunkt "
                   "der Abnahme erfasst waren.", size=8.5, height=4.3)
    return bytes(pdf.output())


def sample_acceptance(extra_items: int = 0) -> AcceptanceData:
    """Return the acceptance of Musterstadt (Beispieldaten) for previews, tests and the benchmark.

    ``extra_items`` adds further product settings with long notes (long documents).
    """
    at = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)

    def item(key: str, label: str, outcome: str, name: str, note: str = "", group: str = "allgemein",
             minutes: int = 0) -> AcceptanceItem:
        return AcceptanceItem(key=key, label=label, group=group, outcome=outcome, outcome_name=name,
                              tester="Tina Test" if minutes % 2 == 0 else "Jürgen Groß", note=note,
                              recorded_at=datetime(2026, 12, 10, 10, minutes % 60, tzinfo=UTC), recorded_by="Tina Test")

    items = [
        item("servicekonto_anmeldung", "Anmeldung mit dem Servicekonto auf Amt24 funktioniert", "passed", "in Ordnung"),
        item("leistungsseite", "Antragsassistent ist im Wartungsmodus über die Amt24-Leistungsseite erreichbar",
             "passed", "in Ordnung", minutes=3),
        item("testantrag", "Ein Testantrag lässt sich vollständig ausfüllen und absenden", "passed", "in Ordnung",
             minutes=10),
        item("servicekonto_nachricht", "Bestätigung mit dem konfigurierten Text kommt im Servicekonto-Postfach an",
             "passed", "in Ordnung", "Text „Bearbeitung in 5 Werktagen.“ erscheint.", minutes=12),
        item("daten_transferverzeichnis", "Antragsdaten kommen im Transferverzeichnis (KDN) an", "passed",
             "in Ordnung", r"XML in \\kdn-fs01\transfer\oaa nach zwei Minuten.", minutes=15),
        item("benachrichtigung", "Benachrichtigung über den Antragseingang erreicht antraege@musterstadt.example",
             "passed", "in Ordnung", minutes=16),
        item("zustaendigkeit", "Anträge aus den Gemeinden der Verwaltungsgemeinschaft kommen an", "not_applicable",
             "entfällt", "Keine Verwaltungsgemeinschaft.", minutes=17),
        item("datenschutz", "Datenschutzhinweise werden im Antrag angezeigt", "passed", "in Ordnung", minutes=18),
        item("musterdaten", "Testantrag mit den Musterdaten des Katalogs", "passed", "in Ordnung", group="produkt",
             minutes=20),
        item("ausgabedaten", "Alle Pflichtfelder der Ausgabedaten sind in den gelieferten Daten enthalten", "passed",
             "in Ordnung", group="produkt", minutes=22),
        item("einstellung_gebuehr", "Einstellung „Gebühr in Euro“ wirkt wie konfiguriert: 8,00 €", "passed",
             "in Ordnung", "Nach der Korrektur durch KISA (Meldung vom 11.12.) richtig angezeigt.", group="produkt",
             minutes=25),
    ]
    for index in range(extra_items):
        items.append(item(f"einstellung_feld_{index + 1}", f"Einstellung „Feld {index + 1}“ wirkt wie konfiguriert: "
                          "Beispielwert", "passed", "in Ordnung", "Beispielbemerkung zu einer längeren Prüfung. " * 4,
                          group="produkt", minutes=30 + index))
    return AcceptanceData(
        ordered_product_id=42, product_id="meldebescheinigung", product_name="Meldebescheinigung (§ 18 BMG)",
        manufacturer="KOMM24", release_version="1.3", municipality_name="Stadt Musterstadt",
        municipality_ags="14627999", round=1, testing_since=datetime(2026, 12, 7, 8, 30, tzinfo=UTC), accepted_at=at,
        accepted_by="Änne Weiß", accepted_by_email="aenne.weiss@musterstadt.example",
        remarks="Vielen Dank an KISA für die schnelle Korrektur der Gebührenanzeige.\nLivegang geplant für den 15.12.",
        testers=[AcceptanceTester(name="Tina Test", email="tina.test@musterstadt.example"),
                 AcceptanceTester(name="Jürgen Groß", email="juergen.gross@musterstadt.example")],
        items=items, sample_data=True,
    )
