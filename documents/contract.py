"""The order contract (Vertrag über Online-Antragsassistenten – Bestellbestätigung) as a PDF: data in, bytes out.

A pure renderer: callers build a :class:`ContractData` from an order snapshot; nothing here reads the database.
Every piece of user text is printed as plain text (``cell``/``multi_cell``/table cells, never HTML or markdown)
after :func:`documents.plain.plain` has removed control and direction characters.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fpdf.enums import Align, XPos, YPos
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.money import euro
from documents.layout import FONT, DocumentPDF
from documents.plain import ascii_slug, clip, paragraphs, plain
from documents.tables import CELL_LIMIT, Column, data_table, label_rows
from web.text import BERLIN, fmt_datetime

DOCUMENT_TITLE = "Vertrag über Online-Antragsassistenten – Bestellbestätigung"


class ContractParty(BaseModel):
    """One side of the contract as printed."""

    model_config = ConfigDict(frozen=True)

    role: str  # e.g. "Auftraggeber (Kommune)"
    name: str
    address_lines: list[str] = Field(default_factory=list)
    ags: str = ""  # Amtlicher Gemeindeschlüssel
    ars: str = ""  # Amtlicher Regionalschlüssel
    leitweg_id: str | None = None  # e-invoicing address, optional
    contact: str = ""  # e.g. "Erika Muster, erika.muster@musterstadt.de"


def kisa_party() -> ContractParty:
    """Return KISA as contractor."""
    return ContractParty(
        role="Auftragnehmer",
        name="Kommunale Informationsverarbeitung Sachsen – KISA",
        address_lines=["Eilenburger Straße 1a", "04317 Leipzig"],
    )


class ContractPosition(BaseModel):
    """One ordered product with list prices, funding and what the municipality pays."""

    model_config = ConfigDict(frozen=True)

    product_name: str
    product_id: str
    setup_cents: int = Field(ge=0)
    yearly_licence_cents: int = Field(ge=0)
    funding_name: str = ""  # empty when no programme applied
    funding_setup_percent: int = Field(default=0, ge=0, le=100)
    funding_licence_percent: int = Field(default=0, ge=0, le=100)
    due_setup_cents: int = Field(ge=0)
    due_yearly_cents: int = Field(ge=0)
    price_is_sample: bool = False


class ContractTotals(BaseModel):
    """Sums over all positions: list prices and what is due after funding."""

    model_config = ConfigDict(frozen=True)

    setup_cents: int
    yearly_cents: int
    due_setup_cents: int
    due_yearly_cents: int

    @classmethod
    def of(cls, positions: list[ContractPosition]) -> ContractTotals:
        """Add up ``positions``."""
        return cls(
            setup_cents=sum(p.setup_cents for p in positions),
            yearly_cents=sum(p.yearly_licence_cents for p in positions),
            due_setup_cents=sum(p.due_setup_cents for p in positions),
            due_yearly_cents=sum(p.due_yearly_cents for p in positions),
        )


class ContractSigner(BaseModel):
    """Who confirmed the order for the municipality (and that they may sign)."""

    model_config = ConfigDict(frozen=True)

    name: str
    position: str = ""
    email: str


class ContractData(BaseModel):
    """Everything printed on the contract; built from an order snapshot."""

    model_config = ConfigDict(frozen=True)

    order_number: str
    placed_at: datetime  # UTC; naive values are taken as UTC
    municipality: ContractParty
    kisa: ContractParty = Field(default_factory=kisa_party)
    positions: list[ContractPosition]
    totals: ContractTotals | None = None  # the order's stored sums; computed from the positions when missing
    contract_version: str
    contract_title: str
    contract_body: str  # paragraphs separated by blank lines
    signer: ContractSigner
    accepted_at: datetime | None = None  # when the signer confirmed; defaults to placed_at
    sample_data: bool = False  # prints "Beispieldaten" notes

    @field_validator("placed_at", "accepted_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    @model_validator(mode="after")
    def _fill_totals(self) -> ContractData:
        if self.totals is None:
            object.__setattr__(self, "totals", ContractTotals.of(self.positions))
        return self

    @property
    def sums(self) -> ContractTotals:
        """Return the totals (always set after validation)."""
        return self.totals if self.totals is not None else ContractTotals.of(self.positions)

    @property
    def confirmed_at(self) -> datetime:
        """Return when the order was confirmed."""
        return self.accepted_at or self.placed_at


def acceptance_record(data: ContractData) -> str:
    """Return the line recording the electronic confirmation, e.g. "bestätigt am 29.11.2026 um 14:05 Uhr durch …"."""
    local = data.confirmed_at.astimezone(BERLIN)
    signer = plain(data.signer.name)
    email = plain(data.signer.email)
    return (f"bestätigt am {local:%d.%m.%Y} um {local:%H:%M} Uhr durch {signer} ({email}) "
            "– elektronisch im OAA-Shop")


def contract_filename(data: ContractData) -> str:
    """Return a safe ASCII download name, e.g. ``Vertrag_B-2026-00042_Musterstadt.pdf``."""
    parts = ["Vertrag", ascii_slug(data.order_number)[:40], ascii_slug(data.municipality.name, keep="")[:60]]
    return "_".join(part for part in parts if part) + ".pdf"


class _ContractPDF(DocumentPDF):
    """The contract: document title and order number on top."""

    def __init__(self, order_number: str) -> None:
        super().__init__(DOCUMENT_TITLE, f"Bestellung {order_number}", title_extra=25)


def _party_lines(party: ContractParty) -> list[tuple[str, bool]]:
    """Return a party's printed lines as (text, bold)."""
    lines: list[tuple[str, bool]] = [(plain(party.name), True)]
    lines += [(plain(line), False) for line in party.address_lines if plain(line)]
    keys = [("AGS", party.ags), ("ARS", party.ars), ("Leitweg-ID", party.leitweg_id or "")]
    lines += [(f"{label}: {plain(value)}", False) for label, value in keys if plain(value)]
    if plain(party.contact):
        lines.append((f"Ansprechpartner: {plain(party.contact)}", False))
    return lines


