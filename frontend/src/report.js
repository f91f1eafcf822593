// The offline HTML report's charts (widgets/report.py): each chart's figure travels in the page as JSON, and this
// one copy of the partial plotly.js, inlined in the page, draws them all. No network, no server.
import Plotly from "./plotly-partial.js";

const CONFIG = { displaylogo: false, displayModeBar: false, responsive: true };

for (const data of document.querySelectorAll('script[type="application/vnd.clientelitis.figure+json"]')) {
  const figure = JSON.parse(data.textContent);
  const box = document.getElementById(data.dataset.for);
  if (box) {
    Plotly.newPlot(box, figure.data || [], figure.layout || {}, CONFIG);
  }
}
