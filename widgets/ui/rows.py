"""A live list of rows of text with buttons and choices, drawn by the page as one widget (walls, vote lists).

A list built of ipywidgets needs about a dozen widgets per row (the text, each button, their layouts and styles,
the boxes): each new participant's text opened them one by one, in the kernel and in the page, and a list
rebuilt on every change of a busy room closed and opened hundreds of them a second, until the page fell behind
("widget model not found") and stopped updating. ``Rows`` is one widget whose state is the rows on screen as
plain data; the page redraws only the rows whose data changed, and a click comes back as a message naming the
row and the action. The texts arrive as HTML that the caller has escaped (``text.esc``).

A row may carry buttons (``Action``) and choices (``Choice``: a 1-5 scale, say), drawn as a radio group: one
tab stop, arrow keys move, the checked state exposed to screen readers. Long lists are paged in the kernel
(``page_size``): the page holds one page of rows, so a list of 300 costs a phone what a list of 10 does.
"""

from __future__ import annotations

from typing import Callable, NamedTuple, Sequence

import anywidget
import traitlets


class Action(NamedTuple):
    """A button on a row: what it does (``Rows.on``), its label, its Font Awesome icon, its tooltip, and its
    accessible name when the label alone does not say what it does in context ("+" is "Votar por «Firma del
    gerente»")."""

    action: str
    label: str
    icon: str = ""
    tip: str = ""
    name: str = ""


class Choice(NamedTuple):
    """A choice on a row: a radio group named ``label`` (e.g. "Daño"), its options as ``(value, text, name)``
    (``name``: the option's accessible name in context), and the value chosen (None: none yet)."""

    group: str
    label: str
    options: Sequence[tuple]
    value: object = None


def row(key: str, html: str, actions: Sequence[Action] = (), cls: str = "",
        sub: Sequence[dict] = (), choices: Sequence[Choice] = ()) -> dict:
    """One row: ``key`` names it (unique in the list), ``html`` is its escaped text, ``sub`` its indented lines
    (``row()`` dicts themselves, each with its own key and actions)."""
    out = {"key": str(key), "html": html, "actions": [list(a) for a in actions], "cls": cls}
    if sub:
        out["sub"] = list(sub)
    if choices:
        out["choices"] = [{"group": c.group, "label": c.label, "options": [list(o) for o in c.options],
                           "value": c.value} for c in choices]
    return out


