"""Exports of a room at any time: every answer of every workshop as readable tables (XLSX, CSV), and a results
file to import elsewhere. The HTML report is built in :mod:`widgets.report` from the same tables.

Tables speak the room's language (column headers are words, items are the names people saw, never internal
keys). In an anonymous room the shared files carry no participant's name, and a team appears beside an
individual's answer only from ``phases.K_ANON`` members up; who wrote what goes in a separate file for the
facilitator alone (:func:`authorship`). Every text cell of CSV/XLSX goes through :func:`widgets.ui.text.cell_safe`
(formula injection neutralised).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from widgets.workshops.clientelitis import model as C
from widgets.workshops.clientes import model as clientes
from widgets.workshops.feliz import model as feliz
from widgets.workshops.vacas import model as vacas
from widgets.workshops.varita import model as varita
from widgets.i18n import Translator
from widgets.kits import model as kits
from widgets.room.phases import K_ANON, anonymous
from widgets.room.store import Room, Store, StoreError
from widgets.room.schema import NAME_MAX
from widgets.ui.text import cell_safe, is_blank, text_key

BUNDLE_FORMAT = "clientelitis-results"
BUNDLE_VERSION = 1


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S")


def file_name(*parts: str) -> str:
    """A file name from words, accents kept as letters without them ("plan de acción" -> "plan-de-accion")."""
    text = "-".join(p for p in parts if p)
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower()[:60] or "sala"


@dataclass
class Snapshot:
    """One read of everything a room holds, for its tables and its report."""

    store: Store
    room: Room

    def __post_init__(self):
        self.tr = Translator(self.room.lang)
        self.people = self.store.participants(self.room.id)
        self.answers = self.store.responses(self.room.id)
        self.items = self.store.team_items(self.room.id)
        self.named = not anonymous(self.room.state)
        sizes = self.people.groupby("team").size()
        #: Teams shown beside one person's answer: every team in a named room, teams of K_ANON or more otherwise.
        self.shown_teams = set(sizes.index) if self.named else set(sizes[sizes >= K_ANON].index)
        self.kit = kits.of_room(self.store, self.room)
        self.journey = self.kit.touchpoints(self.room.lang)

    def of(self, exercise: str) -> pd.DataFrame:
        return self.answers[self.answers["exercise"] == exercise]

    def team(self, team: str) -> str:
        """A team beside one person's answer, or "–" when it would point at one person."""
        return team if team in self.shown_teams else "–"

    def who(self, rows: pd.DataFrame, columns: dict) -> dict:
        """The person and team columns of ``rows``: the name only in a named room."""
        tr = self.tr
        out = {}
        if self.named:
            out[tr("export.col.name")] = list(rows["name"])
        out[tr("export.col.team")] = [self.team(t) for t in rows["team"]]
        return {**out, **columns}

    @cached_property
    def journeys(self) -> dict[str, list[dict]]:
        saved = {t: v for t, i, v in zip(self.items["team"], self.items["item"], self.items["value"]) if i == varita.JOURNEY}
        template = varita.journey_from_template(self.journey)
        return {t: saved.get(t, template) for t in sorted(set(self.people["team"]), key=str.casefold)}

    @cached_property
    def herd_table(self) -> pd.DataFrame:
        df = self.of(vacas.EXERCISE)
        return vacas.board(vacas.cows(df), self.room.state.get("herd", {}), df)

    @cached_property
    def plans(self) -> dict[str, list]:
        return {t: list(v) for t, i, v in zip(self.items["team"], self.items["item"], self.items["value"]) if i == C.PLAN}


