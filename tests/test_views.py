"""The apps' widgets driven from Python (no browser): join flow, bad input, rejoin, tabs, console."""

from __future__ import annotations

import re

import pytest

from widgets.workshops.registry import EXERCISES
from widgets.apps.console import FacilitatorApp
from widgets.i18n import t
from widgets.serving.page import Page
from widgets.room.phases import revealed_everywhere
from widgets.apps.participant_page import ParticipantApp
from widgets.apps.welcome_page import WelcomeApp


def page(nb="00_bienvenida.ipynb", **params):
    return Page(params, f"/voila/render/{nb}", "localhost", "8866")


@pytest.fixture
def room(store):
    room, key = store.create_room("Hotel Sol", "hotel", "en")
    return room, key


def stop(app):
    if getattr(app, "watcher", None):
        app.watcher.stop()


def test_welcome_creates_room_and_shows_links(store):
    app = WelcomeApp(store, page(org=store.new_organiser_key()))
    form = app.creator
    form.name.value = "  "
    form.submit()
    assert form.notice.message == t("es", "room.name_empty") and form.room is None
    form.name.value = "Banco Norte"
    form.industry.value = "bank"
    form.lang.value = "en"
    form.submit()
    room = form.room
    assert room.lang == "en" and room.industry == "bank"
    html = form.result.children[0].value
    assert f"?room={room.code}" in html and f"key={form.key}" in html and "<svg" in html
    assert store.check_facilitator_key(room, form.key)


def test_join_bad_inputs_keep_what_was_typed(store, room):
    room, _ = room
    app = ParticipantApp(store, page())
    form = app.form
    form.name.value, form.team.value = "Ana", "Front desk"
    form.code.value = ""
    form.submit()
    assert form.notice.message == t("es", "join.code_empty")
    form.code.value = "01!"
    form.submit()
    assert "no parece un código" in form.notice.message
    form.code.value = "AAAAAA" if room.code != "AAAAAA" else "CCCCCC"
    form.submit()
    assert form.notice.message.startswith("No encontramos la sala")
    form.code.value = room.code.lower()
    form.name.value = "   "
    form.submit()
    assert form.notice.message == t("en", "join.name_empty")  # room's language once the room is known
    assert (form.code.value, form.team.value) == (room.code.lower(), "Front desk")
    assert app.participant is None


def test_join_closed_room_and_taken_name_messages(store, room):
    room, _ = room
    store.join(room, "Ana", "A")
    app = ParticipantApp(store, page(room=room.code))
    app.form.name.value, app.form.team.value = "ana", "B"
    app.form.submit()
    assert "“ana”" in app.form.notice.message and "already" in app.form.notice.message
    store.set_room_status(room.id, "closed")
    app.form.name.value = "Luis"
    app.form.submit()
    assert app.form.notice.message == t("en", "join.room_closed", room="Hotel Sol")
    assert app.participant is None


def test_unknown_room_in_link_and_unknown_token(store, room):
    room, _ = room
    app = ParticipantApp(store, page(room="QQQQQQ" if room.code != "QQQQQQ" else "WWWWWW"))
    assert "No encontramos la sala" in app.notice.message
    app = ParticipantApp(store, page(room=room.code, me="forged-token"))
    assert app.notice.message == t("en", "join.token_unknown") and app.participant is None


