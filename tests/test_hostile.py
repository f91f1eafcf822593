"""Every case of the hostile corpus (``tests/hostile.py``) through every free-text field of every app.

Each case is either refused with a message in the participant's language (a ``TextError`` whose key is in
both catalogs; nothing stored, nothing typed lost) or stored byte-exact and shown inert: no markup of it
reaches an HTML widget or a report, no ``$`` reaches a page (MathJax), Plotly labels are escaped, and
spreadsheet cells cannot start a formula. Which of the two is decided by the policy written out in
:func:`expected` (the same policy ``widgets/ui/text.py`` implements).

No browser: the model and the store are driven on a real SQLite file, and the apps' views are built from
Python (the projected view is checked in a browser by ``tests/test_browser.py``). To stay fast, everything
every case shows is built once (:func:`shown`), then each case x field test looks it up.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Callable

import ipywidgets as W
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
import sqlalchemy as sa
from ipywidgets.widgets.widget import _instances

from tests.hostile import CORPUS, Case
from widgets.ui import charts
from widgets.workshops.clientelitis import charts as clientelitis_charts
from widgets.workshops.clientes import charts as clientes_charts
from widgets.workshops.feliz import charts as feliz_charts
from widgets.workshops.vacas import charts as vacas_charts
from widgets.workshops.varita import charts as varita_charts
from widgets import export
from widgets.workshops.feliz import model as feliz
from widgets import report
from widgets.workshops.vacas import model as vacas
from widgets.workshops.varita import model as varita
from widgets.workshops.clientelitis import model as C
from widgets.workshops.clientes import model as clientes
from widgets.ui.chartwidget import Chart
from widgets.workshops.clientelitis.view import ClientelitisFacilitator, ClientelitisParticipant
from widgets.workshops.clientes.view import ClientesParticipant
from widgets.apps.console import FacilitatorApp
from widgets.workshops.feliz.view import FelizParticipant
from widgets.i18n import LANGUAGES, Translator, catalog, t
from widgets.kits.journeys import touchpoints
from widgets.serving.page import Page
from widgets.apps.participant_page import JoinForm, ParticipantApp
from widgets.ui.rows import Rows
from widgets.room.store import Store, StoreError
from widgets.room.schema import CODE_LENGTH
from widgets.ui.text import TextError, cell_safe, esc, plot_lines, plot_text, shown_code
from widgets.workshops.vacas.view import VacasFacilitator, VacasParticipant
from widgets.workshops.varita.view import VaritaParticipant
from widgets.apps.welcome_page import CreateRoomForm, WelcomeApp

TODAY = dt.date(2026, 11, 23)
MONTH = "2027-01"
DUE = dt.date(2027, 1, 15)
INDUSTRY = "restaurant"
CASES = {c.id: c for c in CORPUS}


# -- the policy, written out independently of widgets/ui/text.py ---------------------------------------------
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
BREAKS = set("\n\r\t\u2028\u2029")  # line breaks and tabs: multi-line fields only


def blank(text: str) -> bool:
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text)


@dataclass(frozen=True)
class Field:
    """A free-text field: how the app stores what is typed there (``put``) and its limits."""

    id: str
    max_len: int
    put: Callable  # (ctx, text) -> a function that reads back what was stored
    multiline: bool = False
    required: bool = True
    empty_key: str = "text.empty"
    long_key: str = "text.too_long"
    #: where the text is shown: HTML of the console ("console"), of participants' pages ("participant"),
    #: of the room-name screens ("rooms"); restored into text boxes ("values"); exported ("cell": one
    #: spreadsheet cell is the text, "in": the text is inside a cell, "lines": each line inside a cell).
    shown_in: tuple[str, ...] = ()
    exported: str = ""
    frictions: bool = False


@functools.lru_cache(maxsize=None)
def expected(text: str, f: Field) -> tuple[str, object, dict]:
    """("refused", catalog key, kwargs) or ("stored", exactly what the store must hold, {})."""
    if blank(text):
        if f.required:
            return "refused", f.empty_key, {}
        return "stored", ([] if f.frictions else text), {}
    for ch in text:
        if ch in BIDI:
            return "refused", "text.bidi", {}
        if ch in BREAKS:
            if not f.multiline:
                return "refused", "text.one_line", {}
        elif unicodedata.category(ch) in ("Cc", "Cs"):
            return "refused", "text.control", {}
    if f.frictions:  # one friction per line, blank lines dropped, each line as typed
        lines = [line for line in text.splitlines() if not blank(line)]
        if len(lines) > varita.FRICTIONS_MAX:
            return "refused", "varita.frictions_too_many", {"max": varita.FRICTIONS_MAX}
        for line in lines:
            if len(line) > varita.FRICTION_MAX:
                return "refused", "text.too_long", {"length": len(line), "max": varita.FRICTION_MAX}
        return "stored", lines, {}
    if len(text) > f.max_len:
        return "refused", f.long_key, {"length": len(text), "max": f.max_len}
    return "stored", text, {}


def accepted(text: str, f: Field) -> bool:
    return expected(text, f)[0] == "stored"


# -- how each app stores each field (the same calls its views make) ----------------------------------------
def _one(x, exercise: str, item: str):
    df = x.store.responses(x.room.id, exercise, participant_id=x.person.id)
    return df[df["item"] == item]["value"].iloc[0]


def _person(x, pid: int):
    df = x.store.participants(x.room.id)
    return df[df["id"] == pid].iloc[0]


def _team_value(x, exercise: str, item: str):
    df = x.store.team_items(x.room.id, exercise, x.person.team)
    return df[df["item"] == item]["value"].iloc[0]


def _template(x) -> list[dict]:
    return varita.journey_from_template(touchpoints(x.room.industry, x.room.lang))


def put_room_name(x, text):
    room, _ = x.store.create_room(text, INDUSTRY, "es")
    return lambda: x.store.room(room.id).name


def put_name(x, text):
    person, _ = x.store.join(x.room, text, "T0")
    return lambda: _person(x, person.id)["name"]


def put_team(x, text):
    person, _ = x.store.join(x.room, "P1", text)
    return lambda: _person(x, person.id)["team"]


def put_feliz_idea(x, text):
    x.store.save_response(x.person, feliz.EXERCISE, feliz.IDEA_ITEM, feliz.idea(text))
    return lambda: _one(x, feliz.EXERCISE, feliz.IDEA_ITEM)["text"]


def put_tp_add(x, text):
    x.store.update_team_item(x.person, varita.EXERCISE, varita.JOURNEY,
                             lambda j: varita.add_touchpoint(j or _template(x), text))
    return lambda: _team_value(x, varita.EXERCISE, varita.JOURNEY)[-1]["name"]


def put_tp_rename(x, text):
    first = _template(x)[0]["id"]
    x.store.update_team_item(x.person, varita.EXERCISE, varita.JOURNEY,
                             lambda j: varita.rename_touchpoint(j or _template(x), first, text))
    return lambda: _team_value(x, varita.EXERCISE, varita.JOURNEY)[0]["name"]


def put_frictions(x, text):
    x.store.save_response(x.person, varita.EXERCISE, varita.TODAY_PREFIX + "booking", varita.today_answer(3, 4, text))
    return lambda: _one(x, varita.EXERCISE, varita.TODAY_PREFIX + "booking")["frictions"]


def put_varita_idea(x, text):
    x.store.save_response(x.person, varita.EXERCISE, "idea:1", varita.idea_value("booking", text, 3, 3, 3, 3))
    return lambda: _one(x, varita.EXERCISE, "idea:1")["text"]


def put_cow(part: str):
    def put(x, text):
        name, rule = (text, "") if part == "name" else ("Vaca", text)
        x.store.save_response(x.person, vacas.EXERCISE, "cow:1", vacas.cow_value(name, rule, "control", "both", ["delays"], 3))
        return lambda: _one(x, vacas.EXERCISE, "cow:1")[part]
    return put


def put_verdict(part: str):
    """``part``: "keep" (the reason for keeping a cow: required) or the reason/owner/step of a kill."""
    def put(x, text):
        args = dict(decision="exterminate", reason="", owner="Gerencia", step="Quitarla", due=DUE)
        if part == "keep":
            args.update(decision="keep", reason=text, owner="", step="", due=None)
        else:
            args[part] = text
        value = vacas.verdict_value(**args, today=TODAY)
        x.store.change_room_state(x.room.id, lambda s: {**s, "verdicts": {"1:1": value}})
        return lambda: x.store.room(x.room.id).state["verdicts"]["1:1"]["reason" if part == "keep" else part]
    return put


def put_customer(part: str):
    def put(x, text):
        v = {"who": "Mi jefa", "receives": "El cierre", "better": "Avisar antes", part: text}
        value = clientes.customer_value(v["who"], "boss", v["receives"], 3, v["better"])
        x.store.save_response(x.person, clientes.EXERCISE, "customer:1", value)
        return lambda: _one(x, clientes.EXERCISE, "customer:1")[part]
    return put


def put_event_title(x, text):
    x.store.update_team_item(x.person, C.EXERCISE, C.PLAN,
                             lambda plan: C.add_event(plan or [], MONTH, text, [C.EVERYONE], TODAY), default=[])
    return lambda: _team_value(x, C.EXERCISE, C.PLAN)[0]["title"]


def put_candidate(part: str):
    def put(x, text):
        candidate, notes = (text, "") if part == "candidate" else ("Pedro", text)
        value = C.candidate_value(candidate, {trait: 4 for trait in C.TRAITS}, [], notes)
        x.store.save_response(x.person, C.EXERCISE, "candidate:1", value)
        return lambda: _one(x, C.EXERCISE, "candidate:1")[part]
    return put


FIELDS = [
    # welcome (and the facilitator's room creation)
    Field("welcome.room_name", 80, put_room_name, empty_key="room.name_empty", long_key="room.name_too_long",
          shown_in=("rooms",)),
    Field("welcome.name", 40, put_name, empty_key="join.name_empty", long_key="join.name_too_long",
          shown_in=("console",), exported="cell"),
    Field("welcome.team", 40, put_team, empty_key="join.team_empty", long_key="join.team_too_long",
          shown_in=("console",), exported="cell"),
    # ¿Sale más feliz?
    Field("feliz.idea", feliz.IDEA_MAX, put_feliz_idea, multiline=True, shown_in=("console",), exported="cell"),
    # the magic wand
    Field("varita.touchpoint_add", varita.NAME_MAX, put_tp_add, empty_key="varita.tp_empty",
          long_key="varita.tp_too_long", shown_in=("participant",), exported="in"),
    Field("varita.touchpoint_rename", varita.NAME_MAX, put_tp_rename, empty_key="varita.tp_empty",
          long_key="varita.tp_too_long", shown_in=("participant",), exported="in"),
    Field("varita.frictions", 10**9, put_frictions, multiline=True, required=False, frictions=True,
          shown_in=("values",), exported="lines"),
    Field("varita.idea", varita.IDEA_MAX, put_varita_idea, multiline=True, shown_in=("participant", "console"),
          exported="cell"),
    # sacred cows (the verdicts are the facilitator's)
    Field("vacas.cow_name", vacas.NAME_MAX, put_cow("name"), empty_key="vacas.name_empty",
          long_key="vacas.name_too_long", shown_in=("participant", "console"), exported="cell"),
    Field("vacas.cow_rule", vacas.RULE_MAX, put_cow("rule"), multiline=True, required=False,
          long_key="vacas.rule_too_long", shown_in=("participant", "console"), exported="cell"),
    Field("vacas.keep_reason", vacas.ACTION_MAX, put_verdict("keep")),
    Field("vacas.verdict_reason", vacas.ACTION_MAX, put_verdict("reason"), required=False, exported="cell"),
    Field("vacas.verdict_owner", vacas.OWNER_MAX, put_verdict("owner"), empty_key="vacas.owner_missing",
          long_key="vacas.action_too_long", shown_in=("participant", "console"), exported="cell"),
    Field("vacas.verdict_step", vacas.ACTION_MAX, put_verdict("step"), empty_key="vacas.step_missing",
          long_key="vacas.action_too_long", shown_in=("participant", "console"), exported="cell"),
    # customers
    Field("clientes.who", clientes.WHO_MAX, put_customer("who"), empty_key="clientes.who_empty",
          long_key="clientes.who_too_long", shown_in=("participant", "console"), exported="cell"),
    Field("clientes.receives", clientes.TEXT_MAX, put_customer("receives"), shown_in=("participant",), exported="cell"),
    Field("clientes.better", clientes.TEXT_MAX, put_customer("better"), shown_in=("participant", "console"),
          exported="cell"),
    # Clientelitis
    Field("clientelitis.event_title", C.TITLE_MAX, put_event_title, empty_key="clientelitis.title_empty",
          long_key="clientelitis.title_too_long", shown_in=("participant",), exported="json"),
    Field("clientelitis.candidate", C.CANDIDATE_MAX, put_candidate("candidate"),
          empty_key="clientelitis.candidate_empty", long_key="clientelitis.candidate_too_long",
          shown_in=("participant", "console"), exported="cell"),
    Field("clientelitis.notes", C.NOTES_MAX, put_candidate("notes"), required=False, exported="cell"),
]
FIELD = {f.id: f for f in FIELDS}


# -- inert: what may never reach a page ---------------------------------------------------------------
def fragments(text: str) -> set[str]:
    """Every piece of markup in ``text``: 12 characters around each ``<``, specific enough that our own
    markup never contains it. None may reach an HTML widget, a report or a Plotly label unescaped."""
    out = set()
    for i, ch in enumerate(text):
        if ch == "<":
            start = max(0, min(i, len(text) - 12))
            out.add(text[start:start + 12])
    return out


#: Tags no participant text may bring, and no view of ours uses (the QR code is our only ``<svg>``).
DANGEROUS = {"script", "img", "iframe", "frame", "style", "details", "object", "embed", "math", "form", "input",
             "link", "meta", "base", "sub", "sup", "video", "audio", "source", "svg", "a"}


class Markup(HTMLParser):
    """The tags of a page and the attributes that could run script."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: Counter = Counter()
        self.handlers: list = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "script" and ("type", "application/vnd.clientelitis.figure+json") in attrs:
            tag = "script (a chart's data, never run)"  # a breakout from it would be a plain script, counted
        self.tags[tag] += 1
        for name, value in attrs:
            scheme = (value or "").strip().lower()
            if name.startswith("on") or name in ("srcdoc", "formaction") or scheme.startswith(("javascript:", "vbscript:")):
                self.handlers.append((tag, name, value))

    handle_startendtag = handle_starttag


