"""The DejaVu fonts parsed once per process and handed to each new PDF as a fresh copy.

``FPDF.add_font`` parses the TrueType file (glyph table, widths, cmap) on every call: 35–70 ms for the two fonts of
each document. The parsed widths, cmap and glyph ids never change, so one parse is shared; what a document changes is
new for each copy: the glyph subset it collects, the missing-glyph list, and the fontTools font that ``output()``
subsets in place (opened lazily, which costs nothing until the subset is written).
"""

from __future__ import annotations

import copy
import io
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from documents.plain import BOLD_FONT, REGULAR_FONT

FONT = "DejaVu"
_STYLES = {"": REGULAR_FONT, "B": BOLD_FONT}
# Tables the embedded subset never contains: fpdf2's output() drops these (fpdf.output, ``options.drop_tables``), and
# fontTools drops the old "kern" table of a font that has GPOS. Reading them only to drop them cost a third of the
# subsetting (GSUB is decompiled for a 64k-glyph check first), so they go once, before any document.
_DROPPED_BEFORE_SUBSET = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT",
                          "EBLC", "EBSC", "SVG ", "CPAL", "COLR", "kern")


@cache
def _subset_source(path: Path) -> bytes:
    font = TTFont(path, recalcTimestamp=False, lazy=True)
    for tag in _DROPPED_BEFORE_SUBSET:
        if tag in font:
            del font[tag]
    buffer = io.BytesIO()
    font.save(buffer)
    font.close()
    return buffer.getvalue()


@cache
def _parsed() -> dict[str, TTFFont]:
    template = FPDF()
    for style, path in _STYLES.items():
        template.add_font(FONT, style, str(path))
    fonts = {key: font for key, font in template.fonts.items() if isinstance(font, TTFFont)}
    assert len(fonts) == len(_STYLES)
    return fonts


def fresh_fonts() -> dict[str, TTFFont]:
    """Return the document fonts by fpdf2 font key (``dejavu``, ``dejavuB``), ready for one new document."""
    fonts: dict[str, TTFFont] = {}
    for key, parsed in _parsed().items():
        font = copy.copy(parsed)  # shares the parsed widths, cmap, glyph ids and font descriptor (read only)
        font.ttfont = TTFont(io.BytesIO(_subset_source(Path(parsed.ttffile))), recalcTimestamp=False, lazy=True)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        fonts[key] = font
    return fonts
