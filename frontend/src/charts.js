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

function render({ model, el }) {
  el.classList.add("cl-chart");
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
          const data = figure.data || [];
          const layout = figure.layout || {};
          // At full size the figure is drawn as it came (a console redraws often: no copy for nothing).
          await Plotly.react(el, small ? scaledFonts(data, SMALL) : data, small ? scaledFonts(layout, SMALL) : layout,
                             CONFIG);
        }
        if (toFit) {
          toFit = false;
          await Plotly.Plots.resize(el);
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
  // Plotly draws at the width its box has: a chart drawn before it is on the page (or shown later, or on a
  // phone turned sideways) is fitted again whenever its box's width changes.
  let width = 0;
  const watch = new ResizeObserver(([entry]) => {
    const now = Math.round(entry.contentRect.width);
    if (now && now !== width) {
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
    Plotly.purge(el);
  };
}

export default { render };
