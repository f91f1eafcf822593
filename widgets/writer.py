"""One writer per SQLite file: the answers of every page on this machine are committed by one small process.

When a hundred page kernels save at the same moment and each takes its own turn at the file (``spool.py``),
every turn costs a wake-up of another process, and on two cores those processes queue for the CPU: a few
answers wait far longer than the rest. Here a kernel hands its answer to the writer over a Unix socket and
waits for the reply, which comes after the commit, so "Guardado" still means the answer is in the file. The
writer reads every answer that has arrived, commits them in one transaction (each checked as a single save is:
``store._save_answers``), replies to each, and reads again; answers that arrive meanwhile go in the next one.

The writer speeds things up but nothing depends on it:

* a store that finds no writer starts one (``python -m widgets.writer <file>``, in its own session) and saves
  its answers itself, as before, until the writer listens;
* a kernel whose writer goes away before replying saves that answer itself (saving is an upsert: if the writer
  had committed it, the stored answer is the same);
* the writer queues for the same write queue as every writer of the file, so joins, room changes and
  moderation interleave with its transactions. While the file is locked by someone else it tells each waiting
  page (``retry <n>``, shown as "reintentando…") and past the store's retries it answers ``busy``;
* it leaves when no page has been connected for :data:`IDLE_SECONDS`, or as soon as its file is removed or
  replaced (the pages then save for themselves, or start a writer for the new file).

Linux only (the socket lives in Linux's abstract namespace: nothing on disk, gone with its process) and SQLite
files only; ``CLIENTELITIS_WRITER=off`` makes every store write for itself.

Protocol, one line each way: the page sends the answer's parameters as JSON; the writer replies ``ok``,
``refused <json: key, fields>``, ``busy``, or first ``retry <attempt>`` (any number of times).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import selectors
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time
from typing import Any, Callable

import sqlalchemy as sa

from .spool import Refusal

#: Environment variable: ``off`` (or ``0``, ``no``) makes stores write for themselves.
ENV = "CLIENTELITIS_WRITER"
#: Seconds a writer with no page connected stays, in case the next page comes.
IDLE_SECONDS = float(os.environ.get("CLIENTELITIS_WRITER_IDLE", "120"))
#: A page that hears nothing at all from its writer for this long gives up on that answer (the busy message).
REPLY_SECONDS = 60.0
#: Seconds during which a writer being started is not started again by another page.
STARTING_SECONDS = 15.0
#: Part of the socket's name: a page only talks to a writer that speaks its protocol and knows its schema.
PROTOCOL = 1
_LINE_MAX = 1 << 22  # an answer is a few kilobytes; a longer line is not an answer
#: The writer copies its log back into the file (a checkpoint, with a disk flush) once no answer has come for
#: this long, instead of in whichever commit fills the log (where every page waiting on that commit would wait
#: for the disk too) ...
QUIET_CHECKPOINT_SECONDS = 0.05
#: ... and, should answers never stop coming, in the commit that takes the log past this many pages (4 MB,
#: SQLite's default). Kept small: how long pages wait on such a commit grows with the log (here about 10 ms at
#: 1,000 pages, 60 ms at 10,000).
BACKSTOP_PAGES = 1000
#: Under load, the writer waits up to this long for more answers before a commit (see ``Writer._gather``).
GATHER_SECONDS = 0.002


def enabled() -> bool:
    return os.environ.get(ENV, "on").strip().lower() not in ("off", "0", "no", "false") and sys.platform == "linux"


def address(database: str) -> bytes:
    """The writer's socket for ``database``, in Linux's abstract namespace."""
    from .store import SCHEMA_VERSION

    digest = hashlib.sha256(os.path.realpath(database).encode()).hexdigest()[:24]
    return f"\0clientelitis-writer/{PROTOCOL}.{SCHEMA_VERSION}/{digest}".encode()


def log_path(database: str) -> str:
    """Where the writers of ``database`` log their start and end (next to the file)."""
    return database + "-writer.log"


def started(database: str) -> list[int]:
    """Process ids of the writers started for ``database``, from their log (the oldest first)."""
    try:
        with open(log_path(database), encoding="utf-8") as log:
            return [int(pid) for pid in re.findall(r"writer (\d+) serves", log.read())]
    except FileNotFoundError:
        return []


def _identity(database: str) -> tuple[int, int] | None:
    try:
        found = os.stat(database)
    except OSError:
        return None
    return found.st_dev, found.st_ino


class Unavailable(Exception):
    """The writer did not take the answer (none listens, or it went away before replying): save it yourself."""


class Client:
    """A store's way to its writer: one connection per thread (and per process, after a fork)."""

    def __init__(self, database: str, starting_folder: str):
        self.database = database
        self.address = address(database)
        #: Where a page leaves word that it is starting the writer (the store's spool folder, in memory).
        self.starting = os.path.join(starting_folder, "writer.starting")
        self._local = threading.local()

    def _connection(self) -> tuple[socket.socket, Any]:
        local = self._local
        if getattr(local, "pid", None) == os.getpid() and local.sock is not None:
            return local.sock, local.file
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        try:
            sock.connect(self.address)
        except OSError:
            sock.close()
            self.start()
            raise Unavailable from None
        sock.settimeout(REPLY_SECONDS)
        local.sock, local.file, local.pid = sock, sock.makefile("rb"), os.getpid()
        return sock, local.file

    def close(self) -> None:
        """Close this thread's connection (the writer leaves once no page is connected for a while)."""
        sock = getattr(self._local, "sock", None)
        if sock is not None and self._local.pid == os.getpid():
            self._local.file.close()
            sock.close()
        self._local.sock = None

    def listening(self) -> bool:
        """Does a writer listen for this file? (Connects this thread if so.)"""
        try:
            self._connection()
        except Unavailable:
            return False
        return True

    def save(self, params: dict[str, Any], on_retry: Callable[[int], None] | None = None) -> Refusal | None:
        """Have the writer save one answer: None once it is committed, or why it was refused. Raises
        :class:`Unavailable` when the answer must be saved by the caller."""
        sock, replies = self._connection()
        line = json.dumps(params, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        try:
            sock.sendall(line)
            while True:
                reply = replies.readline()
                if not reply.endswith(b"\n"):
                    raise ConnectionResetError  # the writer went away before replying
                word, _, rest = reply[:-1].partition(b" ")
                if word == b"ok":
                    return None
                if word == b"retry":
                    if on_retry:
                        on_retry(int(rest))
                    continue
                if word == b"refused":
                    found = json.loads(rest)
                    return Refusal(found["key"], found["fields"])
                if word == b"busy":
                    return Refusal("error.db_busy", {})
                raise ConnectionResetError  # not our protocol
        except TimeoutError:
            # Alive but silent: the answer may still be committed, so it is not saved a second time behind
            # the writer's back (a later change could be overwritten); the page offers to try again.
            self.close()
            return Refusal("error.db_busy", {})
        except OSError:
            self.close()
            raise Unavailable from None

    def start(self) -> bool:
        """Start a writer for this file unless another page is starting one; True if this call started it."""
        try:
            os.close(os.open(self.starting, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666))
        except FileExistsError:
            try:
                if time.time() - os.stat(self.starting).st_mtime < STARTING_SECONDS:
                    return False
                os.utime(self.starting)  # that start failed long ago: this page tries again
            except OSError:
                return False
        except OSError:
            return False
        try:
            with open(log_path(self.database), "ab") as log:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "widgets.writer", self.database, self.starting],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, close_fds=True,
                    env=_child_env(),
                )
        except OSError:
            return False
        threading.Thread(target=proc.wait, name="clientelitis-writer-reaper", daemon=True).start()
        return True


