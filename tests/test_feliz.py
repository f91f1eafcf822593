"""The "¿Sale más feliz?" model and its chart, without a browser."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from widgets.workshops.feliz import model as feliz
from widgets.ui.charts import BLUE, VERMILLION, copy_figure
from widgets.workshops.feliz.charts import happiness_dumbbell
from widgets.i18n import Translator
from widgets.kits.journeys import Touchpoint, industries, touchpoints

JOURNEY = [Touchpoint("a", "Llegada", ""), Touchpoint("b", "Pago <script>$x$</script>", ""), Touchpoint("c", "Salida", "")]


def answers(rows):
    return pd.DataFrame(
        [dict(participant_id=p, name=f"P{p}", team="T", exercise="feliz", item=i, value=v, updated_at=0)
         for p, i, v in rows]
    )


def test_validate_rating():
    assert feliz.validate_rating(None) is None
    assert feliz.validate_rating(3) == 3
    for bad in (0, 6, -1, 2.5, "3", True):
        with pytest.raises(feliz.RatingError):
            feliz.validate_rating(bad)


def test_summarize_means_spread_delta_and_worse():
    df = answers([
        (1, "a", {"enter": 2, "leave": 4}),
        (2, "a", {"enter": 4, "leave": 4}),
        (1, "b", {"enter": 5, "leave": 1}),
        (2, "b", {"enter": 3, "leave": 2}),
        (3, "c", {"enter": 3, "leave": None}),
    ])
    s = feliz.summarize(df, JOURNEY).set_index("touchpoint")
    assert s.loc["a", "enter_mean"] == 3 and s.loc["a", "leave_mean"] == 4
    assert s.loc["a", "enter_std"] == 1.0 and s.loc["a", "n"] == 2
    assert s.loc["b", "delta"] == -2.5 and bool(s.loc["b", "worse"])
    assert not bool(s.loc["a", "worse"])
    assert s.loc["c", "n"] == 0 and math.isnan(s.loc["c", "leave_mean"])
    assert list(s.index) == ["a", "b", "c"]  # journey order
    total, count = feliz.net_change(s.reset_index())
    assert (total, count) == (1 - 2.5, 2)


def test_completed_needs_every_touchpoint():
    df = answers([(1, tp.id, {"enter": 3, "leave": 3}) for tp in JOURNEY] + [(2, "a", {"enter": 3, "leave": 3})])
    done = feliz.completed(df, JOURNEY)
    assert done.to_dict() == {1: True, 2: False}


def test_summarize_empty():
    s = feliz.summarize(answers([]), JOURNEY)
    assert len(s) == 3 and s["n"].sum() == 0 and not s["worse"].any()


def test_dumbbell_data_colours_and_escaping():
    df = answers([(1, "a", {"enter": 2, "leave": 4}), (1, "b", {"enter": 5, "leave": 1})])
    fig = happiness_dumbbell(feliz.summarize(df, JOURNEY), Translator("es"), title="Sala <b>")
    assert len(fig.data) == 4
    better, worse, enter, leave = fig.data
    assert list(better.x) == [2, 4, None] and list(worse.x) == [5, 1, None]
    assert list(enter.x)[:2] == [2, 5] and list(leave.x)[:2] == [4, 1]
    assert leave.marker.color[0] == BLUE and leave.marker.color[1] == VERMILLION
    labels = list(enter.y)
    assert labels[1].startswith("⚠") and "&lt;script&gt;" in labels[1] and "<script>" not in labels[1]
    assert "$" not in labels[1]
    assert "&lt;b&gt;" in fig.layout.title.text
    assert list(fig.layout.yaxis.categoryarray) == labels[::-1]  # first touchpoint on top


def test_long_touchpoint_names_are_wrapped_not_cut():
    """Plotly never wraps a label: a 40-character touchpoint would take a phone's whole width. Each label is cut
    at spaces into lines of at most 18 characters (a longer word is split), escaped, nothing dropped; the
    chart grows taller for the extra lines."""
    long = "Espera en la cola <de> la caja $ rápida"  # 39 characters: three lines
    word = "Superextraordinariamente-largo"  # one word longer than a line
    journey = [Touchpoint("a", long, ""), Touchpoint("b", word, ""), Touchpoint("c", "Salida", "")]
    df = answers([(1, "a", {"enter": 4, "leave": 2}), (1, "b", {"enter": 2, "leave": 4})])
    fig = happiness_dumbbell(feliz.summarize(df, journey), Translator("es"))
    labels = list(fig.data[2].y)
    first = labels[0].removeprefix("⚠ ").replace("<b>", "").replace("</b>", "").split("<br>")
    assert first == ["Espera en la cola", "&lt;de&gt; la caja &#36;", "rápida"]  # worse: flagged, every line bold
    assert labels[0].count("<b>") == 3
    assert labels[1].split("<br>") == ["Superextraordinari", "amente-largo"]
    assert labels[2] == "Salida"
    assert list(fig.layout.yaxis.categoryarray) == labels[::-1]
    hover = list(fig.data[2].text)
    assert "&lt;de&gt; la caja &#36; rápida" in hover[0]  # the hover keeps the whole name on one line
    short = happiness_dumbbell(feliz.summarize(df, JOURNEY), Translator("es"))
    assert fig.layout.height > short.layout.height


def test_copy_figure_updates_widget_in_place():
    empty = happiness_dumbbell(feliz.summarize(answers([]), JOURNEY), Translator("en"))
    from widgets.ui.chartwidget import Chart

    widget = Chart(empty)
    full = happiness_dumbbell(
        feliz.summarize(answers([(1, "c", {"enter": 1, "leave": 5})]), JOURNEY), Translator("en")
    )
    copy_figure(widget, full)
    assert list(widget.data[3].x)[2] == 5
    assert widget.data[0].name == "Leaves happier"
    # what the page draws (also what a view created later, e.g. revealed results, starts from) is current too
    assert list(widget.figure["data"][3]["x"])[2] == 5


def test_every_template_builds_a_journey_in_both_languages():
    for _label, industry in industries("es"):
        es, en = touchpoints(industry, "es"), touchpoints(industry, "en")
        assert 5 <= len(es) <= 8 and [t.id for t in es] == [t.id for t in en]
        assert len({t.name.casefold() for t in es}) == len(es)


def test_the_spread_whiskers_stop_at_the_ends_of_the_scale():
    import pandas as pd

    from widgets.workshops.feliz.charts import happiness_dumbbell
    from widgets.i18n import Translator

    summary = pd.DataFrame({"touchpoint": ["a", "b"], "label": ["A", "B"], "n": [3, 3], "enter_mean": [4.5, 2.0],
                            "enter_std": [1.0, 0.5], "leave_mean": [1.5, 3.0], "leave_std": [2.0, float("nan")],
                            "delta": [-3.0, 1.0], "worse": [True, False]})
    fig = happiness_dumbbell(summary, Translator("es"), spread=True)
    enter = next(t.error_x for t in fig.data if t.error_x and t.error_x.visible and list(t.x) == [4.5, 2.0])
    assert list(enter.array) == [0.5, 0.5] and list(enter.arrayminus) == [1.0, 0.5]  # 4.5 + 1 would pass 5
    leave = next(t.error_x for t in fig.data if t.error_x and t.error_x.visible and list(t.x) == [1.5, 3.0])
    assert list(leave.arrayminus) == [0.5, 0.0] and list(leave.array) == [2.0, 0.0]  # 1.5 - 2 would pass 1
