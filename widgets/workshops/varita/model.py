"""Workshop "Diseñar la experiencia" (the magic wand): the pure model.

Storage (all JSON):
- team item ``journey``: the team's touchpoints, ``[{"id", "name"}]`` (starts from the room's template);
- response ``today:<tp>``: ``{"enter", "leave", "frictions": [str]}`` per participant and touchpoint;
- response ``idea:<key>``: ``{"tp", "text", "delight", "unique", "effort", "predicted"}``;
- response ``votes``: ``{"<participant_id>:<idea key>": n}`` per participant (within the room's budget).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pandas as pd

from widgets.workshops.feliz.model import SCALE, validate_rating
from widgets.kits.journeys import Touchpoint
from widgets.room.store import StoreError
from widgets.ui.text import TextError, is_blank, text_key, validate_text

EXERCISE = "varita"
JOURNEY = "journey"
VOTES = "votes"
TODAY_PREFIX = "today:"
IDEA_PREFIX = "idea:"
DEFAULT_BUDGET = 5
NAME_MAX = 40
IDEA_MAX = 200
FRICTION_MAX = 120
FRICTIONS_MAX = 5
MAX_TOUCHPOINTS = 12
STEPS = ("journey", "today", "wand", "vote", "result")


# -- the team's journey --------------------------------------------------------------------------------
def journey_from_template(template: list[Touchpoint]) -> list[dict]:
    return [{"id": tp.id, "name": tp.name} for tp in template]


def _check_name(journey: list[dict], name: object, skip_id: str | None = None) -> str:
    """The touchpoint's name exactly as typed; the same name twice (however spelled) is refused."""
    clean = validate_text(name, NAME_MAX, empty_key="varita.tp_empty", too_long_key="varita.tp_too_long")
    if any(text_key(tp["name"]) == text_key(clean) and tp["id"] != skip_id for tp in journey):
        raise StoreError("varita.tp_duplicate", name=clean)
    return clean


def add_touchpoint(journey: list[dict], name: object) -> list[dict]:
    if len(journey) >= MAX_TOUCHPOINTS:
        raise StoreError("varita.tp_too_many", max=MAX_TOUCHPOINTS)
    clean = _check_name(journey, name)
    return journey + [{"id": "c-" + secrets.token_hex(4), "name": clean}]


def rename_touchpoint(journey: list[dict], tp_id: str, name: object) -> list[dict]:
    clean = _check_name(journey, name, skip_id=tp_id)
    return [dict(tp, name=clean) if tp["id"] == tp_id else tp for tp in journey]


def move_touchpoint(journey: list[dict], tp_id: str, step: int) -> list[dict]:
    ids = [tp["id"] for tp in journey]
    i = ids.index(tp_id)
    j = max(0, min(len(journey) - 1, i + step))
    out = list(journey)
    out.insert(j, out.pop(i))
    return out


def remove_touchpoint(journey: list[dict], tp_id: str) -> list[dict]:
    if len(journey) <= 1:
        raise StoreError("varita.tp_last")
    return [tp for tp in journey if tp["id"] != tp_id]


# -- today ---------------------------------------------------------------------------------------------
def parse_frictions(raw: object) -> list[str]:
    """One friction per line, each kept exactly as typed; blank lines separate nothing and are dropped;
    each at most FRICTION_MAX characters. Control characters are refused (``TextError``)."""
    text = validate_text(raw, 10**9, multiline=True, required=False)
    lines = [line for line in text.splitlines() if not is_blank(line)]
    if len(lines) > FRICTIONS_MAX:
        raise TextError("varita.frictions_too_many", max=FRICTIONS_MAX)
    for line in lines:
        if len(line) > FRICTION_MAX:
            raise TextError("text.too_long", length=len(line), max=FRICTION_MAX)
    return lines


