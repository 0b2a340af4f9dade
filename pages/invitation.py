"""Accepting a colleague's invitation: set an own password, no new approval needed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import streamlit as st

from accounts.team import accept_invitation, peek_invitation
from core.db import session_scope
from core.errors import FieldErrors, NotFound
from web.forms import field_error
from web.text import md


def _token_from(pasted: str) -> str:
    """Accept the bare code or the whole invitation link."""
    pasted = pasted.strip()
    if "token=" in pasted:
        return parse_qs(urlsplit(pasted).query).get("token", [""])[0]
    return pasted


st.title("Einladung annehmen")
if st.session_state.get("inv_done"):
    st.success("Ihr Konto ist aktiv. Sie können sich jetzt mit Ihrer E-Mail-Adresse und Ihrem Passwort anmelden.")
    st.page_link("pages/login.py", label="Zur Anmeldung", icon=":material/login:")
    st.page_link("pages/questionnaires.py", label="Anmelden und Ihre Aufgaben im Fragebogen ansehen",
                 icon=":material/checklist:")
    st.stop()

token = st.query_params.get("token", "")
if not token:
    # Rendered on every run: a widget that is left out of a run loses its value, and with it the
    # pasted code while the person types the password.
    token = _token_from(st.text_input("Einladungscode oder Link aus Ihrer Einladung", key="inv_token", max_chars=500))
if not token:
    st.info("Öffnen Sie den Link aus Ihrer Einladung oder fügen Sie den Code ein.")
    st.stop()

try:
    with session_scope() as session:
        invitation = peek_invitation(session, token=token)
except NotFound as exc:
    st.error(str(exc))
    st.stop()

st.markdown(f"Sie wurden als **{md(invitation.full_name)}** ({md(invitation.email)}) für **{md(invitation.municipality_name)}** "
            "eingeladen. Legen Sie Ihr Passwort fest.")
errors: dict[str, str] = st.session_state.get("inv_errors", {})
with st.form("inv_form"):
    password = st.text_input("Passwort", type="password", key="inv_password", autocomplete="new-password",
                             help="Mindestens 12 Zeichen; kein leicht zu erratendes Passwort, nicht Ihr Name.")
    field_error(errors, "password")
    repeat = st.text_input("Passwort wiederholen", type="password", key="inv_password_repeat",
                           autocomplete="new-password")
    field_error(errors, "password_repeat")
    submitted = st.form_submit_button("Konto aktivieren", type="primary")
if submitted:
    try:
        with session_scope() as session:
            accept_invitation(session, token=token, password=password, password_repeat=repeat)
    except FieldErrors as exc:
        st.session_state["inv_errors"] = exc.errors
    except NotFound as exc:
        st.session_state["inv_errors"] = {"password": str(exc)}
    else:
        st.session_state["inv_errors"] = {}
        st.session_state["inv_done"] = True
    st.rerun()
