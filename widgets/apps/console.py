"""The facilitator's console: the session's live controls on one laptop screen, and the room's results below.

The first screen (1366x768) holds what a facilitator uses while people answer: the agenda (open a workshop),
the projector's slide (previous, next, blank, and what it shows now), reveal and timer, and who is still
missing. A presenter's clicker works too (right/left or Page Down/Up, B for a blank screen, R to reveal, T for
the timer). Below: the workshop's results with moderation, the people and their personal links, the room and
the downloads. Every workshop keeps its own reveal and timer (``phases``); the console's reveal and timer act
on the workshop it shows, which follows the agenda. In an anonymous room (the default) no participant's name
reaches the projector (``stage.py``); the console itself may list who is missing.
"""

from __future__ import annotations

import time

import ipywidgets as W

from widgets.kits import model as kits
from widgets.workshops import registry as exercises
from widgets.apps import slides
from widgets.ui.browser import BrowserBridge
from widgets.ui.pick import Pick
from widgets.apps.export_view import ExportPanel
from widgets.room.live import RoomWatcher
from widgets.room.phases import anonymous, open_phase, revealed, timer_end, with_workshop
from widgets.serving.page import Page
from widgets.apps.presenter import change as presenter_change, facilitator_room
from widgets.ui.qr import qr_svg
from widgets.room.store import Room, Store, StoreError
from widgets.ui.text import esc
from widgets.ui.blocks import Notice, card, html, icon, speaks, timer_html
from widgets.apps.welcome_page import facilitator_link, join_link


#: How often the console asks whether the room changed (one indexed read of one integer). Shorter than a
#: participant page's 0.5 s: an answer should reach the projected chart within a second, and there is one
#: console per room.
CONSOLE_POLL_SECONDS = 0.25


def _button(description: str, icon_: str, tip: str = "", style: str = "") -> W.Button:
    b = W.Button(description=description, icon=icon_, tooltip=tip or description, button_style=style)
    return b


