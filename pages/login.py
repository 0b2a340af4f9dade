"""Login page; in demo mode it lists the demo personas (sample data)."""

from __future__ import annotations

import streamlit as st

from core.config import get_settings
from demo.personas import DEMO_PASSWORD, PERSONAS
from web.auth import log_in

st.title("Anmelden")
with st.form("login_form"):
    email = st.text_input("E-Mail-Adresse", key="login_email", autocomplete="username")
    password = st.text_input("Passwort", type="password", key="login_password", autocomplete="current-password")
    submitted = st.form_submit_button("Anmelden", type="primary")

if submitted:
    problem = log_in(email, password)
    if problem:
        st.error(problem)
    else:
        st.switch_page("pages/start.py")

st.page_link("pages/register.py", label="Noch kein Konto? Kommune registrieren", icon=":material/how_to_reg:")

if get_settings().demo:
    with st.expander("Demo-Zugänge (Beispieldaten)", expanded=True):
        st.caption(f"Alle Demo-Personen haben das Passwort `{DEMO_PASSWORD}`.")
        st.table(
            [{"Person": p.full_name, "Funktion": p.position, "E-Mail": p.email} for p in PERSONAS]
        )
