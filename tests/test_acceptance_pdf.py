"""The Abnahmeprotokoll as a PDF: read back with pypdf — overview, items with outcome and tester, remarks, signature."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from documents.acceptance import AcceptanceData, acceptance_filename, render_acceptance, sample_acceptance


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_overview_items_remarks_and_signature_are_printed():
    pages = pages_of(render_acceptance(sample_acceptance()))
    text = flat(" ".join(pages))
    assert pages[0].startswith("Abnahmeprotokoll Online-Antragsassistent 14627999 · meldebescheinigung")
    for expected in (
        "Meldebescheinigung (§ 18 BMG)", "Stadt Musterstadt (AGS 14627999) – Testrunde 1",
        "Beispieldaten – dieses Abnahmeprotokoll gehört zu einer Beispielkommune",
        "Produktversion 1.3", "Go-Live (Wartungsmodus) 07.12.2026, 09:30 Uhr",  # UTC 08:30 is 09:30 in Berlin
        "Testpersonen Tina Test, Jürgen Groß", "Ergebnis 11 Prüfpunkte: 10 in Ordnung, 1 entfällt, 0 Fehler",
        "Abnahme erteilt am 14.12.2026, 10:00 Uhr", "Abnahme erteilt durch Änne Weiß (aenne.weiss@musterstadt.example)",
        "Prüfpunkte (11)", "Nr. Prüfpunkt Ergebnis Testperson, erfasst Bemerkung",
        "Anmeldung mit dem Servicekonto auf Amt24 funktioniert in Ordnung Tina Test 10.12.2026, 11:00 Uhr",
        "Keine Verwaltungsgemeinschaft.", "(produktspezifisch)",
        "Vielen Dank an KISA für die schnelle Korrektur der Gebührenanzeige.",
        "Elektronisch erteilt im OAA-Shop am 14.12.2026, 10:00 Uhr durch Änne Weiß.",
        "Ort, Datum", "Unterschrift (Änne Weiß)",
    ):
        assert expected in text, expected


def test_a_long_record_repeats_header_and_numbers_every_page():
    pages = pages_of(render_acceptance(sample_acceptance(extra_items=40)))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert page.startswith("Abnahmeprotokoll Online-Antragsassistent 14627999 · meldebescheinigung")
        assert page.rstrip().endswith(f"Seite {number} von {len(pages)}")
    assert "Nr. Prüfpunkt Ergebnis" in flat(pages[1])  # the table heading repeats


def test_failures_without_remarks_and_hostile_text_are_printed_plainly():
    base = sample_acceptance().model_dump()
    base["items"][0] |= {"outcome": "failed", "outcome_name": "Fehler", "note": "Kachel\u202efehlt <b>fett</b>\x00"}
    data = AcceptanceData.model_validate(base | {"remarks": "", "sample_data": False,
                                                 "municipality_name": "Gemeinde {nb} \u202eTal"})
    text = flat(" ".join(pages_of(render_acceptance(data))))
    assert "Kachelfehlt <b>fett</b>" in text and "Bemerkungen zur Abnahme keine" in text
    assert "Gemeinde {nb} Tal" in text and "Beispieldaten" not in text
    assert "9 in Ordnung, 1 entfällt, 1 Fehler" in text


def test_the_same_data_gives_the_same_bytes_and_a_safe_file_name():
    data = sample_acceptance()
    assert render_acceptance(data) == render_acceptance(data)
    assert acceptance_filename(data) == "Abnahmeprotokoll_meldebescheinigung_Stadt_Musterstadt_Runde1.pdf"
