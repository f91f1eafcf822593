"""Workshop "Clientelitis": skills self-assessment, reinforcement plan, hiring scorecard; waves for the facilitator."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import ipywidgets as W
import pandas as pd

from widgets.workshops.clientelitis import model as C
from widgets.workshops.feliz import model as feliz
from widgets.ui.chartwidget import Chart
from widgets.ui.charts import copy_figure
from widgets.workshops.clientelitis.charts import plan_timeline, skills_radar, waves_chart
from widgets.workshops.feliz.model import RatingError
from widgets.ui import pick
from widgets.ui.pick import Pick
from widgets.i18n import Translator, month_names
from widgets.kits import model as kits
from widgets.room.store import Participant, Room, Store, StoreError
from widgets.ui.text import TextError, esc
from widgets.ui.panel import Revealable
from widgets.ui.rows import Action, Rows, row
from widgets.ui.blocks import Notice, card, field_for, html, icon

REFUSALS = (StoreError, TextError, RatingError)
STEPS = ("skills", "plan", "hire")


def _scale(tr: Translator, description: str) -> Pick:
    return pick.numbers(tr, description)


def month_label(month: str, lang: str) -> str:
    """"2027-03" as people say it in the room's language: "marzo 2027", "March 2027"."""
    return f"{month_names(lang)[int(month[5:7])]} {month[:4]}"


def month_options(today: dt.date, tr: Translator, months: int = C.HORIZON_MONTHS) -> list[tuple[str, str]]:
    """The months a plan can use, by name in the room's language: a month, not a day, is what a plan needs."""
    out = [(tr("clientelitis.month_pick"), "")]
    year, month = today.year, today.month
    for _ in range(months + 1):
        value = f"{year:04d}-{month:02d}"
        out.append((month_label(value, tr.lang), value))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _warning(tr: Translator, key: str, kw: dict) -> str:
    """A plan's warning, its months named in the room's language."""
    return tr(key, **{k: month_label(v, tr.lang) if k in ("start", "end", "last", "month") else v for k, v in kw.items()})


def room_plan(store: Store, room: Room, team: str) -> list:
    return room_plans(store, room, store.team_items(room.id, C.EXERCISE, team)).get(team, [])


def radar(kit: kits.Kit, tr: Translator, answers: pd.DataFrame, mine: dict | None, title: str = ""):
    """The skills radar of ``answers`` (clientelitis responses) with the kit's skills and their short names."""
    summary = C.skills_summary(C.skills_table(answers, kit.skills))
    return skills_radar(summary, mine, tr, title=title, labels=kit.labels("skills", tr.lang, short=True))


def room_plans(store: Store, room: Room, items: pd.DataFrame | None = None) -> dict[str, list]:
    """Every team's reinforcement plan, from one query (teams without a plan are left out)."""
    if items is None:
        items = store.team_items(room.id, C.EXERCISE)
    return {t: list(v) for t, i, v in zip(items["team"], items["item"], items["value"]) if i == C.PLAN}