def check_widget_markup(value: str) -> None:
    m = Markup(value)
    assert not m.handlers, (m.handlers, value[:300])
    for tag in DANGEROUS & set(m.tags):
        if tag == "svg" and "cl-qr" in value:
            continue
        if tag == "a" and any(c in value for c in ("cl-join-link", "cl-room-console", "cl-download", "cl-open-projector",
                                                        "cl-kit-link", "cl-kit-back")):
            continue
        pytest.fail(f"<{tag}> in an HTML widget: {value[:300]}")


def check_page(page: str, baseline: str) -> None:
    """A report is inert when it has exactly the dangerous tags and script attributes of the same report
    without participant text (Plotly's own scripts)."""
    got, base = Markup(page), Markup(baseline)
    assert got.handlers == base.handlers
    for tag in DANGEROUS:
        assert got.tags[tag] == base.tags[tag], (tag, got.tags[tag], base.tags[tag])


def without_bundles(page: str) -> str:
    """The page without the inlined plotly.js library (megabytes, the same in every report, no data)."""
    out, at = [], 0
    while (start := page.find("<script", at)) >= 0:
        body = page.index(">", start) + 1
        end = page.index("</script>", body)
        out.append(page[at:body] if end - body > 200_000 else page[at:end])
        at = end
    return "".join(out) + page[at:]


