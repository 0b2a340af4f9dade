"""The documents' table helper: heading on every page, rows never split across pages, long words wrapped inside."""

from __future__ import annotations

import io
import re

from fpdf.enums import Align
from pypdf import PdfReader

from documents.layout import DocumentPDF
from documents.tables import FAILURE, Column, data_table

COLUMNS = (Column("Nr.", 12, Align.R), Column("Prüfpunkt", 70, free_text=True), Column("Ergebnis", 30))


def pages_of(pdf: DocumentPDF) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(bytes(pdf.output()))).pages]


def test_the_heading_repeats_and_every_row_stays_on_one_page() -> None:
    pdf = DocumentPDF("Titel", "rechts")
    pdf.add_page()
    rows = [(str(n), f"Anfang{n} " + "Prüfung der Einstellung " * (n % 9) + f"Ende{n}", "in Ordnung") for n in range(1, 90)]
    data_table(pdf, COLUMNS, rows)
    pages = pages_of(pdf)
    assert len(pages) >= 4
    for page in pages:
        assert page.count("Nr. Prüfpunkt Ergebnis") == 1
    for n in range(1, 90):
        holding = [index for index, page in enumerate(pages) if f"Anfang{n} " in page]
        assert len(holding) == 1 and f"Ende{n}" in pages[holding[0]], n


def test_an_endless_word_is_printed_whole_and_failures_are_printed() -> None:
    pdf = DocumentPDF("Titel", "rechts")
    pdf.add_page()
    word = "Ü" + "x" * 300
    data_table(pdf, COLUMNS, [("1", word, "Fehler"), ("2", "kurz", "in Ordnung")],
               cell_style=lambda column, text: FAILURE if text == "Fehler" else None)
    text = pages_of(pdf)[0]
    assert "".join(text.split()).count("x") == 300  # all of it, over several lines of the column
    assert "Fehler" in text and "2 kurz in Ordnung" in text
