"""The documents' fast text layout prints exactly what fpdf2's own ``multi_cell`` prints: same lines, same bytes."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from fpdf.enums import Align, MethodReturnValue, WrapMode, XPos, YPos
from fpdf.errors import FPDFException

from documents.acceptance import render_acceptance, sample_acceptance
from documents.configuration import render_configuration, sample_configuration
from documents.contract import render_contract
from documents.layout import FONT, DocumentPDF
from documents.sample import sample_contract

WORDS = ["Antrag", "Kommune", "Online-Antragsassistent", "Gehölzschutzsatzung", "§", "1.234,56\u00a0€", "„Zitat“",
         "Straße", "KISA", "Verwaltungsgemeinschaftsvereinbarung", "a", "—", "Bürgeramt", "x" * 40, "75\u00a0%"]


def sample_texts(count: int) -> list[str]:
    """Return texts with the shapes users type: single/double spaces, line breaks, blank lines, very long words."""
    rng = random.Random(8)
    texts = ["", " ", "\n", "a\n", "\n\nb", "Ein  doppelter   Abstand  am Ende  ", "Ü" + "x" * 300,
             "Zeile eins\nZeile zwei\n\nAbsatz drei endet hier\n"]
    for _ in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(1, 60))]
        separators = [rng.choice([" ", " ", " ", " ", "  ", "\n", "\u00a0"]) for _ in words]
        texts.append("".join(word + separator for word, separator in zip(words, separators, strict=True)).strip(" "))
    return texts


def render(fast: bool, texts: list[str], **options: object) -> tuple[bytes, list[object]]:
    pdf = DocumentPDF("Titel", "rechts")
    pdf.fast_text = fast
    pdf.set_creation_date(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))
    pdf.add_page()
    measured: list[object] = []
    for index, text in enumerate(texts):
        pdf.set_font(FONT, "B" if index % 3 == 0 else "", (8.5, 9.5, 11)[index % 3])
        measured.append(pdf.multi_cell(**options, text=text, dry_run=True,
                                       output=MethodReturnValue.LINES | MethodReturnValue.HEIGHT))
        pdf.multi_cell(**options, text=text)
    return bytes(pdf.output()), measured


@pytest.mark.parametrize("options", [
    {"w": 0, "h": 4.8, "align": Align.J, "new_x": XPos.LMARGIN, "new_y": YPos.NEXT},
    {"w": 57, "h": 4.2, "align": Align.L, "new_x": XPos.RIGHT, "new_y": YPos.TOP, "padding": (1.2, 1.2),
     "max_line_height": 4.2},
    {"w": 42, "h": 5, "align": Align.R, "wrapmode": WrapMode.CHAR, "new_x": XPos.LEFT, "new_y": YPos.NEXT},
    {"w": 80, "h": 4.3, "align": Align.C, "new_x": XPos.LMARGIN, "new_y": YPos.LAST, "padding": (2, 0, 1, 3)},
    {"w": 120, "align": Align.J, "wrapmode": WrapMode.CHAR},
])
def test_fast_layout_gives_the_same_lines_heights_and_bytes_as_fpdf2(options: dict[str, object]) -> None:
    texts = sample_texts(60)
    fast, fast_measured = render(True, texts, **options)
    slow, slow_measured = render(False, texts, **options)
    assert fast_measured == slow_measured
    assert fast == slow


def test_a_character_wider_than_the_cell_fails_like_fpdf2() -> None:
    for fast in (True, False):
        pdf = DocumentPDF("Titel", "rechts")
        pdf.fast_text = fast
        pdf.add_page()
        pdf.set_font(FONT, "", 40)
        with pytest.raises(FPDFException, match="Not enough horizontal space"):
            pdf.multi_cell(w=3, h=5, text="WWW")


@pytest.mark.parametrize("render_document", [
    lambda: render_contract(sample_contract(40)),
    lambda: render_configuration(sample_configuration(3)),
    lambda: render_acceptance(sample_acceptance(25)),
])
def test_documents_are_byte_identical_to_fpdf2s_own_layout(render_document, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = render_document()
    monkeypatch.setattr(DocumentPDF, "fast_text", False)
    assert render_document() == fast


def test_shared_fonts_carry_nothing_from_one_document_into_the_next() -> None:
    """The parsed fonts are shared; each document's glyph subset must still be its own."""
    first = render_contract(sample_contract(3))
    greek = sample_contract(3).model_copy(update={"contract_title": "Ωμέγα Ψυχή Ђурђевак"})
    assert render_contract(greek) != first
    assert render_contract(sample_contract(3)) == first
