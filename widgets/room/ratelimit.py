"""Rate limits on guessing room codes, kept in the database so they hold across kernels and across several
Voila servers sharing one PostgreSQL.

Only lookups of a well-formed code that matches no room count as failures (a malformed code cannot be a room
and costs no lookup). Two limits:

* **Per page** (one kernel, one browser tab): after ``PAGE_MAX_FAILURES`` unknown codes within
  ``PAGE_WINDOW_SECONDS``, the page looks up no code at all, right or wrong, until the oldest of them is
  ``PAGE_WINDOW_SECONDS`` old. Refusing right codes too is what makes the lock worth anything: otherwise a
  locked page would still learn which codes exist. Other pages are not affected.
* **Server-wide** (everyone, every server on the same database): while ``SERVER_MAX_FAILURES`` or more unknown
  codes were looked up within ``SERVER_WINDOW_SECONDS``, an unknown code gets a "wait" message instead of
  "unknown room", and a page that already typed an unknown code in that window looks up nothing until its
  own failure is that old. A page with no recent failure still gets in with a right code, so an attack never
  locks out the real participants; what an attacker gets is one guess per freshly opened page.

Refused lookups of unknown codes are recorded too, so a sustained attack keeps the server-wide limit on.
Typing the same wrong code twice on one page (while typing, then pressing Join) counts once, and the second
time is answered "unknown room" again without a lookup (the page learns nothing new). Counting and
recording are two statements, not one transaction: under a burst from several servers the limits may be
overshot by a few attempts, never undershot. Rows older than ``KEEP_SECONDS`` are deleted on every insert.
"""

from __future__ import annotations

import math
import secrets
import time
from typing import Callable

from widgets.room.store import Room, Store, StoreError, normalize_code

PAGE_MAX_FAILURES = 5
PAGE_WINDOW_SECONDS = 600
SERVER_MAX_FAILURES = 60
SERVER_WINDOW_SECONDS = 60
KEEP_SECONDS = max(PAGE_WINDOW_SECONDS, SERVER_WINDOW_SECONDS)


def _seconds(until: float, now: float) -> int:
    return max(1, math.ceil(until - now))


class CodeGuard:
    """Looks up room codes for one page, within the limits. ``clock`` returns epoch seconds (injectable so
    tests never sleep); every server sharing a database should keep its clock in time (NTP)."""

    def __init__(self, store: Store, source: str | None = None, clock: Callable[[], float] = time.time):
        self.store = store
        self.source = source or "page-" + secrets.token_hex(8)
        self.clock = clock
        self._counted: dict[str, float] = {}  # unknown codes this page already counted, and when

    def check(self) -> None:
        """Raise the refusal this page would get before any lookup (``StoreError``), or return."""
        self._limits(self.clock())

    def _limits(self, now: float) -> float | None:
        """Refuse when this page must wait; otherwise return when the server-wide limit ends (or None)."""
        mine = self.store.code_failures(now - PAGE_WINDOW_SECONDS, self.source, limit=PAGE_MAX_FAILURES)
        if len(mine) >= PAGE_MAX_FAILURES:
            raise StoreError("join.too_many_codes", seconds=_seconds(mine[-1] + PAGE_WINDOW_SECONDS, now))
        crowd = self.store.code_failures(now - SERVER_WINDOW_SECONDS, offset=SERVER_MAX_FAILURES - 1)
        if not crowd:
            return None
        server_until = crowd[0] + SERVER_WINDOW_SECONDS
        if mine and mine[0] > now - SERVER_WINDOW_SECONDS:
            until = min(server_until, mine[0] + SERVER_WINDOW_SECONDS)
            raise StoreError("join.codes_paused", seconds=_seconds(until, now))
        return server_until

    def lookup(self, raw_code: str | None) -> Room | None:
        """The open or closed room with this code; ``None`` for an empty or malformed code (not counted).

        Raises ``StoreError`` ``join.unknown_room``, ``join.too_many_codes`` or ``join.codes_paused``."""
        code = normalize_code(raw_code)
        if code is None:
            return None
        now = self.clock()
        counted = self._counted.get(code)
        if counted is not None and counted > now - PAGE_WINDOW_SECONDS:
            raise StoreError("join.unknown_room", code=code)  # this page learnt that already: nothing new
        server_until = self._limits(now)
        room = self.store.room_by_code(code)
        if room is not None:
            return room
        self.store.record_code_failure(self.source, now, KEEP_SECONDS)
        self._counted[code] = now
        if server_until is not None:
            raise StoreError("join.codes_paused", seconds=_seconds(server_until, now))
        raise StoreError("join.unknown_room", code=code)
