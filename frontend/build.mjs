// Builds the template's static files: clientelitis.js, clientelitis.css and the icon fonts.
import * as esbuild from "esbuild";

await esbuild.build({
  entryPoints: { clientelitis: "src/index.js" },
  bundle: true,
  minify: !process.env.DEBUG,
  sourcemap: process.env.DEBUG ? "inline" : false,
  format: "iife",
  target: ["es2020"],
  legalComments: "linked",
  outdir: "../share/jupyter/voila/templates/clientelitis/static",
  loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".svg": "file" },
  assetNames: "fonts/[name]",
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "info",
});
