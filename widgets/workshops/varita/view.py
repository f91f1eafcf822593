"""Workshop "Diseñar la experiencia" (the magic wand): the participant page and the facilitator panel."""

from __future__ import annotations

import ipywidgets as W
import pandas as pd

from widgets.workshops.varita import model as varita
from widgets.ui.chartwidget import Chart
from widgets.ui.charts import copy_figure
from widgets.workshops.varita.charts import emotion_curve, fans_gauge, gain_dumbbell, ideas_matrix
from widgets.workshops.feliz.model import FACES, RatingError
from widgets.ui import pick
from widgets.ui.pick import Pick
from widgets.i18n import Translator
from widgets.kits import model as kits
from widgets.room.store import Participant, Room, Store, StoreError
from widgets.ui.text import TextError, esc
from widgets.ui.panel import Revealable
from widgets.room.phases import anonymous
from widgets.ui.rows import Action, Rows, row
from widgets.ui.blocks import Notice, card, html, icon, pager_labels
from widgets.ui.wall import Wall

REFUSALS = (StoreError, TextError, RatingError)


def _mark_count(done: int, of: int) -> str:
    """"2 / 5", with the check mark once everyone is done."""
    return (icon("check") if of and done >= of else "") + f"{done} / {of}"


def _mark(done: bool, tr: Translator) -> str:
    """A progress table's cell: a check mark (an icon, not an emoji) or a dash, each with its word for screen
    readers."""
    if done:
        return f"<td class='cl-done'>{icon('check')}<span class='cl-sr'>{esc(tr('progress.done'))}</span></td>"
    return f"<td class='cl-pending'>–<span class='cl-sr'>{esc(tr('progress.pending'))}</span></td>"


def _scale(tr: Translator, description: str, faces: bool = False) -> Pick:
    return pick.faces(tr, description) if faces else pick.numbers(tr, description)


def team_journey(store: Store, room: Room, team: str) -> list[dict]:
    return team_journeys(store, room, [team], store.team_items(room.id, varita.EXERCISE, team))[team]


def team_journeys(store: Store, room: Room, teams: list[str], items: pd.DataFrame | None = None) -> dict[str, list[dict]]:
    """Each team's journey (the industry template until the team edits it), from one query."""
    if items is None:
        items = store.team_items(room.id, varita.EXERCISE)
    saved = {t: v for t, i, v in zip(items["team"], items["item"], items["value"]) if i == varita.JOURNEY}
    return {t: saved[t] if t in saved else varita.journey_from_template(kits.of_room(store, room).touchpoints(room.lang))
            for t in teams}