class Rows(anywidget.AnyWidget):
    """``show(rows)`` draws the list (nothing is sent when it did not change); ``on(action, fn)`` calls
    ``fn(key)`` when a row's button for ``action`` is clicked; ``on_choose(fn)`` calls ``fn(key, group, value)``
    when an option of a row's choice is picked."""

    _esm = """
    function button(model, key, [action, label, icon, tip, name]) {
      const b = document.createElement("button");
      b.className = "jupyter-button widget-button cl-rows-button";
      b.type = "button";
      if (tip || name) b.title = tip || name;
      if (name) b.setAttribute("aria-label", name);
      if (icon) {
        const i = document.createElement("i");
        i.className = "fa fa-" + icon;
        i.setAttribute("aria-hidden", "true");
        b.append(i, " ");
      }
      b.append(label);
      b.addEventListener("click", () => model.send({ key, action }));
      return b;
    }
    // A radio group: one tab stop (the checked option, or the first), arrows move and choose, as WAI-ARIA's
    // radio group pattern; the option chosen shows at once and the kernel confirms it with the next rows.
    function choice(model, key, c) {
      const group = document.createElement("div");
      group.className = "cl-rows-choice";
      group.setAttribute("role", "radiogroup");
      group.setAttribute("aria-label", c.label);
      const label = document.createElement("span");
      label.className = "cl-rows-choice-label";
      label.setAttribute("aria-hidden", "true");
      label.textContent = c.label;
      group.append(label);
      const radios = c.options.map(([value, text, name]) => {
        const r = document.createElement("button");
        r.type = "button";
        r.className = "cl-rows-option";
        r.setAttribute("role", "radio");
        r.setAttribute("aria-label", name || text);
        r.textContent = text;
        r.dataset.value = JSON.stringify(value);
        return r;
      });
      const pick = (r) => {
        for (const other of radios) {
          other.setAttribute("aria-checked", String(other === r));
          other.tabIndex = other === r ? 0 : -1;
        }
      };
      const chosen = radios.find((r) => r.dataset.value === JSON.stringify(c.value));
      pick(chosen);
      if (!chosen && radios.length) radios[0].tabIndex = 0;
      radios.forEach((r, i) => {
        r.addEventListener("click", () => {
          pick(r);
          model.send({ key, action: "choose", group: c.group, value: JSON.parse(r.dataset.value) });
        });
        r.addEventListener("keydown", (e) => {
          const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
          if (!step) return;
          e.preventDefault();
          const next = radios[(i + step + radios.length) % radios.length];
          next.focus();
          next.click();
        });
      });
      group.append(...radios);
      return group;
    }
    function line(model, r, cls) {
      const box = document.createElement("div");
      box.className = cls;
      const text = document.createElement("div");
      text.className = "cl-rows-text";
      text.innerHTML = r.html;  // escaped by the kernel (text.esc)
      box.append(text, ...r.actions.map((a) => button(model, r.key, a)));
      const choices = (r.choices || []).map((c) => choice(model, r.key, c));
      if (choices.length) {
        const row = document.createElement("div");
        row.className = "cl-rows-choices";
        row.append(...choices);
        box.append(row);
      }
      return box;
    }
    function pager(model, el) {
      const nav = document.createElement("nav");
      nav.className = "cl-rows-pager";
      const draw = () => {
        const labels = model.get("labels") || {};
        const size = model.get("page_size"), total = model.get("total"), page = model.get("page");
        const pages = size ? Math.max(1, Math.ceil(total / size)) : 1;
        nav.hidden = pages <= 1;
        nav.setAttribute("aria-label", labels.nav || "");
        nav.replaceChildren();
        const go = (to, text, icon) => {
          const b = document.createElement("button");
          b.type = "button";
          b.className = "jupyter-button widget-button cl-rows-button";
          b.disabled = to < 0 || to >= pages;
          const i = document.createElement("i");
          i.className = "fa fa-" + icon;
          i.setAttribute("aria-hidden", "true");
          b.append(i, " ", text);
          b.addEventListener("click", () => model.send({ action: "page", value: to }));
          return b;
        };
        const where = document.createElement("span");
        where.className = "cl-rows-where";
        where.textContent = (labels.where || "{page} / {pages}").replace("{page}", page + 1).replace("{pages}", pages)
          .replace("{total}", total);
        nav.append(go(page - 1, labels.prev || "", "chevron-left"), where, go(page + 1, labels.next || "", "chevron-right"));
      };
      model.on("change:page change:total change:page_size change:labels", draw);
      draw();
      return nav;
    }
    function render({ model, el }) {
      el.classList.add("cl-rows");
      const list = document.createElement("div");
      list.className = "cl-rows-list";
      el.append(list, pager(model, el));
      const drawn = new Map();
      const draw = () => {
        const keep = new Set();
        let before = list.firstChild;
        for (const r of model.get("rows")) {
          const sig = JSON.stringify(r);
          let item = drawn.get(r.key);
          if (!item || item.sig !== sig) {
            const node = document.createElement("div");
            node.className = ("cl-rows-row " + (r.cls || "")).trim();
            node.dataset.key = r.key;
            node.append(line(model, r, "cl-rows-line"), ...(r.sub || []).map((s) => line(model, s, "cl-rows-line cl-rows-sub")));
            if (item) {  // the row changed: its old element goes, the new one takes its place below
              const focused = item.node.contains(document.activeElement) ? document.activeElement : null;
              if (item.node === before) before = before.nextSibling;
              item.node.remove();
              if (focused) {  // keep the keyboard where it was: the same control of the redrawn row
                const same = [...node.querySelectorAll("button")].find((b) => b.textContent === focused.textContent
                  && b.getAttribute("aria-label") === focused.getAttribute("aria-label"));
                if (same) queueMicrotask(() => same.focus());
              }
            }
            item = { sig, node };
            drawn.set(r.key, item);
          }
          keep.add(r.key);
          if (item.node !== before) list.insertBefore(item.node, before);
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
    #: What the page draws: a list of ``row()`` dicts (the current page's, when paged).
    rows = traitlets.List().tag(sync=True)
    #: Rows per page (0: no paging), the page shown (from 0) and how many rows there are in all.
    page_size = traitlets.Int(0).tag(sync=True)
    page = traitlets.Int(0).tag(sync=True)
    total = traitlets.Int(0).tag(sync=True)
    #: The pager's words: ``prev``, ``next``, ``where`` ("{page} / {pages}") and ``nav`` (its accessible name).
    labels = traitlets.Dict().tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._handlers: dict[str, Callable[[str], None]] = {}
        self._on_choose: Callable[[str, str, object], None] | None = None
        self.all_rows: list[dict] = []
        self.on_msg(self._received)

    def on(self, action: str, fn: Callable[[str], None]) -> None:
        self._handlers[action] = fn

    def on_choose(self, fn: Callable[[str, str, object], None]) -> None:
        self._on_choose = fn

    def show(self, rows: list[dict]) -> bool:
        """Show ``rows`` (the page of them that is on screen); True when that changed what the page draws."""
        self.all_rows = list(rows)
        return self._sync()

    def _sync(self) -> bool:
        size = self.page_size
        pages = max(1, -(-len(self.all_rows) // size)) if size else 1
        page = min(self.page, pages - 1)
        shown = self.all_rows[page * size:(page + 1) * size] if size else self.all_rows
        changed = shown != self.rows or page != self.page or len(self.all_rows) != self.total
        with self.hold_sync():
            self.page, self.total = page, len(self.all_rows)
            if shown != self.rows:
                self.rows = shown
        return changed

    def go_to(self, page: int) -> None:
        """Show page ``page`` (from 0; kept within the pages there are)."""
        self.page = max(0, int(page))
        self._sync()

    def page_of(self, key: str) -> int | None:
        """The page that holds row ``key`` (None when there is no such row)."""
        for i, r in enumerate(self.all_rows):
            if r["key"] == key:
                return i // self.page_size if self.page_size else 0
        return None

    def _line(self, key: str) -> dict | None:
        for r in self.rows:  # only what is on screen can be clicked
            for line in (r, *r.get("sub", ())):
                if line["key"] == key:
                    return line
        return None

    def actions_of(self, key: str) -> list[str]:
        """The actions the row (or indented line) ``key`` offers now; [] when it is not shown."""
        line = self._line(str(key))
        return [a[0] for a in line["actions"]] if line else []

    def click(self, key: str, action: str) -> bool:
        """What a click on the page does: ``action`` on row ``key``, if that row still offers it (a click on a
        row that changed meanwhile, or a forged message, does nothing). True when it ran."""
        if action not in self.actions_of(str(key)) or action not in self._handlers:
            return False
        self._handlers[action](str(key))
        return True

    def choose(self, key: str, group: str, value: object) -> bool:
        """What picking an option does: ``value`` in the choice ``group`` of row ``key``, if the row shows that
        choice with that option (anything else does nothing). True when it ran."""
        line = self._line(str(key))
        found = next((c for c in (line or {}).get("choices", ()) if c["group"] == group), None)
        if found is None or self._on_choose is None or value not in [o[0] for o in found["options"]]:
            return False
        self._on_choose(str(key), group, value)
        return True

    def _received(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict):
            return
        action = content.get("action")
        if action == "page" and isinstance(content.get("value"), int):
            self.go_to(content["value"])
        elif action == "choose" and isinstance(content.get("key"), str) and isinstance(content.get("group"), str):
            self.choose(content["key"], content["group"], content.get("value"))
        elif isinstance(content.get("key"), str) and isinstance(action, str):
            self.click(content["key"], action)
