"""Entry points the notebooks call: one line per app, so notebooks stay thin."""

from __future__ import annotations

import sys

# Only page kernels import this module. Plotly imports nbformat, whose jsonschema loads the optional
# ``rfc3987_syntax`` package, which builds an IRI grammar at import: 1.8 s of CPU and 17 MB in every kernel,
# for a format check pages never make. Marking it absent makes jsonschema skip that one check. (Voila's page
# kernels start with it marked already, see widgets/kernel.py; this covers notebooks run by Jupyter or nbval.)
sys.modules.setdefault("rfc3987_syntax", None)

import ipywidgets as W  # noqa: E402

from .page import Page, wait_for_request  # noqa: E402
from .store import Store  # noqa: E402
from .ui import style  # noqa: E402

def store() -> Store:
    """A store on the configured database (one per page: each page has its own kernel)."""
    return Store()


def _warm() -> None:
    """Work every page needs anyway, done while a preheated kernel still waits for its request."""
    import plotly.graph_objects as go

    from .chartwidget import Chart  # the widget class imported
    from .i18n import Translator

    go.Figure(go.Scatter(x=[1], y=[1]), layout={"title": {"text": "."}}).to_dict()  # loads the validators
    _ = Chart
    for lang in ("es", "en"):
        Translator(lang)("lang.es")


def _page() -> Page:
    _warm()
    wait_for_request()
    return Page.from_environ()


def welcome() -> W.Widget:
    from .welcome import WelcomeApp

    return W.VBox([style(), WelcomeApp(store(), _page())])


def participant(exercise: str) -> W.Widget:
    from .participant import ParticipantApp

    return W.VBox([style(), ParticipantApp(store(), _page(), exercise)])


def facilitator() -> W.Widget:
    from .facilitator import FacilitatorApp

    return W.VBox([style(), FacilitatorApp(store(), _page())])
