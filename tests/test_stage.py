"""The projector's stage, without a browser: its slides, the presenter's keys, and what it never shows."""

from __future__ import annotations

import json

import ipywidgets as W
import pytest

from widgets.workshops import registry as exercises
from widgets.apps import slides
from widgets.ui.chartwidget import Chart
from widgets.demo import seed_demo
from widgets.apps.console import FacilitatorApp
from widgets.i18n import t
from widgets.serving.page import Page
from widgets.room.phases import revealed, timer_end
from widgets.apps.presenter import change
from widgets.apps.stage import StageApp, short_address

WORKSHOPS = list(exercises.EXERCISES)


def page(**params) -> Page:
    return Page(params, "/voila/render/facilitador.ipynb", "192.168.1.20", "8866")


def texts(widget: W.Widget) -> str:
    out, stack = [], [widget]
    while stack:
        w = stack.pop()
        for attr in ("value", "description", "tooltip"):
            if isinstance(getattr(w, attr, None), str):
                out.append(getattr(w, attr))
        if isinstance(w, Chart):
            out.append(json.dumps(w.to_plotly_json(), default=str, ensure_ascii=False))
        if hasattr(w, "rows"):
            out.append(json.dumps(w.rows, ensure_ascii=False))
        stack.extend(getattr(w, "children", ()))
    return "\n".join(out)


def test_the_slides_follow_the_agenda_and_the_clicker():
    seq = slides.sequence(WORKSHOPS)
    assert seq[0] == "join" and seq[1] == "open:feliz" and seq[2] == "feliz:chart" and seq[-1] == "clientelitis:waves"
    assert slides.current({}, WORKSHOPS) == "join"  # a session starts with the QR code and the code
    assert slides.current({"phase": "vacas"}, WORKSHOPS) == "join"
    assert slides.current(change({}, "next"), WORKSHOPS) == "open:feliz"
    state = slides.with_slide({"phase": "vacas"}, "open:vacas")
    state = change(state, "next")
    assert slides.current(state, WORKSHOPS) == "vacas:wall"
    state = change(change(state, "prev"), "prev")
    assert slides.current(state, WORKSHOPS) == seq[seq.index("open:vacas") - 1]
    first = slides.with_slide(state, "join")
    assert slides.current(change(first, "prev"), WORKSHOPS) == "join"  # kept within the agenda
    blank = change(state, "blank")
    assert slides.blank(blank) and not slides.blank(change(blank, "blank"))
    assert not slides.blank(change(blank, "next"))  # moving on lights the screen again
    assert [slides.workshop_of(s) for s in ("join", "open:varita", "vacas:plan")] == [None, "varita", "vacas"]


def test_reveal_and_timer_keys_act_on_the_workshop_on_the_stage():
    state = slides.with_slide({"phase": "feliz"}, "vacas:leaderboard")
    state = change(state, "reveal")
    assert revealed(state, "vacas") and not revealed(state, "feliz")
    state = change(state, "timer", minutes=5)
    assert timer_end(state, "vacas") and not timer_end(state, "feliz")
    assert not timer_end(change(state, "timer"), "vacas")  # T again stops it


def test_the_stage_shows_every_slide_with_no_name_of_an_anonymous_room(store):
    room, key = seed_demo(store, participants=8)  # anonymous, answers in every workshop, results revealed
    names = set(store.participants(room.id)["name"])
    stage = StageApp(store, page(room=room.code, key=key, view="projector"))
    try:
        assert key not in stage.bridge.query
        for slide in slides.sequence(WORKSHOPS):
            store.change_room_state(room.id, lambda s, slide=slide: slides.with_slide(s, slide))
            stage.refresh()
            shown = texts(stage)
            assert stage.slide == slide
            assert not [n for n in names if n in shown], (slide, [n for n in names if n in shown])
            assert len(stage.body.children) == 1  # one thing at a time
            if slide == "join":
                assert room.code in shown and "192.168.1.20:8866" in shown and "<svg" in shown
                assert stage.corner.value == ""
            else:
                assert room.code in stage.corner.value  # latecomers can still join
            if slides.part_of(slide):
                part = stage.body.children[0]
                assert "cl-fit" in part._dom_classes and getattr(part, "fill", True) is True
        # hidden until revealed: a workshop opened later has its own reveal
        store.change_room_state(room.id, lambda s: {**slides.with_slide(s, "clientes:bars"),
                                                    "workshops": {**s["workshops"], "clientes": {"revealed": False}}})
        stage.refresh()
        assert t("es", "reveal.hidden") in texts(stage) and not isinstance(stage.body.children[0], Chart)
        store.change_room_state(room.id, lambda s: slides.with_slide(s, "vacas:wall"))  # the live wall: shown
        stage.refresh()
        assert "cl-fit" in stage.body.children[0]._dom_classes
        stage.on_key("blank")
        assert "cl-blank" in stage._dom_classes
        stage.on_key("next")
        assert stage.slide == "vacas:leaderboard" and "cl-blank" not in stage._dom_classes
    finally:
        stage.watcher.stop()


def test_opening_a_workshop_puts_its_question_on_the_stage(store):
    room, key = store.create_room("Sala", "bank", "es")
    store.join(room, "Ana", "Azul")
    console = FacilitatorApp(store, page(room=room.code, key=key))
    stage = StageApp(store, page(room=room.code, key=key, view="projector"))
    try:
        console.toggle_phase("vacas")
        stage.refresh()
        assert stage.slide == "open:vacas" and t("es", "stage.question.vacas") in texts(stage)
        assert t("es", "stage.answered", n=0, people=1) in texts(stage)
        console.on_key("next")
        stage.refresh()
        assert stage.slide == "vacas:wall"
        assert t("es", "stage.now") in console.on_stage.value
        console.slide_pick.value = "join"
        stage.refresh()
        assert stage.slide == "join"
        stage.leave()
        assert stage.bridge.go.endswith(f"room={room.code}&key={key}")  # back to the console, never shown
    finally:
        console.watcher.stop()


@pytest.mark.parametrize("link, short", [("http://192.168.1.20:8866/voila/render/00_bienvenida.ipynb?room=ABCDEF",
                                           "192.168.1.20:8866"), ("https://taller.example.org/x?room=A", "taller.example.org")])
def test_the_join_slide_shows_the_address_people_can_type(link, short):
    assert short_address(link) == short
