"""Preheated kernels, planned from the rooms people are about to join.

A workshop starts with a join storm: 30-100 phones open the welcome page in the same minute. Starting a
kernel per request takes seconds of CPU each, so Voila keeps a pool of kernels that have already run the
page's imports and wait (``voila.utils.wait_for_request``) for a request to hand them its URL.

This kernel manager sizes that pool from the database: for every open room that is in use, the people it
still expects (``expected_size`` set when the room is created, minus those who already joined), plus a
margin for reloads, capped by memory. It also keeps the refill from starving the people already in: one
kernel warms at a time (per two cores) and only once no page has been handed out for a moment. When more
people arrive than expected and a request already waits for a kernel, that calm gives way: kernels warm
at once, one per core, so the wait is as short as the machine allows.

Enabled by ``voila.json`` (``preheat_kernel`` + ``multi_kernel_manager_class``). Settings, all optional:
``CLIENTELITIS_POOL_MIN`` (ready pages kept for the welcome page when no room is expected, default 2),
``CLIENTELITIS_POOL_MAX`` (hard cap, default ``POOL_CAP``; never more than half the free memory holds),
``CLIENTELITIS_POOL_OTHERS`` (ready pages for each other notebook, default 1).
"""

from __future__ import annotations

import asyncio
import itertools
import math
import os
import time
from typing import Iterable

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.ioloop import PeriodicCallback

from widgets.serving.server_log import pages_may_leave_while_connecting, quiet_closed_pages


#: The page every participant opens first (the QR code points here).
ENTRY_NOTEBOOK = "00_bienvenida.ipynb"
#: A room counts as "in use" when created or visited within this many seconds.
IN_USE_SECONDS = 12 * 3600
#: Seconds after a page was handed out before a calm refill may start: about the time a page needs on a busy
#: 2-core machine to become interactive in the browser (the server's part ends well before: the page's
#: script, its widgets' states and their drawing follow), so a warming kernel does not take the CPU from it.
QUIET_SECONDS = 3.0
#: Memory planned per waiting kernel (measured USS is lower; see docs/bench-results.md).
KERNEL_MB = 150
#: Ready pages the server keeps at most, whatever the rooms declare (``CLIENTELITIS_POOL_MAX`` changes it; never
#: more than half the free memory holds): one room of 40 arrives without waiting, and 50 rooms declaring 100
#: people each cannot make the server hold gigabytes of idle kernels.
POOL_CAP = 40


def may_warm(active: int, waiting_requests: int, since_handout: float, *, calm: int, burst: int,
             quiet: float, rendering: int = 0) -> bool:
    """May one more kernel start warming now?

    ``active`` kernels are warming; ``waiting_requests`` pages wait for a kernel because the pool ran out;
    ``since_handout`` seconds passed since a page was last handed out; ``rendering`` pages handed out are
    still building. Calm refills (``calm`` at a time) wait until no page is building and ``quiet`` seconds
    passed since the last handout, so pages being served get the CPU; when a person already waits, up to
    ``burst`` warm at once without waiting.
    """
    if waiting_requests > 0:
        return active < burst
    return active < calm and since_handout >= quiet and rendering == 0


def next_turn(queue: list[tuple[int, str]], waiting: dict[str, int]) -> tuple[int, str]:
    """Which queued kernel ``(arrival, notebook)`` warms next: one a person already waits for, then the
    entry page's (everyone opens it first), then by arrival."""
    return min(queue, key=lambda t: (not waiting.get(t[1]), t[1] != ENTRY_NOTEBOOK, t[0]))


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, "") or default)
    except ValueError:
        return default


