""""Your rooms": the rooms this browser created, remembered in its localStorage with their console keys.

No accounts: the keys live only in the facilitator's own browser (and as hashes in the database), so a
facilitator can list, open, reopen and archive their rooms without anyone else seeing them.
"""

from __future__ import annotations

import json

import ipywidgets as W

from widgets.ui.browser import BrowserBridge
from widgets.i18n import Translator
from widgets.serving.page import Page
from widgets.room.store import Store
from widgets.ui.text import esc
from widgets.ui.blocks import html


def parse_remembered(raw: str) -> list[dict]:
    """The remembered rooms, tolerant of anything odd a browser may hold."""
    try:
        data = json.loads(raw or "[]")
    except ValueError:
        return []
    if not isinstance(data, list):
        return []
    return [d for d in data if isinstance(d, dict) and isinstance(d.get("code"), str) and isinstance(d.get("key"), str)]


class MyRooms(W.VBox):
    def __init__(self, store: Store, page: Page, tr: Translator, bridge: BrowserBridge, link_for):
        super().__init__()
        self.store, self.page, self.tr, self.bridge, self.link_for = store, page, tr, bridge, link_for
        self.show_archived = W.Checkbox(value=False, description=tr("rooms.show_archived"), indent=False)
        self.show_archived.observe(lambda _c: self.refresh(), "value")
        self.list = W.VBox()
        self.children = [html(f"<h2>{esc(tr('rooms.title'))}</h2><p class='cl-tp-hint'>{esc(tr('rooms.intro'))}</p>"),
                         self.show_archived, self.list]
        self.remembered = parse_remembered(bridge.stored)
        bridge.observe(self._loaded, "stored")
        self.refresh()

    def _loaded(self, _change=None) -> None:
        self.remembered = parse_remembered(self.bridge.stored)
        self.refresh()

    def _save(self) -> None:
        value = json.dumps(self.remembered)
        self.bridge.store_value = value
        self.bridge.stored = value

    def remember(self, code: str, key: str, name: str) -> None:
        self.remembered = [r for r in self.remembered if r["code"] != code] + [{"code": code, "key": key, "name": name}]
        self._save()
        self.refresh()

    def forget(self, code: str) -> None:
        self.remembered = [r for r in self.remembered if r["code"] != code]
        self._save()
        self.refresh()

    def set_status(self, code: str, key: str, status: str) -> None:
        room = self.store.room_by_code(code)
        if room is not None and self.store.check_facilitator_key(room, key):
            self.store.set_room_status(room.id, status)
        self.refresh()

    def refresh(self) -> None:
        rows = []
        for entry in reversed(self.remembered):
            room = self.store.room_by_code(entry["code"])
            if room is None or not self.store.check_facilitator_key(room, entry["key"]):
                continue  # deleted, or its key was replaced: nothing to offer
            if room.status == "archived" and not self.show_archived.value:
                continue
            people = len(self.store.participants(room.id))
            link = self.link_for(self.page, room.code, entry["key"])
            info = html(
                f"<b>{esc(room.name)}</b> · <span class='cl-link'>{esc(room.code)}</span> · "
                f"{esc(self.tr('rooms.status.' + room.status))} · {esc(self.tr('rooms.people', n=people))}<br>"
                f"<a class='cl-room-console' href='{esc(link)}' target='_blank'>{esc(self.tr('rooms.open_console'))}</a>"
            )
            info.layout.flex = "1 1 auto"
            if room.status == "archived" or room.status == "closed":
                action = W.Button(description=self.tr("rooms.reopen"), icon="undo")
                action.on_click(lambda _b, e=entry: self.set_status(e["code"], e["key"], "open"))
            else:
                action = W.Button(description=self.tr("rooms.archive"), icon="archive")
                action.on_click(lambda _b, e=entry: self.set_status(e["code"], e["key"], "archived"))
            forget = W.Button(description=self.tr("rooms.forget"), icon="trash", tooltip=self.tr("rooms.forget_help"))
            forget.on_click(lambda _b, code=entry["code"]: self.forget(code))
            row = W.HBox([info, action, forget], layout=W.Layout(align_items="center", flex_flow="row wrap"))
            row.add_class("cl-my-room")
            rows.append(row)
        if not rows:
            rows = [html(f"<p class='cl-tp-hint'>{esc(self.tr('rooms.none'))}</p>")]
        self.list.children = rows
