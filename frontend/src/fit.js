// The projector's walls and tables fit their slide instead of scrolling: their type shrinks from FIT_MAX down to
// FIT_MIN pixels until everything fits; a list still too long at FIT_MIN shows one page of its entries at a
// time, turning every PAGE_MS, with "1 / 3" in its corner. Charts fill their slide themselves (charts.js).
const FIT_MAX = 56;
const FIT_MIN = 24;
const PAGE_MS = 8000;
const ITEMS = ".cl-rows-row, tbody tr, ol > li, ul > li";

function overflows(el) {
  return el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;
}

function fitOne(el, state) {
  const items = [...el.querySelectorAll(ITEMS)];
  for (const item of items) item.hidden = false;
  let size = FIT_MAX;
  el.style.fontSize = `${size}px`;
  while (size > FIT_MIN && overflows(el)) {
    size -= 2;
    el.style.fontSize = `${size}px`;
  }
  let marker = el.querySelector(":scope > .cl-fit-page");
  if (!overflows(el) || items.length < 2) {
    state.pages = 1;
    if (marker) marker.remove();
    return;
  }
  // Too long even at FIT_MIN: as many entries as fit make a page.
  const bottom = el.getBoundingClientRect().bottom - 48;  // room for the page marker
  let perPage = items.findIndex((item) => item.getBoundingClientRect().bottom > bottom);
  perPage = Math.max(1, perPage < 0 ? items.length : perPage);
  state.pages = Math.ceil(items.length / perPage);
  state.page = state.page % state.pages;
  items.forEach((item, i) => { item.hidden = Math.floor(i / perPage) !== state.page; });
  if (!marker) {
    marker = document.createElement("div");
    marker.className = "cl-fit-page";
    marker.setAttribute("aria-hidden", "true");
    el.append(marker);
  }
  marker.textContent = `${state.page + 1} / ${state.pages}`;
}

export function fitStage() {
  // The stage's widgets are drawn a moment after the page says it is ready: watch the whole page, fit what is
  // on a stage (nothing happens on other pages).
  const states = new WeakMap();
  let queued = false;
  const fitted = () => document.querySelectorAll(".cl-stage .cl-fit:not(.cl-chart)");
  // "cl-fitting" on the page while a fitting is queued (what a test waits for, instead of waiting some time)
  const fitAll = () => {
    queued = false;
    document.documentElement.classList.remove("cl-fitting");
    for (const el of fitted()) {
      if (!states.has(el)) states.set(el, { page: 0, pages: 1 });
      fitOne(el, states.get(el));
    }
  };
  const soon = () => {
    if (!queued) {
      queued = true;
      document.documentElement.classList.add("cl-fitting");
      requestAnimationFrame(fitAll);
    }
  };
  new MutationObserver((records) => {
    // our own changes (font size, hidden entries, the page marker) must not start another round
    const ours = (r) => r.target.classList && r.target.classList.contains("cl-fit-page");
    if (records.some((r) => !ours(r))) soon();
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
  new ResizeObserver(soon).observe(document.body);
  // a font arriving late (the bold face of a wall's names) changes every size: fit again
  if (document.fonts) {
    document.fonts.addEventListener("loadingdone", soon);
    document.fonts.ready.then(soon);
  }
  setInterval(() => {
    for (const el of fitted()) {
      const state = states.get(el);
      if (state && state.pages > 1) {
        state.page = (state.page + 1) % state.pages;
        fitOne(el, state);
      }
    }
  }, PAGE_MS);
  soon();
}
