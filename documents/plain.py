"""Make untrusted text safe to print as plain PDF text: no control or direction characters, only glyphs we have."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR_FONT = FONT_DIR / "DejaVuSans.ttf"
BOLD_FONT = FONT_DIR / "DejaVuSans-Bold.ttf"

# Cc control, Cf format (bidi overrides, zero-width, BOM, soft hyphen), Cs surrogates, Co private use, Cn unassigned.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_REPLACEMENT = "\ufffd"  # shown for characters DejaVu Sans cannot draw (e.g. emoji, CJK)
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"})


@cache
def printable_code_points() -> frozenset[int]:
    """Return the code points both shipped fonts (regular and bold) can draw."""
    regular = TTFont(REGULAR_FONT, lazy=True)
    bold = TTFont(BOLD_FONT, lazy=True)
    try:
        return frozenset(regular.getBestCmap()) & frozenset(bold.getBestCmap())
    finally:
        regular.close()
        bold.close()


def plain(text: str, *, multiline: bool = False) -> str:
    """Return ``text`` as printable plain text: controls dropped, tabs as spaces, newlines kept only if ``multiline``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.replace("\t", " ")
    if not multiline:
        text = text.replace("\n", " ")
    printable = printable_code_points()
    out: list[str] = []
    for char in text:
        if char == "\n":
            out.append(char)
        elif unicodedata.category(char) in _DROPPED_CATEGORIES:
            continue
        elif ord(char) in printable or char == " ":
            out.append(char)
        else:
            out.append(_REPLACEMENT)
    result = "".join(out)
    return result if multiline else result.strip()


def clip(text: str, limit: int) -> str:
    """Shorten ``text`` to at most ``limit`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def paragraphs(body: str) -> list[str]:
    """Split a contract body into paragraphs at blank lines; single line breaks stay inside a paragraph."""
    cleaned = plain(body, multiline=True)
    parts = re.split(r"\n[ \u00a0]*\n", cleaned)
    return [part.strip("\n").rstrip() for part in parts if part.strip()]


def ascii_slug(text: str, *, keep: str = "-") -> str:
    """Transliterate German umlauts and ß, drop other non-ASCII, join words with ``_`` (for file names)."""
    text = plain(text).translate(_TRANSLITERATION)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    allowed = re.escape(keep)
    text = re.sub(rf"[^A-Za-z0-9{allowed}]+", "_", text)
    return text.strip("_-")
