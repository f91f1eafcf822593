"""Workshop "Cliente es todo aquel que no soy yo": the pure model.

Each participant lists who uses or consumes what they touch. One response per relationship,
``customer:<id>`` = ``{"who", "category", "receives", "happiness", "better"}``.
"""

from __future__ import annotations

import secrets

import pandas as pd

from widgets.workshops.feliz.model import validate_rating
from widgets.room.store import StoreError
from widgets.ui.text import validate_text

EXERCISE = "clientes"
PREFIX = "customer:"
#: Who can be a customer, as the article lists them (family included).
CATEGORIES = ("external", "boss", "colleagues", "team", "suppliers", "family")
INTERNAL = ("boss", "colleagues", "team", "suppliers")
WHO_MAX = 60
TEXT_MAX = 160


def customer_value(who: object, category: object, receives: object, happiness: object, better: object) -> dict:
    """One relationship; texts kept exactly as typed (a ``TextError`` or ``StoreError`` refuses it)."""
    name = validate_text(who, WHO_MAX, empty_key="clientes.who_empty", too_long_key="clientes.who_too_long")
    if category not in CATEGORIES:
        raise StoreError("clientes.category_missing")
    rating = validate_rating(happiness)
    if rating is None:
        raise StoreError("clientes.happiness_missing")
    return {"who": name, "category": category, "receives": validate_text(receives, TEXT_MAX),
            "happiness": rating, "better": validate_text(better, TEXT_MAX)}


def new_item() -> str:
    return PREFIX + secrets.token_hex(4)


def relationships(responses: pd.DataFrame) -> pd.DataFrame:
    """One row per relationship: participant_id, name, team, id, who, category, receives, happiness, better."""
    cols = ["participant_id", "name", "team", "id", "item", "who", "category", "receives", "happiness", "better", "hidden"]
    rows = []
    for r in responses.itertuples(index=False):
        if str(r.item).startswith(PREFIX) and isinstance(r.value, dict):
            rows.append({"participant_id": r.participant_id, "name": r.name, "team": r.team, "id": int(r.id),
                         "item": r.item, "hidden": bool(getattr(r, "hidden", False)), **{k: r.value.get(k) for k in
                         ("who", "category", "receives", "happiness", "better")}})
    return pd.DataFrame(rows, columns=cols)


def by_category(rels: pd.DataFrame, participants: int) -> pd.DataFrame:
    """Per category: relationships named, mean happiness, and the share of participants who named none
    (the customers we forget)."""
    rows = []
    for cat in CATEGORIES:
        sub = rels[rels["category"] == cat]
        named_by = sub["participant_id"].nunique()
        rows.append({"category": cat, "count": len(sub),
                     "happiness": float(sub["happiness"].mean()) if len(sub) else float("nan"),
                     "forgotten": (1 - named_by / participants) if participants else float("nan")})
    return pd.DataFrame(rows, columns=["category", "count", "happiness", "forgotten"])


def internal_share(rels: pd.DataFrame) -> float | None:
    """Share of relationships with internal customers (boss, colleagues, team, suppliers)."""
    if rels.empty:
        return None
    return float(rels["category"].isin(INTERNAL).mean())


def forgotten(table: pd.DataFrame, threshold: float = 0.5) -> list[str]:
    """Categories more than ``threshold`` of the room did not name, most forgotten first."""
    t = table.dropna(subset=["forgotten"])
    t = t[t["forgotten"] > threshold].sort_values("forgotten", ascending=False)
    return list(t["category"])


def least_happy(rels: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The relationships that leave people least happy."""
    return rels.sort_values(["happiness", "category"]).head(n)
