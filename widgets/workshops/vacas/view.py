"""Workshop "Limpiar la casa" (the sacred-cow hunt): the participant page and the facilitator panel."""

from __future__ import annotations


import ipywidgets as W
import pandas as pd

from widgets.kits import model as kits
from widgets.workshops.vacas import model as vacas
from widgets.ui.chartwidget import Chart
from widgets.ui.charts import copy_figure
from widgets.workshops.vacas.charts import cow_leaderboard, cow_matrix, who_donut
from widgets.workshops.feliz.model import RatingError
from widgets.ui import pick
from widgets.ui.pick import Pick
from widgets.i18n import Translator
from widgets.room.phases import revealed
from widgets.room.store import Participant, Room, Store, StoreError
from widgets.ui.text import TextError, esc
from widgets.ui.panel import Revealable
from widgets.ui.rows import Action, Choice, Rows, row
from widgets.ui.blocks import Notice, card, field_for, html, icon, pager_labels

REFUSALS = (StoreError, TextError, RatingError)
STEPS = ("hunt", "vote", "plan")


def _choices(tr: Translator, prefix: str, values) -> list[tuple[str, object]]:
    return [(tr(f"{prefix}.{v}"), v) for v in values]


def _numbers(tr: Translator, description: str) -> Pick:
    return pick.numbers(tr, description)


def _table(df: pd.DataFrame, tr: Translator) -> str:
    if df.empty:
        return f"<p class='cl-tp-hint'>{esc(tr('vacas.plan_empty'))}</p>"
    rows = "".join(
        f"<tr><td>{esc(r.name)}</td><td>{esc(tr('vacas.decision.' + r.decision))}</td><td>{r.votes}</td>"
        f"<td>{esc(r.owner)}</td><td>{esc(r.step)}</td><td>{esc(r.due)}</td></tr>"
        for r in df.itertuples(index=False)
    )
    head = "".join(f"<th>{esc(tr(k))}</th>" for k in ("vacas.col.cow", "vacas.col.decision", "vacas.col.votes",
                                                       "vacas.col.owner", "vacas.col.step", "vacas.col.due"))
    return f"<table class='cl-table cl-plan'><tr>{head}</tr>{rows}</table>"


