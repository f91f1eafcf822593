"""The store on a real SQLite file: rooms, joining, answers, versions, schema and concurrent writers."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
from pathlib import Path
import sqlite3

import pytest
import sqlalchemy as sa

from widgets.room import store as store_mod
from widgets.room.store import Store, StoreError, hash_secret, normalize_code
from widgets.room.schema import CODE_ALPHABET


@pytest.fixture
def store(any_store):
    """Every test below that takes ``store`` runs on SQLite and on PostgreSQL."""
    return any_store


def test_sqlite_runs_in_wal_mode_with_busy_timeout(store):
    if store.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000  # then retried: see test_faults


def test_create_room_gives_short_unambiguous_code_and_hashed_key(store):
    room, key = store.create_room("Banco Norte — ola 1", "bank", "es")
    assert len(room.code) == 6 and set(room.code) <= set(CODE_ALPHABET)
    assert not set("01258BILOSZ") & set(CODE_ALPHABET)
    assert len(key) >= 22  # 128 bits, URL-safe base64
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(store_mod.rooms.c.facilitator_key_hash)).scalar()
    assert stored == hash_secret(key) and key not in stored
    assert store.check_facilitator_key(room, key)
    assert not store.check_facilitator_key(room, key[:-1] + ("A" if key[-1] != "A" else "B"))
    assert not store.check_facilitator_key(room, "")


def test_room_name_is_required(store):
    with pytest.raises(StoreError) as err:
        store.create_room("   \t ", "bank")
    assert err.value.key == "room.name_empty"


@pytest.mark.parametrize("typed", ["k7rm4q", " K7R-M4Q ", "K7RM4Q"])
def test_normalize_code_accepts_typing_variants(typed):
    assert normalize_code(typed) == "K7RM4Q"


@pytest.mark.parametrize("typed", ["", "K7RM4", "K7RM4QQ", "K0RM4Q", "<scr>", None])
def test_normalize_code_rejects_malformed(typed):
    assert normalize_code(typed) is None


def test_room_by_code(store):
    room, _ = store.create_room("Hotel", "hotel")
    assert store.room_by_code(room.code.lower()).id == room.id
    missing = "AAAAAA" if room.code != "AAAAAA" else "CCCCCC"
    assert store.room_by_code(missing) is None
    assert store.room_by_code("nope") is None


def test_join_keeps_names_exactly_and_refuses_bad_ones(store):
    room, _ = store.create_room("Hotel", "hotel")
    person, token = store.join(room, " Ana  María ", " Recepción ")
    assert (person.name, person.team) == (" Ana  María ", " Recepción ")  # stored exactly as typed
    assert store.participants(room.id)[["name", "team"]].values.tolist() == [[" Ana  María ", " Recepción "]]
    for name, team, key in [("", "A", "join.name_empty"), ("   ", "A", "join.name_empty"),
                            ("Luis", " ", "join.team_empty"), ("Ana\nMaría", "A", "text.one_line"),
                            ("Ana\x00", "A", "text.control"), ("\u202eanA", "A", "text.bidi"),
                            ("x" * 41, "A", "join.name_too_long"), ("Luis", "y" * 41, "join.team_too_long"),
                            ("ana maría", "A", "join.name_taken"), ("ＡＮＡ MARÍA", "A", "join.name_taken")]:
        with pytest.raises(StoreError) as err:
            store.join(room, name, team)
        assert err.value.key == key
    assert store.join(room, "Luis", "recepción")[0].team == " Recepción "  # joins the team as first spelled
    with pytest.raises(StoreError) as err:
        store.create_room("Sala\u202e", "hotel")
    assert err.value.key == "text.bidi"


def test_same_name_twice_is_refused_case_insensitively(store):
    room, _ = store.create_room("Hotel", "hotel")
    store.join(room, "Ana", "A")
    with pytest.raises(StoreError) as err:
        store.join(room, "ANA", "B")
    assert err.value.key == "join.name_taken"
    assert len(store.participants(room.id)) == 1


def test_closed_room_refuses_joins_and_answers_but_keeps_data(store):
    room, _ = store.create_room("Hotel", "hotel")
    person, _ = store.join(room, "Ana", "A")
    store.save_response(person, "feliz", "checkin", {"enter": 3, "leave": 4})
    store.set_room_status(room.id, "closed")
    with pytest.raises(StoreError) as err:
        store.join(room, "Luis", "A")
    assert err.value.key == "join.room_closed"
    with pytest.raises(StoreError):
        store.save_response(person, "feliz", "checkin", {"enter": 1, "leave": 1})
    df = store.responses(room.id)
    assert df["value"].tolist() == [{"enter": 3, "leave": 4}]


def test_token_restores_participant_only_in_its_room(store):
    room, _ = store.create_room("Hotel", "hotel")
    other, _ = store.create_room("Banco", "bank")
    person, token = store.join(room, "Ana", "A")
    assert store.participant_by_token(room, token) == person
    assert store.participant_by_token(other, token) is None
    assert store.participant_by_token(room, "x" + token) is None
    assert store.participant_by_token(room, None) is None


def test_answers_upsert_and_bump_version(store):
    room, _ = store.create_room("Hotel", "hotel")
    person, _ = store.join(room, "Ana", "A")
    v0 = store.room_version(room.id)
    store.save_response(person, "feliz", "checkin", {"enter": 2, "leave": None})
    store.save_response(person, "feliz", "checkin", {"enter": 2, "leave": 5})
    store.save_response(person, "feliz", "room", {"enter": 4, "leave": 4})
    assert store.room_version(room.id) == v0 + 3
    df = store.responses(room.id, "feliz")
    assert df.set_index("item")["value"].to_dict() == {
        "checkin": {"enter": 2, "leave": 5},
        "room": {"enter": 4, "leave": 4},
    }
    assert df["name"].unique().tolist() == ["Ana"]
    assert store.responses(room.id, "other").empty


def test_session_claim_detects_other_tab(store):
    room, _ = store.create_room("Hotel", "hotel")
    person, _ = store.join(room, "Ana", "A", session_id="tab1")
    assert store.claim_session(person, "tab2") is True
    assert store.active_session(person.id) == "tab2"
    assert store.claim_session(person, "tab2") is False


def test_room_state_merges(store):
    room, _ = store.create_room("Hotel", "hotel")
    store.update_room_state(room.id, phase="feliz")
    room = store.update_room_state(room.id, timer=300)
    assert room.state == {"phase": "feliz", "timer": 300}


def test_schema_version_recorded_and_migrations_run(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    s = Store(url)
    assert s.schema_version() == store_mod.SCHEMA_VERSION
    room, _ = s.create_room("Keep me", "hotel")
    s.dispose()
    # Pretend the code moved on to version N+1 with a migration that adds a column.
    calls = []

    def migrate(conn):
        calls.append(1)
        conn.exec_driver_sql("ALTER TABLE rooms ADD COLUMN extra TEXT")

    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", store_mod.SCHEMA_VERSION + 1)
    monkeypatch.setitem(store_mod.MIGRATIONS, store_mod.SCHEMA_VERSION - 1, migrate)
    s2 = Store(url)
    assert calls == [1]
    assert s2.schema_version() == store_mod.SCHEMA_VERSION
    assert s2.room(room.id).name == "Keep me"
    cols = [r[1] for r in sqlite3.connect(tmp_path / "m.sqlite3").execute("PRAGMA table_info(rooms)")]
    assert "extra" in cols


def _writer(url: str, room_id: int, idx: int, n: int) -> None:
    s = Store(url)
    room = s.room(room_id)
    person, _ = s.join(room, f"P{idx}", "T")
    for i in range(n):
        s.save_response(person, "feliz", f"tp{i}", {"enter": 1 + i % 5, "leave": 5 - i % 5})
    s.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_writer_processes_lose_nothing(tmp_path, backend, request):
    url = (f"sqlite:///{tmp_path / 'c.sqlite3'}" if backend == "sqlite"
           else request.getfixturevalue("postgres").new_database("c_" + os.urandom(6).hex()))
    s = Store(url)
    room, _ = s.create_room("Storm", "hotel")
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(url, room.id, i, 20)) for i in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    df = s.responses(room.id)
    assert len(df) == 6 * 20
    assert df.groupby("participant_id").size().tolist() == [20] * 6
    assert s.room_version(room.id) == 6 + 6 * 20


def test_migration_from_version_1_keeps_all_data(tmp_path):
    """tests/data/schema_v1.sqlite3 was written by the version-1 store (first release)."""
    import shutil

    path = tmp_path / "v1.sqlite3"
    shutil.copy(Path(__file__).parent / "data" / "schema_v1.sqlite3", path)
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("1",)
        before = raw.execute("SELECT room_id, participant_id, exercise, item, value FROM responses ORDER BY id").fetchall()
    s = Store(f"sqlite:///{path}")
    assert s.schema_version() == store_mod.SCHEMA_VERSION
    room = s.list_rooms()[0]
    assert (room.name, room.status) == ("Sala versión 1", "closed")
    assert s.participants(room.id)["name"].tolist() == ["Ana", "Luis"]
    df = s.responses(room.id)
    assert len(df) == len(before) == 3 and not df["hidden"].any()
    assert [json.dumps(v) for v in df["value"]] == [json.dumps(json.loads(b[4])) for b in before]
    # the new column works after the migration
    s.set_hidden(room.id, int(df["id"][0]))
    assert s.responses(room.id)["hidden"].tolist() == [True, False, False]


def test_hidden_answers_are_kept_and_only_for_their_room(store):
    room, _ = store.create_room("Hotel", "hotel")
    other, _ = store.create_room("Banco", "bank")
    person, _ = store.join(room, "Ana", "A")
    store.save_response(person, "feliz", "idea", {"text": "algo grosero"})
    rid = int(store.responses(room.id)["id"][0])
    store.set_hidden(other.id, rid)  # wrong room: nothing happens
    assert not store.responses(room.id)["hidden"][0]
    v = store.room_version(room.id)
    store.set_hidden(room.id, rid)
    assert store.responses(room.id)["hidden"][0] and store.room_version(room.id) == v + 1
    store.save_response(person, "feliz", "idea", {"text": "editado"})  # editing keeps it hidden
    assert store.responses(room.id)["hidden"][0]
    store.set_hidden(room.id, rid, False)
    assert not store.responses(room.id)["hidden"][0]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_team_items_read_modify_write_from_several_processes(tmp_path, backend, request):
    url = (f"sqlite:///{tmp_path / 't.sqlite3'}" if backend == "sqlite"
           else request.getfixturevalue("postgres").new_database("t_" + os.urandom(6).hex()))
    s = Store(url)
    room, _ = s.create_room("Equipos", "hotel")
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_appender, args=(url, room.id, i)) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    items = s.team_items(room.id, "varita")
    assert items["team"].tolist() == ["Azul"]
    assert sorted(items["value"][0]) == sorted(f"P{i}-{k}" for i in range(4) for k in range(10))


def _appender(url: str, room_id: int, idx: int) -> None:
    s = Store(url)
    person, _ = s.join(s.room(room_id), f"P{idx}", "Azul")
    for k in range(10):
        s.update_team_item(person, "varita", "journey", lambda v, k=k: (v or []) + [f"P{idx}-{k}"])
    s.dispose()


def test_team_item_change_can_refuse_without_writing(store):
    room, _ = store.create_room("Equipos", "hotel")
    person, _ = store.join(room, "Ana", "Azul")
    store.update_team_item(person, "varita", "journey", lambda v: ["a"])

    def refuse(v):
        raise StoreError("varita.duplicate", name="a")

    with pytest.raises(StoreError):
        store.update_team_item(person, "varita", "journey", refuse)
    assert store.team_items(room.id)["value"].tolist() == [["a"]]
    other, _ = store.join(room, "Luis", "Rojo")
    assert store.team_items(room.id, team="Rojo").empty


def test_team_names_match_however_they_are_typed(store):
    room, _ = store.create_room("Hotel", "hotel")
    store.join(room, "Ana", "Azul")
    luis, _ = store.join(room, "Luis", "  aZUL ")
    assert luis.team == "Azul"
    assert store.participants(room.id)["team"].tolist() == ["Azul", "Azul"]


def test_migration_from_version_3_keeps_every_row(tmp_path):
    """tests/data/schema_v3.sqlite3 was written by the version-3 store; version 4 adds ``code_attempts``, version 5
    ``kits`` and each room's copy of its kit (none for the rooms already there)."""
    import shutil

    path = tmp_path / "v3.sqlite3"
    shutil.copy(Path(__file__).parent / "data" / "schema_v3.sqlite3", path)
    tables = ("rooms", "participants", "responses", "team_items")
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("3",)
        assert not raw.execute("SELECT name FROM sqlite_master WHERE name='code_attempts'").fetchall()
        before = {t: raw.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in tables}
    assert [len(before[t]) for t in tables] == [2, 3, 4, 2]
    s = Store(f"sqlite:///{path}")
    assert s.schema_version() == 5 == store_mod.SCHEMA_VERSION
    s.dispose()
    with sqlite3.connect(path) as raw:
        after = {t: raw.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in tables}
        assert raw.execute("SELECT count(*) FROM code_attempts").fetchone() == (0,)
        assert raw.execute("SELECT count(*) FROM kits").fetchone() == (0,)
    assert [r[-1] for r in after["rooms"]] == [None, None]  # the new column: no copy of a kit
    after["rooms"] = [r[:-1] for r in after["rooms"]]
    assert after == before  # every row, every column, byte for byte
    s = Store(f"sqlite:///{path}")
    rooms = {r.name: r for r in s.list_rooms(include_archived=True)}
    assert rooms["Room v3 — archived"].status == "archived"
    room = rooms["Sala versión 3"]
    assert room.state == {"phase": "varita", "revealed": True}
    assert s.responses(room.id)["hidden"].tolist() == [False, False, True]
    assert s.team_items(room.id)["value"].tolist() == [["Llegar", "Esperar", "Pagar"]]
    # the new table works after the migration
    s.record_code_failure("page-x", 1000.0, keep=600)
    assert s.code_failures(0, "page-x") == [1000.0]
    s.dispose()


