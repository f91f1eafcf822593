"""Exercise "¿Sale más feliz de lo que entró?": the participant page and the facilitator panel."""

from __future__ import annotations

import ipywidgets as W

from widgets.workshops.feliz import model as feliz
from widgets.ui.chartwidget import Chart
from widgets.ui.charts import copy_figure
from widgets.workshops.feliz.charts import happiness_dumbbell
from widgets.ui import pick
from widgets.ui.pick import Pick, faces
from widgets.i18n import Translator
from widgets.kits import model as kits
from widgets.room.store import Participant, Room, Store, StoreError
from widgets.ui.text import TextError, esc
from widgets.ui.panel import Revealable
from widgets.ui.blocks import Notice, card, html
from widgets.ui.wall import Wall


def saved_text(tr: Translator, touchpoint: str, value: dict) -> str:
    """A touchpoint's confirmation, saying what was stored: "✓ Guardado: Reserva de mesa · al entrar: Contento ·
    al salir: sin responder" (the same touchpoint saved twice reads differently when its answer changed)."""
    def face(v):
        return tr(f"feliz.scale.{v}") if v else tr("feliz.not_rated")

    return "✓ " + tr("feliz.saved", touchpoint=touchpoint) + " · " + tr(
        "feliz.saved_values", enter=face(value.get("enter")), leave=face(value.get("leave")))


STEPS = ("rate", "chart", "idea")


def _scale(tr: Translator, description: str) -> Pick:
    return faces(tr, description)


class FelizParticipant(W.VBox):
    """One row per touchpoint (entering / leaving faces), saved on every click, and the own chart."""

    def __init__(self, store: Store, room: Room, participant: Participant, tr: Translator):
        super().__init__()
        self.add_class("cl-feliz")
        self.store, self.room, self.participant, self.tr = store, room, participant, tr
        self.journey = kits.of_room(store, room).touchpoints(tr.lang)
        self.notice = Notice()
        self.net = html("", "cl-net")
        self._loading = False
        self.enter: dict[str, Pick] = {}
        self.leave: dict[str, Pick] = {}
        #: Each touchpoint's own line saying it was saved (or why not), right under its faces.
        self.status: dict[str, W.HTML] = {}
        self._last = self.journey[0].id if self.journey else ""
        rows = []
        for tp in self.journey:
            self.enter[tp.id] = _scale(tr, tr("feliz.enter"))
            self.leave[tp.id] = _scale(tr, tr("feliz.leave"))
            for w in (self.enter[tp.id], self.leave[tp.id]):
                w.context = tp.name  # "Furioso, 1 de 5, al entrar, Reserva de mesa" to a screen reader
                w.observe(lambda ch, tp_id=tp.id: self._changed(tp_id), "value")
            label = html(
                f'<div class="cl-tp-name">{esc(tp.name)}</div><div class="cl-tp-hint">{esc(tp.hint)}</div>'
            )
            self.status[tp.id] = html("", "cl-saved", "cl-row-status")
            row = W.VBox([label, W.HBox([self.enter[tp.id], self.leave[tp.id]], layout=W.Layout(flex_flow="row wrap")),
                          self.status[tp.id]])
            row.add_class("cl-row")
            rows.append(row)
        self.figure = Chart()  # drawn by load() below, with the answers it restores
        self.idea_text = W.Textarea(placeholder=tr("feliz.idea_placeholder"),
                                    layout=W.Layout(width="100%", max_width="640px", height="90px"))
        self.idea_button = W.Button(description=tr("feliz.idea_send"), icon="paper-plane", button_style="primary")
        self.idea_button.on_click(lambda _b: self.send_idea())
        self.idea_notice = Notice()
        # Three steps, one on screen at a time: seven touchpoints' faces, a chart and a form were one page four
        # phone screens long.
        self.steps = pick.steps(tr, "feliz.step.", STEPS, "rate")
        self.steps.add_class("cl-steps")
        self.steps.observe(lambda _c: self._show_step(), "value")
        self.boxes = {
            "rate": W.VBox([
                html("<p class='cl-tp-hint'>" + " · ".join(
                    f"<span class='cl-emoji'>{feliz.FACES[v]}</span> {esc(tr(f'feliz.scale.{v}').lower())}"
                    for v in feliz.SCALE) + f". {esc(tr('feliz.click_saves'))}</p>"),
                card(*rows), self._next_button("chart")]),
            "chart": W.VBox([card(html(f"<h2>{esc(tr('feliz.own_chart'))}</h2>"), self.net, self.figure),
                             self._next_button("idea")]),
            "idea": card(html(f"<h2>{esc(tr('feliz.idea_title'))}</h2><p>{esc(tr('feliz.idea_intro'))}</p>"),
                         self.idea_text, self.idea_button, self.idea_notice),
        }
        self.body = W.VBox()
        self.children = [
            html(f"<h2>{esc(tr('feliz.title'))}</h2><p>{esc(tr('feliz.intro'))}</p>"),
            self.steps, self.notice, self.body,
        ]
        self._show_step()
        self.load()

    def _next_button(self, step: str) -> W.Button:
        """At the end of a step, a button to the next one (the steps' buttons are at the top of the page)."""
        number = STEPS.index(step) + 1
        button = W.Button(description=self.tr("steps.next", step=f"{number}. {self.tr('feliz.step.' + step)}"),
                          icon="arrow-right", button_style="primary")
        button.on_click(lambda _b: setattr(self.steps, "value", step))
        return button

    def _show_step(self) -> None:
        self.body.children = [self.boxes[self.steps.value]]

    @property
    def saved(self) -> W.HTML:
        """The status line of the touchpoint rated last."""
        return self.status[self._last]

    # -- state ----------------------------------------------------------------------------------
    def _own(self):
        return self.store.responses(self.room.id, feliz.EXERCISE, participant_id=self.participant.id)

    def load(self, df=None) -> None:
        """Show the answers already saved (rejoining, reload, another tab)."""
        df = self._own() if df is None else df
        self._loading = True
        try:
            for rec in df.itertuples(index=False):
                if rec.item == feliz.IDEA_ITEM and isinstance(rec.value, dict):
                    self.idea_text.value = rec.value.get("text", "")
                if rec.item in self.enter and isinstance(rec.value, dict):
                    self.enter[rec.item].value = rec.value.get("enter")
                    self.leave[rec.item].value = rec.value.get("leave")
        finally:
            self._loading = False
        self._redraw(df)

    def _changed(self, tp_id: str) -> None:
        """Save a touchpoint's faces; what happened is said on that touchpoint's own line."""
        if self._loading:
            return
        self._last = tp_id
        status = self.status[tp_id]
        try:
            value = feliz.answer(self.enter[tp_id].value, self.leave[tp_id].value)
            self.store.save_response(self.participant, feliz.EXERCISE, tp_id, value)
        except feliz.RatingError:
            status.value = f"<span class='cl-error' role='alert'>{esc(self.tr(feliz.RatingError.key))}</span>"
            return
        except StoreError as exc:
            status.value = f"<span class='cl-error' role='alert'>{esc(self.tr(exc.key, **exc.kwargs))}</span>"
            return
        name = next(tp.name for tp in self.journey if tp.id == tp_id)
        status.value = esc(saved_text(self.tr, name, value))
        self._redraw()

    def send_idea(self) -> None:
        """Save the idea; a refusal keeps the text in the box so nothing typed is lost."""
        try:
            value = feliz.idea(self.idea_text.value)
            self.store.save_response(self.participant, feliz.EXERCISE, feliz.IDEA_ITEM, value)
        except (TextError, StoreError) as exc:
            self.idea_notice.show("error", self.tr(exc.key, **exc.kwargs), field=self.idea_text)
            return
        self.idea_notice.show("ok", self.tr("feliz.idea_saved"))

    def set_enabled(self, enabled: bool) -> None:
        for w in list(self.enter.values()) + list(self.leave.values()) + [self.idea_text, self.idea_button]:
            w.disabled = not enabled

    # -- chart ----------------------------------------------------------------------------------
    def _figure(self, df=None):
        df = self._own() if df is None else df
        self.summary = feliz.summarize(df, self.journey)
        return happiness_dumbbell(self.summary, self.tr)

    def _redraw(self, df=None) -> None:
        copy_figure(self.figure, self._figure(df))
        total, count = feliz.net_change(self.summary)
        if count == 0:
            self.net.value = esc(self.tr("feliz.net_none"))
        else:
            key = "feliz.net_up" if total > 0 else ("feliz.net_down" if total < 0 else "feliz.net_flat")
            self.net.value = f"<span class='cl-big-number'>{total:+.0f}</span> " + esc(
                self.tr(key, n=count)
            )