def memory_cap(available_bytes: int, kernel_mb: int = KERNEL_MB, share: float = 0.5, ceiling: int = 100) -> int:
    """How many waiting kernels fit in ``share`` of the free memory (at least 1, at most ``ceiling``)."""
    return max(1, min(ceiling, int(available_bytes * share // (kernel_mb * 2**20))))


def pool_cap(available_bytes: int) -> int:
    """The most ready pages this server keeps: its own setting (``CLIENTELITIS_POOL_MAX``, default
    ``POOL_CAP``), and never more than half the free memory holds."""
    return min(_env_int("CLIENTELITIS_POOL_MAX", POOL_CAP), memory_cap(available_bytes))


def plan_pool(demand: Iterable[tuple[int, int]], minimum: int, maximum: int) -> int:
    """Ready kernels to keep for the entry page.

    ``demand`` holds ``(expected_size, joined)`` for every open room in use: the people still to come, plus
    10 % of each room's size (at least one) for reloads and late phones, never below ``minimum`` nor above
    ``maximum``.
    """
    wanted = 0
    for expected, joined in demand:
        expected, joined = max(0, int(expected or 0)), max(0, int(joined or 0))
        if expected == 0:
            continue
        wanted += max(0, expected - joined) + max(1, math.ceil(expected * 0.1))
    return max(minimum, min(maximum, wanted)) if maximum >= minimum else maximum


class RoomPoolKernelManager(AsyncMappingKernelManager):
    """Voila wraps this class with its pooling logic; we add planning and gentle refills."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        quiet_closed_pages()  # the server's log: no traceback for updates to a page that has just left
        pages_may_leave_while_connecting()
        self.pool_min = _env_int("CLIENTELITIS_POOL_MIN", 2)
        self.pool_others = _env_int("CLIENTELITIS_POOL_OTHERS", 1)
        try:
            import psutil

            available = psutil.virtual_memory().available
        except Exception:  # pragma: no cover - psutil ships with ipykernel
            available = 4 * 2**30
        self.pool_max = pool_cap(available)
        self.warm_at_once = max(1, (os.cpu_count() or 2) // 2)
        self.burst_at_once = max(2, os.cpu_count() or 2)
        self.quiet_seconds = QUIET_SECONDS
        self.last_handout = 0.0
        self.planned = self.pool_min
        self._warming_now = 0
        self._rendering: dict[int, float] = {}  # pages handed out and still building: id -> start
        self._waiting: dict[str, int] = {}  # notebook -> pages waiting for one of its kernels
        self._queue: list[tuple[int, str]] = []  # kernels waiting to warm: (arrival, notebook)
        self._arrivals = itertools.count()
        self._store = None
        if not hasattr(self, "_initialize"):  # preheating is off: nothing to plan
            return
        # Voila's pooling subclass calls these; wrap them on the instance (they are defined below us).
        self._voila_initialize = self._initialize
        self._initialize = self._gentle_initialize
        self._voila_rendered = self.get_rendered_notebook
        self.get_rendered_notebook = self._counted_rendered
        self.kernel_pools_config = self._pools_config(self.pool_min)
        self._planner = PeriodicCallback(self._plan_soon, 5000)
        self._planner.start()
        asyncio.get_event_loop().call_later(1, self._plan_soon)

    async def cull_kernel_if_idle(self, kernel_id):
        """The culler checks kernels from a list taken before it started; a page closed meanwhile has shut its
        kernel down already (jupyter_server then logs a KeyError with its traceback): nothing to cull."""
        if kernel_id not in self._kernels:
            return None
        return await super().cull_kernel_if_idle(kernel_id)

    # -- configuration ----------------------------------------------------------------------------------
    def _pools_config(self, entry_size: int) -> dict:
        return {
            "default": {"pool_size": self.pool_others},
            ENTRY_NOTEBOOK: {"pool_size": entry_size},
        }

    # -- planning ---------------------------------------------------------------------------------------
    def demand(self) -> list[tuple[int, int]]:
        from widgets.room.store import Store

        if self._store is None:
            self._store = Store()
        return self._store.pool_demand(since=time.time() - IN_USE_SECONDS)

    def _plan_soon(self) -> None:
        asyncio.ensure_future(self.plan())

    async def plan(self) -> int:
        """Resize the entry page's pool to what the open rooms still expect; returns the new size."""
        try:
            size = plan_pool(self.demand(), self.pool_min, self.pool_max)
        except Exception:
            self.log.exception("could not plan the kernel pool; keeping %s", self.planned)
            return self.planned
        if size != self.planned:
            self.log.info("Kernel pool for %s: %s -> %s ready pages", ENTRY_NOTEBOOK, self.planned, size)
        self.planned = size
        self.kernel_pools_config = self._pools_config(size)
        pool = self._pools.get(ENTRY_NOTEBOOK, [])
        if len(pool) < size:
            self.fill_if_needed(delay=0, notebook_name=ENTRY_NOTEBOOK)
        elif len(pool) > size:
            await self._shrink(ENTRY_NOTEBOOK, len(pool) - size)
        return size

    async def _shrink(self, notebook: str, surplus: int) -> None:
        pool = self._pools.get(notebook, [])
        spare = [task for task in pool if task.done() and not task.exception()][-surplus:]
        for task in spare:
            pool.remove(task)
            kernel_id = task.result()["kernel_id"]
            try:
                await self.shutdown_kernel(kernel_id)
            except Exception:  # pragma: no cover - already gone
                self.log.warning("could not shut down spare kernel %s", kernel_id)

    # -- gentle refills ---------------------------------------------------------------------------------
    async def _counted_rendered(self, notebook_name: str, *args, **kwargs):
        self.last_handout = time.monotonic()
        pool = self._pools.get(notebook_name, [])
        short = int(bool(pool) and not pool[0].done())  # this person will wait for a kernel still warming
        self._waiting[notebook_name] = self._waiting.get(notebook_name, 0) + short
        try:
            result = await self._voila_rendered(notebook_name, *args, **kwargs)
        finally:
            self._waiting[notebook_name] -= short
        render_task = result[0]  # the page's cell: done once the app is built and shown
        self._rendering[id(render_task)] = time.monotonic()
        render_task.add_done_callback(lambda task: self._rendering.pop(id(task), None))
        return result

    def pages_rendering(self, limit: float = 30) -> int:
        """Pages handed out whose app is still being built (one stuck for ``limit`` s no longer counts)."""
        now = time.monotonic()
        return sum(1 for started in self._rendering.values() if now - started < limit)

    async def _gentle_initialize(self, notebook_path: str, kernel_id: str | None = None, **kwargs):
        if kernel_id is not None:  # a restart: do it now
            return await self._voila_initialize(notebook_path, kernel_id, **kwargs)
        turn = (next(self._arrivals), notebook_path)
        self._queue.append(turn)
        try:
            while not (next_turn(self._queue, self._waiting) == turn and may_warm(
                    self._warming_now, sum(self._waiting.values()), time.monotonic() - self.last_handout,
                    calm=self.warm_at_once, burst=self.burst_at_once, quiet=self.quiet_seconds,
                    rendering=self.pages_rendering())):
                await asyncio.sleep(0.1)
        finally:
            self._queue.remove(turn)
        self._warming_now += 1
        try:
            result = await self._voila_initialize(notebook_path, None, **kwargs)
            await self._until_waiting(result)
        finally:
            self._warming_now -= 1
        return result

    async def _until_waiting(self, result: dict, limit: float = 120) -> None:
        """Hold the warm-up slot until the kernel has run its imports and waits for its request."""
        from voila.request_info_handler import RequestInfoSocketHandler

        deadline = time.monotonic() + limit
        kernel_id, task = result["kernel_id"], result["task"]
        while time.monotonic() < deadline and not task.done():
            if kernel_id in RequestInfoSocketHandler._waiters:
                return
            await asyncio.sleep(0.1)
