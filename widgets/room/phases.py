"""The room's live state kept by the facilitator: which workshop is open, and each workshop's own reveal and timer.

Room state (JSON): ``phase`` (the open workshop, '' when closed), ``anonymous`` (no participant's name shown
to the room; the default), and ``workshops`` with one entry per workshop: ``{"revealed": bool, "timer_end":
epoch seconds or None}``. Each workshop opens with its results hidden and no timer; switching back to one finds
it as it was left.
"""

from __future__ import annotations

import math
import time

#: The exercise a new room opens with.
DEFAULT_EXERCISE = "feliz"
#: A group's spread (minimum, maximum) is shown only from this many people up: below it, the spread of two
#: people's answers is each person's own answer (k-anonymity).
K_ANON = 3


def open_phase(state: dict) -> str:
    """The exercise open now ('' when the facilitator closed it). New rooms open the first exercise."""
    return state.get("phase", DEFAULT_EXERCISE)


def anonymous(state: dict) -> bool:
    """Is the room anonymous? (No participant's name on the projector, on others' pages or on the walls.)"""
    return bool(state.get("anonymous", True))


def workshop(state: dict, exercise: str) -> dict:
    """One workshop's own state (revealed, timer_end)."""
    return dict((state.get("workshops") or {}).get(exercise) or {})


def with_workshop(state: dict, exercise: str, **changes) -> dict:
    """``state`` with ``changes`` made to one workshop's own state (for ``Store.change_room_state``)."""
    workshops = dict(state.get("workshops") or {})
    workshops[exercise] = {**workshop(state, exercise), **changes}
    return {**state, "workshops": workshops}


def revealed(state: dict, exercise: str) -> bool:
    return bool(workshop(state, exercise).get("revealed", False))


def revealed_everywhere(exercises) -> dict:
    """The ``workshops`` part of a state in which every workshop's results are revealed (demo rooms, tests)."""
    return {ex: {"revealed": True} for ex in exercises}


def timer_end(state: dict, exercise: str) -> float | None:
    return workshop(state, exercise).get("timer_end") or None


def remaining(state: dict, exercise: str, now: float | None = None) -> int | None:
    """Whole seconds left on the workshop's countdown, 0 when over, None when no timer runs."""
    end = timer_end(state, exercise)
    if not end:
        return None
    now = time.time() if now is None else now
    return max(0, math.ceil(end - now))


def clock(seconds: int | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
