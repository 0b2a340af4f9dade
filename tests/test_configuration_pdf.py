"""The configuration PDF: labels and answers readable, German dates and amounts, page numbers, hostile text inert."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from pypdf import PdfReader

from documents.configuration import (
    EMPTY,
    ConfigurationAnswer,
    ConfigurationData,
    ConfigurationSection,
    PersonEntry,
    answer_lines,
    configuration_filename,
    render_configuration,
    sample_configuration,
)


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def with_section(*answers: ConfigurationAnswer, **changes: object) -> ConfigurationData:
    """Return the sample with one more section holding ``answers``."""
    base = sample_configuration()
    section = ConfigurationSection(key="extra", title="Zusätzliche Angaben", answers=list(answers))
    return ConfigurationData.model_validate({**base.model_dump(), "sections": [*base.model_dump()["sections"],
                                                                              section.model_dump()], **changes})


def test_title_overview_labels_and_answers_are_printed():
    pages = pages_of(render_configuration(sample_configuration()))
    text = flat(" ".join(pages))
    assert pages[0].startswith("Konfiguration Online-Antragsassistent")
    for expected in (
        "Meldebescheinigung (§ 18 BMG)", "Stadt Musterstadt (AGS 14627999) – Fassung 2", "Produktversion 2.3",
        "ARS 146270999999", "Nr. 42, Stand 17", "Status Konfiguration eingereicht",
        "Eingereicht am 30.11.2026, 16:45 Uhr durch Änne Weiß",  # UTC 15:45 is 16:45 in Berlin (winter)
        "Zuletzt geändert 30.11.2026, 16:40 Uhr", "Exportiert am 01.12.2026, 10:30 Uhr",
        "Ansprechpartner", "Fachliche:r Ansprechpartner:in – E-Mail aenne.weiss@musterstadt.example",
        "Fachliche:r Ansprechpartner:in – Telefon +49 351 1234567",
        f"Abteilung – Telefon {EMPTY}",
        "Testpersonen Tina Test, tina.test@musterstadt.example, +49 351 12345678 "
        "Jürgen Groß, juergen.gross@musterstadt.example",
        "Alle Testpersonen haben ein Servicekonto auf Amt24. bestätigt",
        "Die Kommune ist an das KDN angebunden. Nein",
        r"Transferverzeichnis (Pfad im KDN) \\kdn-fs01\transfer\oaa",
        "Bitte neu einrichten. Ansprechpartner bei Lecos ist informiert.",
        "Coswig, Stadt (14627010) Radebeul, Stadt (14627210)",
        "Gebühr in Euro 12,50 €", "Bearbeitungszeit in Tagen 2,5",
    ):
        assert expected in text, expected


def test_every_page_has_the_header_and_its_number():
    pages = pages_of(render_configuration(sample_configuration(extra_sections=6)))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert page.startswith("Konfiguration Online-Antragsassistent 14627999 · meldebescheinigung")
        assert page.rstrip().endswith(f"Seite {number} von {len(pages)}")


def test_a_draft_says_so_and_unknown_municipalities_are_named_as_such():
    data = with_section(
        ConfigurationAnswer(key="x.gemeinden", label="Gemeinden", kind="gemeinden", value=["14000000"]),
        submission_number=None, submitted_at=None, submitted_by="")
    text = flat(" ".join(pages_of(render_configuration(data))))
    assert "Fassung Entwurf (nicht eingereicht)" in text and "Eingereicht am noch nicht eingereicht" in text
    assert "unbekannte Gemeinde (14000000)" in text


def test_answer_lines_format_each_kind():
    def lines(kind: str, value: object) -> list[str]:
        return answer_lines(ConfigurationAnswer(key="k", label="L", kind=kind, value=value), {"14627210": "Radebeul"})

    assert lines("ja_nein", True) == ["Ja"] and lines("bestaetigung", False) == ["nicht bestätigt"]
    assert lines("betrag", 123456) == ["1.234,56\u00a0€"] and lines("betrag", 0) == ["0,00\u00a0€"]
    assert lines("zahl", 14) == ["14"] and lines("zahl", 2.5) == ["2,5"]
    assert lines("telefon", "+493511234567") == ["+49 351 1234567"]
    assert lines("gemeinden", ["14627210"]) == ["Radebeul (14627210)"]
    assert lines("personen", [PersonEntry(name="A B", email="a@b.example")]) == ["A B, a@b.example"]
    assert lines("langtext", "eins\n\nzwei") == ["eins", "", "zwei"]
    for empty in (None, "", []):
        assert lines("text", empty) == [EMPTY]


def test_same_data_gives_the_same_bytes():
    data = sample_configuration()
    first = render_configuration(data)
    assert render_configuration(data) == first
    assert PdfReader(io.BytesIO(first)).metadata.creation_date == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def test_hostile_text_is_printed_as_plain_text():
    long_text = "Sehr lange Angabe " * 560  # about 10,000 characters
    long_word = "X" * 10_000
    data = with_section(
        ConfigurationAnswer(key="a", label="Skript", kind="text", value="<script>alert('x')</script>"),
        ConfigurationAnswer(key="b", label="Steuerzeichen", kind="text", value="Vor\x00\x07\x1b[31mher\u202eTXT\u200b"),
        ConfigurationAnswer(key="c", label="Lang", kind="langtext", value=long_text),
        ConfigurationAnswer(key="d", label="Ein Wort", kind="text", value=long_word),
        ConfigurationAnswer(key="e", label="Platzhalter", kind="text", value="{nb} %PDF-1.4 \\(x\\) ) ("),
        ConfigurationAnswer(key="f", label="Emoji", kind="text", value="Grüße 🎉 漢字"),
        ConfigurationAnswer(key="g", label="Person", kind="personen",
                            value=[PersonEntry(name="\u202eEvil\u202c", email="<b>@x.example", telefon="kaputt")]),
        municipality_name="Gemeinde \u202e<script>\x00" + "Z" * 300, product_name="Produkt " + "Y" * 5000,
        product_id="x" * 500,
    )
    pdf = render_configuration(data)
    pages = pages_of(pdf)
    text = "".join(pages)
    assert "<script>alert('x')</script>" in text
    assert "Vor[31mherTXT" in text  # control and direction characters removed, the rest kept
    assert "\u202e" not in text and "\x00" not in text and "\x1b" not in text
    assert "{nb} %PDF-1.4" in text  # not replaced by the page count
    assert flat(text).count("Sehr lange Angabe") == 560
    assert text.replace("\n", "").count("X" * 200) >= 1  # the long word is broken, not lost
    assert "Evil, <b>@x.example, kaputt" in text
    assert "Grüße" in text
    for number, page in enumerate(pages, start=1):
        assert page.rstrip().endswith(f"Seite {number} von {len(pages)}")


def test_filename_is_ascii():
    data = sample_configuration().model_copy(update={"municipality_name": "Großschönau/../\u202eÖ"})
    name = configuration_filename(data)
    assert name == "Konfiguration_meldebescheinigung_Grossschoenau_Oe.pdf"
    assert name.isascii() and "/" not in name
