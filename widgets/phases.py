"""The room's live state kept by the facilitator: which exercise is open, results revealed, the timer."""

from __future__ import annotations

import math
import time

#: The exercise a new room opens with.
DEFAULT_EXERCISE = "feliz"


def open_phase(state: dict) -> str:
    """The exercise open now ('' when the facilitator closed it). New rooms open the first exercise."""
    return state.get("phase", DEFAULT_EXERCISE)


def revealed(state: dict) -> bool:
    return bool(state.get("revealed", False))


def remaining(state: dict, now: float | None = None) -> int | None:
    """Whole seconds left on the room's countdown, 0 when over, None when no timer runs."""
    end = state.get("timer_end")
    if not end:
        return None
    now = time.time() if now is None else now
    return max(0, math.ceil(end - now))


def clock(seconds: int | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
