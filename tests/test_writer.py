"""The file's writer process (widgets/writer.py): pages hand it their answers and hear back after the commit;
without it (none yet, or gone) they save for themselves and nothing is lost."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from widgets import writer as writer_mod
from widgets.store import Store, StoreError
from widgets.writer import Writer

from .test_store import _holding, _until

pytestmark = pytest.mark.skipif(not writer_mod.sys.platform.startswith("linux"), reason="Linux sockets")


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


class InThread:
    """A real writer on a thread of the test process (its socket is the real one pages look for)."""

    def __init__(self, db: Path, **options):
        self.writer = Writer(str(db), **options)
        self.thread = threading.Thread(target=self.writer.serve, daemon=True)
        self.thread.start()
        self.stopped = False

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        self.writer.stop()  # leaves at its next look (within a second)
        self.thread.join(30)
        assert not self.thread.is_alive()
        self.writer.close()


@contextmanager
def writer_and_page(db: Path, **options):
    """A writer on a thread (``options`` for its store) and a page's store that hands it its answers."""
    served = InThread(db, **options)
    page = Store(_url(db), writer=True)
    try:
        yield served, page
    finally:
        served.stop()
        page.dispose()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "w.sqlite3"
    Store(_url(path), writer=False).dispose()
    yield path
    for pid in writer_mod.started(str(path)):  # writers this test had pages start: gone with the test
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _room_with(store: Store, *names: str):
    room, _ = store.create_room("Sala", "hotel")
    return room, [store.join(room, name, "T1")[0] for name in names]


def test_answers_go_through_the_writer_and_are_in_the_file_when_the_page_hears_back(db):
    served = InThread(db)
    page = Store(_url(db), writer=True)
    other = Store(_url(db), writer=False)
    try:
        room, (ana,) = _room_with(page, "Ana")
        version = page.room_version(room.id)
        for i in range(3):
            page.save_response(ana, "feliz", f"tp{i}", {"enter": 1, "leave": 5 - i})
            # another connection sees it as soon as the call returns: the reply came after the commit
            assert len(other.responses(room.id)) == i + 1
        assert served.writer.saved == 3
        assert [v["leave"] for v in other.responses(room.id)["value"]] == [5, 4, 3]
        assert other.room_version(room.id) == version + 3
        page.save_response(ana, "feliz", "tp0", {"enter": 2, "leave": 2})  # an upsert, as ever
        assert other.responses(room.id)["value"].tolist()[0] == {"enter": 2, "leave": 2}
    finally:
        served.stop()
        page.dispose(), other.dispose()


def test_the_log_is_copied_back_into_the_file_once_answers_stop_coming(db):
    with writer_and_page(db) as (served, page):
        room, (ana,) = _room_with(page, "Ana")
        page.save_response(ana, "feliz", "tp1", 1)
        _until(lambda: served.writer.unchecked == 0, "a checkpoint in the quiet after the commit")
        with served.writer.store.engine.connect() as conn:
            found = conn.connection.driver_connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        assert found == writer_mod.BACKSTOP_PAGES


def test_refusals_come_back_to_the_page_as_the_same_store_errors(db):
    with writer_and_page(db) as (served, page):
        room, (ana, bea) = _room_with(page, "Ana", "Bea")
        other_room, (cat,) = _room_with(page, "Cat")
        stranger = cat.__class__(**{**cat.__dict__, "room_id": room.id})  # not in the room it names
        with pytest.raises(StoreError) as err:
            page.save_response(stranger, "feliz", "tp1", 3)
        assert err.value.key == "join.token_unknown"
        page.set_room_status(room.id, "closed")
        with pytest.raises(StoreError) as err:
            page.save_response(ana, "feliz", "tp1", 3)
        assert err.value.key == "join.room_closed"
        page.save_response(cat, "feliz", "tp1", 4)  # the writer goes on serving
        assert len(page.responses(room.id)) == 0 and len(page.responses(other_room.id)) == 1
        assert served.writer.saved == 1


def test_a_locked_file_is_announced_to_the_page_and_the_answer_saved_once_free(db):
    served = InThread(db, busy_timeout=0.2, retries=50)
    page = Store(_url(db), writer=True)
    holder = Store(_url(db), writer=False)
    try:
        room, (ana, bea) = _room_with(page, "Ana", "Bea")
        inside, release = threading.Event(), threading.Event()
        held = _holding(holder, bea, inside, release)  # another writer stays inside its transaction
        heard = []
        page.on_retry = lambda attempt: (heard.append(attempt), release.set())
        page.save_response(ana, "feliz", "tp1", {"enter": 1, "leave": 4})
        held.join(30)
        assert heard and heard[0] == 1
        assert page.responses(room.id)["value"].tolist() == [{"enter": 1, "leave": 4}]
        assert served.writer.saved == 1
    finally:
        release.set()
        served.stop()
        page.dispose(), holder.dispose()


