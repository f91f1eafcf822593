"""Ready pages: preheated kernels planned from the rooms people are about to join, refilled when calm.

A workshop starts with a join storm: 30-100 phones open the welcome page in the same minute. Voila keeps a pool
of kernels that have already run the page's imports and wait (``voila.utils.wait_for_request``) for a request
to hand them its URL; a page from the pool costs the server a tenth of a page started for its request (the
server's own work to start a kernel, connect it and run the notebook: about 0.14 s of its one core per page,
measured; see docs/bench-results.md), so a storm is served in about a second only if its pages are ready.

With page kernels forked from the kernel template (:mod:`widgets.serving.provisioner`) a ready page costs
about 40 MB and is made in a fraction of a second, so the pool is sized for the people the open rooms still
expect (``expected_size`` given when the room is created, minus those who joined, plus 10 % for reloads),
capped by memory. When the pool runs out, Voila starts a kernel for the request (forked too).

Pages handed out are replaced once the server is calm: no page asked for during :data:`QUIET_SECONDS` and
none of the pool's pages still being built. Replacing each at once made the storm's pages wait for the refills
competing for the same cores (measured: a storm of 30 on 30 ready pages, p95 4.6 s instead of 0.8 s).

Enabled by ``voila.json`` (``preheat_kernel`` + ``multi_kernel_manager_class``). Settings, all optional:
``CLIENTELITIS_POOL_MIN`` (ready pages kept for the welcome page when no room is expected, default 2),
``CLIENTELITIS_POOL_MAX`` (hard cap, default :data:`POOL_CAP`; never more than half the free memory holds),
``CLIENTELITIS_POOL_OTHERS`` (ready pages for each other notebook, default 1).
"""

from __future__ import annotations

import asyncio
import math
import os
import time
from typing import Iterable

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.ioloop import PeriodicCallback

from widgets.serving.provisioner import enabled as forking
from widgets.serving.server_log import pages_may_leave_while_connecting, quiet_closed_pages

#: The page every participant opens first (the QR code points here).
ENTRY_NOTEBOOK = "00_bienvenida.ipynb"
#: A room counts as "in use" when created or visited within this many seconds.
IN_USE_SECONDS = 12 * 3600
#: Seconds without a new page before the pages handed out are replaced.
QUIET_SECONDS = 2.0
#: Memory planned per waiting kernel, forked from the template or started as a process (measured lower).
FORKED_MB, PROCESS_MB = 50, 150
#: Ready pages the server keeps at most, whatever the rooms declare (``CLIENTELITIS_POOL_MAX`` changes it; never
#: more than half the free memory holds): a room of 100 arrives without waiting, and 50 rooms declaring 100
#: people each cannot make the server hold gigabytes of idle kernels.
POOL_CAP = 100


def room_for_many_pages(context) -> int:
    """Let the server hold the sockets of hundreds of pages; returns how many ZMQ sockets it may open.

    The server talks to each page's kernel over several ZMQ sockets, all in one context, and ZMQ allows 1,023
    per context: a live room of 300 (with its ready pages) hit "Too many open files" and pages lost their
    kernel's connection. The process's own limit of open files is raised to what the system allows (on Linux
    and macOS; macOS starts at 256)."""
    import zmq

    limit = 65536
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = hard if hard != resource.RLIM_INFINITY else limit
        if soft != resource.RLIM_INFINITY and soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        limit = min(limit, wanted)
    except (ImportError, ValueError, OSError):  # Windows, or a limit the system refuses to raise
        pass
    context.set(zmq.MAX_SOCKETS, limit)
    return limit


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, "") or default)
    except ValueError:
        return default


