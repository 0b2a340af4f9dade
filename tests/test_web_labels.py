"""Labels of clickable elements: an address in user text reads the same but does not become a link inside the label.

A link inside an expander's summary (or a button) is a control within a control: keyboards and screen readers cannot
reach it (axe rule "nested-interactive", WCAG 4.1.2). Markdown makes bare e-mail and web addresses links
(GFM autolinks), so ``md_label`` breaks them with an invisible word joiner.
"""

from __future__ import annotations

import re

import pytest

from web.text import md, md_label

# What GFM turns into a link (after backslash escapes are resolved): e-mail, http(s)://, www.
AUTOLINK = re.compile(r"[\w.+-]@[\w-]|https?://|www\.", re.IGNORECASE)


def _as_markdown_sees(markdown: str) -> str:
    """Return the text GFM looks for addresses in: backslash escapes resolved, the word joiner still there."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _as_read(markdown: str) -> str:
    """Return the text a person reads: escapes resolved, invisible word joiners dropped."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


@pytest.mark.parametrize("text", [
    "Benachrichtigung über den Antragseingang erreicht antraege@musterstadt.example",
    "Formular unter https://amt24.sachsen.de/antrag erreichbar",
    "Hinweis auf www.musterstadt.example veröffentlicht",
])
def test_an_address_in_a_label_reads_as_typed_but_is_no_link(text: str):
    assert AUTOLINK.search(_as_markdown_sees(md(text)))  # plain escaping leaves the address a link
    label = md_label(text)
    assert not AUTOLINK.search(_as_markdown_sees(label))
    assert _as_read(label) == text


def test_text_without_addresses_is_escaped_as_usual():
    text = "Transferverzeichnis *eingerichtet* [x] (Beispiel) – 14999001"
    assert md_label(text) == md(text)
    assert _as_read(md_label(text)) == text
