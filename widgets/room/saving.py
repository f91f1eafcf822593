"""The participant's save line: every answer is acknowledged, a busy database is announced, nothing is dropped.

Exercise views get a :class:`SavingStore` instead of the store: the same methods, but every write goes through
the page's :class:`SaveStatus`, which shows

* "Guardado ✓ 10:42:05" once the answer is committed,
* "La base de datos está ocupada; reintentando…" while the store waits for another writer (``Store.on_retry``),
* "NO se guardó…" with a *Reintentar* button when the retries are exhausted. The write is kept and replayed
  by the button; the view keeps what was typed or chosen (it receives the error as before).
"""

from __future__ import annotations

import itertools
import time
from typing import Any, Callable

import ipywidgets as W

from widgets.i18n import Translator
from widgets.room.store import Store, StoreError
from widgets.ui.blocks import Notice

BUSY = "error.db_busy"
#: Writes that go through the save line (everything a participant's view changes).
WRITES = ("save_response", "delete_response", "update_team_item")


class SaveStatus(W.HBox):
    """One line that says whether the participant's last answers are stored."""

    def __init__(self, store: Store, tr: Translator):
        super().__init__()
        self.add_class("cl-save-status")
        self.store, self.tr = store, tr
        self.notice = Notice()
        self.retry_button = W.Button(description=tr("save.retry"), icon="refresh", button_style="warning",
                                     layout=W.Layout(display="none"))
        self.retry_button.on_click(lambda _b: self.retry())
        #: Writes refused because the database stayed locked, replayed by :meth:`retry` (oldest first).
        self.pending: dict[Any, tuple[Callable, tuple, dict]] = {}
        #: Called after a successful :meth:`retry`, so the page can show what is now stored.
        self.after_retry: Callable[[], None] | None = None
        self._unique = itertools.count()
        self.children = [self.notice, self.retry_button]

    def translate(self, tr: Translator) -> None:
        """Speak the room's language (known once the participant is in)."""
        self.tr = tr
        self.retry_button.description = tr("save.retry")

    # -- writes -----------------------------------------------------------------------------------
    def write(self, name: str, fn: Callable, args: tuple, kwargs: dict) -> Any:
        """Run one store write for the view; a busy refusal is remembered for :meth:`retry` and re-raised."""
        key = self._key(name, args)
        self.pending.pop(key, None)  # a newer change of the same answer replaces the one not saved
        try:
            result = self._attempt(fn, args, kwargs)
        except StoreError as exc:
            if exc.key == BUSY:
                self.pending[key] = (fn, args, kwargs)
            self._show()
            raise
        self._show()
        return result

    def retry(self) -> None:
        """Replay the writes that were not saved, oldest first; those still refused stay pending."""
        saved = False
        for key, (fn, args, kwargs) in list(self.pending.items()):
            try:
                self._attempt(fn, args, kwargs)
            except StoreError as exc:
                if exc.key == BUSY:
                    break  # still locked: keep this one and the later ones, in order
                self.pending.pop(key)  # refused for good (e.g. room closed): the page says why
                self._show()
                self.notice.show("error", self.tr(exc.key, **exc.kwargs))
                return
            self.pending.pop(key)
            saved = True
        self._show()
        if saved and self.after_retry:
            self.after_retry()

    def _attempt(self, fn: Callable, args: tuple, kwargs: dict) -> Any:
        previous = self.store.on_retry

        def on_retry(attempt: int) -> None:
            self.notice.show("info", self.tr("save.busy", attempt=attempt, retries=self.store.retries))
            self.retry_button.layout.display = "none"
            if previous:
                previous(attempt)

        self.store.on_retry = on_retry
        try:
            return fn(*args, **kwargs)
        finally:
            self.store.on_retry = previous

    def _key(self, name: str, args: tuple) -> Any:
        """Writes to the same answer share a key (the latest wins); team edits compose, so each is its own."""
        if name in ("save_response", "delete_response") and len(args) >= 3:
            return ("response", args[1], args[2])
        return (name, next(self._unique))

    def _show(self) -> None:
        if self.pending:
            self.notice.show("error", self.tr("save.not_saved"))
            self.retry_button.layout.display = None
        else:
            self.notice.show("ok", self.tr("save.saved", time=time.strftime("%H:%M:%S")))
            self.retry_button.layout.display = "none"


class SavingStore:
    """The store as exercise views see it: reads pass through, writes are reported on the save line."""

    def __init__(self, store: Store, status: SaveStatus):
        self._store = store
        self._status = status

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if name in WRITES:
            return lambda *args, **kwargs: self._status.write(name, attr, args, kwargs)
        return attr


def clear_busy_notices(widget: W.Widget, tr: Translator) -> None:
    """Clear the "could not save" messages views showed for writes that a retry has since saved: on screen, and
    in the steps not on screen now (a view keeps its notices as attributes)."""
    if isinstance(widget, Notice):
        if widget.message == tr(BUSY):
            widget.clear()
        return
    for child in getattr(widget, "children", ()) or ():
        clear_busy_notices(child, tr)
    for value in vars(widget).values() if hasattr(widget, "__dict__") else ():
        if isinstance(value, Notice) and value.message == tr(BUSY):
            value.clear()
