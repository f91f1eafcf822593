// Stand-in for sanitize-html (about 240 KB with its parsers, a quarter of the page script), which ipywidgets'
// manager uses for one thing: descriptions of widgets created with `description_allow_html=True`. Ours never
// are (tests/test_frontend.py checks), so every description is text: this escapes any markup in it, which is
// stricter than the sanitizer it replaces.
export default function sanitize(source) {
  return String(source)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
