"""What a presenter's keys do, on the console or on the stage: next and previous slide, a blank screen, reveal
the results of the workshop on the stage, start or stop its timer. One write to the room's state each."""

from __future__ import annotations

import time

from widgets.workshops import registry as exercises
from widgets.apps import slides
from widgets.room.phases import open_phase, revealed, timer_end, with_workshop
from widgets.i18n import Translator
from widgets.room.store import Room, Store

#: Minutes of a timer started with the T key when the console has not said otherwise.
TIMER_MINUTES = 10


def workshop_on_stage(state: dict) -> str:
    """The workshop the stage is about (the open one when the stage shows the join slide)."""
    slide = slides.current(state, exercises.EXERCISES)
    return slides.workshop_of(slide) or open_phase(state) or exercises.DEFAULT_EXERCISE


def change(state: dict, command: str, minutes: int | None = None) -> dict:
    """The room's state after ``command`` ("next", "prev", "blank", "reveal", "timer")."""
    workshops = exercises.EXERCISES
    if command in ("next", "prev"):
        return slides.with_slide(state, slides.step(state, workshops, 1 if command == "next" else -1))
    if command == "blank":
        return slides.with_slide(state, slides.current(state, workshops), blank_=not slides.blank(state))
    ex = workshop_on_stage(state)
    if command == "reveal":
        return with_workshop(state, ex, revealed=not revealed(state, ex))
    if command == "timer":
        minutes = minutes or int(state.get("timer_minutes") or TIMER_MINUTES)
        return with_workshop(state, ex, timer_end=None if timer_end(state, ex) else time.time() + 60 * minutes)
    return state


def obey(store: Store, room_id: int, command: str, minutes: int | None = None) -> None:
    store.change_room_state(room_id, lambda state: change(state, command, minutes))


def facilitator_room(store: Store, page) -> tuple[Room | None, Translator]:
    """The room a console or stage link opens (None without its facilitator key), and the translator of the
    room's language (the page's, when there is no room)."""
    room = store.room_by_code(page.get("room"))
    tr = Translator(room.lang if room is not None else page.get("lang"))
    if room is None or not store.check_facilitator_key(room, page.get("key")):
        return None, tr
    return room, tr
