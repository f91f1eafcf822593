"""The participant's side of every workshop: join a room (or come back to it), then do the exercise."""

from __future__ import annotations

import time

import ipywidgets as W

from widgets.workshops import registry as exercises
from widgets.ui.browser import BrowserBridge
from widgets.i18n import Translator
from widgets.room.live import RoomWatcher
from widgets.room.phases import open_phase, revealed
from widgets.serving.page import Page
from widgets.room.ratelimit import CodeGuard
from widgets.room.saving import SaveStatus, SavingStore, clear_busy_notices
from widgets.room.store import Participant, Room, Store, StoreError, new_secret, normalize_code
from widgets.room.schema import CODE_LENGTH
from widgets.ui.text import esc, shown_code
from widgets.ui.blocks import Notice, card, field_for, html, icon, speaks, timer_html

HEARTBEAT_SECONDS = 20
REDRAW_SECONDS = 1.5


def code_message(tr: Translator, raw: str) -> str:
    """What to say of a typed code that no room can have: six letters and digits are read as a code that does
    not exist (some letters look alike: "B" for "8"); anything else does not look like a code."""
    shown = shown_code(raw)
    if len(shown) == CODE_LENGTH:
        return tr("join.unknown_room", code=shown)
    return tr("join.code_malformed", code=shown)


class JoinForm(W.VBox):
    """Room code, display name and team. Calls ``on_joined(room, participant, token)`` on success.

    Every code lookup goes through ``guard`` (this page's limits on guessing codes)."""

    def __init__(self, store: Store, tr: Translator, on_joined, code: str = "", session_id: str = "",
                 guard: CodeGuard | None = None):
        super().__init__()
        self.store, self.tr, self.on_joined, self.session_id = store, tr, on_joined, session_id
        self.guard = guard or CodeGuard(store)
        wide = W.Layout(width="100%", max_width="420px")
        self.code = W.Text(value=code, placeholder=tr("join.code_placeholder"), description=tr("join.code"),
                           style={"description_width": "120px"}, layout=wide)
        self.name = W.Text(placeholder=tr("join.name_placeholder"), description=tr("join.name"),
                           style={"description_width": "120px"}, layout=wide)
        self.team = W.Combobox(placeholder=tr("join.team_placeholder"), description=tr("join.team"),
                               options=[], ensure_option=False,
                               style={"description_width": "120px"}, layout=wide)
        self.button = W.Button(description=tr("join.button"), button_style="primary", icon="sign-in")
        self.notice = Notice()
        self.button.on_click(lambda _b: self.submit())
        self.code.observe(lambda _c: self._load_teams(), "value")
        self._load_teams()
        self.children = [
            html(f"<h2>{esc(tr('join.title'))}</h2><p>{esc(tr('join.intro'))}</p>"),
            self.code, self.name, self.team, self.button, self.notice,
        ]

    def _load_teams(self) -> None:
        try:
            room = self.guard.lookup(self.code.value)
        except StoreError:
            room = None  # said when Join is pressed
        if room is None:
            self.team.options = []
            return
        teams = sorted(set(self.store.participants(room.id)["team"]), key=str.casefold)
        self.team.options = teams

    def submit(self) -> None:
        """Join with what is typed; every refusal leaves the fields as they are."""
        code = normalize_code(self.code.value)
        if not self.code.value.strip():
            return self.notice.show("error", self.tr("join.code_empty"), field=self.code)
        if code is None:
            return self.notice.show("error", code_message(self.tr, self.code.value), field=self.code)
        try:
            room = self.guard.lookup(code)
        except StoreError as exc:
            return self.notice.show("error", self.tr(exc.key, **exc.kwargs), field=self.code)
        tr = Translator(room.lang)
        try:
            participant, token = self.store.join(room, self.name.value, self.team.value, self.session_id)
        except StoreError as exc:
            fields = {"join.name": self.name, "join.team": self.team, "join.token": self.name}
            return self.notice.show("error", tr(exc.key, **exc.kwargs), field=field_for(exc.key, fields))
        self.notice.clear()
        self.on_joined(room, participant, token)


