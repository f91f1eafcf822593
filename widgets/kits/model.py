"""Workshop kits: an organisation's own content for every workshop (pure model, no database).

A kit holds the customer and the journey (touchpoints with hints), the sacred-cow catalog and the prompts of
the hunt, the service skills assessed and the hiring profile (traits and red flags), each text in Spanish,
English or both. The 16 industries in ``data/`` are the kits that ship with the product; a facilitator's kit
starts from one of them.

A kit is edited as seven pandas tables (:data:`COLUMNS`), one row per item and one column per language, and
becomes a :class:`Kit` only through :func:`build`, which checks every row and names the row of each problem.
A kit's languages are those its texts are written in: a kit in one language is complete in it, a kit in two
is complete in both. Ids left blank are made from the names. A room keeps a copy of its kit (``to_dict``).
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd

from widgets import config
from widgets.i18n import LANGUAGES, catalog as i18n_catalog, pick
from widgets.ui.text import TextError, text_key, validate_text

FORMAT = "clientelitis-kit"
#: The newest kit format this version reads and writes.
VERSION = 1
#: The articles' service skills, then the two things every collaborator must learn (the default list).
SKILLS = ("communication", "teamwork", "people", "problems", "speed", "complaints", "empowered",
          "expertise", "wellbeing")
TRAITS = ("smart", "sociable", "kind", "problem_solver", "likes_people")
FLAGS = ("slow", "troll", "dislikes_people", "blames_customers", "rigid")
KINDS = ("policy", "process", "control", "system", "procedure")
WHO = ("customers", "colleagues", "both")
HOW = ("delays", "traps", "annoys", "angers", "drives_away")

#: The tables of a kit and their columns (``_es`` / ``_en``: the text in that language).
COLUMNS: dict[str, tuple[str, ...]] = {
    "kit": ("id", "name_es", "name_en", "customer_es", "customer_en", "internal", "based_on"),
    "touchpoints": ("id", "name_es", "name_en", "hint_es", "hint_en"),
    "cows": ("name_es", "name_en", "rule_es", "rule_en", "kind", "who", "how"),
    "prompts": ("text_es", "text_en"),
    "skills": ("id", "name_es", "name_en", "short_es", "short_en"),
    "traits": ("id", "name_es", "name_en"),
    "flags": ("id", "name_es", "name_en"),
}
#: Rows each table may hold (the kit table has exactly one).
COUNTS = {"kit": (1, 1), "touchpoints": (3, 12), "cows": (0, 40), "prompts": (1, 6), "skills": (3, 12),
          "traits": (2, 10), "flags": (0, 10)}
#: Each text field: (maximum length, required, several lines allowed). Limits match the workshops' own fields.
TEXTS = {
    ("kit", "name"): (80, True, False), ("kit", "customer"): (40, True, False),
    ("touchpoints", "name"): (40, True, False), ("touchpoints", "hint"): (160, False, False),
    ("cows", "name"): (80, True, False), ("cows", "rule"): (280, False, True),
    ("prompts", "text"): (160, True, False),
    ("skills", "name"): (60, True, False), ("skills", "short"): (20, False, False),
    ("traits", "name"): (60, True, False), ("flags", "name"): (60, True, False),
}
#: Tables whose names must differ from each other (spelling aside), in each language.
UNIQUE = {"touchpoints": "name", "cows": "name", "prompts": "text", "skills": "name", "traits": "name", "flags": "name"}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
CHOICES = {"kind": KINDS, "who": WHO, "how": HOW}


# -- a checked kit ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Touchpoint:
    id: str
    name: str
    hint: str


@dataclass(frozen=True)
class Kit:
    """A checked kit (made by :func:`build` or :func:`shipped`); ``data`` is its JSON form."""

    data: dict
    shipped: bool = False

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def langs(self) -> tuple[str, ...]:
        return tuple(self.data["langs"])

    def title(self, lang: str) -> str:
        return pick(self.data["name"], lang)

    def customer(self, lang: str) -> str:
        return pick(self.data["customer"], lang)

    def touchpoints(self, lang: str) -> list[Touchpoint]:
        return [Touchpoint(t["id"], pick(t["name"], lang), pick(t["hint"], lang)) for t in self.data["touchpoints"]]

    def catalog(self, lang: str) -> list[dict]:
        """Common sacred cows in ``lang``: name, rule, kind, who, how (as the hunt offers them)."""
        return [{"name": pick(c["name"], lang), "rule": pick(c["rule"], lang), "kind": c["kind"], "who": c["who"],
                 "how": list(c["how"])} for c in self.data["cows"]]

    def prompts(self, lang: str) -> list[str]:
        return [pick(p, lang) for p in self.data["prompts"]]

    @property
    def skills(self) -> tuple[str, ...]:
        return tuple(s["id"] for s in self.data["skills"])

    @property
    def traits(self) -> tuple[str, ...]:
        return tuple(s["id"] for s in self.data["traits"])

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(s["id"] for s in self.data["flags"])

    def label(self, table: str, item: str, lang: str, short: bool = False) -> str:
        """The name of a skill, trait or flag in ``lang`` (a skill's short name with ``short``); an id the kit
        does not hold (an answer given with an earlier kit) is shown as the product's own name for it, or as is."""
        for row in self.data[table]:
            if row["id"] == item:
                return (pick(row.get("short"), lang) if short else "") or pick(row["name"], lang)
        key = {"skills": "clientelitis.skill_short." if short else "clientelitis.skill.",
               "traits": "clientelitis.trait.", "flags": "clientelitis.flag."}[table] + item
        return str(i18n_catalog(lang).get(key, item))

    def labels(self, table: str, lang: str, short: bool = False) -> dict[str, str]:
        return {row["id"]: self.label(table, row["id"], lang, short) for row in self.data[table]}

    def to_dict(self) -> dict:
        return copy.deepcopy(self.data)

    def to_json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, indent=2) + "\n"