def test_join_answer_and_rejoin_restores_answers(store, room):
    room, _ = room
    app = ParticipantApp(store, page(room=room.code))
    app.form.name.value, app.form.team.value = "Ana", "Front desk"
    app.form.submit()
    assert app.participant is not None and app.bridge.query.startswith(f"?room={room.code}&me=")
    view = app.view
    first = view.journey[0].id
    view.enter[first].value = 2
    view.leave[first].value = 5
    assert store.responses(room.id)["value"].tolist() == [{"enter": 2, "leave": 5}]
    assert "+3" in view.net.value
    token = app.bridge.query.split("me=")[1]
    stop(app)
    again = ParticipantApp(store, page(room=room.code, me=token))
    assert again.participant.id == app.participant.id
    assert (again.view.enter[first].value, again.view.leave[first].value) == (2, 5)
    assert again.notice.message == t("en", "participant.other_tab_here")
    # the first tab notices it has been replaced and pauses, keeping its answers
    app.on_room_change()
    assert app.notice.message == t("en", "participant.moved_to_other_tab")
    assert view.enter[first].disabled and view.enter[first].value == 2
    stop(again)


def test_closing_room_pauses_participants(store, room):
    room, _ = room
    person, token = store.join(room, "Ana", "A")
    app = ParticipantApp(store, page(room=room.code, me=token))
    store.set_room_status(room.id, "closed")
    app.on_room_change()
    assert app.notice.message == t("en", "participant.room_closed")
    assert all(w.disabled for w in app.view.enter.values())
    stop(app)


def test_facilitator_needs_key(store, room):
    room, key = room
    for params, lang in (({"room": room.code}, "en"), ({"room": room.code, "key": "wrong"}, "en"), ({}, "es")):
        app = FacilitatorApp(store, page("facilitador.ipynb", **params))
        assert app.room is None
        assert app.notice.message == t(lang, "facilitator.need_key")
        assert app.watcher is None


def test_console_builds_an_exercise_s_results_when_first_shown(store, room):
    room, key = room
    store.update_room_state(room.id, workshops=revealed_everywhere(EXERCISES))
    app = FacilitatorApp(store, page("facilitador.ipynb", room=room.code, key=key))
    assert list(app._built) == [app.showing.value]  # only the results on screen were built
    app.showing.value = "vacas"
    assert list(app._built) == ["feliz", "vacas"]
    vacas_panel = app._built["vacas"]
    assert app.panel_slot.children == (app._cards["vacas"],)
    assert vacas_panel.revealed and vacas_panel.moderating  # the console moderates
    app.showing.value = "feliz"
    app.showing.value = "vacas"
    assert app._built["vacas"] is vacas_panel  # built once
    app.watcher.stop()


def test_facilitator_sees_answers_after_poll(store, room):
    room, key = room
    app = FacilitatorApp(store, page("facilitador.ipynb", room=room.code, key=key))
    assert app.count.value == "0"
    person, _ = store.join(room, "Ana", "A")
    panel = app.panels[0]
    tp = panel.journey[1]
    store.save_response(person, "feliz", tp.id, {"enter": 5, "leave": 2})
    assert app.watcher.check() is True
    assert app.count.value == "1"
    assert "Ana" in app.people.value
    assert list(panel.figure.data[3].x)[1] == 2
    assert tp.name in panel.alerts.value
    assert panel.who.value == t("en", "feliz.pending", names="Ana")  # who has not finished yet
    for other in panel.journey:
        store.save_response(person, "feliz", other.id, {"enter": 3, "leave": 4})
    app.watcher.check()
    assert panel.who.value == "" and panel.done == 1
    assert app.watcher.check() is False  # nothing changed: no redraw
    app.toggle_room()  # closing asks first: nothing closed yet
    assert store.room(room.id).is_open and app.close_confirm.layout.display == "" and app.toggle.layout.display == "none"
    app.close_no.click()
    assert store.room(room.id).is_open and app.close_confirm.layout.display == "none"
    app.toggle_room()
    app.close_yes.click()
    assert not store.room(room.id).is_open and app.toggle.description == t("en", "facilitator.reopen_room")
    stop(app)


def test_participant_text_is_escaped_on_the_console(store, room):
    room, key = room
    store.join(room, "<img src=x onerror=alert(1)>", "$x$")
    app = FacilitatorApp(store, page("facilitador.ipynb", room=room.code, key=key))
    assert "<img" not in app.people.value and "&lt;img" in app.people.value
    assert "$" not in app.people.value
    stop(app)