class VaritaParticipant(W.VBox):
    """Five steps: the team's journey, today's emotions, magic-wand ideas, the team vote, the result."""

    def __init__(self, store: Store, room: Room, participant: Participant, tr: Translator):
        super().__init__()
        self.add_class("cl-varita")
        self.store, self.room, self.participant, self.tr = store, room, participant, tr
        self.notice = Notice()
        self.steps = pick.steps(tr, "varita.step.", varita.STEPS, "journey")
        self.steps.add_class("cl-steps")
        self.steps.observe(lambda _c: self._show_step(), "value")
        self.enabled = True
        self._rendered_journey: list[dict] | None = None
        self._loading = False
        # step 1: journey
        self.journey_rows = W.VBox()
        self.new_tp = W.Text(placeholder=tr("varita.tp_placeholder"), layout=W.Layout(width="320px"))
        self.add_tp = W.Button(description=tr("varita.tp_add"), icon="plus")
        self.add_tp.on_click(lambda _b: self._journey_op(lambda j: varita.add_touchpoint(j, self.new_tp.value), clear=True))
        self.journey_notice = Notice()
        self.box_journey = card(html(f"<h2>{esc(tr('varita.step.journey'))}</h2><p>{esc(tr('varita.journey_intro'))}</p>"),
                                self.journey_rows, W.HBox([self.new_tp, self.add_tp], layout=W.Layout(flex_flow="row wrap")),
                                self.journey_notice)
        # step 2: today
        self.today_rows = W.VBox()
        self.today_widgets: dict[str, tuple] = {}
        self.curve = Chart(emotion_curve(varita.design([], pd.DataFrame(columns=["team", "item", "value"])), tr))
        self.box_today = card(html(f"<h2>{esc(tr('varita.step.today'))}</h2><p>{esc(tr('varita.today_intro'))}</p>"),
                              self.today_rows, self.curve)
        # step 3: magic wand
        self.idea_tp = W.Dropdown(description=tr("varita.idea_tp"), style={"description_width": "initial"})
        self.idea_text = W.Textarea(placeholder=tr("varita.idea_placeholder"), layout=W.Layout(width="100%", max_width="640px"))
        self.delight = _scale(tr, tr("varita.delight"))
        self.unique = _scale(tr, tr("varita.unique"))
        self.effort = _scale(tr, tr("varita.effort"))
        self.predicted = _scale(tr, tr("varita.predicted"), faces=True)
        self.add_idea = W.Button(description=tr("varita.idea_add"), icon="magic", button_style="primary")
        self.add_idea.on_click(lambda _b: self.submit_idea())
        self.wand_notice = Notice()
        self.my_ideas = Rows()
        self.my_ideas.on("remove", lambda item: self._remove_idea(item))
        self.box_wand = card(html(f"<h2>{esc(tr('varita.step.wand'))}</h2><p>{esc(tr('varita.wand_intro'))}</p>"),
                             self.idea_tp, self.idea_text, self.delight, self.unique, self.effort, self.predicted,
                             self.add_idea, self.wand_notice, html(f"<h3>{esc(tr('varita.my_ideas'))}</h3>"), self.my_ideas)
        # step 4: vote
        self.budget_label = html("", "cl-people", "cl-budget")
        # The team's ideas to vote on, in a stable order (journey, then posting): one Rows widget.
        self.vote_rows = Rows(page_size=10, labels=pager_labels(tr))
        self.vote_rows.on("plus", lambda key: self.vote(key, +1))
        self.vote_rows.on("minus", lambda key: self.vote(key, -1))
        self._row_error: tuple[str, str] | None = None
        self.box_vote = card(html(f"<h2>{esc(tr('varita.step.vote'))}</h2><p>{esc(tr('varita.vote_intro'))}</p>"),
                             self.budget_label, self.vote_rows)
        # step 5: result
        self.result_table = html("")
        self.fans = Chart(fans_gauge(None, None, tr))
        self.result_curve = Chart(self.curve)
        empty = varita.design([], pd.DataFrame(columns=["team", "item", "value"]))
        self.gain = Chart(gain_dumbbell(empty, tr))
        self.matrix = Chart(ideas_matrix([], {}, tr, quick_win=varita.quick_win))
        self.download = html("")
        self.download_button = W.Button(description=tr("varita.download"), icon="download")
        self.download_button.on_click(lambda _b: self.prepare_download())
        self.box_result = card(html(f"<h2>{esc(tr('varita.step.result'))}</h2><p>{esc(tr('varita.result_intro'))}</p>"),
                               self.result_table, self.fans, self.result_curve, self.gain, self.matrix,
                               W.HBox([self.download_button, self.download]))
        self.body = W.VBox()
        self.children = [html(f"<h2>{icon('magic')} {esc(tr('varita.title'))}</h2><p>{esc(tr('varita.intro'))}</p>"),
                         self.steps, self.body]
        self.ensure_journey()
        self.refresh()
        self._show_step()

    # -- data -------------------------------------------------------------------------------------
    def ensure_journey(self) -> None:
        template = varita.journey_from_template(kits.of_room(self.store, self.room).touchpoints(self.room.lang))
        try:
            self.store.update_team_item(self.participant, varita.EXERCISE, varita.JOURNEY, lambda v: v or template)
        except StoreError:
            pass  # a closed room: show the template read-only

    def _mine(self) -> pd.DataFrame:
        return self.store.responses(self.room.id, varita.EXERCISE, participant_id=self.participant.id)

    def _team(self) -> pd.DataFrame:
        df = self.store.responses(self.room.id, varita.EXERCISE)
        return df[df["team"] == self.participant.team]

    def refresh(self) -> None:
        """Redraw from the store (after our own change or a teammate's)."""
        self.room = self.store.room(self.room.id) or self.room
        self.journey = team_journey(self.store, self.room, self.participant.team)
        team = self._team()
        mine = team[team["participant_id"] == self.participant.id]
        if self.journey != self._rendered_journey:
            self._render_journey()
            self._render_today(mine)
            self._rendered_journey = [dict(tp) for tp in self.journey]
            chosen = self.idea_tp.value
            self.idea_tp.options = [(tp["name"], tp["id"]) for tp in self.journey]
            ids = [tp["id"] for tp in self.journey]
            self.idea_tp.value = chosen if chosen in ids else (ids[0] if ids else None)
        copy_figure(self.curve, emotion_curve(varita.design(self.journey, mine), self.tr))
        self._render_my_ideas(mine)
        self._render_votes(team)
        self._render_result(team)
        self.set_enabled(self.enabled)

    def _show_step(self) -> None:
        boxes = {"journey": self.box_journey, "today": self.box_today, "wand": self.box_wand,
                 "vote": self.box_vote, "result": self.box_result}
        for notice in (self.notice, self.journey_notice, self.wand_notice):
            notice.clear()  # what one step said is not left over in the next
        self._row_error = None
        self.body.children = [boxes[self.steps.value]]

    def _refuse(self, exc: Exception, notice: Notice | None = None, field=None) -> None:
        message = self.tr(exc.key, **getattr(exc, "kwargs", {}))
        self.notice.show("error", message)
        if notice is not None:
            notice.show("error", message, field=field)

    # -- step 1 -------------------------------------------------------------------------------------
    def _journey_op(self, op, clear: bool = False) -> bool:
        try:
            self.store.update_team_item(self.participant, varita.EXERCISE, varita.JOURNEY,
                                        lambda v: op(v or self.journey))
        except REFUSALS as exc:
            self._refuse(exc, self.journey_notice)
            return False
        self.notice.clear()
        self.journey_notice.clear()
        if clear:
            self.new_tp.value = ""
        self.refresh()
        return True

    def _render_journey(self) -> None:
        rows = []
        for i, tp in enumerate(self.journey):
            name = W.Text(value=tp["name"], continuous_update=False, layout=W.Layout(width="280px"))
            name.observe(lambda ch, tp_id=tp["id"]: self._journey_op(
                lambda j: varita.rename_touchpoint(j, tp_id, ch["new"])), "value")
            name.placeholder = self.tr("varita.tp_name", n=i + 1)  # its accessible name too
            up = W.Button(icon="arrow-up", tooltip=self.tr("varita.tp_up", name=tp["name"]))
            down = W.Button(icon="arrow-down", tooltip=self.tr("varita.tp_down", name=tp["name"]))
            remove = W.Button(icon="trash", tooltip=self.tr("varita.tp_remove", name=tp["name"]))
            for b in (up, down, remove):
                b.add_class("cl-icon-button")
            up.on_click(lambda _b, tp_id=tp["id"]: self._journey_op(lambda j: varita.move_touchpoint(j, tp_id, -1)))
            down.on_click(lambda _b, tp_id=tp["id"]: self._journey_op(lambda j: varita.move_touchpoint(j, tp_id, 1)))
            remove.on_click(lambda _b, tp_id=tp["id"]: self._journey_op(lambda j: varita.remove_touchpoint(j, tp_id)))
            row = W.HBox([html(f"<b>{i + 1}.</b>"), name, up, down, remove], layout=W.Layout(align_items="center"))
            row.add_class("cl-tp-edit")
            rows.append(row)
        self.journey_rows.children = rows

    # -- step 2 -------------------------------------------------------------------------------------
    def _render_today(self, mine: pd.DataFrame) -> None:
        saved = {r.item: r.value for r in mine.itertuples(index=False) if isinstance(r.value, dict)}
        rows, self.today_widgets = [], {}
        self._loading = True
        try:
            for tp in self.journey:
                enter = _scale(self.tr, self.tr("feliz.enter"), faces=True)
                leave = _scale(self.tr, self.tr("feliz.leave"), faces=True)
                enter.context = leave.context = tp["name"]
                frictions = W.Textarea(placeholder=self.tr("varita.frictions_placeholder"), continuous_update=False,
                                       layout=W.Layout(width="100%", max_width="640px", height="64px"))
                value = saved.get(varita.TODAY_PREFIX + tp["id"], {})
                enter.value, leave.value = value.get("enter"), value.get("leave")
                frictions.value = "\n".join(value.get("frictions", []))
                for w in (enter, leave, frictions):
                    w.observe(lambda _c, tp_id=tp["id"]: self._save_today(tp_id), "value")
                status = html("", "cl-saved", "cl-row-status")
                self.today_widgets[tp["id"]] = (enter, leave, frictions, status)
                row = W.VBox([html(f"<div class='cl-tp-name'>{esc(tp['name'])}</div>"),
                              W.HBox([enter, leave], layout=W.Layout(flex_flow="row wrap")), frictions, status])
                row.add_class("cl-row")
                rows.append(row)
        finally:
            self._loading = False
        self.today_rows.children = rows

    def _save_today(self, tp_id: str) -> None:
        if self._loading:
            return
        enter, leave, frictions, status = self.today_widgets[tp_id]
        try:
            value = varita.today_answer(enter.value, leave.value, frictions.value)
            self.store.save_response(self.participant, varita.EXERCISE, varita.TODAY_PREFIX + tp_id, value)
        except REFUSALS as exc:
            self._refuse(exc)
            status.value = f"<span class='cl-error' role='alert'>{esc(self.notice.message)}</span>"
            return
        self.notice.show("ok", self.tr("varita.saved"))
        status.value = esc("✓ " + self.tr("varita.saved"))
        copy_figure(self.curve, emotion_curve(varita.design(self.journey, self._mine()), self.tr))

    # -- step 3 -------------------------------------------------------------------------------------
    def submit_idea(self) -> None:
        """Add an idea; a refusal keeps everything typed and chosen."""
        try:
            if self.idea_tp.value is None:
                raise StoreError("varita.tp_choose")
            value = varita.idea_value(self.idea_tp.value, self.idea_text.value, self.delight.value,
                                      self.unique.value, self.effort.value, self.predicted.value)
            self.store.save_response(self.participant, varita.EXERCISE, varita.new_idea_item(), value)
        except REFUSALS as exc:
            ratings = (self.delight, self.unique, self.effort, self.predicted)
            field = {"varita.tp_choose": self.idea_tp,
                     "varita.rating_missing": next((w for w in ratings if w.value is None), None)}.get(
                exc.key, self.idea_text if exc.key.startswith("text.") else None)
            return self._refuse(exc, self.wand_notice, field)
        self.notice.show("ok", self.tr("varita.idea_saved"))
        self.wand_notice.show("ok", self.tr("varita.idea_saved"))
        self.idea_text.value = ""
        for w in (self.delight, self.unique, self.effort, self.predicted):
            w.value = None
        self.refresh()

    def _render_my_ideas(self, mine: pd.DataFrame) -> None:
        names = {tp["id"]: tp["name"] for tp in self.journey}
        rows = []
        for r in mine.itertuples(index=False):
            if not str(r.item).startswith(varita.IDEA_PREFIX):
                continue
            v = r.value
            scores = self.tr("varita.idea_scores", delight=v.get("delight"), unique=v.get("unique"),
                             effort=v.get("effort"), predicted=FACES.get(v.get("predicted"), ""))
            remove = Action("remove", self.tr("varita.idea_remove"), "trash", "",
                            self.tr("varita.idea_remove_for", idea=v.get("text", "")))
            rows.append(row(r.item, f"<b>{esc(names.get(v.get('tp'), '?'))}</b>: {esc(v.get('text', ''))} "
                                    f"<span class='cl-tp-hint'>({esc(scores)})</span>",
                            [remove] if self.enabled else [], cls="cl-my-idea"))
        self.my_ideas.show(rows or [row("none", f"<p class='cl-tp-hint'>{esc(self.tr('varita.no_ideas'))}</p>")])

    def _remove_idea(self, item: str) -> None:
        try:
            self.store.delete_response(self.participant, varita.EXERCISE, item)
        except REFUSALS as exc:
            return self._refuse(exc)
        self.refresh()

    # -- step 4 -------------------------------------------------------------------------------------
    def _my_votes(self) -> dict:
        mine = self._mine()
        row = mine[mine["item"] == varita.VOTES]
        return dict(row["value"].iloc[0]) if not row.empty else {}

    def vote(self, idea_key: str, delta: int) -> None:
        team = self._team()
        valid = {i.key for i in varita.ideas(team) if not i.hidden}
        try:
            new = varita.cast_vote(self._my_votes(), idea_key, delta, varita.budget(self.room.state), valid)
            self.store.save_response(self.participant, varita.EXERCISE, varita.VOTES, new)
        except REFUSALS as exc:
            self._refuse(exc)
            self._row_error = (idea_key, self.notice.message)  # said in the idea's own row
            return self._render_votes(team)
        self.notice.clear()
        self._row_error = None
        self.refresh()

    def _render_votes(self, team: pd.DataFrame) -> None:
        """The team's ideas in the journey's order, then in posting order (stable while people vote), with this
        person's own votes; their authors only in a named room."""
        mine = self._my_votes()
        budget = varita.budget(self.room.state)
        valid = {i.key for i in varita.ideas(team) if not i.hidden}
        self.budget_label.value = esc(self.tr("varita.budget", used=varita.votes_used(mine, valid), n=budget))
        names = {tp["id"]: tp["name"] for tp in self.journey}
        order = list(names)
        authors = not anonymous(self.room.state)
        rows = []
        for idea in sorted(varita.ideas(team), key=lambda i: order.index(i.tp) if i.tp in names else len(order)):
            if idea.hidden or idea.tp not in names:
                continue
            error = self._row_error[1] if self._row_error and self._row_error[0] == idea.key else ""
            by = f" <span class='cl-tp-hint'>— {esc(idea.name)}</span>" if authors else ""
            text = (f"<b>{esc(names[idea.tp])}</b>: {esc(idea.text)}{by}"
                    f"<div class='cl-my-votes'>{esc(self.tr('vacas.my_votes', n=mine.get(idea.key, 0)))}</div>"
                    + (f"<div class='cl-error' role='alert'>{esc(error)}</div>" if error else ""))
            minus, plus = self.tr("varita.vote_minus_for", idea=idea.text), self.tr("varita.vote_plus_for", idea=idea.text)
            actions = [Action("minus", "−", "", minus, minus), Action("plus", "+", "", plus, plus)] if self.enabled else []
            rows.append(row(idea.key, text, actions, cls="cl-vote-row"))
        self.vote_rows.show(rows or [row("none", f"<p class='cl-tp-hint'>{esc(self.tr('varita.no_team_ideas'))}</p>")])

    # -- step 5 -------------------------------------------------------------------------------------
    def _render_result(self, team: pd.DataFrame) -> None:
        table = varita.design(self.journey, team)
        self.design_table = table
        rows = "".join(
            f"<tr><td>{esc(r.label)}</td><td>{esc(r.idea) if r.idea else '–'}</td><td>{r.votes}</td>"
            f"<td>{_fmt(r.leave)} → {_fmt(r.designed)}</td></tr>"
            for r in table.itertuples(index=False)
        )
        self.result_table.value = (
            f"<table class='cl-table'><tr><th>{esc(self.tr('export.col.item'))}</th><th>{esc(self.tr('varita.chosen'))}</th>"
            f"<th>{esc(self.tr('varita.votes'))}</th><th>{esc(self.tr('varita.leave_change'))}</th></tr>{rows}</table>"
        )
        today_share = varita.fans_share(table, "leave")
        designed_share = varita.fans_share(table, "designed")
        copy_figure(self.fans, fans_gauge(today_share, designed_share, self.tr))
        copy_figure(self.result_curve, emotion_curve(table, self.tr, title=self.tr("varita.chart.curve_title")))
        copy_figure(self.gain, gain_dumbbell(table, self.tr, title=self.tr("varita.chart.gain_title")))
        totals = varita.vote_totals(team)
        copy_figure(self.matrix, ideas_matrix([i for i in varita.ideas(team) if not i.hidden], totals, self.tr,
                                              title=self.tr("varita.chart.matrix_title"), quick_win=varita.quick_win))

    def prepare_download(self) -> None:
        from widgets.export import file_name
        from widgets.apps.export_view import download_link
        from widgets.report import team_design_html

        page = team_design_html(self.store, self.room, self.participant.team).encode("utf-8")
        self.download.value = download_link(page, f"{file_name(self.participant.team, self.room.code)}.html",
                                            "text/html", self.tr("varita.download_ready"), "cl-dl-team")

    def set_enabled(self, enabled: bool) -> None:
        changed = enabled != self.enabled
        self.enabled = enabled
        if changed:
            self._render_votes(self._team())
            self._render_my_ideas(self._mine())
        for box in (self.journey_rows, self.today_rows):
            for w in _descendants(box):
                if hasattr(w, "disabled"):
                    w.disabled = not enabled
        for w in (self.new_tp, self.add_tp, self.idea_tp, self.idea_text, self.delight, self.unique, self.effort,
                  self.predicted, self.add_idea):
            w.disabled = not enabled


