"""Rollen und Aufgaben (for everybody): who takes part in the OZG implementation on Amt24 (seed, section 1), what the
municipality's coordination does, and the roles in the shop with the workshop's demo personas."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.config import get_settings
from demo.personas import persona
from workshop.roles import COORDINATION, PARTIES, SHOP_ROLES

st.title("Rollen und Aufgaben")
st.caption("Grundlegendes zur OZG-Umsetzung in Sachsen: wer beteiligt ist und wer was tut.")

st.header("Beteiligte an der OZG-Umsetzung auf Amt24")
st.table(pd.DataFrame([{"Beteiligte": p.name, "Rolle": p.role, "Aufgaben": p.tasks} for p in PARTIES])
         .set_index("Beteiligte"))

st.header("Ihre Rolle in der Kommune: die OZG-Koordination")
st.markdown("\n".join(f"- {point}" for point in COORDINATION))

st.header("Rollen im OAA-Shop")
demo = get_settings().demo
rows = []
for role in SHOP_ROLES:
    row = {"Rolle": role.name, "Was sie im Shop tut": role.tasks}
    if demo:
        who = persona(role.persona) if role.persona else None
        row["Im Workshop (Beispieldaten)"] = f"{who.full_name} ({who.email})" if who else "Sie als Referent:in"
    rows.append(row)
st.table(pd.DataFrame(rows).set_index("Rolle"))
if demo:
    st.caption("Die Personen im Workshop sind Beispieldaten des Demomodus.")