def test_my_rooms_remembers_archives_reopens_and_forgets(store):
    import json

    app = WelcomeApp(store, page(org=store.new_organiser_key()))
    bridge = app.participant.bridge
    bridge.stored = json.dumps([{"code": "AAAAAA", "key": "nope"}, "junk", {"code": 3}])  # odd storage
    rooms = app.my_rooms
    assert rooms.list.children[0].value.endswith(f"{t('es', 'rooms.none')}</p>")
    app.creator.name.value = "Sala recordada"
    app.creator.submit()
    room, key = app.creator.room, app.creator.key
    assert json.loads(bridge.store_value)[-1] == {"code": room.code, "key": key, "name": "Sala recordada"}
    row = rooms.list.children[0]
    assert f"key={key}" in row.children[0].value and "Sala recordada" in row.children[0].value
    row.children[1].click()  # archive
    assert store.room(room.id).status == "archived"
    assert "cl-my-room" not in rooms.list.children[0]._dom_classes  # archived rooms hidden by default
    rooms.show_archived.value = True
    rooms.list.children[0].children[1].click()  # reopen
    assert store.room(room.id).status == "open"
    rooms.list.children[0].children[2].click()  # forget
    assert json.loads(bridge.store_value) == [{"code": "AAAAAA", "key": "nope"}]
    assert store.room(room.id) is not None  # forgetting never deletes the room


def test_my_rooms_ignores_a_wrong_key(store):
    import json

    room, key = store.create_room("Ajena", "bank")
    app = WelcomeApp(store, page(org=store.new_organiser_key()))
    app.participant.bridge.stored = json.dumps([{"code": room.code, "key": "stolen-guess"}])
    assert all("cl-my-room" not in c._dom_classes for c in app.my_rooms.list.children)
    app.my_rooms.set_status(room.code, "stolen-guess", "archived")
    assert store.room(room.id).status == "open"


def test_copy_figure_sends_the_new_figure_once_and_nothing_when_unchanged():
    """A chart revealed after an update must start from the new figure; an unchanged chart sends nothing."""
    import plotly.graph_objects as go

    from widgets.ui.chartwidget import Chart
    from widgets.ui.charts import copy_figure

    widget = Chart(go.Figure(go.Bar(x=[1], y=["a"]), layout={"yaxis": {"ticktext": ["a"], "tickvals": ["a"]}}))
    sent = []
    widget._send = lambda msg, buffers=None: sent.append(msg)
    copy_figure(widget, go.Figure(go.Bar(x=[2], y=["a"]), layout={"yaxis": {"ticktext": ["⚠ a"], "tickvals": ["a"]}}))
    states = [m["state"] for m in sent if m.get("method") == "update" and "figure" in m.get("state", {})]
    assert len(states) == 1
    assert states[0]["figure"]["layout"]["yaxis"]["ticktext"] == ["⚠ a"] and states[0]["figure"]["data"][0]["x"] == [2]
    assert widget.get_state()["figure"] == states[0]["figure"]  # what a view created later starts from
    sent.clear()
    copy_figure(widget, go.Figure(go.Bar(x=[2], y=["a"]), layout={"yaxis": {"ticktext": ["⚠ a"], "tickvals": ["a"]}}))
    assert sent == []  # unchanged chart: nothing sent


def test_copy_figure_removes_what_is_gone():
    import plotly.graph_objects as go

    from widgets.ui.chartwidget import Chart
    from widgets.ui.charts import copy_figure

    shaded = dict(shapes=[dict(type="rect", x0=0, x1=1, y0=0, y1=1)])
    widget = Chart(go.Figure([go.Bar(x=[1], y=["a"]), go.Bar(x=[5], y=["b"])], layout=shaded))
    copy_figure(widget, go.Figure([go.Bar(x=[2], y=["a"]), go.Bar(x=[5], y=["b"])]))
    assert widget.layout.shapes == () and list(widget.data[0].x) == [2] and not widget.figure["layout"].get("shapes")
    copy_figure(widget, go.Figure([go.Bar(x=[2], y=["a"]), go.Bar(x=[5], y=["b"])], layout=shaded))
    assert len(widget.layout.shapes) == 1 and widget.figure["layout"]["shapes"][0]["x1"] == 1


