"""A real Voila server serves every notebook in workshops/ as an app, without errors."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p.name for p in (ROOT / "workshops").glob("*.ipynb"))
ERROR_MARKERS = ("There was an error when executing cell", "Traceback", "Error at server", '"output_type": "error"')


def fetch(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=180) as resp:
        return resp.status, resp.read().decode("utf-8")


def assert_clean(html: str) -> None:
    for marker in ERROR_MARKERS:
        assert marker not in html, marker
    assert "application/vnd.jupyter.widget-view+json" in html  # the app's widgets were rendered
    assert "from widgets import apps" not in html  # sources are stripped


@pytest.mark.app
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_notebook_is_served_without_errors(voila_server, notebook):
    status, html = fetch(voila_server.url(notebook))
    assert status == 200
    assert_clean(html)


@pytest.mark.app
def test_apps_with_room_parameters(voila_server):
    from widgets.demo import seed_demo

    store = voila_server.store()
    room, key = seed_demo(store, participants=5)
    person, token = store.join(room, "Visitante", "Caja")
    for notebook, query in [
        ("facilitador.ipynb", f"room={room.code}&key={key}"),
        ("facilitador.ipynb", f"room={room.code}&key=wrong"),
        ("00_bienvenida.ipynb", f"room={room.code}"),
        ("01_sale_mas_feliz.ipynb", f"room={room.code}&me={token}"),
        ("00_bienvenida.ipynb", "room=%3Cscript%3E"),
    ]:
        status, html = fetch(voila_server.url(notebook, query))
        assert status == 200, (notebook, query)
        assert_clean(html)


def test_every_notebook_is_committed_clean():
    import json

    assert NOTEBOOKS == ["00_bienvenida.ipynb", "01_sale_mas_feliz.ipynb", "02_varita_magica.ipynb",
                         "03_vacas_sagradas.ipynb", "04_todos_tenemos_clientes.ipynb", "05_clientelitis.ipynb",
                         "facilitador.ipynb", "preparar_kit.ipynb"]
    for name in NOTEBOOKS:
        nb = json.loads((ROOT / "workshops" / name).read_text(encoding="utf-8"))
        assert nb["metadata"]["kernelspec"]["name"] == "python3"
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, name


@pytest.mark.app
def test_the_charts_module_is_served_and_no_other_file_is(voila_server):
    import urllib.error

    from widgets.ui import chartwidget
    from widgets.serving import voila_template

    with urllib.request.urlopen(voila_server.base + "/" + chartwidget.MODULE, timeout=60) as resp:
        assert resp.status == 200
        assert "javascript" in resp.headers["Content-Type"]
        assert resp.read() == (voila_template.SOURCE / "static" / "clientelitis-charts.js").read_bytes()
    for path in ("00_bienvenida.ipynb", "../widgets/ui/charts.py", "static/other.js", "../pyproject.toml",
                 "static/plotly-widget-6.5.0.js"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(voila_server.base + "/voila/files/" + path, timeout=60)
        assert refused.value.code in (403, 404), path
