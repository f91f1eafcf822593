"""The live refresh: poll one cheap integer (the room's version) and redraw only when it changed."""

from __future__ import annotations

import asyncio
import logging
from typing import Callable

from widgets.room.store import Store

log = logging.getLogger(__name__)


class RoomWatcher:
    """Calls every subscriber whenever the room's version changes; runs as a task on the kernel's loop.

    Also calls ``tick`` subscribers every ``tick_every`` seconds (heartbeats, countdowns).
    """

    def __init__(self, store: Store, room_id: int, interval: float = 0.5,
                 alive: Callable[[], bool] | None = None):
        self.store = store
        self.room_id = room_id
        self.interval = interval
        #: Is anybody looking at the page? While not, nothing is polled or sent, so the kernel of a closed
        #: page goes idle and Voila culls it; a page that comes back catches up at once.
        self.alive = alive
        self._on_change: list[Callable[[], None]] = []
        #: ``[period, fn, next due]`` per tick (seconds since the loop started).
        self._on_tick: list[list] = []
        self._task: asyncio.Task | None = None
        self.version: int | None = None

    def subscribe(self, fn: Callable[[], None]) -> None:
        self._on_change.append(fn)

    def every(self, seconds: float, fn: Callable[[], None]) -> None:
        self._on_tick.append([seconds, fn, 0.0])

    def check(self) -> bool:
        """Poll once; notify and return True when the room changed since the last poll."""
        version = self.store.room_version(self.room_id)
        if version == self.version:
            return False
        self.version = version
        for fn in list(self._on_change):
            try:
                fn()
            except Exception:  # a broken view must not stop the others from refreshing
                log.exception("live refresh failed")
        return True

    def step(self, elapsed: float) -> bool:
        """One beat of the loop, ``elapsed`` seconds after it started; False when nobody is looking."""
        if self.alive is not None and not self.alive():
            return False
        try:
            self.check()
        except Exception:
            log.exception("room poll failed")
        for tick in self._on_tick:
            seconds, fn, due = tick
            if elapsed + 1e-9 >= due:
                # a period after it was due (the beat's jitter does not drift it), or after now when a long
                # pause (a hidden page) missed whole periods
                tick[2] = (elapsed if elapsed - due >= seconds else due) + seconds
                try:
                    fn()
                except Exception:
                    log.exception("tick failed")
        return True

    def pause_after(self, took: float) -> float:
        """Seconds to wait after a beat that took ``took``: polls keep their cadence (a slow redraw in a busy
        room does not push the next poll later by its own length), with at least half an interval between
        beats for the page's messages and the kernel's other work."""
        return max(self.interval / 2, self.interval - took)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        while True:
            began = loop.time()
            self.step(began - start)
            await asyncio.sleep(self.pause_after(loop.time() - began))

    def start(self) -> "RoomWatcher":
        if self._task is None:
            self._task = asyncio.get_event_loop().create_task(self._run())
        return self

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