def test_console_gives_a_participant_who_lost_their_link_a_new_one(store, room):
    from urllib.parse import parse_qs, urlparse

    room, key = room
    person, old = store.join(room, "Ana", "A")
    app = FacilitatorApp(store, page("facilitador.ipynb", room=room.code, key=key))
    app.new_personal_link()
    assert t("en", "console.person_choose") in app.person_link.value  # nobody picked yet
    assert dict(app.person.options)["Ana · A"] == person.id
    app.person.value = person.id
    app.new_personal_link()
    link = re.search(r"class='cl-secret cl-person-link'>([^<]+)<", app.person_link.value).group(1).replace("&amp;", "&")
    token = parse_qs(urlparse(link).query)["me"][0]
    assert store.participant_by_token(room, token).id == person.id  # the new link brings Ana back
    assert store.participant_by_token(room, old) is None  # the lost one no longer does
    assert "<svg" in app.person_link.value  # with its QR code, to scan from the facilitator's screen
    stop(app)


def test_a_second_room_with_an_open_room_s_name_asks_first(store):
    app = WelcomeApp(store, page(org=store.new_organiser_key()))
    form = app.creator
    form.name.value = "Banco Norte"
    form.submit()
    first = form.room
    form.name.value = "banco  NORTE"  # the same name, spelt otherwise
    form.submit()
    assert form.room is first and form.notice.kind == "error" and first.code in form.notice.message
    assert form.button.description == t("es", "create.button_again")
    form.submit()  # the second click creates it
    assert form.room is not first and len(store.list_rooms()) == 2
    assert store.room(form.room.id).state["anonymous"] is True  # anonymous unless the facilitator unticks it


def test_only_the_organiser_creates_rooms(store, monkeypatch):
    """Participants land on the welcome page too: without the organiser's link it shows no create form, and the
    store refuses a room made with a wrong or an old key; with the link, rooms are created, a few a minute."""
    from widgets.room.store import ROOMS_PER_MINUTE, StoreError

    app = WelcomeApp(store, page())
    assert app.creator is None and app.my_rooms is None and t("es", "welcome.organiser_hint") in str(
        [getattr(c, "value", "") for c in app.children])
    old = store.new_organiser_key()
    key = store.new_organiser_key()  # a new link: the previous one stops working
    assert len(key) >= 22 and store.check_organiser_key(key) and not store.check_organiser_key(old)
    assert key not in str(store.engine.connect().exec_driver_sql("select value from meta").all())  # hashed at rest
    for wrong in (None, "", old, "x" * 22):
        with pytest.raises(StoreError) as refused:
            store.create_room_as_organiser(wrong, "Sala", "bank")
        assert refused.value.key == "create.need_organiser"
    assert WelcomeApp(store, page(org=old)).creator is None
    app = WelcomeApp(store, page(org=key))
    assert app.creator is not None
    monkeypatch.delenv("CLIENTELITIS_ROOMS_PER_MINUTE")
    for i in range(ROOMS_PER_MINUTE):
        store.create_room_as_organiser(key, f"Sala {i}", "bank")
    app.creator.name.value = "Una más"
    app.creator.submit()  # the eleventh in a minute: refused, with how long to wait, and nothing typed lost
    assert app.creator.room is None and app.creator.notice.kind == "error" and app.creator.name.value == "Una más"
    assert "Espera" in app.creator.notice.message
    assert len(store.list_rooms()) == ROOMS_PER_MINUTE