class ParticipantApp(W.VBox):
    """Everything a participant sees: the join form, then the exercise, kept live."""

    def __init__(self, store: Store, page: Page, exercise: str | None = None, on_entered=None):
        super().__init__()
        self.add_class("cl-app")
        self.store, self.page = store, page
        #: The exercise this page is dedicated to (None: follow whichever the facilitator opens).
        self.fixed = exercise or page.get("exercise") or None
        self.views: dict = {}
        self.session_id = new_secret()
        self.bridge = BrowserBridge()
        self.tr = Translator(page.get("lang"))
        speaks(self, self.tr.lang)
        self.notice = Notice()
        self.header = html("", "cl-participant-head")
        self.footer = html("")
        self.timer = html("", "cl-timer")
        self.results_note = html("", "cl-live", "cl-sr")
        self._results_shown: bool | None = None
        self.body = W.VBox()
        self.body.add_class("cl-body")
        #: Called once the participant is in the room (the welcome page then drops the facilitator's forms).
        self.on_entered = on_entered
        self.room: Room | None = None
        self.participant: Participant | None = None
        self.watcher: RoomWatcher | None = None
        self.guard = CodeGuard(store)
        #: Says whether the last answers are stored (busy database, not saved + retry); views write through it.
        self.save_status = SaveStatus(store, self.tr)
        self.save_status.after_retry = self.show_stored
        self.saving = SavingStore(store, self.save_status)
        self.children = [self.bridge, self.header, self.timer, self.notice, self.results_note, self.body, self.save_status,
                         self.footer]
        self.start()

    def start(self) -> None:
        raw_code = self.page.get("room")
        token = self.page.get("me")
        room = None
        try:
            room = self.guard.lookup(raw_code) if raw_code else None
        except StoreError as exc:
            self.notice.show("error", self.tr(exc.key, **exc.kwargs))
        else:
            if raw_code and room is None:
                self.notice.show("error", code_message(self.tr, raw_code))
        if room is not None:
            self.tr = Translator(room.lang)
            speaks(self, self.tr.lang)
            if token:
                participant = self.store.participant_by_token(room, token)
                if participant is not None:
                    return self.enter(room, participant, token)
                self.notice.show("error", self.tr("join.token_unknown"))
        self.form = JoinForm(self.store, self.tr, self.enter, code=room.code if room else "",
                             session_id=self.session_id, guard=self.guard)
        self.body.children = [card(self.form)]

    def enter(self, room: Room, participant: Participant, token: str) -> None:
        """Show the exercise for a joined participant and start following the room live."""
        self.room, self.participant = room, participant
        self.tr = Translator(room.lang)
        speaks(self, self.tr.lang)
        self.save_status.translate(self.tr)
        self.bridge.query = f"?room={room.code}&me={token}"
        other_tab = self.store.claim_session(participant, self.session_id)
        # A short header (a fifth of a phone's first screen at most): the page is for the workshop.
        self.header.value = (
            f"<h1>{esc(self.tr('participant.hello', name=participant.name))}</h1>"
            f"<p>{esc(self.tr('participant.where', room=room.name, team=participant.team))}</p>"
        )
        self.footer.value = f"<p class='cl-tp-hint'>{esc(self.tr('participant.bookmark'))}</p>"
        if other_tab:
            self.notice.show("info", self.tr("participant.other_tab_here"))
        else:
            self.notice.clear()
        self.waiting = card(html(f"<h2>{icon('hourglass-half')} {esc(self.tr('phase.waiting_title'))}</h2>"
                                 f"<p class='cl-people'>{esc(self.tr('phase.waiting'))}</p>"))
        self.waiting.add_class("cl-waiting")
        self.waiting.add_class("cl-focus-here")
        self.watcher = RoomWatcher(self.store, room.id, alive=self.bridge.present)
        self.watcher.version = self.store.room_version(room.id)
        self.watcher.subscribe(self.on_room_change)
        self.watcher.every(HEARTBEAT_SECONDS, self.heartbeat)
        self.watcher.every(1, self.show_timer)
        self.watcher.every(1, self.redraw_if_stale)
        self.watcher.start()
        self.show_phase(room)
        self.show_timer()
        if not room.is_open:
            self.on_room_change()
        if self.on_entered:
            self.on_entered()
        self.bridge.to_top()

    @property
    def view(self):
        """The view on screen (or the dedicated exercise's view), built on first use."""
        target = self.fixed or open_phase(self.room.state) or exercises.DEFAULT_EXERCISE
        return self._view_for(target)

    def _view_for(self, exercise_id: str):
        if exercise_id not in self.views:
            self.views[exercise_id] = exercises.get(exercise_id).participant(
                self.saving, self.room, self.participant, self.tr)
            self.views[exercise_id].add_class("cl-focus-here")  # shown after joining or a switch: focus its heading
        return self.views[exercise_id]

    def show_phase(self, room: Room) -> None:
        """The open exercise (if this page shows it), a waiting card otherwise."""
        current = open_phase(room.state)
        # said aloud (a live line) when the facilitator shows or hides this workshop's results
        shown = bool(current) and revealed(room.state, current)
        if self._results_shown is not None and shown != self._results_shown:
            self.results_note.value = esc(self.tr("results.now_shown" if shown else "results.now_hidden"))
        self._results_shown = shown
        if current and current in exercises.EXERCISES and (self.fixed in (None, current)):
            view = self._view_for(current)
            if hasattr(view, "refresh") and self.body.children and self.body.children[0] is view:
                self._stale = True  # someone else changed the room: redraw, at most every REDRAW_SECONDS
                self.redraw_if_stale()
            wanted = (view,)
        else:
            wanted = (self.waiting,)
        if self.body.children != wanted:
            switched = bool(self.body.children)
            self.body.children = wanted
            if switched:  # the facilitator opened another workshop: its top, not where the last one was scrolled
                self.bridge.to_top()
                if not self.save_status.pending:  # "Saved" spoke of the last workshop's answers
                    self.save_status.notice.clear()

    def redraw_if_stale(self, force: bool = False) -> None:
        """Redraw the open exercise after others' changes; throttled, so a busy room of 100 does not make
        every page redraw on every answer (the 1-second tick picks up what was left pending)."""
        if not getattr(self, "_stale", False):
            return
        now = time.monotonic()
        if not force and now - getattr(self, "_redrawn", 0.0) < REDRAW_SECONDS:
            return
        view = self.body.children[0] if self.body.children else None
        if view is not None and hasattr(view, "refresh") and view is not self.waiting:
            view.refresh()
        self._stale = False
        self._redrawn = now

    @property
    def current(self) -> str:
        """The workshop this page is about: its own, or the one the facilitator opened."""
        return self.fixed or open_phase(self.room.state) or exercises.DEFAULT_EXERCISE

    def show_timer(self) -> None:
        self.timer.value = timer_html(self.tr, self.room.state, self.current)

    def on_room_change(self) -> None:
        room = self.store.room(self.room.id)
        if room is None:
            return
        self.room = room
        self.show_phase(room)
        self.show_timer()
        if not room.is_open:
            for view in self.views.values():
                view.set_enabled(False)
            self.notice.show("info", self.tr("participant.room_closed"))
            return
        if self.store.active_session(self.participant.id) != self.session_id:
            for view in self.views.values():
                view.set_enabled(False)
            self.notice.show("info", self.tr("participant.moved_to_other_tab"))
            if self.watcher:
                self.watcher.stop()
            return
        if self.notice.kind == "info" and self.notice.message == self.tr("participant.room_closed"):
            self.notice.clear()
        for view in self.views.values():
            view.set_enabled(True)

    def show_stored(self) -> None:
        """After writes that had failed are saved by a retry: show what is stored, drop stale errors."""
        for view in self.views.values():
            reload = getattr(view, "load", None) or getattr(view, "refresh", None)
            if reload:
                reload()
            clear_busy_notices(view, self.tr)

    def heartbeat(self) -> None:
        self.store.touch(self.participant.id, self.session_id)
