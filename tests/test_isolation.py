"""Room isolation and keys (issue 8, part 2): every way in is tried, at the store and on the pages.

A participant reads and writes only their own room, as themselves; the console refuses without its room's
facilitator key; keys and tokens are 128-bit random and stored only hashed; room codes are short,
unambiguous, unique and rate-limited against guessing (with a fake clock: nothing here sleeps or races).
Store-level tests take ``any_store`` and run on SQLite and on a real PostgreSQL server.
"""

from __future__ import annotations

import base64
import inspect
import io
import json
import sqlite3

import ipywidgets as W
import pandas as pd
import pytest
import sqlalchemy as sa

from widgets.workshops.clientelitis import model as clientelitis
from widgets.workshops.clientes import model as clientes
from widgets.workshops import registry as exercises
from widgets import export
from widgets.workshops.feliz import model as feliz
from widgets.room import ratelimit
from widgets import report
from widgets.workshops.vacas import model as vacas
from widgets.workshops.varita import model as varita
from widgets.room import store as store_mod
from widgets.ui.chartwidget import Chart
from widgets.apps.export_view import ExportPanel
from widgets.apps.console import FacilitatorApp
from widgets.apps.stage import StageApp
from widgets.i18n import t
from widgets.kits.journeys import touchpoints
from widgets.serving.page import Page
from widgets.apps.participant_page import ParticipantApp
from widgets.room.ratelimit import CodeGuard
from widgets.room.store import Participant, Store, StoreError, hash_secret
from widgets.room.schema import CODE_ALPHABET, CODE_LENGTH
from widgets.apps.welcome_page import WelcomeApp

A, B = "AlfaQ7", "BravoX9"  # markers: every text of room A carries A, every text of room B carries B


def page(nb="00_bienvenida.ipynb", **params):
    return Page(params, f"/voila/render/{nb}", "localhost", "8866")


