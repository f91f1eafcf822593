"""Plotly's property table, loaded in the part our charts use.

To check a figure, Plotly 6 reads the description of every property of every chart type from one file
(``plotly/validators/_validators.json``, 3.7 MB) into memory at the first check: 11.5 MB in each kernel,
and each participant's page has its own kernel. Our charts use a handful of chart types, so
:func:`publish_table` writes the descriptions of those types and of the layout (about a third) next to
the plotly.js bundle, and :func:`use_lean_table` makes Plotly read that smaller file instead. A lookup the
small table lacks (a chart type added later) loads the whole file once, so figures are checked exactly as
before: only memory changes.
"""

from __future__ import annotations

import json
from pathlib import Path

import plotly

from widgets.config import ROOT
from widgets.ui.files import write_atomically

#: The parts of the table our figures use: the layout, the figure's own fields, and our chart types.
KEPT = frozenset({"layout", "data", "frames", "scatter", "bar", "pie", "scatterpolar", "sankey", "indicator"})
TABLE_NAME = f"static/plotly-validators-{plotly.__version__}.json"
_SOURCE = Path(plotly.__file__).parent / "validators" / "_validators.json"


def lean(table: dict) -> dict:
    """The entries of ``table`` under the parts in :data:`KEPT`."""
    return {key: value for key, value in table.items() if key.split(".", 1)[0] in KEPT}


def publish_table(folder: Path = ROOT / "workshops") -> bool:
    """Write the lean table next to the notebooks unless it is there; True when ready."""
    target = folder / TABLE_NAME
    if target.exists():
        return True
    try:
        table = lean(json.loads(_SOURCE.read_text(encoding="utf-8")))
        write_atomically(target, json.dumps(table, separators=(",", ":")).encode("utf-8"))
        return True
    except (OSError, ValueError):
        return False


class LeanTable(dict):
    """The lean table; the first lookup it cannot answer loads the whole file into it."""

    complete = False

    def get(self, key, default=None):
        if not self.complete and key not in self:
            self.complete = True
            self.update(json.loads(_SOURCE.read_text(encoding="utf-8")))
        return super().get(key, default)


def use_lean_table(folder: Path = ROOT / "workshops") -> bool:
    """Make Plotly read the lean table (published first if need be) unless it has read its table already;
    True when it reads ours. Call before the first figure is built."""
    from plotly.validator_cache import ValidatorCache

    if ValidatorCache._json_cache is not None:
        return isinstance(ValidatorCache._json_cache, LeanTable)
    if not publish_table(folder):
        return False
    try:
        table = LeanTable(json.loads((folder / TABLE_NAME).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return False
    ValidatorCache._json_cache = table
    return True