# -- the kits that ship with the product --------------------------------------------------------------
def _both(key: str) -> dict:
    return {lang: str(i18n_catalog(lang)[key]) for lang in LANGUAGES}


@lru_cache(maxsize=None)
def _shipped_data(industry: str) -> dict | None:
    """Read once per process; a :class:`Kit`'s ``data`` is never changed in place (``to_dict`` copies it)."""
    path = config.DATA_DIR / "journeys" / f"{industry}.json"
    if not path.exists():
        return None
    journey = json.loads(path.read_text(encoding="utf-8"))
    cows_path = config.DATA_DIR / "cows" / f"{industry}.json"
    cows = json.loads(cows_path.read_text(encoding="utf-8"))["cows"] if cows_path.exists() else []
    return {
        "format": FORMAT, "version": VERSION, "id": journey["id"], "name": journey["name"], "langs": list(LANGUAGES),
        "customer": journey["customer"], "internal": bool(journey.get("internal")), "based_on": journey["id"],
        "touchpoints": [{"id": t["id"], "name": t["name"], "hint": t["hint"]} for t in journey["touchpoints"]],
        "cows": [{"name": c["name"], "rule": c["rule"], "kind": c["kind"], "who": c["who"], "how": list(c["how"])}
                 for c in cows],
        "prompts": [_both(f"vacas.prompt.{n}") for n in (1, 2, 3)],
        "skills": [{"id": s, "name": _both(f"clientelitis.skill.{s}"), "short": _both(f"clientelitis.skill_short.{s}")}
                   for s in SKILLS],
        "traits": [{"id": t, "name": _both(f"clientelitis.trait.{t}")} for t in TRAITS],
        "flags": [{"id": f, "name": _both(f"clientelitis.flag.{f}")} for f in FLAGS],
    }


@lru_cache(maxsize=1)
def shipped_ids() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in (config.DATA_DIR / "journeys").glob("*.json")))


def shipped(industry: str) -> Kit | None:
    """The kit of one of the industries that ship with the product, or ``None``."""
    data = _shipped_data(industry)
    return Kit(data, shipped=True) if data else None


def default() -> Kit:
    return shipped("restaurant")


# -- tables -------------------------------------------------------------------------------------------
def _texts(d: dict | None, name: str) -> dict[str, str]:
    d = d or {}
    return {f"{name}_{lang}": d.get(lang, "") for lang in LANGUAGES}


