"""The sacred-cow hunt: model, charts and widgets without a browser."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from widgets.workshops.vacas import model as vacas
from widgets.ui.charts import VERMILLION
from widgets.workshops.vacas.charts import cow_leaderboard, cow_matrix, who_donut
from widgets.apps.console import FacilitatorApp
from widgets.i18n import Translator, t
from widgets.serving.page import Page
from widgets.apps.participant_page import ParticipantApp
from widgets.room.store import StoreError
from widgets.ui.text import TextError

TR = Translator("es")
TODAY = dt.date(2026, 11, 23)


def cow(name="Firma en cada hoja", rule="", kind="control", who="customers", how=("delays",), freq=4):
    return vacas.cow_value(name, rule, kind, who, list(how), freq)


def rows(*records):
    return pd.DataFrame(
        [dict(participant_id=p, name=f"P{p}", team="T", exercise="vacas", item=item, value=value, updated_at=0,
              id=k + 1, hidden=hidden) for k, (p, item, value, hidden) in enumerate(records)],
        columns=["participant_id", "name", "team", "exercise", "item", "value", "updated_at", "id", "hidden"],
    )


def test_cow_validation():
    assert cow(" Firma  en cada hoja ")["name"] == " Firma  en cada hoja "  # kept exactly as typed
    cases = [
        (dict(name="  "), "vacas.name_empty"), (dict(name="x" * 1000), "vacas.name_too_long"),
        (dict(rule="x" * 281), "vacas.rule_too_long"), (dict(kind="rumor"), "vacas.kind_missing"),
        (dict(who=None), "vacas.who_missing"), (dict(how=()), "vacas.how_missing"), (dict(freq=9), "vacas.freq_missing"),
    ]
    for kwargs, key in cases:
        with pytest.raises((StoreError, TextError)) as err:
            cow(**kwargs)
        assert err.value.key == key
    with pytest.raises(TextError) as err:
        cow(name="x" * 1000)
    assert err.value.kwargs == {"length": 1000, "max": 80}


def test_merge_and_herd_count_hunters_once():
    herd = vacas.merge({}, "2:b", "1:a")
    herd = vacas.merge(herd, "3:c", "2:b")  # merging into a merged cow goes to its root
    assert herd == {"2:b": "1:a", "3:c": "1:a"}
    with pytest.raises(StoreError):
        vacas.merge(herd, "3:c", "1:a")
    df = rows((1, "cow:a", cow("Firma"), False), (2, "cow:b", cow("Firmas", who="colleagues"), False),
              (3, "cow:c", cow("Firma x3"), False), (4, "cow:d", cow("Fila única"), False),
              (5, "cow:e", cow("Grosería"), True))
    groups = vacas.herd(vacas.cows(df), herd)
    assert [g.key for g in groups] == ["1:a", "4:d"]  # the hidden cow is out
    assert groups[0].hunters == ["P1", "P2", "P3"] and groups[0].who == "both"
    assert [g.key for g in vacas.herd(vacas.cows(df), vacas.unmerge(herd, "3:c"))] == ["1:a", "3:c", "4:d"]


def test_votes_budget_and_board():
    valid = {"1:a", "4:d"}
    v = vacas.cast_vote({}, "1:a", 1, 2, valid)
    v = vacas.cast_vote(v, "4:d", 1, 2, valid)
    with pytest.raises(StoreError) as err:
        vacas.cast_vote(v, "1:a", 1, 2, valid)
    assert err.value.key == "vacas.vote_over_budget"
    assert vacas.cast_vote({"9:z": 2}, "1:a", 1, 2, valid) == {"1:a": 1}  # votes on vanished cows come back
    herd = {"2:b": "1:a"}
    df = rows((1, "cow:a", cow("Firma"), False), (2, "cow:b", cow("Firmas"), False), (4, "cow:d", cow("Fila", who="both"), False),
              (1, "cow_votes", {"1:a": 2, "4:d": 1}, False), (2, "cow_votes", {"2:b": 3}, False),
              (1, "cow_score:1:a", {"harm": 5, "value": 1}, False), (2, "cow_score:2:b", {"harm": 3, "value": 2}, False))
    board = vacas.board(vacas.cows(df), herd, df).set_index("key")
    assert board.loc["1:a", "votes"] == 5 and board.loc["1:a", "hunters"] == 2
    assert board.loc["1:a", "harm"] == 4 and board.loc["1:a", "value"] == 1.5
    assert list(board.index) == ["1:a", "4:d"]  # most voted first
    assert vacas.exterminate_zone(4, 1.5) and not vacas.exterminate_zone(2, 1) and not vacas.exterminate_zone(float("nan"), 1)
    assert vacas.colleague_share(board.reset_index()) == 0.5


def test_verdicts_and_action_plan():
    with pytest.raises(StoreError) as err:
        vacas.verdict_value("exterminate", "", "Ana", "Quitar la firma", TODAY - dt.timedelta(days=1), today=TODAY)
    assert err.value.key == "vacas.due_past"
    for kwargs, key in ((dict(decision=None), "vacas.decision_missing"), (dict(owner=" "), "vacas.owner_missing"),
                        (dict(step=""), "vacas.step_missing"), (dict(due=None), "vacas.due_missing")):
        args = dict(decision="rewrite", reason="", owner="Ana", step="Reunión", due=TODAY) | kwargs
        with pytest.raises((StoreError, TextError)) as err:
            vacas.verdict_value(**args, today=TODAY)
        assert err.value.key == key
    with pytest.raises(TextError):
        vacas.verdict_value("keep", "  ", "", "", None, today=TODAY)  # keeping needs a reason
    kept = vacas.verdict_value("keep", "La exige la ley", "", "", None, today=TODAY)
    killed = vacas.verdict_value("exterminate", "", "Ana", "Quitar la firma", TODAY, today=TODAY)
    table = pd.DataFrame({"key": ["1:a", "4:d", "5:e"], "name": ["Firma", "Fila", "Sin veredicto"], "votes": [5, 1, 0],
                          "hunters": [2, 1, 1]})
    plan = vacas.action_plan(table, {"1:a": killed, "4:d": kept})
    assert plan["name"].tolist() == ["Firma"] and plan["due"].tolist() == [TODAY.isoformat()]


def test_charts():
    table = pd.DataFrame({"key": ["a", "b", "c"], "name": ["<b>Firma</b>", "Fila", "Ticket"], "rule": ["", "", ""],
                          "kind": ["control"] * 3, "who": ["customers", "colleagues", "both"], "hunters": [2, 1, 1],
                          "hunter_names": ["", "", ""], "votes": [5, 2, 0], "harm": [4.5, 2.0, float("nan")],
                          "value": [1.0, 4.0, float("nan")]})
    m = cow_matrix(table, TR, in_zone=vacas.exterminate_zone)
    assert list(m.data[0].x) == [1.0] and m.data[0].marker.color == VERMILLION and list(m.data[1].y) == [2.0]
    assert m.data[0].text[0] == "&lt;b&gt;Firma&lt;/b&gt;"
    # bubbles grow with the votes up to a bound: 80 votes for one cow do not draw a bubble over the whole chart
    assert list(m.data[0].marker.size) == [54] and list(m.data[1].marker.size) == [32.4]
    assert list(m.data[0].textposition) == ["top right"] and list(m.data[1].textposition) == ["top center"]
    crowded = cow_matrix(table.assign(votes=[80, 40, 0]), TR, in_zone=vacas.exterminate_zone)
    assert list(crowded.data[0].marker.size) == [54] and list(crowded.data[1].marker.size) == [36]
    board = cow_leaderboard(table, TR)
    assert [list(tr.x) for tr in board.data] == [[5], [2], [0]]
    assert list(board.layout.yaxis.categoryarray)[-1] == "&lt;b&gt;Firma&lt;/b&gt;"  # most hated on top
    assert board.layout.xaxis.dtick == 1 and board.layout.xaxis.tickformat == "d"  # whole votes, never 0.5
    assert list(who_donut(table, TR).data[0].values) == [1, 1, 1]
    only_customers = who_donut(table[table["who"] == "customers"], TR).data[0]
    assert list(only_customers.values) == [1, 0, 0]
    assert list(only_customers.texttemplate) == ["%{value}<br>%{percent}", "", ""]  # no "0 %" labels


def test_catalog_per_industry_in_both_languages():
    industries = {p.stem for p in (Path(__file__).parent.parent / "data" / "journeys").glob("*.json")}
    for industry in industries:
        es, en = vacas.catalog(industry, "es"), vacas.catalog(industry, "en")
        assert len(es) >= 6 and len(es) == len(en), industry
        assert sum(c["who"] in ("colleagues", "both") for c in es) >= 3
        for c in es:
            vacas.cow_value(c["name"], c["rule"], c["kind"], c["who"], c["how"], 3)  # every entry is postable


def test_three_hunters_merge_vote_reveal_and_plan(store):
    room, key = store.create_room("Vacas", "bank", "es", state={"phase": "vacas"})
    apps = {}
    for name in ("Ana", "Beto", "Cris"):
        _, token = store.join(room, name, "Azul")
        apps[name] = ParticipantApp(store, Page({"room": room.code, "me": token}))
    a, b, c = (apps[n].view for n in ("Ana", "Beto", "Cris"))
    a.name.value = ""
    a.submit()
    assert a.notice.message == t("es", "vacas.name_empty")
    a.pick.value = 0  # from the industry catalog
    a.freq.value = 4
    a.submit()
    assert a.notice.message.startswith("¡Vaca")
    for view, name in ((b, "Firma en todo"), (c, "Fila para todo")):
        view.name.value, view.kind.value, view.who.value, view.freq.value = name, "process", "both", 5
        view.how.value = ["delays"]
        view.submit()
    console = FacilitatorApp(store, Page({"room": room.code, "key": key}))
    panel = console.panels[2]
    keys = {g.cow.title: g.key for g in vacas.herd(vacas.cows(store.responses(room.id, "vacas")), {})}
    panel.merge(keys["Firma en todo"], keys[vacas.catalog("bank", "es")[0]["name"]])
    assert len(panel.table) == 2 and panel.table["hunters"].max() == 2
    for view in (a, b, c):
        view.refresh()
        for _ in range(3):
            view.vote(view.table["key"][0], +1)
    b.vote(b.table["key"][0], +1)
    b.vote(b.table["key"][0], +1)
    b.vote(b.table["key"][0], +1)
    assert b.notice.message == t("es", "vacas.vote_over_budget", budget=5)
    panel.refresh()
    assert panel.table["votes"].tolist()[0] == 11
    assert "fa-eye-slash" in a.plan.value and t("es", "vacas.plan_hidden") in a.plan.value  # hidden until revealed
    panel.verdict_cow.value = panel.table["key"][0]
    panel.decision.value = "exterminate"
    panel.owner.value, panel.step.value = "Gerencia", "Quitar la firma del formulario"
    panel.due.value = dt.date.today() - dt.timedelta(days=3)
    panel.submit_verdict()
    assert "ya pasó" in panel.verdict_notice.message and panel.owner.value == "Gerencia"  # nothing lost
    panel.due.value = dt.date.today() + dt.timedelta(days=7)
    panel.submit_verdict()
    assert len(panel.plan_table) == 1 and panel.plan_table["votes"].tolist() == [11]
    console.toggle_reveal()
    a.refresh()
    assert "Quitar la firma del formulario" in a.plan.value
    panel.prepare_downloads()
    assert "cl-dl-plan-xlsx" in panel.downloads.value
    for app in (*apps.values(), console):
        app.watcher.stop()


def _cow_rows(panel) -> dict:
    """The console's wall as the facilitator sees it: each cow's row by the cow's name."""
    import re

    out = {}
    for row in panel.wall_rows.rows + panel.wall_rest.rows:
        found = re.search(r"<div class='cl-wall-text'>(.*?)</div>", row["html"])
        out[found.group(1)] = row
    return out