def strings(obj) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in strings(v)]
    if isinstance(obj, (list, tuple)):
        return [s for v in obj for s in strings(v)]
    return []


def figure_strings(fig) -> list[str]:
    return strings(fig.to_plotly_json())


FORMULA = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def unify(text: str) -> str:
    """XLSX is XML: CR and CRLF come back as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_csv(raw: bytes) -> list[str]:
    df = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return [str(c) for c in df.columns] + [v for col in df.columns for v in df[col]]


def read_xlsx(raw: bytes) -> list[str]:
    """The text of every cell; a cell the file itself marks as a formula comes back as ``FORMULA: ...``."""
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    out.append(f"=FORMULA in {ws.title}!{cell.coordinate}: {cell.value}")
                elif isinstance(cell.value, str):
                    out.append(cell.value)
    return out


# -- everything the apps show, built once ---------------------------------------------------------------
class Capture:
    """Every widget created inside the ``with`` block."""

    def __enter__(self):
        self.before = set(_instances)
        return self

    def __exit__(self, *exc):
        self.widgets = [w for k, w in list(_instances.items()) if k not in self.before]

    def html(self) -> list[str]:
        """The HTML of every HTML widget, and of every row (and ↳ line) of the walls' ``Rows`` widgets."""
        rows = [line for w in self.widgets if isinstance(w, Rows) for r in w.rows for line in (r, *r.get("sub", ()))]
        return [w.value for w in self.widgets if isinstance(w, W.HTML)] + [line["html"] for line in rows]

    def values(self) -> list[str]:
        return [w.value for w in self.widgets if isinstance(w, (W.Text, W.Textarea))]

    def plots(self) -> list[str]:
        return [s for w in self.widgets if isinstance(w, Chart) for s in figure_strings(w)]

    def close(self) -> None:
        for w in self.widgets:
            if isinstance(w, W.Widget):
                w.close()


def _drawn_once(to_html):
    """``plotly.io.to_html`` drawing each distinct chart once (keyed by the figure's JSON and the options)."""
    done: dict = {}

    def draw(fig, **kwargs):
        key = (fig.to_json(), json.dumps(kwargs, sort_keys=True, default=str))
        if key not in done:
            done[key] = to_html(fig, **kwargs)
        return done[key]

    return draw


@dataclass
class Shown:
    html: dict[str, list[str]] = field(default_factory=dict)  # group -> every HTML widget value
    joined: dict[str, str] = field(default_factory=dict)
    plots: list[str] = field(default_factory=list)
    plots_joined: str = ""
    values: str = ""
    cells: list[str] = field(default_factory=list)
    cells_unified: set[str] = field(default_factory=set)
    cells_joined: str = ""
    pages: list[tuple[str, str, str]] = field(default_factory=list)  # (what, page, baseline)
    #: (field, case) placed in the display room under another text (a name already taken there...)
    elsewhere: set[tuple[str, str]] = field(default_factory=set)


def ok(field_id: str, case: Case) -> bool:
    return accepted(case.text, FIELD[field_id])


