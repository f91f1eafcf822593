"""Exercise "¿Sale más feliz de lo que entró?": the pure model (no widgets, no SQL).

Each participant rates, for every touchpoint of the journey, how the customer feels on entering and on
leaving, on a 1-5 scale. Answers are stored one per touchpoint as ``{"enter": int|None, "leave": int|None}``.
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from widgets.kits.journeys import Touchpoint
from widgets.ui.text import validate_text

EXERCISE = "feliz"
SCALE = (1, 2, 3, 4, 5)
#: Faces shown for each point of the scale (the scale's meaning is in the i18n catalog).
FACES = {1: "😡", 2: "😞", 3: "😐", 4: "😊", 5: "😍"}

SUMMARY_COLUMNS = [
    "touchpoint",
    "label",
    "n",
    "enter_mean",
    "enter_std",
    "leave_mean",
    "leave_std",
    "delta",
    "worse",
]


class RatingError(ValueError):
    """A rating outside the scale; ``key`` names the message in the catalog."""

    key = "feliz.rating_out_of_range"


def validate_rating(value: object) -> int | None:
    """Accept an integer on the scale, or ``None`` (not answered yet)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
        raise RatingError(value)
    value = int(value)
    if value not in SCALE:
        raise RatingError(value)
    return value


def answer(enter: object, leave: object) -> dict:
    """The stored form of one touchpoint's answer."""
    return {"enter": validate_rating(enter), "leave": validate_rating(leave)}


IDEA_ITEM = "idea"
IDEA_MAX = 280


def idea(text: object) -> dict:
    """The stored form of a participant's idea, exactly as typed (a ``TextError`` refuses it: see ``text``)."""
    return {"text": validate_text(text, IDEA_MAX, multiline=True)}


def ideas(responses: pd.DataFrame, include_hidden: bool = True) -> pd.DataFrame:
    """The room's ideas, oldest first: id, name, team, text, hidden."""
    cols = ["id", "name", "team", "text", "hidden"]
    if responses.empty:
        return pd.DataFrame(columns=cols)
    rows = responses[responses["item"] == IDEA_ITEM]
    if not include_hidden:
        rows = rows[~rows["hidden"].astype(bool)]
    return pd.DataFrame(
        {
            "id": rows["id"].astype(int),
            "name": rows["name"],
            "team": rows["team"],
            "text": [v.get("text", "") if isinstance(v, dict) else "" for v in rows["value"]],
            "hidden": rows["hidden"].astype(bool),
        },
        columns=cols,
    ).reset_index(drop=True)


def _ratings(responses: pd.DataFrame) -> pd.DataFrame:
    """Flatten stored answers into columns participant_id, touchpoint, enter, leave."""
    if responses.empty:
        return pd.DataFrame(columns=["participant_id", "team", "touchpoint", "enter", "leave"])
    values = [v if isinstance(v, dict) else {} for v in responses["value"]]
    df = pd.DataFrame({
        "participant_id": responses["participant_id"].to_numpy(),
        "team": responses["team"].to_numpy() if "team" in responses else "",
        "touchpoint": responses["item"].to_numpy(),
        "enter": [v.get("enter") for v in values],
        "leave": [v.get("leave") for v in values],
    })
    df["enter"] = pd.to_numeric(df["enter"], errors="coerce")
    df["leave"] = pd.to_numeric(df["leave"], errors="coerce")
    return df


def summarize(responses: pd.DataFrame, journey: Iterable[Touchpoint]) -> pd.DataFrame:
    """Per touchpoint, in journey order: how many rated, mean and spread on entering and leaving,
    the change (leave - enter) and whether customers leave less happy than they came in."""
    ratings = _ratings(responses)
    by_tp = dict(tuple(ratings.groupby("touchpoint", sort=False)))
    empty = ratings.iloc[:0]
    rows = []
    for tp in journey:
        r = by_tp.get(tp.id, empty)
        both = r.dropna(subset=["enter", "leave"])
        enter_mean = r["enter"].mean() if r["enter"].notna().any() else float("nan")
        leave_mean = r["leave"].mean() if r["leave"].notna().any() else float("nan")
        delta = leave_mean - enter_mean
        rows.append(
            {
                "touchpoint": tp.id,
                "label": tp.name,
                "n": int(len(both)),
                "enter_mean": enter_mean,
                "enter_std": r["enter"].std(ddof=0) if r["enter"].notna().any() else float("nan"),
                "leave_mean": leave_mean,
                "leave_std": r["leave"].std(ddof=0) if r["leave"].notna().any() else float("nan"),
                "delta": delta,
                "worse": bool(pd.notna(delta) and delta < 0),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def net_change(summary: pd.DataFrame) -> tuple[float, int]:
    """Sum of (leave - enter) over touchpoints with both ratings, and how many such touchpoints."""
    deltas = summary["delta"].dropna()
    return float(deltas.sum()), int(len(deltas))


def completed(responses: pd.DataFrame, journey: Iterable[Touchpoint]) -> pd.Series:
    """Per participant: True when every touchpoint has both ratings."""
    ids = [tp.id for tp in journey]
    ratings = _ratings(responses).dropna(subset=["enter", "leave"])
    done = ratings[ratings["touchpoint"].isin(ids)].groupby("participant_id")["touchpoint"].nunique()
    return done == len(ids)
