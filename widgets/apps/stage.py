"""The projector's stage: one slide at a time, filling the screen, never scrolling, following the console live.

Opened with the console's link and ``&view=projector`` (on the projector's screen, or on another machine): the
stage shows the slide the console chose (``slides``), and obeys a presenter's clicker too. Nothing on it is a
control but a discreet exit back to the console. In an anonymous room no name ever reaches it.
"""

from __future__ import annotations

from urllib.parse import urlparse

import ipywidgets as W

from widgets.workshops import registry as exercises
from widgets.apps import slides
from widgets.ui.browser import BrowserBridge
from widgets.room.live import RoomWatcher
from widgets.room.phases import clock, remaining, revealed
from widgets.apps.presenter import facilitator_room
from widgets.serving.page import Page
from widgets.ui.qr import qr_svg
from widgets.room.store import Room, Store
from widgets.ui.text import esc
from widgets.ui.blocks import html, icon, speaks
from widgets.apps.welcome_page import join_link

#: How often the stage asks whether the room changed (as the console).
STAGE_POLL_SECONDS = 0.25


def short_address(link: str) -> str:
    """What people can type: the server's address alone (its front door opens the welcome page)."""
    parsed = urlparse(link)
    return parsed.netloc or link


class StageApp(W.VBox):
    """Opened with ``?room=CODE&key=KEY&view=projector``."""

    def __init__(self, store: Store, page: Page, interval: float = STAGE_POLL_SECONDS):
        super().__init__()
        self.add_class("cl-stage")
        self.store, self.page = store, page
        self.room: Room | None = None
        self.watcher: RoomWatcher | None = None
        room, self.tr = facilitator_room(store, page)
        speaks(self, self.tr.lang)
        if room is None:
            self.children = [html(f"<p class='cl-notice cl-notice-error'>{esc(self.tr('facilitator.need_key'))}</p>")]
            return
        self.room, self.key = room, page.get("key")
        self.link = join_link(page, room.code)
        self.bridge = BrowserBridge(presenter=True)
        self.bridge.on_key = self.on_key
        self.bridge.query = f"?room={room.code}&view=projector"  # no key on the projected screen
        self.title = html("", "cl-stage-title")
        self.timer = html("", "cl-stage-timer")
        self.corner = html("", "cl-stage-corner")
        self.exit = W.Button(description=self.tr("projector.exit"), icon="times", tooltip=self.tr("projector.exit"))
        self.exit.add_class("cl-stage-exit")
        self.exit.on_click(lambda _b: self.leave())
        side = W.VBox([self.corner, self.exit])
        side.add_class("cl-stage-side")
        self.header = W.HBox([self.title, self.timer, side])
        self.header.add_class("cl-stage-header")
        self.body = W.Box()
        self.body.add_class("cl-slide")
        self.panels: dict[str, W.Widget] = {}
        self.slide = ""
        self.children = [self.bridge, self.header, self.body]
        self.refresh()
        self.watcher = RoomWatcher(store, room.id, interval=interval, alive=self.bridge.present)
        self.watcher.version = store.room_version(room.id)
        self.watcher.subscribe(self.refresh)
        self.watcher.every(1, self.show_timer)
        self.watcher.start()

    # -- what is shown --------------------------------------------------------------------------------
    def panel(self, exercise_id: str) -> W.Widget:
        """A workshop's results as the projector shows them (no moderation, no names), built on first use."""
        if exercise_id not in self.panels:
            panel = exercises.get(exercise_id).facilitator(self.store, self.room, self.tr)
            panel.set_moderating(False)
            self.panels[exercise_id] = panel
        return self.panels[exercise_id]

    def refresh(self) -> None:
        room = self.store.room(self.room.id)
        if room is None:
            return
        self.room = room
        slide = slides.current(room.state, exercises.EXERCISES)
        blank = slides.blank(room.state)
        self.set_class("cl-blank", blank)
        self.slide = slide
        people = len(self.store.participants(room.id))
        ex = slides.workshop_of(slide)
        if slide == slides.JOIN:
            self.show_join(people)
        elif slide.startswith("open:"):
            self.show_open(ex, people)
        else:
            self.show_part(ex, slides.part_of(slide))
        corner = slide != slides.JOIN
        self.corner.value = (f"<div class='cl-qr' role='img' aria-label='{esc(self.tr('stage.qr_label', code=room.code))}'>"
                             f"{qr_svg(self.link)}</div><div class='cl-corner-code'>"
                             f"{esc(room.code)}</div>") if corner else ""
        self.show_timer()

    def set_class(self, name: str, on: bool) -> None:
        (self.add_class if on else self.remove_class)(name)

    def show_join(self, people: int) -> None:
        tr, room = self.tr, self.room
        self.title.value = f"<h1>{esc(room.name)}</h1>"
        self.body.children = [html(
            f"<div class='cl-join-slide'><div class='cl-qr' role='img' aria-label='{esc(tr('stage.qr_label', code=room.code))}'>"
            f"{qr_svg(self.link)}</div><div class='cl-join-text'>"
            f"<p class='cl-join-how'>{esc(tr('stage.join_how', address=short_address(self.link)))}</p>"
            f"<div class='cl-code cl-stage-code'>{esc(room.code)}</div>"
            f"<p class='cl-join-count' aria-live='polite'>{esc(tr('stage.joined', n=people))}</p></div></div>",
            "cl-slide-join")]

    def show_open(self, ex: str, people: int) -> None:
        tr = self.tr
        self.panel(ex).refresh()
        answered, _people = self.panel(ex).counts()
        self.title.value = f"<h1>{esc(tr(exercises.get(ex).title_key))}</h1>"
        self.body.children = [html(
            f"<div class='cl-open-slide'><p class='cl-question'>{esc(tr(f'stage.question.{ex}'))}</p>"
            f"<p class='cl-answered' aria-live='polite'>{esc(tr('stage.answered', n=answered, people=people))}</p></div>",
            "cl-slide-open")]

    def show_part(self, ex: str, part: str) -> None:
        tr = self.tr
        panel = self.panel(ex)
        shown = revealed(self.room.state, ex) or f"{ex}:{part}" in slides.LIVE
        panel.set_revealed(revealed(self.room.state, ex))
        panel.refresh()
        self.title.value = (f"<h1>{esc(tr(slides.label_key(f'{ex}:{part}')))}</h1>"
                            f"<p class='cl-stage-sub'>{esc(tr(exercises.get(ex).title_key))}</p>")
        if not shown:
            content = html(f"<p class='cl-hidden-results'>{icon('eye-slash')} {esc(tr('reveal.hidden'))}</p>",
                           "cl-slide-hidden")
        else:
            content = panel.stage_part(part)
            fill = getattr(content, "fill", None)
            if fill is not None:
                content.fill = True
            content.add_class("cl-fit")
        if tuple(self.body.children) != (content,):
            self.body.children = [content]

    def show_timer(self) -> None:
        ex = slides.workshop_of(self.slide) if self.slide else None
        left = remaining(self.room.state, ex) if ex else None
        if left is None:
            self.timer.value = ""
        else:
            text = self.tr("timer.over") if left == 0 else clock(left)
            self.timer.value = f"<span role='timer'>{icon('stopwatch')} {esc(text)}</span>"

    # -- a clicker on the projector's machine ----------------------------------------------------------
    def on_key(self, command: str) -> None:
        from widgets.apps.presenter import obey

        obey(self.store, self.room.id, command)
        self.refresh()

    def leave(self) -> None:
        """Back to the console, on this screen (the address carries the key: never shown, only followed)."""
        from widgets.apps.welcome_page import facilitator_link

        if self.watcher:
            self.watcher.stop()
        self.bridge.go = facilitator_link(self.page, self.room.code, self.key)
