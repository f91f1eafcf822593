// What a screen reader needs from the page that ipywidgets does not give it (docs/accessibility.md):
// - live regions: each notice, each row's save status and each ".cl-live" line is a polite status region, so
//   "Guardado", an error or "3 de 12 ya votaron" is said when it changes;
// - errors tied to their field: a field with the class "cl-errfor-N" is invalid and described by the notice
//   "cl-errid-N" (widgets/ui.py Notice), i.e. aria-invalid and aria-describedby on its control;
// - focus after a change of screen: a ".cl-focus-here" block that appears after the page is shown (joining,
//   the facilitator opening another workshop) takes the focus on its first heading, or a new field (a row
//   added to a kit's table) on its input;
// - the page's language follows its content (".cl-lang-xx" on the app: an English room's pages are read in
//   English).
const LIVE = ".cl-notice, .cl-row-status, .cl-live";
const CONTROL = "input, textarea, select, [role=radiogroup], [role=group]";
const focused = new WeakSet();
let shown = false;

function live(root) {
  for (const el of root.querySelectorAll(LIVE)) {
    if (el.getAttribute("role") === "status") continue;
    el.setAttribute("role", "status");
    el.setAttribute("aria-live", "polite");
    el.setAttribute("aria-atomic", "true");
  }
}

function errors() {
  const linked = new Set();
  for (const field of document.querySelectorAll("[class*='cl-errfor-']")) {
    const serial = [...field.classList].find((c) => c.startsWith("cl-errfor-")).slice("cl-errfor-".length);
    const notice = document.querySelector(`.cl-errid-${serial}`);
    const control = field.matches(CONTROL) ? field : field.querySelector(CONTROL);
    if (!notice || !control) continue;
    notice.id = notice.id || `cl-error-${serial}`;
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", notice.id);
    control.dataset.clInvalid = "1";
    linked.add(control);
  }
  for (const control of document.querySelectorAll("[data-cl-invalid]")) {
    if (linked.has(control)) continue;
    control.removeAttribute("aria-invalid");
    control.removeAttribute("aria-describedby");
    delete control.dataset.clInvalid;
  }
}

function focusNew() {
  for (const block of document.querySelectorAll(".cl-focus-here")) {
    if (focused.has(block)) continue;
    focused.add(block);
    if (!shown) continue;  // the first screen: the reader starts at the top anyway
    // a block's heading; a new field takes the focus itself (its input), so typing goes straight into it
    const heading = block.querySelector("h1, h2") || block.querySelector("input, textarea, select") || block;
    if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: false });
  }
}

function language() {
  const app = [...document.querySelectorAll("[class*='cl-lang-']")].pop();  // the innermost: a room inside the welcome page
  const lang = app && [...app.classList].find((c) => c.startsWith("cl-lang-")).slice("cl-lang-".length);
  if (lang && document.documentElement.lang !== lang) document.documentElement.lang = lang;
}

let queued = false;
function all() {
  queued = false;
  live(document);
  errors();
  focusNew();
  language();
}

export function accessibility() {
  new MutationObserver(() => {
    if (!queued) {
      queued = true;
      queueMicrotask(all);
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["class"] });
  all();
}

// Called once the first screen is drawn: later ".cl-focus-here" blocks are new screens.
export function pageShown() {
  all();
  shown = true;
}
