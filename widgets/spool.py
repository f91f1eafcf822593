"""Group commit for answers on one SQLite file: writers leave their answer in a spool folder, and whoever holds
the write queue commits every answer waiting there in one transaction.

With 100 page kernels saving at once, one transaction per answer means 100 turns of the write queue, one after
the other, each paying for a commit and for waking the next process. Here a writer first drops its answer
into the spool as a small file, then tries the write queue without waiting. If it gets it, it commits every
answer waiting, its own included, and tells their writers. If not, it does not queue for the lock (with 100
writers in the kernel's queue, every release would wake all 100): it listens on a socket of its own until it
is told that its answer is saved or refused, or that it is its turn to commit. Whoever lets go of the write
queue looks in the spool and, if answers wait there, wakes the writer of the oldest one to commit them. A
writer that hears nothing within the busy timeout queues for the lock like any writer, so a lost message
costs time, never an answer.

Files in the spool (only ever touched while holding the write queue, but for adding and withdrawing):

- ``<id>.req``: waiting. Deleted once its transaction is committed, or when its writer gives up waiting (an
  answer a combiner had already read may then still be saved: it is an upsert, so trying again is harmless).
- ``<id>.err``: refused; the file holds the reason (a message key and its fields) until its writer reads it.

A crash after the commit and before the files are deleted makes the next combiner apply those answers again;
saving an answer is an upsert, so the stored answer is the same.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

WAITING = "waiting"
SAVED, REFUSED, COMMIT = b"saved", b"refused", b"commit"
_counter = itertools.count()


@dataclass(frozen=True)
class Refusal:
    """Why a spooled answer was not saved: a message key and its fields (as in ``StoreError``)."""

    key: str
    fields: dict


def spool_folder(database: str) -> str:
    """Where the answers for ``database`` wait: in memory (``/dev/shm``) where there is such a folder, since a
    hundred writers creating and deleting files there cost far less than on a journaled disk; else next to the
    file. Losing it with the machine loses nothing: an answer is only acknowledged once it is committed."""
    shared = "/dev/shm"
    if os.path.isdir(shared) and os.access(shared, os.W_OK | os.X_OK):
        digest = hashlib.sha256(os.path.realpath(database).encode()).hexdigest()[:24]
        return os.path.join(shared, f"clientelitis-spool-{digest}")
    return database + ".spool"


_NAME_MAX = 255  # bytes in a file's name (Linux file systems)


def _ident(name: str) -> str:
    """The answer's id in the name of its file (``<id>`` or ``<id>=<payload>``)."""
    return name.partition("=")[0]


def _writer_of(ident: str) -> str:
    return ident.split("-", 1)[1].rsplit("-", 1)[0]  # "<pid>-<thread>"


def _address(writer: str) -> bytes:
    """A socket name in Linux's abstract namespace: nothing on disk, gone when its owner closes or dies."""
    return b"\0clientelitis-spool/" + writer.encode()


class _Sockets(threading.local):
    """Each thread's listening socket and each process's sending one (made again in a forked child)."""

    pid = 0
    listener: socket.socket | None = None


_sockets = _Sockets()
_sender: tuple[int, socket.socket] | None = None


def _listener() -> socket.socket:
    if _sockets.pid != os.getpid():
        _sockets.listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        _sockets.listener.bind(_address(f"{os.getpid()}-{threading.get_ident()}"))
        _sockets.pid = os.getpid()
    return _sockets.listener


def tell(ident: str, message: bytes) -> bool:
    """Send ``message`` about answer ``ident`` to its writer; False if nobody listens there any more."""
    global _sender
    if _sender is None or _sender[0] != os.getpid():
        _sender = (os.getpid(), socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC))
    try:
        _sender[1].sendto(message + b" " + ident.encode(), socket.MSG_DONTWAIT, _address(_writer_of(ident)))
    except (ConnectionRefusedError, FileNotFoundError):
        return False
    except BlockingIOError:
        pass  # its queue is full of news it has not read yet: it is busy writing, and will look for itself
    return True


def new_ident() -> str:
    """A new answer's id; ids sort in the order answers were given (a clock in nanoseconds first), so one
    person's answers apply in order. Also opens this thread's socket, so no message about it can be missed."""
    listener = _listener()
    listener.setblocking(False)
    while True:  # news of this thread's earlier answers (a late hand-over) means nothing any more
        try:
            listener.recv(256)
        except BlockingIOError:
            break
    return f"{time.time_ns():020d}-{os.getpid()}-{threading.get_ident()}-{next(_counter)}"


