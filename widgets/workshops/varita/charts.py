"""Varita's chart builders (pure: DataFrames in, Plotly figures out).

The look they share (palette, type, template) is ``widgets/ui/charts.py``.
"""

from __future__ import annotations

import zlib

import pandas as pd
import plotly.graph_objects as go

from widgets.i18n import Translator
from widgets.ui.text import plot_lines, plot_text
from widgets.ui.charts import BLACK, BLUE, FONT, GREEN, GREY, VERMILLION, _face_axis, _figure, _layout, _short, _zone_matrix, beside, bubbles
from widgets.workshops.feliz.charts import happiness_dumbbell


def emotion_curve(table: pd.DataFrame, tr: Translator, *, title: str = "") -> go.Figure:
    """Today's vs the designed emotion curve along the journey: entering then leaving each touchpoint.

    ``table`` comes from :func:`widgets.workshops.varita.model.design`. Always two traces (today, designed)."""
    xs, today, designed = [], [], []
    for i, r in enumerate(table.itertuples(index=False)):
        xs += [i - 0.2, i + 0.2]
        today += [r.enter, r.leave]
        designed += [r.enter, r.designed]
    data = [
        dict(type="scatter", x=xs, y=today, mode="lines+markers", name=tr("varita.chart.today"),
             line=dict(color=GREY, width=4, dash="dot"), marker=dict(size=12, symbol="circle"),
             connectgaps=True, hovertemplate="%{y:.1f}<extra></extra>"),
        dict(type="scatter", x=xs, y=designed, mode="lines+markers", name=tr("varita.chart.designed"),
             line=dict(color=BLUE, width=5), marker=dict(size=14, symbol="diamond"),
             connectgaps=True, hovertemplate="%{y:.1f}<extra></extra>"),
    ]
    return _figure(data, _layout(
        title, 520,
        # names wrapped and level: turned on end, long names overlapped each other on a big screen
        xaxis=dict(tickvals=list(range(len(table))), ticktext=["<br>".join(plot_lines(lbl, 12)) for lbl in table["label"]],
                   tickangle=0, fixedrange=True, automargin=True),
        yaxis=_face_axis(tr),
    ))


def gain_dumbbell(table: pd.DataFrame, tr: Translator, *, title: str = "") -> go.Figure:
    """Per touchpoint, today's leaving happiness -> the designed one, sorted by gain (largest first)."""
    s = table.sort_values("gain", ascending=False, na_position="last")
    summary = pd.DataFrame(
        {
            "label": s["label"], "n": s["n"], "enter_mean": s["leave"], "enter_std": float("nan"),
            "leave_mean": s["designed"], "leave_std": float("nan"), "delta": s["gain"],
            "worse": s["gain"] < 0,
        }
    )
    return happiness_dumbbell(summary, tr, title=title,
                              names=(tr("varita.chart.today_leave"), tr("varita.chart.designed_leave")))


def ideas_matrix(idea_list: list, totals: dict[str, int], tr: Translator, *, title: str = "",
                 quick_win=None) -> go.Figure:
    """Ideas by effort (x) and delight (y); bubble size = votes; quick wins (high delight, low effort) in
    green diamonds inside the shaded corner. Always two traces (quick wins, others)."""
    most = max((totals.get(i.key, 0) for i in idea_list), default=0)

    def trace(items, name, color, symbol):
        # a small deterministic spread so ideas with the same ratings stay visible
        jitter = [((zlib.crc32(i.key.encode()) % 7) - 3) * 0.05 for i in items]
        return dict(
            type="scatter",
            x=[i.effort + j for i, j in zip(items, jitter)], y=[i.delight - j for i, j in zip(items, jitter)],
            mode="markers+text", name=name,
            marker=dict(size=bubbles([totals.get(i.key, 0) for i in items], most), color=color, symbol=symbol,
                        line=dict(color="white", width=1), opacity=0.85),
            # each idea says which it is (shortened: the whole text is in the hover and the tables)
            text=[plot_text(_short(i.text, 22)) for i in items], textposition=[beside(i.effort) for i in items],
            textfont=dict(size=14, color=BLACK), cliponaxis=False,
            customdata=[tr("varita.chart.idea_hover", text=plot_text(i.text), votes=totals.get(i.key, 0),
                           delight=i.delight, effort=i.effort) for i in items],
            hovertemplate="%{customdata}<extra></extra>",
        )

    quick = [i for i in idea_list if quick_win and quick_win(i)]
    other = [i for i in idea_list if not (quick_win and quick_win(i))]
    data = [trace(quick, tr("varita.chart.quick_wins"), GREEN, "diamond"),
            trace(other, tr("varita.chart.other_ideas"), BLUE, "circle")]
    return _zone_matrix(data, _layout(title, 520), y0=3.5, color=GREEN, opacity=0.12, label=tr("varita.chart.quick_zone"), label_y=5.35,
                        x_title=tr("varita.chart.effort"), y_title=tr("varita.chart.delight"))


def fans_gauge(today: float | None, designed: float | None, tr: Translator, *, title: str = "") -> go.Figure:
    """The "fans" indicator: share of touchpoints where the customer leaves happier than they came in."""
    value = 0 if designed is None else round(100 * designed)
    ref = 0 if today is None else round(100 * today)
    indicator = dict(
        type="indicator", mode="gauge+number+delta", value=value, number=dict(suffix="%", font=dict(size=64)),
        delta=dict(reference=ref, suffix=" pp", increasing=dict(color=BLUE), decreasing=dict(color=VERMILLION),
                   position="top", font=dict(size=28)),  # above the number: under it they touched on a big screen
        gauge=dict(axis=dict(range=[0, 100], ticksuffix="%"), bar=dict(color=BLUE),
                   threshold=dict(line=dict(color=GREY, width=6), value=ref)),
        title=dict(text=plot_text(title or tr("varita.chart.fans")), font=dict(size=22)),
    )
    return _figure([indicator], dict(font=FONT, height=340, margin=dict(l=30, r=30, t=70, b=20), paper_bgcolor="white"))