class VacasParticipant(W.VBox):
    """Hunt (post cows, with prompts and an industry catalog), vote and score, then see the plan.

    The voting list holds still while people vote: cows stay in the order they were posted (a new one joins at
    the end), never sorted by the room's totals, which would move rows under a finger and tell the ranking
    before the facilitator reveals it. It is one :class:`Rows` widget, a page of cows at a time."""

    #: Cows per page of the voting list on a phone.
    PAGE = 10

    def __init__(self, store: Store, room: Room, participant: Participant, tr: Translator):
        super().__init__()
        self.add_class("cl-vacas")
        self.store, self.room, self.participant, self.tr = store, room, participant, tr
        self.enabled = True
        #: The last thing that went wrong, said where it happened: the form's line, or the row voted on.
        self.notice = Notice()
        self.steps = pick.steps(tr, "vacas.step.", STEPS, "hunt")
        self.steps.add_class("cl-steps")
        self.steps.observe(lambda _c: self._show_step(), "value")
        # hunt
        self.kit = kits.of_room(store, room)
        self.catalog = self.kit.catalog(room.lang)
        self.pick = W.Dropdown(options=[(tr("vacas.pick_none"), -1)] + [(c["name"], i) for i, c in enumerate(self.catalog)],
                               value=-1, description=tr("vacas.pick"), style={"description_width": "initial"},
                               layout=W.Layout(width="100%", max_width="640px"))
        self.pick.observe(lambda _c: self._prefill(), "value")
        wide = W.Layout(width="100%", max_width="640px")
        self.name = W.Text(placeholder=tr("vacas.name_placeholder"), description=tr("vacas.name"),
                           style={"description_width": "initial"}, layout=wide)
        self.rule = W.Textarea(placeholder=tr("vacas.rule_placeholder"), layout=W.Layout(width="100%", max_width="640px"))
        self.kind = Pick(_choices(tr, "vacas.kind", vacas.KINDS), description=tr("vacas.kind_label"))
        self.who = Pick(_choices(tr, "vacas.who", vacas.WHO), description=tr("vacas.who_label"))
        self.how = Pick(_choices(tr, "vacas.how", vacas.HOW), description=tr("vacas.how_label"), multiple=True)
        self.freq = Pick(_choices(tr, "vacas.freq", vacas.FREQ), description=tr("vacas.freq_label"))
        self.post = W.Button(description=tr("vacas.post"), icon="bullhorn", button_style="primary")
        self.post.on_click(lambda _b: self.submit())
        self.hunt_notice = Notice()
        self.my_cows = Rows()
        self.my_cows.on("remove", lambda key: self._remove(vacas.COW_PREFIX + key.split(":", 1)[1]))
        prompts = "".join(f"<li>{esc(p)}</li>" for p in self.kit.prompts(room.lang))
        self.box_hunt = card(
            html(f"<h2>{esc(tr('vacas.step.hunt'))}</h2><p>{esc(tr('vacas.hunt_intro'))}</p><ul class='cl-prompts'>{prompts}</ul>"),
            self.pick, self.name, html(f"<b>{esc(tr('vacas.rule'))}</b>"), self.rule, self.kind, self.who, self.how,
            self.freq, self.post, self.hunt_notice, html(f"<h3>{esc(tr('vacas.my_cows'))}</h3>"), self.my_cows,
        )
        # vote and score
        self.budget_label = html("", "cl-people", "cl-budget")
        self.vote_rows = Rows(page_size=self.PAGE, labels=pager_labels(tr))
        self.vote_rows.on("plus", lambda key: self.vote(key, +1))
        self.vote_rows.on("minus", lambda key: self.vote(key, -1))
        self.vote_rows.on_choose(self._chosen)
        #: The row the last vote or score refusal belongs to, and its message (shown in that row).
        self._row_error: tuple[str, str] | None = None
        self._scores: dict[str, dict] = {}
        self.herd: list = []
        self.box_vote = card(html(f"<h2>{esc(tr('vacas.step.vote'))}</h2><p>{esc(tr('vacas.vote_intro'))}</p>"),
                             self.budget_label, self.vote_rows)
        # plan
        self.plan = html("")
        self.box_plan = card(html(f"<h2>{esc(tr('vacas.step.plan'))}</h2>"), self.plan)
        self.body = W.VBox()
        self.children = [html(f"<h2>{esc(tr('vacas.title'))}</h2><p>{esc(tr('vacas.intro'))}</p>"),
                         self.steps, self.body]
        self._show_step()
        self.refresh()

    def _show_step(self) -> None:
        self.hunt_notice.clear()  # what a step said stays with that step
        self._row_error = None
        self.body.children = [{"hunt": self.box_hunt, "vote": self.box_vote, "plan": self.box_plan}[self.steps.value]]
        if self.steps.value == "vote":
            self._render_votes(self._mine())

    def _refuse(self, exc: Exception, notice: Notice | None = None, fields: dict | None = None) -> None:
        message = self.tr(exc.key, **getattr(exc, "kwargs", {}))
        self.notice.show("error", message)
        (notice or self.hunt_notice).show("error", message, field=field_for(exc.key, fields or {}))

    def _prefill(self) -> None:
        if self.pick.value is None or self.pick.value < 0:
            return
        c = self.catalog[self.pick.value]
        self.name.value, self.rule.value, self.kind.value, self.who.value = c["name"], c["rule"], c["kind"], c["who"]
        self.how.value = [h for h in vacas.HOW if h in c["how"]]

    def submit(self) -> None:
        """Post a cow; a refusal keeps every field as typed, and says why right under the button."""
        try:
            value = vacas.cow_value(self.name.value, self.rule.value, self.kind.value, self.who.value,
                                    list(self.how.value), self.freq.value)
            self.store.save_response(self.participant, vacas.EXERCISE, vacas.new_cow_item(), value)
        except REFUSALS as exc:
            return self._refuse(exc, fields={"vacas.name": self.name, "vacas.rule": self.rule, "vacas.kind": self.kind,
                                             "vacas.who": self.who, "vacas.how": self.how, "vacas.freq": self.freq})
        self.notice.show("ok", self.tr("vacas.posted", name=value["name"]))
        self.hunt_notice.show("ok", self.notice.message)
        self.name.value = self.rule.value = ""
        self.kind.value = self.who.value = self.freq.value = None
        self.pick.value = -1
        self.how.value = []
        self.refresh()

    # -- data ---------------------------------------------------------------------------------------
    def _mine(self) -> pd.DataFrame:
        return self.store.responses(self.room.id, vacas.EXERCISE, participant_id=self.participant.id)

    def refresh(self) -> None:
        self.room = self.store.room(self.room.id) or self.room
        df = self.store.responses(self.room.id, vacas.EXERCISE)
        mine = df[df["participant_id"] == self.participant.id]
        self._render_mine(mine)
        herd_map = self.room.state.get("herd", {})
        self.table = vacas.board(vacas.cows(df), herd_map, df)
        #: The herd as people vote on it: in the order the cows were posted.
        self.herd = vacas.herd(vacas.cows(df), herd_map)
        self._render_votes(mine)
        if revealed(self.room.state, vacas.EXERCISE):
            plan = vacas.action_plan(self.table, self.room.state.get("verdicts", {}))
            self.plan.value = _table(plan, self.tr)
        else:
            self.plan.value = f"<p class='cl-people'>{icon('eye-slash')} {esc(self.tr('vacas.plan_hidden'))}</p>"
        self.set_enabled(self.enabled)

    def _render_mine(self, mine: pd.DataFrame) -> None:
        remove = [Action("remove", self.tr("vacas.remove"), "trash", self.tr("vacas.remove"))]
        rows = [row(c.key, f"<b>{esc(c.title)}</b> <span class='cl-tp-hint'>{esc(c.value.get('rule', ''))}</span>",
                    remove if self.enabled else [], cls="cl-my-cow")
                for c in vacas.cows(mine)]
        self.my_cows.show(rows or [row("none", f"<p class='cl-tp-hint'>{esc(self.tr('vacas.no_cows'))}</p>")])

    def _remove(self, item: str) -> None:
        try:
            self.store.delete_response(self.participant, vacas.EXERCISE, item)
        except REFUSALS as exc:
            return self._refuse(exc)
        self.refresh()

    def _my_votes(self, mine: pd.DataFrame) -> dict:
        row_ = mine[mine["item"] == vacas.VOTES]
        return dict(row_["value"].iloc[0]) if not row_.empty else {}

    def _render_votes(self, mine: pd.DataFrame) -> None:
        """The herd in posting order, with this person's own votes and scores only (the room's totals are the
        facilitator's to reveal)."""
        votes = self._my_votes(mine)
        valid = {g.key for g in self.herd}
        budget = vacas.budget(self.room.state)
        used = sum(n for k, n in votes.items() if k in valid)
        self.budget_label.value = esc(self.tr("vacas.budget", used=used, n=budget))
        self._scores = {r.item[len(vacas.SCORE_PREFIX):]: r.value for r in mine.itertuples(index=False)
                        if str(r.item).startswith(vacas.SCORE_PREFIX)}
        scale = [(v, str(v), None) for v in range(1, 6)]
        rows = []
        for g in self.herd:
            name = g.cow.title
            mine_n = votes.get(g.key, 0)
            saved = self._scores.get(g.key, {})
            error = self._row_error[1] if self._row_error and self._row_error[0] == g.key else ""
            text = (f"<div class='cl-tp-name'>{esc(name)}</div>"
                    f"<div class='cl-tp-hint'>{esc(g.cow.value.get('rule', ''))}</div>"
                    f"<div class='cl-my-votes'>{esc(self.tr('vacas.my_votes', n=mine_n))}</div>"
                    + (f"<div class='cl-error' role='alert'>{esc(error)}</div>" if error else ""))
            minus, plus = self.tr("vacas.vote_minus_for", cow=name), self.tr("vacas.vote_plus_for", cow=name)
            actions = [Action("minus", "−", "", minus, minus), Action("plus", "+", "", plus, plus)] if self.enabled else []
            choices = [
                Choice("harm", self.tr("vacas.harm"), [(v, t, self.tr("vacas.harm_of", n=v, cow=name)) for v, t, _ in scale],
                       saved.get("harm")),
                Choice("value", self.tr("vacas.value"), [(v, t, self.tr("vacas.value_of", n=v, cow=name)) for v, t, _ in scale],
                       saved.get("value")),
            ] if self.enabled else []
            rows.append(row(g.key, text, actions, cls="cl-row cl-cow-vote", choices=choices))
        self.vote_rows.show(rows or [row("none", f"<p class='cl-tp-hint'>{esc(self.tr('vacas.no_herd'))}</p>")])

    def vote(self, key: str, delta: int) -> None:
        """One vote more or less for a cow; a refusal (no votes left) is said in that cow's row."""
        mine = self._mine()
        try:
            new = vacas.cast_vote(self._my_votes(mine), key, delta, vacas.budget(self.room.state),
                                  {g.key for g in self.herd})
            self.store.save_response(self.participant, vacas.EXERCISE, vacas.VOTES, new)
        except REFUSALS as exc:
            self.notice.show("error", self.tr(exc.key, **getattr(exc, "kwargs", {})))
            self._row_error = (key, self.notice.message)
            return self._render_votes(mine)
        self.notice.clear()
        self._row_error = None
        self._render_votes(self._mine())

    def _chosen(self, key: str, group: str, value) -> None:
        saved = self._scores.get(key, {})
        self.score(key, value if group == "harm" else saved.get("harm"), value if group == "value" else saved.get("value"))

    def score(self, key: str, harm, value) -> None:
        try:
            self.store.save_response(self.participant, vacas.EXERCISE, vacas.SCORE_PREFIX + key, vacas.score_value(harm, value))
        except REFUSALS as exc:
            self.notice.show("error", self.tr(exc.key, **getattr(exc, "kwargs", {})))
            self._row_error = (key, self.notice.message)
            return self._render_votes(self._mine())
        self.notice.show("ok", self.tr("varita.saved"))
        self._row_error = None
        self._render_votes(self._mine())

    def set_enabled(self, enabled: bool) -> None:
        changed = enabled != self.enabled
        self.enabled = enabled
        for w in [self.pick, self.name, self.rule, self.kind, self.who, self.freq, self.post, self.how]:
            w.disabled = not enabled
        if changed:  # rows offer their buttons only while the room is open
            mine = self._mine()
            self._render_mine(mine)
            self._render_votes(mine)


