"""One place that says what time it is, so tests can move it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_offset_seconds = 0.0


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC (plus any offset a test set)."""
    return datetime.now(UTC) + timedelta(seconds=_offset_seconds)


def advance(seconds: float) -> None:
    """Move the application clock forward (tests of timeouts and locks)."""
    global _offset_seconds
    _offset_seconds += seconds


def reset() -> None:
    """Return the application clock to real time."""
    global _offset_seconds
    _offset_seconds = 0.0


def today_local() -> date:
    """Return today's date in Germany (validity periods of contracts and funding are German dates)."""
    return utcnow().astimezone(ZoneInfo("Europe/Berlin")).date()