def to_tables(kit: Kit | dict) -> dict[str, pd.DataFrame]:
    """A kit as seven DataFrames of text (blank: ``""``), ready to edit."""
    d = kit.data if isinstance(kit, Kit) else kit
    rows = {
        "kit": [{"id": d["id"], **_texts(d["name"], "name"), **_texts(d["customer"], "customer"),
                 "internal": bool(d.get("internal")), "based_on": d.get("based_on", "")}],
        "touchpoints": [{"id": t["id"], **_texts(t["name"], "name"), **_texts(t["hint"], "hint")} for t in d["touchpoints"]],
        "cows": [{**_texts(c["name"], "name"), **_texts(c["rule"], "rule"), "kind": c["kind"], "who": c["who"],
                  "how": ", ".join(c["how"])} for c in d["cows"]],
        "prompts": [_texts(p, "text") for p in d["prompts"]],
        "skills": [{"id": s["id"], **_texts(s["name"], "name"), **_texts(s.get("short"), "short")} for s in d["skills"]],
        "traits": [{"id": s["id"], **_texts(s["name"], "name")} for s in d["traits"]],
        "flags": [{"id": s["id"], **_texts(s["name"], "name")} for s in d["flags"]],
    }
    return {name: pd.DataFrame(rows[name], columns=list(cols), dtype=object) for name, cols in COLUMNS.items()}


def blank_from(base: Kit) -> dict[str, pd.DataFrame]:
    """The tables of a new kit that starts from ``base``: its content, without its id and name."""
    tables = to_tables(base)
    tables["kit"].loc[0, ["id", "name_es", "name_en"]] = ["", "", ""]
    tables["kit"].loc[0, "based_on"] = base.data.get("based_on") or base.id
    return tables


# -- checking -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """What is wrong in a kit, and where: ``row`` counts from 1 as a person reads a table."""

    table: str
    key: str
    row: int | None = None
    column: str | None = None
    kwargs: dict = field(default_factory=dict)
    #: Read from a workbook: the row is also given as the sheet's (its first row holds the column names).
    sheet: bool = False

    def message(self, tr, labels=None) -> str:
        """In ``tr``'s language; ``labels(column)`` names a column as the reader sees it (a form's label), by
        default its name in the tables."""
        shown = {k: tr(v) if k == "language" else ", ".join(tr(o) for o in v) if k == "options" else v
                 for k, v in self.kwargs.items()}
        what = tr(self.key, **shown)
        where = tr(f"kit.table.{self.table}")
        if self.row is not None:
            where = tr("kit.where_sheet_row" if self.sheet else "kit.where_row", table=where,
                       row=self.row + 1 if self.sheet else self.row, sheet=self.table)
        if self.column:
            where = tr("kit.where_column", where=where, column=labels(self.column) if labels else self.column)
        return tr("kit.problem", where=where, what=what)


