"""Entry points the notebooks call: one line per app, so notebooks stay thin."""

from __future__ import annotations

import sys
from typing import Callable

# Only page kernels import this module. Plotly imports nbformat, whose jsonschema loads the optional
# ``rfc3987_syntax`` package, which builds an IRI grammar at import: 1.8 s of CPU and 17 MB in every kernel,
# for a format check pages never make. Marking it absent makes jsonschema skip that one check. (Voila's page
# kernels start with it marked already, see widgets/serving/kernel.py; this covers notebooks run by Jupyter or nbval.)
sys.modules.setdefault("rfc3987_syntax", None)

import ipywidgets as W  # noqa: E402

from widgets.serving.page import Page, wait_for_request  # noqa: E402
from widgets.serving.pagebuild import quiet, rehearse  # noqa: E402
from widgets.room.store import Store
from widgets.ui.blocks import style  # noqa: E402

def store() -> Store:
    """A store on the configured database (one per page: each page has its own kernel)."""
    return Store()


def _warm() -> None:
    """Work every page needs anyway, done while a preheated kernel still waits for its request."""
    import plotly.graph_objects as go

    from widgets.ui.chartwidget import Chart  # the widget class imported
    from widgets.i18n import Translator

    go.Figure(go.Scatter(x=[1], y=[1]), layout={"title": {"text": "."}}).to_dict()  # loads the validators
    _ = Chart
    for lang in ("es", "en"):
        Translator(lang)("lang.es")


def _page(exercise: str | None = None) -> Page:
    _warm()
    if exercise:
        rehearse(exercise)
    wait_for_request()
    return Page.from_environ()


def _app(build: Callable[[Store, Page], W.Widget], exercise: str | None = None) -> W.Widget:
    """The page's app for this request, built without announcing each widget (see :mod:`.pagebuild`)."""
    page = _page(exercise)
    with quiet():
        return W.VBox([style(), build(store(), page)])


def welcome() -> W.Widget:
    from widgets.apps.welcome_page import WelcomeApp

    return _app(WelcomeApp)


def participant(exercise: str) -> W.Widget:
    from widgets.apps.participant_page import ParticipantApp

    return _app(lambda s, page: ParticipantApp(s, page, exercise), exercise)


def kit_editor() -> W.Widget:
    """The kit form (``workshops/preparar_kit.ipynb``); the notebook's own cells reach it as ``app``."""
    from widgets.apps.kit_form import KitApp

    page = _page()
    with quiet():
        app = KitApp(store(), page)
        app.children = (style(), *app.children)
    return app


def facilitator() -> W.Widget:
    """The console, or with ``&view=projector`` the stage it drives (on the projector's screen)."""
    from widgets.apps.console import FacilitatorApp
    from widgets.apps.stage import StageApp

    return _app(lambda s, page: StageApp(s, page) if page.get("view") == "projector" else FacilitatorApp(s, page))
