"""Industry customer-journey templates shipped in ``data/journeys/``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from . import config
from .i18n import Translator


@dataclass(frozen=True)
class Touchpoint:
    id: str
    name: str
    hint: str


@lru_cache(maxsize=1)
def _templates() -> dict[str, dict]:
    found = {}
    for path in sorted((config.DATA_DIR / "journeys").glob("*.json")):
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        found[data["id"]] = data
    return found


def industries(lang: str) -> list[tuple[str, str]]:
    """``(label, id)`` pairs sorted by label, ready for a dropdown."""
    tr = Translator(lang)
    return sorted(((tr.pick(d["name"]), i) for i, d in _templates().items()), key=lambda p: p[0].casefold())


def industry_name(industry: str, lang: str) -> str:
    data = _templates().get(industry)
    return Translator(lang).pick(data["name"]) if data else industry


def touchpoints(industry: str, lang: str) -> list[Touchpoint]:
    """The journey of ``industry`` in ``lang``; unknown industries fall back to the restaurant."""
    templates = _templates()
    data = templates.get(industry) or templates["restaurant"]
    tr = Translator(lang)
    return [Touchpoint(tp["id"], tr.pick(tp["name"]), tr.pick(tp["hint"])) for tp in data["touchpoints"]]