class KitError(ValueError):
    """A kit (or a kit file) that cannot be used; ``problems`` says what and where."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.key for p in problems))
        self.problems = problems

    def messages(self, tr) -> list[str]:
        return [p.message(tr) for p in self.problems]


def _cell(value: Any) -> str:
    """A table cell as text: blank for missing (pandas' NaN, None)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:40].strip("-")


def _truthy(value: Any) -> bool:
    return value is True or text_key(_cell(value)) in ("true", "1", "yes", "si", "sí", "x", "verdadero")


class _Checker:
    def __init__(self, tables: dict[str, pd.DataFrame]):
        self.problems: list[Problem] = []
        self.rows: dict[str, list[dict[str, str]]] = {}
        for name, cols in COLUMNS.items():
            frame = tables.get(name)
            if frame is None:
                self.problems.append(Problem(name, "kit.p.missing_table"))
                self.rows[name] = []
                continue
            missing = [c for c in cols if c not in frame.columns]
            for c in missing:
                self.problems.append(Problem(name, "kit.p.missing_column", column=c))
            self.rows[name] = [{c: (row.get(c) if c == "internal" else _cell(row.get(c))) for c in cols}
                               for row in frame.to_dict("records")]
        self.langs = [lang for lang in LANGUAGES
                      if any(v.strip() for rows in self.rows.values() for r in rows
                             for c, v in r.items() if c.endswith(f"_{lang}") and isinstance(v, str))]

    def add(self, table: str, key: str, row: int | None = None, column: str | None = None, **kwargs) -> None:
        self.problems.append(Problem(table, key, row, column, kwargs))

    def texts(self, table: str, i: int, row: dict, name: str) -> dict[str, str]:
        """One text field in the kit's languages: checked, then kept exactly as typed."""
        max_len, required, multiline = TEXTS[(table, name)]
        present = [lang for lang in self.langs if row[f"{name}_{lang}"].strip()]
        out = {}
        for lang in LANGUAGES:
            column = f"{name}_{lang}"
            value = row[column]
            if lang not in self.langs:
                continue
            if isinstance(value, NotText):
                self.add(table, "kit.p.not_text", i, column, value=str(value))
                out[lang] = ""
                continue
            if not value.strip():
                if (table, name) == ("kit", "name") and present:
                    out[lang] = ""  # a name (often a proper noun) may be written once, for both languages
                    continue
                if (table, name) == ("kit", "name") and lang != self.langs[0]:
                    continue  # said once, on the first language's column
                if required or present:
                    self.add(table, "kit.p.missing_lang" if present and len(self.langs) > 1 else "kit.p.empty",
                             i, column, language=f"kit.lang.{lang}")
                out[lang] = ""
                continue
            try:
                out[lang] = validate_text(value, max_len, multiline=multiline)
            except TextError as exc:
                self.add(table, "kit.p." + exc.key.split(".", 1)[1], i, column, **exc.kwargs)
                out[lang] = value
        return out

    def ids(self, table: str, rows: list[dict], names: list[dict], prefix: str) -> list[str]:
        """Each row's id: as written, or made from its name; every id once."""
        taken = {r["id"] for r in rows if r["id"].strip()}
        out = []
        for i, (row, name) in enumerate(zip(rows, names), start=1):
            given = row["id"].strip()
            if isinstance(row["id"], NotText):
                self.add(table, "kit.p.not_text", i, "id", value=str(row["id"]))
            elif given:
                if not ID_RE.match(given):
                    self.add(table, "kit.p.bad_id", i, "id", value=given)
                elif given in out:
                    self.add(table, "kit.p.duplicate", i, "id", text=given, other=out.index(given) + 1)
                out.append(given)
                continue
            base = slug(next((v for v in name.values() if v), "")) or f"{prefix}{i}"
            made, n = base, 2
            while made in taken or made in out:
                made, n = f"{base[:36]}-{n}", n + 1
            out.append(made)
        return out

    def unique(self, table: str, items: list[dict], name: str) -> None:
        for lang in self.langs:
            seen: dict[str, int] = {}
            for i, item in enumerate(items, start=1):
                value = item[name].get(lang, "")
                key = text_key(value)
                if not key:
                    continue
                if key in seen:
                    self.add(table, "kit.p.duplicate", i, f"{name}_{lang}", text=value, other=seen[key])
                else:
                    seen[key] = i

    def choice(self, table: str, i: int, column: str, raw: str, many: bool = False) -> list[str]:
        options = CHOICES[column]
        labels = {}
        for lang in LANGUAGES:
            cat = i18n_catalog(lang)
            for o in options:
                labels[text_key(cat.get(f"vacas.{column}.{o}", o))] = o
                labels[text_key(o)] = o
        parts = [p for p in re.split(r"[,;\n]", raw)] if many else [raw]
        found = []
        for part in parts:
            if not part.strip():
                continue
            value = labels.get(text_key(part))
            if value is None:
                self.add(table, "kit.p.bad_choice", i, column, value=part.strip(),
                         options=[f"vacas.{column}.{o}" for o in options])
            elif value not in found:
                found.append(value)
        if not found and not any(p.table == table and p.row == i and p.column == column for p in self.problems):
            self.add(table, "kit.p.choose", i, column, options=[f"vacas.{column}.{o}" for o in options])
        return found


def build(tables: dict[str, pd.DataFrame], *, reserved: tuple[str, ...] | None = None) -> Kit:
    """The kit these tables describe, or a :class:`KitError` listing every problem with its table and row.

    ``reserved``: ids a new kit may not take (by default the shipped industries', so a saved kit never hides
    one of them)."""
    c = _Checker(tables)
    reserved = shipped_ids() if reserved is None else reserved
    if not c.langs:
        c.add("kit", "kit.p.no_lang")
    for name, (low, high) in COUNTS.items():
        n = len(c.rows[name])
        if not low <= n <= high and not (name == "kit" and n == 0 and any(p.table == "kit" for p in c.problems)):
            c.add(name, "kit.p.count", n=n, min=low, max=high)
    if c.problems and not c.langs or any(p.key in ("kit.p.missing_table", "kit.p.missing_column") for p in c.problems):
        raise KitError(c.problems)

    head = c.rows["kit"][0] if c.rows["kit"] else {k: "" for k in COLUMNS["kit"]}
    name = c.texts("kit", 1, head, "name")
    customer = c.texts("kit", 1, head, "customer")
    kit_id = head["id"].strip()
    if isinstance(head["id"], NotText):
        c.add("kit", "kit.p.not_text", 1, "id", value=str(head["id"]))
    elif kit_id:
        if not ID_RE.match(kit_id):
            c.add("kit", "kit.p.bad_id", 1, "id", value=kit_id)
    else:
        base = slug(next((v for v in name.values() if v), "")) or "kit"
        kit_id, n = base, 2
        while kit_id in reserved:
            kit_id, n = f"{base[:36]}-{n}", n + 1
    if kit_id in reserved:
        c.add("kit", "kit.p.reserved_id", 1, "id", value=kit_id)
    based_on = head["based_on"].strip()
    if based_on and not ID_RE.match(based_on):
        c.add("kit", "kit.p.bad_id", 1, "based_on", value=based_on)

    def items(table: str, fields: tuple[str, ...]) -> list[dict]:
        return [{f: c.texts(table, i, r, f) for f in fields} for i, r in enumerate(c.rows[table], start=1)]

    tps = items("touchpoints", ("name", "hint"))
    cows = items("cows", ("name", "rule"))
    prompts = items("prompts", ("text",))
    skills = items("skills", ("name", "short"))
    traits = items("traits", ("name",))
    flags = items("flags", ("name",))
    for table, rows in (("touchpoints", tps), ("cows", cows), ("prompts", prompts), ("skills", skills),
                        ("traits", traits), ("flags", flags)):
        c.unique(table, rows, UNIQUE[table])
    tp_ids = c.ids("touchpoints", c.rows["touchpoints"], [t["name"] for t in tps], "tp")
    skill_ids = c.ids("skills", c.rows["skills"], [s["name"] for s in skills], "skill")
    trait_ids = c.ids("traits", c.rows["traits"], [s["name"] for s in traits], "trait")
    flag_ids = c.ids("flags", c.rows["flags"], [s["name"] for s in flags], "flag")
    for i, (cow, row) in enumerate(zip(cows, c.rows["cows"]), start=1):
        cow["kind"] = (c.choice("cows", i, "kind", row["kind"]) or [""])[0]
        cow["who"] = (c.choice("cows", i, "who", row["who"]) or [""])[0]
        cow["how"] = c.choice("cows", i, "how", row["how"], many=True)
    if c.problems:
        raise KitError(c.problems)
    data = {
        "format": FORMAT, "version": VERSION, "id": kit_id, "name": name, "langs": list(c.langs),
        "customer": customer, "internal": _truthy(head["internal"]), "based_on": head["based_on"].strip(),
        "touchpoints": [{"id": i, **t} for i, t in zip(tp_ids, tps)],
        "cows": cows,
        "prompts": [p["text"] for p in prompts],
        "skills": [{"id": i, **s} for i, s in zip(skill_ids, skills)],
        "traits": [{"id": i, **s} for i, s in zip(trait_ids, traits)],
        "flags": [{"id": i, **s} for i, s in zip(flag_ids, flags)],
    }
    return Kit(data)


def check(tables: dict[str, pd.DataFrame], **kwargs: Any) -> list[Problem]:
    """Every problem of these tables (none: they make a kit)."""
    try:
        build(tables, **kwargs)
    except KitError as exc:
        return exc.problems
    return []


class NotText(str):
    """What a kit file holds where a text belongs (a number, a list, an object), as its JSON: a problem of its
    row and column, never taken as text."""


def of_room(store: Any, room: Any) -> Kit:
    """The kit a room was created with (its own copy), or for rooms older than kits its industry's."""
    cache = store.__dict__.setdefault("_room_kits", {})
    kit = cache.get(room.id)
    if kit is None:
        data = store.room_kit_data(room.id)
        kit = Kit(data) if data else (shipped(room.industry) or default())
        cache[room.id] = kit
    return kit
