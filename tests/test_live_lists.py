"""Live lists in a busy room: hundreds of entries arriving while people hold the list open.

With a list built of ipywidgets (a dozen per row, rebuilt on every change), a phone on the voting list froze
once the room held about 40 cows ("widget model not found"). Lists are now one ``Rows`` widget each, a page of
rows at a time; these tests hold them to the store.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import expect

from widgets.workshops.vacas import model as vacas
from widgets.i18n import Translator
from widgets.room.store import Store
from widgets.workshops.vacas.view import VacasFacilitator, VacasParticipant

TR = Translator("es")


def _post(store: Store, person, name: str) -> None:
    store.save_response(person, vacas.EXERCISE, vacas.new_cow_item(),
                        vacas.cow_value(name, "", "process", "both", ["delays"], 3))


def _keys(rows) -> list[str]:
    return [r["key"] for r in rows]


def test_the_rows_follow_the_store_through_adds_removals_merges_hides_and_votes(store):
    """Model level: after every change the rows of the phone's voting list and of the console's wall are the
    store's herd, in posting order, whoever voted what (votes never reorder a list people act on)."""
    room, _ = store.create_room("Vacas", "bank", "es", state={"phase": "vacas"})
    ana, _ = store.join(room, "Ana", "Azul")
    beto, _ = store.join(room, "Beto", "Azul")
    phone = VacasParticipant(store, room, beto, TR)
    console = VacasFacilitator(store, room, TR)

    def herd() -> list[str]:
        df = store.responses(room.id, vacas.EXERCISE)
        return [g.key for g in vacas.herd(vacas.cows(df), store.room(room.id).state.get("herd", {}))]

    def check() -> None:
        phone.refresh()
        console.refresh()
        expected = herd()
        assert _keys(phone.vote_rows.all_rows) == expected and phone.vote_rows.total == len(expected)
        assert [k for k in _keys(console.wall_rows.rows + console.wall_rest.rows) if not k.startswith("hidden:")] == expected

    for i in range(25):  # add
        _post(store, ana, f"Vaca {i:02d}")
    check()
    assert len(phone.vote_rows.rows) == VacasParticipant.PAGE  # the phone holds one page
    first = herd()
    store.delete_response(ana, vacas.EXERCISE, vacas.COW_PREFIX + first[3].split(":", 1)[1])  # remove
    check()
    console.merge(first[5], first[1])  # merge
    check()
    assert first[5] not in herd()
    hidden = store.responses(room.id, vacas.EXERCISE)
    console.hide(int(hidden[hidden["item"] == vacas.COW_PREFIX + first[7].split(":", 1)[1]]["id"].iloc[0]), True)  # hide
    check()
    before = _keys(phone.vote_rows.all_rows)
    votes = {first[20]: 3, first[0]: 2}  # the room votes: the most voted would come first in a ranking
    store.save_response(ana, vacas.EXERCISE, vacas.VOTES, votes)
    check()
    assert _keys(phone.vote_rows.all_rows) == before  # no reordering under anyone's finger
    console.unmerge(first[5])
    check()
    assert herd().index(first[5]) == 4  # back where it was posted (the removed one no longer counts)


@pytest.mark.browser
def test_a_phone_holding_the_voting_list_follows_a_room_posting_past_a_hundred_cows(voila_server, browser):
    store = voila_server.store()
    room, key = store.create_room("Manada grande", "bank", "es", state={"phase": "vacas"})
    posters = [store.join(room, f"Cazador {i}", "Azul")[0] for i in range(5)]
    _me, token = store.join(room, "Beto", "Azul")
    context = browser.new_context(viewport={"width": 412, "height": 915})
    context.set_default_timeout(60_000)
    phone = context.new_page()
    errors: list[str] = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    phone.on("pageerror", lambda e: errors.append(str(e)))
    phone.goto(voila_server.url("03_vacas_sagradas.ipynb", f"room={room.code}&me={token}"))
    phone.get_by_role("radio", name="2. Votar").click()
    expect(phone.get_by_text("Todavía no hay vacas para votar.")).to_be_visible()
    console = context.new_page()
    console.on("pageerror", lambda e: errors.append(str(e)))
    console.goto(voila_server.url("facilitador.ipynb", f"room={room.code}&key={key}"))
    console.locator(".cl-showing").get_by_role("radio", name=re.compile("Limpiar la casa")).click()  # its results
    total = 0
    for wave in range(6):  # cows arrive in bursts while the phone holds the list open
        for i in range(20):
            _post(store, posters[i % len(posters)], f"Vaca {total:03d}")
            total += 1
        expect(phone.locator(".cl-rows-where").first).to_have_text(f"Página 1 de {-(-total // 10)} · {total} en total")
    rows = phone.locator(".cl-cow-vote")
    expect(rows).to_have_count(10)
    df = store.responses(room.id, vacas.EXERCISE)
    expected = [g.cow.title for g in vacas.herd(vacas.cows(df), {})]
    assert len(expected) == total == 120
    expect(rows.locator(".cl-tp-name")).to_have_text(expected[:10])  # the store's first page, in order
    for _ in range(11):
        phone.get_by_role("button", name="Siguientes").first.click()
    expect(rows.locator(".cl-tp-name")).to_have_text(expected[110:120])
    # a vote on the last page lands on the cow tapped
    phone.get_by_role("button", name="Votar por «Vaca 115»").click()
    expect(phone.get_by_text("Usaste 1 de 5 votos.")).to_be_visible()
    votes = store.responses(room.id, vacas.EXERCISE)
    mine = votes[(votes["name"] == "Beto") & (votes["item"] == vacas.VOTES)]["value"].iloc[0]
    titles = {c.key: c.title for c in vacas.cows(df)}
    assert {titles[k]: n for k, n in mine.items()} == {"Vaca 115": 1}
    # the console's wall holds every cow of the store
    expect(console.locator(".cl-cow")).to_have_count(120)
    expect(console.locator(".cl-cow .cl-wall-text")).to_have_text(expected)
    dom = phone.evaluate("document.getElementsByTagName('*').length")
    assert dom < 2500, dom  # a page of rows, not the whole herd
    assert not [e for e in errors if "model not found" in e or "Error" in e], errors
    context.close()
