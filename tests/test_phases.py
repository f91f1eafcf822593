"""Phase, reveal and timer: the facilitator's controls reach participants through the room's state."""

from __future__ import annotations

import re

from widgets.apps.console import FacilitatorApp
from widgets.i18n import t
from widgets.serving.page import Page
from widgets.apps.participant_page import ParticipantApp
from widgets.room.phases import anonymous, clock, open_phase, remaining, revealed, with_workshop


def test_pure_helpers():
    assert open_phase({}) == "feliz" and open_phase({"phase": ""}) == ""
    assert revealed({}, "feliz") is False
    state = with_workshop({}, "feliz", revealed=True, timer_end=160.2)
    assert revealed(state, "feliz") is True and revealed(state, "vacas") is False  # each workshop its own
    assert remaining({}, "feliz", now=100) is None and remaining(state, "vacas", now=100) is None
    assert remaining(state, "feliz", now=100) == 61 and remaining(with_workshop(state, "feliz", timer_end=90), "feliz", now=100) == 0
    assert with_workshop(state, "feliz", timer_end=None)["workshops"]["feliz"] == {"revealed": True, "timer_end": None}
    assert anonymous({}) is True and anonymous({"anonymous": False}) is False  # anonymous unless chosen
    assert clock(61) == "01:01" and clock(0) == "00:00" and clock(None) == ""


def test_console_controls_reach_the_participant(store):
    room, key = store.create_room("Sala", "bank", "es")
    person, token = store.join(room, "Ana", "A")
    console = FacilitatorApp(store, Page({"room": room.code, "key": key}, "/voila/render/facilitador.ipynb"))
    part = ParticipantApp(store, Page({"room": room.code, "me": token}, "/voila/render/00_bienvenida.ipynb"))
    panel = console.panels[0]
    assert part.body.children == (part.view,)
    # results hidden until revealed
    assert panel.results_slot.children == (panel.hidden,)
    console.toggle_reveal()
    assert panel.results_slot.children == (panel.results,)
    assert console.reveal_button.description == t("es", "reveal.hide")
    # closing the phase puts participants in the waiting card, opening brings the exercise back
    console.toggle_phase()
    part.on_room_change()
    assert part.body.children == (part.waiting,)
    console.toggle_phase()
    part.on_room_change()
    assert part.body.children == (part.view,)
    # the timer shows on both
    console.minutes.value = 5
    console.toggle_timer()
    part.on_room_change()
    for label in (part.timer.value, console.timer.value):
        minutes, seconds = re.search(r"(\d+):(\d+)$", label).groups()
        assert 240 <= int(minutes) * 60 + int(seconds) <= 300
    console.toggle_timer()
    part.on_room_change()
    assert part.timer.value == "" and console.timer.value == ""
    console.watcher.stop()
    part.watcher.stop()
