"""Charts with a text alternative (WCAG 1.1.1, BITV 2.0): a chart is a picture, so its figures are also given in text.

Screen readers announce an Altair chart by its ``alt`` text (Streamlit puts it into the chart's ``aria-label``; without
it they hear "Vega visualization"). The figures themselves go into a real table: below the chart when the page has no
table of them yet, or in a folded expander so that the picture stays the first thing a sighted reader sees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from web.lazy import lazy_expander

TABLE_TITLE = "Die Zahlen des Diagramms als Tabelle"
# Streamlit's chart theme draws axis and legend texts in #808495, 3.7:1 on white; small text needs 4.5:1.
CHART_TEXT = "#5C5F6B"  # 6.4:1


READABLE = {"axis": {"labelColor": CHART_TEXT, "titleColor": CHART_TEXT},
            "legend": {"labelColor": CHART_TEXT, "titleColor": CHART_TEXT}}


TYPES = {"Q": "quantitative", "N": "nominal", "O": "ordinal", "T": "temporal"}


def channel(shorthand: str, **extra: Any) -> dict[str, Any]:
    """Return a Vega-Lite channel from Altair's shorthand, e.g. ``channel("Stand:N", title=None)``."""
    name, kind = shorthand.rsplit(":", 1)
    return {"field": name, "type": TYPES[kind], **extra}


def bar_chart(rows: Sequence[Mapping[str, Any]], *, tooltip: Sequence[str], **encoding: dict[str, Any]
              ) -> dict[str, Any]:
    """Return a plain Vega-Lite bar chart of ``rows`` (no Altair objects: building and validating those cost tens of
    milliseconds per chart and rerun)."""
    return {"data": {"values": list(rows)}, "mark": {"type": "bar"},
            "encoding": {**encoding, "tooltip": [channel(t) for t in tooltip]}}


def show_chart(chart: alt.Chart | alt.LayerChart | dict[str, Any], *, description: str, key: str,
               table: Sequence[Mapping[str, Any]] | None = None) -> None:
    """Show ``chart`` announced by ``description``; ``table`` rows (first column: row heading) in an expander below,
    made only when opened (``key``: the expander's).

    ``chart`` is an Altair chart or a plain Vega-Lite spec (a dict; cheaper for charts drawn on every rerun).
    Pass no table only when the page shows the same figures as a table already (and say so in the description).
    """
    if isinstance(chart, dict):
        config = chart.get("config", {})
        spec = {**chart, "config": {**config, **{k: {**READABLE[k], **config.get(k, {})} for k in READABLE}}}
        st.vega_lite_chart(spec, width="stretch", alt=description)
    else:
        readable = chart.configure_axis(labelColor=CHART_TEXT, titleColor=CHART_TEXT).configure_legend(
            labelColor=CHART_TEXT, titleColor=CHART_TEXT)
        st.altair_chart(readable, width="stretch", alt=description)
    if table and (box := lazy_expander(TABLE_TITLE, key=key, icon=":material/table_view:")) is not None:
        frame = pd.DataFrame(list(table))
        box.table(frame.set_index(frame.columns[0]))
