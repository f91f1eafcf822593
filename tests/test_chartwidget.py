"""Charts send a small loader instead of plotly.js; the loader's bundle is published next to the notebooks."""

from __future__ import annotations

import json

import plotly.graph_objects as go

from widgets import chartwidget
from widgets.chartwidget import Chart


def test_a_chart_sends_a_small_loader_not_plotly_js():
    chart = Chart(go.Figure(go.Bar(x=["a"], y=[1])))
    state = chart.get_state()
    assert len(json.dumps(state["_esm"])) < 2_000
    assert chartwidget.BUNDLE_NAME in state["_esm"]
    assert len(json.dumps(go.FigureWidget().get_state()["_esm"])) > 1_000_000  # what each chart sent before
    chart.close()


def test_publishing_copies_the_installed_bundle_once(tmp_path):
    assert chartwidget.publish_bundle(tmp_path)
    target = tmp_path / chartwidget.BUNDLE_NAME
    assert target.read_bytes() == chartwidget._SOURCE.read_bytes()
    stamp = target.stat().st_mtime_ns
    assert chartwidget.publish_bundle(tmp_path)
    assert target.stat().st_mtime_ns == stamp  # already there: not rewritten
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary files left


def test_publishing_reports_a_folder_it_cannot_write(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert not chartwidget.publish_bundle(blocker)


def test_a_page_that_cannot_load_the_bundle_gets_it_inside_the_chart():
    chart = Chart(go.Figure())
    chart._on_loader_msg(chart, {"clientelitis-full-bundle": True}, [])
    assert chart._esm == str(go.FigureWidget._esm)
    chart.close()
