"""KISA and administrators: the audit log, newest first, with filters."""

from __future__ import annotations

import streamlit as st

from audit.labels import action_label, entity_label
from audit.log import list_events
from core.db import session_scope
from models import Role
from web.guard import require_actor
from web.text import at_least, fmt_datetime

PAGE_SIZE = 50
AREAS = {
    "Alle": "",
    "Anmeldungen": "log",  # login.* and logout
    "Registrierungen": "registration",
    "Team": "team",
    "Konten": "user",
}


def _first_page() -> None:
    """A changed filter starts again with the newest entries (the old page may not exist any more)."""
    st.session_state["audit_page"] = 0


actor = require_actor(Role.KISA, Role.ADMIN)
st.title("Protokoll")
st.caption("Wer hat wann was an welchem Datensatz getan. Einträge werden nie geändert oder gelöscht.")

col_area, col_text = st.columns([1, 2])
area = col_area.selectbox("Bereich", list(AREAS), key="audit_area", on_change=_first_page)
text = col_text.text_input("Suche in Person und Beschreibung", key="audit_text", max_chars=100, on_change=_first_page)
page_no = st.session_state.setdefault("audit_page", 0)

with session_scope() as session:
    result = list_events(session, actor=actor, action_prefix=AREAS[area], text=text.strip(),
                         limit=PAGE_SIZE, offset=page_no * PAGE_SIZE)

st.write("1 Eintrag" if result.total == 1 and not result.more else f"{at_least(result.total, result.more)} Einträge")
st.dataframe(
    [
        {
            "Zeitpunkt": fmt_datetime(e.at),
            "Person": e.actor_label,
            "Aktion": action_label(e.action),
            "Datensatz": entity_label(e.entity_type, e.entity_id),
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
if ((page_no + 1) * PAGE_SIZE < result.total or result.more) and next_col.button("Ältere →"):
    st.session_state["audit_page"] = page_no + 1
    st.rerun()
