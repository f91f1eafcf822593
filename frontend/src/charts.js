// The charts of Clientelitis' pages (widgets/chartwidget.py: Chart), an anywidget module.
//
// A chart's state is its whole Plotly figure (data and layout, as plotly.py writes it); every change redraws
// it with Plotly.react, which updates only what differs. Plotly here is a partial build with only the trace
// types our charts use (widgets/validators.py: KEPT): about a fifth of plotly.js, so a page with charts
// becomes usable seconds sooner than with the whole library.
import Plotly from "./plotly-partial.js";

// No "responsive": the ResizeObserver below already fits the chart whenever its box changes width.
const CONFIG = { displaylogo: false, displayModeBar: false };

// Our figures' fonts are sized for a projector. In a box narrower than NARROW pixels (a phone) they are drawn
// at SMALL of their size: at full size a touchpoint's name took more than half of a phone's width, and the
// plot was left a sliver.
const NARROW = 560;
const SMALL = 0.7;

// A copy of a figure's part with every font size (any property whose name ends in "font": font, tickfont,
// textfont...) times k. Arrays of values are shared, not copied.
function scaledFonts(value, k) {
  if (Array.isArray(value)) {
    return value.length && value[0] !== null && typeof value[0] === "object"
      ? value.map((item) => scaledFonts(item, k))
      : value;
  }
  if (value === null || typeof value !== "object") {
    return value;
  }
  const out = {};
  for (const [key, item] of Object.entries(value)) {
    const isFont = /font$/i.test(key) && item && typeof item === "object" && typeof item.size === "number";
    out[key] = isFont ? { ...item, size: Math.round(item.size * k) } : scaledFonts(item, k);
  }
  return out;
}

// Point labels (an idea, a cow) that would overlap one drawn before them are left out: the point stays, with
// its name in the hover and in the tables. Plotly places labels without looking at each other.
function declutter(el) {
  const placed = [];
  for (const text of el.querySelectorAll(".textpoint text, .annotation-text-g")) {
    const box = text.getBoundingClientRect();
    if (!box.width) continue;
    const hits = placed.some((b) => box.left < b.right && b.left < box.right && box.top < b.bottom && b.top < box.bottom);
    text.style.display = hits ? "none" : "";
    if (!hits) placed.push(box);
  }
}

// On the projector's stage a chart fills its box: the box's height, and fonts grown with it (a figure's fonts
// are sized for a 520-pixel-high chart), the smallest of them at STAGE_TEXT pixels at least.
const FILL_BASE = 520;
const FILL_MAX = 2.4;
const STAGE_TEXT = 24;

// The smallest font size a figure's part asks for (Plotly's default is 12 where none is given).
function smallestFont(value, found = Infinity) {
  if (Array.isArray(value)) {
    return value.reduce((m, item) => (item && typeof item === "object" ? smallestFont(item, m) : m), found);
  }
  if (value === null || typeof value !== "object") return found;
  for (const [key, item] of Object.entries(value)) {
    if (/font$/i.test(key) && item && typeof item === "object" && typeof item.size === "number") {
      found = Math.min(found, item.size);
    } else if (item && typeof item === "object") {
      found = smallestFont(item, found);
    }
  }
  return found;
}

function render({ model, el }) {
  el.classList.add("cl-chart");
  const filling = () => model.get("fill");
  if (filling()) el.classList.add("cl-chart-fill");
  // One job at a time, always with the newest figure: a busy room sends figures faster than a phone draws
  // them, and drawing each one in turn would leave the screen further and further behind.
  let busy = false;
  let toDraw = true;
  let toFit = false;
  let small = false; // drawn with SMALL fonts
  const work = async () => {
    if (busy) {
      return;
    }
    busy = true;
    try {
      while (toDraw || toFit) {
        if (toDraw) {
          toDraw = false;
          const figure = model.get("figure") || {};
          small = el.clientWidth > 0 && el.clientWidth < NARROW;
          let data = figure.data || [];
          let layout = figure.layout || {};
          if (filling() && el.clientHeight > 0) {
            const least = Math.min(smallestFont(data), smallestFont(layout));
            const k = Math.max(STAGE_TEXT / (Number.isFinite(least) ? least : 12),
                               Math.min(FILL_MAX, el.clientHeight / FILL_BASE));
            // the slide's own title names the chart: no second title inside it
            data = scaledFonts(data, k).map((t) => (t.type === "indicator" ? { ...t, title: { text: "" } } : t));
            layout = { ...scaledFonts(layout, k), height: el.clientHeight, width: el.clientWidth, autosize: false,
                       title: { text: "" }, margin: { ...(layout.margin || {}), t: 20 } };
            if (layout.polar) {  // a wide screen: the radar's legend beside it, room around it for its labels
              layout.legend = { ...(layout.legend || {}), orientation: "v", x: 1.02, xanchor: "left", y: 1,
                                yanchor: "top" };
              const room = Math.round(3 * STAGE_TEXT * Math.max(1, k * 15 / STAGE_TEXT));
              layout.margin = { t: room, b: room, l: room, r: room };
            }
          } else if (small) {
            data = scaledFonts(data, SMALL);
            layout = scaledFonts(layout, SMALL);
          }
          // At full size the figure is drawn as it came (a console redraws often: no copy for nothing).
          await Plotly.react(el, data, layout, CONFIG);
          declutter(el);
        }
        if (toFit) {
          toFit = false;
          await Plotly.Plots.resize(el);
          declutter(el);
        }
      }
    } finally {
      busy = false;
    }
  };
  // Drawing takes the page's main thread for a moment: it waits until the page has painted what arrived
  // with the same update (a new answer's text shows first, then the charts follow).
  const changed = () => {
    toDraw = true;
    requestAnimationFrame(() => setTimeout(work, 0));
  };
  model.on("change:figure", changed);
  model.on("change:fill", () => { el.classList.toggle("cl-chart-fill", filling()); changed(); });
  // Plotly draws at the width its box has: a chart drawn before it is on the page (or shown later, or on a
  // phone turned sideways) is fitted again whenever its box's width changes.
  let width = 0;
  let height = 0;
  const watch = new ResizeObserver(([entry]) => {
    const now = Math.round(entry.contentRect.width);
    const tall = Math.round(entry.contentRect.height);
    if (filling() && tall && (tall !== height || now !== width)) {  // a stage's box: drawn again at its size
      width = now;
      height = tall;
      toDraw = true;
      work();
    } else if (now && now !== width) {
      width = now;
      toDraw = toDraw || now < NARROW !== small; // crossed NARROW: drawn again with the fonts for this width
      toFit = true;
      work();
    }
  });
  watch.observe(el);
  work();
  return () => {
    watch.disconnect();
    model.off("change:figure", changed);
    model.off("change:fill");
    Plotly.purge(el);
  };
}

export default { render };
