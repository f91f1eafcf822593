// plotly.js with only the trace types our charts use (widgets/validators.py: KEPT): about a fifth of the whole
// library. Shared by the pages' charts (charts.js) and the offline report (report.js).
import Plotly from "plotly.js/lib/core";
import bar from "plotly.js/lib/bar";
import indicator from "plotly.js/lib/indicator";
import pie from "plotly.js/lib/pie";
import sankey from "plotly.js/lib/sankey";
import scatterpolar from "plotly.js/lib/scatterpolar";

Plotly.register([bar, pie, scatterpolar, sankey, indicator]);

export default Plotly;
