// The charts of Clientelitis' pages (widgets/chartwidget.py: Chart), an anywidget module.
//
// A chart's state is its whole Plotly figure (data and layout, as plotly.py writes it); every change redraws
// it with Plotly.react, which updates only what differs. Plotly here is a partial build with only the trace
// types our charts use (TRACE_TYPES in widgets/ui/chartwidget.py): about a fifth of plotly.js, so a page with charts
// becomes usable seconds sooner than with the whole library.
import { describe } from "./chartdata.js";
import Plotly from "./plotly-partial.js";

// No "responsive": the ResizeObserver below draws the chart again whenever its box changes size.
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

// Do the y axis' labels run into each other (more than a quarter of a line)?
function ticksOverlap(el) {
  const boxes = [...el.querySelectorAll(".ytick text")].map((t) => t.getBoundingClientRect())
    .filter((r) => r.height).sort((a, b) => a.top - b.top);
  for (let i = 1; i < boxes.length; i += 1) {
    if (boxes[i - 1].bottom - boxes[i].top > 4) return true;
  }
  return false;
}

const oneLine = (v) => (typeof v === "string" ? v.replace(/<br\s*\/?>/gi, " ") : v);

// How far the chart's texts reach past its box on each side (a radar's long axis names, a wrapped tick),
// in pixels; Plotly keeps its margins whatever the labels need.
function overflow(el) {
  const box = el.getBoundingClientRect();
  const out = { l: 0, r: 0, t: 0, b: 0 };
  for (const text of el.querySelectorAll("svg text")) {
    if (!text.textContent.trim() || text.style.display === "none") continue;
    const r = text.getBoundingClientRect();
    if (!r.width) continue;
    out.l = Math.max(out.l, box.left - r.left);
    out.r = Math.max(out.r, r.right - box.right);
    out.t = Math.max(out.t, box.top - r.top);
    out.b = Math.max(out.b, r.bottom - box.bottom);
  }
  return out;
}

// A title wider than its chart (a phone's) is broken into lines at spaces, with room made above the plot for
// the lines it gained. Plotly draws a title on one line whatever its length, past both edges of the screen.
function wrapLines(text, most) {
  const lines = [];
  for (const part of text.split(/<br\s*\/?>/i)) {
    let line = "";
    for (const word of part.split(" ")) {
      if (line && (line + " " + word).replace(/<[^>]*>/g, "").length > most) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    }
    lines.push(line);
  }
  return lines;
}

function wrappedTitle(layout, width) {
  const title = layout.title;
  const text = title && (typeof title === "string" ? title : title.text);
  if (!text || !width) return layout;
  const size = (title.font && title.font.size) || (layout.font && layout.font.size ? layout.font.size * 1.4 : 17);
  const most = Math.max(8, Math.floor((width - 16) / (size * 0.56)));
  const lines = wrapLines(text, most);
  const before = text.split(/<br\s*\/?>/i).length;
  if (lines.length === before) return layout;
  const margin = layout.margin || {};
  const grown = Math.round((lines.length - before) * size * 1.25);
  return { ...layout, title: { ...(typeof title === "string" ? {} : title), text: lines.join("<br>") },
           margin: { ...margin, t: (margin.t === undefined ? 80 : margin.t) + grown } };
}