def _build_people_room(store: Store, shown: Shown):
    """One room where case i is a participant whose name and team are the case's text, and where one
    author enters every case into every other field; the console and her pages show all of it."""
    room, key = store.create_room("Sala hostil", INDUSTRY, "es", state={"phase": "", "revealed": True})
    autora, _ = store.join(room, "Autora", "Azul")
    for i, case in enumerate(CORPUS):
        name = case.text if ok("welcome.name", case) else f"P{i}"
        team = case.text if ok("welcome.team", case) else "Azul"
        try:
            person, _ = store.join(room, name, team)
        except StoreError as exc:  # the same name as an earlier case, however spelled
            assert exc.key == "join.name_taken"
            person, _ = store.join(room, f"P{i}", team)
            shown.elsewhere.add(("welcome.name", case.id))
        if person.team != team:  # joined a team an earlier case spelled differently
            shown.elsewhere.add(("welcome.team", case.id))
        store.save_response(person, feliz.EXERCISE, feliz.IDEA_ITEM,
                            feliz.idea(case.text if ok("feliz.idea", case) else f"idea {i}"))
        pick = lambda fid, other: case.text if ok(fid, case) else other  # noqa: E731
        some = lambda *fids: any(ok(fid, case) for fid in fids)  # noqa: E731
        if some("varita.idea"):
            store.save_response(autora, varita.EXERCISE, f"idea:{i}",
                                varita.idea_value("booking", case.text, 3 + i % 3, 3, 1 + i % 5, 5))
        if some("vacas.cow_name", "vacas.cow_rule", "vacas.verdict_reason", "vacas.verdict_owner", "vacas.verdict_step"):
            store.save_response(autora, vacas.EXERCISE, f"cow:{i}", vacas.cow_value(
                pick("vacas.cow_name", f"Vaca {i}"), pick("vacas.cow_rule", ""), "control", ("customers", "both")[i % 2],
                ["delays"], 3))
            store.save_response(autora, vacas.EXERCISE, f"cow_score:{autora.id}:{i}", {"harm": 1 + i % 5, "value": 1 + i % 4})
        if some("clientes.who", "clientes.receives", "clientes.better"):
            store.save_response(autora, clientes.EXERCISE, f"customer:{i}", clientes.customer_value(
                pick("clientes.who", f"Cliente {i}"), clientes.CATEGORIES[i % 6], pick("clientes.receives", f"Recibe {i}"),
                1 + i % 5, pick("clientes.better", f"Mejor {i}")))
        if some("clientelitis.candidate", "clientelitis.notes"):
            store.save_response(autora, C.EXERCISE, f"candidate:{i}", C.candidate_value(
                pick("clientelitis.candidate", f"Candidata {i}"), {trait: 4 for trait in C.TRAITS}, [],
                pick("clientelitis.notes", "")))
        if ok("clientelitis.event_title", case):
            store.update_team_item(autora, C.EXERCISE, C.PLAN,
                                   lambda plan: C.add_event(plan or [], MONTH, case.text, [C.EVERYONE], TODAY), default=[])
    store.save_response(autora, varita.EXERCISE, varita.VOTES, {f"{autora.id}:{i}": 1 for i in range(5)})
    store.save_response(autora, vacas.EXERCISE, vacas.VOTES, {f"{autora.id}:{i}": 1 for i in range(5)})
    cows = {r.item for r in store.responses(room.id, vacas.EXERCISE).itertuples(index=False)}
    verdicts = {}
    for i, case in enumerate(CORPUS):
        if f"cow:{i}" not in cows:
            continue
        verdicts[f"{autora.id}:{i}"] = vacas.verdict_value(
            "exterminate", case.text if ok("vacas.verdict_reason", case) else "",
            case.text if ok("vacas.verdict_owner", case) else "Gerencia",
            case.text if ok("vacas.verdict_step", case) else "Quitarla", DUE, today=TODAY)
    # a duplicate cow merged into the first case's cow: the console lists it under it
    store.save_response(autora, vacas.EXERCISE, "cow:dup", vacas.cow_value("Vaca repetida", "", "control", "both",
                                                                            ["delays"], 3))
    store.update_room_state(room.id, verdicts=verdicts, herd={f"{autora.id}:dup": f"{autora.id}:0"})
    # the magic wand's touchpoints and frictions: teams J0, J1... of up to 12 touchpoints each
    names = [c for c in CORPUS if ok("varita.touchpoint_add", c)]
    rubs = [c for c in CORPUS if ok("varita.frictions", c)]
    members, k = [], 0
    while names or rubs:
        member, _ = store.join(room, f"J{k}", f"J{k}")
        journey, placed = [], []
        for c in list(names):
            if len(journey) == varita.MAX_TOUCHPOINTS:
                break
            try:
                journey = varita.add_touchpoint(journey, c.text)
            except StoreError:  # the same name as another case in this team: next team
                continue
            names.remove(c)
            placed.append(c)
        while len(journey) < min(varita.MAX_TOUCHPOINTS, len(rubs)):
            journey = varita.add_touchpoint(journey, f"Momento {len(journey)}")
        store.update_team_item(member, varita.EXERCISE, varita.JOURNEY, lambda _v, j=journey: j)
        for tp in journey:
            rub = rubs.pop(0).text if rubs else ""
            store.save_response(member, varita.EXERCISE, varita.TODAY_PREFIX + tp["id"], varita.today_answer(2, 4, rub))
        members.append(member)
        k += 1
    return room, key, autora, members


def _build_room_names(store: Store, shown: Shown, tr: Translator) -> list[str]:
    """One room per case named with it: created through the facilitator's form, listed in "your rooms";
    for names with tags, a participant's page and the room's HTML report. (The report's chart, of an empty
    room, holds no participant text: drawn once, the same for every room.)"""
    html, remembered = [], []
    welcome = Page({"org": store.new_organiser_key()}, "/voila/render/00_bienvenida.ipynb", "localhost", "8866")
    form = CreateRoomForm(store, welcome, tr)
    neutral, _ = store.create_room("Sala", INDUSTRY, "es")
    baseline = without_bundles(report.html_report(store, neutral))
    for case in CORPUS:
        if not ok("welcome.room_name", case):
            continue
        form.name.value, form.room = case.text, None
        form.submit()
        if form.room is None and form.button.description == tr("create.button_again"):
            form.submit()  # a name spelled like an earlier room's: the form asks once, the second click creates
        if form.room is None:  # refused after all: the matrix test says why
            continue
        html += [form.notice.value, form.result.children[0].value]
        room = store.update_room_state(form.room.id, phase="")
        remembered.append({"code": room.code, "key": form.key})
        if "<" in case.text:  # markup: greeted on a participant's page; the room's report
            _, token = store.join(room, "Ana", "Azul")
            app = ParticipantApp(store, Page({"room": room.code, "me": token}))
            app.watcher.stop()
            html.append(app.header.value)
            shown.pages.append((f"report of room {case.id}", without_bundles(report.html_report(store, room)), baseline))
    app = WelcomeApp(store, welcome)
    app.participant.bridge.stored = json.dumps(remembered)
    html += [row.children[0].value for row in app.my_rooms.list.children]
    return html


