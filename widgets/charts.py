"""Chart builders: pure functions from DataFrames to Plotly figures (no widgets, no SQL).

Readable on a projector: large type, a colour-blind-safe palette (Okabe-Ito), and shape as well as colour
for every distinction that matters.

Builders write each figure as plain dicts (traces with their ``type``) and make the ``go.Figure`` once, without
Plotly's property-by-property validation: a live console redraws its charts on every answer, and validating
(then updating, which validates again) cost most of a refresh. The tests check what the builders draw.
"""

from __future__ import annotations

import math
from copy import deepcopy
from functools import lru_cache
import zlib

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from .feliz import FACES
from .i18n import Translator
from .text import plot_lines, plot_text
from .validators import use_lean_table

use_lean_table()  # before the template below is checked: Plotly then reads only the part of its table we use

# Okabe-Ito palette
BLUE = "#0072B2"
VERMILLION = "#D55E00"
GREY = "#8C8C8C"
BLACK = "#222222"
FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=20, color=BLACK)
#: Darker shades of the palette for text on white (4.5:1; a mark needs 3:1, words more).
TEXT_SHADE = {"#D55E00": "#B34F00", "#009E73": "#00785A"}
# Okabe-Ito, with orange and sky blue darkened and yellow left out: every mark 3:1 on white (WCAG 1.4.11)
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#B87700", "#2F8AC4", "#CC79A7", "#222222"]

# A small template of our own: Plotly copies the default template into every figure it builds, and its
# stock one (every trace type's defaults) cost a third of a console refresh. Ours is the look we want anyway:
# white, light grid, large type, the colour-blind-safe palette.
_AXIS = dict(gridcolor="#E5E5E5", zerolinecolor="#BDBDBD", linecolor="#BDBDBD", automargin=True)
pio.templates["clientelitis"] = go.layout.Template(
    layout=dict(font=FONT, colorway=OKABE_ITO, plot_bgcolor="white", paper_bgcolor="white",
                xaxis=_AXIS, yaxis=_AXIS, hoverlabel=dict(font=dict(size=18)))
)
pio.templates.default = "clientelitis"


def _figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure from plain dicts, built without validation (then validating edits as usual)."""
    fig = go.Figure(data=data, layout=layout, _validate=False)
    for part in (fig, fig.layout, *fig.data):
        part._validate = True
    return fig


def _title(title: str, size: int) -> dict:
    return {"title": dict(text=plot_text(title), font=dict(size=size)) if title else {}}


def _segments(summary: pd.DataFrame, mask: pd.Series) -> tuple[list, list]:
    xs: list = []
    ys: list = []
    for row in summary[mask].itertuples(index=False):
        xs += [row.enter_mean, row.leave_mean, None]
        ys += [row.y, row.y, None]
    return xs, ys


#: A horizontal legend at the foot of the figure, under the x axis' title. Placed against the figure's edge
#: (``yref="container"``) rather than as a fraction of the plot's height, which put it over the axis title on
#: some heights; the bottom margins leave room for the ticks, the axis title and two lines of legend.
LEGEND_AT_BOTTOM = dict(orientation="h", yref="container", yanchor="bottom", y=0, xanchor="left", x=0,
                        font=dict(size=18))


def happiness_dumbbell(
    summary: pd.DataFrame, tr: Translator, *, title: str = "", spread: bool = False,
    names: tuple[str, str] | None = None,
) -> go.Figure:
    """Before/after dumbbell: one row per touchpoint, entering (grey circle) -> leaving (coloured arrow).

    ``summary`` comes from :func:`widgets.feliz.summarize`. Rows where customers leave less happy than
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


def copy_figure(target, source: go.Figure) -> None:
    """Make the chart ``target`` (a ``chartwidget.Chart``) show ``source``: one message to the page, none when
    nothing changed."""
    target.show(source)



GREEN = "#009E73"
SKY = "#2F8AC4"  # Okabe-Ito sky blue, darkened to 3.8:1 on white (marks that carry meaning: 3:1)


def _face_axis(tr: Translator) -> dict:
    return dict(
        range=[0.5, 5.5], tickvals=list(FACES), ticktext=[f"{FACES[v]} {v}" for v in FACES],
        title=dict(text=tr("chart.happiness_axis"), font=dict(size=18)), gridcolor="#E5E5E5", fixedrange=True,
    )


