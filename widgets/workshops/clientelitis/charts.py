"""Clientelitis's chart builders (pure: DataFrames in, Plotly figures out).

The look they share (palette, type, template) is ``widgets/ui/charts.py``.
"""

from __future__ import annotations

from copy import deepcopy

import pandas as pd
import plotly.graph_objects as go

from widgets.i18n import Translator
from widgets.ui.text import plot_lines, plot_text
from widgets.ui.charts import BLUE, FONT, GREEN, SKY, VERMILLION, _figure, _layout, _short, _three_panels, _title


def skills_radar(summary: pd.DataFrame, mine: dict | None, tr: Translator, *, title: str = "",
                 labels: dict[str, str] | None = None) -> go.Figure:
    """Service skills: the group's range (shaded, min to max), its mean, and one person's answers.
    Always four traces (max, min, mean, mine). ``labels``: each skill's short name (a kit's; by default the
    product's own)."""
    # the skills' short names (the form names them in full): nine long names around a circle ran into each other
    labels = ["<br>".join(plot_lines((labels or {}).get(s) or tr(f"clientelitis.skill_short.{s}"), 20))
              for s in summary["skill"]]
    closed = labels + labels[:1]

    def ring(values):
        vals = [None if pd.isna(v) else v for v in values]
        return vals + vals[:1]

    mine_vals = [mine.get(s) if mine else None for s in summary["skill"]]
    data = [
        dict(type="scatterpolar", r=ring(summary["max"]), theta=closed, name=tr("clientelitis.chart.max"),
             fill="toself", fillcolor="rgba(47,138,196,0.2)", line=dict(color=SKY, width=1)),
        dict(type="scatterpolar", r=ring(summary["min"]), theta=closed, name=tr("clientelitis.chart.min"),
             fill="toself", fillcolor="rgba(255,255,255,1)", line=dict(color=SKY, width=1, dash="dot")),
        dict(type="scatterpolar", r=ring(summary["mean"]), theta=closed, name=tr("clientelitis.chart.mean"),
             line=dict(color=BLUE, width=4)),
        dict(type="scatterpolar", r=ring(mine_vals), theta=closed, name=tr("clientelitis.chart.mine"),
             line=dict(color=VERMILLION, width=4, dash="dash"), marker=dict(size=10, symbol="diamond"),
             showlegend=bool(mine)),
    ]
    return _figure(data, dict(
        font=FONT, height=560, paper_bgcolor="white", margin=dict(l=70, r=70, t=80 if title else 40, b=40),
        **_title(title, 22),
        polar=dict(radialaxis=dict(range=[0, 5], tickvals=[1, 2, 3, 4, 5]), angularaxis=dict(tickfont=dict(size=15))),
        legend=dict(orientation="h", y=-0.08, font=dict(size=16)),
    ))


def plan_timeline(plan: list, today, tr: Translator, *, title: str = "", gaps: list | None = None) -> go.Figure:
    """The reinforcement plan over the next two years; gaps longer than six months shaded in vermillion."""
    import datetime as dt

    xs = [dt.date(int(e["month"][:4]), int(e["month"][5:7]), 15) for e in plan]
    events = dict(
        type="scatter", x=xs, y=[1] * len(xs), mode="markers+text", text=[plot_text(_short(e["title"], 24)) for e in plan],
        textposition=["top center" if i % 2 == 0 else "bottom center" for i in range(len(xs))],
        marker=dict(size=22, color=BLUE, symbol="star"), textfont=dict(size=15),
        customdata=[plot_text(e["title"]) for e in plan], hovertemplate="%{x|%Y-%m}: %{customdata}<extra></extra>",
        name=tr("clientelitis.chart.events"),
    )
    start = dt.date(today.year, today.month, 1)
    end = dt.date(start.year + 2, start.month, 1)
    shapes = []
    for g in gaps or []:
        a = dt.date(int(g["start"][:4]), int(g["start"][5:7]), 15)
        b = dt.date(int(g["end"][:4]), int(g["end"][5:7]), 15)
        shapes.append(dict(type="rect", x0=a, x1=b, y0=0.6, y1=1.4, fillcolor=VERMILLION, opacity=0.15, line=dict(width=0)))
    from widgets.i18n import month_names

    names = month_names(tr.lang)
    ticks = [dt.date(start.year + (start.month - 1 + m) // 12, (start.month - 1 + m) % 12 + 1, 1) for m in range(0, 25, 3)]
    return _figure([events], _layout(
        title, 320, **({"shapes": shapes} if shapes else {}),
        xaxis=dict(range=[start, end], tickvals=ticks, ticktext=[f"{names[d.month][:3]} {d.year}" for d in ticks],
                   fixedrange=True),
        yaxis=dict(visible=False, range=[0.4, 1.6], fixedrange=True), showlegend=False,
    ))


def waves_chart(waves: list[tuple[str, dict]], tr: Translator, *, title: str = "") -> go.Figure:
    """Before/after between waves of one organisation: mean service skill, happiness change, cows gone."""
    labels = ["<br>".join(plot_lines(label, 14)) for label, _ in waves]  # wrapped: never cut at the panel's edge
    metrics = (("skills_mean", BLUE), ("happiness_delta", GREEN), ("cows_gone", VERMILLION))
    grid = _three_panels(tuple(tr(f"clientelitis.chart.{m}") for m, _ in metrics))
    data = []
    ranges = {}
    for i, (metric, color) in enumerate(metrics, start=1):
        values = [None if v is None or pd.isna(v) else v for v in (m.get(metric) for _, m in waves)]
        axes = {"xaxis": "x", "yaxis": "y"} if i == 1 else {"xaxis": f"x{i}", "yaxis": f"y{i}"}
        data.append(dict(type="bar", x=labels, y=values, marker=dict(color=color), cliponaxis=False,
                         text=["–" if v is None else f"{v:.1f}" if isinstance(v, float) else str(v) for v in values],
                         textposition="outside", showlegend=False, **axes))
        # the axis holds every bar and the number above (or below) it, whatever the sign
        known = [v for v in values if v is not None] or [0]
        lo, hi = min(0, *known), max(0, *known)
        pad = 0.3 * ((hi - lo) or 1)
        ranges[f"yaxis{'' if i == 1 else i}"] = [lo - pad if lo < 0 else 0, hi + pad if hi > 0 else pad]
    layout = _layout(title, 500, **deepcopy(grid))
    for axis, span in ranges.items():
        layout[axis] = {**layout.get(axis, {}), "range": span, "fixedrange": True}
    layout["margin"] = {**layout.get("margin", {}), "b": 40 + 22 * max((lbl.count("<br>") + 1 for lbl in labels), default=1)}
    for note in layout["annotations"]:
        note["font"] = dict(size=18)
    return _figure(data, layout)
