"""German formatting of dates and numbers for display, in one place."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.text import markdown_escape

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


def count(number: int, singular: str, plural: str) -> str:
    """Return e.g. ``1 Fragebogen`` or ``3 Fragebögen``."""
    return f"{number} {singular if number == 1 else plural}"