class ClientelitisParticipant(W.VBox):
    def __init__(self, store: Store, room: Room, participant: Participant, tr: Translator, today: dt.date | None = None):
        super().__init__()
        self.add_class("cl-clientelitis")
        self.store, self.room, self.participant, self.tr = store, room, participant, tr
        self.today = today or dt.date.today()
        self.enabled = True
        self._loading = False
        self.notice = Notice()
        self.steps = pick.steps(tr, "clientelitis.step.", STEPS, "skills")
        self.steps.add_class("cl-steps")
        self.steps.observe(lambda _c: self._show_step(), "value")
        # skills
        self.kit = kits.of_room(store, room)
        self.skills = {s: _scale(tr, self.kit.label("skills", s, tr.lang)) for s in self.kit.skills}
        for w in self.skills.values():
            w.observe(lambda _c: self._save_skills(), "value")
        self.radar = Chart(radar(self.kit, tr, pd.DataFrame(columns=["item"]), None))
        self.skills_notice = Notice()  # under the scales: saved, or why not
        self.box_skills = card(html(f"<h2>{esc(tr('clientelitis.step.skills'))}</h2><p>{esc(tr('clientelitis.skills_intro'))}</p>"),
                               *self.skills.values(), self.skills_notice, self.radar)
        # plan
        self.month = W.Dropdown(description=tr("clientelitis.month"), options=month_options(self.today, tr), value="",
                                style={"description_width": "initial"})
        self.event_title = W.Text(description=tr("clientelitis.event"), placeholder=tr("clientelitis.event_placeholder"),
                                  style={"description_width": "initial"}, layout=W.Layout(width="100%", max_width="640px"))
        self.everyone = W.Checkbox(value=True, description=tr("clientelitis.everyone"), indent=False)
        self.audience = W.SelectMultiple(description=tr("clientelitis.audience"), style={"description_width": "initial"})
        self.add_event = W.Button(description=tr("clientelitis.add_event"), icon="calendar-plus-o", button_style="primary")
        self.add_event.on_click(lambda _b: self.submit_event())
        self.plan_notice = Notice()
        self.events = Rows()
        self.events.on("remove", lambda event_id: self.remove_event(event_id))
        self.warnings = html("")
        self.timeline = Chart(plan_timeline([], self.today, tr))
        self.box_plan = card(html(f"<h2>{esc(tr('clientelitis.step.plan'))}</h2><p>{esc(tr('clientelitis.plan_intro'))}</p>"),
                             self.month, self.event_title, self.everyone, self.audience, self.add_event, self.plan_notice,
                             self.warnings,
                             self.timeline, self.events)
        # hiring
        self.candidate = W.Text(description=tr("clientelitis.candidate"), style={"description_width": "initial"})
        self.trait_scales = {t: _scale(tr, self.kit.label("traits", t, tr.lang)) for t in self.kit.traits}
        self.flags = Pick([(self.kit.label("flags", f, tr.lang), f) for f in self.kit.flags], description=tr("clientelitis.flags"),
                          multiple=True)
        self.notes = W.Text(description=tr("clientelitis.notes"), style={"description_width": "initial"},
                            layout=W.Layout(width="100%", max_width="640px"))
        self.add_candidate = W.Button(description=tr("clientelitis.add_candidate"), icon="user-plus", button_style="primary")
        self.add_candidate.on_click(lambda _b: self.submit_candidate())
        self.hire_notice = Notice()
        self.scorecards = html("")
        self.box_hire = card(html(f"<h2>{esc(tr('clientelitis.step.hire'))}</h2><p>{esc(tr('clientelitis.hire_intro'))}</p>"),
                             self.candidate, *self.trait_scales.values(), self.flags, self.notes,
                             self.add_candidate, self.hire_notice, self.scorecards)
        self.body = W.VBox()
        self.children = [html(f"<h2>{icon('virus')} {esc(tr('clientelitis.title'))}</h2><p>{esc(tr('clientelitis.intro'))}</p>"),
                         self.steps, self.body]
        self._show_step()
        self.refresh()

    def _show_step(self) -> None:
        for notice in (self.notice, self.skills_notice, self.plan_notice, self.hire_notice):
            notice.clear()  # what one step said is not left over in the next
        self.body.children = [{"skills": self.box_skills, "plan": self.box_plan, "hire": self.box_hire}[self.steps.value]]

    def _refuse(self, exc: Exception, notice: Notice, fields: dict | None = None) -> None:
        message = self.tr(exc.key, **getattr(exc, "kwargs", {}))
        self.notice.show("error", message)
        notice.show("error", message, field=field_for(exc.key, fields or {}))

    def _save_skills(self) -> None:
        if self._loading:
            return
        try:
            value = C.skills_value({s: w.value for s, w in self.skills.items()}, self.kit.skills)
            self.store.save_response(self.participant, C.EXERCISE, C.SKILLS_ITEM, value)
        except REFUSALS as exc:
            return self._refuse(exc, self.skills_notice)
        self.notice.show("ok", self.tr("varita.saved"))
        self.skills_notice.show("ok", self.tr("varita.saved"))
        self._draw_radar()

    def _draw_radar(self) -> None:
        df = self.store.responses(self.room.id, C.EXERCISE)
        answers = df[df["team"] == self.participant.team]
        team = C.skills_table(answers, self.kit.skills)
        mine = team[team["participant_id"] == self.participant.id]
        mine_values = mine.iloc[0].to_dict() if not mine.empty else None
        copy_figure(self.radar, radar(self.kit, self.tr, answers, mine_values,
                                      title=self.tr("clientelitis.chart.radar_team", team=self.participant.team)))

    def submit_event(self) -> None:
        audience = [C.EVERYONE] if self.everyone.value else list(self.audience.value)
        try:
            self.store.update_team_item(self.participant, C.EXERCISE, C.PLAN,
                                        lambda plan: C.add_event(plan or [], self.month.value, self.event_title.value,
                                                                 audience, self.today), default=[])
        except REFUSALS as exc:
            return self._refuse(exc, self.plan_notice, {"clientelitis.month": self.month, "clientelitis.title": self.event_title,
                                                         "clientelitis.audience": self.audience})
        self.notice.show("ok", self.tr("clientelitis.event_added"))
        self.plan_notice.show("ok", self.tr("clientelitis.event_added"))
        self.event_title.value = ""
        self.month.value = ""
        self.refresh()

    def remove_event(self, event_id: str) -> None:
        try:
            self.store.update_team_item(self.participant, C.EXERCISE, C.PLAN, lambda p: C.remove_event(p or [], event_id))
        except REFUSALS as exc:
            return self._refuse(exc, self.plan_notice)
        self.refresh()

    def submit_candidate(self) -> None:
        try:
            value = C.candidate_value(self.candidate.value, {t: w.value for t, w in self.trait_scales.items()},
                                      list(self.flags.value), self.notes.value, self.kit.traits, self.kit.flags)
            self.store.save_response(self.participant, C.EXERCISE, C.CANDIDATE_PREFIX + secrets.token_hex(4), value)
        except REFUSALS as exc:
            missing = next((w for w in self.trait_scales.values() if w.value is None), None)
            return self._refuse(exc, self.hire_notice, {"clientelitis.candidate": self.candidate,
                                                        "clientelitis.traits": missing, "text": self.notes})
        added = self.tr("clientelitis.candidate_added", verdict=self.tr(f"clientelitis.verdict.{C.verdict(value)}"))
        self.notice.show("ok", added)
        self.hire_notice.show("ok", added)
        self.candidate.value = self.notes.value = ""
        for w in self.trait_scales.values():
            w.value = None
        self.flags.value = []
        self.refresh()

    def _cands(self) -> pd.DataFrame:
        return C.candidates(self.store.responses(self.room.id, C.EXERCISE, participant_id=self.participant.id),
                            self.kit.traits)

    def refresh(self) -> None:
        self.room = self.store.room(self.room.id) or self.room
        mine = self.store.responses(self.room.id, C.EXERCISE, participant_id=self.participant.id)
        saved = next((r.value for r in mine.itertuples(index=False) if r.item == C.SKILLS_ITEM), {})
        self._loading = True
        try:
            for s, w in self.skills.items():
                w.value = saved.get(s)
        finally:
            self._loading = False
        self._draw_radar()
        teams = sorted(set(self.store.participants(self.room.id)["team"]), key=str.casefold)
        self.audience.options = teams
        plan = room_plan(self.store, self.room, self.participant.team)
        self.plan = plan
        warnings = C.plan_warnings(plan, teams, self.today)
        self.warning_keys = [k for k, _ in warnings]
        self.warnings.value = "".join(
            f"<div class='cl-notice cl-notice-error cl-plan-warning'>{icon('exclamation-triangle')} {esc(_warning(self.tr, k, kw))}</div>" for k, kw in warnings
        ) or f"<div class='cl-notice cl-notice-ok'>{esc(self.tr('clientelitis.plan_ok'))}</div>"
        copy_figure(self.timeline, plan_timeline(plan, self.today, self.tr, title=self.tr("clientelitis.chart.timeline"),
                                                 gaps=[kw for k, kw in warnings if k == "clientelitis.warn_gap"]))
        rows = []
        for e in plan:
            who = self.tr("clientelitis.everyone") if C.EVERYONE in e["audience"] else ", ".join(e["audience"])
            remove = Action("remove", self.tr("clientelitis.remove_event"), "trash", "",
                            self.tr("clientelitis.remove_event_for", event=e["title"]))
            rows.append(row(e["id"], f"<b>{esc(month_label(e['month'], self.tr.lang))}</b> · {esc(e['title'])} "
                                     f"<span class='cl-tp-hint'>({esc(who)})</span>",
                            [remove] if self.enabled else [], cls="cl-plan-event"))
        self.events.show(rows)
        cands = self._cands()
        self.scorecards.value = _cand_table(cands, self.tr, self.kit)
        self.set_enabled(self.enabled)

    def set_enabled(self, enabled: bool) -> None:
        changed = enabled != self.enabled
        self.enabled = enabled
        if changed:  # a plan's event offers its button only while the room is open
            self.refresh()
        widgets = [*self.skills.values(), self.month, self.event_title, self.everyone, self.audience, self.add_event,
                   self.candidate, *self.trait_scales.values(), self.flags, self.notes, self.add_candidate]
        for w in widgets:
            if hasattr(w, "disabled"):
                w.disabled = not enabled