def feliz_tables(s: Snapshot) -> dict[str, pd.DataFrame]:
    tr = s.tr
    names = {tp.id: tp.name for tp in s.journey}
    df = s.of(feliz.EXERCISE)
    ratings = df[df["item"].isin(list(names))]
    values = [v if isinstance(v, dict) else {} for v in ratings["value"]]
    enter = [v.get("enter") for v in values]
    leave = [v.get("leave") for v in values]
    answers = pd.DataFrame(s.who(ratings, {
        tr("export.col.item"): [names[i] for i in ratings["item"]],
        tr("export.col.enter"): enter, tr("export.col.leave"): leave,
        tr("export.col.delta"): [b - a if a is not None and b is not None else None for a, b in zip(enter, leave)],
    }))
    summary = feliz.summarize(df, s.journey)
    summary_out = pd.DataFrame({
        tr("export.col.item"): summary["label"], tr("export.col.n"): summary["n"],
        tr("export.col.enter"): summary["enter_mean"].round(2), tr("export.col.leave"): summary["leave_mean"].round(2),
        tr("export.col.delta"): summary["delta"].round(2),
        tr("export.col.worse"): [tr("export.yes") if w else "" for w in summary["worse"]],
    })
    ideas = feliz.ideas(df)
    ideas_out = pd.DataFrame(s.who(ideas, {tr("export.col.idea"): list(ideas["text"]),
                                           tr("export.col.hidden"): [tr("export.yes") if h else "" for h in ideas["hidden"]]}))
    return {tr("export.sheet.feliz"): answers, tr("export.sheet.feliz_summary"): summary_out,
            tr("export.sheet.feliz_ideas"): ideas_out}


def varita_tables(s: Snapshot) -> dict[str, pd.DataFrame]:
    tr = s.tr
    journeys = [(team, i + 1, tp.get("name", "")) for team, journey in s.journeys.items() for i, tp in enumerate(journey)]
    journeys_out = pd.DataFrame(journeys, columns=[tr("export.col.team"), tr("export.col.order"), tr("export.col.item")])
    df = s.of(varita.EXERCISE)
    tp_name = {(team, tp["id"]): tp.get("name", "") for team, journey in s.journeys.items() for tp in journey}
    today = df[df["item"].str.startswith(varita.TODAY_PREFIX)] if not df.empty else df
    values = [v if isinstance(v, dict) else {} for v in today["value"]]
    today_out = pd.DataFrame(s.who(today, {
        tr("export.col.item"): [tp_name.get((t, i[len(varita.TODAY_PREFIX):]), i[len(varita.TODAY_PREFIX):])
                                for t, i in zip(today["team"], today["item"])],
        tr("export.col.enter"): [v.get("enter") for v in values], tr("export.col.leave"): [v.get("leave") for v in values],
        tr("export.col.frictions"): ["; ".join(v.get("frictions", [])) for v in values],
    }))
    totals = varita.vote_totals(df)
    idea_list = varita.ideas(df)
    ideas_frame = pd.DataFrame({"name": [i.name for i in idea_list], "team": [i.team for i in idea_list]})
    ideas_out = pd.DataFrame(s.who(ideas_frame, {
        tr("export.col.item"): [tp_name.get((i.team, i.tp), i.tp) for i in idea_list],
        tr("export.col.idea"): [i.text for i in idea_list],
        tr("export.col.delight"): [i.delight for i in idea_list], tr("export.col.unique"): [i.unique for i in idea_list],
        tr("export.col.effort"): [i.effort for i in idea_list], tr("export.col.predicted"): [i.predicted for i in idea_list],
        tr("export.col.votes"): [totals.get(i.key, 0) for i in idea_list],
        tr("export.col.hidden"): [tr("export.yes") if i.hidden else "" for i in idea_list],
    }))
    # the wand's ideas are the team's work (the team designs and votes on them): named by team whatever its size
    ideas_out[tr("export.col.team")] = [i.team for i in idea_list]
    return {tr("export.sheet.journeys"): journeys_out, tr("export.sheet.today"): today_out,
            tr("export.sheet.wand"): ideas_out}


