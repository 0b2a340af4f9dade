"""Text normalisation for search: case, umlauts and ß, words, legal references, LeiKa keys."""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
_WORD = re.compile(r"[a-z0-9]+")
# "§ 18 BMG", "§§ 36, 42, 50 BMG", "§ 28 Abs. 3 BWO", "Art. 5 DSGVO"
_LEGAL = re.compile(
    r"(?:§§?|art\.?|artikel)\s*(\d+[a-z]?(?:\s*(?:abs\.?|absatz)\s*\d+)?(?:\s*(?:,|und|u\.)\s*\d+[a-z]?)*)\s+"
    r"([a-z][a-z0-9-]{1,15})",
    re.IGNORECASE,
)
_PARAGRAPH = re.compile(r"(\d+[a-z]?)(?:\s*(?:abs\.?|absatz)\s*\d+)?", re.IGNORECASE)
STOPWORDS = frozenset(
    "der die das den dem des und oder fuer von vom zur zum im in an am auf aus bei mit ein eine einer "
    "eines einen ist sind zu als nach ueber unter bzw".split()
)


def fold(text: str) -> str:
    """Lower-case, write umlauts and ß as ae/oe/ue/ss, drop other accents and control characters."""
    text = unicodedata.normalize("NFC", text).lower().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch) and (ch.isprintable() or ch == " "))


def words(text: str) -> list[str]:
    """Return the folded words of ``text`` (letters and digits)."""
    return _WORD.findall(fold(text))


def query_terms(text: str) -> list[str]:
    """Return the words of a query worth matching: no stopwords, no single letters, no duplicates."""
    seen: dict[str, None] = {}
    for word in words(text):
        if (len(word) >= 2 or word.isdigit()) and word not in STOPWORDS:
            seen.setdefault(word, None)
    return list(seen)


def legal_refs(text: str) -> set[str]:
    """Return normalised legal references in ``text``, e.g. ``{"18 bmg"}`` or ``{"36 bmg", "42 bmg"}``."""
    refs = set()
    for numbers, law in _LEGAL.findall(fold(text)):
        for paragraph in _PARAGRAPH.findall(numbers):
            refs.add(f"{paragraph.lower()} {law.lower()}")
    return refs