def _layout(title: str, height: int, **more) -> dict:
    """The layout most charts share, with ``more`` on top."""
    return dict(
        **_title(title, 26),
        font=FONT, height=height, plot_bgcolor="white", paper_bgcolor="white",
        margin=dict(l=20, r=20, t=80 if title else 30, b=115),
        legend=LEGEND_AT_BOTTOM,
        **more,
    )


def emotion_curve(table: pd.DataFrame, tr: Translator, *, title: str = "") -> go.Figure:
    """Today's vs the designed emotion curve along the journey: entering then leaving each touchpoint.

    ``table`` comes from :func:`widgets.varita.design`. Always two traces (today, designed)."""
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


#: A bubble's diameter in pixels: the least voted and the most voted (whatever the room's size).
BUBBLE = (18, 54)


def bubbles(votes, most: int) -> list[float]:
    """Bubble diameters growing with the votes, the most voted at ``BUBBLE[1]``: a room of 40 giving one idea
    80 votes does not draw a bubble that covers the chart and pushes its label off the top."""
    small, big = BUBBLE
    return [round(small + (big - small) * (int(v) / most if most else 0), 1) for v in votes]


def beside(x: float) -> str:
    """Where a point's label goes on a 1-5 axis: toward the middle at either edge (centred over a point at 1,
    half of it would sit on the axis' numbers; over a point at 5, past the chart's edge)."""
    return "top right" if x < 1.75 else ("top left" if x > 4.25 else "top center")


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


def _zone_matrix(data: list[dict], layout: dict, *, y0: float, color: str, opacity: float, label: str,
                 label_y: float, x_title: str, y_title: str) -> go.Figure:
    """1-5 by 1-5 axes with the top-left corner (x up to 2.5, y from ``y0``) shaded and labelled."""
    axis = dict(range=[0.5, 5.5], tickvals=[1, 2, 3, 4, 5], fixedrange=True)
    return _figure(data, dict(
        layout,
        shapes=[dict(type="rect", x0=0.5, x1=2.5, y0=y0, y1=5.5, fillcolor=color, opacity=opacity, line=dict(width=0))],
        annotations=[dict(x=1.5, y=label_y, text=label, showarrow=False, font=dict(size=16, color=TEXT_SHADE.get(color, color)))],
        xaxis=dict(axis, title=dict(text=x_title)), yaxis=dict(axis, title=dict(text=y_title)),
    ))


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


ORANGE = "#B87700"  # Okabe-Ito orange, darkened to 3.7:1 on white
PINK = "#CC79A7"
WHO_COLORS = {"customers": BLUE, "colleagues": ORANGE, "both": PINK}


def _short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def count_ticks(most: float) -> dict:
    """An axis of counts (votes, people): whole numbers only, about six ticks whatever the largest count (Plotly
    put ticks at 0.5 and 1.5 votes)."""
    return dict(tick0=0, dtick=max(1, math.ceil(most / 6)), tickformat="d")


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


def _happy_color(h) -> str:
    if h is None or pd.isna(h):
        return GREY
    return VERMILLION if h <= 2 else (BLUE if h >= 4 else GREY)


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
    from .clientes import INTERNAL

    counts = [int(rels["category"].isin(INTERNAL).sum()), int((rels["category"] == "external").sum()),
              int((rels["category"] == "family").sum())]
    pie = dict(type="pie", labels=[tr("clientes.chart.internal"), tr("clientes.chart.external"),
                                   tr("clientes.cat.family")], values=counts, hole=0.55, sort=False,
               marker=dict(colors=[ORANGE, BLUE, PINK]), textinfo="value+percent", textfont=dict(size=20))
    return _figure([pie], dict(font=FONT, height=360, margin=dict(l=20, r=20, t=70, b=20), paper_bgcolor="white",
                               **_title(title or tr("clientes.chart.share_title"), 22)))


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
    from .i18n import month_names

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


@lru_cache(maxsize=8)
def _three_panels(titles: tuple[str, str, str]) -> dict:
    """Axes and titles of three charts side by side (Plotly's ``make_subplots``, made once per language)."""
    from plotly.subplots import make_subplots

    grid = make_subplots(rows=1, cols=3, subplot_titles=list(titles)).layout.to_plotly_json()
    grid.pop("template", None)
    return grid
