"""A tiny front-end helper: tells the kernel the page's real address and rewrites the address bar.

Rewriting the address bar (``history.replaceState``) puts a participant's personal link in it after they
join, so a reload, or a bookmark, brings them back as themselves without another form.
"""

from __future__ import annotations

import anywidget
import traitlets


class BrowserBridge(anywidget.AnyWidget):
    _esm = """
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
    }
    export default { render };
    """
    #: The page's address as the browser sees it (set by the front end once rendered).
    href = traitlets.Unicode("").tag(sync=True)
    #: A query string (``?a=b``) the browser should show in its address bar.
    query = traitlets.Unicode("").tag(sync=True)
    #: What this browser remembers (localStorage): the rooms it created, as JSON (read on render).
    stored = traitlets.Unicode("").tag(sync=True)
    #: Set by the kernel to write a new value into this browser's localStorage.
    store_value = traitlets.Unicode("").tag(sync=True)
    #: True once the front end has reported ``href`` and ``stored``.
    ready = traitlets.Bool(False).tag(sync=True)