def _cand_table(cands: pd.DataFrame, tr: Translator, kit: kits.Kit, interviewer: bool = False) -> str:
    if cands.empty:
        return f"<p class='cl-tp-hint'>{esc(tr('clientelitis.no_candidates'))}</p>"
    head = (f"<th>{esc(tr('clientelitis.interviewer'))}</th>" if interviewer else "") + "".join(
        f"<th>{esc(tr(k))}</th>" for k in ("clientelitis.candidate", "clientelitis.score", "clientelitis.flags",
                                           "clientelitis.verdict"))
    rows = "".join(
        "<tr>" + (f"<td>{esc(r.interviewer)}</td>" if interviewer else "") +
        f"<td>{esc(r.candidate)}</td><td>{r.score:.1f}</td>"
        f"<td>{esc(', '.join(kit.label('flags', f, tr.lang) for f in r.flags)) or '–'}</td>"
        f"<td class='cl-verdict-{r.verdict}'>{esc(tr(f'clientelitis.verdict.{r.verdict}'))}</td></tr>"
        for r in cands.itertuples(index=False)
    )
    return f"<table class='cl-table cl-candidates'><tr>{head}</tr>{rows}</table>"


@dataclass(frozen=True)
class WaveBasis:
    """What the waves of one chain are compared on: the skills and touchpoints every wave's kit holds, and the
    kits' names (oldest first) when the waves were run with kits that differ (empty when they are the same)."""

    skills: tuple[str, ...]
    touchpoints: frozenset
    kits: tuple[str, ...] = ()


