"""Our Voila template is where Voila looks for it, and voila.json uses it (no browser: see test_frontend.py)."""

from __future__ import annotations

import json
from pathlib import Path

from voila.paths import collect_template_paths

from widgets.serving import voila_template

ROOT = Path(__file__).resolve().parent.parent


def _found(prefix: Path) -> Path | None:
    try:
        paths = collect_template_paths(["voila", "nbconvert"], voila_template.NAME, prune=True,
                                       root_dirs=[str(prefix / "share" / "jupyter")])
    except ValueError:  # Voila: "No template sub-directory with name 'clientelitis' found"
        return None
    for path in paths:
        if (Path(path) / "index.html.j2").is_file():
            return Path(path)
    return None


def test_install_links_the_checkouts_template_where_voila_finds_it(tmp_path):
    assert _found(tmp_path) is None
    assert voila_template.install(str(tmp_path))
    found = _found(tmp_path)
    assert found is not None and found.resolve() == voila_template.SOURCE.resolve()
    assert voila_template.install(str(tmp_path))  # again: nothing to do, still right
    assert voila_template.target(str(tmp_path)).resolve() == voila_template.SOURCE.resolve()


def test_install_replaces_an_older_copy(tmp_path):
    old = voila_template.target(str(tmp_path))
    old.mkdir(parents=True)
    (old / "index.html.j2").write_text("an old page")
    assert voila_template.install(str(tmp_path))
    assert (old / "index.html.j2").read_text() == (voila_template.SOURCE / "index.html.j2").read_text()


def test_voila_configuration_uses_the_template_and_its_files_are_built():
    assert json.loads((ROOT / "voila.json").read_text())["VoilaConfiguration"]["template"] == voila_template.NAME
    static = voila_template.SOURCE / "static"
    script = (static / "clientelitis.js").read_text()
    assert (static / "clientelitis.css").stat().st_size > 10_000
    # The build bundles what the pages need: the kernel protocol, ipywidgets' controls and anywidget.
    for needle in ("jupyter.widget.control", "request_states", "ToggleButtonsView", "anywidget"):
        assert needle in script, needle
    page = (voila_template.SOURCE / "index.html.j2").read_text()
    assert "clientelitis.js" in page and "kernel_start" in page and "cell_generator" in page


def test_wheel_data_files_list_every_template_file():
    import tomllib

    listed = {f for files in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
              .values() for f in files}
    on_disk = {str(p.relative_to(ROOT)) for p in voila_template.SOURCE.rglob("*") if p.is_file()}
    assert listed == on_disk


def test_page_script_leaves_out_the_html_sanitizer_no_description_needs():
    """The page script replaces sanitize-html (and postcss, htmlparser2) with a stand-in that escapes all markup
    (frontend/src/no-sanitize-html.js): ipywidgets needs it only for ``description_allow_html``, which no widget
    of ours sets. Should one ever set it, its description would show its tags as text: this test says why."""
    script = (ROOT / "share/jupyter/voila/templates/clientelitis/static/clientelitis.js").read_text(encoding="utf-8")
    assert "CssSyntaxError" not in script and "nonTextTags" not in script  # postcss, sanitize-html
    sources = [*(ROOT / "widgets").rglob("*.py"), *(ROOT / "workshops").glob("*.ipynb")]
    assert len(sources) > 20
    assert [p.name for p in sources if "allow_html" in p.read_text(encoding="utf-8")] == []
