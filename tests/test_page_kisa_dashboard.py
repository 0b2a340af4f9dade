"""AppTest: KISA's overview shows the figures of known data; municipalities do not get it."""

from __future__ import annotations

import json

import altair as alt

from models import Role
from questionnaire.submission import submit
from tests.apptest_helpers import all_text, app_like_server, open_expander, open_page  # noqa: F401  (autouse fixture)
from tests.builders import make_user
from tests.questionnaire_world import fill_completely, make_world, opened


def _overview_with_one_submission(engine, session):
    """KISA's overview when one of the world's four ordered products has its configuration submitted."""
    world = make_world(session)
    questionnaire_id = opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    submit(session, actor=world.coordinator, questionnaire_id=questionnaire_id,
           base_version=fill_completely(session, world.coordinator, questionnaire_id))
    session.commit()
    return open_page(engine, "kisa_dashboard", user=make_user(session, role=Role.KISA))


def test_overview_shows_counts_charts_and_district_coverage(engine, session):
    at = _overview_with_one_submission(engine, session)
    assert [m.value for m in at.metric] == ["4", "0", "0"]  # four ordered products, none live, none overdue
    text = all_text(at)
    assert "Wo die Produkte stehen" in text and "Abdeckung je Landkreis" in text
    assert len(at.get("vega_lite_chart")) == 3  # per state, per week, days per finished phase
    assert at.dataframe[0].value.shape[0] == 13  # ten districts and three cities of Saxony


def test_every_chart_is_described_and_its_figures_are_given_as_tables(engine, session):
    at = _overview_with_one_submission(engine, session)
    assert [c.proto.alt.split(":")[0] for c in at.get("vega_lite_chart")] == ["Balkendiagramm"] * 3
    for chart in at.get("vega_lite_chart"):  # written as plain Vega-Lite: checked against its schema
        spec = json.loads(chart.proto.spec)  # the rows travel beside the spec (Arrow), so the check gets none
        alt.Chart.from_dict({"data": {"values": []}, **spec}, validate=True)
    assert [e.label for e in at.expander] == ["Die Zahlen des Diagramms als Tabelle"] * 3
    assert not at.table  # closed: made only when opened
    for key in ("dash_states_table", "dash_weeks_table", "dash_phases_table"):
        open_expander(at, key)
    per_state, per_week, per_phase = (t.value for t in at.table)
    assert per_state.loc["Konfiguration eingereicht", "Produkte"] == 1 and per_state["Produkte"].sum() == 4
    assert list(per_week.columns) == ["eingereicht", "live gegangen"] and per_week["eingereicht"].sum() == 1
    assert "Fragebogen in Bearbeitung" in per_phase.index  # finished when the questionnaire was submitted

