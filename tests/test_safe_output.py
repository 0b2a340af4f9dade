"""Output that user text can reach: download file names through one helper, no HTML from data on any page."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.hostile import HOSTILE
from web.downloads import MAX_FILENAME, safe_filename

ROOT = Path(__file__).resolve().parents[1]
UI_FILES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("web/*.py"), ROOT / "app.py"])
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


# ---- download file names -----------------------------------------------------------------------------------------
def test_file_names_keep_what_identifies_the_document():
    assert safe_filename("Abnahmeprotokoll", "14627060", 12, "Runde1", extension="pdf") == (
        "Abnahmeprotokoll_14627060_12_Runde1.pdf")
    assert safe_filename("Vertrag", "B-2026-00042", extension="pdf") == "Vertrag_B-2026-00042.pdf"
    assert safe_filename("oaa-katalog", "2026-11-29", extension="json") == "oaa-katalog_2026-11-29.json"
    assert safe_filename("Konfiguration", "Großenhain Süd", "Öffnungszeiten", extension="pdf") == (
        "Konfiguration_Grossenhain_Sued_Oeffnungszeiten.pdf")


@pytest.mark.parametrize("key", list(HOSTILE))
def test_file_names_made_from_hostile_data_are_plain_ascii_and_short(key):
    for parts in ((HOSTILE[key],), ("Vertrag", HOSTILE[key]), (HOSTILE[key], "../../etc/passwd", ".htaccess")):
        name = safe_filename(*parts, extension="pdf")
        assert SAFE_NAME.match(name), name
        assert name.endswith(".pdf") and ".." not in name and len(name) <= MAX_FILENAME
        assert "/" not in name and "\\" not in name


def test_a_file_name_never_ends_up_empty_or_with_a_strange_extension():
    assert safe_filename("\x00\u202e", "...", extension="pdf") == "Download.pdf"
    assert safe_filename("Export", extension="p/d\x00f") == "Export.pdf"


def _calls(source: str) -> list[tuple[ast.Call, str]]:
    """Return every call in ``source`` with the name of the function it sits in ('' at module level)."""
    found: list[tuple[ast.Call, str]] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.Call):
                found.append((child, function))
            visit(child, name)

    visit(ast.parse(source), "")
    return found


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def file_name_offenders(source: str, where: str) -> list[str]:
    """Return the download buttons whose file name is neither a safe constant nor made by safe_filename(...)."""
    offenders = []
    for call, _function in _calls(source):
        if _name(call) != "download_button":
            continue
        value = _keyword(call, "file_name")
        constant = isinstance(value, ast.Constant) and isinstance(value.value, str) and SAFE_NAME.match(value.value)
        helper = isinstance(value, ast.Call) and _name(value) == "safe_filename"
        if not (constant or helper):
            offenders.append(f"{where}:{call.lineno}")
    return offenders


# The cookie hand-over runs a script of the shop's own making: the one-time code is made by the server (JSON-encoded,
# never user text). Nothing else on any page may pass data to st.html or allow HTML in Markdown.
SERVER_MADE_HTML = {("web/auth.py", "emit_cookie_scripts")}


def html_offenders(source: str, where: str) -> list[str]:
    """Return the calls that allow HTML or JavaScript, or give st.html anything but a constant."""
    offenders = []
    for call, function in _calls(source):
        if (where, function) in SERVER_MADE_HTML:
            continue
        for flag in ("unsafe_allow_html", "unsafe_allow_javascript"):
            value = _keyword(call, flag)
            if value is not None and not (isinstance(value, ast.Constant) and value.value is False):
                offenders.append(f"{where}:{call.lineno} {flag}")
        if _name(call) == "html":
            body = call.args[0] if call.args else _keyword(call, "body")
            if not (isinstance(body, ast.Constant) and isinstance(body.value, str)):
                offenders.append(f"{where}:{call.lineno} html(<not a constant>)")
    return offenders


def _sources() -> list[tuple[str, str]]:
    return [(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))) for path in UI_FILES]


def test_every_download_file_name_is_a_constant_or_made_by_safe_filename():
    offenders = [o for source, where in _sources() for o in file_name_offenders(source, where)]
    assert not offenders, "file_name must be a safe constant or safe_filename(...): " + ", ".join(offenders)


def test_no_page_hands_data_to_html_or_allows_html_in_markdown():
    offenders = [o for source, where in _sources() for o in html_offenders(source, where)]
    assert not offenders, "HTML from data: " + ", ".join(offenders)


def test_the_scans_notice_what_they_forbid():
    bad = (
        "import streamlit as st\n"
        "def show(mail, order):\n"
        "    st.html(mail.html_body)\n"
        "    st.markdown(f'<b>{order.name}</b>', unsafe_allow_html=True)\n"
        "    st.download_button('PDF', data=b'', file_name=f'Vertrag_{order.number}.pdf')\n"
        "    st.download_button('PDF', data=b'', file_name='../Vertrag.pdf')\n"
    )
    assert html_offenders(bad, "pages/x.py") == ["pages/x.py:3 html(<not a constant>)", "pages/x.py:4 unsafe_allow_html"]
    assert file_name_offenders(bad, "pages/x.py") == ["pages/x.py:5", "pages/x.py:6"]
    good = "st.html('<hr>')\nst.download_button('PDF', data=b'', file_name=safe_filename('Vertrag', n, extension='pdf'))\n"
    assert html_offenders(good, "pages/x.py") == [] and file_name_offenders(good, "pages/x.py") == []