class FakeClock:
    """Epoch seconds that move only when the test says so."""

    def __init__(self, t: float = 1_700_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def stop(app) -> None:
    if getattr(app, "watcher", None):
        app.watcher.stop()


def texts(*widgets: W.Widget) -> str:
    """Everything a widget tree shows: values, labels, options and chart data."""
    out, stack = [], list(widgets)
    while stack:
        w = stack.pop()
        for attr in ("value", "description", "placeholder", "tooltip"):
            v = getattr(w, attr, None)
            if isinstance(v, str):
                out.append(v)
        if getattr(w, "options", None):
            out.append(repr(w.options))
        if isinstance(w, Chart):
            out.append(json.dumps(w.to_plotly_json(), default=str, ensure_ascii=False))
        stack.extend(getattr(w, "children", ()) or ())
    return "\n".join(out)


def fill(store: Store, room, mark: str) -> tuple[Participant, str]:
    """One participant answering every exercise with texts that carry ``mark``; returns them and their token."""
    person, token = store.join(room, f"Ana{mark}", f"Equipo{mark}")
    journey = touchpoints(room.industry, room.lang)
    for tp in journey:
        store.save_response(person, feliz.EXERCISE, tp.id, feliz.answer(2, 4))
    store.save_response(person, feliz.EXERCISE, feliz.IDEA_ITEM, feliz.idea(f"Idea {mark}"))
    store.save_response(person, varita.EXERCISE, varita.new_idea_item(),
                        varita.idea_value(journey[0].id, f"Varita {mark}", 4, 4, 2, 5))
    store.save_response(person, vacas.EXERCISE, vacas.new_cow_item(),
                        vacas.cow_value(f"Vaca {mark}", f"Regla {mark}", "policy", "customers", ["delays"], 4))
    store.save_response(person, clientes.EXERCISE, clientes.new_item(),
                        clientes.customer_value(f"Cliente {mark}", "external", f"Recibe {mark}", 4, f"Mejor {mark}"))
    store.save_response(person, clientelitis.EXERCISE, clientelitis.CANDIDATE_PREFIX + mark,
                        clientelitis.candidate_value(f"Candidata {mark}", {k: 4 for k in clientelitis.TRAITS}, [], ""))
    template = varita.journey_from_template(journey)
    template[0]["name"] = f"Paso {mark}"
    store.update_team_item(person, varita.EXERCISE, varita.JOURNEY, lambda v: template)
    return person, token


@pytest.fixture
def two_rooms(store):
    """Two filled rooms on one store (results revealed): (room, key, person, token) for each."""
    out = []
    for mark, industry in ((A, "hotel"), (B, "bank")):
        room, key = store.create_room(f"Sala {mark}", industry, "es", state={"revealed": True})
        person, token = fill(store, room, mark)
        out.append((store.room(room.id), key, person, token))
    return out


def unknown_codes(store: Store, n: int) -> list[str]:
    """``n`` well-formed codes that are no room's."""
    taken = {r.code for r in store.list_rooms(include_archived=True)}
    codes = [a + b + "AAAA" for a in CODE_ALPHABET for b in CODE_ALPHABET]
    return [c for c in codes if c not in taken][:n]


# -- participant tokens --------------------------------------------------------------------------------
def test_a_token_opens_only_its_own_participant_in_its_own_room(any_store):
    room_a, key_a = any_store.create_room("A", "hotel")
    room_b, key_b = any_store.create_room("B", "bank")
    ana, tok_ana = any_store.join(room_a, "Ana", "Azul")
    bea, tok_bea = any_store.join(room_a, "Bea", "Rojo")
    eva, tok_eva = any_store.join(room_b, "Eva", "Azul")
    assert any_store.participant_by_token(room_a, tok_ana) == ana
    assert any_store.participant_by_token(room_a, tok_bea) == bea
    assert any_store.participant_by_token(room_b, tok_ana) is None  # room A's token with room B's code
    assert any_store.participant_by_token(room_a, tok_eva) is None
    assert any_store.participant_by_token(room_a, key_a) is None  # the facilitator key is not a token


@pytest.mark.parametrize("forge", [
    lambda tok: tok[:-1] + ("A" if tok[-1] != "A" else "B"),  # one character changed
    lambda tok: tok[:-1],  # truncated
    lambda tok: tok + "A",  # lengthened
    lambda tok: tok.swapcase(),
    lambda tok: f" {tok} ",
    lambda tok: hash_secret(tok),  # the stored hash itself
    lambda tok: hash_secret(tok).upper(),
    lambda tok: "",
    lambda tok: "' OR '1'='1",
    lambda tok: "%",
], ids=["changed", "truncated", "lengthened", "case", "spaces", "hash", "hash-upper", "empty", "sql", "wildcard"])
def test_forged_tokens_open_nobody(any_store, forge):
    room, _ = any_store.create_room("A", "hotel")
    _, token = any_store.join(room, "Ana", "Azul")
    assert any_store.participant_by_token(room, forge(token)) is None


def test_page_with_another_rooms_token_or_a_forged_one_shows_only_the_join_form(store, two_rooms):
    (room_a, key_a, ana, tok_a), (room_b, _kb, _eva, tok_b) = two_rooms
    for me in (tok_a, tok_a[:-2] + "xy", hash_secret(tok_b), key_a):
        app = ParticipantApp(store, page(room=room_b.code, me=me))
        assert app.participant is None and app.watcher is None
        assert app.notice.message == t("es", "join.token_unknown")
        shown = texts(app)
        assert A not in shown and B not in shown.replace(f"Equipo{B}", "")  # only room B's team names, to join
        assert app.form.code.value == room_b.code
    app = ParticipantApp(store, page(room=room_a.code, me=tok_a))
    assert app.participant == ana
    stop(app)


# -- writing as someone else ---------------------------------------------------------------------------
def test_every_participant_write_lands_in_the_writers_own_room_and_rows(any_store):
    s = any_store
    room_a, _ = s.create_room("A", "hotel")
    room_b, _ = s.create_room("B", "bank")
    ana, _ = s.join(room_a, "Ana", "Azul")
    bea, _ = s.join(room_a, "Bea", "Rojo")
    eva, _ = s.join(room_b, "Eva", "Azul")
    s.save_response(bea, "vacas", "cow:1", {"name": "de Bea"})
    s.save_response(eva, "vacas", "cow:1", {"name": "de Eva"})
    s.update_team_item(bea, "varita", "journey", lambda v: ["Rojo"])
    s.update_team_item(eva, "varita", "journey", lambda v: ["Azul de B"])

    def rows():
        return (sorted(map(tuple, s.responses(room_a.id)[["participant_id", "item", "value"]].astype(str).values)),
                sorted(map(tuple, s.responses(room_b.id)[["participant_id", "item", "value"]].astype(str).values)),
                s.team_items(room_a.id)[["team", "value"]].astype(str).values.tolist(),
                s.team_items(room_b.id)[["team", "value"]].astype(str).values.tolist())

    # Ana writes the very same item Bea and Eva wrote: she gets her own row, theirs stay
    s.save_response(ana, "vacas", "cow:1", {"name": "de Ana"})
    df = s.responses(room_a.id)
    assert dict(zip(df["participant_id"], df["value"])) == {bea.id: {"name": "de Bea"}, ana.id: {"name": "de Ana"}}
    assert s.responses(room_b.id)["value"].tolist() == [{"name": "de Eva"}]
    s.delete_response(ana, "vacas", "cow:1")  # only her own
    assert s.responses(room_a.id)["participant_id"].tolist() == [bea.id]
    assert len(s.responses(room_b.id)) == 1
    # a team item: only her own team's, in her own room
    s.update_team_item(ana, "varita", "journey", lambda v: (v or []) + ["Ana"])
    assert sorted(map(tuple, s.team_items(room_a.id)[["team"]].values.tolist())) == [("Azul",), ("Rojo",)]
    assert s.team_items(room_a.id, team="Rojo")["value"].tolist() == [["Rojo"]]
    assert s.team_items(room_b.id)["value"].tolist() == [["Azul de B"]]
    before = rows()
    # Participant objects that do not match the stored participant are refused, and nothing is written
    forged = [
        Participant(ana.id, room_b.id, ana.name, ana.team, ana.joined_at),  # Ana claiming room B
        Participant(eva.id, room_a.id, eva.name, eva.team, eva.joined_at),  # Eva claiming room A
        Participant(10**6, room_a.id, "Nadie", "Azul", 0.0),  # nobody
    ]
    for who in forged:
        for write in (lambda: s.save_response(who, "vacas", "cow:1", {"name": "forged"}),
                      lambda: s.delete_response(who, "vacas", "cow:1"),
                      lambda: s.update_team_item(who, "varita", "journey", lambda v: ["forged"])):
            with pytest.raises(StoreError) as err:
                write()
            assert err.value.key == "join.token_unknown"
        s.claim_session(who, "forged-session")
    assert rows() == before
    assert s.active_session(ana.id) != "forged-session" and s.active_session(eva.id) != "forged-session"
    # a participant object with another team writes to the team the store knows, not to the one claimed
    s.update_team_item(Participant(ana.id, room_a.id, ana.name, "Rojo", ana.joined_at), "varita", "journey",
                       lambda v: (v or []) + ["sigue Azul"])
    assert s.team_items(room_a.id, team="Rojo")["value"].tolist() == [["Rojo"]]
    assert s.team_items(room_a.id, team="Azul")["value"].tolist() == [["Ana", "sigue Azul"]]


def test_moderation_is_scoped_by_room_and_not_in_participant_pages(any_store):
    room_a, _ = any_store.create_room("A", "hotel")
    room_b, _ = any_store.create_room("B", "bank")
    eva, _ = any_store.join(room_b, "Eva", "Azul")
    any_store.save_response(eva, "feliz", "idea", {"text": "de B"})
    rid = int(any_store.responses(room_b.id)["id"][0])
    any_store.set_hidden(room_a.id, rid)  # room A's console cannot hide room B's answers
    assert not any_store.responses(room_b.id)["hidden"][0]
    # participant pages only ever write through the participant-scoped calls
    facilitator_only = ("set_hidden", "set_room_status", "update_room_state", "change_room_state",
                        "delete_room", "reset_facilitator_key")
    for ex in exercises.EXERCISES.values():
        source = inspect.getsource(ex.participant)
        assert not [call for call in facilitator_only if f".{call}(" in source], ex.id
    assert not [call for call in facilitator_only if f".{call}(" in inspect.getsource(ParticipantApp)]


# -- the facilitator console ---------------------------------------------------------------------------
def test_console_refuses_without_its_rooms_key_and_shows_no_data(store, two_rooms):
    (room_a, key_a, _ana, tok_a), (room_b, key_b, _eva, _tb) = two_rooms
    attempts = [
        {"room": room_a.code},  # no key
        {"room": room_a.code, "key": ""},
        {"room": room_a.code, "key": "wrong"},
        {"room": room_a.code, "key": key_a[:-1]},
        {"room": room_a.code, "key": key_b},  # another room's key
        {"room": room_a.code, "key": tok_a},  # a participant's token
        {"room": room_a.code, "key": hash_secret(key_a)},  # the stored hash
        {"room": room_b.code.lower(), "key": key_a},
        {"key": key_a},  # no room
        {"room": "QQQQQQ", "key": key_a},
        {"room": room_a.code, "view": "projector"},  # the projector's address carries no key
    ]
    for params in attempts:
        app = FacilitatorApp(store, page("facilitador.ipynb", **params))
        assert app.room is None and app.watcher is None, params
        assert app.notice.message == t("es", "facilitator.need_key"), params
        shown = texts(app)
        assert A not in shown and B not in shown, params
        assert len(app.children) == 2  # a title and the refusal, nothing else
    app = FacilitatorApp(store, page("facilitador.ipynb", room=room_a.code, key=key_a))
    assert app.room.id == room_a.id and f"Ana{A}" in app.people.value
    stop(app)
    for params in attempts:  # the projector's stage refuses the same way
        stage = StageApp(store, page("facilitador.ipynb", **{**params, "view": "projector"}))
        assert stage.room is None and stage.watcher is None and A not in texts(stage), params
    stage = StageApp(store, page("facilitador.ipynb", room=room_a.code, key=key_a, view="projector"))
    assert key_a not in stage.bridge.query and key_a not in texts(stage)  # nothing secret on the projected screen
    stage.watcher.stop()


def test_wave_linking_needs_the_earlier_rooms_own_key(store, two_rooms):
    (room_a, key_a, _ana, tok_a), (room_b, key_b, _eva, _tb) = two_rooms
    other, other_key = store.create_room("Otra", "hotel")
    console = FacilitatorApp(store, page("facilitador.ipynb", room=room_b.code, key=key_b))
    panel = console.panel_by_id[clientelitis.EXERCISE]
    for key in ("", "wrong", other_key, key_b, tok_a, hash_secret(key_a)):
        panel.previous.value = f"http://x/voila/render/facilitador.ipynb?room={room_a.code}&key={key}"
        panel.link_previous()
        assert panel.notice.message == t("es", "clientelitis.link_bad"), key
        assert "previous_room" not in store.room(room_b.id).state
    panel.previous.value = f"http://x/voila/render/facilitador.ipynb?room={room_a.code}&key={key_a}"
    panel.link_previous()
    assert store.room(room_b.id).state["previous_room"] == room_a.id
    stop(console)


def test_my_rooms_in_browser_storage_need_the_right_key(store, two_rooms):
    (room_a, key_a, _ana, tok_a), (_room_b, key_b, _eva, _tb) = two_rooms
    app = WelcomeApp(store, page(org=store.new_organiser_key()))
    app.participant.bridge.stored = json.dumps([{"code": room_a.code, "key": k} for k in (key_b, tok_a, "")])
    assert A not in texts(app.my_rooms)
    for k in (key_b, tok_a):
        app.my_rooms.set_status(room_a.code, k, "archived")
    assert store.room(room_a.id).status == "open"


# -- closed and archived rooms -------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["closed", "archived"])
def test_closed_or_archived_room_refuses_joins_and_writes(any_store, status):
    room, _ = any_store.create_room("Cerrada", "hotel")
    ana, _ = any_store.join(room, "Ana", "Azul")
    any_store.set_room_status(room.id, status)
    with pytest.raises(StoreError) as err:
        any_store.join(room, "Luis", "Azul")
    assert err.value.key == "join.room_closed"
    for write in (lambda: any_store.save_response(ana, "feliz", "x", 1),
                  lambda: any_store.update_team_item(ana, "varita", "journey", lambda v: ["x"])):
        with pytest.raises(StoreError):
            write()
    assert any_store.participants(room.id)["name"].tolist() == ["Ana"]
    assert any_store.responses(room.id).empty and any_store.team_items(room.id).empty


@pytest.mark.parametrize("status", ["closed", "archived"])
def test_closed_or_archived_room_join_page_refuses_and_keeps_the_fields(store, status):
    room, _ = store.create_room("Cerrada", "hotel", "en")
    store.set_room_status(room.id, status)
    app = ParticipantApp(store, page(room=room.code))
    app.form.name.value, app.form.team.value = "Luis", "Azul"
    app.form.submit()
    assert app.form.notice.message == t("en", "join.room_closed", room="Cerrada")
    assert app.participant is None and (app.form.name.value, app.form.team.value) == ("Luis", "Azul")
    assert store.participants(room.id).empty


# -- keys, tokens and codes ----------------------------------------------------------------------------
def test_secrets_are_128_bit_random_and_distinct():
    drawn = [store_mod.new_secret() for _ in range(2000)]
    assert len(set(drawn)) == len(drawn)
    for s in drawn[:50]:
        raw = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
        assert len(raw) == 16 and s.isascii()  # 128 bits, URL-safe
    bits = "".join(f"{byte:08b}" for s in drawn for byte in base64.urlsafe_b64decode(s + "=="))
    assert 0.48 < bits.count("1") / len(bits) < 0.52  # not a counter, not constant


def test_only_hashes_of_keys_and_tokens_are_stored(any_store):
    room, key = any_store.create_room("Sala", "hotel")
    secrets_given = [key]
    for name in ("Ana", "Bea", "Eva"):
        person, token = any_store.join(room, name, "Azul")
        any_store.save_response(person, "feliz", "idea", {"text": name})
        secrets_given.append(token)
    secrets_given.append(any_store.reset_facilitator_key(room.id))
    dump = []
    with any_store.engine.connect() as conn:
        for table in store_mod.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                dump.extend(str(v) for v in row)
        hashes = set(conn.execute(sa.select(store_mod.participants.c.token_hash)).scalars())
        key_hash = conn.execute(sa.select(store_mod.rooms.c.facilitator_key_hash)).scalar()
    text = "\n".join(dump)
    assert "Ana" in text  # the dump is real
    for secret in secrets_given:
        assert secret not in text
    assert hashes == {hash_secret(s) for s in secrets_given[1:-1]}
    assert key_hash == hash_secret(secrets_given[-1]) and len(key_hash) == 64
    assert not any_store.check_facilitator_key(room, key)  # the replaced key no longer opens the console


def test_room_codes_are_short_unambiguous_and_unique(any_store, monkeypatch):
    assert len(CODE_ALPHABET) == len(set(CODE_ALPHABET)) == 25 and CODE_LENGTH == 6
    assert not set("0O1IL5S2Z8B") & set(CODE_ALPHABET)  # look-alikes that a projector blurs
    codes = [any_store.create_room(f"R{i}", "hotel")[0].code for i in range(60)]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    # a drawn code that is already taken is drawn again, never shared
    drawn = iter([codes[0], codes[1], "QQQQQQ" if "QQQQQQ" not in codes else "WWWWWW"])
    monkeypatch.setattr(store_mod, "new_room_code", lambda: next(drawn))
    room, _ = any_store.create_room("Nueva", "hotel")
    assert room.code not in codes[:2]
    assert [r.code for r in any_store.list_rooms()].count(codes[0]) == 1


# -- exports and aggregates ----------------------------------------------------------------------------
def test_exports_and_aggregates_of_a_room_never_include_another_rooms_rows(store, two_rooms):
    (room_a, key_a, _ana, tok_a), (room_b, _kb, _eva, _tb) = two_rooms

    def check(text: str, what: str) -> None:
        assert A in text, what  # the export is real...
        assert B not in text, what  # ...and holds nothing of room B

    sheets = export.tables(store, room_a)
    for name, df in sheets.items():
        assert B not in df.to_csv(), name
    check("\n".join(df.to_csv() for df in sheets.values()), "tables")
    check(export.to_csv(export.answers_csv(store, room_a)).decode("utf-8-sig"), "csv")
    check(export.to_csv(export.authorship(store, room_a)).decode("utf-8-sig"), "authorship")
    sheets = pd.read_excel(io.BytesIO(export.to_xlsx(export.tables(store, room_a))), sheet_name=None)
    check("\n".join(df.to_csv() for df in sheets.values()), "xlsx")
    assert B not in report.html_report(store, room_a) and room_a.name in report.html_report(store, room_a)
    check(json.dumps(export.bundle(store, room_a), ensure_ascii=False), "bundle")
    check(report.team_design_html(store, room_a, f"Equipo{A}"), "team page")
    # asked for a team of another room: only the name asked for, none of that team's data
    assert B not in report.team_design_html(store, room_a, f"Equipo{B}").replace(f"Equipo{B}", "")
    check(report.cows_html(store, room_a), "cows")
    for frame in (store.responses(room_a.id), store.participants(room_a.id), store.team_items(room_a.id)):
        check(frame.astype(str).to_csv(), "store")
    # what the console of room A shows, every exercise's results revealed, and its prepared files
    console = FacilitatorApp(store, page("facilitador.ipynb", room=room_a.code, key=key_a))
    shown = []
    for ex_id in exercises.EXERCISES:
        console.showing.value = ex_id
        shown.append(texts(console))
    check("\n".join(shown), "console")
    panel = next(w for w in _walk(console) if isinstance(w, ExportPanel))
    panel.prepare()
    assert B not in panel.files["json"].decode() and A in panel.files["json"].decode()
    assert B not in panel.files["html"].decode()
    stop(console)
    # what a participant of room A sees in every exercise
    app = ParticipantApp(store, page(room=room_a.code, me=tok_a))
    views = [app._view_for(ex_id) for ex_id in exercises.EXERCISES]
    for view in views:
        if hasattr(view, "refresh"):
            view.refresh()
    check(texts(app, *views), "participant")
    stop(app)


def _walk(widget):
    stack = [widget]
    while stack:
        w = stack.pop()
        yield w
        stack.extend(getattr(w, "children", ()) or ())


# -- rate limits on guessing codes ---------------------------------------------------------------------
def test_a_page_that_typed_too_many_unknown_codes_must_wait_and_others_still_get_in(any_store):
    clock = FakeClock()
    room, _ = any_store.create_room("Real", "hotel")
    wrong = unknown_codes(any_store, ratelimit.PAGE_MAX_FAILURES + 2)
    guesser = CodeGuard(any_store, clock=clock)
    for i, code in enumerate(wrong[: ratelimit.PAGE_MAX_FAILURES]):
        with pytest.raises(StoreError) as err:
            guesser.lookup(code.lower())
        assert err.value.key == "join.unknown_room"
        clock.advance(10)
    # locked: no lookup at all, even of a right code (so the lock does not leak which codes exist)
    for code in (wrong[-1], room.code):
        with pytest.raises(StoreError) as err:
            guesser.lookup(code)
        assert err.value.key == "join.too_many_codes"
        assert err.value.kwargs == {"seconds": ratelimit.PAGE_WINDOW_SECONDS - 50}  # the first one expires
    # refusals while locked are not counted: the wait does not grow
    assert len(any_store.code_failures(0, guesser.source, limit=100)) == ratelimit.PAGE_MAX_FAILURES
    # another page (kernel), even on another server sharing the database, still gets in
    other_server = Store(any_store.url)
    try:
        assert CodeGuard(other_server, clock=clock).lookup(room.code).id == room.id
        with pytest.raises(StoreError) as err:  # the same page's limit holds on every server
            CodeGuard(other_server, source=guesser.source, clock=clock).lookup(room.code)
        assert err.value.key == "join.too_many_codes"
    finally:
        other_server.dispose()
    clock.advance(ratelimit.PAGE_WINDOW_SECONDS - 50 - 1)
    with pytest.raises(StoreError) as err:
        guesser.lookup(room.code)
    assert err.value.kwargs == {"seconds": 1}
    clock.advance(1)  # the first failure is now 600 s old: one more try
    assert guesser.lookup(room.code).id == room.id
    with pytest.raises(StoreError) as err:
        guesser.lookup(wrong[-2])
    assert err.value.key == "join.unknown_room"
    with pytest.raises(StoreError) as err:
        guesser.lookup(room.code)
    assert err.value.key == "join.too_many_codes" and err.value.kwargs == {"seconds": 10}


def test_the_same_wrong_code_twice_counts_once_and_malformed_codes_cost_nothing(any_store):
    clock = FakeClock()
    guard = CodeGuard(any_store, clock=clock)
    wrong = unknown_codes(any_store, 1)[0]
    for typed in (wrong, wrong.lower(), f" {wrong[:3]}-{wrong[3:]} "):
        with pytest.raises(StoreError):
            guard.lookup(typed)
    for junk in ("", "AB", "K0RM4Q", "<script>", None):
        assert guard.lookup(junk) is None
    assert len(any_store.code_failures(0, limit=100)) == 1


def test_server_wide_limit_refuses_unknown_codes_but_lets_right_codes_in(any_store):
    clock = FakeClock()
    room, _ = any_store.create_room("Real", "hotel")
    wrong = unknown_codes(any_store, ratelimit.SERVER_MAX_FAILURES + 5)
    # an attack from many pages, below each page's limit
    for i in range(ratelimit.SERVER_MAX_FAILURES - 1):
        with pytest.raises(StoreError) as err:
            CodeGuard(any_store, source=f"attacker-{i}", clock=clock).lookup(wrong[i])
        assert err.value.key == "join.unknown_room"
        clock.advance(0.5)
    typo = CodeGuard(any_store, source="typo", clock=clock)
    with pytest.raises(StoreError) as err:  # the 60th wrong code in a minute: still just "unknown"
        typo.lookup(wrong[-1])
    assert err.value.key == "join.unknown_room"
    # now the server is guarded: an unknown code from a fresh page gets "wait", not "unknown"
    fresh = CodeGuard(any_store, source="fresh", clock=clock)
    with pytest.raises(StoreError) as err:
        fresh.lookup(wrong[-2])
    assert err.value.key == "join.codes_paused"
    assert err.value.kwargs == {"seconds": 31}  # the first failure (60 s window) is 29.5 s old
    # a real participant on a fresh page, with the right code, gets in
    assert CodeGuard(any_store, source="real", clock=clock).lookup(room.code).id == room.id
    # a page that already typed an unknown code in this minute looks up nothing, right or wrong
    for code in (room.code, wrong[-3]):
        with pytest.raises(StoreError) as err:
            typo.lookup(code)
        assert err.value.key == "join.codes_paused"
    # the same from a second server sharing the database
    other_server = Store(any_store.url)
    try:
        with pytest.raises(StoreError) as err:
            CodeGuard(other_server, source="fresh-2", clock=clock).lookup(wrong[-4])
        assert err.value.key == "join.codes_paused"
    finally:
        other_server.dispose()
    # once the minute has passed without new failures, unknown codes are "unknown" again
    clock.advance(ratelimit.SERVER_WINDOW_SECONDS + 1)
    with pytest.raises(StoreError) as err:
        CodeGuard(any_store, source="later", clock=clock).lookup(wrong[-5])
    assert err.value.key == "join.unknown_room"
    assert typo.lookup(room.code).id == room.id


def test_server_wide_wait_is_the_time_until_the_count_drops(any_store):
    clock = FakeClock()
    wrong = unknown_codes(any_store, ratelimit.SERVER_MAX_FAILURES + 1)
    for i in range(ratelimit.SERVER_MAX_FAILURES):
        with pytest.raises(StoreError):
            CodeGuard(any_store, source=f"p{i}", clock=clock).lookup(wrong[i])
        clock.advance(0.25)
    # failures at t0 .. t0+14.75; now t0+15; the oldest leaves the 60 s window at t0+60: 45 s from now
    with pytest.raises(StoreError) as err:
        CodeGuard(any_store, source="late", clock=clock).lookup(wrong[-1])
    assert (err.value.key, err.value.kwargs) == ("join.codes_paused", {"seconds": 45})
    # refused unknown codes are counted too: an attack that goes on keeps the guard on
    clock.advance(45)
    with pytest.raises(StoreError) as err:
        CodeGuard(any_store, source="later", clock=clock).lookup(wrong[-1])
    assert err.value.key == "join.codes_paused"


def test_old_attempts_are_pruned(any_store):
    any_store.record_code_failure("a", 1000.0, keep=600)
    any_store.record_code_failure("a", 1500.0, keep=600)
    any_store.record_code_failure("b", 1601.0, keep=600)  # 1000 is now more than 600 s old
    with any_store.engine.connect() as conn:
        left = sorted(conn.execute(sa.select(store_mod.code_attempts.c.at)).scalars())
    assert left == [1500.0, 1601.0]
    assert any_store.code_failures(1400, "a", limit=10) == [1500.0]
    assert any_store.code_failures(0, limit=10) == [1601.0, 1500.0]
    assert any_store.code_failures(0, limit=1, offset=1) == [1500.0]


def test_join_page_locks_after_too_many_codes_keeping_what_was_typed(store):
    room, _ = store.create_room("Real", "hotel", "en")
    clock = FakeClock()
    app = ParticipantApp(store, page())
    app.guard.clock = clock
    form = app.form
    assert form.guard is app.guard
    form.name.value, form.team.value = "Ana", "Azul"
    wrong = unknown_codes(store, ratelimit.PAGE_MAX_FAILURES)
    for code in wrong:
        form.code.value = code  # typing a whole code looks it up (for the team list): counted once...
        form.submit()  # ...and pressing Join with it is not counted again
        assert form.notice.message == t("es", "join.unknown_room", code=code)
        clock.advance(30)
    assert len(store.code_failures(0, app.guard.source, limit=100)) == ratelimit.PAGE_MAX_FAILURES
    form.code.value = room.code
    assert form.team.options == ()  # a locked page does not even list the room's teams
    form.submit()
    assert form.notice.message == t("es", "join.too_many_codes", seconds=ratelimit.PAGE_WINDOW_SECONDS - 150)
    assert (form.code.value, form.name.value, form.team.value) == (room.code, "Ana", "Azul")
    assert app.participant is None and store.participants(room.id).empty
    # the facilitator's join link opens a new page, which gets in
    other = ParticipantApp(store, page(room=room.code))
    other.form.name.value, other.form.team.value = "Ana", "Azul"
    other.form.submit()
    assert other.participant is not None
    stop(other)
    clock.advance(ratelimit.PAGE_WINDOW_SECONDS)
    form.name.value = "Bea"
    form.submit()
    assert app.participant is not None and app.participant.name == "Bea"
    stop(app)


def test_unknown_codes_in_links_are_counted_server_wide(store):
    wrong = unknown_codes(store, 3)
    for code in wrong:
        app = ParticipantApp(store, page(room=code))
        assert app.notice.message == t("es", "join.unknown_room", code=code)
    sources = {s for s in _sources(store)}
    assert len(store.code_failures(0, limit=100)) == 3 and len(sources) == 3  # one page each


def _sources(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(store_mod.code_attempts.c.source)).scalars())


@pytest.mark.parametrize("guide, words", [
    ("guia-facilitador.md", ("{page} códigos", "{window} minutos", "{server} códigos", "un minuto")),
    ("facilitator-guide.md", ("{page} codes", "{window} minutes", "{server} codes", "one minute")),
])
def test_limits_are_documented_in_both_guides(guide, words):
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / guide).read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n\n") if "widgets/room/ratelimit.py" in p)
    assert ratelimit.SERVER_WINDOW_SECONDS == 60
    for word in words:
        word = word.format(page=ratelimit.PAGE_MAX_FAILURES, window=ratelimit.PAGE_WINDOW_SECONDS // 60,
                           server=ratelimit.SERVER_MAX_FAILURES)
        assert word in " ".join(paragraph.split()), (guide, word)
