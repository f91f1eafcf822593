"""The magic-wand workshop: model, charts and widgets without a browser."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from widgets.workshops.varita import model as varita
from widgets.ui.charts import GREEN
from widgets.workshops.varita.charts import emotion_curve, fans_gauge, gain_dumbbell, ideas_matrix
from widgets.apps.console import FacilitatorApp
from widgets.workshops.feliz.model import RatingError
from widgets.i18n import Translator, t
from widgets.serving.page import Page
from widgets.apps.participant_page import ParticipantApp
from widgets.room.store import StoreError
from widgets.ui.text import TextError

J = [{"id": "a", "name": "Llegada"}, {"id": "b", "name": "Pago"}, {"id": "c", "name": "Salida"}]
TR = Translator("es")


def rows(*records):
    return pd.DataFrame(
        [dict(participant_id=p, name=f"P{p}", team=team, exercise="varita", item=item, value=value,
              updated_at=0, id=k, hidden=hidden)
         for k, (p, team, item, value, hidden) in enumerate(records)],
        columns=["participant_id", "name", "team", "exercise", "item", "value", "updated_at", "id", "hidden"],
    )


def idea(p, team, iid, tp, text="x", delight=3, unique=3, effort=3, predicted=4, hidden=False):
    return (p, team, f"idea:{iid}", {"tp": tp, "text": text, "delight": delight, "unique": unique,
                                      "effort": effort, "predicted": predicted}, hidden)


def test_journey_edits():
    j = varita.add_touchpoint(J, "  Estacionamiento ")
    assert j[-1]["name"] == "  Estacionamiento " and j[-1]["id"].startswith("c-") and len(j) == 4  # as typed
    for same in ("pago", " PAGO ", "Ｐａｇｏ"):  # the same name however spelled
        with pytest.raises(StoreError) as e:
            varita.add_touchpoint(J, same)
        assert e.value.key == "varita.tp_duplicate"
    with pytest.raises(TextError) as e:
        varita.add_touchpoint(J, "   ")
    assert e.value.key == "varita.tp_empty"
    with pytest.raises(TextError) as e:
        varita.add_touchpoint(J, "x" * 41)
    assert e.value.key == "varita.tp_too_long"
    assert [tp["name"] for tp in varita.rename_touchpoint(J, "b", "Caja")] == ["Llegada", "Caja", "Salida"]
    assert varita.rename_touchpoint(J, "b", "PAGO")[1]["name"] == "PAGO"  # its own name, other case: fine
    assert [tp["id"] for tp in varita.move_touchpoint(J, "c", -1)] == ["a", "c", "b"]
    assert [tp["id"] for tp in varita.move_touchpoint(J, "a", -1)] == ["a", "b", "c"]
    assert [tp["id"] for tp in varita.remove_touchpoint(J, "b")] == ["a", "c"]
    with pytest.raises(StoreError):
        varita.remove_touchpoint(J[:1], "a")
    many = J
    while len(many) < varita.MAX_TOUCHPOINTS:
        many = varita.add_touchpoint(many, f"m{len(many)}")
    with pytest.raises(StoreError) as e:
        varita.add_touchpoint(many, "uno más")
    assert e.value.key == "varita.tp_too_many"


def test_today_answer_and_frictions():
    # one friction per line, each as typed; blank lines are not frictions
    assert varita.today_answer(2, 4, " espera \n\n \n ruido ") == {"enter": 2, "leave": 4, "frictions": [" espera ", " ruido "]}
    with pytest.raises(TextError) as e:
        varita.today_answer(1, 1, "espera\x00")
    assert e.value.key == "text.control"
    with pytest.raises(RatingError):
        varita.today_answer(0, 4, "")
    with pytest.raises(TextError) as e:
        varita.today_answer(1, 1, "\n".join("abcdef"))
    assert e.value.key == "varita.frictions_too_many"
    with pytest.raises(TextError) as e:
        varita.today_answer(1, 1, "x" * 121)
    assert e.value.kwargs == {"length": 121, "max": 120}


def test_idea_value_validation():
    assert varita.idea_value("a", " Café gratis ", 5, 4, 2, 5) == {
        "tp": "a", "text": " Café gratis ", "delight": 5, "unique": 4, "effort": 2, "predicted": 5}
    with pytest.raises(TextError):
        varita.idea_value("a", "  ", 5, 4, 2, 5)
    with pytest.raises(StoreError) as e:
        varita.idea_value("a", "ok", 5, None, 2, 5)
    assert e.value.key == "varita.rating_missing"
    with pytest.raises(RatingError):
        varita.idea_value("a", "ok", 6, 4, 2, 5)


def test_votes_respect_budget():
    valid = {"1:a", "1:b"}
    v = varita.cast_vote({}, "1:a", 1, 2, valid)
    v = varita.cast_vote(v, "1:a", 1, 2, valid)
    assert v == {"1:a": 2}
    with pytest.raises(StoreError) as e:
        varita.cast_vote(v, "1:b", 1, 2, valid)
    assert e.value.key == "varita.vote_over_budget" and e.value.kwargs == {"budget": 2}
    assert varita.cast_vote(v, "1:a", -1, 2, valid) == {"1:a": 1}
    assert varita.cast_vote({}, "1:a", -1, 2, valid) == {}
    with pytest.raises(StoreError):
        varita.cast_vote({}, "9:z", 1, 2, valid)
    # a hidden or withdrawn idea gives its votes back to the budget
    assert varita.cast_vote({"1:gone": 2}, "1:a", 1, 2, valid) == {"1:a": 1}
    assert varita.votes_used({"1:gone": 2, "1:a": 1}, valid) == 1
    assert varita.budget({}) == 5 and varita.budget({"vote_budget": 3}) == 3


def test_design_chooses_most_voted_idea_and_computes_gain():
    df = rows(
        (1, "Azul", "today:a", {"enter": 3, "leave": 2, "frictions": []}, False),
        (2, "Azul", "today:a", {"enter": 5, "leave": 2, "frictions": []}, False),
        (1, "Azul", "today:b", {"enter": 4, "leave": 4, "frictions": []}, False),
        idea(1, "Azul", "i1", "a", "Mensaje", delight=4, effort=1, predicted=5),
        idea(2, "Azul", "i2", "a", "Música", delight=5, effort=5, predicted=3),
        idea(2, "Azul", "i3", "b", "Oculta", predicted=5, hidden=True),
        (1, "Azul", "votes", {"1:i1": 2, "2:i3": 1}, False),
        (2, "Azul", "votes", {"2:i2": 1}, False),
        (3, "Rojo", "today:a", {"enter": 1, "leave": 1, "frictions": []}, False),
    )
    table = varita.design(J, df, team="Azul").set_index("touchpoint")
    assert table.loc["a", "enter"] == 4 and table.loc["a", "leave"] == 2
    assert table.loc["a", "idea"] == "Mensaje" and table.loc["a", "votes"] == 2
    assert table.loc["a", "designed"] == 5 and table.loc["a", "gain"] == 3
    assert table.loc["b", "idea"] == "" and table.loc["b", "designed"] == 4  # hidden idea never chosen
    assert math.isnan(table.loc["c", "enter"])
    assert varita.fans_share(table.reset_index(), "leave") == 0.0
    assert varita.fans_share(table.reset_index(), "designed") == 0.5
    assert varita.fans_share(varita.design(J, rows())) is None
    room = varita.design(J, df).set_index("touchpoint")
    assert room.loc["a", "n"] == 3


def test_ties_break_on_delight_then_effort():
    a = varita.Idea("1:a", 1, "P", "T", "x", "A", 3, 3, 4, 4)
    b = varita.Idea("1:b", 1, "P", "T", "x", "B", 5, 3, 4, 4)
    c = varita.Idea("1:c", 1, "P", "T", "x", "C", 5, 3, 2, 4)
    assert varita.chosen_ideas([a, b, c], {"1:a": 1, "1:b": 1, "1:c": 1})["x"].text == "C"
    assert varita.chosen_ideas([a, b, c], {}) == {}
    assert varita.quick_win(c) and not varita.quick_win(b)


def test_team_progress():
    people = pd.DataFrame({"id": [1, 2, 3], "team": ["Azul", "Azul", "Rojo"]})
    df = rows(
        *[(p, "Azul", f"today:{tp['id']}", {"enter": 3, "leave": 3}, False) for p in (1, 2) for tp in J],
        *[idea(1, "Azul", f"i{tp['id']}", tp["id"]) for tp in J],
        (1, "Azul", "votes", {"1:ia": 1}, False),
    )
    p = varita.team_progress({"Azul": J, "Rojo": J}, df, people).set_index("team")
    # journey, members who rated every touchpoint, ideas, members who voted, members
    assert p.loc["Azul"].tolist() == [True, 2, len(J), 1, 2]  # participant 2 has not voted
    assert p.loc["Rojo"].tolist() == [True, 0, 0, 0, 1]
    one_idea = rows(idea(3, "Rojo", "x", J[0]["id"]))
    assert varita.team_progress({"Rojo": J}, one_idea, people[people["team"] == "Rojo"]).loc[0, "wand"] == 1


def test_charts_data():
    table = pd.DataFrame({"touchpoint": ["a", "b"], "label": ["<b>A</b>", "B"], "n": [1, 1], "enter": [3, 4],
                          "leave": [2, 4], "designed": [5, 3], "gain": [3, -1], "idea": ["", ""], "votes": [0, 0]})
    curve = emotion_curve(table, TR)
    assert list(curve.data[0].y) == [3, 2, 4, 4] and list(curve.data[1].y) == [3, 5, 4, 3]
    assert list(curve.layout.xaxis.ticktext) == ["&lt;b&gt;A&lt;/b&gt;", "B"]
    dumbbell = gain_dumbbell(table, TR)
    assert list(dumbbell.data[2].x) == [2, 4] and list(dumbbell.data[3].x) == [5, 3]  # sorted by gain
    assert dumbbell.data[2].name == t("es", "varita.chart.today_leave")
    ideas = [varita.Idea("1:a", 1, "P", "T", "a", "<script>", 5, 3, 1, 5), varita.Idea("1:b", 1, "P", "T", "a", "B", 2, 3, 4, 3)]
    matrix = ideas_matrix(ideas, {"1:a": 3}, TR, quick_win=varita.quick_win)
    assert len(matrix.data[0].x) == 1 and matrix.data[0].marker.color == GREEN
    assert list(matrix.data[0].marker.size) == [54] and list(matrix.data[1].marker.size) == [18] and "<script>" not in matrix.data[0].text[0]
    gauge = fans_gauge(0.25, 0.75, TR)
    assert gauge.data[0].value == 75 and gauge.data[0].delta.reference == 25


def test_two_teammates_design_vote_and_facilitator_sees_it(store):
    room, key = store.create_room("Varita", "restaurant", "es", state={"phase": "varita", "revealed": True})
    ana, ta = store.join(room, "Ana", "Azul")
    beto, tb = store.join(room, "Beto", "Azul")
    A = ParticipantApp(store, Page({"room": room.code, "me": ta}))
    B = ParticipantApp(store, Page({"room": room.code, "me": tb}))
    va, vb = A.view, B.view
    va.new_tp.value = "Estacionamiento"
    va.add_tp.click()
    vb.refresh()
    assert vb.journey[-1]["name"] == "Estacionamiento"  # shared by the team
    va.new_tp.value = "ESTACIONAMIENTO"
    va.add_tp.click()
    assert va.notice.message == t("es", "varita.tp_duplicate", name="ESTACIONAMIENTO")
    assert va.new_tp.value == "ESTACIONAMIENTO"  # what was typed is kept
    first = va.journey[0]["id"]
    enter, leave, frictions, _status = va.today_widgets[first]
    enter.value, leave.value, frictions.value = 4, 2, "espera"
    va.idea_tp.value = first
    va.idea_text.value = "Avisar por mensaje"
    va.delight.value, va.unique.value, va.effort.value = 5, 4, 1
    va.add_idea.click()
    assert va.notice.message == t("es", "varita.rating_missing") and va.idea_text.value == "Avisar por mensaje"
    va.predicted.value = 5
    va.add_idea.click()
    assert va.notice.message == t("es", "varita.idea_saved")
    vb.refresh()
    idea_key = vb.vote_rows.rows[0]["key"]
    assert vb.vote_rows.actions_of(idea_key) == ["minus", "plus"]
    for _ in range(5):
        assert vb.vote_rows.click(idea_key, "plus")  # as the page sends a click on the row's "+"
    vb.vote_rows.click(idea_key, "plus")
    assert vb.notice.message == t("es", "varita.vote_over_budget", budget=5)
    assert vb.notice.message in vb.vote_rows.rows[0]["html"]  # said in the row voted on, not far above
    assert vb.budget_label.value == t("es", "varita.budget", used=5, n=5)
    console = FacilitatorApp(store, Page({"room": room.code, "key": key}))
    panel = console.panels[1]
    panel.team.value = "Azul"
    assert panel.table.set_index("touchpoint").loc[first, "idea"] == "Avisar por mensaje"
    assert "Avisar por mensaje" in panel.top.value and "<b>5</b>" in panel.top.value
    assert list(panel.gain.data[3].x)[0] == 5
    for app in (A, B, console):
        app.watcher.stop()


def test_the_ideas_chart_names_each_idea():
    ideas = [varita.Idea("1:a", 1, "Ana", "Azul", "a", "Avisar por mensaje cuando la mesa esté lista", 5, 4, 1, 5)]
    fig = ideas_matrix(ideas, {"1:a": 2}, TR, quick_win=varita.quick_win)
    assert "markers+text" in fig.data[0].mode and fig.data[0].text[0].startswith("Avisar por mensaje")
    assert "Avisar por mensaje cuando la mesa esté lista" in fig.data[0].customdata[0]  # the whole idea on hover
