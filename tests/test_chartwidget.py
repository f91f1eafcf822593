"""Charts send their figure as plain JSON and a small loader; the page draws them with our charts module."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import plotly.graph_objects as go

from widgets.ui import chartwidget
from widgets.serving import voila_template
from widgets.ui.chartwidget import Chart


def test_a_chart_sends_its_figure_and_a_small_loader_not_plotly_js():
    chart = Chart(go.Figure(go.Bar(x=["a"], y=[1]), layout={"title": {"text": "T"}}))
    state = chart.get_state()
    assert len(json.dumps(state["_esm"])) < 2_000 and chartwidget.MODULE in state["_esm"]
    assert state["figure"]["data"] == [{"type": "bar", "x": ["a"], "y": [1]}]
    assert state["figure"]["layout"]["title"]["text"] == "T"
    assert len(json.dumps(go.FigureWidget().get_state()["_esm"])) > 1_000_000  # what Plotly's own widget sends
    chart.close()


def test_numbers_and_dates_from_pandas_become_json():
    chart = Chart(go.Figure(go.Scatter(x=[dt.date(2026, 5, 1)], y=np.array([1.5]))))
    state = json.loads(json.dumps(chart.get_state()["figure"]))  # what travels to the page is plain JSON
    assert state["data"][0]["x"] == ["2026-05-01"]
    y = state["data"][0]["y"]
    assert y == [1.5] or (isinstance(y, dict) and "bdata" in y)  # plotly.js reads both forms
    chart.close()


def test_the_figure_reads_like_a_plotly_figure():
    chart = Chart(go.Figure(go.Bar(x=[1], y=["a"], name="n")))
    assert chart.data[0].name == "n" and list(chart.data[0].x) == [1]
    assert chart.show(go.Figure(go.Bar(x=[2], y=["a"]))) and list(chart.data[0].x) == [2]
    assert not chart.show(go.Figure(go.Bar(x=[2], y=["a"])))  # the same figure again: nothing to send
    chart.close()


def test_the_charts_module_is_built_into_the_template_with_the_trace_types_we_use():
    from widgets.ui.chartwidget import TRACE_TYPES

    module = (voila_template.SOURCE / "static" / "clientelitis-charts.js").read_text()
    assert module.rstrip().endswith("*/") or "export" in module
    for trace in TRACE_TYPES:  # every trace type a chart builder may use is registered in the partial plotly.js
        assert f'"{trace}"' in module, trace
    assert len(module) < 2_500_000  # a partial build, not the whole of plotly.js (4.6 MB)
