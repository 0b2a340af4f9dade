"""German formatting of dates and numbers for display, in one place."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from core.text import _SHORT_CODE, WORD_JOINER, markdown_escape

BERLIN = ZoneInfo("Europe/Berlin")


def fmt_datetime(value: datetime | None) -> str:
    """Format a UTC timestamp in German local time, e.g. ``29.11.2026, 14:05 Uhr``."""
    if value is None:
        return "–"
    return value.astimezone(BERLIN).strftime("%d.%m.%Y, %H:%M Uhr")


def fmt_date(value: date | None) -> str:
    """Format a date German style, e.g. ``01.07.2022``."""
    return value.strftime("%d.%m.%Y") if value else "–"


def md(text: str) -> str:
    """Escape user text for st.markdown/st.caption and labels: no links, images, emphasis or HTML can come from it."""
    return markdown_escape(text)


# Markdown turns a bare e-mail or web address into a link. In the label of an expander, button or checkbox that is a
# control inside a control: keyboards and screen readers cannot reach it (WCAG 4.1.2). An invisible word joiner
# (U+2060) after "@", in "://" and after "www" keeps the address readable but no longer a link.
_NO_AUTOLINK = (("@", "@\u2060"), ("://", ":\u2060//"), ("www.", "www\u2060."))


_LABEL_SPECIAL = "\\`*_[]<>$~|"  # link/image brackets, emphasis, HTML, LaTeX: what can turn active in a widget label


def md_field_label(text: str) -> str:
    """Escape text for a widget label: nothing active comes from it, yet the label stays free of backslashes where
    it needs none (browsers take the label's source as the field's accessible name, e.g. "Fachliche:r")."""
    text = _SHORT_CODE.sub(":" + WORD_JOINER, text)
    return "".join("\\" + ch if ch in _LABEL_SPECIAL else ch for ch in text)


def md_label(text: str) -> str:
    """Escape user text for the label of a clickable element: like ``md``, and addresses do not become links."""
    for address_part, broken in _NO_AUTOLINK:
        text = text.replace(address_part, broken)
    return md(text)


def number(value: int) -> str:
    """Return a whole number the German way, e.g. ``10.000``."""
    return format_decimal(value, locale="de_DE")


def at_least(value: int, more: bool) -> str:
    """Return a capped count the German way: ``10.000`` or, when there are more, ``mehr als 10.000``."""
    return f"mehr als {number(value)}" if more else number(value)


def count(number: int, singular: str, plural: str) -> str:
    """Return e.g. ``1 Fragebogen`` or ``3 Fragebögen``."""
    return f"{number} {singular if number == 1 else plural}"