def memory_cap(available_bytes: int, kernel_mb: int, share: float = 0.5, ceiling: int = 1000) -> int:
    """How many waiting kernels fit in ``share`` of the free memory (at least 1, at most ``ceiling``)."""
    return max(1, min(ceiling, int(available_bytes * share // (kernel_mb * 2**20))))


def pool_cap(available_bytes: int, kernel_mb: int) -> int:
    """The most ready pages this server keeps: its own setting (``CLIENTELITIS_POOL_MAX``, default
    ``POOL_CAP``), and never more than half the free memory holds."""
    return min(_env_int("CLIENTELITIS_POOL_MAX", POOL_CAP), memory_cap(available_bytes, kernel_mb))


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
    """Voila wraps this class with its pooling logic; we plan the pool, refill it when calm and keep the log
    readable."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        quiet_closed_pages()  # the server's log: no traceback for updates to a page that has just left
        pages_may_leave_while_connecting()
        room_for_many_pages(self.context)  # before the context's first socket
        self.pool_min = _env_int("CLIENTELITIS_POOL_MIN", 2)
        self.pool_others = _env_int("CLIENTELITIS_POOL_OTHERS", 1)
        try:
            import psutil

            available = psutil.virtual_memory().available
        except Exception:  # pragma: no cover - psutil ships with ipykernel
            available = 4 * 2**30
        self.pool_max = pool_cap(available, FORKED_MB if forking() else PROCESS_MB)
        self.planned = self.pool_min
        self.last_page = 0.0
        self._building: set[asyncio.Future] = set()  # pool pages handed out, still being built
        self._to_refill: dict[str, dict] = {}  # notebook -> Voila's refill arguments
        self._store = None
        if not hasattr(self, "kernel_pools_config"):  # preheating is off: no pool
            return
        self.kernel_pools_config = self._pools_config(self.pool_min)
        # Voila's pooling subclass defines these; wrap them on the instance (its class is built on ours).
        self._voila_fill = self.fill_if_needed
        self.fill_if_needed = self._fill_when_calm
        self._voila_rendered = self.get_rendered_notebook
        self.get_rendered_notebook = self._handed_out
        self._planner = PeriodicCallback(self._plan_soon, 5000)
        self._planner.start()
        asyncio.get_event_loop().call_later(1, self._plan_soon)

    async def cull_kernel_if_idle(self, kernel_id):
        """The culler checks kernels from a list taken before it started; a page closed meanwhile has shut its
        kernel down already (jupyter_server then logs a KeyError with its traceback): nothing to cull."""
        if kernel_id not in self._kernels:
            return None
        return await super().cull_kernel_if_idle(kernel_id)

    # -- planning ---------------------------------------------------------------------------------------
    def _pools_config(self, entry_size: int) -> dict:
        return {"default": {"pool_size": self.pool_others}, ENTRY_NOTEBOOK: {"pool_size": entry_size}}

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
            self.fill_if_needed(notebook_name=ENTRY_NOTEBOOK)
        # A smaller plan is not refilled beyond; ready pages already there wait for the next people (shutting one
        # down ends the notebook cell it waits in, with an error and a traceback in the log).
        return size

    # -- refills when calm ------------------------------------------------------------------------------
    async def start_kernel(self, *args, **kwargs):
        if (kwargs.get("env") or {}).get("VOILA_PREHEAT") == "False":  # a page asked for while the pool was empty
            self.last_page = time.monotonic()
        return await super().start_kernel(*args, **kwargs)

    async def _handed_out(self, notebook_name: str, *args, **kwargs):
        self.last_page = time.monotonic()
        result = await self._voila_rendered(notebook_name, *args, **kwargs)
        render_task = result[0]  # done once the page's app is built
        self._building.add(render_task)
        render_task.add_done_callback(self._building.discard)
        return result

    def calm(self) -> bool:
        return not self._building and time.monotonic() - self.last_page >= QUIET_SECONDS

    def _fill_when_calm(self, delay=None, notebook_name=None, **kwargs) -> None:
        if delay is not None:  # Voila's first fill when the server starts: at once
            self._voila_fill(delay, notebook_name, **kwargs)
            return
        first = not self._to_refill
        self._to_refill[notebook_name] = kwargs
        if first:
            asyncio.get_event_loop().call_later(0.25, self._refill)

    def _refill(self) -> None:
        if not self.calm():
            asyncio.get_event_loop().call_later(0.25, self._refill)
            return
        waiting, self._to_refill = self._to_refill, {}
        for notebook, kwargs in waiting.items():
            self._voila_fill(0, notebook, **kwargs)
