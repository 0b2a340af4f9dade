"""Systeme und Datenfluss (for everybody): the Amt24 systems, an online application seen by the applicant and by the
administration, the data-flow picture, formats and data protection (seed, section 2)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from web.dataflow_chart import show_dataflow
from web.text import md
from workshop.systems import (
    ADMINISTRATION_VIEW,
    AMT24_SYSTEMS,
    APPLICANT_VIEW,
    DEPENDS_ON_OAA,
    FORMATS,
    NOTIFICATION_EXAMPLE,
    PORTAL_PARTS,
    PRIVACY,
)

st.title("Systeme und Datenfluss")
st.caption("Abläufe und beteiligte Systeme: was mit einem Online-Antrag auf Amt24 geschieht.")

st.header("Wie fließen die Antragsdaten?")
show_dataflow()

st.header("Onlineantragstellung aus zwei Blickwinkeln")
applicant, administration = st.columns(2, gap="large")
with applicant:
    st.subheader("Aus Sicht der Antragstellenden")
    st.markdown("\n".join(f"{i}. **{md(s.title)}** – {md(s.how)}" for i, s in enumerate(APPLICANT_VIEW, start=1)))
with administration:
    st.subheader("Aus Sicht der Verwaltung")
    st.markdown("\n".join(f"{i}. **{md(s.title)}** – {md(s.how)}" for i, s in enumerate(ADMINISTRATION_VIEW, start=1)))
    st.caption(md(DEPENDS_ON_OAA))
    with st.expander("Beispiel einer Benachrichtigung über den Antragseingang"):
        st.text(NOTIFICATION_EXAMPLE)

st.header("Die Amt24-Systeme")
st.table(pd.DataFrame([{"System": s.name, "Portal (Antragstellende)": s.portal, "Admincenter (Verwaltung)": s.admincenter}
                       for s in AMT24_SYSTEMS]).set_index("System"))
st.markdown("\n".join(f"- **{name}**: {what}" for name, what in PORTAL_PARTS))

st.header("Formate")
st.markdown("\n".join(f"- {line}" for line in FORMATS))

st.header("Datenschutz und Datensicherheit")
st.markdown("\n".join(f"- {line}" for line in PRIVACY))
