"""Altair Gantt charts of the journey: actual phase bars over the lighter planned bars, with a rule for "heute".

Chart building only (no Streamlit): the page shows the result with ``web.charts.show_chart`` (described for screen
readers, figures as a table, ``municipality_table``). Times are drawn as German wall clock on a UTC scale, so the
browser's time zone cannot shift a bar by a day; tooltips carry dd.mm.yyyy strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import altair as alt

from journey.timeline import PHASE_KINDS, Phase, ProductJourney, Stretch, local_day
from models import STATE_NAMES
from web.text import BERLIN, fmt_date

PHASE_COLOURS = ("#4C78A8", "#F58518", "#B279A2", "#54A24B")  # blue, orange, purple, green: tell apart in grey too
COLOURS = alt.Scale(domain=[k.name for k in PHASE_KINDS], range=list(PHASE_COLOURS))
ROW = 34  # pixels per product row
PLAN, ACTUAL = "Plan", "Ist"


def _wall(moment: datetime) -> str:
    """Return German wall-clock time as an ISO string the chart reads on its UTC scale."""
    return moment.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(moment: datetime) -> str:
    return fmt_date(local_day(moment))


def _days(start: datetime, end: datetime) -> str:
    days = (end - start).total_seconds() / 86400
    whole = round(days)
    return "unter 1 Tag" if days < 1 else f"{whole} {'Tag' if whole == 1 else 'Tage'}"


def _bars(stretches: Sequence[Stretch]) -> list[list[Stretch]]:
    """Group consecutive stretches of the same phase and round: one bar each (a query interrupts KISA's phase)."""
    bars: list[list[Stretch]] = []
    for stretch in stretches:
        if stretch.kind is None:
            continue
        if bars and bars[-1][-1].kind is stretch.kind and bars[-1][-1].round == stretch.round:
            bars[-1].append(stretch)
        else:
            bars.append([stretch])
    return bars


def _actual_rows(row: str, journey: ProductJourney) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for bar in _bars(journey.stretches):
        first, last = bar[0], bar[-1]
        assert first.kind is not None
        end = last.end or journey.as_of
        rows.append({
            "Zeile": row, "Art": ACTUAL, "Phase": first.kind.name,
            "Abschnitt": first.kind.name if first.round == 0 else f"Änderung {first.round}: {first.kind.name}",
            "Beginn": _wall(first.start), "Ende": _wall(end), "Von": _day(first.start),
            "Bis": "heute (läuft)" if last.end is None else _day(end), "Dauer": _days(first.start, end),
            "Stand": " → ".join(dict.fromkeys(STATE_NAMES[s.state] for s in bar)),
        })
    return rows


def _planned_rows(row: str, phases: Sequence[Phase]) -> list[dict[str, Any]]:
    return [{
        "Zeile": row, "Art": PLAN, "Phase": p.kind.name, "Abschnitt": f"{p.name} (Plan)",
        "Beginn": _wall(p.planned_start), "Ende": _wall(p.planned_end), "Von": _day(p.planned_start),
        "Bis": _day(p.planned_end), "Dauer": _days(p.planned_start, p.planned_end), "Stand": "geplant",
    } for p in phases if p.planned_end is not None]


def _chart(rows: list[dict[str, Any]], order: list[str], now: datetime, *, row_title: str | None,
           label_limit: int) -> alt.LayerChart:
    data = alt.Data(values=rows)
    y = alt.Y("Zeile:N", sort=order, title=None, axis=alt.Axis(labelLimit=label_limit, labelFontSize=12))
    x = alt.X("Beginn:T", title="Datum", scale=alt.Scale(type="utc"),
              axis=alt.Axis(format="%d.%m.%Y", labelAngle=0, labelOverlap=True, grid=True))
    tooltip = [*([alt.Tooltip("Zeile:N", title=row_title)] if row_title else []), alt.Tooltip("Abschnitt:N", title="Phase"),
               alt.Tooltip("Art:N", title="Plan oder Ist"), alt.Tooltip("Von:N", title="von"),
               alt.Tooltip("Bis:N", title="bis"), alt.Tooltip("Dauer:N", title="Dauer"),
               alt.Tooltip("Stand:N", title="Stand")]
    # One legend for both layers, in the strong colours of the actual bars.
    colour = alt.Color("Phase:N", scale=COLOURS, title="Phase",
                       legend=alt.Legend(orient="top", labelFontSize=12, symbolOpacity=1, symbolType="square"))
    planned = alt.Chart(data).transform_filter(f"datum.Art == '{PLAN}'").mark_bar(
        size=ROW - 10, fillOpacity=0.2, strokeWidth=1, strokeOpacity=0.7,
    ).encode(x=x, x2="Ende:T", y=y, color=colour, stroke=alt.Stroke("Phase:N", scale=COLOURS, legend=None),
             tooltip=tooltip)
    actual = alt.Chart(data).transform_filter(f"datum.Art == '{ACTUAL}'").mark_bar(
        size=12, cornerRadius=2).encode(x=x, x2="Ende:T", y=y, color=colour, tooltip=tooltip)
    today = alt.Data(values=[{"Beginn": _wall(now), "Text": f"heute, {_day(now)}"}])
    rule = alt.Chart(today).mark_rule(color="#C0392B", strokeWidth=2).encode(
        x=alt.X("Beginn:T", scale=alt.Scale(type="utc")), tooltip=[alt.Tooltip("Text:N", title="")])
    label = alt.Chart(alt.Data(values=[{"Beginn": _wall(now), "Text": "heute"}])).mark_text(
        align="left", baseline="top", dx=4, dy=2, color="#C0392B", fontWeight="bold", fontSize=12,
    ).encode(x=alt.X("Beginn:T", scale=alt.Scale(type="utc")), y=alt.value(0), text="Text:N")
    return alt.LayerChart(layer=[planned, actual, rule, label], height=alt.Step(ROW))


def _labels(journeys: Sequence[ProductJourney]) -> list[str]:
    """Return one row label per product; a product ordered twice gets its number added."""
    names = [j.product_name for j in journeys]
    labels = []
    for journey in journeys:
        label = journey.product_name
        if names.count(label) > 1:
            label += f" (Nr. {journey.ordered_product_id})"
        if journey.ended:
            label += f" – {journey.state_name}"
        labels.append(label)
    return labels


def municipality_chart(journeys: Sequence[ProductJourney], now: datetime) -> alt.LayerChart:
    """Return one row per product: the actual phases over the plan from the order date (and of a running change)."""
    labels = _labels(journeys)
    rows: list[dict[str, Any]] = []
    for label, journey in zip(labels, journeys, strict=True):
        shown = [p for p in journey.phases if p.round in (0, journey.round)]
        rows += _planned_rows(label, shown)
        rows += _actual_rows(label, journey)
    return _chart(rows, labels, now, row_title="Produkt", label_limit=260)


def municipality_table(journeys: Sequence[ProductJourney]) -> list[dict[str, str]]:
    """Return the figures of ``municipality_chart`` as table rows (its text alternative): per product plan, then actual."""
    table: list[dict[str, str]] = []
    for label, journey in zip(_labels(journeys), journeys, strict=True):
        shown = [p for p in journey.phases if p.round in (0, journey.round)]
        for row in [*_planned_rows(label, shown), *_actual_rows(label, journey)]:
            table.append({"Produkt": label, "Phase": row["Abschnitt"].removesuffix(" (Plan)"),
                          "Plan oder Ist": row["Art"], "von": row["Von"],
                          "bis": row["Bis"], "Dauer": row["Dauer"], "Stand": row["Stand"]})
    return table


def product_chart(journey: ProductJourney) -> alt.LayerChart:
    """Return one row per phase of one product, planned and actual."""
    order = list(dict.fromkeys(p.name for p in journey.phases))
    rows: list[dict[str, Any]] = []
    for phase in journey.phases:
        rows += _planned_rows(phase.name, [phase])
    for row in _actual_rows("", journey):
        rows.append({**row, "Zeile": row["Abschnitt"]})
    return _chart(rows, order, journey.as_of, row_title=None, label_limit=260)
