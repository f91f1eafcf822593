"""A live room, measured: N participant pages held open and answering as phones do, the console on screen.

Not a test: a benchmark the bench (``tests/bench.py``) calls, or run alone (``python -m tests.live_room --n 30
--minutes 2``). Browsers for N phones would cost more than the server they measure, so each participant's
page is played by this module, speaking to Voila as the page's own script (``frontend/src/index.js``) does:

* ``GET /voila/render/<notebook>?room=CODE&me=TOKEN``; the HTML ends once the kernel has built the app. The
  page's config (``<script id="jupyter-config-data">``) names the kernel (``"kernelId"``) and the widget
  view's ``<script>`` names the app's root model. The response sets an identity cookie
  (``username-<host>-<port>``), sent back on every later request, as a browser does;
* as soon as the kernel id has arrived, the kernel's websocket (``/api/kernels/<id>/channels?session_id=...``,
  with the page's ``Origin``) offering the ``v1.kernel.websocket.jupyter.org`` subprotocol, which
  ``@jupyterlab/services`` offers and jupyter_server selects (binary frames: the server passes the kernel's
  messages on without decoding their content or encoding them again as JSON text, the legacy protocol's cost,
  which a client offering no subprotocol gets); a ``kernel_info_request`` first, as ``KernelConnection`` sends
  on connecting;
* once the HTML has ended, ipywidgets 8's control comm (``jupyter.widget.control``) and ``request_states``:
  one ``update_states`` reply holds every widget's state;
* the widgets a phone would use, found from the root model through ``children``: the page's
  ``BrowserBridge`` (told the page's address, then pinged every ``PING_SECONDS`` like a visible page), and on
  the ¿Sale más feliz? view (``cl-feliz``) each touchpoint's row (``cl-row``: two face scales, enter then
  leave, named by the touchpoint in ``context``, and the row's status line);
* an answer is a face picked: an ``update`` of the scale's ``value`` (as ``model.save_changes()`` sends); the
  row's status line updating ("✓ Guardado…", or an error) is the page confirming it;
* every frame the kernel sends is read as it arrives (a phone does not leave its socket unread); only the
  header and, for the few comms watched, the content are decoded;
* leaving, the page's ``pagehide`` beacon: ``POST /voila/api/shutdown/<kernel id>`` with an ``_xsrf`` field
  equal to an ``_xsrf`` cookie the page set itself (Tornado's double-submit check; Voila sets none).

The room is open on ¿Sale más feliz? with its results revealed. One of the N pages is a marker: instead of
rating it sends ideas (the "idea" step, its text box and its button, clicked with ``{"event": "click"}``), each
with a unique text, and the facilitator console (``facilitador.ipynb`` in headless Chromium, as in
``bench.live_latency``) is watched until that text is on its wall of ideas: from the click to the console's
screen. A page dedicated to feliz shows only a waiting card while the room is on another workshop, so the
sacred cows' wall cannot carry markers while feliz pages answer; the feliz wall can.

Measured while the room runs (``run_live_room``): pages opened; the join storm (``storm`` pages requested at
once, seconds until each is usable); answer to console; answer to "saved" on the phone; answers sent, and the
store compared with each participant's last answers (lost must be 0); the memory (PSS) of every process of the
server's tree and the CPU it used; swap.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import psutil
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClosedError, websocket_connect

from tests.bench import CHROMIUM_ARGS, Server, pct

#: The kernel websocket protocol the page's script speaks (and jupyter_server prefers).
PROTOCOL = "v1.kernel.websocket.jupyter.org"
#: How often a visible page tells its kernel it is looked at (``widgets.ui.browser.PING_SECONDS``).
PING_SECONDS = 10
FACES = (1, 2, 3, 4, 5)
#: In the command line of the process page kernels may be forked from (and of the kernels forked from it).
TEMPLATE_MARK = "widgets.serving.kernel_template"
#: Is the text on the console's wall of ideas? Only the wall's texts are read (see ``bench.ON_WALL``).
ON_IDEA_WALL = """t => [...document.querySelectorAll('.cl-wall .cl-wall-text')].some(el => el.textContent.includes(t))"""

_KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
_VIEW_MODEL = re.compile(r'"model_id":\s*"([0-9a-f]+)"')
_COMM_ID = re.compile(rb'"comm_id":\s*"([^"]+)"')
_MODEL_REF = "IPY_MODEL_"


# -- the kernel websocket, protocol v1 --------------------------------------------------------------
def frame(channel: str, parts: list[bytes]) -> bytes:
    """One message in the v1 protocol: the count of offsets, the offsets (8 bytes, little-endian), the
    channel's name, then the message's parts (header, parent header, metadata, content, buffers)."""
    name = channel.encode()
    offsets = [8 * (len(parts) + 3), 8 * (len(parts) + 3) + len(name)]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    return b"".join([len(offsets).to_bytes(8, "little"), *(o.to_bytes(8, "little") for o in offsets), name, *parts])


def unframe(data: bytes) -> tuple[str, list[bytes]]:
    """The channel and the parts of a v1 message (the inverse of :func:`frame`)."""
    count = int.from_bytes(data[:8], "little")
    offsets = [int.from_bytes(data[8 * (i + 1):8 * (i + 2)], "little") for i in range(count)]
    channel = data[offsets[0]:offsets[1]].decode()
    return channel, [data[offsets[i]:offsets[i + 1]] for i in range(1, count - 1)]


def _pack(obj) -> bytes:
    return json.dumps(obj).encode()


def cpu_seconds(procs) -> dict[tuple, float]:
    """User + system CPU seconds of each process, by (pid, start time): a pid reused is another process."""
    out = {}
    for p in procs:
        try:
            times = p.cpu_times()
            out[(p.pid, p.create_time())] = times.user + times.system
        except psutil.Error:
            pass
    return out


class PageClient:
    """One participant's page, held open as the phone's browser holds it (see the module's docstring).

    ``open()`` loads it; then ``answer()`` picks a face, ``ping()`` says the page is looked at, and for the
    marker ``open_idea_form()`` and ``post_idea()``. What the page has seen is counted as it arrives."""

    def __init__(self, base: str, notebook: str, room_code: str, join: Callable[[], tuple[int, str]],
                 touchpoints: dict[str, str]):
        """``join()`` makes the participant (``(participant id, token)``) when the page is first opened: the room
        counts people in as they arrive, and the server plans its ready pages from those still expected."""
        self.base = base
        self.page_url = f"{base}/voila/render/{notebook}?room={room_code}"
        self.join = join
        self.url = ""
        self.participant_id = 0
        #: Touchpoint id by its name (the scales name their touchpoint in ``context``).
        self.touchpoints = touchpoints
        self.session = uuid.uuid4().hex
        self.cookies: dict[str, str] = {}
        self.kernel_id = ""
        self.root = ""
        self.ws = None
        self.states: dict[str, dict] = {}
        #: Seconds from the request to the end of the HTML, and to every widget's state received (usable).
        self.html_s: float | None = None
        self.usable_s: float | None = None
        self.error = ""
        #: What the page was doing (said with an error): "html", "websocket", "widget states", "controls".
        self.stage = ""
        self.closed = False
        self.frames = 0
        self.bytes = 0
        #: What to do with a message on a comm: comm id -> fn(data), or fn(None) when the kernel closes it; only
        #: these comms' messages are decoded.
        self._watched: dict[str, Callable[[dict | None], object]] = {}
        #: The kernel's last words on stderr (``No such comm target registered``...), said with an error.
        self.stderr = ""
        self._kernel_info: asyncio.Future | None = None
        # the feliz view's controls
        self.bridge = self.steps = self.body = ""
        self.scales: list[tuple[str, str, str]] = []  # (touchpoint id, "enter" | "leave", model id)
        self.status: dict[str, str] = {}  # touchpoint id -> its status line's model id
        self.values: dict[str, dict] = {}  # touchpoint id -> {"enter": ..., "leave": ...} as last sent
        self.idea_text = self.idea_button = ""
        self.idea = ""
        # answers: a rating is confirmed by its row's status line, an idea by the console showing it
        self.sent = 0
        self.confirmed = 0
        self.refused = 0
        self.saved_s: list[float] = []
        self._pending: dict[str, float] = {}  # status line's model id -> when its answer was sent

    # -- opening -------------------------------------------------------------------------------------
    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _on_header(self, line: str) -> None:
        if line.lower().startswith("set-cookie:"):
            name, _, value = line.split(":", 1)[1].strip().split(";", 1)[0].partition("=")
            self.cookies[name] = value

    async def open(self, http: AsyncHTTPClient, timeout: float) -> bool:
        """Load the page as its browser does; True once it is usable (its widgets' states arrived)."""
        if not self.url:
            self.participant_id, token = self.join()
            self.url = f"{self.page_url}&me={token}"
        t0 = time.monotonic()
        chunks: list[bytes] = []
        connecting: asyncio.Task | None = None

        def on_chunk(chunk: bytes) -> None:
            nonlocal connecting
            chunks.append(chunk)
            if connecting is None:
                found = _KERNEL_ID.search(b"".join(chunks).decode(errors="replace"))
                if found:  # the page's script runs from here: it connects while the kernel builds the app
                    self.kernel_id = found.group(1)
                    connecting = asyncio.ensure_future(self._connect(timeout))

        try:
            self.stage = "html"
            await http.fetch(HTTPRequest(self.url, request_timeout=timeout, header_callback=self._on_header,
                                         streaming_callback=on_chunk))
            self.html_s = time.monotonic() - t0
            html = b"".join(chunks).decode(errors="replace")
            roots = _VIEW_MODEL.findall(html)
            if connecting is None or not roots:
                raise RuntimeError("no kernel id or widget in the page")
            self.root = roots[0]
            self.stage = "websocket"
            await connecting
            self.stage = "widget states"
            self.states = await self._request_states(timeout)
            self.usable_s = time.monotonic() - t0
            self.stage = "controls"
            self._find_controls()
            self._greet()
            return True
        except Exception as exc:  # counted as a page that did not open, with its reason
            self.error = f"{self.stage}: {type(exc).__name__}: {exc}"[:300]
            if connecting is not None and not connecting.done():
                connecting.cancel()
            self.close()
            return False

    async def _connect(self, timeout: float) -> None:
        host = self.base.split("://", 1)[1]
        request = HTTPRequest(f"ws://{host}/api/kernels/{self.kernel_id}/channels?session_id={self.session}",
                              headers={"Cookie": self._cookie_header(), "Origin": self.base},
                              connect_timeout=timeout, request_timeout=timeout)
        self.ws = await websocket_connect(request, on_message_callback=self._on_message, subprotocols=[PROTOCOL],
                                          max_message_size=256 * 2**20)
        if self.ws.selected_subprotocol != PROTOCOL:
            raise RuntimeError(f"the server did not select {PROTOCOL}")
        self._kernel_info = asyncio.get_running_loop().create_future()
        self._send("shell", "kernel_info_request", {})
        await asyncio.wait_for(self._kernel_info, timeout)

    async def _request_states(self, timeout: float) -> dict:
        """ipywidgets 8's front end: open the control comm, ask for every state, close the comm."""
        control = uuid.uuid4().hex
        reply = asyncio.get_running_loop().create_future()
        self._watched[control] = lambda data: reply.done() or (
            reply.set_result(data) if data is not None
            else reply.set_exception(RuntimeError(f"the kernel closed the control comm: {self.stderr.strip()}")))
        self._send("shell", "comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
                   {"version": "1.0.0"})
        self._send("shell", "comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        data = await asyncio.wait_for(reply, timeout)
        del self._watched[control]
        self._send("shell", "comm_close", {"comm_id": control, "data": {}})
        return data["states"]

    def _tree(self, model_id: str):
        """(model id, state) of ``model_id`` and every widget under it, depth first, in the page's order."""
        stack = [model_id]
        while stack:
            found = stack.pop()
            state = self.states.get(found, {}).get("state", {})
            yield found, state
            stack.extend(ref[len(_MODEL_REF):] for ref in reversed(state.get("children", [])))

    @staticmethod
    def _classes(state: dict) -> list:
        return state.get("_dom_classes", [])

    def _child(self, state: dict, index: int) -> str:
        return state["children"][index][len(_MODEL_REF):]

    def _find_controls(self) -> None:
        """The bridge, the steps, and each touchpoint's two scales and status line, as the page shows them."""
        feliz = ""
        for model_id, state in self._tree(self.root):
            if "href" in state and "ready" in state and not self.bridge:
                self.bridge = model_id
            if "cl-feliz" in self._classes(state) and not feliz:
                feliz = model_id
        if not feliz:
            raise RuntimeError("no ¿Sale más feliz? view on the page")
        for model_id, state in self._tree(feliz):
            classes = self._classes(state)
            if "cl-steps" in classes:
                self.steps = model_id
            elif "cl-row" in classes:
                scales = self.states[self._child(state, 1)]["state"]["children"]
                status = self._child(state, 2)
                for side, ref in zip(("enter", "leave"), scales):
                    scale = ref[len(_MODEL_REF):]
                    tp_id = self.touchpoints[self.states[scale]["state"]["context"]]
                    self.scales.append((tp_id, side, scale))
                    self.values.setdefault(tp_id, {})[side] = self.states[scale]["state"]["value"]
                self.status[tp_id] = status
                self._watched[status] = lambda data, status=status: self._on_status(status, data)
        self.body = next(c[len(_MODEL_REF):] for c in self.states[feliz]["state"]["children"]
                         if self.states[c[len(_MODEL_REF):]]["model_name"] == "VBoxModel")
        if not (self.bridge and self.steps and self.scales):
            raise RuntimeError("the page lacks its bridge, steps or scales")

    def forget_states(self) -> None:
        """Drop the widgets' states once the controls are found (about a megabyte a page in this process)."""
        self.states = {}

    def _greet(self) -> None:
        """What the bridge's front end does when drawn: report the page's address, then that it is ready."""
        self.update(self.bridge, {"href": self.url})
        self.update(self.bridge, {"stored": "", "ready": True})

    # -- messages ------------------------------------------------------------------------------------
    def _send(self, channel: str, msg_type: str, content: dict, metadata: dict | None = None) -> None:
        header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": self.session, "username": "",
                  "date": datetime.now(timezone.utc).isoformat(), "version": "5.2"}
        if self.ws is None or self.closed:
            raise WebSocketClosedError()
        self.ws.write_message(frame(channel, [_pack(header), b"{}", _pack(metadata or {}), _pack(content)]),
                              binary=True)

    def _comm(self, comm_id: str, data: dict) -> None:
        self._send("shell", "comm_msg", {"comm_id": comm_id, "data": data})

    def update(self, model_id: str, state: dict) -> None:
        """A change made on the page (``model.save_changes()``)."""
        self._comm(model_id, {"method": "update", "state": state, "buffer_paths": []})

    def click(self, model_id: str) -> None:
        self._comm(model_id, {"method": "custom", "content": {"event": "click"}})

    def ping(self) -> None:
        """The bridge's sign of life, sent every ``PING_SECONDS`` by a visible page."""
        if not self.closed:
            self._comm(self.bridge, {"method": "custom", "content": {"alive": 1}})

    def _on_message(self, data: bytes | None) -> None:
        """Every frame the kernel sends: counted; a reply or a watched comm's message is decoded."""
        if data is None:
            self.closed = True
            return
        self.frames += 1
        self.bytes += len(data)
        try:
            channel, parts = unframe(data)
            msg_type = json.loads(parts[0])["msg_type"]
            if msg_type == "kernel_info_reply" and self._kernel_info and not self._kernel_info.done():
                self._kernel_info.set_result(None)
            elif msg_type in ("comm_msg", "comm_close") and self._watched:
                content = parts[3]
                found = _COMM_ID.search(content, max(0, content.rfind(b'"comm_id"')))
                handle = found and self._watched.get(found.group(1).decode())
                if handle:
                    handle(json.loads(content)["data"] if msg_type == "comm_msg" else None)
            elif msg_type == "stream" and channel == "iopub":
                content = json.loads(parts[3])
                if content.get("name") == "stderr":
                    self.stderr = content.get("text", "")[-300:]
        except Exception as exc:  # a frame this client cannot read: said in the results
            self.error = self.error or f"reading a frame: {type(exc).__name__}: {exc}"[:300]

    # -- answering -----------------------------------------------------------------------------------
    def answer(self, rng: random.Random) -> None:
        """Pick another face on a touchpoint whose last answer is confirmed (none free: no answer this time)."""
        free = [s for s in self.scales if self.status[s[0]] not in self._pending]
        if not free or self.closed:
            return
        tp_id, side, scale = rng.choice(free)
        value = rng.choice([v for v in FACES if v != self.values[tp_id].get(side)])
        self.update(scale, {"value": value})
        self.values[tp_id][side] = value
        self._pending[self.status[tp_id]] = time.monotonic()
        self.sent += 1

    def _on_status(self, status: str, data: dict | None) -> None:
        """A row's status line changed: the answer was saved, or refused (an error in the line)."""
        value = (data or {}).get("state", {}).get("value")
        sent = self._pending.pop(status, None)
        if value is None or sent is None:
            return
        if "cl-error" in value:
            self.refused += 1
        else:
            self.confirmed += 1
            self.saved_s.append(time.monotonic() - sent)

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def open_idea_form(self, timeout: float = 60) -> None:
        """Go to the "idea" step, and wait for the page to show its form (the body's new children)."""
        shown = asyncio.get_running_loop().create_future()

        def on_body(data: dict | None) -> None:
            children = (data or {}).get("state", {}).get("children")
            if children is not None and not shown.done():
                shown.set_result(children)

        self._watched[self.body] = on_body
        self.update(self.steps, {"value": "idea"})
        children = await asyncio.wait_for(shown, timeout)
        del self._watched[self.body]
        for ref in children:
            for model_id, state in self._tree(ref[len(_MODEL_REF):]):
                name = self.states[model_id]["model_name"]
                if name == "TextareaModel":
                    self.idea_text = model_id
                elif name == "ButtonModel" and state.get("icon") == "paper-plane":
                    self.idea_button = model_id
        if not (self.idea_text and self.idea_button):
            raise RuntimeError("the idea step has no text box and button")

    def post_idea(self, text: str) -> None:
        """Type ``text`` (pasted: one change) and press the send button."""
        self.update(self.idea_text, {"value": text})
        self.click(self.idea_button)
        self.idea = text
        self.sent += 1

    # -- closing -------------------------------------------------------------------------------------
    def close(self) -> None:
        if self.ws is not None and not self.closed:
            self.ws.close()
        self.closed = True

    async def leave(self, http: AsyncHTTPClient) -> None:
        """Close as the page does on ``pagehide``: the shutdown beacon (its own ``_xsrf``), then the socket."""
        if self.kernel_id and not self.closed:
            token = uuid.uuid4().hex
            cookies = self._cookie_header() + f"; _xsrf={token}"
            try:
                await http.fetch(HTTPRequest(f"{self.base}/voila/api/shutdown/{self.kernel_id}", method="POST",
                                             body=f"_xsrf={token}", headers={"Cookie": cookies},
                                             request_timeout=30))
            except (HTTPClientError, OSError):
                pass  # the server shuts the kernel down anyway (culler, or its stop)
        self.close()


# -- the server's processes ---------------------------------------------------------------------------
class TreeSampler:
    """Memory and CPU of the Voila server's process tree, sampled every ``every`` seconds in a thread.

    Processes are told apart by their place in the tree, not by their command lines (a kernel forked from the
    template keeps the template's): the server; the template kernels may be forked from (the topmost process
    with ``TEMPLATE_MARK`` in its command line); and every other descendant a page kernel (a child of the server
    or of the template), together with its own children. PSS (proportional set size) splits
    the memory pages share (a forked kernel's, libraries') between them, so the sum is what the tree takes.
    Reading a process's PSS walks its page tables (about 6 ms of system time per 110 MB kernel): hundreds of
    kernels are sampled at most every few tens of seconds, in this thread, not on the pages' event loop.

    CPU: between ``begin()`` and ``end()``, the user + system time of every process of the tree (a process
    started meanwhile counts from zero, one that ended counts until it was last seen)."""

    def __init__(self, server_pid: int, every: float, low_memory_mb: float = 1024):
        self.server_pid, self.every, self.low_memory_mb = server_pid, every, low_memory_mb
        self.low_memory = ""
        self.samples: list[dict] = []
        self.in_window = False
        self.sampler_cpu_s = 0.0
        self._cpu_start: dict[tuple, float] = {}
        self._cpu_last: dict[tuple, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-sampler", daemon=True)
        self.swap_start = psutil.swap_memory().used
        self.swap_max = self.swap_start

    def _tree(self) -> list[psutil.Process]:
        server = psutil.Process(self.server_pid)
        return [server, *server.children(recursive=True)]

    async def until_calm(self, limit: float, cores: float = 0.25, window: float = 5.0, times: int = 2) -> float:
        """Wait until the tree used less than ``cores`` of a core in ``times`` windows of ``window`` seconds in a
        row (its kernel pools filled: refills pause a few seconds after each page handed out, so one quiet
        window is not enough), at most ``limit`` seconds; returns the seconds waited. A room measured on a
        server still warming its pools would measure the warming."""
        t0 = time.monotonic()
        calm = 0
        before = cpu_seconds(self._tree())
        while calm < times and time.monotonic() - t0 < limit:
            await asyncio.sleep(window)
            after = cpu_seconds(self._tree())
            used = sum(total - before.get(key, 0.0) for key, total in after.items())
            calm = calm + 1 if used / window < cores else 0
            before = after
        return round(time.monotonic() - t0, 1)

    def pids(self) -> set[int]:
        try:
            return {p.pid for p in self._tree()}
        except psutil.Error:
            return set()

    def _groups(self, procs) -> tuple[dict[int, str], dict[int, int]]:
        """The server's and the template's roles by pid, and the page kernel every other process belongs to:
        itself when its parent is the server or the template, else the kernel its parent belongs to. Kernels
        forked from the template keep its command line: the template is the one whose parent lacks it."""
        parent, marked = {}, set()
        for p in procs:
            try:
                parent[p.pid] = p.ppid()
                if p.pid != self.server_pid and TEMPLATE_MARK in " ".join(p.cmdline()):
                    marked.add(p.pid)
            except psutil.Error:
                pass
        role = {self.server_pid: "server", **{pid: "template" for pid in marked if parent[pid] not in marked}}
        owner = {}
        for pid in parent:
            if pid in role:
                continue
            top = pid
            while parent[top] in parent and parent[top] not in role:
                top = parent[top]
            owner[pid] = top
        return role, owner

    def sample(self) -> None:
        """One reading of the tree: PSS per role and per kernel, CPU, swap, free memory."""
        try:
            procs = self._tree()
        except psutil.Error:
            return
        role, owner = self._groups(procs)
        kernels: dict[int, float] = {}
        server = template = 0.0
        for p in procs:
            try:
                pss = p.memory_full_info().pss / 2**20
            except psutil.Error:
                continue
            if role.get(p.pid) == "server":
                server += pss
            elif role.get(p.pid) == "template":
                template += pss
            elif p.pid in owner:
                kernels[owner[p.pid]] = kernels.get(owner[p.pid], 0.0) + pss
        cpu = cpu_seconds(procs)
        swap = psutil.swap_memory().used
        available_mb = psutil.virtual_memory().available / 2**20
        with self._lock:
            self.swap_max = max(self.swap_max, swap)
            if self.in_window:
                self._cpu_last.update(cpu)
                self.samples.append({"kernels": sorted(kernels.values()), "server": server, "template": template,
                                     "total": server + template + sum(kernels.values())})
        if available_mb < self.low_memory_mb:
            self.low_memory = f"only {available_mb:.0f} MB of memory left (stopping below {self.low_memory_mb:.0f})"

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()
        self.sampler_cpu_s = time.thread_time()

    def start(self) -> "TreeSampler":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(60)

    def begin(self) -> None:
        """Start the measured window (CPU counts from here; samples are kept from here)."""
        cpu = cpu_seconds(self._tree())
        with self._lock:
            self._cpu_start, self._cpu_last = cpu, dict(cpu)
            self.in_window = True
            self.swap_start = psutil.swap_memory().used
            self.swap_max = self.swap_start

    def end(self) -> float:
        """End the window with a last sample; the CPU seconds the tree used in it."""
        self.sample()
        with self._lock:
            self.in_window = False
            return sum(total - self._cpu_start.get(key, 0.0) for key, total in self._cpu_last.items())

    def memory(self) -> dict:
        """PSS per page kernel (median of the last sample, max over the window), the tree's total (last and
        peak), the template's and the server's, in MB."""
        with self._lock:
            samples = list(self.samples)
        if not samples:
            return {}
        last = samples[-1]
        everyone = [k for s in samples for k in s["kernels"]]
        return {"kernels": len(last["kernels"]),
                "pss_page_median_mb": round(statistics.median(last["kernels"]), 1) if last["kernels"] else None,
                "pss_page_max_mb": round(max(everyone), 1) if everyone else None,
                "pss_total_mb": round(last["total"]), "pss_total_peak_mb": round(max(s["total"] for s in samples)),
                "pss_template_mb": round(last["template"], 1), "pss_server_mb": round(last["server"], 1)}


# -- the room -----------------------------------------------------------------------------------------
def _stats(values: list[float], prefix: str) -> dict:
    ok = [v for v in values if v is not None and v != float("inf")]
    return {f"{prefix}_p50_s": round(pct(ok, 50), 3), f"{prefix}_p95_s": round(pct(ok, 95), 3),
            f"{prefix}_max_s": round(max(ok), 3) if ok else float("nan")}


async def join_storm(pages: list[PageClient], http: AsyncHTTPClient, timeout: float) -> dict:
    """Open ``pages`` all at once (each: the HTML, the websocket, every widget's state) and report how long
    each took to be usable: the moment a room's people scan the code together."""
    t0 = time.monotonic()
    opened = await asyncio.gather(*(page.open(http, timeout) for page in pages))
    return {"storm_n": len(pages), "storm_ok": sum(opened), **_stats([p.usable_s for p in pages], "storm"),
            "storm_wall_s": round(time.monotonic() - t0, 1)}


async def _arrive(pages: list[PageClient], http: AsyncHTTPClient, at_once: int, timeout: float,
                  sampler: TreeSampler) -> None:
    """Open ``pages``, ``at_once`` at a time (people arriving through the first minutes)."""
    gate = asyncio.Semaphore(at_once)

    async def one(page: PageClient) -> None:
        async with gate:
            if sampler.low_memory:
                raise RuntimeError(sampler.low_memory)
            await page.open(http, timeout)

    await asyncio.gather(*(one(p) for p in pages))


async def _keep_alive(pages: list[PageClient]) -> None:
    """Each open page's ping, every ``PING_SECONDS`` from the moment it is usable (as its script's timer)."""
    due: dict[int, float] = {}
    while True:
        await asyncio.sleep(0.5)
        now = time.monotonic()
        for p in pages:
            if p.usable_s is None or p.closed:
                continue
            if due.setdefault(id(p), now + PING_SECONDS) <= now:
                due[id(p)] += PING_SECONDS
                try:
                    p.ping()
                except WebSocketClosedError:
                    p.closed = True


async def _answer(pages: list[PageClient], end: float, pace: tuple[float, float], rng: random.Random) -> None:
    """Each page picks a face every ``pace`` seconds (uniform, jittered), the first within one period."""
    due = {id(p): time.monotonic() + rng.uniform(0, pace[1]) for p in pages}
    while time.monotonic() < end:
        await asyncio.sleep(0.2)
        now = time.monotonic()
        for p in pages:
            if due[id(p)] <= now and not p.closed:
                try:
                    p.answer(rng)
                except WebSocketClosedError:
                    p.closed = True
                due[id(p)] = now + rng.uniform(*pace)


async def _markers(console, marker: PageClient, end: float, every: float, limit: float = 30) -> list[float]:
    """One idea at a time from the marker page, timed from its click to its text on the console's wall."""
    latencies = []
    i = 0
    while time.monotonic() + limit < end:
        text = f"Marca {i} {uuid.uuid4().hex[:6]}"
        i += 1
        seen = asyncio.ensure_future(console.wait_for_function(ON_IDEA_WALL, arg=text, polling="raf",
                                                               timeout=limit * 1000))
        t0 = time.monotonic()
        try:
            marker.post_idea(text)
        except WebSocketClosedError:  # the marker's page was dropped: no more markers
            seen.cancel()
            break
        try:
            await seen
            latencies.append(time.monotonic() - t0)
            marker.confirmed += 1
        except Exception:  # not on the console within ``limit``: counted as never
            latencies.append(float("inf"))
        await asyncio.sleep(max(0.0, every - (time.monotonic() - t0)))
    return latencies


def _lost(store, room_id: int, pages: list[PageClient]) -> dict:
    """The store against what the pages sent: every participant's last answer to each touchpoint (an answer
    replaces the one before) and the marker's last idea must be stored as sent."""
    from widgets.workshops.feliz import model as feliz

    expected = {}
    for p in pages:
        for tp_id, value in p.values.items():
            if value.get("enter") is not None or value.get("leave") is not None:
                expected[(p.participant_id, tp_id)] = {"enter": value.get("enter"), "leave": value.get("leave")}
        if p.idea:
            expected[(p.participant_id, feliz.IDEA_ITEM)] = {"text": p.idea}
    rows = store.responses(room_id, feliz.EXERCISE)
    stored = {(int(r.participant_id), r.item): r.value for r in rows.itertuples(index=False)}
    kept = sum(1 for key, value in expected.items() if stored.get(key) == value)
    return {"answers_final": len(expected), "answers_stored": kept, "answers_lost": len(expected) - kept}


async def live_room(server: Server, store, n: int, minutes: float, *, notebook: str = "01_sale_mas_feliz.ipynb",
                    storm: int | None = None, pace: tuple[float, float] = (15.0, 25.0), marker_every: float = 10.0,
                    page_mb: float = 120.0, sample_every: float = 20.0, arrivals_at_once: int = 4,
                    page_timeout: float = 600.0, seed: int = 1, before_storm: Callable[[], object] | None = None) -> dict:
    """The room of :func:`run_live_room`, on the running event loop."""
    from playwright.async_api import async_playwright

    from widgets.kits import model as kits

    needed_mb = (n + 2) * page_mb  # the pages, the console and a spare
    available_mb = psutil.virtual_memory().available / 2**20
    if available_mb < needed_mb:
        raise RuntimeError(f"not enough free memory for {n} pages: {available_mb:.0f} MB available, "
                           f"{needed_mb:.0f} MB needed at {page_mb:.0f} MB a page")
    rng = random.Random(seed)
    room, key = store.create_room(f"Sala en vivo {n}", "hotel", "es", expected_size=n)
    store.update_room_state(room.id, phase="feliz", workshops={"feliz": {"revealed": True}})
    touchpoints = {tp.name: tp.id for tp in kits.of_room(store, room).touchpoints(room.lang)}

    def joiner(i: int) -> Callable[[], tuple[int, str]]:
        def join() -> tuple[int, str]:
            person, token = store.join(room, f"Persona {i}", f"Equipo {i % 8}")
            return person.id, token
        return join

    pages = [PageClient(server.base, notebook, room.code, joiner(i), touchpoints) for i in range(n)]
    marker = pages[-1]
    http = AsyncHTTPClient(force_instance=True, max_clients=n + 10)
    sampler = TreeSampler(server.proc.pid, sample_every).start()
    client = psutil.Process()
    tasks: list[asyncio.Task] = []
    result: dict = {"n": n, "notebook": notebook, "minutes": minutes}
    finished = False
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                               args=CHROMIUM_ARGS)
            console = await browser.new_page(viewport={"width": 1400, "height": 1000})
            for attempt in (1, 2):  # a facilitator reloads a console that did not show its results
                await console.goto(f"{server.base}/voila/render/facilitador.ipynb?room={room.code}&key={key}")
                try:
                    await console.locator(".cl-console .cl-wall").first.wait_for(state="visible", timeout=180_000)
                    result["console_loads"] = attempt
                    break
                except Exception as exc:
                    state = await console.evaluate("() => document.body.dataset.clState")
                    if attempt == 2:
                        raise RuntimeError(f"the console showed no wall of ideas in 180 s (its page: {state})") from exc
            if before_storm is not None:  # e.g. the server's ready pages for the room, planned from its size
                result["before_storm"] = await asyncio.get_running_loop().run_in_executor(None, before_storm)
            result["calm_s"] = await sampler.until_calm(limit=300)

            tasks.append(asyncio.ensure_future(_keep_alive(pages)))
            t0 = time.monotonic()
            result.update(await join_storm(pages[:storm if storm is not None else max(1, n // 3)], http,
                                           page_timeout))
            print(f"live room: storm {result}", file=sys.stderr, flush=True)
            await _arrive([p for p in pages if p.usable_s is None and not p.error], http, arrivals_at_once,
                          page_timeout, sampler)
            result["open_all_s"] = round(time.monotonic() - t0, 1)
            ok = [p for p in pages if p.usable_s is not None]
            result.update({"pages_ok": len(ok), "pages_requested": n, **_stats([p.html_s for p in ok], "page_html"),
                           **_stats([p.usable_s for p in ok], "page_usable")})
            failures = sorted({p.error for p in pages if p.error})
            if failures:
                result["page_errors"] = failures[:5]
            if marker not in ok:
                raise RuntimeError(f"the marker's page did not open: {marker.error}")
            await marker.open_idea_form()
            for p in ok:
                p.forget_states()
            print(f"live room: {len(ok)}/{n} pages open after {result['open_all_s']} s", file=sys.stderr,
                  flush=True)

            # the room runs
            await asyncio.get_running_loop().run_in_executor(None, sampler.begin)
            psutil.cpu_percent()  # the machine's CPU from here
            client0, frames0 = client.cpu_times(), sum(p.frames for p in ok)
            server_pids = sampler.pids()  # the caller may have started the server from this process
            browser0 = cpu_seconds(c for c in client.children(recursive=True) if c.pid not in server_pids)
            bytes0, start = sum(p.bytes for p in ok), time.monotonic()
            end = start + 60 * minutes
            answering = asyncio.ensure_future(_answer([p for p in ok if p is not marker], end, pace, rng))
            tasks.append(answering)
            latencies = await _markers(console, marker, end, marker_every)
            while time.monotonic() < end:
                if sampler.low_memory:
                    raise RuntimeError(sampler.low_memory)
                await asyncio.sleep(1)
            await answering
            settle = time.monotonic() + 30  # answers still on their way
            while any(p.pending for p in ok if not p.closed) and time.monotonic() < settle:
                await asyncio.sleep(0.5)
            wall = time.monotonic() - start
            machine_pct, client1 = psutil.cpu_percent(), client.cpu_times()
            server_pids |= sampler.pids()
            browser1 = cpu_seconds(c for c in client.children(recursive=True) if c.pid not in server_pids)
            tree_cpu = await asyncio.get_running_loop().run_in_executor(None, sampler.end)
            cores = psutil.cpu_count() or 1
            result.update({
                "markers": len(latencies), "markers_missed": sum(1 for x in latencies if x == float("inf")),
                **_stats(latencies, "console"),
                **_stats([s for p in ok for s in p.saved_s], "saved"),
                "answers_sent": sum(p.sent for p in ok), "answers_confirmed": sum(p.confirmed for p in ok),
                "answers_refused": sum(p.refused for p in ok),
                "answers_unconfirmed": sum(p.sent - p.confirmed - p.refused for p in ok),
                **_lost(store, room.id, ok),
                "pages_dropped": sum(1 for p in ok if p.closed),
                "frames_per_s": round((sum(p.frames for p in ok) - frames0) / wall, 1),
                "kbytes_per_s": round((sum(p.bytes for p in ok) - bytes0) / wall / 1024, 1),
                **sampler.memory(),
                "cpu_tree_core_pct": round(100 * tree_cpu / wall, 1),
                "cpu_tree_machine_pct": round(100 * tree_cpu / wall / cores, 1),
                "cpu_machine_busy_pct": machine_pct,
                "cpu_client_core_pct": round(100 * ((client1.user + client1.system) - (client0.user + client0.system))
                                             / wall, 1),
                "cpu_console_browser_core_pct": round(100 * sum(t - browser0.get(k, 0.0) for k, t in browser1.items())
                                                      / wall, 1),
                "client_rss_mb": round(client.memory_info().rss / 2**20),
                "swap_growth_mb": round((sampler.swap_max - sampler.swap_start) / 2**20, 1),
                "run_s": round(wall, 1),
            })
            frame_errors = sorted({p.error for p in ok if p.error})
            if frame_errors:
                result["page_errors"] = result.get("page_errors", []) + frame_errors[:5]
            await browser.close()
            finished = True
    finally:
        for task in tasks:
            task.cancel()
        sampler.stop()
        result["sampler_cpu_s"] = round(sampler.sampler_cpu_s, 1)
        if finished:
            await asyncio.gather(*(p.leave(http) for p in pages))
        for p in pages:
            p.close()
        http.close()
    return result


def run_live_room(server: Server, store, n: int, minutes: float, *, notebook: str = "01_sale_mas_feliz.ipynb",
                  storm: int | None = None, pace: tuple[float, float] = (15.0, 25.0), marker_every: float = 10.0,
                  page_mb: float = 120.0, sample_every: float = 20.0, arrivals_at_once: int = 4,
                  page_timeout: float = 600.0, seed: int = 1, before_storm: Callable[[], object] | None = None) -> dict:
    """A live room of ``n`` participant pages on ``server`` for ``minutes``; returns every number measured.

    A new room in ``store`` (the server's database), open on ¿Sale más feliz? with its results revealed, and
    its console open in headless Chromium; ``before_storm`` (if given) is called and waited for then, its result
    kept as ``before_storm``. ``storm`` pages (default n/3) are requested at once (the join
    storm), the others ``arrivals_at_once`` at a time; each participant then picks a face every ``pace``
    seconds while the marker page posts an idea every ``marker_every`` seconds, timed to the console's wall.
    Refuses to start when the free memory does not hold ``n`` pages of ``page_mb``; stops when less than 1 GB
    is left. Every websocket is closed at the end, on an error or on Ctrl-C; the caller stops the server.

    Keys: calm_s (waited, the console open, for the server to settle); pages_ok / pages_requested; storm_n,
    storm_ok, storm_p50_s / p95 / max (request to usable); open_all_s; page_html_* and page_usable_* (every
    page); console_p50_s / p95 / max (an idea's click to its text on the console), markers, markers_missed;
    saved_* (a face picked to its row saying it is saved); answers_sent, answers_confirmed (a rating's row said
    saved, an idea was on the console), answers_refused, answers_unconfirmed, answers_final (the last answer of
    each participant and touchpoint, and the marker's last idea), answers_stored (of those, stored as sent),
    answers_lost; pages_dropped; frames_per_s and kbytes_per_s (from the kernels to all pages); kernels,
    pss_page_median_mb, pss_page_max_mb, pss_total_mb, pss_total_peak_mb, pss_template_mb, pss_server_mb;
    cpu_tree_core_pct (the server's tree, % of one core), cpu_tree_machine_pct, cpu_machine_busy_pct (everything:
    Chromium, this client and other work too), cpu_client_core_pct (this process: all pages, the sampler),
    cpu_console_browser_core_pct (Chromium and Playwright's driver), sampler_cpu_s; client_rss_mb; swap_growth_mb;
    run_s."""
    return asyncio.run(live_room(server, store, n, minutes, notebook=notebook, storm=storm, pace=pace,
                                 marker_every=marker_every, page_mb=page_mb, sample_every=sample_every,
                                 arrivals_at_once=arrivals_at_once, page_timeout=page_timeout, seed=seed,
                                 before_storm=before_storm))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=30, help="participant pages")
    parser.add_argument("--minutes", type=float, default=2, help="how long the room runs once every page is open")
    parser.add_argument("--storm", type=int, default=None, help="pages requested at once (default n/3)")
    parser.add_argument("--notebook", default="01_sale_mas_feliz.ipynb")
    parser.add_argument("--page-mb", type=float, default=120, help="memory planned per page, checked first")
    args = parser.parse_args(argv)
    from widgets.room.store import Store

    var = Path(tempfile.mkdtemp(prefix="live-room-"))
    store = Store(f"sqlite:///{var / 'clientelitis.sqlite3'}")
    server = Server("ours", var)
    print(f"live room: Voila on {server.base}, log {server.log_path}", file=sys.stderr, flush=True)
    try:
        result = run_live_room(server, store, args.n, args.minutes, storm=args.storm, notebook=args.notebook,
                               page_mb=args.page_mb)
    except KeyboardInterrupt:
        print("live room: interrupted", file=sys.stderr)
        return 130
    finally:
        server.stop()
        store.dispose()
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
