"""Leistungen und Kontakte (for everybody): what KISA does around the OAAs, the five steps, where the catalogues are,
funding as the seed states it, and whom to ask (seed, sections 1 and 3)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journey.steps import STEPS
from workshop.services import CATALOGUES, CONTACTS, FUNDING_NOTE, KISA_ADDRESS, KISA_SERVICES

NBSP = "\u00a0"  # a phone number stays on one line

st.title("Leistungen und Kontakte")
st.caption("Was KISA für Ihre Kommune tut und an wen Sie sich wenden.")

st.header("Welche Unterstützung bietet KISA bei der Nachnutzung der OAAs?")
st.markdown("\n".join(f"{i}. {service}" for i, service in enumerate(KISA_SERVICES, start=1)))

st.header("In fünf Schritten zum Online-Antragsassistenten")
st.table(pd.DataFrame([{"Schritt": s.number, "Was": s.title, "Wer": s.who, "Dauer": s.duration} for s in STEPS])
         .set_index("Schritt"))
st.caption(FUNDING_NOTE)

st.header("Kontakte")
st.table(pd.DataFrame([{"Wofür": c.topic, "Wer": c.name, "Telefon": c.phone.replace(" ", NBSP) or "–", "E-Mail": c.email or "–",
                        "Internet": c.web or "–"} for c in CONTACTS]).set_index("Wofür"))
st.markdown(f"**Anschrift:** {KISA_ADDRESS}")

st.header("Produktkataloge")
st.markdown("\n".join(f"- {name}: {url}" for name, url in CATALOGUES))
