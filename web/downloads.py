"""Downloads (UI only): safe file names, files rendered only when clicked with a guard for their failures, and
the configuration PDF and JSON.

Streamlit runs the ``data`` callable of a download button when it is clicked, outside the page script: an
exception there cannot show a message on the page, and Streamlit's own note under the button is English
("Failed to generate file for download"). :func:`deferred` logs the failure under an incident number and
:func:`german_download_errors` (called by server.py) replaces that note with a German one naming the number.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any, TypeVar

import streamlit as st

from accounts.actor import Actor
from core.db import session_scope
from documents.plain import ascii_slug
from questionnaire.export import configuration_pdf, export_json
from web.errors import log_incident

T = TypeVar("T")
log = logging.getLogger("oaa.errors")

# The deferred-file request sets a holder here; the callable (run in a worker thread with a copy of the context,
# which shares the holder) puts the incident number into it.
_incident_of_request: ContextVar[dict[str, str] | None] = ContextVar("oaa_download_incident", default=None)


class DownloadFailed(Exception):
    """A file for a download button could not be made; the cause is logged under ``incident``."""

    def __init__(self, incident: str) -> None:
        super().__init__(f"Vorfall {incident}")
        self.incident = incident


def download_error_message(incident: str | None) -> str:
    """Return the German note shown under the download button (plain text, no Markdown)."""
    text = "Die Datei konnte gerade nicht erstellt werden. Bitte versuchen Sie es in einigen Minuten erneut."
    if incident:
        text += f" Wenn der Fehler bleibt, nennen Sie dem KISA-Support die Vorgangsnummer {incident}."
    return text


def deferred(render: Callable[[], T], *, what: str) -> Callable[[], T]:
    """Wrap the ``data`` callable of a download button: a failure is logged with an incident number and re-raised.

    ``what`` names the file in the log, e.g. "Abnahmeprotokoll (PDF)". Any error counts, MemoryError and a full
    disk included; the page itself is not affected.
    """

    def run() -> T:
        try:
            return render()
        except Exception as exc:
            incident = log_incident(exc, f"{what} konnte nicht erstellt werden")
            holder = _incident_of_request.get()
            if holder is not None:
                holder["incident"] = incident
            raise DownloadFailed(incident) from exc

    return run


def german_download_errors() -> bool:
    """Make Streamlit's note for a failed deferred download German (with the incident number); idempotent.

    Returns False (and logs a warning) if this Streamlit version has no such handler to adjust.
    """
    try:
        from streamlit.runtime.backend_operation_handler import DeferredFileHandler
    except ImportError:  # pragma: no cover - depends on the Streamlit version
        log.warning("Streamlit ohne DeferredFileHandler: Hinweise zu fehlgeschlagenen Downloads bleiben englisch.")
        return False
    original = DeferredFileHandler.handle
    if getattr(original, "oaa_german", False):
        return True

    async def handle(self: Any, request: Any, session_id: str) -> Any:
        holder: dict[str, str] = {}
        token = _incident_of_request.set(holder)
        try:
            response = await original(self, request, session_id)
        finally:
            _incident_of_request.reset(token)
        if response.error_msg:
            response.error_msg = download_error_message(holder.get("incident"))
        return response

    handle.oaa_german = True  # type: ignore[attr-defined]
    DeferredFileHandler.handle = handle  # type: ignore[method-assign]
    return True

MAX_FILENAME = 120


def safe_filename(*parts: object, extension: str) -> str:
    """Return a download file name made from data, e.g. ``Abnahmeprotokoll_14627060_12_Runde1.pdf``.

    Only ASCII letters, digits and ``-_.`` (umlauts and ß transliterated, everything else a ``_``), the parts joined
    by ``_``, no leading dot and no ``..``, at most 120 characters: safe in every browser and file system.
    """
    slugs = [re.sub(r"\.{2,}", ".", ascii_slug(str(part), keep="-.")).strip("._-") for part in parts]
    stem = "_".join(slug for slug in slugs if slug) or "Download"
    suffix = re.sub(r"[^A-Za-z0-9]", "", extension).lower()[:10]
    stem = stem[: MAX_FILENAME - len(suffix) - 1].rstrip("._-")
    return f"{stem}.{suffix}" if suffix else stem


def configuration_downloads(actor: Actor, questionnaire_id: int, *, name: Sequence[object], key: str, json_label: str,
                            widths: Sequence[int] = (1, 1)) -> None:
    """Offer ``<name>.pdf`` and ``<name>.json`` of the latest submission (else the draft) in two columns."""

    def pdf() -> bytes:
        with session_scope() as session:
            return configuration_pdf(session, actor=actor, questionnaire_id=questionnaire_id)

    def data() -> str:
        with session_scope() as session:
            return export_json(session, actor=actor, questionnaire_id=questionnaire_id)

    pdf_col, json_col, *_rest = st.columns(list(widths))
    pdf_col.download_button("Konfiguration als PDF", data=deferred(pdf, what="Konfiguration (PDF)"),
                            file_name=safe_filename(*name, extension="pdf"), mime="application/pdf",
                            icon=":material/picture_as_pdf:", key=f"{key}_pdf", on_click="ignore")
    json_col.download_button(json_label, data=deferred(data, what="Konfiguration (JSON)"),
                             file_name=safe_filename(*name, extension="json"), mime="application/json",
                             icon=":material/data_object:", key=f"{key}_json", on_click="ignore")
