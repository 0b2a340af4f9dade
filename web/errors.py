"""Unexpected errors: a German message with an incident id for the user, the traceback for the log."""

from __future__ import annotations

import logging
import secrets

import streamlit as st

from core.errors import DatabaseBusy
from core.logs import get_logger, protect

log = get_logger("oaa.errors")
# Streamlit logs exceptions that escape a page or a button callback with their full text: redact those as well.
protect(logging.getLogger("streamlit.error_util"))


def new_incident_id() -> str:
    """Return a short id the user can quote to KISA's support."""
    return secrets.token_hex(4).upper()


def show_unexpected_error(exc: BaseException) -> str:
    """Log ``exc`` with a new incident id (traceback without error texts) and show a German apology; return the id.

    A database that stayed locked too long is no fault of the app: its own message asks to try again.
    """
    incident = new_incident_id()
    if isinstance(exc, DatabaseBusy):
        log.warning("Vorfall %s: Datenbank blieb gesperrt (%s)", incident, type(exc.__cause__).__name__)
        st.warning(str(exc), icon=":material/hourglass_top:")
        return incident
    log.error("Vorfall %s: unerwarteter Fehler", incident, exc_info=exc)
    st.error(
        "Es ist ein unerwarteter Fehler aufgetreten. Ihre Eingaben wurden nicht verändert. "
        f"Bitte versuchen Sie es erneut. Wenn der Fehler bleibt, nennen Sie dem KISA-Support die "
        f"Vorgangsnummer **{incident}**.",
        icon=":material/error:",
    )
    return incident
