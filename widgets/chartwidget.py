"""Chart widgets whose browser code is fetched once per page instead of sent inside every chart.

Plotly 6's ``FigureWidget`` is an anywidget: each chart's state carries its JavaScript module, the whole
plotly.js bundle (≈ 5 MB). A console with eleven charts sent 55 MB through the kernel, the server and the
websocket, and the browser evaluated plotly.js eleven times: the console took a minute to show on two cores.

``Chart`` sends a small loader instead. The loader imports the bundle from one address next to the
notebooks (``static/plotly-widget-<version>.js``, copied from the installed plotly, served by Voila's
file handler — see ``file_allowlist`` in ``voila.json``), so the browser downloads and evaluates it once and
keeps it in its cache for the next page. If that address cannot be loaded (a deployment that does not
serve it), the loader asks the kernel and the chart falls back to carrying the bundle itself, as before.
"""

from __future__ import annotations

from pathlib import Path

import plotly
import plotly.graph_objects as go

from .config import ROOT
from .files import write_atomically
from .validators import use_lean_table

use_lean_table()

#: Where the bundle is published, relative to the notebooks' folder (Voila serves it under voila/files/).
BUNDLE_NAME = f"static/plotly-widget-{plotly.__version__}.js"
_SOURCE = Path(plotly.__file__).parent / "package_data" / "widgetbundle.js"
_FALLBACK = "clientelitis-full-bundle"


def publish_bundle(folder: Path = ROOT / "workshops") -> bool:
    """Copy plotly's widget bundle next to the notebooks unless an identical copy is there; True when ready.
    Every page kernel calls it at start: a copy already there costs two ``stat`` calls, not a 5 MB read."""
    target = folder / BUNDLE_NAME
    try:
        if target.exists() and target.stat().st_size == _SOURCE.stat().st_size:
            return True
        write_atomically(target, _SOURCE.read_bytes())
        return True
    except OSError:
        return False


def loader(bundle_name: str = BUNDLE_NAME) -> str:
    """The ES module each chart sends: import the shared bundle from the page's own server, or ask for it."""
    return f"""
const here = location.pathname.match(/^(.*\\/voila\\/)render\\/(.*\\/)?[^\\/]*$/);
const url = here ? new URL(here[1] + "files/" + (here[2] || "") + "{bundle_name}", location.href).href : null;
let shared = null;
try {{ shared = url ? (await import(url)).default : null; }} catch (error) {{ console.warn("plotly bundle", url, error); }}
// Plotly draws at the width its box has when the chart renders: 700 px for a chart not yet on the page, too
// wide for a phone. So a chart redraws (responsive config, on a window resize) whenever its box's width changes.
const fitted = (factory) => () => {{
  const inner = factory();
  return {{
    initialize: inner.initialize,
    render(view) {{
      const dispose = inner.render(view);
      let width = 0;
      const watch = new ResizeObserver(([entry]) => {{
        const now = Math.round(entry.contentRect.width);
        if (now && now !== width) {{ width = now; window.dispatchEvent(new Event("resize")); }}
      }});
      watch.observe(view.el);
      return () => {{ watch.disconnect(); if (typeof dispose === "function") dispose(); }};
    }},
  }};
}};
export default shared ? fitted(shared) : {{ initialize({{ model }}) {{ model.send({{ "{_FALLBACK}": true }}); }}, render() {{}} }};
"""


_LOADER = loader() if publish_bundle() else None


class Chart(go.FigureWidget):
    """A ``FigureWidget`` that sends the small loader above instead of plotly.js itself."""

    if _LOADER is not None:
        _esm = _LOADER

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._config = {**self._config, "responsive": True}  # fits its box (see the loader)
        if _LOADER is not None:
            self.on_msg(self._on_loader_msg)

    def _on_loader_msg(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get(_FALLBACK):
            self._esm = str(go.FigureWidget._esm)  # this page cannot load the shared bundle: send it whole
