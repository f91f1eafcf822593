"""Workshop "Limpiar la casa" (the sacred-cow hunt): the pure model.

Storage (all JSON):
- response ``cow:<id>`` per participant: ``{"name", "rule", "kind", "who", "how": [...], "freq"}``;
- room state ``herd``: ``{"<cow key>": "<canonical cow key>"}`` (duplicates merged by the facilitator);
- response ``cow_votes`` per participant: ``{"<canonical key>": n}`` within the room's budget;
- response ``cow_score:<canonical key>`` per participant: ``{"harm": 1-5, "value": 1-5}``;
- room state ``verdicts``: ``{"<canonical key>": {"decision", "reason", "owner", "step", "due"}}``.
A cow's key is ``"<participant id>:<id>"``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

import pandas as pd

from widgets.kits import model as kits
from widgets.workshops.feliz.model import validate_rating
from widgets.room.store import StoreError
from widgets.ui.text import validate_text

EXERCISE = "vacas"
COW_PREFIX = "cow:"
VOTES = "cow_votes"
SCORE_PREFIX = "cow_score:"
from widgets.kits.model import HOW, KINDS, WHO  # noqa: E402  (a kit's catalog uses the same choices)
FREQ = (1, 2, 3, 4, 5)  # rarely, monthly, weekly, daily, always
DECISIONS = ("exterminate", "rewrite", "keep")
NAME_MAX = 80
RULE_MAX = 280
ACTION_MAX = 200
OWNER_MAX = 80
DEFAULT_BUDGET = 5


# -- posting a cow -------------------------------------------------------------------------------------
def cow_value(name: object, rule: object, kind: object, who: object, how: object, freq: object) -> dict:
    """Validate a sacred cow; every refusal names a catalog message. Texts are kept exactly as typed."""
    clean = validate_text(name, NAME_MAX, empty_key="vacas.name_empty", too_long_key="vacas.name_too_long")
    rule_text = validate_text(rule, RULE_MAX, multiline=True, required=False, too_long_key="vacas.rule_too_long")
    if kind not in KINDS:
        raise StoreError("vacas.kind_missing")
    if who not in WHO:
        raise StoreError("vacas.who_missing")
    how = [h for h in (how or ()) if h in HOW]
    if not how:
        raise StoreError("vacas.how_missing")
    if freq not in FREQ:
        raise StoreError("vacas.freq_missing")
    return {"name": clean, "rule": rule_text, "kind": kind, "who": who, "how": how, "freq": int(freq)}


def new_cow_item() -> str:
    return COW_PREFIX + secrets.token_hex(4)


@dataclass(frozen=True)
class Cow:
    key: str
    participant_id: int
    name: str
    team: str
    response_id: int
    value: dict
    hidden: bool = False

    @property
    def title(self) -> str:
        return self.value.get("name", "")


def cows(responses: pd.DataFrame) -> list[Cow]:
    out = []
    for r in responses.itertuples(index=False):
        if str(r.item).startswith(COW_PREFIX) and isinstance(r.value, dict):
            out.append(Cow(f"{r.participant_id}:{r.item[len(COW_PREFIX):]}", int(r.participant_id), r.name, r.team,
                           int(r.id), r.value, bool(getattr(r, "hidden", False))))
    return out


# -- the herd (merging duplicates) ---------------------------------------------------------------------
def canonical(key: str, herd: dict) -> str:
    seen = set()
    while key in herd and key not in seen:
        seen.add(key)
        key = herd[key]
    return key


def merge(herd: dict, duplicate: str, into: str) -> dict:
    """Merge the cow ``duplicate`` into ``into`` (and everything already merged into it)."""
    target = canonical(into, herd)
    source = canonical(duplicate, herd)
    if source == target:
        raise StoreError("vacas.merge_same")
    new = dict(herd)
    new[source] = target
    return {k: canonical(v, new) for k, v in new.items()}


def unmerge(herd: dict, key: str) -> dict:
    return {k: v for k, v in herd.items() if k != key}


@dataclass
class HerdCow:
    """One cow of the herd: the canonical post and every hunter who posted it."""

    key: str
    cow: Cow
    members: list[Cow] = field(default_factory=list)

    @property
    def hunters(self) -> list[str]:
        return sorted({m.name for m in self.members}, key=str.casefold)

    @property
    def who(self) -> str:
        """'both' when any hunter says it hurts both, else the most common answer."""
        answers = [m.value.get("who") for m in self.members]
        if "both" in answers or ("customers" in answers and "colleagues" in answers):
            return "both"
        return max(set(answers), key=answers.count) if answers else "customers"


def herd(cow_list: list[Cow], herd_map: dict) -> list[HerdCow]:
    """Group posted cows by their canonical cow (hidden cows left out), in posting order."""
    groups: dict[str, HerdCow] = {}
    by_key = {c.key: c for c in cow_list}
    for c in cow_list:
        if c.hidden:
            continue
        root = canonical(c.key, herd_map)
        head = by_key.get(root, c)
        if head.hidden:
            head = c
        groups.setdefault(root, HerdCow(root, head)).members.append(c)
    return list(groups.values())


# -- votes and scores ----------------------------------------------------------------------------------
def budget(state: dict) -> int:
    return int(state.get("cow_budget", DEFAULT_BUDGET))


def cast_vote(votes: dict, key: str, delta: int, budget_: int, valid: set[str]) -> dict:
    if key not in valid:
        raise StoreError("vacas.vote_unknown")
    new = {k: n for k, n in votes.items() if k in valid}
    new[key] = max(0, int(new.get(key, 0)) + delta)
    if new[key] == 0:
        new.pop(key)
    if sum(new.values()) > budget_:
        raise StoreError("vacas.vote_over_budget", budget=budget_)
    return new


def score_value(harm: object, value: object) -> dict:
    return {"harm": validate_rating(harm), "value": validate_rating(value)}


def board(cow_list: list[Cow], herd_map: dict, responses: pd.DataFrame) -> pd.DataFrame:
    """The herd with hunters, votes (duplicates' votes follow their canonical cow), mean harm and value."""
    groups = herd(cow_list, herd_map)
    valid = {g.key for g in groups}
    votes = {g.key: 0 for g in groups}
    voters = {g.key: set() for g in groups}
    harm = {g.key: [] for g in groups}
    value = {g.key: [] for g in groups}
    for r in responses.itertuples(index=False):
        if r.item == VOTES and isinstance(r.value, dict):
            for k, n in r.value.items():
                root = canonical(k, herd_map)
                if root in valid:
                    votes[root] += int(n)
                    voters[root].add(r.participant_id)
        elif str(r.item).startswith(SCORE_PREFIX) and isinstance(r.value, dict):
            root = canonical(r.item[len(SCORE_PREFIX):], herd_map)
            if root in valid:
                if r.value.get("harm") is not None:
                    harm[root].append(r.value["harm"])
                if r.value.get("value") is not None:
                    value[root].append(r.value["value"])
    rows = []
    for g in groups:
        rows.append({
            "key": g.key, "name": g.cow.title, "rule": g.cow.value.get("rule", ""), "kind": g.cow.value.get("kind"),
            "who": g.who, "hunters": len(g.hunters), "hunter_names": ", ".join(g.hunters),
            "votes": votes[g.key], "harm": _mean(harm[g.key]), "value": _mean(value[g.key]),
        })
    df = pd.DataFrame(rows, columns=["key", "name", "rule", "kind", "who", "hunters", "hunter_names", "votes",
                                     "harm", "value"])
    return df.sort_values(["votes", "hunters"], ascending=False, kind="stable").reset_index(drop=True)


def _mean(values: list) -> float:
    return sum(values) / len(values) if values else float("nan")


def exterminate_zone(harm: float, value: float) -> bool:
    """Cows that do a lot of harm and add little value: the quadrant to exterminate."""
    return pd.notna(harm) and pd.notna(value) and harm >= 3 and value <= 2.5


def colleague_share(table: pd.DataFrame) -> float | None:
    """Share of cows that hurt colleagues (alone or as well as customers)."""
    if table.empty:
        return None
    return float(table["who"].isin(["colleagues", "both"]).mean())


# -- verdicts and the action plan ----------------------------------------------------------------------
def verdict_value(decision: object, reason: object, owner: object, step: object, due: object,
                  today: dt.date | None = None) -> dict:
    """A decision on a cow; for cows not kept, an action with owner, first step and a due date not in the past."""
    if decision not in DECISIONS:
        raise StoreError("vacas.decision_missing")
    reason_text = validate_text(reason, ACTION_MAX, required=decision == "keep")  # keeping a cow needs a reason
    out = {"decision": decision, "reason": reason_text, "owner": "", "step": "", "due": ""}
    if decision == "keep":
        return out
    owner_text = validate_text(owner, OWNER_MAX, empty_key="vacas.owner_missing", too_long_key="vacas.action_too_long")
    step_text = validate_text(step, ACTION_MAX, empty_key="vacas.step_missing", too_long_key="vacas.action_too_long")
    if not isinstance(due, dt.date):
        raise StoreError("vacas.due_missing")
    if due < (today or dt.date.today()):
        raise StoreError("vacas.due_past", due=due.isoformat())
    out.update(owner=owner_text, step=step_text, due=due.isoformat())
    return out


def action_plan(table: pd.DataFrame, verdicts: dict) -> pd.DataFrame:
    """The kill list: every cow with a verdict other than keep, with its action, most voted first."""
    rows = []
    for r in table.itertuples(index=False):
        v = verdicts.get(r.key)
        if not v or v.get("decision") == "keep":
            continue
        rows.append({"key": r.key, "name": r.name, "decision": v["decision"], "votes": r.votes,
                     "hunters": r.hunters, "owner": v.get("owner", ""), "step": v.get("step", ""),
                     "due": v.get("due", ""), "reason": v.get("reason", "")})
    return pd.DataFrame(rows, columns=["key", "name", "decision", "votes", "hunters", "owner", "step", "due", "reason"])


# -- the catalog of common cows ------------------------------------------------------------------------
def catalog(industry: str, lang: str) -> list[dict]:
    """Common sacred cows of a shipped industry in ``lang``: name, rule, kind, who, how (a room's come from
    its kit: ``kits.of_room(store, room).catalog(lang)``)."""
    kit = kits.shipped(industry)
    return kit.catalog(lang) if kit else []
