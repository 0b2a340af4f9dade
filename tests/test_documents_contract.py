"""The contract PDF: German text intact, page numbers, byte-stable output, hostile text printed as plain text."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject

from core.money import euro
from documents import (
    ContractData,
    ContractParty,
    ContractPosition,
    ContractSigner,
    contract_filename,
    render_contract,
)
from documents.contract import acceptance_record
from documents.plain import plain
from documents.sample import sample_contract

ROOT = Path(__file__).resolve().parents[1]
BODY = (
    "§ 1 Gegenstand\nKISA stellt der Kommune die „Online-Antragsassistenten“ bereit – größtmöglich "
    "barrierefrei …\n\n"
    "§ 2 Entgelte\nDie Gebühren für Übermittlung und Änderungen trägt die Öffentlichkeit äußerst selten."
)


def contract(**changes: object) -> ContractData:
    """Return a small valid contract, with ``changes`` applied (validated again)."""
    base = ContractData(
        order_number="B-2026-00042",
        placed_at=datetime(2026, 11, 29, 13, 5, tzinfo=UTC),
        municipality=ContractParty(
            role="Auftraggeber (Kommune)", name="Gemeinde Großschönau", address_lines=["Hauptstraße 1", "02779 Großschönau"],
            ags="14626140", ars="146260140140", leitweg_id=None, contact="Änne Weiß, aenne.weiss@grossschoenau.de",
        ),
        positions=[
            ContractPosition(product_name="Anmeldung einer Wohnung", product_id="99115005001000", setup_cents=123456,
                             yearly_licence_cents=24900, funding_name="Förderung Sachsen 2022–2024",
                             funding_setup_percent=75, funding_licence_percent=50, due_setup_cents=30864,
                             due_yearly_cents=12450, price_is_sample=True),
            ContractPosition(product_name="Hundesteuer – Anmeldung", product_id="99108011001000", setup_cents=99900,
                             yearly_licence_cents=12000, due_setup_cents=99900, due_yearly_cents=12000),
        ],
        contract_version="2026-1",
        contract_title="Mustervertrag über Online-Antragsassistenten",
        contract_body=BODY,
        signer=ContractSigner(name="Jürgen Groß", position="Bürgermeister", email="juergen.gross@grossschoenau.de"),
    )
    values = {**base.model_dump(), **changes}
    if "positions" in changes and "totals" not in changes:
        values["totals"] = None  # recomputed from the new positions
    return ContractData.model_validate(values)


def pdf_text(data: bytes) -> tuple[PdfReader, list[str]]:
    """Return the reader and each page's extracted text."""
    reader = PdfReader(io.BytesIO(data))
    return reader, [page.extract_text() for page in reader.pages]


def body_text(pages: list[str]) -> str:
    """Join the pages without their running header and footer (which would split text crossing a page break)."""
    header = re.compile(r"^Vertrag über Online-Antragsassistenten – Bestellbestätigung Bestellung \S+\n")
    footer = re.compile(r"\n?Seite \d+ von \d+\s*$")
    return "\n".join(footer.sub("", header.sub("", page)) for page in pages)


def flat(text: str) -> str:
    """Collapse whitespace (line breaks from wrapping, no-break spaces) to single spaces."""
    return " ".join(text.replace("\u00a0", " ").split())


def test_german_text_money_and_page_numbers_survive() -> None:
    reader, pages = pdf_text(render_contract(contract()))
    text = flat(" ".join(pages))
    for expected in ["Großschönau", "Änne Weiß", "Jürgen Groß", "Übermittlung", "Öffentlichkeit", "äußerst",
                     "„Online-Antragsassistenten“", "barrierefrei …", "2022–2024", "B-2026-00042",
                     "Anmeldung einer Wohnung", "Hundesteuer – Anmeldung", "99115005001000", "99108011001000",
                     "1.234,56 €", "249,00 €", "308,64 €", "Kommunale Informationsverarbeitung Sachsen – KISA",
                     "Eilenburger Straße 1a", "04317 Leipzig", "AGS: 14626140", "ARS: 146260140140",
                     "Vertrag über Online-Antragsassistenten – Bestellbestätigung", "75 %", "Beispielpreis"]:
        assert expected in text, expected
    assert "Leitweg-ID" not in text  # optional and missing here
    assert flat(euro(123456)) == "1.234,56 €"
    assert f"Seite 1 von {len(pages)}" in flat(pages[0])
    assert "Beispieldaten" not in text
    assert reader.metadata is not None and reader.metadata.creation_date == datetime(2026, 11, 29, 13, 5, tzinfo=UTC)