@pytest.fixture(scope="module")
def shown(tmp_path_factory) -> Shown:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('shown') / 'shown.sqlite3'}")
    tr = Translator("es")
    out = Shown()
    with Capture() as rooms, pytest.MonkeyPatch.context() as mp:
        html = _build_room_names(store, out, tr)
    out.html["rooms"] = html + rooms.html()
    room, key, autora, members = _build_people_room(store, out)
    with Capture() as console:  # the console opens, and the facilitator shows every workshop's results
        app = FacilitatorApp(store, Page({"room": room.code, "key": key}))
        app.watcher.stop()
        for exercise in list(app.showing.options):
            app.showing.value = exercise[1]
    with Capture() as pages:
        views = [VacasParticipant(store, room, autora, tr), ClientesParticipant(store, room, autora, tr),
                 ClientelitisParticipant(store, room, autora, tr, today=TODAY)]
        wand = VaritaParticipant(store, room, autora, tr)
        for member in members:  # the same page, for each team's journey
            wand.participant = member
            wand.refresh()
    out.html["console"] = console.html()
    out.html["participant"] = pages.html() + [v.plan.value for v in views[:1]]
    out.values = "\n\x00\n".join(pages.values())
    out.plots = rooms.plots() + console.plots() + pages.plots()
    # exports: the console's files and the sacred-cow action plan
    sheets = export.tables(store, room)
    answers = export.answers_csv(store, room)
    plan = export.action_plan_sheet(app.panel_by_id["vacas"].plan_table, tr)
    out.cells = (read_csv(export.to_csv(answers)) + read_xlsx(export.to_xlsx(sheets))
                 + read_csv(export.to_csv(export.authorship(store, room)))
                 + read_csv(export.to_csv(plan)) + read_xlsx(export.to_xlsx({"plan": plan})))
    neutral, _ = store.create_room("Sala neutra", INDUSTRY, "es")
    store.join(neutral, "Ana", "Azul")
    out.pages.append(("sacred cows report", without_bundles(report.cows_html(store, room)),
                      without_bundles(report.cows_html(store, neutral))))
    out.pages.append(("room report", without_bundles(report.html_report(store, room)),
                      without_bundles(report.html_report(store, neutral))))
    base_team = without_bundles(report.team_design_html(store, neutral, "Azul"))
    for team in ["Azul"] + [m.team for m in members]:
        out.pages.append((f"team {team} report", without_bundles(report.team_design_html(store, room, team)), base_team))
    out.joined = {k: "\n\x00\n".join(v) for k, v in out.html.items()}
    out.plots_joined = "\n\x00\n".join(out.plots)
    out.cells_unified = {unify(c) for c in out.cells}
    out.cells_joined = "\n\x00\n".join(out.cells_unified)
    for cap in (rooms, console, pages):
        cap.close()
    store.dispose()
    return out


# -- the matrix: every case through every field --------------------------------------------------------
@pytest.fixture(scope="module")
def matrix_store(tmp_path_factory):
    s = Store(f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'matrix.sqlite3'}")
    yield s
    s.dispose()


SNAPSHOT = [sa.text(q) for q in (
    "SELECT count(*) FROM rooms",
    "SELECT name, team FROM participants WHERE room_id = :room ORDER BY id",
    "SELECT participant_id, exercise, item, value FROM responses WHERE room_id = :room ORDER BY id",
    "SELECT team, exercise, item, value FROM team_items WHERE room_id = :room ORDER BY id",
    "SELECT name, state, version FROM rooms WHERE id = :room",
)]


def snapshot(x) -> list:
    """Everything a refusal must leave as it was: the rooms, and this room's people, answers and state."""
    with x.store.engine.connect() as conn:
        return [conn.execute(q, {"room": x.room.id}).all() for q in SNAPSHOT]


def assert_message(key: str, kwargs: dict) -> None:
    """The refusal can be said in every language of the apps, each differently."""
    said = set()
    for lang in LANGUAGES:
        assert key in catalog(lang), f"{key} missing in {lang}.json"
        message = t(lang, key, **kwargs)
        assert message.strip() and "{" not in message, message
        said.add(message)
    assert len(said) == len(LANGUAGES)


#: Fields whose cases need a room of their own (names must differ, journeys and plans grow); in the others
#: each case replaces the previous one's answer in one room per field.
OWN_ROOM = {"welcome.name", "welcome.team", "varita.touchpoint_add", "varita.touchpoint_rename",
            "clientelitis.event_title"}


@pytest.fixture(scope="module")
def field_rooms():
    return {}


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
@pytest.mark.parametrize("f", FIELDS, ids=[f.id for f in FIELDS])
def test_case_through_field(f: Field, case: Case, matrix_store, field_rooms, shown):
    store = matrix_store
    if f.id in OWN_ROOM or f.id not in field_rooms:
        room, _ = store.create_room("Sala", INDUSTRY, "es")
        person, _ = store.join(room, "P0", "T0")
        field_rooms[f.id] = room, person
    room, person = field_rooms[f.id]
    x = SimpleNamespace(store=store, room=room, person=person)
    outcome, value, kwargs = expected(case.text, f)
    before = snapshot(x)
    if outcome == "refused":
        with pytest.raises(TextError) as err:
            f.put(x, case.text)
        assert (err.value.key, err.value.kwargs) == (value, kwargs)
        assert_message(err.value.key, err.value.kwargs)
        assert snapshot(x) == before  # nothing stored
        return
    read = f.put(x, case.text)
    stored = read()
    assert type(stored) is type(value) and stored == value  # byte-exact
    # shown: the very text, escaped, where this field shows it (unless the display room holds it under
    # another spelling: a second "Ana" cannot join a room that has one)
    placed = (f.id, case.id) not in shown.elsewhere
    for group in f.shown_in if placed else ():
        if group == "values":
            assert "\n".join(value) in shown.values
        else:
            assert esc(case.text) in shown.joined[group], f"{f.id} not shown in {group}"
    # inert: no markup from it anywhere, in widgets, charts or reports
    for frag in fragments(case.text):
        for group, text in shown.joined.items():
            assert frag not in text, f"raw {frag!r} in {group}"
        assert frag not in shown.plots_joined, f"raw {frag!r} in a chart"
        for what, page, baseline in shown.pages:
            assert page.count(frag) == baseline.count(frag), f"raw {frag!r} in the {what}"
    # exported as typed, formulas neutralised
    if not placed:
        return
    if f.exported == "cell":
        assert unify(cell_safe(case.text)) in shown.cells_unified, f"{f.id} not exported"
    elif f.exported == "in":
        assert unify(case.text) in shown.cells_joined
    elif f.exported == "repr":
        assert all(unify(repr(line)) in shown.cells_joined for line in value)
    elif f.exported == "json":
        assert unify(json.dumps(case.text, ensure_ascii=False)[1:-1]) in shown.cells_joined


