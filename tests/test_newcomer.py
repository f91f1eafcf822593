"""What a newcomer gets: the README's first command, `make start`, in a fresh virtual environment.

Every other test runs in the test environment, whose extras (nbval, playwright...) bring packages the served
apps need too: once, ipykernel came only through nbval, and every page of a fresh `make start` answered
HTTP 500 while the whole suite passed. This test installs the package as `make start` does (a new venv, no
test extras), with no Jupyter kernels or settings of this machine's user in sight, starts the server with
the repository's configuration, and opens every app.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.test_app import NOTEBOOKS, assert_clean, fetch

ROOT = Path(__file__).resolve().parent.parent
#: Installing into an empty venv takes about a minute with pip's cache warm (the test run's own install).
INSTALL_LIMIT = 900
#: What no ordinary start and visit may print in the facilitator's terminal: tracebacks, errors, warnings.
NOISE = re.compile(r"Traceback|[A-Za-z]+Error\b|[A-Za-z]*Warning\b|\bWARNING\b|\bERROR\b|[Dd]eprecat")
#: ... except what this machine's own pip configuration says of its missing local mirrors (not ours to fix).
MACHINE = re.compile(r"^WARNING: Location 'file://\S+' is ignored")


def newcomer_env(tmp: Path, **more: str) -> dict[str, str]:
    """This machine's environment as a newcomer's shell has it: nothing of the test run (its venv, its
    settings) and no Jupyter kernels or configuration of this user (they would hide a missing kernel)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CLIENTELITIS_", "JUPYTER", "VIRTUAL_ENV", "PYTHONPATH", "IPYTHONDIR", "PYTEST"))}
    venv_bin = str(ROOT / ".venv" / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    for name in ("JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        env[name] = str(tmp / name.lower())
    env["CLIENTELITIS_VAR"] = str(tmp / "var")
    env.update(more)
    return env


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory) -> Path:
    """A folder for the newcomer's venv and data, shared by this module's tests (one install)."""
    return tmp_path_factory.mktemp("newcomer")


class MakeTarget:
    """``make <target>`` run from the repository with ``VENV`` in ``tmp``."""

    def __init__(self, tmp: Path, target: str, **variables: str):
        self.log_path = tmp / f"make-{target}.log"
        self._log = open(self.log_path, "w")
        args = ["make", target, f"VENV={tmp / 'venv'}", *(f"{k}={v}" for k, v in variables.items())]
        self.proc = subprocess.Popen(args, cwd=ROOT, env=newcomer_env(tmp), stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, url: str, limit: float) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"`make` exited {self.proc.returncode}:\n{self.log()[-4000:]}")
            try:
                urllib.request.urlopen(url, timeout=10)
                return
            except urllib.error.HTTPError as exc:
                pytest.fail(f"{url} answered HTTP {exc.code}:\n{self.log()[-4000:]}")
            except OSError:
                time.sleep(1)
        pytest.fail(f"nothing served at {url} within {limit:.0f} s:\n{self.log()[-4000:]}")

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # already gone
        self._log.close()


def join_reload_and_leave(browser, join_url: str, console_url: str) -> None:
    """What every participant does: open the join link, join, reload the page, close it; and the console."""
    from playwright.sync_api import expect

    phone = browser.new_context(viewport={"width": 412, "height": 915})
    page = phone.new_page()
    page.goto(join_url)
    page.get_by_placeholder("como quieres que te vean").fill("Nueva Persona")
    page.get_by_placeholder("elige o escribe uno").fill("Caja")
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_text("¡Hola, Nueva Persona!")).to_be_visible()
    page.reload()
    expect(page.get_by_text("¡Hola, Nueva Persona!")).to_be_visible()
    console = phone.new_page()
    console.goto(console_url)
    expect(console.locator("body")).to_have_attribute("data-cl-state", "ready")
    phone.close()


@pytest.mark.app
@pytest.mark.browser
def test_make_start_alone_serves_every_app_in_a_fresh_environment(newcomer, browser):
    tmp_path = newcomer
    port = free_port()
    start = MakeTarget(tmp_path, "start", PORT=str(port))
    base = f"http://localhost:{port}/voila/render"
    try:
        start.wait_for(f"http://localhost:{port}/", INSTALL_LIMIT)
        for notebook in NOTEBOOKS:
            status, html = fetch(f"{base}/{notebook}")
            assert status == 200, notebook
            assert_clean(html)
        # The demo room `make start` seeds, as its printed links open it: the participant's join form and
        # the facilitator's console.
        code = re.search(r"code ([A-Z0-9]{6})", start.log()).group(1)
        console = re.search(r"console\s*: (\S+)", start.log()).group(1)
        for url in (f"{base}/00_bienvenida.ipynb?room={code}", console):
            status, html = fetch(url)
            assert status == 200, url
            assert_clean(html)
        join_reload_and_leave(browser, f"{base}/00_bienvenida.ipynb?room={code}", console)
    finally:
        start.stop()
    log = start.log()
    # The venv really is a newcomer's: the test extras are not in it.
    python = tmp_path / "venv" / "bin" / "python"
    extras = subprocess.run([str(python), "-c", "import nbval"], capture_output=True)
    assert extras.returncode != 0, "the newcomer's venv has the test extras: it would hide missing dependencies"
    noisy = [line for line in log.splitlines() if NOISE.search(line) and not MACHINE.match(line)]
    assert not noisy, "\n".join(noisy[:20])


@pytest.mark.app
def test_make_lab_opens_jupyterlab_on_the_workshops(newcomer):
    """JupyterLab comes with the package; ``make lab`` serves it on the workshops folder."""
    tmp_path = newcomer
    port = free_port()
    lab = MakeTarget(tmp_path, "lab", LAB_PORT=str(port), LAB_ARGS="--no-browser --IdentityProvider.token=t")
    try:
        lab.wait_for(f"http://localhost:{port}/api/status?token=t", INSTALL_LIMIT)
        with urllib.request.urlopen(f"http://localhost:{port}/api/contents?token=t", timeout=30) as resp:
            names = {item["name"] for item in json.load(resp)["content"]}
        assert set(NOTEBOOKS) <= names
        with urllib.request.urlopen(f"http://localhost:{port}/lab?token=t", timeout=30) as resp:
            assert resp.status == 200 and "JupyterLab" in resp.read().decode("utf-8")
    finally:
        lab.stop()
