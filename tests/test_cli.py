"""The command line and the demo room."""

from __future__ import annotations

import re

from widgets import cli
from widgets.workshops.feliz import model as feliz
from widgets.demo import seed_demo
from widgets.kits.journeys import touchpoints
from widgets.room.store import Store


def test_demo_room_is_filled_and_replaced(store):
    room, key = seed_demo(store, participants=12)
    assert len(store.participants(room.id)) == 12
    summary = feliz.summarize(store.responses(room.id, "feliz"), touchpoints(room.industry, room.lang))
    assert summary["n"].sum() > 12 * 4 and summary["worse"].any() and not summary["worse"].all()
    from widgets.workshops.varita import model as varita

    wand = store.responses(room.id, "varita")
    table = varita.design(varita.journey_from_template(touchpoints(room.industry, room.lang)), wand)
    assert table["idea"].astype(bool).sum() >= 2 and varita.vote_totals(wand)  # ideas chosen by votes
    again, _ = seed_demo(store, participants=3)
    assert [r.id for r in store.list_rooms() if r.is_demo and r.is_open] == [again.id]
    assert len([r for r in store.list_rooms() if r.is_demo]) == 3  # the demo room and its two earlier waves
    assert store.room(room.id) is None and store.responses(room.id).empty  # old demo room gone, id not reused


def test_cli_create_prints_join_and_console_links(capsys):
    assert cli.main(["--base", "http://localhost:9999", "--public", "http://10.1.2.3:9999",
                     "create", "Hotel Sol", "--industry", "hotel", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    code = re.search(r"code (\w{6})", out).group(1)
    key = re.search(r"key=([\w-]+)", out).group(1)
    assert f"http://10.1.2.3:9999/voila/render/00_bienvenida.ipynb?room={code}" in out
    assert f"http://localhost:9999/voila/render/facilitador.ipynb?room={code}&key={key}" in out
    s = Store()
    room = s.room_by_code(code)
    assert room.lang == "en" and s.check_facilitator_key(room, key)


def test_cli_refuses_empty_room_name(capsys):
    assert cli.main(["create", "  "]) == 2
    assert "room.name_empty" in capsys.readouterr().err