def test_policy_examples():
    """The oracle above, pinned on cases whose outcome is obvious (so it cannot drift with the code)."""
    name, idea, rule = FIELD["welcome.name"], FIELD["feliz.idea"], FIELD["vacas.cow_rule"]
    assert expected(CASES["script_tag"].text, name) == ("stored", "<script>alert(1)</script>", {})
    assert expected(CASES["padded"].text, name) == ("stored", "  Ana  ", {})
    assert expected(CASES["nul"].text, idea)[:2] == ("refused", "text.control")
    assert expected(CASES["rlo_override"].text, idea)[:2] == ("refused", "text.bidi")
    assert expected(CASES["newline"].text, name)[:2] == ("refused", "text.one_line")
    assert expected(CASES["newline"].text, idea)[:2] == ("stored", "línea 1\nlínea 2")
    assert expected(CASES["spaces"].text, name)[:2] == ("refused", "join.name_empty")
    assert expected(CASES["spaces"].text, rule)[:2] == ("stored", "     ")  # optional: kept as typed
    assert expected(CASES["zero_width_only"].text, idea)[:2] == ("refused", "text.empty")
    assert expected(CASES["huge_100k"].text, idea) == ("refused", "text.too_long", {"length": 100_000, "max": 280})
    assert expected(CASES["exactly_40"].text, name)[0] == "stored"
    assert expected(CASES["long_word_49"].text, name)[:2] == ("refused", "join.name_too_long")
    outcomes = Counter(expected(c.text, f)[0] for c in CORPUS for f in FIELDS)
    assert outcomes["stored"] > 500 and outcomes["refused"] > 300  # the corpus exercises both


def test_nothing_unescaped_anywhere(shown):
    """No ``$`` (MathJax) and no tag or attribute that runs script, in any HTML widget of any app."""
    for group, values in shown.html.items():
        for value in values:
            assert "$" not in value, (group, value[:300])
            check_widget_markup(value)
    assert not any("$" in s for s in shown.plots)
    for what, page, baseline in shown.pages:
        check_page(page, baseline)


def test_exports_neutralise_formulas(shown):
    for cell in shown.cells:
        assert not cell.startswith(FORMULA) and not cell.lstrip().startswith(FORMULA), repr(cell)
    assert sum(cell.startswith("'") for cell in shown.cells) > 20


# -- Plotly labels, chart by chart -----------------------------------------------------------------------
LABELS = [c.text for c in CORPUS if accepted(c.text, FIELD["vacas.cow_rule"]) and not blank(c.text)]


def _label_figures() -> dict[str, tuple[go.Figure, Callable[[str], list[str]]]]:
    """Every chart builder of ``widgets/ui/charts.py`` fed the corpus as labels, and where each label goes."""
    tr = Translator("es")
    n = len(LABELS)
    nan = float("nan")
    summary = pd.DataFrame({"touchpoint": range(n), "label": LABELS, "n": 1, "enter_mean": 3.0, "enter_std": nan,
                            "leave_mean": [2.0 if i % 2 else 4.0 for i in range(n)], "leave_std": nan,
                            "delta": [-1.0 if i % 2 else 1.0 for i in range(n)], "worse": [bool(i % 2) for i in range(n)]})
    design = pd.DataFrame({"touchpoint": range(n), "label": LABELS, "n": 1, "enter": 3.0, "leave": 2.0, "designed": 4.0,
                           "gain": 2.0, "idea": LABELS, "votes": 1})
    ideas = [varita.Idea(f"1:{i}", 1, "Ana", "Azul", "a", text, 4, 3, 2, 5) for i, text in enumerate(LABELS)]
    board = pd.DataFrame({"key": range(n), "name": LABELS, "rule": "", "kind": "control",
                          "who": [("customers", "colleagues", "both")[i % 3] for i in range(n)], "hunters": 1,
                          "hunter_names": "", "votes": range(n), "harm": 4.0, "value": [1.0 + i % 4 for i in range(n)]})
    rels = pd.DataFrame({"who": LABELS, "category": "boss", "receives": LABELS, "happiness": 3, "better": ""})
    plan = [{"id": str(i), "month": MONTH, "title": text, "audience": ["*"]} for i, text in enumerate(LABELS)]
    waves = [(text, {"skills_mean": 3.0, "happiness_delta": 0.5, "cows_gone": 2}) for text in LABELS]
    whole = lambda text: [plot_text(text)]  # noqa: E731
    short = lambda k: lambda text: [plot_text(charts._short(text, k))]  # noqa: E731
    return {
        "happiness_dumbbell": (feliz_charts.happiness_dumbbell(summary, tr, title=LABELS[0]), whole),
        "emotion_curve": (varita_charts.emotion_curve(design, tr), lambda text: plot_lines(text, 12)),  # wrapped, all of it
        "gain_dumbbell": (varita_charts.gain_dumbbell(design, tr), whole),
        "ideas_matrix": (varita_charts.ideas_matrix(ideas, {}, tr, quick_win=varita.quick_win), whole),
        "cow_matrix": (vacas_charts.cow_matrix(board, tr, in_zone=vacas.exterminate_zone), short(28)),
        "cow_leaderboard": (vacas_charts.cow_leaderboard(board, tr, top=n), short(40)),
        "value_chain": (clientes_charts.value_chain(rels, tr), whole),
        "plan_timeline": (clientelitis_charts.plan_timeline(plan, TODAY, tr), whole),
        "waves_chart": (clientelitis_charts.waves_chart(waves, tr), lambda text: plot_lines(text, 14)),  # wrapped, all of it
    }


@pytest.fixture(scope="module")
def label_figures():
    return _label_figures()


@pytest.mark.parametrize("chart", ["happiness_dumbbell", "emotion_curve", "gain_dumbbell", "ideas_matrix", "cow_matrix",
                                   "cow_leaderboard", "value_chain", "plan_timeline", "waves_chart"])
def test_chart_labels_are_escaped(chart, label_figures):
    fig, where = label_figures[chart]
    found = figure_strings(fig)
    joined = "\n\x00\n".join(found)
    assert not any("$" in s for s in found)
    missing, raw = [], []
    for text in LABELS:
        if not all(any(w in s for s in found) for w in where(text)):
            missing.append(text[:30])
        raw += [frag for frag in fragments(text) if frag in joined]
    assert not raw, f"unescaped markup in {chart}: {raw}"
    assert not missing, f"labels not shown (escaped) in {chart}: {missing}"


# -- through the apps' own widgets: a refusal keeps everything typed ---------------------------------------
@dataclass(frozen=True)
class UiField:
    """A text box of an app: ``fill`` types ``text`` in it (and whatever else the form needs) and returns
    every widget it set with its value; ``submit`` presses the button; ``stored`` lists what the store
    holds for this field."""

    id: str
    fill: Callable
    submit: Callable
    notice: Callable
    stored: Callable
    undo: Callable | None = None  # what an accepted case leaves that would refuse the next (a duplicate name)