def today_answer(enter: object, leave: object, frictions: object) -> dict:
    return {"enter": validate_rating(enter), "leave": validate_rating(leave), "frictions": parse_frictions(frictions)}


# -- ideas and votes -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Idea:
    key: str  # "<participant_id>:<idea id>", unique in the room
    participant_id: int
    name: str
    team: str
    tp: str
    text: str
    delight: int
    unique: int
    effort: int
    predicted: int
    hidden: bool = False


def idea_value(tp: str, text: object, delight: object, unique: object, effort: object, predicted: object) -> dict:
    """Validate one magic-wand idea; every rating is required and on the 1-5 scale."""
    value = {"tp": tp, "text": validate_text(text, IDEA_MAX, multiline=True)}
    for field, raw in (("delight", delight), ("unique", unique), ("effort", effort), ("predicted", predicted)):
        rating = validate_rating(raw)
        if rating is None:
            raise StoreError("varita.rating_missing")
        value[field] = rating
    return value


def new_idea_item() -> str:
    return IDEA_PREFIX + secrets.token_hex(4)


def ideas(responses: pd.DataFrame, team: str | None = None) -> list[Idea]:
    out = []
    if responses.empty:
        return out
    hidden = responses["hidden"] if "hidden" in responses else [False] * len(responses)
    for pid, name, team_, item, v, hid in zip(responses["participant_id"], responses["name"], responses["team"],
                                              responses["item"], responses["value"], hidden):
        if not str(item).startswith(IDEA_PREFIX) or not isinstance(v, dict):
            continue
        if team is not None and team_ != team:
            continue
        out.append(
            Idea(
                key=f"{pid}:{item[len(IDEA_PREFIX):]}", participant_id=int(pid),
                name=name, team=team_, tp=v.get("tp", ""), text=v.get("text", ""),
                delight=int(v.get("delight", 3)), unique=int(v.get("unique", 3)), effort=int(v.get("effort", 3)),
                predicted=int(v.get("predicted", 3)), hidden=bool(hid),
            )
        )
    return out


def budget(state: dict) -> int:
    return int(state.get("vote_budget", DEFAULT_BUDGET))


def cast_vote(votes: dict, idea_key: str, delta: int, budget_: int, valid_keys: set[str]) -> dict:
    """Add ``delta`` (+1/-1) votes to an idea; refuses unknown ideas and going over the budget."""
    if idea_key not in valid_keys:
        raise StoreError("varita.vote_unknown")
    # votes on ideas that were withdrawn or hidden by the facilitator go back to the budget
    new = {k: n for k, n in votes.items() if k in valid_keys}
    new[idea_key] = max(0, int(new.get(idea_key, 0)) + delta)
    if new[idea_key] == 0:
        new.pop(idea_key)
    if sum(new.values()) > budget_:
        raise StoreError("varita.vote_over_budget", budget=budget_)
    return new


def votes_used(votes: dict, valid_keys: set[str]) -> int:
    return sum(int(n) for k, n in votes.items() if k in valid_keys)


def vote_totals(responses: pd.DataFrame, team: str | None = None) -> dict[str, int]:
    totals: dict[str, int] = {}
    if responses.empty:
        return totals
    for item, value, team_ in zip(responses["item"], responses["value"], responses["team"]):
        if item != VOTES or not isinstance(value, dict) or (team is not None and team_ != team):
            continue
        for key, n in value.items():
            totals[key] = totals.get(key, 0) + int(n)
    return totals


def chosen_ideas(idea_list: list[Idea], totals: dict[str, int]) -> dict[str, Idea]:
    """Per touchpoint, the team's choice: most votes, then most delight, then least effort."""
    best: dict[str, Idea] = {}
    for idea in idea_list:
        if idea.hidden or totals.get(idea.key, 0) == 0:
            continue
        rank = (totals.get(idea.key, 0), idea.delight, -idea.effort)
        current = best.get(idea.tp)
        if current is None or rank > (totals.get(current.key, 0), current.delight, -current.effort):
            best[idea.tp] = idea
    return best