def test_opening_an_up_to_date_database_needs_no_write_lock(tmp_path):
    """100 pages starting at once must not queue on SQLite's single writer just to check the schema."""
    import sqlite3

    from widgets.room.store import SCHEMA_VERSION, Store

    path = tmp_path / "busy.sqlite3"
    Store(f"sqlite:///{path}").dispose()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        s = Store(f"sqlite:///{path}", busy_timeout=0.05, retries=0)
        assert s.schema_version() == SCHEMA_VERSION
        s.dispose()
    finally:
        holder.rollback()
        holder.close()


# -- one write path: a plain transaction (SQLite: BEGIN IMMEDIATE, busy timeout, retries) --------------------
def test_a_second_store_waits_for_the_first_transaction_then_saves(tmp_path):
    """Two stores on one file (like two Voila servers): while one is inside a write, the other's write waits in
    SQLite's busy timeout and saves once the first commits; nothing lost, and no retry needed."""
    import threading

    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    first, second = Store(url), Store(url, busy_timeout=120)  # the second never gives up waiting in this test
    room, _ = first.create_room("Cola", "hotel")
    ana, _ = first.join(room, "Ana", "Caja")
    bea, _ = second.join(room, "Bea", "Sala")
    version = first.room_version(room.id)
    retries: list[int] = []
    second.on_retry = retries.append
    inside, release, saved = threading.Event(), threading.Event(), threading.Event()

    def change(value):
        inside.set()
        assert release.wait(60)
        return (value or 0) + 1

    holder = threading.Thread(target=first.update_team_item, args=(ana, "ex", "shared", change, 0))
    holder.start()
    assert inside.wait(60)
    writer = threading.Thread(target=lambda: (second.save_response(bea, "feliz", "tp1", 4), saved.set()))
    writer.start()
    writer.join(0.5)  # not a timing assertion: the write must not have finished while the other holds the file
    assert not saved.is_set()
    release.set()
    holder.join(60)
    writer.join(120)
    assert saved.is_set() and retries == []
    assert first.responses(room.id)["value"].tolist() == [4]
    assert first.room_version(room.id) == version + 2
    first.dispose(), second.dispose()