def test_past_the_retries_the_page_hears_busy_and_nothing_is_saved_behind_its_back(db):
    served = InThread(db, busy_timeout=0.1, retries=2)
    page = Store(_url(db), writer=True)
    holder = Store(_url(db), writer=False)
    inside, release = threading.Event(), threading.Event()
    try:
        room, (ana, bea) = _room_with(page, "Ana", "Bea")
        held = _holding(holder, bea, inside, release)
        heard = []
        page.on_retry = heard.append
        with pytest.raises(StoreError) as err:
            page.save_response(ana, "feliz", "tp1", 2)
        assert err.value.key == "error.db_busy" and heard == [1, 2]
        release.set()
        held.join(30)
        assert len(page.responses(room.id, "feliz")) == 0 and served.writer.waiting == []
        page.save_response(ana, "feliz", "tp1", 2)  # the participant's "Reintentar"
        assert page.responses(room.id, "feliz")["value"].tolist() == [2]
    finally:
        release.set()
        served.stop()
        page.dispose(), holder.dispose()


def test_a_page_whose_writer_goes_saves_for_itself_and_starts_another(db):
    served = InThread(db)
    page = Store(_url(db), writer=True)
    try:
        room, (ana,) = _room_with(page, "Ana")
        page.save_response(ana, "feliz", "tp1", 1)
        assert served.writer.saved == 1
        served.stop()  # the writer leaves: the page's connection closes
        page.save_response(ana, "feliz", "tp2", 2)  # saved by the page itself ...
        assert sorted(page.responses(room.id)["item"]) == ["tp1", "tp2"]
        # ... and a real writer process was started for the file: the next answers go through it
        _until(page.writer.listening, "the started writer listens")
        (pid,) = writer_mod.started(str(db))
        page.save_response(ana, "feliz", "tp3", 3)
        os.kill(pid, signal.SIGTERM)
        _until(lambda: "leaves" in Path(writer_mod.log_path(str(db))).read_text(), "the writer leaves on SIGTERM")
        assert f"writer {pid} leaves after saving 1 answers" in Path(writer_mod.log_path(str(db))).read_text()
        page.save_response(ana, "feliz", "tp4", 4)  # and again without it
        assert sorted(page.responses(room.id)["item"]) == ["tp1", "tp2", "tp3", "tp4"]
    finally:
        page.dispose()


def test_pages_opening_together_start_one_writer(db):
    first = Store(_url(db), writer=True)  # finds none: starts one
    second = Store(_url(db), writer=True)
    try:
        assert second.writer.start() is False  # one is being started: not another
        _until(lambda: first.writer.listening() and second.writer.listening(), "both pages reach the writer")
        assert len(writer_mod.started(str(db))) == 1
        assert not os.path.exists(first.writer.starting)  # the writer cleared the word that it was starting
    finally:
        first.dispose(), second.dispose()


def _page_process(url: str, room_id: int, idx: int, answers: int, out) -> None:
    store = Store(url, writer=True)
    person, _ = store.join(store.room(room_id), f"P{idx}", "T1")
    for i in range(answers):
        store.save_response(person, "feliz", f"tp{i}", {"enter": idx % 5 + 1, "leave": i % 5 + 1})
    out.put(idx)


