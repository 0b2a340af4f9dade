"""Kennzahlen für KISA: where the ordered products stand, throughput, lead times, overdue, coverage per district."""

from __future__ import annotations

import streamlit as st

from accounts.actor import Actor
from backoffice.dashboard import Dashboard, dashboard, dashboard_version
from core.config import get_settings
from core.db import session_scope
from models import Role
from web.charts import bar_chart, channel, show_chart
from web.guard import require_actor
from web.text import fmt_date

WHOLE = {"tickMinStep": 1, "format": "d"}  # counts: no 0.2 steps
LABELS = {"labelLimit": 260}  # German state names are long



@st.cache_data(ttl=300, max_entries=4, show_spinner="Kennzahlen werden berechnet …")
def _figures(database: str, version: tuple[int, int, int], _actor: Actor) -> Dashboard:
    """The same figures for every staff member; computed again after a change, at the latest after five minutes."""
    del database, version  # cache keys only
    with session_scope() as session:
        return dashboard(session, actor=_actor)


actor = require_actor(Role.KISA, Role.ADMIN)
st.title("Kennzahlen")
with session_scope() as session:
    version = dashboard_version(session, actor=actor)
figures = _figures(get_settings().effective_database_url(), version, actor)

total = sum(figures.per_state.values())
live = figures.per_state.get("live", 0)
first, second, third = st.columns(3)
first.metric("Bestellte Produkte", total)
second.metric("Live auf Amt24", live)
third.metric("Überfällig", figures.overdue, help="Länger in ihrem Schritt als geplant (etwa zwei Wochen je Phase).")

st.header("Wo die Produkte stehen")
states = [{"Stand": name, "Produkte": count} for name, count in figures.per_state.items() if count]
if states:
    show_chart(
        bar_chart(states, x=channel("Produkte:Q", title="Produkte", axis=WHOLE),
                  y=channel("Stand:N", sort=None, title=None, axis=LABELS), tooltip=["Stand:N", "Produkte:Q"]),
        description="Balkendiagramm: Anzahl der bestellten Produkte je Stand.", table=states, key="dash_states_table",
    )
else:
    st.info("Noch keine bestellten Produkte.")

st.header("Durchsatz je Woche")
weeks = [{"Woche": fmt_date(w.week_start), "Anzahl": w.submitted, "Ereignis": "eingereicht"} for w in figures.weeks]
weeks += [{"Woche": fmt_date(w.week_start), "Anzahl": w.live, "Ereignis": "live gegangen"} for w in figures.weeks]
show_chart(
    bar_chart(weeks, x=channel("Woche:O", sort=None, title="Woche ab"), y=channel("Anzahl:Q", title="Produkte", axis=WHOLE),
              xOffset=channel("Ereignis:N"), color=channel("Ereignis:N", title=None),
              tooltip=["Woche:O", "Ereignis:N", "Anzahl:Q"]),
    description="Balkendiagramm: je Woche die Anzahl der eingereichten und der live gegangenen Produkte.",
    key="dash_weeks_table",
    table=[{"Woche ab": fmt_date(w.week_start), "eingereicht": w.submitted, "live gegangen": w.live} for w in figures.weeks],
)

st.header("Dauer je Phase (Median in Tagen)")
if figures.lead_days:
    show_chart(
        bar_chart([{"Phase": k, "Tage": v} for k, v in figures.lead_days.items()], x=channel("Tage:Q", title="Tage"),
                  y=channel("Phase:N", sort=None, title=None, axis=LABELS), tooltip=["Phase:N", "Tage:Q"]),
        description="Balkendiagramm: mittlere Dauer (Median) jeder Phase in Tagen.", key="dash_phases_table",
        table=[{"Phase": k, "Tage (Median)": f"{v:.1f}".replace(".", ",")} for k, v in figures.lead_days.items()],
    )
    st.caption("Geplant sind etwa zwei Wochen für den Fragebogen, zwei für die Einrichtung und zwei bis drei für Test "
               "und Abnahme.")
else:
    st.caption("Noch keine abgeschlossene Phase.")

st.header("Abdeckung je Landkreis")
st.dataframe(
    [{"Landkreis / Kreisfreie Stadt": d.kreis, "Gemeinden": d.municipalities, "registriert": d.registered,
      "mit live-OAA": d.with_live_product, "Abdeckung": d.coverage} for d in figures.districts],
    column_config={"Abdeckung": st.column_config.ProgressColumn("Abdeckung", format="percent", min_value=0, max_value=1)},
    hide_index=True, width="stretch",
)