def _child_env() -> dict[str, str]:
    """The writer imports the same ``widgets`` as the page that starts it."""
    env = dict(os.environ)
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [here, env.get("PYTHONPATH", "")]))
    return env


# -- the writer's side ------------------------------------------------------------------------------------------
def _checkpoints_as_a_backstop(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")


class _Page:
    """One connected page: its socket, and what it sent that is not a whole line yet."""

    __slots__ = ("sock", "buffer")

    def __init__(self, sock: socket.socket):
        self.sock, self.buffer = sock, b""


class Writer:
    """The writer process's loop (see the module's doc). ``serve()`` returns when it is time to leave."""

    def __init__(self, database: str, idle: float = IDLE_SECONDS, **store_options: Any):
        """``store_options``: for the writer's own :class:`~widgets.store.Store` (``retries``, ``busy_timeout``)."""
        from .store import Store

        self.database = os.path.abspath(database)
        self.idle = idle
        self.store = Store(f"sqlite:///{self.database}", writer=False, **store_options)
        sa.event.listen(self.store.engine, "connect", _checkpoints_as_a_backstop)  # see QUIET_CHECKPOINT_SECONDS
        self.store.engine.dispose()  # connections opened before the listener are not reused
        #: Commits since the last checkpoint.
        self.unchecked = 0
        #: Size and end of the last commit (see :meth:`_gather`).
        self.last_batch, self.last_commit = 0, 0.0
        self.identity = _identity(self.database)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        self.listener.bind(address(self.database))  # OSError if another writer has it: that one serves
        self.listener.listen(1024)
        self.listener.setblocking(False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.pages: dict[socket.socket, _Page] = {}
        #: Answers read and not yet replied to: [page, parameters, attempts so far], in the order they came.
        self.waiting: list[list] = []
        #: Seconds to wait before the next attempt while the file is locked by someone else.
        self.pause = 0.0
        #: Answers this writer saved (refused ones not counted).
        self.saved = 0
        #: Set by :meth:`stop` (from another thread): the loop returns at its next look, within a second.
        self.stopping = False

    # reading
    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            uid = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[1]
            if uid != os.getuid():  # the abstract namespace has no permissions: only our own user's pages
                sock.close()
                continue
            sock.setblocking(False)
            self.pages[sock] = _Page(sock)
            self.selector.register(sock, selectors.EVENT_READ)

    def _read(self, page: _Page) -> None:
        try:
            data = page.sock.recv(1 << 16)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._close(page)  # its answers not yet committed stay in this batch; nobody hears of them
            return
        *lines, page.buffer = (page.buffer + data).split(b"\n")
        if len(page.buffer) > _LINE_MAX:
            self._close(page)
            return
        for line in lines:
            try:
                params = json.loads(line)
            except ValueError:
                self._close(page)
                return
            self.waiting.append([page, params, 0])

    def _close(self, page: _Page) -> None:
        if self.pages.pop(page.sock, None) is not None:
            self.selector.unregister(page.sock)
            page.sock.close()

    @staticmethod
    def _tell(page: _Page, message: bytes) -> None:
        try:
            page.sock.send(message)
        except OSError:
            pass  # gone, or not reading: it will save the answer itself

    # committing
    def _commit(self) -> None:
        """Commit every waiting answer in one transaction and reply to each; while the file is locked, tell
        them and try again later (the caller waits ``self.pause``)."""
        from .store import WRITE_ERRORS, _locked

        batch = self.waiting
        try:
            with self.store.write_queue.held():
                outcomes = self.store._save_batch([(str(i), params) for i, (_, params, _) in enumerate(batch)])
        except WRITE_ERRORS as exc:
            locked = _locked(exc)
            still = []
            for entry in batch:
                entry[2] += 1
                if locked and entry[2] <= self.store.retries:
                    self._tell(entry[0], b"retry %d\n" % entry[2])
                    still.append(entry)
                else:
                    self._tell(entry[0], b"busy\n")
            self.waiting = still
            self.pause = min(0.05 * 2 ** max((e[2] for e in still), default=1), 2.0)
            return
        self.waiting = []
        self.pause = 0.0
        self.unchecked += 1
        self.last_batch, self.last_commit = len(batch), time.monotonic()
        for i, (page, _, _) in enumerate(batch):
            refusal = outcomes.get(str(i))
            if refusal is None:
                self.saved += 1
                self._tell(page, b"ok\n")
            else:
                found = json.dumps({"key": refusal.key, "fields": refusal.fields}, ensure_ascii=False)
                self._tell(page, b"refused " + found.encode() + b"\n")

    def _checkpoint(self) -> None:
        """Copy the log back into the file as far as no reader needs it (``PASSIVE``: never waits for anyone)."""
        try:
            with self.store.engine.connect() as conn:
                conn.connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except (sa.exc.DBAPIError, sqlite3.Error):
            return  # the log stays correct, only longer; the next quiet moment tries again
        self.unchecked = 0

    def _take(self, events: list) -> None:
        for key, _ in events:
            if key.fileobj is self.listener:
                self._accept()
            else:
                page = self.pages.get(key.fileobj)
                if page is not None:
                    self._read(page)

    def _gather(self) -> None:
        """Under load (the last commit ended a moment ago), wait up to :data:`GATHER_SECONDS` for as many answers
        as the last commit had: fewer, larger commits write less log, so fewer checkpoints stall the pages."""
        if time.monotonic() - self.last_commit > GATHER_SECONDS:
            return  # a lone answer is committed at once
        deadline = time.monotonic() + GATHER_SECONDS
        while len(self.waiting) < self.last_batch:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._take(self.selector.select(left))

    def serve(self) -> None:
        quiet_since = time.monotonic()
        while not self.stopping:
            if self.waiting:
                timeout = self.pause
            elif self.unchecked:
                timeout = QUIET_CHECKPOINT_SECONDS
            else:
                timeout = min(1.0, self.idle)  # looks at its file every second
            events = self.selector.select(timeout)
            if not events and not self.waiting and self.unchecked:
                self._checkpoint()
            self._take(events)
            if self.waiting and not self.pause:
                self._gather()
            if _identity(self.database) != self.identity:
                return  # the file went or was replaced: pages waiting hear the socket close, and save themselves
            if self.waiting:
                self._commit()
                if self.pause:
                    time.sleep(self.pause)  # locked by someone else: the pages were told, and wait
            if self.pages or self.waiting:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > self.idle:
                return

    def stop(self) -> None:
        self.stopping = True

    def close(self) -> None:
        for page in list(self.pages.values()):
            self._close(page)
        self.selector.close()
        self.listener.close()
        self.store.dispose()


def main(argv: list[str] | None = None) -> int:
    """``python -m widgets.writer <database> [<starting marker>]``: serve ``database`` until idle."""
    argv = sys.argv[1:] if argv is None else argv
    database, starting = argv[0], (argv[1] if len(argv) > 1 else None)
    try:
        try:
            writer = Writer(database)
        except OSError:
            return 0  # another writer listens for this file
        finally:
            if starting:
                try:
                    os.unlink(starting)
                except OSError:
                    pass
        signal.signal(signal.SIGTERM, lambda *_: writer.stop())  # leaves within a second
        gc.freeze()  # the imports' objects are never garbage: a full collection need not walk them mid-batch
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        print(f"{stamp} writer {os.getpid()} serves {writer.database}", flush=True)
        try:
            writer.serve()
        finally:
            writer.close()
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        print(f"{stamp} writer {os.getpid()} leaves after saving {writer.saved} answers", flush=True)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
