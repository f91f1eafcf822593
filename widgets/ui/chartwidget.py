"""Chart widgets: a Plotly figure drawn in the browser by our charts module.

A ``Chart`` holds a figure built by the pure builders in ``charts.py`` and syncs it to the page as plain JSON
(one trait, ``figure``). The page draws it with ``static/clientelitis-charts.js`` of our Voila template (built
from ``frontend/src/charts.js``): a partial plotly.js with only the trace types our charts use, which a page
evaluates in about 0.4 s instead of the 2 s of the whole library, once per page and cached by the browser.

Plotly 6's own ``FigureWidget`` sent plotly.js (5 MB) inside every chart's state; it also validated every
change in the kernel. Here a change is one message with the new figure; the page's ``Plotly.react`` redraws
only what differs.
"""

from __future__ import annotations

import json

import anywidget
import plotly.graph_objects as go
import plotly.io as pio
import traitlets

#: The trace types our chart builders use: the partial plotly.js the charts' module is built with registers
#: these (frontend/src/charts.js; a test checks both lists agree, and that every chart drawn uses only these).
TRACE_TYPES = frozenset({"scatter", "bar", "pie", "scatterpolar", "sankey", "indicator"})

#: Where the charts' module is, under Voila's address (our template's static files).
MODULE = "voila/static/clientelitis-charts.js"

#: The ES module each chart sends: import the charts' module from the page's own server.
LOADER = """
const here = location.pathname.match(/^(.*\\/)voila\\/render\\//);
const url = new URL((here ? here[1] : "/") + "__MODULE__", location.href).href;
// Our page front end shows the widgets first: plotly.js takes the browser's main thread for a moment, so it
// loads once the page has painted its controls (the front end fires "clientelitis:shown").
if (document.body?.dataset.clState === "starting") {
  await new Promise((resolve) => document.addEventListener("clientelitis:shown", resolve, { once: true }));
}
await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
let charts = null;
try { charts = (await import(url)).default; } catch (error) { console.warn("charts module", url, error); }
export default charts ?? {
  render({ el }) { el.textContent = "Gráfico no disponible en esta página · Chart unavailable on this page"; },
};
""".replace("__MODULE__", MODULE)


def plain(figure: go.Figure) -> dict:
    """``figure`` as the JSON plotly.js reads (numbers, dates and arrays encoded as plotly.py does)."""
    return json.loads(pio.to_json(figure, validate=False))


def _same(a: go.Figure, b: go.Figure) -> bool:
    """Do two figures hold the same data and layout? (False when unsure, e.g. arrays that cannot be compared.)"""
    try:
        return bool(a._data == b._data and a._layout == b._layout)
    except (ValueError, TypeError):
        return False


class Chart(anywidget.AnyWidget):
    """A Plotly figure on the page; :meth:`show` replaces it (``charts.copy_figure`` calls it)."""

    _esm = LOADER
    #: What the page draws: ``{"data": [...], "layout": {...}}``.
    figure = traitlets.Dict().tag(sync=True)
    #: Fill the box it is in, height too, with fonts grown to the box (the projector's stage).
    fill = traitlets.Bool(False).tag(sync=True)

    def __init__(self, figure: go.Figure | dict | Chart | None = None, **kwargs):
        super().__init__(**kwargs)
        self.shown: go.Figure | None = None
        self.show(figure if figure is not None else go.Figure())

    def show(self, figure: go.Figure | dict | Chart) -> bool:
        """Show ``figure``; True when that changed what the page draws (nothing is sent otherwise)."""
        if isinstance(figure, Chart):
            figure = figure.shown
        figure = figure if isinstance(figure, go.Figure) else go.Figure(figure)
        if self.shown is not None and _same(self.shown, figure):
            self.shown = figure
            return False  # nothing to encode or send
        self.shown = figure
        new = plain(figure)
        if new == self.figure:
            return False
        self.figure = new
        return True

    # What the figure holds, as on a ``go.Figure`` (tests and views read them).
    @property
    def data(self):
        return self.shown.data

    @property
    def layout(self):
        return self.shown.layout

    def to_plotly_json(self) -> dict:
        return self.shown.to_plotly_json()

    def to_dict(self) -> dict:
        return self.shown.to_dict()