def wave_basis(store: Store, chain: list[Room], lang: str) -> WaveBasis:
    room_kits = [kits.of_room(store, r) for r in chain]
    skills = tuple(s for s in room_kits[-1].skills if all(s in k.skills for k in room_kits))
    tps = frozenset.intersection(*(frozenset(t.id for t in k.touchpoints(lang)) for k in room_kits))
    differ = any(k.data != room_kits[0].data for k in room_kits[1:])
    return WaveBasis(skills, tps, tuple(k.title(lang) for k in room_kits) if differ else ())


def wave_note(tr: Translator, basis: WaveBasis) -> str:
    """What the facilitator must know when the waves' kits differ (``""`` when they are the same)."""
    if not basis.kits:
        return ""
    names = list(dict.fromkeys(basis.kits))
    return tr("clientelitis.waves_kits_differ", kits=", ".join(names), skills=tr("count.skills", n=len(basis.skills)),
              touchpoints=tr("count.touchpoints", n=len(basis.touchpoints)))


def wave_of(store: Store, room: Room, skills_answers: pd.DataFrame | None = None, basis: WaveBasis | None = None) -> dict:
    """A wave's metrics; ``skills_answers`` are the room's clientelitis answers when already loaded. With a
    ``basis``, only what every wave shares is counted (like with like)."""
    if skills_answers is None:
        skills_answers = store.responses(room.id, C.EXERCISE)
    kit = kits.of_room(store, room)
    journey = kit.touchpoints(room.lang)
    if basis is not None:
        journey = [t for t in journey if t.id in basis.touchpoints]
    skills = C.skills_table(skills_answers, basis.skills if basis is not None else kit.skills)
    summary = feliz.summarize(store.responses(room.id, feliz.EXERCISE), journey)
    return C.wave_metrics(skills, summary, room.state.get("verdicts", {}))


