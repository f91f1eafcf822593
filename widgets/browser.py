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
    }
    export default { render };
    """
    #: The page's address as the browser sees it (set by the front end once rendered).
    href = traitlets.Unicode("").tag(sync=True)
    #: A query string (``?a=b``) the browser should show in its address bar.
    query = traitlets.Unicode("").tag(sync=True)