class VacasFacilitator(Revealable, W.VBox):
    """The live wall of cows (moderate, merge duplicates), vote progress, charts, verdicts and the kill list."""

    def __init__(self, store: Store, room: Room, tr: Translator):
        super().__init__()
        self.store, self.room, self.tr = store, room, tr
        self.moderating = True
        self.notice = Notice()
        self.budget = W.BoundedIntText(value=vacas.budget(room.state), min=1, max=50, description=tr("varita.fac_budget"),
                                       style={"description_width": "initial"}, layout=W.Layout(width="260px"))
        self.budget_button = W.Button(description=tr("varita.fac_budget_save"), icon="check")
        self.budget_button.on_click(lambda _b: self.save_budget())
        self.progress = html("", "cl-people")
        #: The wall: the cows' rows, and while one is being merged, the merge control under it and the rest.
        self.wall_rows, self.wall_rest = Rows(), Rows()
        for rows in (self.wall_rows, self.wall_rest):
            for action in ("merge", "hide", "show", "unmerge"):
                rows.on(action, lambda key, action=action: self._wall_clicked(action, key))
        self.wall = W.VBox([self.wall_rows])
        self.wall.add_class("cl-cow-wall")
        self._response_of: dict[str, int] = {}
        self._cow_list, self._herd_map = [], {}
        #: The wall's buttons (the same on every row: built once, not per row and refresh).
        self._row_actions = [Action("merge", tr("vacas.merge_pick"), "compress", tr("vacas.merge_help")),
                             Action("hide", tr("wall.hide"), "eye-slash", tr("wall.hide_help"))]
        self._unmerge_action = [Action("unmerge", tr("vacas.unmerge"), "expand")]
        self._show_action = [Action("show", tr("wall.show"), "eye")]
        # the one merge control, shown under the cow being merged
        self.merging: str | None = None
        self.merge_target = W.Dropdown(options=[(tr("vacas.merge_into"), "")], value="", layout=W.Layout(width="260px"))
        merge_button = W.Button(description=tr("vacas.merge"), icon="compress", button_style="primary")
        merge_button.on_click(lambda _b: self._merge_clicked())
        cancel = W.Button(description=tr("vacas.merge_cancel"), icon="times")
        cancel.on_click(lambda _b: self.cancel_merge())
        self.merge_bar = W.HBox([self.merge_target, merge_button, cancel],
                                layout=W.Layout(align_items="center", flex_flow="row wrap"))
        self.merge_bar.add_class("cl-cow-merge")
        empty = vacas.board([], {}, pd.DataFrame(columns=["participant_id", "item", "value"]))
        self.leaderboard = Chart(cow_leaderboard(empty, tr))
        self.matrix = Chart(cow_matrix(empty, tr, in_zone=vacas.exterminate_zone))
        self.donut = Chart(who_donut(empty, tr))
        self.share = html("", "cl-people")
        self.gate(tr, W.VBox([self.leaderboard, self.matrix, self.share, self.donut]))
        # verdicts
        # one column of labels, right-aligned (190 px, as the Pick's "inline" look), one column of fields
        label = {"description_width": "190px"}
        wide = W.Layout(width="100%", max_width="640px")
        self.verdict_cow = W.Dropdown(description=tr("vacas.col.cow"), style=label, layout=wide)
        self.decision = Pick(_choices(tr, "vacas.decision", vacas.DECISIONS), description=tr("vacas.col.decision"),
                             kind="inline")
        self.reason = W.Text(description=tr("vacas.reason"), style=label, layout=wide)
        self.owner = W.Text(description=tr("vacas.col.owner"), style=label, layout=wide)
        self.step = W.Text(description=tr("vacas.col.step"), style=label, layout=wide)
        self.due = W.DatePicker(description=tr("vacas.col.due"), style=label)
        self.save_verdict = W.Button(description=tr("vacas.save_verdict"), icon="gavel", button_style="danger")
        self.save_verdict.on_click(lambda _b: self.submit_verdict())
        self.verdict_notice = Notice()  # right under the button: "saved", or what is missing
        self.verdict_box = W.VBox([html(f"<h3>{esc(tr('vacas.verdict_title'))}</h3>"), self.verdict_cow, self.decision,
                                   self.reason, self.owner, self.step, self.due, self.save_verdict, self.verdict_notice])
        self.plan = html("")
        self.downloads = html("")
        self.download_button = W.Button(description=tr("vacas.plan_prepare"), icon="download")
        self.download_button.on_click(lambda _b: self.prepare_downloads())
        self.controls = W.HBox([self.budget, self.budget_button], layout=W.Layout(flex_flow="row wrap"))
        self.children = [html(f"<h2>{esc(tr('vacas.title'))}</h2>"), self.controls, self.progress, self.notice,
                         html(f"<h3>{esc(tr('vacas.wall_title'))}</h3>"), self.wall, self.results_slot,
                         self.verdict_box, html(f"<h3>{esc(tr('vacas.plan_title'))}</h3>"), self.plan,
                         W.HBox([self.download_button, self.downloads])]
        self.set_revealed(False)
        self.refresh()

    def set_moderating(self, on: bool) -> None:
        self.moderating = on
        for w in (self.controls, self.verdict_box, self.download_button, self.downloads):
            w.layout.display = "" if on else "none"
        self.refresh()

    def save_budget(self) -> None:
        self.room = self.store.update_room_state(self.room.id, cow_budget=int(self.budget.value))

    def stage_part(self, part: str) -> W.Widget | None:
        return {"wall": self.wall_rows, "leaderboard": self.leaderboard, "matrix": self.matrix, "who": self.donut,
                "plan": self.plan}.get(part)

    def counts(self) -> tuple[int, int]:
        """(how many have answered, how many are in the room)."""
        return self.answering, self.people

    # -- herd ---------------------------------------------------------------------------------------
    def merge(self, duplicate: str, into: str | None) -> None:
        if not into:
            return self.notice.show("error", self.tr("vacas.merge_choose"))
        try:
            self.store.change_room_state(self.room.id, lambda s: {**s, "herd": vacas.merge(s.get("herd", {}), duplicate, into)})
        except StoreError as exc:
            return self.notice.show("error", self.tr(exc.key, **exc.kwargs))
        self.merging = None
        self.notice.show("ok", self.tr("vacas.merged"))
        self.refresh()

    def unmerge(self, key: str) -> None:
        self.store.change_room_state(self.room.id, lambda s: {**s, "herd": vacas.unmerge(s.get("herd", {}), key)})
        self.refresh()

    def hide(self, response_id: int, hidden: bool) -> None:
        self.store.set_hidden(self.room.id, response_id, hidden)
        self.refresh()

    def start_merge(self, duplicate: str) -> None:
        """Open the merge control under the cow ``duplicate``: pick the cow it is the same as, then *Merge*."""
        self.merging = duplicate
        self.merge_target.value = ""
        self._render_wall(self._cow_list, self._herd_map)

    def cancel_merge(self) -> None:
        self.merging = None
        self._render_wall(self._cow_list, self._herd_map)

    def _merge_clicked(self) -> None:
        if self.merging:
            self.merge(self.merging, self.merge_target.value)

    def _render_wall(self, cow_list, herd_map) -> None:
        """One row per cow, as data in two :class:`Rows` widgets: the page redraws only the rows that changed
        (hundreds of cows in a busy room).

        Merging uses one shared control (a menu of the other cows) shown under the row being merged: the rows
        up to it in the first list, the control, the rest in the second. A refresh sends each cow's name once,
        not once per row."""
        self._cow_list, self._herd_map = cow_list, herd_map
        groups = vacas.herd(cow_list, herd_map)
        if self.merging not in {g.key for g in groups} or not self.moderating:
            self.merging = None
        targets = [(self.tr("vacas.merge_into"), "")] + [(g.cow.title, g.key) for g in groups if g.key != self.merging]
        if list(self.merge_target.options) != targets:
            current = self.merge_target.value
            self.merge_target.options = targets
            self.merge_target.value = current if current in {t[1] for t in targets} else ""
        rows = [self._herd_row(g) for g in groups]
        self._response_of = {g.key: g.cow.response_id for g in groups}
        if self.moderating:
            for c in cow_list:
                if c.hidden:
                    rows.append(row(f"hidden:{c.response_id}",
                                    f"<div class='cl-wall-text cl-wall-hidden'>{esc(c.title)}</div>",
                                    self._show_action, cls="cl-wall-entry"))
        if not rows:
            rows = [row("empty", f"<p class='cl-tp-hint'>{esc(self.tr('wall.empty'))}</p>")]
        split = next((i + 1 for i, r in enumerate(rows) if r["key"] == self.merging), None)
        if split is None:
            self.wall_rows.show(rows)
            self.wall_rest.show([])
            wanted = (self.wall_rows,)
        else:
            self.wall_rows.show(rows[:split])
            self.wall_rest.show(rows[split:])
            wanted = (self.wall_rows, self.merge_bar, self.wall_rest)
        if self.wall.children != wanted:
            self.wall.children = wanted

    def _herd_row(self, g) -> dict:
        """A cow on the wall: its name, the rule, and how many hunted it; who they are only in a named room."""
        names = self.authors_shown
        hunters = esc(self.tr("vacas.hunters", n=len(g.hunters))) + (f": {esc(', '.join(g.hunters))}" if names else "")
        text = (f"<div class='cl-wall-text'>{esc(g.cow.title)}</div>"
                f"<div class='cl-tp-hint'>{esc(g.cow.value.get('rule', ''))}</div>"
                f"<div class='cl-tp-hint'>{hunters}</div>")
        actions, sub = [], []
        if self.moderating:
            actions = self._row_actions
            sub = [row(m.key, f"<span class='cl-tp-hint'>↳ {esc(m.title)}{f' ({esc(m.name)})' if names else ''}</span>",
                       self._unmerge_action)
                   for m in g.members if m.key != g.key]
        return row(g.key, text, actions, cls="cl-wall-entry cl-cow", sub=sub)

    def _wall_clicked(self, action: str, key: str) -> None:
        if action == "merge":
            self.start_merge(key)
        elif action == "hide" and key in self._response_of:
            self.hide(self._response_of[key], True)
        elif action == "show" and key.startswith("hidden:"):
            self.hide(int(key.split(":", 1)[1]), False)
        elif action == "unmerge":
            self.unmerge(key)

    # -- verdicts -----------------------------------------------------------------------------------
    def submit_verdict(self) -> None:
        key = self.verdict_cow.value
        try:
            if not key:
                raise StoreError("vacas.verdict_choose")
            value = vacas.verdict_value(self.decision.value, self.reason.value, self.owner.value, self.step.value,
                                        self.due.value)
        except REFUSALS as exc:
            return self.verdict_notice.show("error", self.tr(exc.key, **getattr(exc, "kwargs", {})))
        self.store.change_room_state(self.room.id, lambda s: {**s, "verdicts": {**s.get("verdicts", {}), key: value}})
        self.verdict_notice.show("ok", self.tr("vacas.verdict_saved"))
        self.decision.value = None
        self.reason.value = self.owner.value = self.step.value = ""
        self.due.value = None
        self.refresh()

    def prepare_downloads(self) -> None:
        from widgets import export
        from widgets.export import file_name
        from widgets.apps.export_view import download_link
        from widgets.report import cows_html

        plan = self.plan_table
        sheet = export.action_plan_sheet(plan, self.tr)
        name = file_name(self.room.name, self.room.code, self.tr("vacas.plan_title"))
        self.downloads.value = " ".join([
            download_link(export.to_csv(sheet), f"{name}.csv", "text/csv", "CSV", "cl-dl-plan-csv"),
            download_link(export.to_xlsx({self.tr("vacas.plan_title")[:31]: sheet}), f"{name}.xlsx",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX", "cl-dl-plan-xlsx"),
            download_link(cows_html(self.store, self.room).encode("utf-8"), f"{name}.html", "text/html",
                          "HTML", "cl-dl-plan-html"),
        ])

    def refresh(self) -> None:
        self.room = self.store.room(self.room.id) or self.room
        df = self.store.responses(self.room.id, vacas.EXERCISE)
        herd_map = self.room.state.get("herd", {})
        cow_list = vacas.cows(df)
        self._render_wall(cow_list, herd_map)
        table = vacas.board(cow_list, herd_map, df)
        self.table = table
        people = self.store.participants(self.room.id)
        voters = {r.participant_id for r in df.itertuples(index=False) if r.item == vacas.VOTES and r.value}
        self.answering, self.people = int(df["participant_id"].nunique()) if not df.empty else 0, len(people)
        pending = [n for i, n in zip(people["id"], people["name"]) if i not in voters]
        self.progress.value = esc(self.tr("vacas.progress", cows=self.tr("count.cows", n=len(table)), n=len(voters), people=len(people)))
        if pending and not table.empty and self.moderating:  # names of who has not voted: the console's, never projected
            self.progress.value += "<br>" + self.missing(pending, "vacas.not_voted")
        copy_figure(self.leaderboard, cow_leaderboard(table, self.tr, title=self.tr("vacas.chart.leaderboard")))
        copy_figure(self.matrix, cow_matrix(table, self.tr, title=self.tr("vacas.chart.matrix"), in_zone=vacas.exterminate_zone))
        copy_figure(self.donut, who_donut(table, self.tr))
        share = vacas.colleague_share(table)
        self.share.value = "" if share is None else esc(
            self.tr("vacas.colleague_none") if round(100 * share) == 0 else self.tr("vacas.colleague_share", pct=round(100 * share)))
        current = self.verdict_cow.value
        options = [(self.tr("vacas.verdict_pick"), "")] + [(f"{r.name} ({r.votes})", r.key) for r in table.itertuples(index=False)]
        if list(self.verdict_cow.options) != options:
            self.verdict_cow.options = options
            self.verdict_cow.value = current if current in [o[1] for o in options] else ""
        self.plan_table = vacas.action_plan(table, self.room.state.get("verdicts", {}))
        self.plan.value = _table(self.plan_table, self.tr)

