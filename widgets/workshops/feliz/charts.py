"""Feliz's chart builders (pure: DataFrames in, Plotly figures out).

The look they share (palette, type, template) is ``widgets/ui/charts.py``.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from widgets.workshops.feliz.model import FACES
from widgets.i18n import Translator
from widgets.ui.text import plot_lines, plot_text
from widgets.ui.charts import BLACK, BLUE, FONT, GREY, LEGEND_AT_BOTTOM, VERMILLION, _figure, _title


def _segments(summary: pd.DataFrame, mask: pd.Series) -> tuple[list, list]:
    xs: list = []
    ys: list = []
    for row in summary[mask].itertuples(index=False):
        xs += [row.enter_mean, row.leave_mean, None]
        ys += [row.y, row.y, None]
    return xs, ys


def happiness_dumbbell(
    summary: pd.DataFrame, tr: Translator, *, title: str = "", spread: bool = False,
    names: tuple[str, str] | None = None,
) -> go.Figure:
    """Before/after dumbbell: one row per touchpoint, entering (grey circle) -> leaving (coloured arrow).

    ``summary`` comes from :func:`widgets.workshops.feliz.model.summarize`. Rows where customers leave less happy than
    they came in are drawn in vermillion with a left-pointing marker and flagged with a warning sign.
    The figure always has the same four traces, so the page redraws it in place (Plotly.react).
    """
    s = summary.copy()
    lines = [plot_lines(lbl) for lbl in s["label"]]  # wrapped: the plot keeps its width on a phone
    s["y"] = [
        ("⚠ " + "<br>".join(f"<b>{line}</b>" for line in found)) if worse else "<br>".join(found)
        for found, worse in zip(lines, s["worse"])
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
    def whiskers(mean, std, color):
        """One standard deviation each side, cut at the scale's ends (no whisker past 5 or below 1)."""
        sd, m = std.fillna(0), mean.fillna(3)
        return dict(type="data", symmetric=False, array=[round(min(d, 5 - x), 3) for d, x in zip(sd, m)],
                    arrayminus=[round(min(d, x - 1), 3) for d, x in zip(sd, m)], visible=spread, color=color, thickness=2)

    error = whiskers(s["enter_mean"], s["enter_std"], GREY)
    error_leave = whiskers(s["leave_mean"], s["leave_std"], BLACK)

    data = [
        dict(type="scatter", x=up_x, y=up_y, mode="lines", line=dict(color=BLUE, width=7), name=tr("chart.better"),
             hoverinfo="skip"),
        dict(
            type="scatter", x=down_x, y=down_y, mode="lines", line=dict(color=VERMILLION, width=7, dash="dot"),
            name=tr("chart.worse"), hoverinfo="skip",
        ),
        dict(
            type="scatter", x=s["enter_mean"].tolist(), y=s["y"].tolist(), mode="markers",
            name=names[0] if names else tr("chart.enter"),
            marker=dict(size=22, color="white", line=dict(color=GREY, width=4)),
            error_x=error, text=hover, hovertemplate="%{text}<extra></extra>",
        ),
        dict(
            type="scatter", x=s["leave_mean"].tolist(), y=s["y"].tolist(), mode="markers",
            name=names[1] if names else tr("chart.leave"),
            marker=dict(size=26, color=colors, symbol=symbols, line=dict(color="white", width=1)),
            error_x=error_leave, text=hover, hovertemplate="%{text}<extra></extra>",
        ),
    ]
    return _figure(data, dict(
        **_title(title, 26),
        font=FONT,
        height=160 + sum(max(70, 26 * len(found)) for found in lines or [[]]),
        margin=dict(l=20, r=20, t=80 if title else 30, b=120),
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend=LEGEND_AT_BOTTOM,
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
    ))