def wave_chain(store: Store, room: Room, limit: int = 6) -> list[Room]:
    """This room and its earlier waves, oldest first."""
    chain, seen = [room], {room.id}
    while len(chain) < limit:
        prev = chain[-1].state.get("previous_room")
        if not prev or prev in seen:
            break
        earlier = store.room(int(prev))
        if earlier is None:
            break
        chain.append(earlier)
        seen.add(earlier.id)
    return chain[::-1]


class ClientelitisFacilitator(Revealable, W.VBox):
    """Skills of the room (mean and spread), plan warnings per team, hiring scorecards, and waves."""

    def __init__(self, store: Store, room: Room, tr: Translator, today: dt.date | None = None):
        super().__init__()
        self.store, self.room, self.tr = store, room, tr
        self.kit = kits.of_room(store, room)
        self.today = today or dt.date.today()
        self._waves: dict[int, tuple] = {}
        self.status = html("", "cl-people")
        self.radar = Chart(self._radar(pd.DataFrame(columns=["item"]), title=""))
        self.plans = html("")
        self.hiring = html("")
        self.previous = W.Text(description=tr("clientelitis.previous"), placeholder=tr("clientelitis.previous_placeholder"),
                               style={"description_width": "initial"}, layout=W.Layout(width="100%", max_width="720px"))
        self.link_button = W.Button(description=tr("clientelitis.link_wave"), icon="link")
        self.link_button.on_click(lambda _b: self.link_previous())
        self.notice = Notice()
        self.waves = Chart(waves_chart([], tr))
        self.waves_note = html("")
        self.wave_box = W.VBox([html(f"<h3>{esc(tr('clientelitis.waves_title'))}</h3><p class='cl-tp-hint'>"
                                     f"{esc(tr('clientelitis.waves_intro'))}</p>"),
                                W.HBox([self.previous, self.link_button], layout=W.Layout(flex_flow="row wrap")),
                                self.notice])
        self.gate(tr, W.VBox([self.radar, self.plans, self.hiring, self.waves, self.waves_note]))
        self.children = [html(f"<h2>{icon('virus')} {esc(tr('clientelitis.title'))}</h2>"), self.status, self.results_slot, self.wave_box]
        self.set_revealed(False)
        self.refresh()

    def _radar(self, answers: pd.DataFrame, title: str):
        return radar(self.kit, self.tr, answers, None, title=title)

    def set_moderating(self, moderating: bool) -> None:
        self.moderating = moderating
        self.wave_box.layout.display = "" if moderating else "none"
        self.refresh()

    def stage_part(self, part: str) -> W.Widget | None:
        return {"radar": self.radar, "plans": self.plans, "hiring": self.hiring, "waves": self.waves}.get(part)

    def counts(self) -> tuple[int, int]:
        """(how many have answered, how many are in the room)."""
        return self.answering, self.people

    def _wave(self, room: Room, skills_answers: pd.DataFrame, basis: WaveBasis) -> dict:
        """A wave's metrics, worked out again only when that room changed (earlier waves rarely do)."""
        if room.id == self.room.id:  # this room changes with every answer
            return wave_of(self.store, room, skills_answers, basis)
        version = self.store.room_version(room.id)  # read before the answers: a change meanwhile shows next time
        cached = self._waves.get(room.id)
        if cached is None or cached[0] != version or cached[1] != room.state or cached[2] != basis:
            self._waves[room.id] = (version, room.state, basis, wave_of(self.store, room, basis=basis))
        return self._waves[room.id][3]

    def link_previous(self) -> None:
        """Link this room to an earlier wave, proven by that room's console link (its secret key)."""
        query = parse_qs(urlparse(self.previous.value.strip()).query)
        code, key = (query.get("room") or [""])[0], (query.get("key") or [""])[0]
        earlier = self.store.room_by_code(code)
        if earlier is None or not self.store.check_facilitator_key(earlier, key):
            return self.notice.show("error", self.tr("clientelitis.link_bad"))
        if earlier.id == self.room.id or any(r.id == self.room.id for r in wave_chain(self.store, earlier)):
            return self.notice.show("error", self.tr("clientelitis.link_loop"))
        self.store.update_room_state(self.room.id, previous_room=earlier.id)
        self.previous.value = ""
        self.notice.show("ok", self.tr("clientelitis.linked", room=earlier.name))
        self.refresh()

    def refresh(self) -> None:
        self.room = self.store.room(self.room.id) or self.room
        df = self.store.responses(self.room.id, C.EXERCISE)
        table = C.skills_table(df, self.kit.skills)
        people = self.store.participants(self.room.id)
        self.answering, self.people = int(df["participant_id"].nunique()) if not df.empty else 0, len(people)
        self.status.value = esc(self.tr("clientelitis.progress", n=len(table), people=len(people)))
        copy_figure(self.radar, self._radar(df, title=self.tr("clientelitis.chart.radar_room")))
        teams = sorted(set(people["team"]), key=str.casefold)
        plans = room_plans(self.store, self.room)
        blocks = []
        for team in teams:
            plan = plans.get(team, [])
            warnings = C.plan_warnings(plan, teams, self.today)
            items = "".join(f"<li>{icon('exclamation-triangle')} {esc(_warning(self.tr, k, kw))}</li>" for k, kw in warnings) or f"<li>{icon('check')} {esc(self.tr('clientelitis.plan_ok'))}</li>"
            blocks.append(f"<li><b>{esc(team)}</b> · {esc(self.tr('clientelitis.events', n=len(plan)))}<ul>{items}</ul></li>")
        self.plans.value = f"<h3>{esc(self.tr('clientelitis.plans_title'))}</h3><ul class='cl-people'>{''.join(blocks)}</ul>"
        self.candidates = C.candidates(df, self.kit.traits)
        self.hiring.value = f"<h3>{esc(self.tr('clientelitis.hiring_title'))}</h3>" + _cand_table(
            self.candidates, self.tr, self.kit, interviewer=self.authors_shown)
        chain = wave_chain(self.store, self.room)
        basis = wave_basis(self.store, chain, self.room.lang)
        self.wave_data = [(r.name, self._wave(r, df, basis)) for r in chain]
        copy_figure(self.waves, waves_chart(self.wave_data, self.tr, title=self.tr("clientelitis.chart.waves")))
        note = wave_note(self.tr, basis)
        self.waves_note.value = f"<p class='cl-notice cl-notice-info'>{esc(note)}</p>" if note else ""