def _texts(ui, exercise: str, part: str) -> list:
    df = ui.store.responses(ui.room.id, exercise, participant_id=ui.autora.id)
    return [v.get(part) for v in df["value"] if isinstance(v, dict) and part in v]


def _journey_names(ui) -> list[str]:
    return [tp["name"] for tp in ui.wand.journey]


def _set(**widgets_values) -> dict:
    for w, v in widgets_values.values():
        w.value = v
    return {w: v for w, v in widgets_values.values()}


def _fill_cow(ui, name, rule):
    v = ui.cows
    typed = _set(name=(v.name, name), rule=(v.rule, rule), kind=(v.kind, "control"), who=(v.who, "both"),
                 freq=(v.freq, 3), how=(v.how, ["delays"]))
    return typed


def _fill_verdict(ui, decision, reason, owner, step):
    p = ui.verdicts
    p.refresh()
    return _set(cow=(p.verdict_cow, ui.cow_key), decision=(p.decision, decision), reason=(p.reason, reason),
                owner=(p.owner, owner), step=(p.step, step),
                due=(p.due, None if decision == "keep" else dt.date.today() + dt.timedelta(days=30)))


def _fill_customer(ui, part, text):
    v = ui.customers
    values = {"who": "Mi jefa", "receives": "El cierre", "better": "Avisar antes", part: text}
    return _set(who=(v.who, values["who"]), receives=(v.receives, values["receives"]), better=(v.better, values["better"]),
                category=(v.category, "boss"), happiness=(v.happiness, 3))


def _fill_candidate(ui, candidate, notes):
    v = ui.clinic
    typed = _set(candidate=(v.candidate, candidate), notes=(v.notes, notes))
    for trait, w in v.trait_scales.items():
        w.value = 4
        typed[w] = 4
    return typed


def _rename_box(ui):
    return ui.wand.journey_rows.children[0].children[1]


def _frictions_box(ui):
    return ui.wand.today_widgets[ui.wand.journey[0]["id"]][2]


UI_FIELDS = {
    "welcome.room_name": UiField(
        "welcome.room_name", lambda ui, text: _set(name=(ui.create.name, text)), lambda ui: ui.create.submit(),
        lambda ui: ui.create.notice, lambda ui: [r.name for r in ui.store.list_rooms()]),
    "welcome.name": UiField(
        "welcome.name", lambda ui, text: _set(code=(ui.join.code, ui.room.code), name=(ui.join.name, text),
                                              team=(ui.join.team, "Azul")),
        lambda ui: ui.join.submit(), lambda ui: ui.join.notice, lambda ui: list(ui.store.participants(ui.room.id)["name"])),
    "welcome.team": UiField(
        "welcome.team", lambda ui, text: _set(code=(ui.join.code, ui.room.code), name=(ui.join.name, f"T{len(text)}-{hash(text) % 10**6}"),
                                              team=(ui.join.team, text)),
        lambda ui: ui.join.submit(), lambda ui: ui.join.notice, lambda ui: list(ui.store.participants(ui.room.id)["team"])),
    "feliz.idea": UiField(
        "feliz.idea", lambda ui, text: _set(idea=(ui.feliz.idea_text, text)), lambda ui: ui.feliz.send_idea(),
        lambda ui: ui.feliz.idea_notice, lambda ui: _texts(ui, feliz.EXERCISE, "text")),
    "varita.touchpoint_add": UiField(
        "varita.touchpoint_add", lambda ui, text: _set(tp=(ui.wand.new_tp, text)), lambda ui: ui.wand.add_tp.click(),
        lambda ui: ui.wand.notice, _journey_names,
        undo=lambda ui: ui.store.update_team_item(ui.autora, varita.EXERCISE, varita.JOURNEY, lambda j: j[:-1])),
    "varita.touchpoint_rename": UiField(  # typing in the name box saves it: no button
        "varita.touchpoint_rename", lambda ui, text: _set(tp=(_rename_box(ui), text)), lambda ui: None,
        lambda ui: ui.wand.notice, lambda ui: _journey_names(ui)[:1]),
    "varita.frictions": UiField(  # saved when the box loses focus: no button
        "varita.frictions", lambda ui, text: _set(rubs=(_frictions_box(ui), text)), lambda ui: None,
        lambda ui: ui.wand.notice,
        lambda ui: [v.get("frictions") for v in ui.store.responses(ui.room.id, varita.EXERCISE, participant_id=ui.autora.id)
                    .set_index("item")["value"].reindex([varita.TODAY_PREFIX + ui.wand.journey[0]["id"]]).dropna()]),
    "varita.idea": UiField(
        "varita.idea", lambda ui, text: _set(idea=(ui.wand.idea_text, text), d=(ui.wand.delight, 3), u=(ui.wand.unique, 3),
                                             e=(ui.wand.effort, 3), p=(ui.wand.predicted, 3)),
        lambda ui: ui.wand.submit_idea(), lambda ui: ui.wand.notice, lambda ui: _texts(ui, varita.EXERCISE, "text")),
    "vacas.cow_name": UiField(
        "vacas.cow_name", lambda ui, text: _fill_cow(ui, text, "Regla"), lambda ui: ui.cows.submit(),
        lambda ui: ui.cows.notice, lambda ui: _texts(ui, vacas.EXERCISE, "name")),
    "vacas.cow_rule": UiField(
        "vacas.cow_rule", lambda ui, text: _fill_cow(ui, "Vaca", text), lambda ui: ui.cows.submit(),
        lambda ui: ui.cows.notice, lambda ui: _texts(ui, vacas.EXERCISE, "rule")),
    "vacas.keep_reason": UiField(
        "vacas.keep_reason", lambda ui, text: _fill_verdict(ui, "keep", text, "", ""), lambda ui: ui.verdicts.submit_verdict(),
        lambda ui: ui.verdicts.verdict_notice, lambda ui: [ui.store.room(ui.room.id).state.get("verdicts", {}).get(ui.cow_key, {}).get("reason")]),
    "vacas.verdict_owner": UiField(
        "vacas.verdict_owner", lambda ui, text: _fill_verdict(ui, "exterminate", "", text, "Quitarla"),
        lambda ui: ui.verdicts.submit_verdict(), lambda ui: ui.verdicts.verdict_notice,
        lambda ui: [ui.store.room(ui.room.id).state.get("verdicts", {}).get(ui.cow_key, {}).get("owner")]),
    "vacas.verdict_step": UiField(
        "vacas.verdict_step", lambda ui, text: _fill_verdict(ui, "rewrite", "", "Gerencia", text),
        lambda ui: ui.verdicts.submit_verdict(), lambda ui: ui.verdicts.verdict_notice,
        lambda ui: [ui.store.room(ui.room.id).state.get("verdicts", {}).get(ui.cow_key, {}).get("step")]),
    **{f"clientes.{part}": UiField(
        f"clientes.{part}", lambda ui, text, part=part: _fill_customer(ui, part, text), lambda ui: ui.customers.submit(),
        lambda ui: ui.customers.notice, lambda ui, part=part: _texts(ui, clientes.EXERCISE, part))
       for part in ("who", "receives", "better")},
    "clientelitis.event_title": UiField(
        "clientelitis.event_title", lambda ui, text: _set(month=(ui.clinic.month, "2027-01"),
                                                          title=(ui.clinic.event_title, text), all=(ui.clinic.everyone, True)),
        lambda ui: ui.clinic.submit_event(), lambda ui: ui.clinic.notice,
        lambda ui: [e["title"] for e in ui.clinic.plan]),
    "clientelitis.candidate": UiField(
        "clientelitis.candidate", lambda ui, text: _fill_candidate(ui, text, ""), lambda ui: ui.clinic.submit_candidate(),
        lambda ui: ui.clinic.notice, lambda ui: _texts(ui, C.EXERCISE, "candidate")),
    "clientelitis.notes": UiField(
        "clientelitis.notes", lambda ui, text: _fill_candidate(ui, "Pedro", text), lambda ui: ui.clinic.submit_candidate(),
        lambda ui: ui.clinic.notice, lambda ui: _texts(ui, C.EXERCISE, "notes")),
}
UI_CASES = ["script_tag", "padded", "nul", "rlo_override", "huge_100k", "spaces", "newline"]


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    """Every app's page for one participant of an English room, and the facilitator's panels."""
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('ui') / 'ui.sqlite3'}")
    room, key = store.create_room("Room", INDUSTRY, "en", state={"phase": "", "revealed": True})
    autora, _ = store.join(room, "Autora", "Azul")
    store.save_response(autora, vacas.EXERCISE, "cow:base", vacas.cow_value("Vaca base", "", "control", "both", ["delays"], 3))
    tr = Translator("en")
    page = Page({}, "/voila/render/00_bienvenida.ipynb", "localhost", "8866")
    with Capture() as cap:
        ns = SimpleNamespace(
            store=store, room=room, autora=autora, cow_key=f"{autora.id}:base", joined=[],
            create=CreateRoomForm(store, Page({"org": store.new_organiser_key()}, page.script_name, "localhost", "8866"), tr),
            feliz=FelizParticipant(store, room, autora, tr), wand=VaritaParticipant(store, room, autora, tr),
            cows=VacasParticipant(store, room, autora, tr), customers=ClientesParticipant(store, room, autora, tr),
            clinic=ClientelitisParticipant(store, room, autora, tr, today=TODAY),
            verdicts=VacasFacilitator(store, room, tr), waves=ClientelitisFacilitator(store, room, tr, today=TODAY))
        ns.join = JoinForm(store, Translator("es"), lambda r, p, t_: ns.joined.append(p), code=room.code)
    yield ns
    cap.close()
    store.dispose()


