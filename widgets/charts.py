"""Chart builders: pure functions from DataFrames to Plotly figures (no widgets, no SQL).

Readable on a projector: large type, a colour-blind-safe palette (Okabe-Ito), and shape as well as colour
for every distinction that matters.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from .feliz import FACES
from .i18n import Translator
from .text import plot_text

# Okabe-Ito palette
BLUE = "#0072B2"
VERMILLION = "#D55E00"
GREY = "#8C8C8C"
BLACK = "#222222"
FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=20, color=BLACK)


def _segments(summary: pd.DataFrame, mask: pd.Series) -> tuple[list, list]:
    xs: list = []
    ys: list = []
    for row in summary[mask].itertuples(index=False):
        xs += [row.enter_mean, row.leave_mean, None]
        ys += [row.y, row.y, None]
    return xs, ys


def happiness_dumbbell(summary: pd.DataFrame, tr: Translator, *, title: str = "", spread: bool = False) -> go.Figure:
    """Before/after dumbbell: one row per touchpoint, entering (grey circle) -> leaving (coloured arrow).

    ``summary`` comes from :func:`widgets.feliz.summarize`. Rows where customers leave less happy than
    they came in are drawn in vermillion with a left-pointing marker and flagged with a warning sign.
    The figure always has the same four traces, so a ``FigureWidget`` can be updated in place.
    """
    s = summary.copy()
    s["y"] = [
        ("⚠ <b>" + plot_text(lbl) + "</b>") if worse else plot_text(lbl)
        for lbl, worse in zip(s["label"], s["worse"])
    ]
    has_both = s["enter_mean"].notna() & s["leave_mean"].notna()
    up = has_both & (s["delta"] >= 0)
    down = has_both & (s["delta"] < 0)
    up_x, up_y = _segments(s, up)
    down_x, down_y = _segments(s, down)

    colors = [VERMILLION if w else (BLUE if (pd.notna(d) and d > 0) else GREY) for w, d in zip(s["worse"], s["delta"])]
    symbols = [
        "triangle-left" if w else ("triangle-right" if (pd.notna(d) and d > 0) else "diamond")
        for w, d in zip(s["worse"], s["delta"])
    ]

    def fmt(v: float) -> str:
        return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.1f}"

    hover = [
        tr("chart.hover", label=plot_text(r.label), enter=fmt(r.enter_mean), leave=fmt(r.leave_mean), n=r.n)
        for r in s.itertuples(index=False)
    ]
    error = dict(type="data", array=list(s["enter_std"].fillna(0)), visible=spread, color=GREY, thickness=2)
    error_leave = dict(type="data", array=list(s["leave_std"].fillna(0)), visible=spread, color=BLACK, thickness=2)

    fig = go.Figure(
        data=[
            go.Scatter(x=up_x, y=up_y, mode="lines", line=dict(color=BLUE, width=7), name=tr("chart.better"), hoverinfo="skip"),
            go.Scatter(
                x=down_x, y=down_y, mode="lines", line=dict(color=VERMILLION, width=7, dash="dot"),
                name=tr("chart.worse"), hoverinfo="skip",
            ),
            go.Scatter(
                x=list(s["enter_mean"]), y=list(s["y"]), mode="markers", name=tr("chart.enter"),
                marker=dict(size=22, color="white", line=dict(color=GREY, width=4)),
                error_x=error, text=hover, hovertemplate="%{text}<extra></extra>",
            ),
            go.Scatter(
                x=list(s["leave_mean"]), y=list(s["y"]), mode="markers", name=tr("chart.leave"),
                marker=dict(size=26, color=colors, symbol=symbols, line=dict(color="white", width=1)),
                error_x=error_leave, text=hover, hovertemplate="%{text}<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        title=dict(text=plot_text(title), font=dict(size=26)) if title else None,
        font=FONT,
        height=160 + 70 * max(len(s), 1),
        margin=dict(l=20, r=20, t=80 if title else 30, b=90),
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0, font=dict(size=18)),
        xaxis=dict(
            range=[0.5, 5.5],
            tickvals=list(FACES),
            ticktext=[f"{FACES[v]} {v}" for v in FACES],
            title=dict(text=tr("chart.happiness_axis"), font=dict(size=18)),
            gridcolor="#E5E5E5",
            zeroline=False,
            fixedrange=True,
        ),
        yaxis=dict(
            categoryorder="array",
            categoryarray=list(s["y"])[::-1],
            automargin=True,
            fixedrange=True,
            tickfont=dict(size=20),
        ),
    )
    return fig


def copy_figure(target: go.FigureWidget, source: go.Figure) -> None:
    """Update ``target`` in place so it shows ``source`` (same traces, new data), in one message."""
    with target.batch_update():
        for old, new in zip(target.data, source.data):
            old.update(new.to_plotly_json(), overwrite=True)
        target.layout.update(source.layout.to_plotly_json(), overwrite=True)