def quick_win(idea: Idea) -> bool:
    """High delight for little effort: the ideas to do first."""
    return idea.delight >= 4 and idea.effort <= 2


# -- the designed experience -------------------------------------------------------------------------
DESIGN_COLUMNS = ["touchpoint", "label", "n", "enter", "leave", "designed", "gain", "idea", "votes"]


def design(journey: list[dict], responses: pd.DataFrame, team: str | None = None) -> pd.DataFrame:
    """Per touchpoint of ``journey``: today's mean entering/leaving happiness (of ``team`` or the room),
    the designed leaving happiness (the chosen idea's prediction, else today's), the gain, and the idea."""
    rows = responses if team is None else responses[responses["team"] == team]
    idea_list = ideas(rows)
    totals = vote_totals(rows)
    chosen = chosen_ideas(idea_list, totals)
    by_item: dict[str, list[dict]] = {}  # one pass over the answers, not one per touchpoint
    for item, value in zip(rows["item"], rows["value"]):
        if isinstance(value, dict):
            by_item.setdefault(item, []).append(value)
    out = []
    for tp in journey:
        answers = by_item.get(TODAY_PREFIX + tp["id"], [])
        enters = [a["enter"] for a in answers if a.get("enter") in SCALE]
        leaves = [a["leave"] for a in answers if a.get("leave") in SCALE]
        enter = sum(enters) / len(enters) if enters else float("nan")
        leave = sum(leaves) / len(leaves) if leaves else float("nan")
        idea = chosen.get(tp["id"])
        designed = float(idea.predicted) if idea else leave
        out.append(
            {
                "touchpoint": tp["id"], "label": tp["name"], "n": len(answers), "enter": enter, "leave": leave,
                "designed": designed, "gain": designed - leave, "idea": idea.text if idea else "",
                "votes": totals.get(idea.key, 0) if idea else 0,
            }
        )
    return pd.DataFrame(out, columns=DESIGN_COLUMNS)


def fans_share(table: pd.DataFrame, column: str = "designed") -> float | None:
    """Share of touchpoints where the customer leaves happier than they came in (None if nothing rated)."""
    rated = table.dropna(subset=["enter", column])
    if rated.empty:
        return None
    return float((rated[column] > rated["enter"]).mean())


def team_progress(journeys: dict[str, list[dict]], responses: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """How far each team is: it has a journey; how many members rated every touchpoint today; how many ideas
    it has imagined; how many members voted; and how many members it has. ``people`` has columns id and team."""
    rated: dict[int, set[str]] = {}  # one pass over the room's answers for every team
    voters: set = set()
    answers = zip(responses["participant_id"], responses["item"], responses["value"]) if not responses.empty else ()
    for pid, item, value in answers:
        if str(item).startswith(TODAY_PREFIX) and isinstance(value, dict):
            if value.get("enter") is not None and value.get("leave") is not None:
                rated.setdefault(pid, set()).add(item[len(TODAY_PREFIX):])
        elif item == VOTES and value:
            voters.add(pid)
    idea_count: dict[str, int] = {}
    for i in ideas(responses):
        if not i.hidden:
            idea_count[i.team] = idea_count.get(i.team, 0) + 1
    rows = []
    for team in sorted(set(people["team"]), key=str.casefold):
        members = set(people.loc[people["team"] == team, "id"])
        journey = journeys.get(team) or []
        ids = {tp["id"] for tp in journey}
        rows.append(
            {
                "team": team,
                "journey": bool(journey),
                "today": sum(1 for pid in members if ids and ids <= rated.get(pid, set())),
                "wand": idea_count.get(team, 0),
                "vote": len(members & voters),
                "members": len(members),
            }
        )
    return pd.DataFrame(rows, columns=["team", "journey", "today", "wand", "vote", "members"])