def hear(ident: str, timeout: float) -> bytes | None:
    """What the writer of ``ident`` is told (:data:`SAVED`, :data:`REFUSED` or :data:`COMMIT`), or None if
    nothing came within ``timeout`` seconds. Stale news of this thread's earlier answers is skipped; a
    :data:`COMMIT` counts whatever answer it names (someone is asking this thread to commit)."""
    listener = _listener()
    deadline = time.monotonic() + timeout
    while True:
        listener.settimeout(max(deadline - time.monotonic(), 0.001))
        try:
            message, _, about = listener.recv(256).partition(b" ")
        except TimeoutError:
            return None
        if message == COMMIT or about.decode() == ident:
            return message


class Spool:
    """The spool folder of one database file."""

    def __init__(self, folder: str):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)

    def _path(self, ident: str, suffix: str) -> str:
        return os.path.join(self.folder, ident + suffix)

    def _create(self, name: str) -> int:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
        try:
            return os.open(os.path.join(self.folder, name), flags, 0o666)
        except FileNotFoundError:  # the folder went (/dev/shm emptied under a running server): make it again
            os.makedirs(self.folder, exist_ok=True)
            return os.open(os.path.join(self.folder, name), flags, 0o666)

    def add(self, ident: str, payload: dict[str, Any]) -> str:
        """Leave ``payload`` (JSON-serialisable) waiting under ``ident`` (from :func:`new_ident`); returns the
        name of its file. A small payload travels in the file's name itself (one ``open`` to add it, none to
        read it back); a bigger one is written into the file, which appears whole under its name by a rename."""
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        inline = ident + "=" + data.replace("%", "%25").replace("/", "%2F")
        if len((inline + ".req").encode()) <= _NAME_MAX:
            os.close(self._create(inline + ".req"))
            return inline
        temporary = self._path(ident, ".tmp")
        fd = self._create(ident + ".tmp")
        try:
            os.write(fd, data.encode())
        finally:
            os.close(fd)
        os.rename(temporary, self._path(ident, ".req"))
        return ident

    def waiting(self) -> list[str]:
        """Names of the waiting answers' files, oldest first."""
        try:
            names = os.listdir(self.folder)
        except FileNotFoundError:
            return []
        return sorted(name[: -len(".req")] for name in names if name.endswith(".req"))

    def claim(self) -> list[tuple[str, dict[str, Any]]]:
        """Every waiting answer (its file's name and payload), oldest first. Call only while holding the write
        queue."""
        claimed = []
        for name in self.waiting():
            ident, inline, data = name.partition("=")
            if inline:
                claimed.append((name, json.loads(data.replace("%2F", "/").replace("%25", "%"))))
                continue
            try:
                fd = os.open(self._path(name, ".req"), os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:  # withdrawn meanwhile
                continue
            try:
                claimed.append((name, json.loads(os.read(fd, 1 << 24))))
            finally:
                os.close(fd)
        return claimed

    def settle(self, outcomes: dict[str, Refusal | None]) -> None:
        """After the commit (still holding the write queue): the answers stop waiting, and a refused one leaves
        its reason. Their writers are told afterwards (:meth:`tell_writers`), once the queue is free."""
        for name, refusal in outcomes.items():
            if refusal is not None:
                reason = self._path(_ident(name), ".err")
                with open(reason + ".tmp", "w", encoding="utf-8") as f:
                    json.dump({"key": refusal.key, "fields": refusal.fields}, f)
                os.rename(reason + ".tmp", reason)
            try:
                os.unlink(self._path(name, ".req"))
            except FileNotFoundError:  # its writer gave up waiting meanwhile
                pass

    @staticmethod
    def tell_writers(outcomes: dict[str, Refusal | None], but: str) -> None:
        """Tell each writer (but ``but``, the one who committed) that its answer was saved or refused."""
        for name, refusal in outcomes.items():
            if name != but:
                tell(_ident(name), SAVED if refusal is None else REFUSED)

    def hand_over(self) -> None:
        """After letting go of the write queue: if answers wait, wake the writer of the oldest to commit them
        (the next live one: a writer that died leaves its answer for whoever commits next)."""
        for name in self.waiting():
            if tell(_ident(name), COMMIT):
                return

    def outcome(self, name: str) -> str | Refusal | None:
        """``WAITING``, a :class:`Refusal` (read once: its file is deleted), or None when it was saved. Call
        while holding the write queue, or after hearing that the answer was settled."""
        if os.path.exists(self._path(name, ".req")):
            return WAITING
        reason = self._path(_ident(name), ".err")
        try:
            with open(reason, encoding="utf-8") as f:
                found = json.load(f)
        except FileNotFoundError:
            return None
        os.unlink(reason)
        return Refusal(found["key"], found["fields"])

    def withdraw(self, name: str) -> None:
        """Take back an answer that waits (its writer gives up)."""
        try:
            os.unlink(self._path(name, ".req"))
        except FileNotFoundError:
            pass