class FelizFacilitator(Revealable, W.VBox):
    """The room's aggregated before/after chart, redrawn in place on every change."""

    def __init__(self, store: Store, room: Room, tr: Translator):
        super().__init__()
        self.store, self.room, self.tr = store, room, tr
        self.journey = kits.of_room(store, room).touchpoints(tr.lang)
        self.status = html("", "cl-people")
        self.who = html("", "cl-who")
        self.alerts = html("")
        self.figure = Chart(self._figure())
        self.wall = self.moderated_wall = Wall(tr, self.hide, tr("feliz.wall_title"))
        self.gate(tr, W.VBox([self.figure, self.alerts]))
        self.children = [
            html(f"<h2>{esc(tr('feliz.title'))}</h2>"),
            self.status,
            self.who,
            self.results_slot,
            self.wall,
        ]
        self.set_revealed(False)
        self.refresh()

    def hide(self, response_id: int, hidden: bool) -> None:
        self.store.set_hidden(self.room.id, response_id, hidden)
        self.refresh()

    def stage_part(self, part: str) -> W.Widget | None:
        return {"chart": self.figure, "ideas": self.wall.list}.get(part)

    def counts(self) -> tuple[int, int]:
        """(how many have answered, how many are in the room)."""
        return self.answering, self.people

    def _figure(self):
        df = self.store.responses(self.room.id, feliz.EXERCISE)
        self.ideas = feliz.ideas(df)
        self.summary = feliz.summarize(df, self.journey)
        done = feliz.completed(df, self.journey)
        self.done = int(done.sum())
        finished = set(done[done].index)
        people = self.store.participants(self.room.id)
        self.people = len(people)
        self.pending = [n for i, n in zip(people["id"], people["name"]) if i not in finished]
        self.answering = int(df["participant_id"].nunique()) if not df.empty else 0
        return happiness_dumbbell(self.summary, self.tr, title=self.tr("feliz.room_chart"), spread=True)

    def refresh(self) -> None:
        self.room = self.store.room(self.room.id) or self.room
        copy_figure(self.figure, self._figure())
        self.wall.update(self.ideas, authors=self.authors_shown)
        self.status.value = esc(self.tr("feliz.progress", n=self.answering, done=self.done))
        self.who.value = self.missing(self.pending, "feliz.pending")
        worse = self.summary[self.summary["worse"]]
        if worse.empty:
            self.alerts.value = ""
        else:
            items = "".join(
                f"<li><b>{esc(r.label)}</b>: {r.enter_mean:.1f} → {r.leave_mean:.1f}</li>"
                for r in worse.itertuples(index=False)
            )
            self.alerts.value = (
                f"<div class='cl-notice cl-notice-error'>{esc(self.tr('feliz.worse_title'))}<ul>{items}</ul></div>"
            )
