"""Logging without personal data: messages carry ids only, tracebacks keep their frames but not the error texts.

An exception's text may quote what a person typed or what the database held (an e-mail address in a unique-key
error, a name in a validation message). The operator needs where it happened, not that text: the filter below puts
a traceback without the exception messages into the log record, which every ``logging.Formatter`` prints instead of
formatting the traceback itself.
"""

from __future__ import annotations

import logging
import traceback

HIDDEN = "(Fehlertext nicht protokolliert: er kann personenbezogene Daten enthalten)"


def redacted_traceback(exc: BaseException) -> str:
    """Return the traceback of ``exc`` and its causes with file, line and function, and the exception types only."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    parts: list[str] = []
    for position, error in enumerate(reversed(chain)):
        if position:
            parts.append("\nDaraus folgte:\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_list(traceback.extract_tb(error.__traceback__)))
        parts.append(f"{type(error).__module__}.{type(error).__qualname__}: {HIDDEN}")
    return "".join(parts)


class RedactedTracebacks(logging.Filter):
    """Replace the formatted traceback of a record by :func:`redacted_traceback` (the record is kept)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        if exc_info and isinstance(exc_info, tuple) and exc_info[1] is not None:
            record.exc_text = redacted_traceback(exc_info[1])
        return True


def protect(logger: logging.Logger) -> logging.Logger:
    """Add the traceback filter to ``logger`` once (filters of a logger do not reach its children: add to each)."""
    if not any(isinstance(f, RedactedTracebacks) for f in logger.filters):
        logger.addFilter(RedactedTracebacks())
    return logger


def get_logger(name: str) -> logging.Logger:
    """Return the logger ``name`` with redacted tracebacks; log ids (mail, account, incident), never names or text."""
    return protect(logging.getLogger(name))