def test_totals_and_acceptance_record() -> None:
    data = contract()
    text = flat(" ".join(pdf_text(render_contract(data))[1]))
    assert flat(euro(123456 + 99900)) == "2.233,56 €"
    assert "2.233,56 €" in text and "1.307,64 €" in text  # set-up: list and due
    record = acceptance_record(data)
    assert record == ("bestätigt am 29.11.2026 um 14:05 Uhr durch Jürgen Groß (juergen.gross@grossschoenau.de) "
                      "– elektronisch im OAA-Shop")
    assert record in text
    assert "Bürgermeister" in text


def test_sample_data_is_marked() -> None:
    text = flat(" ".join(pdf_text(render_contract(contract(sample_data=True)))[1]))
    assert "Beispieldaten" in text


def test_many_positions_give_several_numbered_pages() -> None:
    data = sample_contract(150)
    _, pages = pdf_text(render_contract(data))
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert f"Seite {number} von {len(pages)}" in flat(page)
    text = flat(" ".join(pages))
    for position in data.positions:
        assert position.product_id in text
    assert text.count("Produkt Einrichtung Lizenz/Jahr Förderung zu zahlen") >= 3  # headings repeat on each page


def test_same_data_gives_identical_bytes() -> None:
    data = sample_contract(20)
    first = render_contract(data)
    assert render_contract(data) == first
    assert render_contract(ContractData.model_validate(data.model_dump())) == first


def test_identical_bytes_in_another_process() -> None:
    code = ("import hashlib, sys; from documents import render_contract; from documents.sample import sample_contract; "
            "sys.stdout.write(hashlib.sha256(render_contract(sample_contract(20))).hexdigest())")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert other.stdout == hashlib.sha256(render_contract(sample_contract(20))).hexdigest()


def test_placed_at_changes_the_document() -> None:
    assert render_contract(contract()) != render_contract(contract(placed_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC)))


HOSTILE = {
    "script": "<script>alert('x')</script> &amp; <b>fett</b> **kein Markdown** [Link](https://evil.example)",
    "javascript": "javascript:alert(1) https://evil.example/?q=1 mailto:a@b.de",
    "controls": "Null\x00Byte\u202eesrever\u202c Zero\u200bWidth\x1b[31mrot\ufeff Ende",
    "page_alias": "Produkt {nb} von {n}",
    "long_word": "Ü" + "x" * 5000,
    "huge": ("Sehr langer Text mit Wörtern. " * 3500)[:100_000],
    "emoji": "Rathaus 🏛 und 漢字",
}


def assert_plain_pdf(data: bytes) -> list[str]:
    """Check the PDF has no links or scripts and return its pages' text."""
    reader, pages = pdf_text(data)
    for page in reader.pages:
        assert "/Annots" not in page, "no link annotations"
    for marker in (b"/URI", b"/JavaScript", b"/JS", b"/AA", b"/Launch", b"/AcroForm"):
        assert marker not in data
    open_action = reader.trailer["/Root"].get("/OpenAction")
    assert open_action is None or isinstance(open_action, ArrayObject)  # fpdf2's zoom: a destination, not an action
    return pages


