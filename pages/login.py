"""Login page; in demo mode it lists the demo personas (sample data)."""

from __future__ import annotations

import streamlit as st

from core.config import get_settings
from demo.personas import DEMO_PASSWORD
from web.demo_panel import persona_table
from web.login_form import login_form
from web.state import pop_login_note

st.title("Anmelden")
note = pop_login_note()
if note:
    st.warning(note, icon=":material/logout:")
if login_form():
    st.switch_page("pages/start.py")

st.page_link("pages/register.py", label="Noch kein Konto? Kommune registrieren", icon=":material/how_to_reg:")

if get_settings().demo:
    with st.expander("Demo-Zugänge (Beispieldaten)", expanded=True):
        st.markdown(f"Alle Demo-Personen haben das Passwort `{DEMO_PASSWORD}`. Oder mit einem Klick:")
        persona_table()
