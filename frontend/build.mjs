// Builds the template's static files: clientelitis.js (+ .css), the page, and clientelitis-charts.js, the
// charts' module (loaded by each chart, see widgets/chartwidget.py).
import * as esbuild from "esbuild";

const common = {
  bundle: true,
  minify: !process.env.DEBUG,
  sourcemap: process.env.DEBUG ? "inline" : false,
  target: ["es2020"],
  legalComments: "linked",
  outdir: "../share/jupyter/voila/templates/clientelitis/static",
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "info",
};

await esbuild.build({
  ...common,
  entryPoints: { clientelitis: "src/index.js" },
  format: "iife",
  banner: { js: "performance.mark(\"cl-eval\");" },
  alias: { "sanitize-html": "./src/no-sanitize-html.js" },  // see that file
});
await esbuild.build({
  ...common,
  entryPoints: { "clientelitis-charts": "src/charts.js" },
  format: "esm",
  define: { ...common.define, global: "window" },  // plotly.js' sources are written for browserify
  loader: { ".css": "empty" },  // map styles the traces we keep never use
});