@pytest.mark.parametrize("field", ["product", "municipality", "body", "signer"])
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_text_renders_as_plain_text(field: str, kind: str) -> None:
    value = HOSTILE[kind]
    if field == "product":
        base = contract()
        first = base.positions[0].model_copy(update={"product_name": value})
        data = contract(positions=[first.model_dump(), base.positions[1].model_dump()])
    elif field == "municipality":
        data = contract(municipality={**contract().municipality.model_dump(), "name": value, "contact": value})
    elif field == "body":
        data = contract(contract_body=f"{BODY}\n\n{value}")
    else:
        data = contract(signer={"name": value, "position": value, "email": "x@example.org"})
    pages = assert_plain_pdf(render_contract(data))
    text = flat(" ".join(pages))
    assert "B-2026-00042" in text and f"Seite {len(pages)} von {len(pages)}" in flat(pages[-1])
    expected = flat(plain(value))
    if kind in {"script", "javascript", "page_alias", "emoji"}:
        assert expected in text
    elif kind == "controls":
        assert "NullByte" in text and "esrever" in text and "ZeroWidth" in text
        assert "\x00" not in text and "\u202e" not in text and "\u200b" not in text and "\x1b" not in text
    elif kind == "long_word":
        joined = "".join(body_text(pages).split())
        assert "Ü" + "x" * 300 in joined  # wrapped across lines (and cut with "…" inside the products table)
        if field != "product":
            assert "Ü" + "x" * 5000 in joined
    else:
        assert text.count("Sehr langer Text mit Wörtern.") >= (15 if field == "product" else 3000)


def test_controls_are_stripped_and_glyphs_replaced() -> None:
    assert plain("a\x00b\u202ec\u2066d\u00ade\tf\ng") == "abcde f g"
    assert plain("Zeile 1\r\nZeile 2", multiline=True) == "Zeile 1\nZeile 2"
    assert plain("Rathaus 🏛") == "Rathaus \ufffd"
    assert plain("Straße – „Zitat“ … 1.234,56\u00a0€") == "Straße – „Zitat“ … 1.234,56\u00a0€"


def test_funding_note_and_empty_order() -> None:
    text = flat(" ".join(pdf_text(render_contract(contract(positions=[])))[1]))
    assert "Keine Produkte." in text and "kein Förderprogramm" in text and "0,00 €" in text


def test_naive_placed_at_is_taken_as_utc() -> None:
    naive = contract(placed_at=datetime(2026, 11, 29, 13, 5))
    assert naive.placed_at.tzinfo is UTC
    assert render_contract(naive) == render_contract(contract())


@pytest.mark.parametrize(
    ("number", "name", "expected"),
    [
        ("B-2026-00042", "Musterstadt", "Vertrag_B-2026-00042_Musterstadt.pdf"),
        ("B-2026-00042", "Großschönau", "Vertrag_B-2026-00042_Grossschoenau.pdf"),
        ("B-2026-00042", "Bad Düben (Stadt) – Ämter", "Vertrag_B-2026-00042_Bad_Dueben_Stadt_Aemter.pdf"),
        ("../../etc/passwd", "..\\..\\Windows", "Vertrag_etc_passwd_Windows.pdf"),
        ("B-1", "Ćirić\x00\u202eevil.exe", "Vertrag_B-1_Ciricevil_exe.pdf"),
        ("B-1", "🏛🏛", "Vertrag_B-1.pdf"),
        ("", "", "Vertrag.pdf"),
    ],
)
def test_contract_filename(number: str, name: str, expected: str) -> None:
    data = contract(order_number=number, municipality={**contract().municipality.model_dump(), "name": name})
    assert contract_filename(data) == expected


def test_contract_filename_is_short_and_ascii() -> None:
    data = contract(municipality={**contract().municipality.model_dump(), "name": "Ä" * 500})
    filename = contract_filename(data)
    assert filename.isascii() and len(filename) <= 120 and "/" not in filename and "\\" not in filename


def test_fonts_and_licence_are_shipped_in_the_package() -> None:
    fonts = ROOT / "documents" / "fonts"
    assert (fonts / "DejaVuSans.ttf").stat().st_size > 100_000
    assert (fonts / "DejaVuSans-Bold.ttf").stat().st_size > 100_000
    assert "Bitstream" in (fonts / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
    assert b"DejaVuSans" in render_contract(contract())


def test_documents_package_does_not_import_streamlit_or_the_database() -> None:
    code = ("import sys, documents, documents.sample; "
            "bad = [m for m in sys.modules if m.split('.')[0] in {'streamlit', 'sqlmodel', 'sqlalchemy'}]; "
            "print(bad)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