def vacas_tables(s: Snapshot) -> dict[str, pd.DataFrame]:
    tr = s.tr
    table = s.herd_table
    verdicts = s.room.state.get("verdicts", {})

    def verdict(key: str, field: str) -> str:
        v = verdicts.get(key) or {}
        return tr(f"vacas.decision.{v['decision']}") if field == "decision" and v.get("decision") else v.get(field, "")

    cows = {c.key: c for c in vacas.cows(s.of(vacas.EXERCISE))}
    out = pd.DataFrame({
        tr("vacas.col.cow"): table["name"], tr("export.col.rule"): table["rule"],
        tr("vacas.kind_label"): [tr(f"vacas.kind.{k}") if k else "" for k in table["kind"]],
        tr("export.col.who_hurt"): [tr(f"vacas.who.{w}") for w in table["who"]],
        tr("export.col.how_hurt"): [", ".join(tr(f"vacas.how.{h}") for h in cows[k].value.get("how", [])) if k in cows else ""
                                    for k in table["key"]],
        tr("export.col.frequency"): [tr(f"vacas.freq.{cows[k].value.get('freq')}") if k in cows and cows[k].value.get("freq")
                                     else "" for k in table["key"]],
        tr("vacas.col.hunters"): table["hunters"], tr("vacas.col.votes"): table["votes"],
        tr("export.col.harm"): table["harm"].round(2), tr("export.col.value"): table["value"].round(2),
        tr("vacas.col.decision"): [verdict(k, "decision") for k in table["key"]],
        tr("vacas.col.owner"): [verdict(k, "owner") for k in table["key"]],
        tr("vacas.col.step"): [verdict(k, "step") for k in table["key"]],
        tr("vacas.col.due"): [verdict(k, "due") for k in table["key"]],
        tr("vacas.reason"): [verdict(k, "reason") for k in table["key"]],
    })
    return {tr("export.sheet.cows"): out}


def clientes_tables(s: Snapshot) -> dict[str, pd.DataFrame]:
    tr = s.tr
    rels = clientes.relationships(s.of(clientes.EXERCISE))
    out = pd.DataFrame(s.who(rels, {
        tr("clientes.who"): list(rels["who"]),
        tr("export.col.category"): [tr(f"clientes.cat.{c}") for c in rels["category"]],
        tr("clientes.receives"): list(rels["receives"]), tr("export.col.happiness"): list(rels["happiness"]),
        tr("clientes.better"): list(rels["better"]),
        tr("export.col.hidden"): [tr("export.yes") if h else "" for h in rels["hidden"]],
    }))
    return {tr("export.sheet.clientes"): out}


def clientelitis_tables(s: Snapshot) -> dict[str, pd.DataFrame]:
    tr = s.tr
    df = s.of(C.EXERCISE)
    skills = C.skills_table(df, s.kit.skills)
    skills_out = pd.DataFrame(s.who(skills, {s.kit.label("skills", k, tr.lang): list(skills[k]) for k in s.kit.skills}))
    plans = [(team, e["month"], e["title"], tr("clientelitis.everyone") if C.EVERYONE in e["audience"] else ", ".join(e["audience"]))
             for team, plan in sorted(s.plans.items()) for e in plan]
    plans_out = pd.DataFrame(plans, columns=[tr("export.col.team"), tr("clientelitis.month"), tr("clientelitis.event"),
                                             tr("export.col.audience")])
    cands = C.candidates(df, s.kit.traits)
    columns = {}
    if s.named:
        columns[tr("clientelitis.interviewer")] = list(cands["interviewer"])
    columns.update({
        tr("clientelitis.candidate"): list(cands["candidate"]),
        **{s.kit.label("traits", t, tr.lang): list(cands[t]) for t in s.kit.traits},
        tr("clientelitis.score"): list(cands["score"].round(2)),
        tr("clientelitis.flags"): [", ".join(s.kit.label("flags", f, tr.lang) for f in flags) for flags in cands["flags"]],
        tr("clientelitis.verdict"): [tr(f"clientelitis.verdict.{v}") for v in cands["verdict"]],
    })
    return {tr("export.sheet.skills"): skills_out, tr("export.sheet.plan"): plans_out,
            tr("export.sheet.hiring"): pd.DataFrame(columns)}


def _waves(s: Snapshot) -> dict[str, pd.DataFrame]:
    from widgets.workshops.clientelitis.view import wave_basis, wave_chain, wave_of

    tr = s.tr
    chain = wave_chain(s.store, s.room)
    basis = wave_basis(s.store, chain, s.room.lang)
    rows = [(r.name, kits.of_room(s.store, r).title(s.room.lang),
             *(wave_of(s.store, r, basis=basis)[k] for k in ("people", "skills_mean", "happiness_delta", "cows_gone")))
            for r in chain]
    return {tr("export.sheet.waves"): pd.DataFrame(rows, columns=[
        tr("export.col.wave"), tr("create.industry"), tr("export.col.people"), tr("clientelitis.chart.skills_mean"),
        tr("clientelitis.chart.happiness_delta"), tr("clientelitis.chart.cows_gone")]).round(2)}


