// Builds the template's static files: clientelitis.js (+ .css), the page, and clientelitis-charts.js, the
// charts' module (loaded by each chart, see widgets/chartwidget.py).
import { cpSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

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
// The offline HTML report's charts: the same partial plotly.js, one script inlined in the report.
await esbuild.build({
  ...common,
  entryPoints: { "clientelitis-report": "src/report.js" },
  format: "iife",
  define: { ...common.define, global: "window" },
  loader: { ".css": "empty" },
});

// Our design system's stylesheet (design.css): linked by the template, and read by widgets/ui.py for notebooks
// opened outside Voila (JupyterLab).
cpSync("src/design.css", `${common.outdir}/clientelitis-design.css`);

// Font Awesome for the buttons' icons (ipywidgets' `icon=`), served by our own server: a venue or company
// network that blocks CDNs still shows them, and no participant's browser calls a third party. Only the two
// font files the free styles use in modern browsers (woff2; the stylesheets list the older formats after it).
const fontawesome = "node_modules/@fortawesome/fontawesome-free";
for (const file of ["css/all.min.css", "css/v4-shims.min.css", "webfonts/fa-solid-900.woff2",
                    "webfonts/fa-regular-400.woff2", "LICENSE.txt"]) {
  const target = `${common.outdir}/fontawesome/${file}`;
  mkdirSync(dirname(target), { recursive: true });
  cpSync(`${fontawesome}/${file}`, target);
}

// axe-core, the accessibility audit the browser tests inject into every page they visit (tests/axe.py):
// pinned here with the rest of the front end, copied beside the tests (with its licence) so `make test` needs
// no Node.js.
mkdirSync("../tests/vendor", { recursive: true });
cpSync("node_modules/axe-core/axe.min.js", "../tests/vendor/axe.min.js");
cpSync("node_modules/axe-core/LICENSE", "../tests/vendor/axe-core-LICENSE.txt");
