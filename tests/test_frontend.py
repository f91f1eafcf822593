"""Our page front end (share/jupyter/voila/templates/clientelitis, built from frontend/) in real Chromium."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _kernel_alive(server, kernel_id: str) -> bool:
    try:
        with urllib.request.urlopen(f"{server.base}/api/kernels/{kernel_id}", timeout=10):
            return True
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return False
        raise


def test_page_comes_alive_with_our_small_front_end(voila_server, context):
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(voila_server.url("00_bienvenida.ipynb"))
    expect(page.locator("body")).to_have_attribute("data-cl-state", "ready")
    expect(page.locator(".cl-app .widget-button").first).to_be_visible()
    expect(page.get_by_text("Cargando…")).to_be_hidden()  # the placeholder left with the widget's script
    assert f"{voila_server.base}/voila/static/clientelitis.js" in requested
    # None of Voila's JupyterLab application: no federated extensions, no lab bundle.
    assert not [url for url in requested if "labextensions" in url or "remoteEntry" in url
                or url.endswith("/voila/static/voila.js")]
    # Button icons come from our own server (Font Awesome in the template's static files): they show where a
    # network blocks CDNs, and nothing in the page calls a third party.
    icon = page.locator(".cl-app .widget-button i.fa").first
    expect(icon).to_be_visible()
    page.wait_for_function("document.fonts.check('900 16px \"Font Awesome 5 Free\"')")
    assert "Font Awesome 5 Free" in icon.evaluate("el => getComputedStyle(el).fontFamily")
    assert icon.evaluate("el => el.getBoundingClientRect().width") > 8  # a drawn glyph, not an empty box
    assert f"{voila_server.base}/voila/static/fontawesome/css/all.min.css" in requested
    assert [url for url in requested if not url.startswith(voila_server.base) and url.startswith("http")] == []
    page.close()


def test_closing_a_page_shuts_its_kernel_down_at_once(voila_server, context):
    """Voila's culler would take a minute or more (voila.json: cull_idle_timeout 60 s); the page says goodbye."""
    page = context.new_page()
    page.goto(voila_server.url("00_bienvenida.ipynb"))
    expect(page.locator("body")).to_have_attribute("data-cl-state", "ready")
    kernel_id = json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]
    assert _kernel_alive(voila_server, kernel_id)
    page.close(run_before_unload=True)
    deadline = time.monotonic() + 120
    while _kernel_alive(voila_server, kernel_id) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _kernel_alive(voila_server, kernel_id)
    log = voila_server.log_path.read_text(errors="replace")
    assert not [line for line in log.splitlines() if "Culling" in line and kernel_id in line], \
        "the culler, not the page, shut the kernel down"


def test_pages_whose_kernel_is_still_starting_come_alive_too(voila_server, context):
    """The script connects while the notebook runs. A page whose kernel was not ready when it was requested (more
    pages at once than the pool keeps ready) has its script there before the kernel ran the notebook: the states
    are asked for once the page has fully arrived, never before (it would get none and stay "Cargando…")."""
    notebook = "04_todos_tenemos_clientes.ipynb"
    pages = [context.new_page() for _ in range(3)]
    for page in pages:  # three at once: the pool keeps at most one ready page for this notebook
        page.goto(voila_server.url(notebook), wait_until="commit")
    for page in pages:
        expect(page.locator("body")).to_have_attribute("data-cl-state", "ready")
        expect(page.get_by_role("button", name="Entrar")).to_be_visible()
        page.close()