def tables(store: Store, room: Room, snapshot: Snapshot | None = None) -> dict[str, pd.DataFrame]:
    """The room as readable tables, one sheet per part of every workshop, in the room's language."""
    s = snapshot or Snapshot(store, room)
    tr = s.tr
    about = pd.DataFrame({tr("export.col.field"): [tr("create.name"), tr("create.industry"), tr("export.col.created"),
                                                   tr("export.col.people"), tr("export.col.anonymous")],
                          tr("export.col.value"): [room.name, kits.of_room(store, room).title(room.lang),
                                                   _when(room.created_at)[:10], len(s.people),
                                                   tr("export.no") if s.named else tr("export.yes")]})
    sheets = {tr("export.sheet.room"): about}
    if s.named:
        sheets[tr("export.sheet.participants")] = pd.DataFrame({
            tr("export.col.name"): s.people["name"], tr("export.col.team"): s.people["team"],
            tr("export.col.joined"): [_when(t) for t in s.people["joined_at"]]})
    else:  # how many per team, nobody's name
        sizes = s.people.groupby("team").size()
        sheets[tr("export.sheet.teams")] = pd.DataFrame({tr("export.col.team"): list(sizes.index),
                                                          tr("export.col.people"): list(sizes.values)})
    from widgets.workshops.registry import EXERCISES

    for ex in EXERCISES.values():  # the agenda's order
        sheets.update(ex.tables(s))
    sheets.update(_waves(s))
    return sheets


def answers_csv(store: Store, room: Room, snapshot: Snapshot | None = None) -> pd.DataFrame:
    """Every answer of every workshop in one table, a row each (the CSV download): workshop, part, team (and
    name in a named room), what it is about, and the answer in words."""
    s = snapshot or Snapshot(store, room)
    tr = s.tr
    rows = []
    for sheet, df in tables(store, room, s).items():
        if sheet in (tr("export.sheet.room"), tr("export.sheet.participants"), tr("export.sheet.teams"),
                     tr("export.sheet.feliz_summary"), tr("export.sheet.waves")):
            continue  # facts about the room, not answers
        for record in df.to_dict("records"):
            person = {k: record.pop(k) for k in (tr("export.col.name"), tr("export.col.team")) if k in record}
            answer = " · ".join(f"{k}: {v}" for k, v in record.items() if v not in (None, "") and not pd.isna(v))
            rows.append({tr("export.col.sheet"): sheet, **person, tr("export.col.answer"): answer})
    columns = [tr("export.col.sheet")] + ([tr("export.col.name")] if s.named else []) + [tr("export.col.team"),
                                                                                         tr("export.col.answer")]
    return pd.DataFrame(rows, columns=columns)


def authorship(store: Store, room: Room) -> pd.DataFrame:
    """Who wrote what, for the facilitator alone (follow-up with a person): every answer with its author's name
    and team. Never part of what is shared: the console offers it apart, marked as such."""
    s = Snapshot(store, room)
    tr = s.tr
    df = s.answers
    return pd.DataFrame({tr("export.col.name"): df["name"], tr("export.col.team"): df["team"],
                         tr("export.col.exercise"): [tr(f"{e}.title") for e in df["exercise"]],
                         tr("export.col.answer"): [json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
                                                   for v in df["value"]],
                         tr("export.col.updated"): [_when(t) for t in df["updated_at"]]})


def _safe(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):  # pandas 3: "str"
            out[col] = out[col].map(cell_safe)
    out.columns = [cell_safe(c) for c in out.columns]
    return out