def _parties(pdf: _ContractPDF, parties: list[ContractParty]) -> None:
    """Print the parties side by side, or one after the other if a column would not fit on one page."""
    gap = 8.0
    width = (pdf.epw - gap) / 2
    columns = [_party_lines(party) for party in parties]

    def height(lines: list[tuple[str, bool]], w: float) -> float:
        total = 5.0  # role line
        for text, bold in lines:
            pdf.set_font(FONT, "B" if bold else "", 9.5)
            rows = pdf.multi_cell(w, 4.8, text, align=Align.L, dry_run=True, output="LINES",
                                  wrapmode=pdf.wrapmode_for(text, w))
            assert isinstance(rows, list)
            total += 4.8 * len(rows)
        return total

    tallest = max(height(lines, width) for lines in columns)
    available_on_fresh_page = pdf.h - pdf.t_margin - pdf.b_margin
    if tallest > available_on_fresh_page:  # hostile or absurdly long data: full width, may break across pages
        for party, lines in zip(parties, columns, strict=True):
            _party_column(pdf, party, lines, pdf.epw)
            pdf.ln(3)
        return
    if pdf.will_page_break(tallest):
        pdf.add_page()
    top = pdf.get_y()
    bottom = top
    for index, (party, lines) in enumerate(zip(parties, columns, strict=True)):
        x = pdf.l_margin + index * (width + gap)
        pdf.set_xy(x, top)
        _party_column(pdf, party, lines, width, x=x)
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(pdf.l_margin, bottom)


