"""A live wall of participants' short texts, with moderation (hide / show) for the facilitator.

Reused by every exercise that collects free text. Texts are always escaped; hidden entries never reach
the projected view, and on the console they are shown struck through so they can be restored.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W
import pandas as pd

from .i18n import Translator
from .text import esc
from .ui import html


class Wall(W.VBox):
    """``update(entries)`` redraws; ``entries`` has columns id, name, team, text, hidden."""

    def __init__(self, tr: Translator, on_hide: Callable[[int, bool], None], title: str):
        super().__init__()
        self.add_class("cl-wall")
        self.tr, self.on_hide = tr, on_hide
        self.moderating = True
        self.title = html(f"<h3>{esc(title)}</h3>")
        self.list = W.VBox()
        self.children = [self.title, self.list]
        self.entries = pd.DataFrame(columns=["id", "name", "team", "text", "hidden"])
        #: Row widgets by entry id, with what they show: unchanged entries are not rebuilt.
        self._rows: dict[int, tuple[tuple, W.HBox]] = {}
        self._empty: W.HTML | None = None

    def set_moderating(self, moderating: bool) -> None:
        self.moderating = moderating
        self.update(self.entries)

    def update(self, entries: pd.DataFrame) -> None:
        """Show ``entries``; rows that did not change keep their widgets (a live room redraws often)."""
        self.entries = entries
        rows, seen = [], set()
        for e in entries.itertuples(index=False):
            if e.hidden and not self.moderating:
                continue
            rows.append(self._row(e))
            seen.add(int(e.id))
        for rid in [rid for rid in self._rows if rid not in seen]:
            _close(self._rows.pop(rid)[1])
        if not rows:
            if self._empty is None:
                self._empty = html(f"<p class='cl-tp-hint'>{esc(self.tr('wall.empty'))}</p>")
            rows = [self._empty]
        if tuple(rows) != tuple(self.list.children):
            self.list.children = rows

    def _row(self, e) -> W.HBox:
        rid = int(e.id)
        signature = (str(e.text), str(e.name), str(e.team), bool(e.hidden), self.moderating)
        cached = self._rows.get(rid)
        if cached is not None and cached[0] == signature:
            return cached[1]
        if cached is not None:
            _close(cached[1])
        note = html(
            f"<div class='cl-wall-text{' cl-wall-hidden' if e.hidden else ''}'>{esc(e.text)}</div>"
            f"<div class='cl-tp-hint'>{esc(e.name)} · {esc(e.team)}</div>"
        )
        note.layout.flex = "1 1 auto"
        children = [note]
        if self.moderating:
            button = W.Button(
                description=self.tr("wall.show" if e.hidden else "wall.hide"),
                icon="eye" if e.hidden else "eye-slash",
                tooltip=self.tr("wall.hide_help"),
            )
            button.on_click(lambda _b, rid=rid, hidden=bool(e.hidden): self.on_hide(rid, not hidden))
            children.append(button)
        row = W.HBox(children, layout=W.Layout(align_items="center"))
        row.add_class("cl-wall-entry")
        self._rows[rid] = (signature, row)
        return row


def _close(row: W.Box) -> None:
    for child in row.children:
        child.close()
    row.close()