def _click(panel, row: dict, label: str) -> None:
    """Click the button labelled ``label`` on a wall row (or one of its ↳ lines), as the page sends it."""
    for line in (row, *row.get("sub", ())):
        for action, shown, *_ in line["actions"]:
            if shown == label:
                rows = panel.wall_rows if any(r is row for r in panel.wall_rows.rows) else panel.wall_rest
                rows._received(rows, {"key": line["key"], "action": action}, [])
                return
    raise AssertionError(f"no button {label!r} on {row['key']}")


def _button(box, description: str):
    stack = [box]
    while stack:
        w = stack.pop()
        if getattr(w, "description", None) == description and hasattr(w, "click"):
            return w
        stack.extend(getattr(w, "children", ()))
    raise AssertionError(f"no button {description!r}")


def _menus(box) -> list:
    stack, out = [box], []
    while stack:
        w = stack.pop()
        out += [w] if hasattr(w, "options") else []
        stack.extend(getattr(w, "children", ()))
    return out


def test_console_wall_keeps_unchanged_rows_and_merges_with_one_shared_menu(store):
    room, key = store.create_room("Vacas", "bank", "es", state={"phase": "vacas"})
    people = [store.join(room, name, "Azul")[0] for name in ("Ana", "Beto", "Cris", "Dani")]
    for person, name in zip(people, ("Firma en cada hoja", "Firma en todo", "Fila única")):
        store.save_response(person, vacas.EXERCISE, vacas.new_cow_item(), cow(name))
    console = FacilitatorApp(store, Page({"room": room.code, "key": key}))
    console.watcher.stop()
    panel = console.panel_by_id["vacas"]
    before = _cow_rows(panel)
    assert list(before) == ["Firma en cada hoja", "Firma en todo", "Fila única"]
    assert all(row["cls"] == "cl-wall-entry cl-cow" for row in before.values())
    assert _menus(panel.wall) == []  # no menu of all cows in every row

    store.save_response(people[3], vacas.EXERCISE, vacas.new_cow_item(), cow("Sello <b>rojo</b>"))
    panel.refresh()
    after = _cow_rows(panel)
    assert list(after) == [*before, "Sello &lt;b&gt;rojo&lt;/b&gt;"]  # escaped
    for name, row in before.items():  # the other rows are the same data: the page keeps what it drew
        assert after[name] == row

    # merging, as the facilitator clicks it: "Unir…" on the duplicate, pick the cow it is, "Unir"
    _click(panel, after["Firma en todo"], t("es", "vacas.merge_pick"))
    menus = _menus(panel.wall)
    assert len(menus) == 1 and panel.wall.children == (panel.wall_rows, panel.merge_bar, panel.wall_rest)
    assert panel.wall_rows.rows[-1]["key"] == after["Firma en todo"]["key"]  # the menu is right under the duplicate
    assert [r["key"] for r in panel.wall_rest.rows] == [after[n]["key"] for n in ("Fila única", "Sello &lt;b&gt;rojo&lt;/b&gt;")]
    labels = [label for label, _ in menus[0].options]
    assert labels == [t("es", "vacas.merge_into"), "Firma en cada hoja", "Fila única", "Sello <b>rojo</b>"]
    menus[0].value = dict(menus[0].options)["Firma en cada hoja"]
    _button(panel.wall, t("es", "vacas.merge")).click()
    assert panel.notice.message == t("es", "vacas.merged")
    merged = _cow_rows(panel)
    assert list(merged) == ["Firma en cada hoja", "Fila única", "Sello &lt;b&gt;rojo&lt;/b&gt;"]
    assert "2 cazadores" in merged["Firma en cada hoja"]["html"]
    assert merged["Fila única"] == after["Fila única"]  # untouched by the merge
    assert _menus(panel.wall) == [] and panel.wall.children == (panel.wall_rows,)  # the merge control closed
    _click(panel, merged["Firma en cada hoja"], t("es", "vacas.unmerge"))
    assert len(_cow_rows(panel)) == 4


def test_no_cow_bothering_colleagues_is_said_in_words_not_as_zero_percent(store):
    from widgets import report

    room, _ = store.create_room("Sala", "bank", "es")
    person, _ = store.join(room, "Ana", "Caja")
    store.save_response(person, vacas.EXERCISE, vacas.new_cow_item(),
                        vacas.cow_value("Firma", "", "policy", "customers", ["delays"], 3))
    page = report.cows_html(store, room)
    assert TR("vacas.colleague_none") in page and "El 0 %" not in page
