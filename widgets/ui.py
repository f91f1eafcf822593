"""Small shared building blocks for the apps: page style, headings and status messages."""

from __future__ import annotations

import ipywidgets as W

from .text import esc

CSS = """
<style>
:root { --cl-blue:#0072B2; --cl-verm:#D55E00; --cl-green:#009E73; --cl-ink:#1d1d1f; }
body, .jp-Notebook, .voila-body { font-size: 18px; color: var(--cl-ink); }
.cl-app { max-width: 1100px; width: 100%; margin: 0 auto; gap: 12px; box-sizing: border-box; }
.cl-app .widget-box { max-width: 100%; }
.cl-app .widget-html-content { white-space: normal; line-height: 1.35; }
.cl-app h1 { font-size: 2rem; margin: .2em 0; }
.cl-app h2 { font-size: 1.5rem; margin: .4em 0 .2em; }
.cl-card { border: 1px solid #d9d9d9; border-radius: 12px; padding: 14px 18px; background: #fff; }
.cl-cards { gap: 16px; }
.cl-qr svg { width: 300px; height: 300px; }
.cl-projector { font-size: 24px; background: #fff; color: #000; }
.cl-projector p, .cl-projector li { font-size: 1.5rem; }
.cl-projector .cl-code { font-size: 6rem; }
.cl-projector .cl-qr svg { width: 460px; height: 460px; }
.cl-projector .cl-link { font-size: 1.6rem; }
.cl-projector .cl-people, .cl-projector .cl-wall-text { font-size: 1.6rem; }
.cl-projector .cl-timer { font-size: 4rem; }
.cl-exit-projector .widget-button { font-size: .8rem; min-height: 24px; opacity: .5; }
.cl-wall-entry { border-bottom: 1px solid #eee; padding: 6px 0; gap: 10px; }
.cl-wall-text { font-size: 1.2rem; }
.cl-wall-hidden { text-decoration: line-through; color: #999; }
.cl-timer { font-size: 2rem; font-weight: 800; color: var(--cl-blue); }
.cl-notice { padding: 10px 14px; border-radius: 8px; font-size: 1.05rem; }
.cl-notice-info { background: #eef5fb; border-left: 6px solid var(--cl-blue); }
.cl-notice-ok { background: #e9f7f2; border-left: 6px solid var(--cl-green); }
.cl-notice-error { background: #fdf0e8; border-left: 6px solid var(--cl-verm); font-weight: 600; }
.cl-notice-empty { display: none; }
.cl-save-status { gap: 8px; align-items: center; flex-wrap: wrap; }
.cl-code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 3.2rem; letter-spacing: .18em;
           font-weight: 800; }
.cl-secret { font-family: ui-monospace, monospace; word-break: break-all; background:#fff8e1; padding:6px; }
.cl-link { font-family: ui-monospace, monospace; word-break: break-all; font-size: 1.1rem; }
.cl-tp-name { font-weight: 700; font-size: 1.15rem; }
.cl-tp-hint { color: #555; font-size: .95rem; }
.cl-row { border-bottom: 1px solid #eee; padding: 8px 0; gap: 4px; }
.cl-scale { width: auto !important; flex-wrap: wrap; margin-right: 18px; }
.cl-scale .widget-toggle-button { font-size: 1.4rem; min-width: 46px; }
.cl-scale .widget-toggle-button.mod-active { background: #005A9C; color: #fff; box-shadow: 0 0 0 3px #005A9C; }
/* Chosen or not must never look alike: chosen answers are dark blue with white text, bold, and a check mark. */
.cl-app .widget-toggle-button.mod-active { background: #005A9C; color: #fff; font-weight: 700; }
.cl-choice .widget-toggle-button.mod-active::before { content: "✓ "; }
.cl-app .widget-toggle-button:not(.mod-active) { background: #fff; color: #1d1d1f; border: 2px solid #6b6b6b; }
.cl-error { color: #A93800; font-weight: 600; }
.cl-row-status { min-height: 1.4em; font-size: 1rem; }
.cl-my-votes { font-weight: 600; }
.cl-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.cl-icon { margin-right: .15em; }
.cl-done { color: var(--cl-green); }
.cl-big-number { font-size: 2.6rem; font-weight: 800; }
.cl-people { font-size: 1.1rem; }
.cl-app .widget-button { font-size: 1.05rem; min-height: 40px; width: auto; padding: 0 16px; }
.cl-app .widget-text input, .cl-app .widget-dropdown select { font-size: 1.05rem; min-height: 38px; }
.cl-app .widget-label { font-size: 1.05rem; }
</style>
"""


def style() -> W.HTML:
    return W.HTML(CSS)


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
    """A one-line message box: ``show("error", text)``; ``clear()`` hides it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.kind = ""
        self.message = ""
        self.add_class("cl-notice")
        self.clear()

    def show(self, kind: str, text: str) -> None:
        for k in ("info", "ok", "error", "empty"):
            self.remove_class(f"cl-notice-{k}")
        self.add_class(f"cl-notice-{kind}")
        self.kind = kind
        self.message = text
        self.value = esc(text)

    def clear(self) -> None:
        self.show("empty", "")
        self.kind = ""



def card(*children: W.Widget, **layout) -> W.VBox:
    box = W.VBox(list(children), layout=W.Layout(**layout))
    box.add_class("cl-card")
    return box
