"""Small shared building blocks for the apps: page style, headings and status messages."""

from __future__ import annotations

import itertools
from pathlib import Path

import ipywidgets as W

from widgets.room.phases import clock, remaining
from widgets.ui.text import esc

#: Our design system (frontend/src/design.css, copied into the template's static files by the build). A Voila
#: page links it from our template; a notebook opened elsewhere (JupyterLab) gets it from :func:`style`.
DESIGN = Path(__file__).resolve().parents[2] / "share" / "jupyter" / "voila" / "templates" / "clientelitis" / \
    "static" / "clientelitis-design.css"


def _design_css() -> str:
    from widgets.serving import voila_template

    found = DESIGN if DESIGN.is_file() else voila_template.target() / "static" / DESIGN.name
    return found.read_text(encoding="utf-8") if found.is_file() else ""


def style() -> W.HTML:
    """The design system's stylesheet where the page has not linked it already (outside a Voila page)."""
    from widgets.serving.pagebuild import in_voila_page

    css = "" if in_voila_page() else _design_css()
    return W.HTML(f"<style>{css}</style>" if css else "")


def html(markup: str, *classes: str) -> W.HTML:
    w = W.HTML(markup)
    for c in classes:
        w.add_class(c)
    return w


def icon(name: str) -> str:
    """A Font Awesome 5 icon (served with our page template) as inline HTML, hidden from screen readers: the
    interface's pictograms are drawn with it, not with emoji, which a machine without an emoji font shows as
    empty boxes."""
    return f'<i class="fa fa-{name} cl-icon" aria-hidden="true"></i>'


def pager_labels(tr) -> dict:
    """The words of a paged list's pager (``Rows.labels``) in the room's language."""
    return {"prev": tr("pager.prev"), "next": tr("pager.next"), "where": tr("pager.where"), "nav": tr("pager.nav")}


def heading(text: str, level: int = 1) -> W.HTML:
    return W.HTML(f"<h{level}>{esc(text)}</h{level}>")


class Notice(W.HTML):
    """A one-line message box: ``show("error", text, field=widget)``; ``clear()`` hides it.

    The page makes it a live region (a screen reader says each new message; an error at once). An error about
    one ``field`` marks that field invalid and describes it by the message (``aria-invalid``,
    ``aria-describedby``): the widgets carry a pair of classes (``cl-errfor-N`` on the field, ``cl-errid-N`` on
    the notice) that the page's script turns into those attributes (``frontend/src/index.js``)."""

    _made = itertools.count(1)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.kind = ""
        self.message = ""
        self.serial = next(self._made)
        self.field: W.DOMWidget | None = None
        self.add_class("cl-notice")
        self.add_class(f"cl-errid-{self.serial}")
        self.clear()

    def show(self, kind: str, text: str, field: W.DOMWidget | None = None) -> None:
        for k in ("info", "ok", "error", "empty"):
            self.remove_class(f"cl-notice-{k}")
        self.add_class(f"cl-notice-{kind}")
        self.kind = kind
        self.message = text
        self.value = esc(text)
        if self.field is not None and self.field is not field:
            self.field.remove_class(f"cl-errfor-{self.serial}")
        self.field = field if kind == "error" else None
        if self.field is not None:
            self.field.add_class(f"cl-errfor-{self.serial}")

    def clear(self) -> None:
        self.show("empty", "")
        self.kind = ""


def speaks(widget: W.DOMWidget, lang: str) -> None:
    """Say which language a page's app speaks (``cl-lang-xx``): the page sets ``<html lang>`` from it, so an
    English room's pages are read aloud in English."""
    for c in [c for c in widget._dom_classes if c.startswith("cl-lang-")]:
        widget.remove_class(c)
    widget.add_class(f"cl-lang-{lang}")


def field_for(key: str, fields: dict) -> W.DOMWidget | None:
    """The field a refusal is about, from its catalog key: ``fields`` maps keys, or their start up to a dot or
    an underscore ("vacas.name" for "vacas.name_empty"), to widgets."""
    for prefix, widget in fields.items():
        if key == prefix or key.startswith(prefix + "_") or key.startswith(prefix + "."):
            return widget
    return None



def card(*children: W.Widget, **layout) -> W.VBox:
    box = W.VBox(list(children), layout=W.Layout(**layout))
    box.add_class("cl-card")
    return box


def timer_html(tr, state: dict, exercise: str) -> str:
    """The workshop's timer as the console and the phones show it: time left, "time is up", or nothing."""
    left = remaining(state, exercise)
    if left is None:
        return ""
    text = tr("timer.over") if left == 0 else tr("timer.label", clock=clock(left))
    return f"{icon('stopwatch')} {esc(text)}"
