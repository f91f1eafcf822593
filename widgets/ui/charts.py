"""Chart builders: pure functions from DataFrames to Plotly figures (no widgets, no SQL).

Readable on a projector: large type, a colour-blind-safe palette (Okabe-Ito), and shape as well as colour
for every distinction that matters.

Builders write each figure as plain dicts (traces with their ``type``) and make the ``go.Figure`` once, without
Plotly's property-by-property validation: a live console redraws its charts on every answer, and validating
(then updating, which validates again) cost most of a refresh. The tests check what the builders draw.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from widgets.workshops.feliz.model import FACES
from widgets.i18n import Translator
from widgets.ui.text import plot_text
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


#: A horizontal legend at the foot of the figure, under the x axis' title. Placed against the figure's edge
#: (``yref="container"``) rather than as a fraction of the plot's height, which put it over the axis title on
#: some heights; the bottom margins leave room for the ticks, the axis title and two lines of legend.
LEGEND_AT_BOTTOM = dict(orientation="h", yref="container", yanchor="bottom", y=0, xanchor="left", x=0,
                        font=dict(size=18))


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


ORANGE = "#B87700"  # Okabe-Ito orange, darkened to 3.7:1 on white


PINK = "#CC79A7"


def _short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def count_ticks(most: float) -> dict:
    """An axis of counts (votes, people): whole numbers only, about six ticks whatever the largest count (Plotly
    put ticks at 0.5 and 1.5 votes)."""
    return dict(tick0=0, dtick=max(1, math.ceil(most / 6)), tickformat="d")


def _happy_color(h) -> str:
    if h is None or pd.isna(h):
        return GREY
    return VERMILLION if h <= 2 else (BLUE if h >= 4 else GREY)


def _three_panels(titles: tuple[str, str, str]) -> dict:
    """Axes and titles of three charts side by side (Plotly's ``make_subplots``, made once per language)."""
    from plotly.subplots import make_subplots

    grid = make_subplots(rows=1, cols=3, subplot_titles=list(titles)).layout.to_plotly_json()
    grid.pop("template", None)
    return grid
