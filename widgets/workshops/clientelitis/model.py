"""Workshop "Clientelitis": service skills, the reinforcement plan, waves over time and hiring.

Storage:
- response ``skills``: ``{"<skill>": 1-5}`` per participant;
- team item ``plan``: ``[{"id", "month": "YYYY-MM", "title", "audience": ["*"] or [team, ...]}]``;
- response ``candidate:<id>``: ``{"candidate", "traits": {trait: 1-5}, "flags": [...], "notes"}``;
- room state ``previous_room``: the room id of the organisation's earlier wave.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Sequence

import pandas as pd

from widgets.workshops.feliz.model import validate_rating
from widgets.room.phases import K_ANON
from widgets.room.store import StoreError
from widgets.ui.text import validate_text

EXERCISE = "clientelitis"
SKILLS_ITEM = "skills"
PLAN = "plan"
CANDIDATE_PREFIX = "candidate:"
#: The skills, traits and red flags of a room come from its kit (``kits.py``); these are the shipped kits'.
from widgets.kits.model import FLAGS, SKILLS, TRAITS  # noqa: E402
EVERYONE = "*"
MAX_GAP_MONTHS = 6
HORIZON_MONTHS = 24
TITLE_MAX = 80
CANDIDATE_MAX = 60
NOTES_MAX = 280


# -- skills --------------------------------------------------------------------------------------------
def skills_value(ratings: dict, skills: Sequence[str] = SKILLS) -> dict:
    out = {}
    for skill in skills:
        value = validate_rating(ratings.get(skill))
        if value is not None:
            out[skill] = value
    return out


def skills_table(responses: pd.DataFrame, skills: Sequence[str] = SKILLS) -> pd.DataFrame:
    """One row per participant (participant_id, name, team) and one column per skill."""
    rows = []
    for r in responses.itertuples(index=False):
        if r.item == SKILLS_ITEM and isinstance(r.value, dict):
            rows.append({"participant_id": r.participant_id, "name": r.name, "team": r.team,
                         **{s: r.value.get(s) for s in skills}})
    return pd.DataFrame(rows, columns=["participant_id", "name", "team", *skills])


def skills_summary(table: pd.DataFrame, k: int = K_ANON) -> pd.DataFrame:
    """Per skill (the table's skill columns): mean, min and max (the group's spread). The spread is left out
    (NaN) below ``k`` answers: in a team of two, its minimum and maximum are each one colleague's own
    self-assessment."""
    rows = []
    for s in [c for c in table.columns if c not in ("participant_id", "name", "team")]:
        col = pd.to_numeric(table[s], errors="coerce").dropna() if s in table else pd.Series(dtype=float)
        spread = len(col) >= k
        rows.append({"skill": s, "mean": col.mean() if len(col) else float("nan"),
                     "min": col.min() if spread else float("nan"), "max": col.max() if spread else float("nan"),
                     "n": int(len(col))})
    return pd.DataFrame(rows, columns=["skill", "mean", "min", "max", "n"])


# -- the reinforcement plan ----------------------------------------------------------------------------
def parse_month(raw: object) -> str:
    """``YYYY-MM`` from a date, a ``YYYY-MM`` text or a ``YYYY-MM-DD`` text."""
    if isinstance(raw, (dt.date, dt.datetime)):
        return f"{raw.year:04d}-{raw.month:02d}"
    text = str(raw or "").strip()[:7]
    try:
        year, month = int(text[:4]), int(text[5:7])
        dt.date(year, month, 1)
    except ValueError:
        raise StoreError("clientelitis.month_missing") from None
    return f"{year:04d}-{month:02d}"


def months_between(a: str, b: str) -> int:
    return (int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7])


def add_event(plan: list, month: object, title: object, audience: list, today: dt.date) -> list:
    name = validate_text(title, TITLE_MAX, empty_key="clientelitis.title_empty",
                         too_long_key="clientelitis.title_too_long")
    when = parse_month(month)
    now = f"{today.year:04d}-{today.month:02d}"
    if months_between(now, when) < 0:
        raise StoreError("clientelitis.month_past", month=when)
    if months_between(now, when) > HORIZON_MONTHS:
        raise StoreError("clientelitis.month_far", months=HORIZON_MONTHS)
    if not audience:
        raise StoreError("clientelitis.audience_missing")
    event = {"id": secrets.token_hex(4), "month": when, "title": name, "audience": list(audience)}
    return sorted(plan + [event], key=lambda e: e["month"])


def remove_event(plan: list, event_id: str) -> list:
    return [e for e in plan if e["id"] != event_id]


def plan_warnings(plan: list, teams: list[str], today: dt.date) -> list[tuple[str, dict]]:
    """What is wrong with a plan: gaps over six months (from today, between events, and at the end of the
    horizon) and teams that no event reaches. Returns (catalog key, kwargs) pairs."""
    warnings: list[tuple[str, dict]] = []
    now = f"{today.year:04d}-{today.month:02d}"
    months = sorted(e["month"] for e in plan)
    if not months:
        return [("clientelitis.warn_empty", {})]
    points = [now, *months]
    for a, b in zip(points, points[1:]):
        if months_between(a, b) > MAX_GAP_MONTHS:
            warnings.append(("clientelitis.warn_gap", {"start": a, "end": b, "months": months_between(a, b)}))
    end_gap = HORIZON_MONTHS - months_between(now, months[-1])
    if end_gap > MAX_GAP_MONTHS and months_between(now, months[-1]) < 18:
        warnings.append(("clientelitis.warn_end", {"last": months[-1]}))
    covered = set()
    for e in plan:
        covered |= set(teams) if EVERYONE in e["audience"] else set(e["audience"])
    for team in teams:
        if team not in covered:
            warnings.append(("clientelitis.warn_team", {"team": team}))
    return warnings


# -- hiring --------------------------------------------------------------------------------------------
def candidate_value(candidate: object, traits: dict, flags: list, notes: object,
                    trait_ids: Sequence[str] = TRAITS, flag_ids: Sequence[str] = FLAGS) -> dict:
    name = validate_text(candidate, CANDIDATE_MAX, empty_key="clientelitis.candidate_empty",
                         too_long_key="clientelitis.candidate_too_long")
    notes_text = validate_text(notes, NOTES_MAX, required=False)
    ratings = {}
    for t in trait_ids:
        value = validate_rating(traits.get(t))
        if value is None:
            raise StoreError("clientelitis.traits_missing")
        ratings[t] = value
    return {"candidate": name, "traits": ratings, "flags": [f for f in flags if f in flag_ids],
            "notes": notes_text}


def verdict(value: dict) -> str:
    """hire / doubt / no: any red flag, or a trait at 1, or a mean under 3 means no; under 4 is a doubt."""
    scores = list(value["traits"].values())
    mean = sum(scores) / len(scores)
    if value["flags"] or min(scores) <= 1 or mean < 3:
        return "no"
    return "hire" if mean >= 4 else "doubt"


def candidates(responses: pd.DataFrame, traits: Sequence[str] = TRAITS) -> pd.DataFrame:
    rows = []
    for r in responses.itertuples(index=False):
        if str(r.item).startswith(CANDIDATE_PREFIX) and isinstance(r.value, dict):
            v = r.value
            scores = list(v["traits"].values())
            rows.append({"interviewer": r.name, "item": r.item, "candidate": v["candidate"],
                         "score": sum(scores) / len(scores), "flags": list(v["flags"]), "verdict": verdict(v),
                         **{t: v["traits"].get(t) for t in traits}})
    return pd.DataFrame(rows, columns=["interviewer", "item", "candidate", "score", "flags", "verdict", *traits])


# -- waves ---------------------------------------------------------------------------------------------
def wave_metrics(skills: pd.DataFrame, feliz_summary: pd.DataFrame, verdicts: dict) -> dict:
    """One wave's numbers: mean of each skill (the table's), mean service skill, happiness change, cows
    exterminated. To compare waves like with like, give every wave the same skill columns and touchpoints."""
    summary = skills_summary(skills).set_index("skill")["mean"]
    deltas = feliz_summary["delta"].dropna() if not feliz_summary.empty else pd.Series(dtype=float)
    return {
        **{s: float(summary[s]) for s in summary.index},
        "skills_mean": float(summary.mean()) if summary.notna().any() else float("nan"),
        "happiness_delta": float(deltas.mean()) if len(deltas) else float("nan"),
        "cows_gone": sum(1 for v in verdicts.values() if v.get("decision") == "exterminate"),  # exterminated only
        "people": int(skills["participant_id"].nunique()) if not skills.empty else 0,
    }
