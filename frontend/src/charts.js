// The charts of Clientelitis' pages (widgets/chartwidget.py: Chart), an anywidget module.
//
// A chart's state is its whole Plotly figure (data and layout, as plotly.py writes it); every change redraws
// it with Plotly.react, which updates only what differs. Plotly here is a partial build with only the trace
// types our charts use (widgets/validators.py: KEPT): about a fifth of plotly.js, so a page with charts
// becomes usable seconds sooner than with the whole library.
import Plotly from "plotly.js/lib/core";
import bar from "plotly.js/lib/bar";
import indicator from "plotly.js/lib/indicator";
import pie from "plotly.js/lib/pie";
import sankey from "plotly.js/lib/sankey";
import scatterpolar from "plotly.js/lib/scatterpolar";

Plotly.register([bar, pie, scatterpolar, sankey, indicator]);

const CONFIG = { responsive: true, displaylogo: false, displayModeBar: false };

function render({ model, el }) {
  el.classList.add("cl-chart");
  let drawn = Promise.resolve();
  const draw = () => {
    const figure = model.get("figure") || {};
    drawn = drawn.then(() => Plotly.react(el, figure.data || [], figure.layout || {}, CONFIG));
  };
  model.on("change:figure", draw);
  // Plotly draws at the width its box has: a chart drawn before it is on the page (or shown later, or on a
  // phone turned sideways) is redrawn whenever its box's width changes.
  let width = 0;
  const watch = new ResizeObserver(([entry]) => {
    const now = Math.round(entry.contentRect.width);
    if (now && now !== width) {
      width = now;
      drawn = drawn.then(() => Plotly.Plots.resize(el));
    }
  });
  watch.observe(el);
  draw();
  return () => {
    watch.disconnect();
    model.off("change:figure", draw);
    Plotly.purge(el);
  };
}

export default { render };
