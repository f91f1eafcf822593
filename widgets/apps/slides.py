"""The projector's slides: what the stage shows, one thing at a time, and how a presenter's clicker moves it.

Pure (no widgets, no SQL). The room state keeps ``stage``: ``{"slide": "<id>", "blank": bool}``. A slide id is
``join`` (the QR code and the code), ``open:<workshop>`` (its title, its question, its timer, how many have
answered), or ``<workshop>:<part>`` (one chart or one wall of that workshop's results). The order is the
agenda's: join, then each workshop opened and its results; next and previous walk it.
"""

from __future__ import annotations

JOIN = "join"

def _parts() -> dict[str, tuple[tuple[str, str], ...]]:
    """Each workshop's results, one slide each (part id, catalog key), as the registry gives them."""
    from widgets.workshops.registry import EXERCISES

    return {ex.id: ex.parts for ex in EXERCISES.values()}


#: Results shown on the projector before they are revealed: the walls people are filling live.
LIVE = {"vacas:wall"}


def sequence(workshops) -> list[str]:
    """Every slide in the agenda's order."""
    out = [JOIN]
    for ex in workshops:
        out.append(f"open:{ex}")
        out += [f"{ex}:{part}" for part, _key in _parts().get(ex, ())]
    return out


def workshop_of(slide: str) -> str | None:
    """The workshop a slide belongs to (None for the join slide)."""
    if slide == JOIN:
        return None
    return slide.split(":", 1)[1] if slide.startswith("open:") else slide.split(":", 1)[0]


def part_of(slide: str) -> str | None:
    """The results part a slide shows (None for the join and "workshop open" slides)."""
    if slide == JOIN or slide.startswith("open:"):
        return None
    return slide.split(":", 1)[1]


def current(state: dict, workshops) -> str:
    """The slide on the stage now: the one the facilitator chose, else the join slide (a session starts with it;
    opening a workshop from the agenda puts its question on the stage)."""
    chosen = (state.get("stage") or {}).get("slide")
    return chosen if chosen in sequence(workshops) else JOIN


def step(state: dict, workshops, by: int) -> str:
    """The slide ``by`` places after (or before) the current one, kept within the agenda."""
    slides = sequence(workshops)
    at = slides.index(current(state, workshops))
    return slides[max(0, min(len(slides) - 1, at + by))]


def blank(state: dict) -> bool:
    return bool((state.get("stage") or {}).get("blank", False))


def with_slide(state: dict, slide: str, *, blank_: bool | None = None) -> dict:
    """``state`` showing ``slide`` (and a blank screen on or off; unchanged when ``blank_`` is None). Moving to
    another slide lights the screen again."""
    stage = dict(state.get("stage") or {})
    moved = stage.get("slide") != slide
    stage["slide"] = slide
    stage["blank"] = False if moved and blank_ is None else (stage.get("blank", False) if blank_ is None else blank_)
    return {**state, "stage": stage}


def label_key(slide: str) -> str:
    """The catalog key naming a slide (for the console's "on the projector now")."""
    if slide == JOIN:
        return "stage.join"
    if slide.startswith("open:"):
        return f"{workshop_of(slide)}.title"
    ex, part = slide.split(":", 1)
    return dict(_parts()[ex])[part]