def test_refused_and_failed_writes_leave_nothing_behind(tmp_path):
    """A refused write, an exception in the caller's change and a locked database each roll back; the page hears
    of the retries (``on_retry``), and the next write saves."""
    url = f"sqlite:///{tmp_path / 'f.sqlite3'}"
    s = Store(url, retries=2, busy_timeout=0.05)
    room, _ = s.create_room("Fallos", "hotel")
    ana, _ = s.join(room, "Ana", "Caja")

    def boom(_value):
        raise ValueError("refused by the caller")

    with pytest.raises(ValueError):
        s.update_team_item(ana, "ex", "x", boom)
    elsewhere, _ = s.create_room("Otra", "hotel")
    with pytest.raises(StoreError, match="join.token_unknown"):  # Ana claims a room she is not in
        s.save_response(store_mod.Participant(ana.id, elsewhere.id, "Ana", "Caja", 0.0), "feliz", "tp1", 1)
    s.set_room_status(room.id, "closed")
    with pytest.raises(StoreError, match="join.room_closed"):
        s.save_response(ana, "feliz", "tp1", 1)
    s.set_room_status(room.id, "open")
    holder = sqlite3.connect(tmp_path / "f.sqlite3", isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the file
    retries: list[int] = []
    s.on_retry = retries.append
    with pytest.raises(StoreError, match="error.db_busy"):
        s.save_response(ana, "feliz", "tp1", 1)
    assert retries == [1, 2]
    holder.rollback()
    holder.close()
    s.save_response(ana, "feliz", "tp1", 1)
    assert len(s.responses(room.id)) == 1 and s.team_items(room.id).empty
    s.dispose()