def test_many_page_processes_at_once_lose_nothing_and_all_go_through_the_writer(db):
    main = Store(_url(db), writer=True)
    _until(main.writer.listening, "the writer listens")
    room, _ = main.create_room("Sala", "hotel")
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_page_process, args=(_url(db), room.id, i, 20, out)) for i in range(8)]
    for p in procs:
        p.start()
    done = sorted(out.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(60)
    assert done == list(range(8))
    found = main.responses(room.id)
    assert len(found) == 160 and found.groupby("participant_id").size().tolist() == [20] * 8
    (pid,) = writer_mod.started(str(db))
    main.dispose()
    os.kill(pid, signal.SIGTERM)
    _until(lambda: "leaves" in Path(writer_mod.log_path(str(db))).read_text(), "the writer leaves")
    assert "leaves after saving 160 answers" in Path(writer_mod.log_path(str(db))).read_text()


def _answer_line(person, item: str) -> bytes:
    params = {"p_room": person.room_id, "p_id": person.id, "p_exercise": "feliz", "p_item": item,
              "p_value": "3", "p_now": 1.0, "p_hidden": False}
    return json.dumps(params).encode() + b"\n"


def test_under_load_the_writer_gathers_answers_into_fewer_commits(db, monkeypatch):
    monkeypatch.setattr(writer_mod, "GATHER_SECONDS", 60.0)  # no clock in this test: it waits for the answers
    served = Writer(str(db))
    store = Store(_url(db), writer=False)
    pages = [socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) for _ in range(2)]
    try:
        room, people = _room_with(store, "Ana", "Bea")
        for page in pages:
            page.connect(writer_mod.address(str(db)))
        _until(lambda: (served._take(served.selector.select(0.1)), len(served.pages) == 2)[1], "both connect")
        # A lone answer after a quiet moment is committed at once: no waiting for company.
        pages[0].sendall(_answer_line(people[0], "tp0"))
        _until(lambda: (served._take(served.selector.select(0.1)), len(served.waiting) == 1)[1], "it arrives")
        monkeypatch.setattr(served.selector, "select", lambda timeout=None: pytest.fail("waited"))
        served._gather()
        assert len(served.waiting) == 1
        monkeypatch.undo()
        monkeypatch.setattr(writer_mod, "GATHER_SECONDS", 60.0)
        served._commit()
        assert served.last_batch == 1
        # Right after a commit of two, the writer waits for a second answer before the next commit.
        served.last_batch, served.last_commit = 2, time.monotonic()
        pages[0].sendall(_answer_line(people[0], "tp1"))
        _until(lambda: (served._take(served.selector.select(0.1)), len(served.waiting) == 1)[1], "it arrives")
        pages[1].sendall(_answer_line(people[1], "tp1"))
        served._gather()
        assert len(served.waiting) == 2
        served._commit()
        for page in pages:
            page.settimeout(30)
        assert pages[0].recv(100) == b"ok\nok\n" and pages[1].recv(100) == b"ok\n"
        assert len(store.responses(room.id)) == 3 and served.saved == 3
    finally:
        for page in pages:
            page.close()
        served.close()
        store.dispose()


def test_a_line_that_is_not_an_answer_closes_that_connection_only(db):
    with writer_and_page(db) as (served, page):
        room, (ana,) = _room_with(page, "Ana")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as rogue:
            rogue.connect(writer_mod.address(str(db)))
            rogue.sendall(b"DROP TABLE responses\n")
            rogue.settimeout(30)
            assert rogue.recv(100) == b""  # closed on it
        page.save_response(ana, "feliz", "tp1", 1)
        assert served.writer.saved == 1 and len(page.responses(room.id)) == 1


def test_the_writer_leaves_when_its_file_is_replaced(db, tmp_path):
    served = InThread(db)
    page = Store(_url(db), writer=True)
    try:
        room, (ana,) = _room_with(page, "Ana")
        page.save_response(ana, "feliz", "tp1", 1)
        fresh = tmp_path / "fresh.sqlite3"
        Store(_url(fresh), writer=False).dispose()
        os.replace(fresh, db)  # say, a backup put back
        served.thread.join(30)
        assert not served.thread.is_alive()  # it would have written to the old file
    finally:
        served.writer.close()
        page.dispose()


def test_the_writer_leaves_once_no_page_has_been_connected_for_a_while(db):
    served = InThread(db, idle=0.2)
    page = Store(_url(db), writer=True)
    room, (ana,) = _room_with(page, "Ana")
    page.save_response(ana, "feliz", "tp1", 1)
    page.dispose()  # the page closes (its kernel ends): its connection with it
    served.thread.join(30)
    assert not served.thread.is_alive()
    served.writer.close()


def test_who_uses_a_writer(tmp_path, monkeypatch):
    monkeypatch.setenv(writer_mod.ENV, "on")
    assert writer_mod.enabled()
    monkeypatch.setenv(writer_mod.ENV, "off")
    assert not writer_mod.enabled()
    assert Store(_url(tmp_path / "a.sqlite3")).writer is None  # the environment says off
    assert Store("sqlite://", writer=True).writer is None  # in memory: nothing to share
    assert writer_mod.address(str(tmp_path / "a.sqlite3")) != writer_mod.address(str(tmp_path / "b.sqlite3"))
