"""The shipped industries' customer journeys (each the journey of a shipped kit, ``widgets/kits/model.py``)."""

from __future__ import annotations

from widgets.kits import model as kits
from widgets.kits.model import Touchpoint
from widgets.i18n import Translator

__all__ = ["Touchpoint", "industries", "industry_name", "touchpoints"]


def industries(lang: str) -> list[tuple[str, str]]:
    """``(label, id)`` pairs of the shipped industries sorted by label, ready for a dropdown."""
    found = [(kits.shipped(i).title(Translator(lang).lang), i) for i in kits.shipped_ids()]
    return sorted(found, key=lambda p: p[0].casefold())


def industry_name(industry: str, lang: str) -> str:
    kit = kits.shipped(industry)
    return kit.title(lang) if kit else industry


def touchpoints(industry: str, lang: str) -> list[Touchpoint]:
    """The journey of ``industry`` in ``lang``; unknown industries fall back to the restaurant."""
    return (kits.shipped(industry) or kits.default()).touchpoints(lang)