def _fmt(v: float) -> str:
    return "–" if pd.isna(v) else f"{v:.1f}"


def _descendants(widget):
    for child in getattr(widget, "children", ()):
        yield child
        yield from _descendants(child)


class VaritaFacilitator(Revealable, W.VBox):
    """Per team or for the whole room: curves, gains, most voted ideas, who finished which step."""

    ROOM = "__room__"

    def __init__(self, store: Store, room: Room, tr: Translator):
        super().__init__()
        self.store, self.room, self.tr = store, room, tr
        self.team = W.Dropdown(description=tr("varita.fac_team"), options=[(tr("varita.fac_room"), self.ROOM)],
                               value=self.ROOM, style={"description_width": "initial"})
        self.team.observe(lambda _c: self.refresh(), "value")
        self.budget = W.BoundedIntText(value=varita.budget(room.state), min=1, max=50,
                                       description=tr("varita.fac_budget"), style={"description_width": "initial"},
                                       layout=W.Layout(width="260px"))
        self.budget_button = W.Button(description=tr("varita.fac_budget_save"), icon="check")
        self.budget_button.on_click(lambda _b: self.save_budget())
        self.progress = html("")
        self.top = html("")
        empty = varita.design([], pd.DataFrame(columns=["team", "item", "value"]))
        self.curve = Chart(emotion_curve(empty, tr))
        self.gain = Chart(gain_dumbbell(empty, tr))
        self.fans = Chart(fans_gauge(None, None, tr))
        self.wall = self.moderated_wall = Wall(tr, self.hide, tr("varita.fac_wall"))
        self.gate(tr, W.VBox([self.fans, self.curve, self.gain, self.top]))
        self.controls = W.HBox([self.budget, self.budget_button], layout=W.Layout(flex_flow="row wrap"))
        self.children = [html(f"<h2>{icon('magic')} {esc(tr('varita.title'))}</h2>"), self.controls, self.progress, self.team,
                         self.results_slot, self.wall]
        self.set_revealed(False)
        self.refresh()

    def set_moderating(self, moderating: bool) -> None:
        self.controls.layout.display = "" if moderating else "none"
        super().set_moderating(moderating)

    def hide(self, response_id: int, hidden: bool) -> None:
        self.store.set_hidden(self.room.id, response_id, hidden)
        self.refresh()

    def save_budget(self) -> None:
        self.room = self.store.update_room_state(self.room.id, vote_budget=int(self.budget.value))

    def stage_part(self, part: str) -> W.Widget | None:
        return {"fans": self.fans, "curve": self.curve, "gain": self.gain, "top": self.top,
                "ideas": self.wall.list}.get(part)

    def counts(self) -> tuple[int, int]:
        """(how many have answered, how many are in the room)."""
        return self.answering, self.people

    def refresh(self) -> None:
        self.room = self.store.room(self.room.id) or self.room
        responses = self.store.responses(self.room.id, varita.EXERCISE)
        people = self.store.participants(self.room.id)
        self.answering = int(responses["participant_id"].nunique()) if not responses.empty else 0
        self.people = len(people)
        teams = sorted(set(people["team"]), key=str.casefold)
        options = [(self.tr("varita.fac_room"), self.ROOM)] + [(t, t) for t in teams]
        if list(self.team.options) != options:
            current = self.team.value
            self.team.options = options
            self.team.value = current if current in dict(options).values() else self.ROOM
        journeys = team_journeys(self.store, self.room, teams)
        progress = varita.team_progress(journeys, responses, people)
        self.progress_table = progress
        head = "".join(f"<th>{esc(self.tr('varita.step.' + s))}</th>" for s in varita.STEPS[:4])
        body = "".join(
            f"<tr><td>{esc(r.team)}</td>{_mark(r.journey, self.tr)}"
            f"<td>{_mark_count(r.today, r.members)}</td>"
            f"<td>{esc(self.tr('varita.ideas_count', n=r.wand))}</td>"
            f"<td>{_mark_count(r.vote, r.members)}</td></tr>"
            for r in progress.itertuples(index=False)
        )
        self.progress.value = f"<table class='cl-table'><tr><th></th>{head}</tr>{body}</table>"
        team = None if self.team.value == self.ROOM else self.team.value
        journey = journeys.get(team) if team else varita.journey_from_template(kits.of_room(self.store, self.room).touchpoints(self.room.lang))
        table = varita.design(journey or [], responses, team)
        self.table = table
        label = team or self.tr("varita.fac_room")
        copy_figure(self.curve, emotion_curve(table, self.tr, title=self.tr("varita.chart.curve_title_for", who=label)))
        copy_figure(self.gain, gain_dumbbell(table, self.tr, title=self.tr("varita.chart.gain_title")))
        copy_figure(self.fans, fans_gauge(varita.fans_share(table, "leave"), varita.fans_share(table, "designed"), self.tr))
        scope = responses if team is None else responses[responses["team"] == team]
        totals = varita.vote_totals(scope)
        idea_list = [i for i in varita.ideas(scope) if not i.hidden]
        best = sorted(idea_list, key=lambda i: (-totals.get(i.key, 0), -i.delight, i.effort))[:8]
        names = {tp["id"]: tp["name"] for j in journeys.values() for tp in j}
        items = "".join(
            f"<li><b>{totals.get(i.key, 0)}</b> · {esc(i.text)} <span class='cl-tp-hint'>({esc(i.team)} · "
            f"{esc(names.get(i.tp, i.tp))})</span></li>"
            for i in best if totals.get(i.key, 0) > 0
        )
        self.top.value = f"<h3>{esc(self.tr('varita.fac_top'))}</h3><ol class='cl-people'>{items}</ol>" if items else ""
        wall_rows = responses[responses["item"].str.startswith(varita.IDEA_PREFIX)] if not responses.empty else responses
        if team is not None and not wall_rows.empty:
            wall_rows = wall_rows[wall_rows["team"] == team]
        self.wall.update(authors=self.authors_shown, entries=pd.DataFrame({
            "id": wall_rows["id"] if not wall_rows.empty else [],
            "name": wall_rows["name"] if not wall_rows.empty else [],
            "team": wall_rows["team"] if not wall_rows.empty else [],
            "text": [v.get("text", "") for v in wall_rows["value"]] if not wall_rows.empty else [],
            "hidden": wall_rows["hidden"] if not wall_rows.empty else [],
        }))
