"""Clientes's chart builders (pure: DataFrames in, Plotly figures out).

The look they share (palette, type, template) is ``widgets/ui/charts.py``.
"""

from __future__ import annotations


import pandas as pd
import plotly.graph_objects as go

from widgets.i18n import Translator
from widgets.ui.text import plot_text
from widgets.ui.charts import BLACK, BLUE, FONT, ORANGE, PINK, SKY, _face_axis, _figure, _happy_color, _layout, _title


def value_chain(rels: pd.DataFrame, tr: Translator, *, title: str = "") -> go.Figure:
    """A participant's value chain as a Sankey: what I deliver -> who receives it, each link coloured by how
    happy that customer leaves (vermillion: unhappy, blue: happy). Two columns, not three with "me" first: a
    phone gives each column's labels half its width, where three columns drew the middle's labels over the
    last's."""
    nodes: list[str] = []
    index: dict = {}

    def node(kind: str, label: str) -> int:
        if (kind, label) not in index:
            index[(kind, label)] = len(nodes)
            nodes.append(plot_text(label))
        return index[(kind, label)]

    src, dst, val, col = [], [], [], []
    for r in rels.itertuples(index=False):
        d = node("d", r.receives)
        w = node("w", f"{r.who} ({tr('clientes.cat.' + r.category)})")
        src.append(d)
        dst.append(w)
        val.append(1)
        col.append(_happy_color(r.happiness))
    sankey = dict(
        type="sankey", node=dict(label=nodes, pad=18, thickness=18, color=[BLACK if k == "d" else SKY for k, _ in index]),
        link=dict(source=src, target=dst, value=val, color=col), textfont=dict(size=16),
    )
    return _figure([sankey], dict(font=FONT, height=max(320, 90 + 46 * len(rels)), paper_bgcolor="white",
                                  margin=dict(l=10, r=10, t=70 if title else 20, b=10), **_title(title, 22)))


def category_happiness(table: pd.DataFrame, tr: Translator, *, title: str = "") -> go.Figure:
    """Mean happiness of each kind of customer (least happy first), bar text = relationships named."""
    t = table.dropna(subset=["happiness"]).sort_values("happiness")
    bar = dict(
        type="bar", x=t["happiness"].tolist(), y=[tr(f"clientes.cat.{c}") for c in t["category"]], orientation="h",
        marker=dict(color=[_happy_color(h) for h in t["happiness"]]),
        text=[tr("clientes.chart.named", n=n) for n in t["count"]], textposition="inside",
        hovertemplate="%{y}: %{x:.1f}<extra></extra>",
    )
    return _figure([bar], _layout(title, 140 + 60 * max(len(t), 1), xaxis=_face_axis(tr),
                                  yaxis=dict(automargin=True, fixedrange=True), showlegend=False))


def internal_external(rels: pd.DataFrame, tr: Translator, *, title: str = "") -> go.Figure:
    from widgets.workshops.clientes.model import INTERNAL

    counts = [int(rels["category"].isin(INTERNAL).sum()), int((rels["category"] == "external").sum()),
              int((rels["category"] == "family").sum())]
    pie = dict(type="pie", labels=[tr("clientes.chart.internal"), tr("clientes.chart.external"),
                                   tr("clientes.cat.family")], values=counts, hole=0.55, sort=False,
               marker=dict(colors=[ORANGE, BLUE, PINK]), textinfo="value+percent", textfont=dict(size=20))
    return _figure([pie], dict(font=FONT, height=360, margin=dict(l=20, r=20, t=70, b=20), paper_bgcolor="white",
                               **_title(title or tr("clientes.chart.share_title"), 22)))
