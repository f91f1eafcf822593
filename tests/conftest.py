"""Shared fixtures: a real SQLite file per test, one real Voila server and one headless Chromium per run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def store(tmp_path):
    from widgets.room.store import Store

    s = Store(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    yield s
    s.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class VoilaServer:
    def __init__(self, var_dir: Path, db_url: str | None = None, *, port: int | None = None,
                 own_process_group: bool = False):
        """``port``: a fixed port (a restarted server keeps its links); ``own_process_group``: the server leads
        its own process group, so a test can ``os.killpg`` it without touching the test run."""
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.var_dir = var_dir
        self.db_url = db_url
        self.log_path = var_dir / "voila.log"
        env = dict(os.environ, CLIENTELITIS_VAR=str(var_dir))
        env.setdefault("CLIENTELITIS_POOL_MAX", "3")  # a test server keeps a few ready pages, not a room's worth
        # Kernels run in workshops/: make them import this checkout's widgets, whatever the venv points at.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
        if db_url:
            env["CLIENTELITIS_DB_URL"] = db_url
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voila", "workshops", f"--port={self.port}", "--no-browser",
             "--Voila.ip=127.0.0.1"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            process_group=0 if own_process_group else None,
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(self.base + "/", timeout=5)
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("voila did not start:\n" + self.log_path.read_text())
                time.sleep(0.3)

    def url(self, notebook: str, query: str = "") -> str:
        return f"{self.base}/voila/render/{notebook}" + (f"?{query}" if query else "")

    def organiser_url(self) -> str:
        """The welcome page as the organiser opens it (the link `make start` prints; a new key each call)."""
        store = self.store()
        try:
            return self.url("00_bienvenida.ipynb", f"org={store.new_organiser_key()}")
        finally:
            store.dispose()

    def store(self):
        from widgets.room.store import Store

        return Store(self.db_url or f"sqlite:///{self.var_dir / 'clientelitis.sqlite3'}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory):
    server = VoilaServer(tmp_path_factory.mktemp("voila"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # Pages render widgets after load; waiting is bounded, never a sleep.
    expect.set_options(timeout=60_000)

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(60_000)
    yield ctx
    ctx.close()


class PostgresServer:
    """A throw-away PostgreSQL server (Debian's package) on a free loopback port, run as the postgres user
    when the tests run as root (PostgreSQL refuses to run as root)."""

    def __init__(self, base: Path, settings: str = "-c fsync=off"):
        """``settings``: server options (the tests turn fsync off; the bench keeps PostgreSQL's defaults)."""
        import glob
        import pwd
        import shutil

        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
        if not bins:
            pytest.fail("PostgreSQL not found: `make test` installs Debian's postgresql package")
        self.bin = Path(bins[-1]).parent
        self.port = free_port()
        self.data = base / "pgdata"
        self.data.mkdir()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            for path in (base, self.data):
                shutil.chown(path, user.pw_uid, user.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.log = base / "pg.log"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-o",
                  f"-p {self.port} -k {base} -c listen_addresses=127.0.0.1 {settings}", "start")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *cmd: str) -> None:
        subprocess.run([*self.prefix, *cmd], check=True, capture_output=True, timeout=120)

    def new_database(self, name: str) -> str:
        import sqlalchemy as sa

        engine = sa.create_engine(self.url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine.dispose()
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")


@pytest.fixture(scope="session")
def postgres():
    base = Path(tempfile.mkdtemp(prefix="clientelitis-pg-"))
    os.chmod(base, 0o755)
    server = PostgresServer(base)
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, tmp_path):
    """The same store tests on a real SQLite file and on a real PostgreSQL database."""
    from widgets.room.store import Store

    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    else:
        pg = request.getfixturevalue("postgres")
        s = Store(pg.new_database("t_" + os.urandom(6).hex()))
    yield s
    s.dispose()
