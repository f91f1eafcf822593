"""A live list of rows of text with buttons, drawn by the page as one widget (the consoles' walls).

A wall built of ipywidgets needs about a dozen widgets per row (the text, each button, their layouts and
styles, the boxes): each new participant's text opened them one by one, in the kernel and in the page, while a
busy room was changing several times a second. ``Rows`` is one widget whose state is the list of rows as plain
data; the page redraws only the rows whose data changed, and a click comes back as a message naming the row and
the action. The texts arrive as HTML that the caller has escaped (``text.esc``); the page inserts it without
typesetting maths.
"""

from __future__ import annotations

from typing import Callable, NamedTuple, Sequence

import anywidget
import traitlets


class Action(NamedTuple):
    """A button on a row: what it does (``Rows.on``), its label, its Font Awesome icon and its tooltip."""

    action: str
    label: str
    icon: str = ""
    tip: str = ""


def row(key: str, html: str, actions: Sequence[Action] = (), cls: str = "",
        sub: Sequence[dict] = ()) -> dict:
    """One row: ``key`` names it (unique in the list), ``html`` is its escaped text, ``sub`` its indented lines
    (``row()`` dicts themselves, each with its own key and actions)."""
    out = {"key": str(key), "html": html, "actions": [list(a) for a in actions], "cls": cls}
    if sub:
        out["sub"] = list(sub)
    return out


class Rows(anywidget.AnyWidget):
    """``show(rows)`` draws the list (nothing is sent when it did not change); ``on(action, fn)`` calls
    ``fn(key)`` when a row's button for ``action`` is clicked."""

    _esm = """
    function button(model, key, [action, label, icon, tip]) {
      const b = document.createElement("button");
      b.className = "jupyter-button widget-button cl-rows-button";
      b.type = "button";
      if (tip) b.title = tip;
      if (icon) {
        const i = document.createElement("i");
        i.className = "fa fa-" + icon;
        b.append(i, " ");
      }
      b.append(label);
      b.addEventListener("click", () => model.send({ key, action }));
      return b;
    }
    function line(model, r, cls) {
      const box = document.createElement("div");
      box.className = cls;
      const text = document.createElement("div");
      text.className = "cl-rows-text";
      text.innerHTML = r.html;  // escaped by the kernel (text.esc)
      box.append(text, ...r.actions.map((a) => button(model, r.key, a)));
      return box;
    }
    function render({ model, el }) {
      el.classList.add("cl-rows");
      const drawn = new Map();
      const draw = () => {
        const keep = new Set();
        let before = el.firstChild;
        for (const r of model.get("rows")) {
          const sig = JSON.stringify(r);
          let item = drawn.get(r.key);
          if (!item || item.sig !== sig) {
            const node = document.createElement("div");
            node.className = ("cl-rows-row " + (r.cls || "")).trim();
            node.dataset.key = r.key;
            node.append(line(model, r, "cl-rows-line"), ...(r.sub || []).map((s) => line(model, s, "cl-rows-line cl-rows-sub")));
            if (item) {  // the row changed: its old element goes, the new one takes its place below
              if (item.node === before) before = before.nextSibling;
              item.node.remove();
            }
            item = { sig, node };
            drawn.set(r.key, item);
          }
          keep.add(r.key);
          if (item.node !== before) el.insertBefore(item.node, before);
          before = item.node.nextSibling;
        }
        for (const [key, item] of drawn) {
          if (!keep.has(key)) { item.node.remove(); drawn.delete(key); }
        }
      };
      model.on("change:rows", draw);
      draw();
      return () => model.off("change:rows", draw);
    }
    export default { render };
    """
    _css = """
    .cl-rows { display: flex; flex-direction: column; width: 100%; }
    .cl-rows-line { display: flex; flex-flow: row wrap; align-items: center; gap: 6px 10px; }
    .cl-rows-sub { padding-left: 1.5em; }
    .cl-rows-text { flex: 1 1 auto; min-width: 12em; overflow-wrap: anywhere; }
    """
    #: What the page draws: a list of ``row()`` dicts.
    rows = traitlets.List().tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._handlers: dict[str, Callable[[str], None]] = {}
        self.on_msg(self._received)

    def on(self, action: str, fn: Callable[[str], None]) -> None:
        self._handlers[action] = fn

    def show(self, rows: list[dict]) -> bool:
        """Show ``rows``; True when that changed what the page draws."""
        if rows == self.rows:
            return False
        self.rows = rows
        return True

    def actions_of(self, key: str) -> list[str]:
        """The actions the row (or indented line) ``key`` offers now; [] when it is not shown."""
        for r in self.rows:
            for line in (r, *r.get("sub", ())):
                if line["key"] == key:
                    return [a[0] for a in line["actions"]]
        return []

    def click(self, key: str, action: str) -> bool:
        """What a click on the page does: ``action`` on row ``key``, if that row still offers it (a click on a
        row that changed meanwhile, or a forged message, does nothing). True when it ran."""
        if action not in self.actions_of(str(key)) or action not in self._handlers:
            return False
        self._handlers[action](str(key))
        return True

    def _received(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and isinstance(content.get("key"), str) and isinstance(content.get("action"), str):
            self.click(content["key"], content["action"])
