"""Vacas's chart builders (pure: DataFrames in, Plotly figures out).

The look they share (palette, type, template) is ``widgets/ui/charts.py``.
"""

from __future__ import annotations


import pandas as pd
import plotly.graph_objects as go

from widgets.i18n import Translator
from widgets.ui.text import plot_text
from widgets.ui.charts import BLUE, FONT, ORANGE, PINK, VERMILLION, _figure, _layout, _short, _title, _zone_matrix, beside, bubbles, count_ticks


WHO_COLORS = {"customers": BLUE, "colleagues": ORANGE, "both": PINK}


def cow_matrix(table: pd.DataFrame, tr: Translator, *, title: str = "", in_zone=None) -> go.Figure:
    """Harm (y) vs the value the rule really adds (x); bubble size = votes. The top-left corner (much harm,
    little value) is the quadrant to exterminate. Always two traces (to exterminate, others)."""
    t = table.dropna(subset=["harm", "value"])
    mask = pd.Series([bool(in_zone and in_zone(h, v)) for h, v in zip(t["harm"], t["value"])], index=t.index, dtype=bool)
    zone, rest = t[mask], t[~mask]
    most = max(t["votes"], default=0)

    def trace(df, name, color, symbol):
        return dict(
            type="scatter", x=df["value"].tolist(), y=df["harm"].tolist(), mode="markers+text", name=name,
            text=[plot_text(_short(n)) for n in df["name"]], textposition=[beside(v) for v in df["value"]],
            textfont=dict(size=16),
            marker=dict(size=bubbles(df["votes"], most), color=color, symbol=symbol, opacity=0.85,
                        line=dict(color="white", width=1)),
            customdata=[[plot_text(n), v] for n, v in zip(df["name"], df["votes"])],
            hovertemplate=tr("vacas.chart.hover") + "<extra></extra>",
        )

    data = [trace(zone, tr("vacas.chart.exterminate"), VERMILLION, "diamond"),
            trace(rest, tr("vacas.chart.others"), BLUE, "circle")]
    return _zone_matrix(data, _layout(title, 560), y0=3, color=VERMILLION, opacity=0.10, label=tr("vacas.chart.zone"), label_y=5.4,
                        x_title=tr("vacas.chart.value"), y_title=tr("vacas.chart.harm"))


def cow_leaderboard(table: pd.DataFrame, tr: Translator, *, title: str = "", top: int = 10) -> go.Figure:
    """The most hated cows: votes as horizontal bars, coloured by who suffers them (three traces)."""
    t = table.sort_values(["votes", "hunters"], ascending=False, kind="stable").head(top)
    labels = [plot_text(_short(n, 40)) for n in t["name"]]
    order = labels[::-1]
    data = []
    for who in ("customers", "colleagues", "both"):
        sub = t["who"] == who
        data.append(dict(
            type="bar", x=t["votes"][sub].tolist(), y=[l for l, m in zip(labels, sub) if m], orientation="h",
            name=tr(f"vacas.who.{who}"), marker=dict(color=WHO_COLORS[who]),
            text=[str(v) for v in t["votes"][sub]], textposition="outside", hovertemplate="%{y}: %{x}<extra></extra>",
        ))
    return _figure(data, _layout(
        title, 160 + 52 * max(len(t), 1),
        barmode="overlay", yaxis=dict(categoryorder="array", categoryarray=order, automargin=True, fixedrange=True),
        xaxis=dict(title=dict(text=tr("vacas.chart.votes")), fixedrange=True, rangemode="tozero",
                   **count_ticks(max(t["votes"], default=0))),
    ))


def who_donut(table: pd.DataFrame, tr: Translator, *, title: str = "") -> go.Figure:
    """Who suffers the cows: customers only, colleagues only, or both (the 'customers who serve')."""
    counts = [int((table["who"] == w).sum()) for w in ("customers", "colleagues", "both")]
    pie = dict(
        type="pie", labels=[tr(f"vacas.who.{w}") for w in ("customers", "colleagues", "both")], values=counts,
        hole=0.55, marker=dict(colors=[BLUE, ORANGE, PINK]), sort=False,
        # no "0 / 0 %" for an empty slice: those labels piled up over the chart's title
        texttemplate=["%{value}<br>%{percent}" if c else "" for c in counts], textfont=dict(size=20),
    )
    return _figure([pie], dict(font=FONT, height=380, margin=dict(l=20, r=20, t=70, b=20), paper_bgcolor="white",
                               **_title(title or tr("vacas.chart.who_title"), 22), legend=dict(font=dict(size=18))))