class FacilitatorApp(W.VBox):
    """Opened with the secret facilitator link ``?room=CODE&key=KEY``."""

    def __init__(self, store: Store, page: Page, interval: float = CONSOLE_POLL_SECONDS):
        super().__init__()
        self.add_class("cl-app")
        self.add_class("cl-console")
        self.store, self.page = store, page
        self.notice = Notice()
        self.room: Room | None = None
        self.watcher: RoomWatcher | None = None
        room, self.tr = facilitator_room(store, page)
        speaks(self, self.tr.lang)
        if room is None:
            self.notice.show("error", self.tr("facilitator.need_key"))
            self.children = [html(f"<h1>{esc(self.tr('facilitator.title'))}</h1>"), self.notice]
            return
        self.room = room
        self.key = page.get("key")
        self.bridge = BrowserBridge(presenter=True)
        self.bridge.on_key = self.on_key
        tr = self.tr
        self.link = join_link(page, room.code)
        # -- the first screen: the live controls -----------------------------------------------------------
        self.count = html("", "cl-big-number")
        self.timer = html("", "cl-timer")
        kit = kits.of_room(store, room).title(self.tr.lang)  # the content the room was made with
        self.title = html(f"<h1>{esc(room.name)}</h1><span class='cl-console-code'>{esc(room.code)}</span>"
                          f"<span class='cl-console-kit'>{esc(self.tr('console.kit', name=kit))}</span>")
        self.headline = W.HBox([self.title, self.timer])
        self.headline.add_class("cl-console-head")
        self.phase_buttons = {}
        agenda_rows = []
        for ex_id, ex in exercises.EXERCISES.items():
            button = W.Button(icon="play")
            button.on_click(lambda _b, ex_id=ex_id: self.toggle_phase(ex_id))
            self.phase_buttons[ex_id] = button
            row = W.HBox([html(f"<span class='cl-agenda-title'>{esc(tr(ex.title_key))}</span>"), button])
            row.add_class("cl-agenda-row")
            agenda_rows.append(row)
        self.phase_status = html("", "cl-tp-hint", "cl-live")
        self.agenda = card(html(f"<h2>{esc(tr('console.agenda_title'))}</h2>"), *agenda_rows, self.phase_status)
        self.agenda.add_class("cl-console-agenda")
        self.reveal_button = W.Button(icon="eye")
        self.reveal_button.on_click(lambda _b: self.toggle_reveal())
        self.minutes = W.BoundedIntText(value=10, min=1, max=180, description=tr("timer.minutes"),
                                        layout=W.Layout(width="170px"))
        self.timer_button = W.Button(description=tr("timer.start"), icon="clock-o")
        self.timer_button.on_click(lambda _b: self.toggle_timer())
        self.prev_button = _button(tr("stage.prev"), "chevron-left", tr("stage.prev_key"))
        self.prev_button.on_click(lambda _b: self.on_key("prev"))
        self.next_button = _button(tr("stage.next"), "chevron-right", tr("stage.next_key"), "primary")
        self.next_button.on_click(lambda _b: self.on_key("next"))
        self.blank_button = _button(tr("stage.blank"), "square", tr("stage.blank_key"))
        self.blank_button.on_click(lambda _b: self.on_key("blank"))
        self.slide_pick = W.Dropdown(description=tr("stage.slide"), style={"description_width": "initial"},
                                     layout=W.Layout(width="100%", max_width="460px"))
        self.slide_pick.observe(lambda change: self.show_slide(change["new"]), "value")
        self.on_stage = html("", "cl-on-stage")
        self.projector_link = html(
            f"<a class='cl-open-projector jupyter-button widget-button mod-primary' target='_blank' rel='noopener' "
            f"href='{esc(facilitator_link(page, room.code, self.key) + '&view=projector')}'>"
            f"{icon('desktop')} {esc(tr('projector.open'))}</a>")
        self.anonymous = W.Checkbox(value=anonymous(room.state), description=tr("console.anonymous"), indent=False)
        self.anonymous.observe(lambda change: self.set_anonymous(change["new"]), "value")
        self.missing = html("", "cl-missing", "cl-live")  # said aloud as people answer
        self.controls = card(
            html(f"<h2>{esc(tr('console.controls'))}</h2>"),
            W.HBox([self.reveal_button, self.minutes, self.timer_button], layout=W.Layout(flex_flow="row wrap",
                                                                                          align_items="center")),
            html(f"<h3>{esc(tr('stage.title'))}</h3>"),
            self.on_stage,
            W.HBox([self.prev_button, self.next_button, self.blank_button], layout=W.Layout(flex_flow="row wrap")),
            self.slide_pick, self.projector_link,
            html(f"<p class='cl-tp-hint'>{esc(tr('console.keys_hint'))}</p>"),
        )
        self.controls.add_class("cl-console-controls")
        self.room_box = card(html(f"<h2>{esc(tr('facilitator.joined'))}</h2>"), self.count, self.missing,
                             self.anonymous)
        self.room_box.add_class("cl-console-people")
        live = W.HBox([self.agenda, self.controls, self.room_box])
        live.add_class("cl-console-live")
        # -- below the fold: results with moderation, the people, the room, the downloads ------------------------
        self._built: dict[str, W.Widget] = {}
        self._cards: dict[str, W.Widget] = {}
        self.showing = Pick([(tr(e.title_key), ex) for ex, e in exercises.EXERCISES.items()],
                            value=open_phase(room.state) or exercises.DEFAULT_EXERCISE, description=tr("console.showing"))
        self.showing.add_class("cl-showing")
        self.showing.observe(lambda _c: self.refresh(), "value")
        self.panel_slot = W.VBox()
        self._last_phase = open_phase(room.state)
        self.people = html("", "cl-people")
        # A participant who lost their personal link gets a new one here (never on the projector).
        self.person = W.Dropdown(description=tr("console.person"), style={"description_width": "initial"},
                                 layout=W.Layout(width="100%", max_width="420px"))
        self.person_button = W.Button(description=tr("console.person_link"), icon="link")
        self.person_button.on_click(lambda _b: self.new_personal_link())
        self.person_link = html("")
        self.person_box = W.VBox([html(f"<p class='cl-tp-hint'>{esc(tr('console.person_intro'))}</p>"),
                                  W.HBox([self.person, self.person_button], layout=W.Layout(flex_flow="row wrap",
                                                                                              align_items="center")),
                                  self.person_link])
        join_card = card(html(
            f"<h2>{esc(tr('facilitator.join_at'))}</h2><div class='cl-code'>{esc(room.code)}</div>"
            f"<div class='cl-qr cl-qr-small' role='img' aria-label='{esc(tr('stage.qr_label', code=room.code))}'>"
            f"{qr_svg(self.link)}</div><div class='cl-link'>{esc(self.link)}</div>"))
        people_card = card(html(f"<h2>{esc(tr('facilitator.joined'))}</h2>"), self.people, self.person_box)
        self.toggle = W.Button(icon="lock")
        self.toggle.on_click(lambda _b: self.toggle_room())
        # Closing the room stops every answer: a second, explicit click.
        self.close_yes = W.Button(description=tr("facilitator.close_confirm_yes"), icon="lock", button_style="danger")
        self.close_yes.on_click(lambda _b: self.toggle_room(confirmed=True))
        self.close_no = W.Button(description=tr("facilitator.close_confirm_no"), icon="times")
        self.close_no.on_click(lambda _b: self._ask_close(False))
        self.close_confirm = W.VBox([html(f"<p class='cl-notice cl-notice-error'>{esc(tr('facilitator.close_confirm'))}</p>"),
                                     W.HBox([self.close_yes, self.close_no], layout=W.Layout(flex_flow="row wrap"))])
        self.close_confirm.layout.display = "none"
        self.room_card = card(self.toggle, self.close_confirm)
        self.export_card = card(ExportPanel(store, room, tr))
        below = W.HBox([join_card, people_card])
        below.add_class("cl-cards")
        self.children = [self.bridge, self.headline, self.notice, live, self.showing, self.panel_slot, below,
                         self.room_card, self.export_card]
        self.refresh()
        self.watcher = RoomWatcher(store, room.id, interval=interval, alive=self.bridge.present)
        self.watcher.version = store.room_version(room.id)
        self.watcher.subscribe(self.refresh)
        self.watcher.every(1, self.show_timer)
        self.watcher.start()

    @property
    def current(self) -> str:
        """The workshop the console is about: the one whose results it shows (reveal and timer act on it)."""
        return self.showing.value

    def refresh(self) -> None:
        room = self.store.room(self.room.id)
        self.room = room
        people = self.store.participants(room.id)
        self.count.value = str(len(people))
        self.show_people(people)
        current = open_phase(room.state)
        follow = current and current != self._last_phase and current in exercises.EXERCISES
        self._last_phase = current
        if follow and self.showing.value != current:
            self.showing.value = current  # follow the facilitator's agenda (its observer refreshes)
            return
        for ex_id, panel in self._built.items():
            panel.set_revealed(revealed(room.state, ex_id))
        self.show_panel()
        for ex_id, button in self.phase_buttons.items():
            button.description = self.tr("phase.close" if current == ex_id else "phase.open")
            button.button_style = "" if current == ex_id else "primary"
            button.icon = "stop" if current == ex_id else "play"
            button.tooltip = f"{button.description}: {self.tr(exercises.get(ex_id).title_key)}"
        self.phase_status.value = esc(self.tr("phase.is_open" if current else "phase.is_closed"))
        shown = revealed(room.state, self.current)
        title = self.tr(exercises.get(self.current).title_key)
        self.reveal_button.description = self.tr("reveal.hide" if shown else "reveal.show")
        self.reveal_button.button_style = "" if shown else "info"
        self.reveal_button.icon = "eye-slash" if shown else "eye"
        self.reveal_button.tooltip = f"{self.reveal_button.description}: {title} (R)"
        self.timer_button.description = self.tr("timer.stop" if timer_end(room.state, self.current) else "timer.start")
        self.timer_button.icon = "stop" if timer_end(room.state, self.current) else "clock-o"
        self.timer_button.tooltip = f"{self.timer_button.description}: {title} (T)"
        if self.anonymous.value != anonymous(room.state):
            self.anonymous.value = anonymous(room.state)
        self.show_stage()
        self.show_missing(people)
        self.show_timer()
        if room.is_open:
            self.toggle.description = self.tr("facilitator.close_room")
            self.toggle.button_style = "warning"
            self.notice.clear()
        else:
            self.toggle.description = self.tr("facilitator.reopen_room")
            self.toggle.button_style = "success"
            self.notice.show("info", self.tr("facilitator.room_is_closed"))

    def show_people(self, people) -> None:
        """Who joined, names by team (the console is the facilitator's own screen)."""
        if people.empty:
            self.people.value = esc(self.tr("facilitator.nobody"))
        else:
            teams = []
            for team, group in people.groupby("team", sort=True):
                teams.append(f"<li><b>{esc(team)}</b> ({len(group)}): {', '.join(esc(n) for n in group['name'])}</li>")
            self.people.value = f"<ul>{''.join(teams)}</ul>"
        options = [(self.tr("console.person_pick"), 0)] + [(f"{n} · {t}", int(i)) for i, n, t in
                                                          zip(people["id"], people["name"], people["team"])]
        if list(self.person.options) != options:
            chosen = self.person.value
            self.person.options = options
            self.person.value = chosen if chosen in dict(options).values() else 0

    def show_missing(self, people) -> None:
        """Who has not answered the workshop on screen yet: their names, on the console only."""
        answered = set(self.store.responses(self.room.id, self.current)["participant_id"])
        missing = [n for i, n in zip(people["id"], people["name"]) if i not in answered]
        counts = esc(self.tr("stage.answered", n=len(people) - len(missing), people=len(people)))
        names = esc(self.tr("console.missing", names=", ".join(missing))) if missing and len(people) else ""
        self.missing.value = f"<p class='cl-people'>{counts}</p>" + (f"<p class='cl-tp-hint'>{names}</p>" if names else "")

    def show_stage(self) -> None:
        """What the projector shows now, and the slides the console can put there."""
        state = self.room.state
        slide = slides.current(state, exercises.EXERCISES)
        options = [(self._slide_name(s), s) for s in slides.sequence(exercises.EXERCISES)]
        if list(self.slide_pick.options) != options:
            self.slide_pick.options = options
        if self.slide_pick.value != slide:
            self._picking = True
            try:
                self.slide_pick.value = slide
            finally:
                self._picking = False
        blank = slides.blank(state)
        self.blank_button.description = self.tr("stage.unblank" if blank else "stage.blank")
        self.on_stage.value = (f"<p><span class='cl-tp-hint'>{esc(self.tr('stage.now'))}</span> "
                               f"<b>{esc(self._slide_name(slide))}</b>"
                               + (f" <span class='cl-blank-tag'>{esc(self.tr('stage.is_blank'))}</span>" if blank else "")
                               + "</p>" + self._next_line(slide))

    def _next_line(self, slide: str) -> str:
        """The slide "Siguiente" would show, as a presenter's view tells the next slide."""
        after = slides.step(self.room.state, exercises.EXERCISES, 1)
        if after == slide:
            return ""
        return (f"<p><span class='cl-tp-hint'>{esc(self.tr('stage.after'))}</span> "
                f"{esc(self._slide_name(after))}</p>")

    def _slide_name(self, slide: str) -> str:
        ex = slides.workshop_of(slide)
        name = self.tr(slides.label_key(slide))
        if ex and slides.part_of(slide):
            return f"{self.tr(exercises.get(ex).title_key)} · {name}"
        if ex:
            return f"{name} · {self.tr('stage.open_slide')}"
        return name

    def panel(self, exercise_id: str) -> W.Widget:
        """The results panel of ``exercise_id``, built on first use (with moderation: the console's)."""
        if exercise_id not in self._built:
            panel = exercises.get(exercise_id).facilitator(self.store, self.room, self.tr)
            panel.set_moderating(True)
            panel.set_revealed(revealed(self.room.state, exercise_id))
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
        panel = self.panel(self.current)
        panel.set_revealed(revealed(self.room.state, self.current))
        panel.refresh()
        wanted = (self._cards[self.current],)
        if self.panel_slot.children != wanted:
            self.panel_slot.children = wanted

    def show_timer(self) -> None:
        self.timer.value = timer_html(self.tr, self.room.state, self.current)

    # -- the facilitator's actions ---------------------------------------------------------------------
    def toggle_phase(self, exercise_id: str = exercises.DEFAULT_EXERCISE) -> None:
        """Open ``exercise_id`` (closing any other), or close it when it is the open one. Opening a workshop puts
        its slide (title, question, timer) on the projector."""
        def change(state: dict) -> dict:
            if open_phase(state) == exercise_id:
                return {**state, "phase": ""}
            return slides.with_slide({**state, "phase": exercise_id}, f"open:{exercise_id}")

        self.store.change_room_state(self.room.id, change)
        self.refresh()

    def on_key(self, command: str) -> None:
        """A presenter's key (or the console's buttons): next, previous, blank, reveal, timer."""
        if command in ("reveal", "timer"):
            return self.toggle_reveal() if command == "reveal" else self.toggle_timer()
        self.store.change_room_state(self.room.id, lambda state: presenter_change(state, command))
        self.refresh()

    def show_slide(self, slide: str) -> None:
        if getattr(self, "_picking", False) or not slide:
            return
        self.store.change_room_state(self.room.id, lambda state: slides.with_slide(state, slide))
        self.refresh()

    def toggle_reveal(self) -> None:
        ex = self.current
        self.store.change_room_state(self.room.id,
                                     lambda state: with_workshop(state, ex, revealed=not revealed(state, ex)))
        self.refresh()

    def toggle_timer(self) -> None:
        ex, minutes = self.current, self.minutes.value

        def change(state: dict) -> dict:
            end = None if timer_end(state, ex) else time.time() + 60 * minutes
            return with_workshop({**state, "timer_minutes": minutes}, ex, timer_end=end)

        self.store.change_room_state(self.room.id, change)
        self.refresh()

    def set_anonymous(self, on: bool) -> None:
        if anonymous(self.store.room(self.room.id).state) != on:
            self.store.update_room_state(self.room.id, anonymous=bool(on))
            self.refresh()

    def _ask_close(self, asking: bool) -> None:
        self.close_confirm.layout.display = "" if asking else "none"
        self.toggle.layout.display = "none" if asking else ""

    def toggle_room(self, confirmed: bool = False) -> None:
        """Reopen a closed room at once; closing an open one asks first (``confirmed``: the second click)."""
        room = self.store.room(self.room.id)
        if room.is_open and not confirmed:
            return self._ask_close(True)
        self._ask_close(False)
        self.store.set_room_status(room.id, "closed" if room.is_open else "open")
        self.refresh()

    def new_personal_link(self) -> None:
        """A new personal link (and its QR code) for the participant picked: the old one stops working."""
        person = int(self.person.value or 0)
        if not person:
            self.person_link.value = f"<p class='cl-notice cl-notice-error'>{esc(self.tr('console.person_choose'))}</p>"
            return
        try:
            token = self.store.reset_participant_token(self.room.id, person)
        except StoreError as exc:
            self.person_link.value = f"<p class='cl-notice cl-notice-error'>{esc(self.tr(exc.key, **exc.kwargs))}</p>"
            return
        from widgets.apps.welcome_page import PARTICIPANT_NOTEBOOK

        link = self.page.link(PARTICIPANT_NOTEBOOK, room=self.room.code, me=token)
        self.person_link.value = (
            f"<p class='cl-notice cl-notice-ok'>{esc(self.tr('console.person_done'))}</p>"
            f"<div class='cl-qr cl-qr-small' role='img' aria-label='{esc(self.tr('console.person_qr'))}'>{qr_svg(link)}</div>"
            f"<p class='cl-secret cl-person-link'>{esc(link)}</p>")
