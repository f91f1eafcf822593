"""The facilitator's console: who has joined and the live results of the room, for the projector."""

from __future__ import annotations

import ipywidgets as W

from . import exercises
from .i18n import Translator
from .export_view import ExportPanel
from .live import RoomWatcher
from .page import Page
from .qr import qr_svg
from .store import Room, Store
from .text import esc
from .ui import Notice, card, html
from .welcome import join_link


class FacilitatorApp(W.VBox):
    """Opened with the secret facilitator link ``?room=CODE&key=KEY``."""

    def __init__(self, store: Store, page: Page, interval: float = 0.5):
        super().__init__()
        self.add_class("cl-app")
        self.store, self.page = store, page
        self.tr = Translator(page.get("lang"))
        self.notice = Notice()
        self.room: Room | None = None
        self.watcher: RoomWatcher | None = None
        room = store.room_by_code(page.get("room"))
        if room is not None:
            self.tr = Translator(room.lang)
        if room is None or not store.check_facilitator_key(room, page.get("key")):
            self.notice.show("error", self.tr("facilitator.need_key"))
            self.children = [html(f"<h1>{esc(self.tr('facilitator.title'))}</h1>"), self.notice]
            return
        self.room = room
        tr = self.tr
        self.link = join_link(page, room.code)
        self.people = html("", "cl-people")
        self.count = html("", "cl-big-number")
        self.toggle = W.Button(icon="lock")
        self.toggle.on_click(lambda _b: self.toggle_room())
        self.panels = [exercises.get(ex).facilitator(store, room, tr) for ex in exercises.EXERCISES]
        join_card = card(
            html(
                f"<p>{esc(tr('facilitator.join_at'))}</p><div class='cl-code'>{esc(room.code)}</div>"
                f"<div class='cl-qr'>{qr_svg(self.link)}</div>"
                f"<div class='cl-link'>{esc(self.link)}</div>"
            ),
        )
        people_card = card(html(f"<h2>{esc(tr('facilitator.joined'))}</h2>"), self.count, self.people)
        cards = W.HBox([join_card, people_card], layout=W.Layout(flex_flow="row wrap"))
        cards.add_class("cl-cards")
        self.children = [
            html(f"<h1>{esc(room.name)}</h1>"),
            self.notice,
            cards,
            *[card(p) for p in self.panels],
            card(self.toggle),
            card(ExportPanel(store, room, tr)),
        ]
        self.refresh()
        self.watcher = RoomWatcher(store, room.id, interval=interval)
        self.watcher.version = store.room_version(room.id)
        self.watcher.subscribe(self.refresh)
        self.watcher.start()

    def refresh(self) -> None:
        room = self.store.room(self.room.id)
        self.room = room
        people = self.store.participants(room.id)
        self.count.value = str(len(people))
        if people.empty:
            self.people.value = esc(self.tr("facilitator.nobody"))
        else:
            teams = []
            for team, group in people.groupby("team", sort=True):
                names = ", ".join(esc(n) for n in group["name"])
                teams.append(f"<li><b>{esc(team)}</b> ({len(group)}): {names}</li>")
            self.people.value = f"<ul>{''.join(teams)}</ul>"
        for panel in self.panels:
            panel.refresh()
        if room.is_open:
            self.toggle.description = self.tr("facilitator.close_room")
            self.toggle.button_style = "warning"
            self.notice.clear()
        else:
            self.toggle.description = self.tr("facilitator.reopen_room")
            self.toggle.button_style = "success"
            self.notice.show("info", self.tr("facilitator.room_is_closed"))

    def toggle_room(self) -> None:
        room = self.store.room(self.room.id)
        self.store.set_room_status(room.id, "closed" if room.is_open else "open")
        self.refresh()
