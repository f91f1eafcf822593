"""A live wall of participants' short texts, with moderation (hide / show) for the facilitator.

Reused by every exercise that collects free text. Texts are always escaped; hidden entries never reach
the projected view, and on the console they are shown struck through so they can be restored. The rows are
one :class:`widgets.ui.rows.Rows` widget: a new text in a busy room is one small change, not a dozen new widgets.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W
import pandas as pd

from widgets.i18n import Translator
from widgets.ui.rows import Action, Rows, row
from widgets.ui.text import esc
from widgets.ui.blocks import html


class Wall(W.VBox):
    """``update(entries, authors)`` redraws; ``entries`` has columns id, name, team, text, hidden. Who wrote an
    entry is shown only with ``authors`` (a room the facilitator made named): people criticise their own
    company here."""

    def __init__(self, tr: Translator, on_hide: Callable[[int, bool], None], title: str):
        super().__init__()
        self.add_class("cl-wall")
        self.tr, self.on_hide = tr, on_hide
        self.moderating = True
        self.title = html(f"<h3>{esc(title)}</h3>")
        self.list = Rows()
        self.list.on("hide", lambda key: self.on_hide(int(key), True))
        self.list.on("show", lambda key: self.on_hide(int(key), False))
        self.children = [self.title, self.list]
        #: The row's one button, by whether the entry is hidden (built once, not per row and refresh).
        self._actions = {True: [Action("show", tr("wall.show"), "eye", tr("wall.hide_help"))],
                         False: [Action("hide", tr("wall.hide"), "eye-slash", tr("wall.hide_help"))]}
        self.entries = pd.DataFrame(columns=["id", "name", "team", "text", "hidden"])
        self.authors = False

    def set_moderating(self, moderating: bool) -> None:
        self.moderating = moderating
        self.update(self.entries, self.authors)

    def update(self, entries: pd.DataFrame, authors: bool = False) -> None:
        """Show ``entries`` (the page redraws only the rows that changed), with their authors or without."""
        self.entries, self.authors = entries, authors
        rows = []
        for e in entries.itertuples(index=False):
            if e.hidden and not self.moderating:
                continue
            actions = self._actions[bool(e.hidden)] if self.moderating else []
            author = f"<div class='cl-tp-hint'>{esc(e.name)} · {esc(e.team)}</div>" if authors else ""
            rows.append(row(
                str(int(e.id)),
                f"<div class='cl-wall-text{' cl-wall-hidden' if e.hidden else ''}'>{esc(e.text)}</div>{author}",
                actions, cls="cl-wall-entry"))
        if not rows:
            rows = [row("empty", f"<p class='cl-tp-hint'>{esc(self.tr('wall.empty'))}</p>")]
        self.list.show(rows)
