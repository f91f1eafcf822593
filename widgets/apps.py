"""Entry points the notebooks call: one line per app, so notebooks stay thin."""

from __future__ import annotations

import ipywidgets as W

from .page import Page, wait_for_request
from .store import Store
from .ui import style

def store() -> Store:
    """A store on the configured database (one per page: each page has its own kernel)."""
    return Store()


def _warm() -> None:
    """Work every page needs anyway, done while a preheated kernel still waits for its request."""
    import plotly.graph_objects as go

    from .i18n import Translator

    go.Figure(go.Scatter(x=[1], y=[1]), layout={"title": {"text": "."}}).to_dict()  # loads the validators
    from .chartwidget import Chart  # the widget class imported, plotly.js published for the browser

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
