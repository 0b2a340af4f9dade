"""Gantt charts (Vega-Lite specs) of the journey: actual phase bars over the lighter planned bars, with a rule for "heute".

Chart building only (no Streamlit): the page shows the result with ``web.charts.show_chart`` (described for screen
readers, figures as a table, ``municipality_table``). Times are drawn as German wall clock on a UTC scale, so the
browser's time zone cannot shift a bar by a day; tooltips carry dd.mm.yyyy strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from journey.timeline import PHASE_KINDS, Phase, ProductJourney, Stretch, local_day
from models import STATE_NAMES
from web.text import BERLIN, fmt_date

PHASE_COLOURS = ("#4C78A8", "#F58518", "#B279A2", "#54A24B")  # blue, orange, purple, green: tell apart in grey too
COLOURS = {"domain": [k.name for k in PHASE_KINDS], "range": list(PHASE_COLOURS)}
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


def _field(name: str, title: str | None = None, kind: str = "nominal") -> dict[str, Any]:
    return {"field": name, "type": kind, **({"title": title} if title is not None else {})}


def _chart(rows: list[dict[str, Any]], order: list[str], now: datetime, *, row_title: str | None,
           label_limit: int) -> dict[str, Any]:
    """Return the Vega-Lite spec: planned bars (light, outlined), actual bars over them, a red rule for "heute".

    Written as plain Vega-Lite (no Altair objects): building and validating Altair objects for a page of 20 products
    cost about 100 ms per rerun; ``tests/test_page_journey.py`` validates the specs against the Vega-Lite schema.
    """
    utc = {"type": "utc"}
    y = {"field": "Zeile", "type": "nominal", "sort": order, "title": None,
         "axis": {"labelLimit": label_limit, "labelFontSize": 12}}
    x = {"field": "Beginn", "type": "temporal", "title": "Datum", "scale": utc,
         "axis": {"format": "%d.%m.%Y", "labelAngle": 0, "labelOverlap": True, "grid": True}}
    tooltip = [*([_field("Zeile", row_title)] if row_title else []), _field("Abschnitt", "Phase"),
               _field("Art", "Plan oder Ist"), _field("Von", "von"), _field("Bis", "bis"), _field("Dauer", "Dauer"),
               _field("Stand", "Stand")]
    # One legend for both layers, in the strong colours of the actual bars.
    colour = {"field": "Phase", "type": "nominal", "scale": COLOURS, "title": "Phase",
              "legend": {"orient": "top", "labelFontSize": 12, "symbolOpacity": 1, "symbolType": "square"}}
    encoding = {"x": x, "x2": {"field": "Ende"}, "y": y, "color": colour, "tooltip": tooltip}
    planned = {
        "data": {"values": [r for r in rows if r["Art"] == PLAN]},
        "mark": {"type": "bar", "size": ROW - 10, "fillOpacity": 0.2, "strokeWidth": 1, "strokeOpacity": 0.7},
        "encoding": {**encoding, "stroke": {"field": "Phase", "type": "nominal", "scale": COLOURS, "legend": None}},
    }
    actual = {"data": {"values": [r for r in rows if r["Art"] == ACTUAL]},
              "mark": {"type": "bar", "size": 12, "cornerRadius": 2}, "encoding": encoding}
    today = {"field": "Beginn", "type": "temporal", "scale": utc}
    rule = {"data": {"values": [{"Beginn": _wall(now), "Text": f"heute, {_day(now)}"}]},
            "mark": {"type": "rule", "color": "#C0392B", "strokeWidth": 2},
            "encoding": {"x": today, "tooltip": [_field("Text", "")]}}
    label = {"data": {"values": [{"Beginn": _wall(now), "Text": "heute"}]},
             "mark": {"type": "text", "align": "left", "baseline": "top", "dx": 4, "dy": 2, "color": "#C0392B",
                      "fontWeight": "bold", "fontSize": 12},
             "encoding": {"x": today, "y": {"value": 0}, "text": _field("Text")}}
    return {"height": {"step": ROW}, "layer": [planned, actual, rule, label]}


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


def municipality_chart(journeys: Sequence[ProductJourney], now: datetime) -> dict[str, Any]:
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


def product_chart(journey: ProductJourney) -> dict[str, Any]:
    """Return one row per phase of one product, planned and actual."""
    order = list(dict.fromkeys(p.name for p in journey.phases))
    rows: list[dict[str, Any]] = []
    for phase in journey.phases:
        rows += _planned_rows(phase.name, [phase])
    for row in _actual_rows("", journey):
        rows.append({**row, "Zeile": row["Abschnitt"]})
    return _chart(rows, order, journey.as_of, row_title=None, label_limit=260)