def to_csv(df: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark (so spreadsheet programs read accents right) and CRLF line ends
    (RFC 4180): the writer then quotes every cell holding a CR, which would otherwise start a new row (and a
    row starting with ``=`` is a formula again)."""
    return _safe(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, df in sheets.items():
            _safe(df).to_excel(writer, sheet_name=name[:31], index=False)
    return buf.getvalue()


def room_files(store: Store, room: Room) -> dict[str, tuple[str, bytes]]:
    """Every download of a room: kind -> (file name, bytes). ``authorship`` is the facilitator's alone."""
    from widgets.report import html_report

    s = Snapshot(store, room)
    stem = f"{file_name(room.name)}-{room.code}"
    return {
        "csv": (f"{stem}.csv", to_csv(answers_csv(store, room, s))),
        "xlsx": (f"{stem}.xlsx", to_xlsx(tables(store, room, s))),
        "html": (f"{stem}.html", html_report(store, room).encode("utf-8")),
        "json": (f"{stem}.clientelitis.json", bundle_bytes(store, room)),
        "authorship": (f"{stem}-{file_name(s.tr('export.authorship_file'))}.csv",
                       to_csv(authorship(store, room))),
    }


def action_plan_sheet(plan: pd.DataFrame, tr: Translator) -> pd.DataFrame:
    """The sacred-cow action plan as a table for CSV/XLSX, with translated headers and decisions."""
    return pd.DataFrame({
        tr("vacas.col.cow"): plan["name"],
        tr("vacas.col.decision"): [tr(f"vacas.decision.{d}") for d in plan["decision"]],
        tr("vacas.col.votes"): plan["votes"],
        tr("vacas.col.hunters"): plan["hunters"],
        tr("vacas.col.owner"): plan["owner"],
        tr("vacas.col.step"): plan["step"],
        tr("vacas.col.due"): plan["due"],
        tr("vacas.reason"): plan["reason"],
    })


def bundle(store: Store, room: Room) -> dict[str, Any]:
    """Everything needed to recreate the room's answers elsewhere (no keys, no tokens)."""
    people = store.participants(room.id)
    answers = store.responses(room.id)
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "room": {"name": room.name, "industry": room.industry, "lang": room.lang, "code": room.code},
        "participants": [
            {"ref": int(r.id), "name": r.name, "team": r.team} for r in people.itertuples(index=False)
        ],
        "responses": [
            {"ref": int(r.participant_id), "exercise": r.exercise, "item": r.item, "value": r.value,
             "hidden": bool(r.hidden)}
            for r in answers.itertuples(index=False)
        ],
    }


def bundle_bytes(store: Store, room: Room) -> bytes:
    return json.dumps(bundle(store, room), ensure_ascii=False, indent=1).encode("utf-8")


def read_bundle(raw: bytes) -> dict[str, Any]:
    """Parse and check a results file; raises StoreError('import.bad_file') when it is not one."""
    try:
        data = json.loads(raw.decode("utf-8"))
        ok = data.get("format") == BUNDLE_FORMAT and isinstance(data.get("participants"), list)
        ok = ok and isinstance(data.get("responses"), list)
    except (UnicodeDecodeError, ValueError, AttributeError):
        ok = False
    if not ok:
        raise StoreError("import.bad_file")
    return data


def import_bundle(store: Store, room: Room, data: dict[str, Any]) -> tuple[int, int]:
    """Merge a results file into ``room``: participants are added (a name already taken there gets the
    source room's code appended), answers are copied. Returns (participants, answers) imported."""
    source = html.unescape(str(data.get("room", {}).get("code", "")))[:8] or "import"
    existing = {text_key(n) for n in store.participants(room.id)["name"]}
    mapping = {}
    for person in data["participants"]:
        name = str(person.get("name", ""))  # names travel exactly as they were typed
        name = "?" if is_blank(name) else name
        if text_key(name) in existing:
            suffix = f" ({source})"
            name = name[: NAME_MAX - len(suffix)] + suffix
        team = str(person.get("team", ""))
        joined, _token = store.join(room, name, "-" if is_blank(team) else team)
        existing.add(text_key(joined.name))
        mapping[person.get("ref")] = joined
    count = 0
    to_hide = set()
    for answer in data["responses"]:
        person = mapping.get(answer.get("ref"))
        if person is None:
            continue
        store.save_response(person, str(answer["exercise"]), str(answer["item"]), answer.get("value"))
        if answer.get("hidden"):
            to_hide.add((person.id, str(answer["exercise"]), str(answer["item"])))
        count += 1
    if to_hide:  # moderation travels with the answers
        for r in store.responses(room.id).itertuples(index=False):
            if (r.participant_id, r.exercise, r.item) in to_hide:
                store.set_hidden(room.id, int(r.id))
    return len(mapping), count