def _party_column(pdf: _ContractPDF, party: ContractParty, lines: list[tuple[str, bool]], width: float,
                  x: float | None = None) -> None:
    left = pdf.l_margin if x is None else x
    pdf.set_x(left)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(90)
    pdf.cell(width, 5, plain(party.role).upper(), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    for text, bold in lines:
        pdf.set_x(left)
        pdf.set_font(FONT, "B" if bold else "", 9.5)
        pdf.multi_cell(width, 4.8, text, align=Align.L, wrapmode=pdf.wrapmode_for(text, width),
                       new_x=XPos.LEFT, new_y=YPos.NEXT)


def _percent(value: int) -> str:
    return f"{value}\u00a0%"


_POSITION_COLUMNS = (
    Column("Produkt", 57, free_text=True),
    Column("Einrichtung", 22, Align.R),
    Column("Lizenz/Jahr", 22, Align.R),
    Column("Förderung", 42),
    Column("zu zahlen", 27, Align.R),
)


def _positions(pdf: _ContractPDF, data: ContractData) -> None:
    rows: list[tuple[str, str, str, str, str]] = []
    for position in data.positions:
        product = clip(plain(position.product_name), CELL_LIMIT)
        details = f"Produkt-ID: {clip(plain(position.product_id), 120)}"
        if position.price_is_sample:
            details += " · Beispielpreis*"
        if position.funding_name:
            funding = (f"{clip(plain(position.funding_name), 200)}\n"
                       f"Einr. {_percent(position.funding_setup_percent)}, Lizenz {_percent(position.funding_licence_percent)}")
        else:
            funding = "–"
        due = f"{euro(position.due_setup_cents)}\n{euro(position.due_yearly_cents)}/Jahr"
        rows.append((f"{product}\n{details}", euro(position.setup_cents), euro(position.yearly_licence_cents), funding, due))
    data_table(pdf, _POSITION_COLUMNS, rows)


def _totals(pdf: _ContractPDF, data: ContractData) -> None:
    totals = data.sums
    lines = [
        ("Summe Einrichtung (Listenpreis)", euro(totals.setup_cents), False),
        ("Summe Lizenz je Jahr (Listenpreis)", euro(totals.yearly_cents), False),
        ("Zu zahlen für die Einrichtung (einmalig, nach Förderung)", euro(totals.due_setup_cents), True),
        ("Zu zahlen für die Lizenzen je Jahr (nach Förderung)", euro(totals.due_yearly_cents), True),
    ]
    if pdf.will_page_break(4 * 5.5 + 3):
        pdf.add_page()
    pdf.ln(2)
    for label, amount, bold in lines:
        pdf.set_font(FONT, "B" if bold else "", 9.5)
        pdf.cell(pdf.epw - 35, 5.5, label, align=Align.R)
        pdf.cell(35, 5.5, amount, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _notes(pdf: _ContractPDF, data: ContractData) -> None:
    programmes = sorted({plain(p.funding_name) for p in data.positions if p.funding_name})
    if programmes:
        names = ", ".join(f"„{clip(name, 200)}“" for name in programmes)
        note = (f"Förderung: Für die ausgewiesenen Produkte gilt {names}. Die geförderten Anteile von Einrichtung und "
                "Lizenz werden der Kommune nicht berechnet; „zu zahlen“ nennt den verbleibenden Betrag.")
    else:
        note = "Förderung: Für diese Bestellung gilt kein Förderprogramm; es gelten die Listenpreise."
    pdf.ln(2)
    pdf.text_block(note, size=8.5, height=4.3)
    if any(p.price_is_sample for p in data.positions):
        pdf.text_block("* Beispielpreis: Der Preis ist ein Beispielwert des OAA-Shops; KISA teilt den verbindlichen "
                       "Preis vor Beginn der Einrichtung mit.", size=8.5, height=4.3)


def _contract_text(pdf: _ContractPDF, data: ContractData) -> None:
    pdf.section(f"Vertragstext (Fassung {plain(data.contract_version)})")
    pdf.text_block(plain(data.contract_title), size=10.5, bold=True, height=5.5)
    pdf.ln(1.5)
    for paragraph in paragraphs(data.contract_body):
        first, _, rest = paragraph.partition("\n")
        if first.lstrip().startswith("§") and len(first) <= 120 and rest:  # "§ 3 Entgelte" as a heading
            if pdf.will_page_break(15):
                pdf.add_page()
            pdf.text_block(first.strip(), size=9.5, bold=True)
            paragraph = rest
        pdf.text_block(paragraph, size=9.5, height=4.6, align=Align.J)
        pdf.ln(2.2)


def _acceptance(pdf: _ContractPDF, data: ContractData) -> None:
    pdf.section("Annahme", keep=45)
    pdf.text_block(f"Die Bestellung {plain(data.order_number)} wurde {acceptance_record(data)}.")
    pdf.ln(2)
    signer = data.signer
    rows = [("Für die Kommune", plain(data.municipality.name)), ("Name", plain(signer.name))]
    if plain(signer.position):
        rows.append(("Funktion", plain(signer.position)))
    rows.append(("E-Mail", plain(signer.email)))
    rows.append(("Vertragsfassung", plain(data.contract_version)))
    label_rows(pdf, rows, 38)
    pdf.ln(2)
    pdf.text_block("Dieses Dokument wurde im OAA-Shop elektronisch erzeugt und gibt die bestätigte Bestellung wieder.",
                   size=8.5, height=4.3)


def render_contract(data: ContractData) -> bytes:
    """Render the contract as PDF bytes; the same data always gives the same bytes."""
    pdf = _ContractPDF(clip(plain(data.order_number), 40))
    pdf.begin(data.placed_at, plain(f"{DOCUMENT_TITLE} {data.order_number}"))

    pdf.text_block("Vertrag über Online-Antragsassistenten", size=15, bold=True, height=7)
    pdf.text_block(f"Bestellbestätigung Nr. {plain(data.order_number)} vom {fmt_datetime(data.placed_at)}",
                   size=10, height=5.5)
    if data.sample_data:
        pdf.sample_banner("Beispieldaten – diese Bestellbestätigung enthält Beispieldaten des OAA-Shops und ist "
                          "kein verbindlicher Vertrag.")

    pdf.section("Vertragsparteien")
    _parties(pdf, [data.municipality, data.kisa])

    pdf.section(f"Bestellte Produkte ({len(data.positions)})")
    if data.positions:
        _positions(pdf, data)
    else:
        pdf.text_block("Keine Produkte.")
    _totals(pdf, data)
    _notes(pdf, data)

    _contract_text(pdf, data)
    _acceptance(pdf, data)
    return bytes(pdf.output())
