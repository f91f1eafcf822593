"""The facilitator's console: who has joined and the live results of the room, for the projector."""

from __future__ import annotations

import time

import ipywidgets as W

from . import exercises
from .browser import BrowserBridge
from .i18n import Translator
from .export_view import ExportPanel
from .live import RoomWatcher
from .phases import clock, open_phase, remaining, revealed
from .page import Page
from .qr import qr_svg
from .store import Room, Store
from .text import esc
from .ui import Notice, card, html, icon
from .welcome import join_link


#: How often the console asks whether the room changed (one indexed read of one integer). Shorter than a
#: participant page's 0.5 s: an answer should reach the projected chart within a second, and there is one
#: console per room.
CONSOLE_POLL_SECONDS = 0.25


class FacilitatorApp(W.VBox):
    """Opened with the secret facilitator link ``?room=CODE&key=KEY``."""

    def __init__(self, store: Store, page: Page, interval: float = CONSOLE_POLL_SECONDS):
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
        self.key = page.get("key")
        self.bridge = BrowserBridge()
        tr = self.tr
        self.link = join_link(page, room.code)
        self.people = html("", "cl-people")
        self.count = html("", "cl-big-number")
        self.toggle = W.Button(icon="lock")
        self.toggle.on_click(lambda _b: self.toggle_room())
        self.phase_buttons = {}
        agenda_rows = []
        for ex_id, ex in exercises.EXERCISES.items():
            button = W.Button(icon="play")
            button.on_click(lambda _b, ex_id=ex_id: self.toggle_phase(ex_id))
            self.phase_buttons[ex_id] = button
            row = W.HBox([html(f"<span class='cl-people'>{esc(tr(ex.title_key))}</span>"), button],
                         layout=W.Layout(align_items="center", flex_flow="row wrap"))
            row.add_class("cl-agenda-row")
            agenda_rows.append(row)
        self.project_button = W.Button(description=tr("projector.enter"), icon="desktop", button_style="primary")
        self.project_button.on_click(lambda _b: self.set_projector(True))
        self.exit_button = W.Button(description=tr("projector.exit"), icon="times")
        self.exit_button.on_click(lambda _b: self.set_projector(False))
        self.exit_box = W.HBox([self.exit_button])
        self.exit_box.add_class("cl-exit-projector")
        self.reveal_button = W.Button(icon="eye")
        self.reveal_button.on_click(lambda _b: self.toggle_reveal())
        self.minutes = W.BoundedIntText(value=10, min=1, max=180, description=tr("timer.minutes"),
                                        layout=W.Layout(width="200px"))
        self.timer_button = W.Button(description=tr("timer.start"), icon="clock-o")
        self.timer_button.on_click(lambda _b: self.toggle_timer())
        self.timer = html("", "cl-timer")
        self.phase_status = html("")
        # Each exercise's results are built the first time they are shown: the console opens at once.
        self._built: dict[str, W.Widget] = {}
        self._cards: dict[str, W.Widget] = {}
        self.projector = False
        # One exercise's results at a time: it follows the open exercise, and can be switched to any other.
        self.showing = W.ToggleButtons(options=[(tr(e.title_key), ex) for ex, e in exercises.EXERCISES.items()],
                                       value=open_phase(room.state) or exercises.DEFAULT_EXERCISE,
                                       description=tr("console.showing"), style={"button_width": "auto",
                                                                                   "description_width": "initial"})
        self.showing.add_class("cl-showing")
        self.showing.observe(lambda _c: self.show_panel(), "value")
        self.panel_slot = W.VBox()
        self._last_phase = open_phase(room.state)
        join_card = card(
            html(
                f"<p>{esc(tr('facilitator.join_at'))}</p><div class='cl-code'>{esc(room.code)}</div>"
                f"<div class='cl-qr'>{qr_svg(self.link)}</div>"
                f"<div class='cl-link'>{esc(self.link)}</div>"
            ),
        )
        people_card = card(html(f"<h2>{esc(tr('facilitator.joined'))}</h2>"), self.count, self.people)
        self.controls = card(
            html(f"<h2>{esc(tr('console.controls'))}</h2><p>{esc(tr('console.agenda'))}</p>"),
            *agenda_rows,
            self.phase_status,
            W.HBox([self.reveal_button, self.project_button], layout=W.Layout(flex_flow="row wrap")),
            W.HBox([self.minutes, self.timer_button], layout=W.Layout(flex_flow="row wrap", align_items="center")),
        )
        self.room_card = card(self.toggle)
        self.export_card = card(ExportPanel(store, room, tr))
        cards = W.HBox([join_card, people_card], layout=W.Layout(flex_flow="row wrap"))
        cards.add_class("cl-cards")
        self.children = [
            self.bridge,
            html(f"<h1>{esc(room.name)}</h1>"),
            self.timer,
            self.notice,
            cards,
            self.controls,
            self.showing,
            self.panel_slot,
            self.room_card,
            self.export_card,
            self.exit_box,
        ]
        self.refresh()
        self.set_projector(page.get("view") == "projector")
        self.watcher = RoomWatcher(store, room.id, interval=interval, alive=self.bridge.present)
        self.watcher.version = store.room_version(room.id)
        self.watcher.subscribe(self.refresh)
        self.watcher.every(1, self.show_timer)
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
        current = open_phase(room.state)
        if current and current != self._last_phase and current in exercises.EXERCISES:
            self.showing.value = current  # follow the facilitator's agenda
        self._last_phase = current
        for panel in self._built.values():
            panel.set_revealed(revealed(room.state))
        self.show_panel()
        for ex_id, button in self.phase_buttons.items():
            button.description = self.tr("phase.close" if current == ex_id else "phase.open")
            button.button_style = "" if current == ex_id else "primary"
        self.phase_status.value = esc(self.tr("phase.is_open" if current else "phase.is_closed"))
        shown = revealed(room.state)
        self.reveal_button.description = self.tr("reveal.hide" if shown else "reveal.show")
        self.reveal_button.button_style = "" if shown else "info"
        self.timer_button.description = self.tr("timer.stop" if room.state.get("timer_end") else "timer.start")
        self.show_timer()
        if room.is_open:
            self.toggle.description = self.tr("facilitator.close_room")
            self.toggle.button_style = "warning"
            self.notice.clear()
        else:
            self.toggle.description = self.tr("facilitator.reopen_room")
            self.toggle.button_style = "success"
            self.notice.show("info", self.tr("facilitator.room_is_closed"))

    def panel(self, exercise_id: str) -> W.Widget:
        """The results panel of ``exercise_id``, built on first use in the console's current mode."""
        if exercise_id not in self._built:
            panel = exercises.get(exercise_id).facilitator(self.store, self.room, self.tr)
            panel.set_moderating(not self.projector)
            panel.set_revealed(revealed(self.room.state))
            self._built[exercise_id] = panel
            self._cards[exercise_id] = card(panel)
        return self._built[exercise_id]

    @property
    def panel_by_id(self) -> dict[str, W.Widget]:
        """Every exercise's panel (builds those not shown yet)."""
        return {ex: self.panel(ex) for ex in exercises.EXERCISES}

    @property
    def panels(self) -> list[W.Widget]:
        return list(self.panel_by_id.values())

    def show_panel(self) -> None:
        """Show (and redraw) the results of the exercise picked in ``showing``; the others wait."""
        panel = self.panel(self.showing.value)
        panel.refresh()
        wanted = (self._cards[self.showing.value],)
        if self.panel_slot.children != wanted:
            self.panel_slot.children = wanted

    def show_timer(self) -> None:
        left = remaining(self.room.state)
        if left is None:
            self.timer.value = ""
        else:
            text = self.tr("timer.over") if left == 0 else self.tr("timer.label", clock=clock(left))
            self.timer.value = f"{icon('stopwatch')} {esc(text)}"

    def toggle_phase(self, exercise_id: str = exercises.DEFAULT_EXERCISE) -> None:
        """Open ``exercise_id`` (closing any other), or close it when it is the open one."""
        room = self.store.room(self.room.id)
        is_open = open_phase(room.state) == exercise_id
        self.store.update_room_state(room.id, phase="" if is_open else exercise_id)
        self.refresh()

    def set_projector(self, on: bool) -> None:
        """Projection mode: large type, no controls, no moderation, and no key in the address bar."""
        self.projector = on
        for box in (self.controls, self.room_card, self.export_card):
            box.layout.display = "none" if on else ""
        self.exit_box.layout.display = "" if on else "none"
        for panel in self._built.values():
            panel.set_moderating(not on)
        if on:
            self.add_class("cl-projector")
            self.bridge.query = f"?room={self.room.code}&view=projector"
        else:
            self.remove_class("cl-projector")
            self.bridge.query = f"?room={self.room.code}&key={self.key}"

    def toggle_reveal(self) -> None:
        room = self.store.room(self.room.id)
        self.store.update_room_state(room.id, revealed=not revealed(room.state))
        self.refresh()

    def toggle_timer(self) -> None:
        room = self.store.room(self.room.id)
        end = None if room.state.get("timer_end") else time.time() + 60 * self.minutes.value
        self.store.update_room_state(room.id, timer_end=end)
        self.refresh()

    def toggle_room(self) -> None:
        room = self.store.room(self.room.id)
        self.store.set_room_status(room.id, "closed" if room.is_open else "open")
        self.refresh()