def _notice_says(notice, lang: str, key: str, kwargs: dict) -> None:
    assert notice.kind == "error", notice.message
    assert notice.message == t(lang, key, **kwargs)


@pytest.mark.parametrize("case", [CASES[c] for c in UI_CASES], ids=UI_CASES)
@pytest.mark.parametrize("field_id", list(UI_FIELDS))
def test_typed_in_the_app(field_id: str, case: Case, ui):
    """Typed into the app's own text box: refused with the message in the room's language (English here)
    and every field keeps what was typed; or saved exactly as typed."""
    spec, f = UI_FIELDS[field_id], FIELD[field_id]
    outcome, value, kwargs = expected(case.text, f)
    x = SimpleNamespace(store=ui.store, room=ui.room)
    before = snapshot(x)
    typed = spec.fill(ui, case.text)
    spec.submit(ui)
    if outcome == "refused":
        _notice_says(spec.notice(ui), "en", value, kwargs)
        assert {w: w.value for w in typed} == typed  # nothing typed is lost
        if field_id != "welcome.room_name":
            assert snapshot(x) == before
        assert case.text not in spec.stored(ui) or field_id.startswith("vacas.")  # a verdict may hold it already
    else:
        assert spec.notice(ui).kind != "error", spec.notice(ui).message
        assert value in spec.stored(ui)
        if spec.undo:
            spec.undo(ui)


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_room_code_field_refuses_with_a_message(case: Case, ui):
    """The room code box (and a room code in a link) never finds a room with any of these; the message
    never shows the typed text raw, and name and team stay as typed."""
    x = SimpleNamespace(store=ui.store, room=ui.room)
    before = snapshot(x)
    form = ui.join
    typed = _set(code=(form.code, case.text), name=(form.name, "Zoe"), team=(form.team, "Azul"))
    form.submit()
    # Six letters and digits are read as a code that does not exist; anything else does not look like one.
    key = ("join.code_empty" if not case.text.strip() else
           "join.unknown_room" if len(shown_code(case.text)) == CODE_LENGTH else "join.code_malformed")
    _notice_says(form.notice, "es", key, {"code": shown_code(case.text)})  # the room is unknown: the page's language
    assert {w: w.value for w in typed} == typed and snapshot(x) == before
    with Capture() as cap:
        app = ParticipantApp(ui.store, Page({"room": case.text}))
    try:
        for value in [app.notice.value, *cap.html()]:
            assert "$" not in value and not any(frag in value for frag in fragments(case.text))
            check_widget_markup(value)
        assert app.notice.kind == "error" or not case.text.strip()
    finally:
        cap.close()


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_previous_wave_link_refuses_with_a_message(case: Case, ui):
    """The facilitator's "earlier wave" box takes a console link; anything else is refused, kept in the box."""
    panel = ui.waves
    state = ui.store.room(ui.room.id).state
    panel.previous.value = case.text
    panel.link_previous()
    _notice_says(panel.notice, "en", "clientelitis.link_bad", {})
    assert panel.previous.value == case.text and ui.store.room(ui.room.id).state == state


def test_csv_cells_with_line_breaks_stay_one_cell():
    """A CR inside a cell must not start a new CSV row (which could then begin with ``=``)."""
    texts = [c.text for c in CORPUS if accepted(c.text, FIELD["feliz.idea"])]
    raw = export.to_csv(pd.DataFrame({"Texto": texts}))
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)["Texto"].tolist()
    assert back == [cell_safe(text) for text in texts]
