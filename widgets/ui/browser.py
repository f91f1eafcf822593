"""A tiny front-end helper: tells the kernel the page's real address and rewrites the address bar.

Rewriting the address bar (``history.replaceState``) puts a participant's personal link in it after they
join, so a reload, or a bookmark, brings them back as themselves without another form.
"""

from __future__ import annotations

import time

import anywidget
import traitlets


#: How often an open, visible page tells its kernel it is being looked at.
PING_SECONDS = 10
#: After this long without a sign of life the page counts as closed or hidden: live updates pause, the
#: kernel goes idle, and Voila's culler shuts it down (voila.json: ``cull_idle_timeout``) unless it returns.
ABSENT_AFTER = 35


#: What a presenter's keys do (the front end maps the keys themselves).
PRESENTER_KEYS = ("next", "prev", "blank", "reveal", "timer")


class BrowserBridge(anywidget.AnyWidget):
    _esm = """
    const PING_MS = __PING_MS__;
    function render({ model, el }) {
      el.style.display = "none";
      model.set("href", window.location.href);
      model.save_changes();
      const apply = () => {
        const q = model.get("query");
        if (q) { window.history.replaceState(null, "", window.location.pathname + q); }
      };
      model.on("change:query", apply);
      apply();
      const KEY = "clientelitis.rooms";
      try { model.set("stored", window.localStorage.getItem(KEY) || ""); } catch (e) { model.set("stored", ""); }
      model.set("ready", true);
      model.save_changes();
      model.on("change:store_value", () => {
        try { window.localStorage.setItem(KEY, model.get("store_value")); } catch (e) {}
      });
      // A new view (the facilitator switched workshop, or the participant just joined): to its top, and the
      // keyboard and screen reader to its heading.
      model.on("change:top", () => {
        requestAnimationFrame(() => requestAnimationFrame(() => {
          window.scrollTo(0, 0);
          const heading = document.querySelector(".cl-body h2, .cl-body h1");
          if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
        }));
      });
      // A presenter's clicker sends these keys (Page Down / Page Up, or the arrows; B for a blank screen): the
      // console and the stage obey them, except while someone types in a field or moves in a radio group.
      const KEYS = { ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev",
                     b: "blank", B: "blank", ".": "blank", r: "reveal", R: "reveal", t: "timer", T: "timer" };
      const onKey = (e) => {
        if (!model.get("presenter") || e.altKey || e.ctrlKey || e.metaKey) return;
        // typing in a field, or arrows moving within a radio group (the console's results picker), is not a command
        const field = e.target.closest && e.target.closest("input, textarea, select, [contenteditable], [role=radiogroup]");
        const command = KEYS[e.key];
        if (!command || field) return;
        e.preventDefault();
        model.send({ key: command, at: performance.now() });
      };
      document.addEventListener("keydown", onKey);
      model.on("change:go", () => { if (model.get("go")) window.location.assign(model.get("go")); });
      // "Someone is looking at this page": lets the kernel go quiet (and be culled) once it is closed.
      const ping = () => { if (!document.hidden) { model.send({ alive: 1 }); } };
      const timer = setInterval(ping, PING_MS);
      document.addEventListener("visibilitychange", ping);
      return () => {
        clearInterval(timer);
        document.removeEventListener("visibilitychange", ping);
        document.removeEventListener("keydown", onKey);
      };
    }
    export default { render };
    """.replace("__PING_MS__", str(PING_SECONDS * 1000))
    #: The page's address as the browser sees it (set by the front end once rendered).
    href = traitlets.Unicode("").tag(sync=True)
    #: A query string (``?a=b``) the browser should show in its address bar.
    query = traitlets.Unicode("").tag(sync=True)
    #: What this browser remembers (localStorage): the rooms it created, as JSON (read on render).
    stored = traitlets.Unicode("").tag(sync=True)
    #: Set by the kernel to write a new value into this browser's localStorage.
    store_value = traitlets.Unicode("").tag(sync=True)
    #: Raised by one to bring the page to its top and its new view's heading into focus.
    top = traitlets.Int(0).tag(sync=True)
    #: Obey a presenter's keys (next, previous, blank, reveal, timer): ``on_key`` gets each command.
    presenter = traitlets.Bool(False).tag(sync=True)
    #: An address the browser goes to (set by the kernel: the stage's exit back to the console).
    go = traitlets.Unicode("").tag(sync=True)
    #: True once the front end has reported ``href`` and ``stored``.
    ready = traitlets.Bool(False).tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        #: When the front end last showed a sign of life (monotonic seconds); creation counts as one.
        self.last_alive = time.monotonic()
        #: Called with "next", "prev", "blank", "reveal" or "timer" when a presenter's key is pressed.
        self.on_key = None
        self.on_msg(self._on_front_message)
        self.observe(self._on_front_change, names=["href", "ready"])

    def _on_front_message(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict):
            return
        self.last_alive = time.monotonic()
        if content.get("key") in PRESENTER_KEYS and self.presenter and self.on_key is not None:
            self.on_key(content["key"])

    def _on_front_change(self, _change) -> None:
        self.last_alive = time.monotonic()

    def to_top(self) -> None:
        """Bring the page to its top and focus the heading of what it shows now."""
        self.top += 1

    def present(self, now: float | None = None) -> bool:
        """Is somebody looking at this page? False once pings stopped for ``ABSENT_AFTER`` seconds."""
        now = time.monotonic() if now is None else now
        return now - self.last_alive < ABSENT_AFTER
