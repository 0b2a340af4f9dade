"""KISA and administrators: the audit log, newest first, with filters."""

from __future__ import annotations

import streamlit as st

from audit.log import list_events
from core.db import session_scope
from web.state import current_actor
from web.text import fmt_datetime

PAGE_SIZE = 50
AREAS = {
    "Alle": "",
    "Anmeldungen": "login",
    "Registrierungen": "registration",
    "Team": "team",
    "Konten": "user",
}

actor = current_actor()
assert actor is not None
st.title("Protokoll")
st.caption("Wer hat wann was an welchem Datensatz getan. Einträge werden nie geändert oder gelöscht.")

col_area, col_text = st.columns([1, 2])
area = col_area.selectbox("Bereich", list(AREAS), key="audit_area")
text = col_text.text_input("Suche in Person und Beschreibung", key="audit_text", max_chars=100)
page_no = st.session_state.setdefault("audit_page", 0)

with session_scope() as session:
    result = list_events(session, actor=actor, action_prefix=AREAS[area], text=text.strip(),
                         limit=PAGE_SIZE, offset=page_no * PAGE_SIZE)

st.write(f"{result.total} Einträge")
st.dataframe(
    [
        {
            "Zeitpunkt": fmt_datetime(e.at),
            "Person": e.actor_label,
            "Aktion": e.action,
            "Datensatz": f"{e.entity_type} {e.entity_id}".strip(),
            "Beschreibung": e.details,
        }
        for e in result.events
    ],
    hide_index=True,
    width="stretch",
)
prev_col, next_col = st.columns(2)
if page_no > 0 and prev_col.button("← Neuere"):
    st.session_state["audit_page"] = page_no - 1
    st.rerun()
if (page_no + 1) * PAGE_SIZE < result.total and next_col.button("Ältere →"):
    st.session_state["audit_page"] = page_no + 1
    st.rerun()
