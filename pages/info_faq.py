"""Häufige Fragen (for everybody): what municipalities ask in the workshop, answered from the seed deck."""

from __future__ import annotations

import streamlit as st

from workshop.faq import FAQ

st.title("Häufige Fragen")
st.caption("Welche Fragen haben Sie mitgebracht? Hier die häufigsten, beantwortet aus den Folien des Workshops "
           "„OZG-Umsetzung auf Amt24“.")

for item in FAQ:
    with st.expander(item.question):
        st.markdown(item.answer)
        if item.illustration:
            st.info(f"Zur Veranschaulichung (Beispieldaten): {item.illustration}", icon=":material/science:")
        st.caption(f"Quelle: Folien, {item.source}")
