"""Unexpected errors: a German message with an incident id for the user, the traceback for the log.

Two ways in: app.py catches what the page script raises, and :func:`handle_script_error` (``st.App``'s
``on_script_error`` in server.py) what a button callback raises — callbacks run before app.py, so its ``try``
never sees them, and Streamlit would show its own English "This app has encountered an error".
"""

from __future__ import annotations

import logging
import secrets

import streamlit as st

from core.db import is_database_unavailable
from core.errors import DatabaseBusy
from core.logs import get_logger, protect

log = get_logger("oaa.errors")
# Streamlit logs exceptions that escape a page or a button callback with their full text: redact those as well.
protect(logging.getLogger("streamlit.error_util"))


def new_incident_id() -> str:
    """Return a short id the user can quote to KISA's support."""
    return secrets.token_hex(4).upper()


def error_message(exc: BaseException, incident: str) -> str:
    """Return the German text for ``exc``: the database is away, or something else went wrong."""
    support = f"Wenn der Fehler bleibt, nennen Sie dem KISA-Support die Vorgangsnummer **{incident}**."
    if is_database_unavailable(exc):
        return ("Der OAA-Shop erreicht seine Datenbank gerade nicht. Bitte versuchen Sie es in einigen Minuten "
                "erneut und prüfen Sie dann, ob Ihre letzte Aktion gespeichert ist. " + support)
    return ("Es ist ein unerwarteter Fehler aufgetreten. Ihre Eingaben wurden nicht verändert. "
            "Bitte versuchen Sie es erneut. " + support)


def log_incident(exc: BaseException, what: str = "unerwarteter Fehler") -> str:
    """Log ``exc`` with its traceback under a new incident id; return the id."""
    incident = new_incident_id()
    if is_database_unavailable(exc):
        what = f"{what} (Datenbank nicht erreichbar)"
    log.error("Vorfall %s: %s", incident, what, exc_info=exc)
    return incident


def show_unexpected_error(exc: BaseException) -> str:
    """Log ``exc`` with a new incident id (traceback without error texts) and show a German apology; return the id.

    A database that stayed locked too long is no fault of the app: its own message asks to try again.
    """
    if isinstance(exc, DatabaseBusy):
        incident = new_incident_id()
        log.warning("Vorfall %s: Datenbank blieb gesperrt (%s)", incident, type(exc.__cause__).__name__)
        st.warning(str(exc), icon=":material/hourglass_top:")
        return incident
    incident = log_incident(exc)
    st.error(error_message(exc, incident), icon=":material/error:")
    return incident


def handle_script_error(exc: Exception) -> bool:
    """``on_script_error`` for ``st.App``: show the German message instead of Streamlit's; True suppresses that.

    It runs for exceptions that app.py could not catch, above all those of button callbacks. The page below the
    message is not drawn in that run; the button brings it back.
    """
    show_unexpected_error(exc)
    st.button("Seite neu laden", icon=":material/refresh:", key="oaa_error_reload")
    return True