// A narrow Sankey's node labels, broken into lines that fit half its width (labels of the left column sit
// right of their nodes, the right column's left of theirs: each has half the chart).
function wrappedNodes(trace, width) {
  const size = (trace.textfont && trace.textfont.size) || 12;
  const most = Math.max(8, Math.floor((width / 2 - 30) / (size * 0.58)));
  const wrap = (text) => {
    const lines = [];
    let line = "";
    for (const word of String(text).split(" ")) {
      if (line && (line + " " + word).length > most) { lines.push(line); line = word; } else line = line ? line + " " + word : word;
    }
    lines.push(line);
    return lines.join("<br>");
  };
  return { ...trace, node: { ...trace.node, label: (trace.node.label || []).map(wrap) } };
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

function render({ model, el: box }) {
  // the widget's box holds the plot (named, an image to screen readers) and its text alternative: a sentence
  // and the data as a table (chartdata.js)
  box.classList.add("cl-chart");
  const el = document.createElement("div");
  el.className = "cl-plot";
  el.setAttribute("role", "img");
  const alt = document.createElement("details");
  alt.className = "cl-chart-data";
  box.append(el, alt);
  const filling = () => model.get("fill");
  if (filling()) box.classList.add("cl-chart-fill");
  alt.open = filling();  // on the stage: read by screen readers only (hidden by the stylesheet)
  const described = () => {
    const heading = box.closest(".cl-card, .cl-stage-body, .cl-stage");
    const near = heading && heading.querySelector("h1, h2, h3");
    const name = describe(alt, model.get("figure") || {}, near ? near.textContent.trim() : "");
    el.setAttribute("aria-label", name);
  };
  // One job at a time, always with the newest figure: a busy room sends figures faster than a phone draws
  // them, and drawing each one in turn would leave the screen further and further behind.
  // "cl-drawing" marks a chart with a draw to come (what a test waits for, instead of waiting some time)
  let busy = false;
  let toDraw = true;
  box.classList.add("cl-drawing");
  const work = async () => {
    if (busy) {
      return;
    }
    busy = true;
    try {
      // A chart not on screen (a closed step, a page being built) waits for its box: drawn at no width, Plotly
      // would draw it 700 pixels wide and keep that size.
      while (toDraw && el.clientWidth > 0) {
        toDraw = false;
        described();
        const figure = model.get("figure") || {};
        const width = el.clientWidth;
        let data = figure.data || [];
        let layout = figure.layout || {};
        if (filling() && el.clientHeight > 0) {
          const least = Math.min(smallestFont(data), smallestFont(layout));
          const k = Math.max(STAGE_TEXT / (Number.isFinite(least) ? least : 12),
                             Math.min(FILL_MAX, el.clientHeight / FILL_BASE));
          // the slide's own title names the chart: no second title inside it
          data = scaledFonts(data, k).map((t) => (t.type === "indicator" ? { ...t, title: { text: "" } } : t));
          layout = { ...scaledFonts(layout, k), height: el.clientHeight, title: { text: "" },
                     margin: { ...(layout.margin || {}), t: 20 } };
          if (layout.polar) {  // a wide screen: the radar's legend beside it, room around it for its labels
            layout.legend = { ...(layout.legend || {}), orientation: "v", x: 1.02, xanchor: "left", y: 1,
                              yanchor: "top" };
            const room = Math.round(3 * STAGE_TEXT * Math.max(1, k * 15 / STAGE_TEXT));
            layout.margin = { t: room, b: room, l: room, r: room };
          }
        } else {
          if (width < NARROW) {
            data = scaledFonts(data, SMALL);
            layout = scaledFonts(layout, SMALL);
          }
          layout = wrappedTitle(layout, width);
          // an indicator's (the fans gauge's) own title, broken into lines the same way
          data = data.map((t) => {
            const text = t.type === "indicator" && t.title && t.title.text;
            if (!text) return t;
            const size = (t.title.font && t.title.font.size) || 17;
            return { ...t, title: { ...t.title, text: wrapLines(text, Math.max(8, Math.floor((width - 16) / (size * 0.56)))).join("<br>") } };
          });
          if (width < NARROW) data = data.map((t) => (t.type === "sankey" ? wrappedNodes(t, width) : t));
          const ticks = layout.xaxis && layout.xaxis.ticktext;
          if (width < 400 && ticks && ticks.every((t) => typeof t === "string" && /^\S+ \d$/u.test(t) && !/\p{L}/u.test(t))) {
            // a phone's narrow plot: the faces alone under the axis ("😡", not "😡 1"), upright
            layout = { ...layout, xaxis: { ...layout.xaxis, ticktext: ticks.map((t) => t.split(" ")[0]), tickangle: 0 } };
          }
        }
        // always the box's own width: Plotly's autosize measures only on a first draw
        layout = { ...layout, width, autosize: false };
        await Plotly.react(el, data, layout, CONFIG);
        if (filling() && ticksOverlap(el)) {
          // a stage too short for its labels on two lines (eight moments of a hotel at 1366x768): on one line
          // each, then smaller type, never under STAGE_TEXT
          data = data.map((t) => (Array.isArray(t.y) ? { ...t, y: t.y.map(oneLine) } : t));
          const axis = layout.yaxis || {};
          layout = { ...layout, yaxis: { ...axis,
            ...(axis.categoryarray ? { categoryarray: axis.categoryarray.map(oneLine) } : {}),
            ...(axis.ticktext ? { ticktext: axis.ticktext.map(oneLine) } : {}) } };
          await Plotly.react(el, data, layout, CONFIG);
          for (let i = 0; i < 6 && ticksOverlap(el); i += 1) {
            const least = Math.min(smallestFont(data), smallestFont(layout));
            if (!(least > STAGE_TEXT)) break;
            const f = Math.max(0.88, STAGE_TEXT / least);
            data = scaledFonts(data, f);
            layout = scaledFonts(layout, f);
            await Plotly.react(el, data, layout, CONFIG);
          }
        }
        // labels past the box: drawn once more with margins that hold them (both sides alike for a radar,
        // which stays centred). Labels an earlier draw left out count again: Plotly keeps their nodes.
        for (const text of el.querySelectorAll(".textpoint text, .annotation-text-g")) text.style.display = "";
        const out = overflow(el);
        if (Math.max(out.l, out.r, out.t, out.b) > 1) {
          const m = { l: 80, r: 80, t: 100, b: 80, ...(el._fullLayout ? el._fullLayout.margin : {}), ...(layout.margin || {}) };
          const side = layout.polar ? Math.max(out.l, out.r) : 0;
          const grow = (v, by) => Math.round(v + (by > 1 ? by + 6 : 0));
          layout = { ...layout, margin: { ...m, l: grow(m.l, side || out.l), r: grow(m.r, side || out.r),
                                          t: grow(m.t, out.t), b: grow(m.b, out.b) } };
          await Plotly.react(el, data, layout, CONFIG);
        }
        declutter(el);
      }
    } finally {
      busy = false;
      box.classList.toggle("cl-drawing", toDraw);
    }
  };
  // Drawing takes the page's main thread for a moment: it waits until the page has painted what arrived
  // with the same update (a new answer's text shows first, then the charts follow).
  const changed = () => {
    toDraw = true;
    box.classList.add("cl-drawing");
    requestAnimationFrame(() => setTimeout(work, 0));
  };
  model.on("change:figure", changed);
  model.on("change:fill", () => { box.classList.toggle("cl-chart-fill", filling()); alt.open = filling(); changed(); });
  // A chart drawn before it is on the page (or shown later, or on a phone turned sideways) is drawn again
  // whenever its box's width changes (and a stage's chart, its height).
  let width = 0;
  let height = 0;
  const watch = new ResizeObserver(([entry]) => {
    const now = Math.round(entry.contentRect.width);
    const tall = Math.round(entry.contentRect.height);
    if (now && (now !== width || (filling() && tall !== height))) {  // drawn again at its box's new size
      width = now;
      height = tall;
      toDraw = true;
      box.classList.add("cl-drawing");
      work();
    }
  });
  watch.observe(el);
  described();
  work();
  return () => {
    watch.disconnect();
    model.off("change:figure", changed);
    model.off("change:fill");
    Plotly.purge(el);
  };
}

export default { render };
