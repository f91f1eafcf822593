"""'Cliente es todo aquel que no soy yo' and 'Clientelitis': models, charts and widgets without a browser."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from widgets.workshops.clientelitis import model as C
from widgets.room.phases import K_ANON
from widgets.workshops.clientes import model as clientes
from widgets.ui.charts import VERMILLION
from widgets.workshops.clientelitis.charts import plan_timeline, skills_radar, waves_chart
from widgets.workshops.clientes.charts import value_chain
from widgets.workshops.clientelitis.view import wave_chain
from widgets.demo import seed_demo
from widgets.apps.console import FacilitatorApp
from widgets.i18n import Translator, t
from widgets.serving.page import Page
from widgets.apps.participant_page import ParticipantApp
from widgets.room.store import StoreError
from widgets.ui.text import TextError

TR = Translator("es")
TODAY = dt.date(2026, 11, 23)


def rows(*records):
    return pd.DataFrame(
        [dict(participant_id=p, name=f"P{p}", team=team, exercise=ex, item=item, value=value, updated_at=0, id=k + 1,
              hidden=False) for k, (p, team, ex, item, value) in enumerate(records)],
        columns=["participant_id", "name", "team", "exercise", "item", "value", "updated_at", "id", "hidden"])


def test_customer_validation_and_room_map():
    assert clientes.customer_value(" Contabilidad ", "colleagues", "reporte", 2, "a tiempo")["who"] == " Contabilidad "
    for args, key in (((" ", "boss", "x", 3, "y"), "clientes.who_empty"), (("A" * 61, "boss", "x", 3, "y"), "clientes.who_too_long"),
                      (("A", "pets", "x", 3, "y"), "clientes.category_missing"), (("A", "boss", "x", None, "y"), "clientes.happiness_missing")):
        with pytest.raises((StoreError, TextError)) as err:
            clientes.customer_value(*args)
        assert err.value.key == key
    with pytest.raises(TextError):
        clientes.customer_value("A", "boss", "", 3, "y")
    df = rows((1, "T", "clientes", "customer:a", clientes.customer_value("Cliente", "external", "pizza", 4, "rápido")),
              (1, "T", "clientes", "customer:b", clientes.customer_value("Jefa", "boss", "reporte", 2, "sin errores")),
              (2, "T", "clientes", "customer:c", clientes.customer_value("Mesa 4", "external", "servicio", 5, "sonrisa")))
    rels = clientes.relationships(df)
    table = clientes.by_category(rels, participants=4).set_index("category")
    assert table.loc["external", "count"] == 2 and table.loc["external", "happiness"] == 4.5
    assert table.loc["external", "forgotten"] == 0.5 and table.loc["family", "forgotten"] == 1.0
    assert clientes.internal_share(rels) == pytest.approx(1 / 3)
    assert clientes.forgotten(table.reset_index())[0] in ("boss", "colleagues", "team", "suppliers", "family")
    assert "external" not in clientes.forgotten(table.reset_index())
    assert clientes.least_happy(rels, 1)["who"].tolist() == ["Jefa"]
    mine = rels[rels["participant_id"] == 1]
    chain = value_chain(mine, TR)
    labels = list(chain.data[0].node.label)
    assert len(chain.data[0].link.source) == len(mine) == 2
    assert all(labels[s] == r for s, r in zip(chain.data[0].link.source, mine["receives"]))  # what I deliver...
    assert all(labels[t].startswith(w) for t, w in zip(chain.data[0].link.target, mine["who"]))  # ...to whom
    assert VERMILLION in chain.data[0].link.color  # the boss leaves unhappy


def test_skills_plan_and_hiring_models():
    assert C.skills_value({"communication": 4, "speed": None}) == {"communication": 4}
    df = rows((1, "A", "clientelitis", "skills", {s: 2 for s in C.SKILLS}), (2, "A", "clientelitis", "skills", {s: 4 for s in C.SKILLS}))
    summary = C.skills_summary(C.skills_table(df)).set_index("skill")
    # two people: the mean, but no spread (its minimum and maximum would be each one's own answer)
    assert summary.loc["teamwork", "mean"] == 3.0 and summary.loc["teamwork", ["min", "max"]].isna().all()
    three = rows((1, "A", "clientelitis", "skills", {s: 2 for s in C.SKILLS}), (2, "A", "clientelitis", "skills", {s: 4 for s in C.SKILLS}),
                 (3, "A", "clientelitis", "skills", {s: 3 for s in C.SKILLS}))
    summary = C.skills_summary(C.skills_table(three)).set_index("skill")
    assert summary.loc["teamwork"].tolist()[:3] == [3.0, 2.0, 4.0] and K_ANON == 3
    radar = skills_radar(summary.reset_index(), {s: 5 for s in C.SKILLS}, TR)
    assert len(radar.data) == 4 and list(radar.data[3].r)[:2] == [5, 5] and len(radar.data[2].r) == len(C.SKILLS) + 1

    plan = C.add_event([], dt.date(2027, 1, 1), "Taller de quejas", ["*"], TODAY)
    plan = C.add_event(plan, "2027-12", "Refuerzo", ["Caja"], TODAY)
    warnings = dict(C.plan_warnings(plan, ["Caja", "Cocina"], TODAY))
    assert warnings["clientelitis.warn_gap"] == {"start": "2027-01", "end": "2027-12", "months": 11}
    assert "clientelitis.warn_team" not in warnings  # the first event is for everyone
    only_caja = C.remove_event(plan, plan[0]["id"])
    assert ("clientelitis.warn_team", {"team": "Cocina"}) in C.plan_warnings(only_caja, ["Caja", "Cocina"], TODAY)
    assert C.plan_warnings([], ["Caja"], TODAY) == [("clientelitis.warn_empty", {})]
    for args, key in (((plan, "2026-10", "x", ["*"]), "clientelitis.month_past"), ((plan, "2031-01", "x", ["*"]), "clientelitis.month_far"),
                      ((plan, "nope", "x", ["*"]), "clientelitis.month_missing"), ((plan, "2027-03", " ", ["*"]), "clientelitis.title_empty"),
                      ((plan, "2027-03", "x", []), "clientelitis.audience_missing")):
        with pytest.raises((StoreError, TextError)) as err:
            C.add_event(*args, TODAY)
        assert err.value.key == key
    timeline = plan_timeline(plan, TODAY, TR, gaps=[warnings["clientelitis.warn_gap"]])
    assert len(timeline.data[0].x) == 2 and len(timeline.layout.shapes) == 1

    good = C.candidate_value("Ana", {t_: 5 for t_ in C.TRAITS}, [], "")
    assert C.verdict(good) == "hire"
    assert C.verdict(C.candidate_value("Beto", {t_: 5 for t_ in C.TRAITS}, ["troll"], "")) == "no"
    assert C.verdict(C.candidate_value("Cris", {t_: 3 for t_ in C.TRAITS}, [], "")) == "doubt"
    with pytest.raises(StoreError) as err:
        C.candidate_value("Dani", {"smart": 4}, [], "")
    assert err.value.key == "clientelitis.traits_missing"


def test_demo_organisation_has_three_linked_waves(store):
    room, key = seed_demo(store, participants=8)
    chain = wave_chain(store, room)
    assert len(chain) == 3 and chain[-1].id == room.id
    console = FacilitatorApp(store, Page({"room": room.code, "key": key}))
    panel = console.panels[4]
    waves = [m for _, m in panel.wave_data]
    assert waves[0]["skills_mean"] < waves[1]["skills_mean"] < waves[2]["skills_mean"]  # repeat and reinforce works
    assert waves[0]["happiness_delta"] < waves[1]["happiness_delta"]
    # cows exterminated (a cow rewritten is still there): 1 and 3 in the earlier waves, 4 of the 5 in this one
    assert [w["cows_gone"] for w in waves] == [1, 3, 4]
    fig = waves_chart(panel.wave_data, TR)
    assert [list(tr.y) for tr in fig.data][2] == [1, 3, 4]
    console.watcher.stop()


def test_linking_waves_needs_the_earlier_console_link(store):
    first, first_key = store.create_room("Ola 1", "bank", "es")
    second, second_key = store.create_room("Ola 2", "bank", "es")
    console = FacilitatorApp(store, Page({"room": second.code, "key": second_key}))
    panel = console.panels[4]
    panel.previous.value = f"http://x/voila/render/facilitador.ipynb?room={first.code}&key=wrong"
    panel.link_previous()
    assert panel.notice.message == t("es", "clientelitis.link_bad") and "previous_room" not in store.room(second.id).state
    panel.previous.value = f"http://x/voila/render/facilitador.ipynb?room={first.code}&key={first_key}"
    panel.link_previous()
    assert store.room(second.id).state["previous_room"] == first.id and len(panel.wave_data) == 2
    back = FacilitatorApp(store, Page({"room": first.code, "key": first_key})).panels[4]
    back.previous.value = f"http://x/?room={second.code}&key={second_key}"
    back.link_previous()
    assert back.notice.message == t("es", "clientelitis.link_loop")
    console.watcher.stop()


def test_full_pass_of_both_apps_with_facilitator(store):
    room, key = store.create_room("Sala", "bank", "es", state={"phase": "clientes", "revealed": True})
    _, token = store.join(room, "Ana", "Caja")
    store.join(room, "Luis", "Cocina")
    app = ParticipantApp(store, Page({"room": room.code, "me": token}))
    view = app.view
    view.who.value = "Mi jefa"
    view.submit()
    assert view.notice.message == t("es", "clientes.category_missing") and view.who.value == "Mi jefa"
    view.category.value, view.receives.value, view.happiness.value, view.better.value = "boss", "El cierre", 2, "Avisar antes"
    view.submit()
    assert len(view.rels) == 1 and view.who.value == ""
    console = FacilitatorApp(store, Page({"room": room.code, "key": key}))
    panel = console.panels[3]
    assert panel.table.set_index("category").loc["boss", "happiness"] == 2
    assert "external" in panel.forgotten_list and "Avisar antes" in panel.least.value

    store.update_room_state(room.id, phase="clientelitis")
    app.on_room_change()
    cv = app.view
    assert type(cv).__name__ == "ClientelitisParticipant"
    cv.today = TODAY
    for w in cv.skills.values():
        w.value = 4
    cv.month.value = "2027-02"  # a month picked by name ("febrero 2027"), not a day
    cv.event_title.value = "Taller de quejas"
    cv.add_event.click()
    assert cv.plan[0]["title"] == "Taller de quejas" and "clientelitis.warn_end" in cv.warning_keys
    cv.candidate.value = "Pedro"
    cv.add_candidate.click()
    assert cv.notice.message == t("es", "clientelitis.traits_missing") and cv.candidate.value == "Pedro"
    for w in cv.trait_scales.values():
        w.value = 5
    cv.flags.value = ["troll"]
    cv.add_candidate.click()
    assert cv.notice.message == t("es", "clientelitis.candidate_added", verdict="No contratar")
    cpanel = console.panels[4]
    cpanel.refresh()
    assert cpanel.candidates["verdict"].tolist() == ["no"] and "Pedro" in cpanel.hiring.value
    assert "Caja" in cpanel.plans.value and "Cocina" in cpanel.plans.value
    assert cpanel.wave_data[0][1]["skills_mean"] == 4
    for a in (app, console):
        a.watcher.stop()


def test_one_wave_fits_its_panels_and_its_name():
    """"Ola tras ola" with one wave: every bar and its number inside its panel (a negative change too), and a
    long room name wrapped rather than cut."""
    fig = waves_chart([("Banco Norte — ola 1 de un nombre largo", {"skills_mean": 3.8, "happiness_delta": -0.6,
                                                                   "cows_gone": 4})], TR)
    assert fig.layout.yaxis.range[1] > 3.8 and fig.layout.yaxis3.range[1] > 4
    assert fig.layout.yaxis2.range[0] < -0.6 < 0 <= fig.layout.yaxis2.range[1]
    assert fig.data[0].x[0].count("<br>") >= 2 and all(t.cliponaxis is False for t in fig.data)


def test_the_room_radar_has_no_legend_entry_for_one_person():
    summary = C.skills_summary(C.skills_table(rows(*[(p, "A", "clientelitis", "skills", {s: 3 for s in C.SKILLS})
                                                     for p in (1, 2, 3)])))
    room = skills_radar(summary, None, TR)
    assert room.data[3].showlegend is False  # no "Yo" on the room's view
    assert skills_radar(summary, {s: 4 for s in C.SKILLS}, TR).data[3].showlegend is True
