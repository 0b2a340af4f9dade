"""Shown for an address that names no page this person may open (registered by web.missing_page)."""

from __future__ import annotations

import streamlit as st

from web.state import current_actor

st.title("Seite nicht gefunden")
actor = current_actor()
if actor is None:
    st.warning(
        "Diese Seite gibt es nicht, oder sie ist erst nach der Anmeldung erreichbar. Bitte prüfen Sie die Adresse "
        "oder melden Sie sich an.", icon=":material/search_off:",
    )
    st.page_link("pages/login.py", label="Zur Anmeldung", icon=":material/login:")
else:
    st.warning(
        "Diese Seite gibt es nicht, oder sie gehört nicht zu Ihrem Zugang. Bitte prüfen Sie die Adresse oder wählen "
        "Sie eine Seite aus der Navigation.", icon=":material/search_off:",
    )
st.page_link("pages/start.py", label="Zur Startseite", icon=":material/home:")
