"""Hostile strings for every free-text field, and checks that they come out inert in pages, mails and PDFs.

Each string attacks one output: HTML and Markdown in pages, Streamlit's own Markdown directives, LaTeX, Jinja in
mail templates, headers of a mail, SQL, PostgreSQL's refusal of NUL, terminals (ANSI escapes), spoofing with
direction overrides, and sheer size.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from markupsafe import escape
from pypdf import PdfReader

from web.text import md

LONG = "A" * 100_000

HOSTILE: dict[str, str] = {
    "script": "<script>alert(1)</script>",
    "img-onerror": '<img src=x onerror="alert(1)">',
    "javascript-link": "[klick](javascript:alert(1))",
    "image": "![x](http://evil/x.png)",
    "markdown": "**fett** _kursiv_ # Überschrift",
    "latex": "$\\LaTeX$",
    "colour-directive": ":red[rot]",
    "icon-directive": ":material/warning:",
    "nul": "Text\x00mit NUL",
    "ansi-escape": "\x1b[31mrot\x1b[0m",
    "controls": "Glocke\x07Rück\x08Entf\x7fEnde",
    "rtl-override": "Rechnung\u202egpj.exe",
    "zero-width": "Null\u200bbreite",
    "100000-chars": LONG,
    "sql": "'; DROP TABLE user; --",
    "jinja-expression": "{{ 7*7 }}",
    "jinja-raw": "{% raw %}roh{% endraw %}",
    "crlf-header": "x\r\nBcc: evil@example.org",
}
HOSTILE_IDS = list(HOSTILE)

# One string with every markup attack at once, short enough for any free-text field (names allow 200 characters).
PAYLOAD = ('<script>alert(1)</script><img src=x onerror="alert(2)"> [klick](javascript:alert(3)) '
           "![x](http://evil/x.png) :red[rot] :material/warning: :streamlit: $\\LaTeX$ **fett** {{ 7*7 }}")
assert len(PAYLOAD) < 200

# Characters that must never be stored or printed: NUL and other C0 controls, DEL, escape, direction overrides.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# Tokens of PAYLOAD that would become active if Markdown interpreted them.
ICON_CODES = (":material/warning", ":streamlit")
ACTIVE_TOKENS = ("<script", "<img", "](javascript:", "![x](", ":red[rot]", ":material/warning:", "$\\LaTeX$", "**fett**")


def has_forbidden(text: str) -> bool:
    """Tell whether ``text`` holds a control or direction character."""
    return FORBIDDEN.search(text) is not None


def unescaped(source: str, token: str) -> bool:
    """Tell whether ``token`` occurs in Markdown ``source`` with its first character not escaped by a backslash."""
    for match in re.finditer(re.escape(token), source):
        backslashes = len(source[: match.start()]) - len(source[: match.start()].rstrip("\\"))
        if backslashes % 2 == 0:
            return True
    return False


# ---- pages -------------------------------------------------------------------------------------------------------
_MARKDOWN_FIELDS = {"body", "label", "help"}  # what Streamlit renders as Markdown in elements, widgets and containers
_INERT_TYPES = {"code", "text", "json", "arrow_data_frame", "html"}  # shown as written (st.html is checked apart)
_OPTIONS_AS_MARKDOWN = {"radio", "button_group"}


def _strings(message: Any, *, options: bool) -> Iterator[str]:
    for field, value in message.ListFields():
        if field.type == field.TYPE_MESSAGE:
            for item in [value] if hasattr(value, "ListFields") else value:  # one message or a repeated field
                yield from _strings(item, options=options)
        elif field.type == field.TYPE_STRING:
            values = [value] if isinstance(value, str) else list(value)
            if field.name in _MARKDOWN_FIELDS or (field.name == "options" and options):
                yield from values


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def markdown_sources(at: Any) -> list[str]:
    """Return every string the page hands to Streamlit's Markdown: texts, alerts, toasts, labels, help, options."""
    found: list[str] = []
    roots: list[Any] = [at.main, at.sidebar, *at.toast]
    for root in roots:
        for node in _nodes(root):
            proto = getattr(node, "proto", None)
            if proto is None or getattr(node, "type", "") in _INERT_TYPES:
                continue
            found.extend(_strings(proto, options=getattr(node, "type", "") in _OPTIONS_AS_MARKDOWN))
    return found


def html_bodies(at: Any) -> list[str]:
    """Return the HTML of st.html elements and of Markdown that allows HTML."""
    bodies = [str(node.proto.body) for root in (at.main, at.sidebar) for node in _nodes(root)
              if getattr(node, "type", "") == "html"]
    bodies += [m.proto.body for m in at.markdown if m.proto.allow_html]
    return bodies


def assert_no_active_markup(at: Any) -> None:
    """No token of :data:`PAYLOAD` reaches Markdown unescaped, and no user text reaches HTML Streamlit passes on."""
    joined = "\n".join(markdown_sources(at))
    for token in ACTIVE_TOKENS:
        assert not unescaped(joined, token), f"{token!r} reaches Markdown unescaped"
    for code in ICON_CODES:  # Streamlit rewrites these before parsing: an escaped colon does not stop them
        assert code not in joined, f"{code!r} reaches Markdown (Streamlit shows an icon for it)"
    for body in html_bodies(at):
        assert "alert(" not in body and "evil" not in body, "user text in HTML that Streamlit does not escape"


def assert_shown_inert(at: Any, text: str) -> None:
    """``text`` is on the page escaped (as ``md(text)``), and nothing on the page is active markup."""
    assert any(md(text) in source for source in markdown_sources(at)), f"{text[:40]!r} is not shown escaped"
    assert_no_active_markup(at)


def tagged(tag: str) -> str:
    """Return :data:`PAYLOAD` behind a short tag, so that each field's text can be told apart on a page."""
    return f"{tag} {PAYLOAD}"


# ---- mails -------------------------------------------------------------------------------------------------------
def assert_mail_inert(mail: Any, text: str | None = None) -> None:
    """The HTML part has ``text`` escaped (never raw markup), the subject is one line without controls."""
    assert "\r" not in mail.subject and "\n" not in mail.subject and not has_forbidden(mail.subject)
    assert "<script" not in mail.html_body and "<img src=x" not in mail.html_body
    assert 'href="javascript:' not in mail.html_body
    assert "\x00" not in mail.text_body + mail.html_body
    if text is not None:
        assert str(escape(text)) in mail.html_body, f"{text[:40]!r} is not in the HTML part (escaped)"


# ---- PDFs --------------------------------------------------------------------------------------------------------
def pdf_text(pdf: bytes) -> str:
    """Return the text of every page as pypdf reads it back."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def assert_pdf_inert(pdf: bytes, visible: Iterable[str] = ()) -> str:
    """The PDF renders and reads back without control or direction characters; each of ``visible`` is printed."""
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert not has_forbidden(text.replace("\n", " ").replace("\t", " ")), "control characters printed"
    flat = re.sub(r"\s+", "", text)
    for part in visible:
        assert re.sub(r"\s+", "", part) in flat, f"{part[:40]!r} not printed"
    return text
