"""Clean text a person typed before it is checked and stored (shared by every domain package)."""

from __future__ import annotations

import re
import unicodedata

# Direction overrides and isolates can make stored text read differently from what it is (spoofing).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_free_text(raw: str, *, multiline: bool) -> str:
    """Keep what was typed; drop only control characters (NUL, escapes) and direction overrides, trim the ends.

    A single-line answer gets a space for a line break (pasted text keeps its words apart); spaces such as
    the no-break space are kept, and so are invisible joiners that names and emoji need (format characters).
    """
    allowed = {"\n", "\t"} if multiline else {"\t"}
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = text.replace("\n", " ")
    return "".join(
        ch for ch in text
        if ch in allowed
        or (ch not in BIDI_CONTROLS and (ch.isprintable() or unicodedata.category(ch) in ("Zs", "Cf")))
    ).strip()


_MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~:$=&"  # "=": a line of them makes a heading; "&": entities
# Streamlit turns :material/name:, :streamlit: and emoji short codes into icons even when the colons are escaped
# (it rewrites the source before parsing): a word joiner after the colon keeps them text, and is invisible.
_SHORT_CODE = re.compile(r":(?=material/|streamlit:|[A-Za-z][\w+-]*:)")
WORD_JOINER = "\u2060"


def markdown_escape(text: str) -> str:
    """Escape text for Markdown: no links, images, emphasis, HTML, LaTeX, Streamlit directives or icons come from it."""
    text = _SHORT_CODE.sub(":" + WORD_JOINER, text)
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


MAX_SEARCH = 100


def search_text(raw: str) -> str:
    """Return what a search box may look for: one cleaned line of at most 100 characters (NUL or a 100,000-character
    paste would make the database refuse the query)."""
    return clean_free_text(raw, multiline=False)[:MAX_SEARCH]
