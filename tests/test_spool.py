"""Group commit on SQLite (widgets/spool.py): answers wait in a spool and whoever holds the write queue commits
them together; writers behind it are told, not queued on the lock."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from widgets import spool
from widgets import store as store_mod
from widgets.spool import Refusal, Spool
from widgets.store import Store, StoreError

from .test_store import _behind_a_holder, _queue_is_free, _someone_queues_on


# -- the spool on its own ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, in_name", [
    ({"enter": 1, "leave": 5}, True),  # small answers travel in the file's name
    ("50% / 2x1 <b>ya</b> $x$ ñandú 🐄", True),
    ("una vaca sagrada muy larga " * 40, False),  # too long for a name: written into the file
])
def test_an_answer_comes_back_as_it_went_in(tmp_path, value, in_name):
    s = Spool(str(tmp_path / "spool"))
    payload = {"p_room": 1, "p_id": 2, "p_item": "tp/1", "p_value": json.dumps(value, ensure_ascii=False)}
    ident = spool.new_ident()
    name = s.add(ident, payload)
    assert s.waiting() == [name] and s.outcome(name) == spool.WAITING
    assert (name != ident) == in_name
    assert s.claim() == [(name, payload)]
    s.settle({name: None})
    assert s.waiting() == [] and s.outcome(name) is None
    assert sorted(os.listdir(s.folder)) == []


def test_answers_are_claimed_oldest_first_and_a_withdrawn_one_is_not(tmp_path):
    s = Spool(str(tmp_path / "spool"))
    names = [s.add(spool.new_ident(), {"n": i}) for i in range(5)]
    s.withdraw(names[2])
    assert [payload["n"] for _, payload in s.claim()] == [0, 1, 3, 4]


def test_a_refusal_is_kept_for_its_writer_and_read_once(tmp_path):
    s = Spool(str(tmp_path / "spool"))
    name = s.add(spool.new_ident(), {"n": 1})
    s.settle({name: Refusal("join.room_closed", {"room": ""})})
    assert s.outcome(name) == Refusal("join.room_closed", {"room": ""})
    assert s.outcome(name) is None and os.listdir(s.folder) == []


def test_writers_are_told_and_stale_news_is_skipped(tmp_path):
    """A thread hears news of its own current answer; news of an earlier one is dropped when it starts anew."""
    old = spool.new_ident()
    assert spool.tell(old, spool.SAVED)
    current = spool.new_ident()  # drops the news about ``old``
    assert spool.tell(current, spool.REFUSED)
    assert spool.hear(current, timeout=60) == spool.REFUSED
    assert spool.tell(old, spool.SAVED)  # late news of an earlier answer ...
    assert spool.tell(current, spool.SAVED)
    assert spool.hear(current, timeout=60) == spool.SAVED  # ... is skipped
    assert not spool.tell(f"{old.split('-')[0]}-999999999-1-0", spool.SAVED)  # nobody listens there


def test_the_spool_lives_in_memory_when_it_can(tmp_path):
    folder = spool.spool_folder(str(tmp_path / "a.sqlite3"))
    if os.access("/dev/shm", os.W_OK):
        assert folder.startswith("/dev/shm/clientelitis-spool-")
        assert folder != spool.spool_folder(str(tmp_path / "b.sqlite3"))
    else:
        assert folder == str(tmp_path / "a.sqlite3") + ".spool"


# -- group commit in the store ----------------------------------------------------------------------------------
def _begins(store: Store) -> list[str]:
    seen: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute",
                    lambda conn, cur, stmt, *a: seen.append(stmt) if stmt.startswith("BEGIN IMMEDIATE") else None)
    return seen


def test_one_transaction_commits_every_waiting_answer_and_refuses_only_the_bad_one(tmp_path):
    """Answers left in the spool by writers that wait (here: added by hand) are committed with the next one in
    a single transaction; an answer for a closed room is refused on its own, and each room's version goes up
    by the number of answers it took."""
    s = Store(f"sqlite:///{tmp_path / 'g.sqlite3'}")
    room, _ = s.create_room("Grupo", "hotel")
    closed, _ = s.create_room("Cerrada", "hotel")
    people = [s.join(room, f"P{i}", "Caja")[0] for i in range(4)]
    late, _ = s.join(closed, "Tarde", "Caja")
    s.set_room_status(closed.id, "closed")
    versions = s.room_version(room.id), s.room_version(closed.id)
    waiting = []
    for person in people[1:] + [late]:
        params = {"p_room": person.room_id, "p_id": person.id, "p_exercise": "feliz", "p_item": "tp1",
                  "p_value": json.dumps({"enter": person.id}), "p_now": 1.0, "p_hidden": False}
        waiting.append(s.spool.add(spool.new_ident(), params))
    begins = _begins(s)
    s.save_response(people[0], "feliz", "tp1", {"enter": 0})
    assert len(begins) == 1  # one transaction for all five
    stored = s.responses(room.id)
    assert sorted(stored["participant_id"]) == sorted(p.id for p in people)
    assert s.responses(closed.id).empty
    assert [s.spool.outcome(name) for name in waiting] == [None, None, None,
                                                            Refusal("join.room_closed", {"room": ""})]
    assert (s.room_version(room.id), s.room_version(closed.id)) == (versions[0] + 4, versions[1])
    assert s.spool.waiting() == [] and _queue_is_free(s)
    s.dispose()


def test_a_participant_from_another_room_is_refused_in_a_batch(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    room, _ = s.create_room("Una", "hotel")
    other, _ = s.create_room("Otra", "hotel")
    ana, _ = s.join(room, "Ana", "Caja")
    intruder = store_mod.Participant(ana.id, other.id, "Ana", "Caja", 0.0)
    with pytest.raises(StoreError, match="join.token_unknown"):
        s.save_response(intruder, "feliz", "tp1", 1)
    s.save_response(ana, "feliz", "tp1", 2)
    assert s.responses(room.id)["value"].tolist() == [2] and s.responses(other.id).empty
    s.dispose()


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux /proc/locks to see the queue")
def test_a_writer_behind_the_holder_waits_to_be_told_not_on_the_lock(tmp_path):
    """While another store is inside a write, an answer waits in the spool and its writer listens: nobody
    queues on the lock. When the holder lets go, the writer is woken to commit it: saved, no retry."""
    url = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    first, second = Store(url), Store(url, busy_timeout=120)
    room, _ = first.create_room("Espera", "hotel")
    ana, _ = first.join(room, "Ana", "Caja")
    bea, _ = second.join(room, "Bea", "Sala")
    retries: list[int] = []
    second.on_retry = retries.append

    def while_held():
        assert not _someone_queues_on(first.write_queue.path)
        assert second.responses(room.id).empty

    saved = _behind_a_holder(first, ana, lambda: second.save_response(bea, "feliz", "tp1", {"enter": 4}),
                             lambda: len(second.spool.waiting()) == 1, "the answer waits in the spool", while_held)
    assert saved and retries == []
    assert second.responses(room.id)["value"].tolist() == [{"enter": 4}]
    assert second.spool.waiting() == [] and _queue_is_free(first)
    first.dispose(), second.dispose()


def test_an_answer_given_up_leaves_the_spool(tmp_path):
    """A database locked by another program for longer than the retries: the answer is withdrawn (it will not
    land later behind the participant's back) and the page hears that it was not saved."""
    import sqlite3

    s = Store(f"sqlite:///{tmp_path / 'x.sqlite3'}", retries=1, busy_timeout=0.05)
    room, _ = s.create_room("Bloqueo", "hotel")
    ana, _ = s.join(room, "Ana", "Caja")
    holder = sqlite3.connect(tmp_path / "x.sqlite3", isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="error.db_busy"):
            s.save_response(ana, "feliz", "tp1", 1)
        assert s.spool.waiting() == []
    finally:
        holder.rollback()
        holder.close()
    s.save_response(ana, "feliz", "tp2", 2)
    assert s.responses(room.id)["item"].tolist() == ["tp2"]
    s.dispose()


def test_without_room_in_the_spool_an_answer_is_saved_on_its_own(tmp_path, monkeypatch):
    s = Store(f"sqlite:///{tmp_path / 'n.sqlite3'}")
    room, _ = s.create_room("Sin sitio", "hotel")
    ana, _ = s.join(room, "Ana", "Caja")

    def full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(s.spool, "add", full)
    s.save_response(ana, "feliz", "tp1", 3)
    assert s.responses(room.id)["value"].tolist() == [3]
    s.dispose()
