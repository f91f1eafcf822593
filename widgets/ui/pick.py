"""One answer out of a few (a 1-5 scale, five faces, a category, a step), or several (``multiple``): a group
of large buttons drawn by the page as one widget.

ipywidgets' ``ToggleButtons`` drew our scales as plain buttons of a fixed width: a screen reader heard "button,
😊" with no word of what was chosen or asked, an emoji wider than its button ended in an ellipsis, and a long
question pushed its buttons past a phone's edge. A ``Pick`` is a WAI-ARIA radio group (checkboxes when
``multiple``): its question is its visible label and its accessible name, each option says its name ("Contento,
4 de 5") and whether it is checked, one tab stop with arrow keys between options, and it wraps on a narrow
screen. Its look is the design system's (``static/clientelitis-design.css``: ``.cl-pick``).

``value`` is the chosen option's value (None: none yet) or, when ``multiple``, the list of chosen values;
``observe(fn, "value")`` hears a participant's choice as it did with ``ToggleButtons``.
"""

from __future__ import annotations

from typing import Sequence

import anywidget
import traitlets

_ESM = """
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
let made = 0;
function render({ model, el }) {
  el.classList.add("cl-pick");
  const label = document.createElement("span");
  label.className = "cl-pick-label";
  label.id = "cl-pick-" + (++made) + "-" + Math.random().toString(36).slice(2, 8);
  const group = document.createElement("div");
  group.className = "cl-pick-options";
  el.append(label, group);
  let buttons = [];
  const chosen = (v) => {
    const value = model.get("value");
    return model.get("multiple") ? (value || []).some((x) => same(x, v)) : same(value, v);
  };
  const mark = () => {
    const single = !model.get("multiple");
    let first = null;
    for (const b of buttons) {
      const on = chosen(b._value);
      b.setAttribute("aria-checked", String(on));
      if (single) b.tabIndex = -1;
      if (on && !first) first = b;
    }
    if (single && buttons.length) (first || buttons[0]).tabIndex = 0;
  };
  const choose = (b) => {
    if (model.get("disabled")) return;
    if (model.get("multiple")) {
      const value = model.get("value") || [];
      model.set("value", chosen(b._value) ? value.filter((x) => !same(x, b._value)) : [...value, b._value]);
    } else {
      model.set("value", b._value);
    }
    model.save_changes();
    mark();
  };
  const draw = () => {
    const text = model.get("description");
    label.textContent = text;
    label.hidden = !text;
    const multiple = model.get("multiple");
    group.setAttribute("role", multiple ? "group" : "radiogroup");
    // the question in context ("Al entrar, Reserva de mesa"): the group's name, and each option's after its own
    const context = model.get("context");
    const named = context ? [text || model.get("aria"), context].filter(Boolean).join(", ") : model.get("aria");
    if (text && !context) group.setAttribute("aria-labelledby", label.id); else group.removeAttribute("aria-labelledby");
    if (named) group.setAttribute("aria-label", named); else group.removeAttribute("aria-label");
    const had = buttons.indexOf(document.activeElement);
    buttons = model.get("options").map(([text, value, name]) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "cl-pick-option";
      b.setAttribute("role", multiple ? "checkbox" : "radio");
      b.textContent = text;
      const full = context ? [name || text, model.get("description").toLowerCase(), context].filter(Boolean).join(", ") : name;
      if (full && full !== text) b.setAttribute("aria-label", full);
      b.disabled = model.get("disabled");
      b._value = value;
      b.addEventListener("click", () => choose(b));
      return b;
    });
    buttons.forEach((b, i) => b.addEventListener("keydown", (e) => {
      if (multiple) return;
      const n = buttons.length;
      const to = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: n - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      const next = buttons[(to + n) % n];
      next.focus();
      choose(next);
    }));
    group.replaceChildren(...buttons);
    mark();
    if (had >= 0 && buttons[had]) buttons[had].focus();
  };
  model.on("change:value", mark);
  model.on("change:options change:description change:multiple change:disabled change:aria change:context", draw);
  draw();
  return () => {
    model.off("change:value", mark);
    model.off("change:options change:description change:multiple change:disabled change:aria change:context", draw);
  };
}
export default { render };
"""


def options_of(options: Sequence[Sequence], names: Sequence[str] | None = None) -> list[list]:
    """``[[text, value, name], ...]`` from ``(text, value)`` or ``(text, value, name)`` pairs; ``names`` (one per
    option) give the accessible names where the text alone does not say it (an emoji, a digit)."""
    out = []
    for i, option in enumerate(options):
        text, value, *rest = option
        name = names[i] if names else (rest[0] if rest else text)
        out.append([str(text), value, str(name)])
    return out


class Pick(anywidget.AnyWidget):
    """A radio group (or, ``multiple``, a group of checkboxes) of buttons: ``Pick(options, value, description,
    names=...)``. ``kind`` adds a look: ``"faces"`` (large emoji), ``"scale"`` (square numbers), ``"steps"``."""

    _esm = _ESM
    options = traitlets.List().tag(sync=True)
    value = traitlets.Any(None, allow_none=True).tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    #: The group's accessible name when it has no visible ``description`` (a page's steps: "Pasos").
    aria = traitlets.Unicode("").tag(sync=True)
    #: What the question is about, said after the group's and each option's name to a screen reader: "Furioso,
    #: 1 de 5, al entrar, Reserva de mesa" (the visible page shows it once, in the row's title).
    context = traitlets.Unicode("").tag(sync=True)
    multiple = traitlets.Bool(False).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(self, options: Sequence[Sequence] = (), value: object = None, description: str = "",
                 names: Sequence[str] | None = None, kind: str = "", multiple: bool = False, **kwargs):
        if multiple and value is None:
            value = []
        super().__init__(options=options_of(options, names), value=value, description=description,
                         multiple=multiple, **kwargs)
        if kind:
            self.add_class(f"cl-pick-{kind}")

    @property
    def values(self) -> list:
        """The options' values, in order."""
        return [o[1] for o in self.options]

    def set_options(self, options: Sequence[Sequence], names: Sequence[str] | None = None) -> None:
        """New options; the value stays when it is still one of them."""
        self.options = options_of(options, names)
        if self.multiple:
            self.value = [v for v in self.value or [] if v in self.values]
        elif self.value not in self.values:
            self.value = None


def faces(tr, description: str = "") -> Pick:
    """The five faces of happiness, each named by its word and place ("Contento, 4 de 5")."""
    from widgets.workshops.feliz.model import FACES, SCALE

    names = [f"{tr(f'feliz.scale.{v}')}, {tr('pick.position', n=v, total=len(SCALE))}" for v in SCALE]
    out = Pick([(FACES[v], v) for v in SCALE], description=description, names=names, kind="faces")
    out.add_class("cl-scale")
    return out


def numbers(tr, description: str = "", low: int = 1, high: int = 5) -> Pick:
    """A scale of numbers from ``low`` to ``high``, each named by its place ("4 de 5")."""
    values = range(low, high + 1)
    out = Pick([(str(v), v) for v in values], description=description,
               names=[tr("pick.position", n=v, total=high) for v in values], kind="scale")
    out.add_class("cl-scale")
    return out


def steps(tr, prefix: str, keys, value: str) -> Pick:
    """A page's steps, numbered ("1. Cazar"), as one radio group named "Pasos"."""
    return Pick([(f"{i + 1}. {tr(prefix + k)}", k) for i, k in enumerate(keys)], value=value,
                description="", names=None, kind="steps", aria=tr("pick.steps"))
