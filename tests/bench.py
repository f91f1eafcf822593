"""`make bench`: measured numbers, never part of `make test` (speed goals live here, not in tests).

Everything runs on loopback, bounded in count and time, with its own servers and throw-away data:
1. store: 100 page processes, each in its own session, answering at ten times a room's pace (~500 answers/s)
   for 60 s on SQLite and on PostgreSQL (answers lost, write latency p50/p99), at a room's pace, and flat out
   (for information);
2. aggregate: the facilitator's refresh of every workshop for a room of 200 participants;
3. join storm: N simultaneous requests of the participant app, on our Voila configuration (preheated pool
   planned from the room's expected size) and on stock Voila serving the same notebook, in the same run;
4. time to interactive of every app in headless Chromium (warm cache);
5. live latency: 50 simulated participants answer while a marked answer is timed to the console's screen;
6. memory: each kernel's own memory (USS), and how long the kernel of a page closed without notice lives.
Prints a table and writes docs/bench-results.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import multiprocessing as mp
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "bench-results.md"


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[k]


# -- 1. store -----------------------------------------------------------------------------------------
def _like_a_kernel() -> None:
    """Run this simulated participant in its own session, as Voila runs each page's kernel (jupyter_client
    starts every kernel with ``start_new_session=True``). Linux (autogroup) shares the CPU fairly between
    sessions first: a hundred participants in the bench's one session would get, all together, the share of
    the one writer process, and wait on each other for it, which no workshop does."""
    if hasattr(os, "setsid"):
        os.setsid()


def _writer(url: str, room_id: int, idx: int, n: int, pace: float, ready, go, done, out) -> None:
    import random

    from widgets.room.store import Store

    _like_a_kernel()

    s = Store(url)
    person, _ = s.join(s.room(room_id), f"W{idx}", f"T{idx % 8}")
    rng = random.Random(idx)
    ready.put(idx)
    go.wait()  # all writers start together, after every process has imported and joined
    times = []
    first = time.perf_counter()  # CLOCK_MONOTONIC: one clock for every process of the machine
    for i in range(n):
        if pace:
            time.sleep(rng.uniform(0.5, 1.5) * pace)
        t0 = time.perf_counter()
        s.save_response(person, "feliz", f"tp{i}", {"enter": 1 + i % 5, "leave": 5 - i % 5})
        times.append(time.perf_counter() - t0)
    last = time.perf_counter()
    # Report and exit only once every writer is done: a hundred interpreters pickling their results and
    # shutting down take seconds of CPU, which would land on the writers still saving (the measure would be
    # of the harness, not of the store).
    done.wait()
    out.put((times, first, last))


def bench_store(writers: int, answers: int, pace: float = 0.0, url: str | None = None) -> dict:
    """``writers`` processes write ``answers`` each; ``pace`` seconds (±50 %) between one's answers; on a fresh
    SQLite file, or on the database at ``url``."""
    from widgets.room.store import Store

    url = url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-store-')) / 'b.sqlite3'}"
    s = Store(url)
    room, _ = s.create_room("Bench", "hotel")
    ctx = mp.get_context("spawn")
    ready, out, go, done = ctx.Queue(), ctx.Queue(), ctx.Event(), ctx.Barrier(writers)
    procs = [ctx.Process(target=_writer, args=(url, room.id, i, answers, pace, ready, go, done, out))
             for i in range(writers)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=600)
    go.set()
    times: list[float] = []
    firsts, lasts = [], []
    for _ in procs:
        found, first, last = out.get(timeout=600)
        times += found
        firsts.append(first)
        lasts.append(last)
    wall = max(lasts) - min(firsts)
    for p in procs:
        p.join(60)
    stored = len(s.responses(room.id))
    s.dispose()
    return {"writers": writers, "answers": writers * answers, "stored": stored, "lost": writers * answers - stored,
            "p50_ms": 1000 * pct(times, 50), "p99_ms": 1000 * pct(times, 99), "max_ms": 1000 * max(times),
            "wall_s": wall, "rate": writers * answers / wall}


def store_rows(args) -> list[tuple[str, str, str, str]]:
    """One write path, measured: at ten times a room's pace on SQLite and PostgreSQL, at a room's pace, flat out."""
    from tests.conftest import PostgresServer

    n, rows = args.writers, []
    fast_pace = n / 500  # seconds between one process's answers: ~500 answers/s in all
    fast_answers = max(1, round(args.seconds / fast_pace))
    base = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    os.chmod(base, 0o755)
    pg = PostgresServer(base, settings=f"-c max_connections={n + 50}")  # one connection per page, and the rest
    try:
        runs = [("SQLite", bench_store(n, fast_answers, pace=fast_pace)),
                ("PostgreSQL", bench_store(n, fast_answers, pace=fast_pace, url=pg.new_database("bench")))]
    finally:
        pg.stop()
    for label, r in runs:
        rows += [("store", f"{label}: {n} page processes at ten times a room's pace ({r['rate']:.0f} answers/s for "
                  f"{r['wall_s']:.0f} s): lost", f"{r['lost']}", "0"),
                 ("store", f"{label}: the same: write p50 / p99 / max (ms)",
                  f"{r['p50_ms']:.1f} / {r['p99_ms']:.0f} / {r['max_ms']:.0f}", "p99 < 100")]
        print(f"store: {label} {r}", flush=True)
    paced = bench_store(n, max(1, round(args.seconds / 2.0)), pace=2.0)
    flat = bench_store(n, args.answers)
    rows += [("store", f"SQLite: one answer per ~2 s each, a room's pace ({paced['rate']:.0f} answers/s): lost / "
              "write p50 / p99 (ms)", f"{paced['lost']} / {paced['p50_ms']:.1f} / {paced['p99_ms']:.1f}", "0 lost, p99 < 50"),
             ("store", f"SQLite: {n} processes × {args.answers} answers flat out ({flat['rate']:.0f} answers/s; lost "
              f"{flat['lost']}): p50 / p99 / max (ms), for information", f"{flat['p50_ms']:.1f} / {flat['p99_ms']:.0f} / "
              f"{flat['max_ms']:.0f}", "")]
    return rows


# -- 2. aggregate -------------------------------------------------------------------------------------
def _change_one_answer(store, room, row, rng) -> None:
    """Save ``row``'s answer again with one of its 1-5 ratings changed (so the charts really change)."""
    value = dict(row["value"]) if isinstance(row["value"], dict) else row["value"]
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 5:
                value[k] = v % 5 + 1
                break
    from widgets.room.store import Participant

    person = Participant(int(row["participant_id"]), room.id, row["name"], row["team"], 0.0)
    store.save_response(person, row["exercise"], row["item"], value)


def _seed_cows_and_customers(store, room, rng) -> None:
    """The demo room has no cows or customers yet: every participant hunts, votes, scores and maps some."""
    from widgets.workshops.clientes import model as clientes
    from widgets.workshops.vacas import model as vacas
    from widgets.room.store import Participant

    people = store.participants(room.id)
    persons = [Participant(int(r.id), room.id, r.name, r.team, 0.0) for r in people.itertuples(index=False)]
    cow_keys = []
    for i, person in enumerate(persons):
        if i % 3 == 0:
            key = vacas.new_cow_item()
            cow_keys.append(key)
            store.save_response(person, vacas.EXERCISE, key, vacas.cow_value(
                f"Regla {i}", "Así se ha hecho siempre", rng.choice(vacas.KINDS), rng.choice(vacas.WHO),
                [rng.choice(vacas.HOW)], rng.choice(vacas.FREQ)))
        for _ in range(3):
            store.save_response(person, clientes.EXERCISE, clientes.new_item(), clientes.customer_value(
                f"Cliente {rng.randint(1, 40)}", rng.choice(clientes.CATEGORIES), "Informes", rng.randint(1, 5),
                "Avisar antes"))
    for person in persons:
        picks = rng.sample(cow_keys, k=min(3, len(cow_keys)))
        store.save_response(person, vacas.EXERCISE, vacas.VOTES, {k: 1 for k in picks})
        for key in picks[:2]:
            store.save_response(person, vacas.EXERCISE, vacas.SCORE_PREFIX + key,
                                vacas.score_value(rng.randint(1, 5), rng.randint(1, 5)))


def bench_aggregate(people: int) -> dict:
    os.environ["CLIENTELITIS_VAR"] = tempfile.mkdtemp(prefix="bench-agg-")
    from widgets.demo import seed_demo
    from widgets.apps.console import FacilitatorApp
    from widgets.serving.page import Page
    from widgets.room.store import Store

    store = Store()
    room, key = seed_demo(store, participants=people)
    import random

    _seed_cows_and_customers(store, room, random.Random(3))
    app = FacilitatorApp(store, Page({"room": room.code, "key": key}))
    app.watcher.stop()
    results = {}
    rng = random.Random(7)
    everyone = store.responses(room.id)
    for ex, panel in app.panel_by_id.items():
        panel.refresh()
        rows = everyone[everyone["exercise"] == ex]
        runs = []
        for _ in range(7):
            if len(rows):  # a participant answers
                _change_one_answer(store, room, rows.iloc[rng.randrange(len(rows))], rng)
            t0 = time.perf_counter()
            panel.refresh()
            runs.append(time.perf_counter() - t0)
        results[ex] = 1000 * statistics.median(runs)
    t0 = time.perf_counter()
    for _ in range(20):
        store.room_version(room.id)
    results["poll_ms"] = 1000 * (time.perf_counter() - t0) / 20
    results["people"] = people
    results["answers"] = len(store.responses(room.id))
    store.dispose()
    return results


# -- 3. join storm ------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A standalone Voila on loopback: ours (the repository's voila.json) or stock (no configuration)."""

    def __init__(self, label: str, var: Path, extra_env: dict | None = None):
        self.label, self.var = label, var
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = var / "voila.log"
        env = dict(os.environ, CLIENTELITIS_VAR=str(var), **(extra_env or {}))
        # Kernels run in workshops/: make them import this checkout's widgets, whatever the venv points at.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
        cwd = ROOT if label == "ours" else Path(tempfile.mkdtemp(prefix="bench-stock-"))
        cmd = [sys.executable, "-m", "voila", str(ROOT / "workshops"), f"--port={self.port}", "--no-browser",
               "--Voila.ip=127.0.0.1"]
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("voila did not start")

    def url(self, notebook: str, query: str = "") -> str:
        return f"{self.base}/voila/render/{notebook}" + (f"?{query}" if query else "")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_pool(self, notebook: str, size: int, limit: float) -> float:
        """Seconds until Voila reports ``notebook``'s pool filled with ``size`` kernels (nan: not in time)."""
        t0 = time.monotonic()
        needle = f"Kernel pool of {notebook} is filled with {size} kernel(s)"
        while time.monotonic() - t0 < limit:
            if needle in self.log():
                return time.monotonic() - t0
            time.sleep(1)
        return float("nan")

    def wait_for_planned_pool(self, notebook: str, limit: float) -> float:
        """Seconds until ``notebook``'s pool holds the size the server last planned for it (from its log; nan:
        not in time): the room's people may then arrive, as they do minutes after it was created."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit:
            log = self.log()
            plans = list(re.finditer(rf"Kernel pool for {re.escape(notebook)}: \d+ -> (\d+) ready pages", log))
            if plans and f"Kernel pool of {notebook} is filled with {plans[-1].group(1)} kernel(s)" in \
                    log[plans[-1].end():]:
                return time.monotonic() - t0
            time.sleep(1)
        return float("nan")

    def kernels(self) -> list:
        import psutil

        try:  # stock kernels run ``-m ipykernel_launcher`` and name their file; ours are forked
            return [c for c in psutil.Process(self.proc.pid).children(recursive=True) if kernel_id_of(c)]
        except psutil.Error:
            return []

    def kernels_of(self, notebook: str) -> set[str]:
        """Ids of the kernels Voila handed out for ``notebook`` (from its log)."""
        import re

        return set(re.findall(r"Using pre-heated kernel: ([0-9a-f-]{36}) for " + re.escape(notebook), self.log()))

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, 15)
            self.proc.wait(30)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            os.killpg(self.proc.pid, 9)
        self._log.close()


def _get(url: str, timeout: float) -> float | None:
    """Seconds until the whole page arrived with its widgets; None if it failed or took over ``timeout``.

    Read in pieces against a deadline: Voila keeps a slow page's connection alive with heartbeats, so a
    socket timeout alone never fires (a stock kernel that died at start hung the previous run)."""
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            chunks = []
            while chunk := resp.read1(65536):
                chunks.append(chunk)
                if time.perf_counter() - t0 > timeout:
                    return None
            body = b"".join(chunks)
        if b"application/vnd.jupyter.widget-view+json" not in body:
            return None
        return time.perf_counter() - t0
    except OSError:
        return None


def storm(server: Server, url: str, n: int, timeout: float) -> dict:
    with cf.ThreadPoolExecutor(max_workers=n) as pool:
        times = list(pool.map(lambda _i: _get(url, timeout), range(n)))
    ok = [t for t in times if t is not None]
    return {"ok": len(ok), "n": n, "p50_s": pct(ok, 50), "p95_s": pct(ok, 95),
            "max_s": max(ok) if ok else float("nan"),
            "preheated": server.log().count("Using pre-heated kernel") if server.label == "ours" else 0}


def kernel_id_of(proc) -> str:
    """The id of the kernel ``proc`` runs, or an empty string: a kernel started as a process names its connection
    file in its command line; a forked one has the template's command line, and its Unix sockets carry the id."""
    try:
        found = re.search(r"kernel-([0-9a-f-]{36})\.json", " ".join(proc.cmdline()))
        if not found:
            paths = " ".join(c.laddr for c in proc.net_connections(kind="unix") if isinstance(c.laddr, str))
            found = re.search(r"kernel-([0-9a-f-]{36})-\d+", paths)
    except Exception:
        return ""
    return found.group(1) if found else ""


def _uss_mb(procs) -> list[float]:
    out = []
    for p in procs:
        try:
            out.append(p.memory_full_info().uss / 2**20)
        except Exception:
            pass
    return out


# -- 4. time to interactive -------------------------------------------------------------------------
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


#: Seconds from the start of the navigation until an element matching the CSS selector is on screen (laid
#: out, not hidden), or a falsy value while there is none.
SHOWN = """selector => {
  const shown = [...document.querySelectorAll(selector)].some(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
  });
  return shown && performance.now() / 1000;
}"""


def time_to_interactive(server: Server, apps: Callable[[], dict[str, tuple[str, str]]], rounds: int,
                        gap: float) -> dict:
    """Median seconds from navigation to the app's first control visible, per app (cache warmed first)."""
    from playwright.sync_api import sync_playwright

    results: dict[str, list[float]] = {name: [] for name in apps()}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                     args=CHROMIUM_ARGS)
        context = browser.new_context()
        for round_ in range(rounds + 1):  # round 0 warms the browser cache and is not counted
            for name, (url, selector) in apps().items():  # new participants every round
                page = context.new_page()
                try:
                    page.goto(url, wait_until="commit")
                    # Checked in the page at every frame, timed from the start of the navigation (Playwright's
                    # own visibility polling backs off to every 500 ms, which would add up to half a second).
                    elapsed = page.wait_for_function(SHOWN, arg=selector, polling="raf", timeout=60_000).json_value()
                except Exception:  # counted as a failure, shown in the table
                    elapsed = float("nan")
                page.close(run_before_unload=True)
                if round_:
                    results[name].append(elapsed)
                time.sleep(gap)  # the pool refills between visits, as it would between real arrivals
        browser.close()
    return {name: (statistics.median([x for x in v if x == x]) if any(x == x for x in v) else float("nan"),
                   sum(1 for x in v if x != x)) for name, v in results.items()}


# -- 5. live latency --------------------------------------------------------------------------------
def _participants(url: str, room_id: int, first: int, count: int, seconds: float, out) -> None:
    import random

    from widgets.workshops.vacas import model as vacas
    from widgets.room.store import Store

    s = Store(url)
    room = s.room(room_id)
    people = [s.join(room, f"Sim{first + i}", f"Equipo {(first + i) % 6}")[0] for i in range(count)]
    rng = random.Random(first)
    cows = {p.id: 0 for p in people}
    writes, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        person = rng.choice(people)
        if rng.random() < 0.3 and cows[person.id] < 4:  # a hunter posts a few cows, then rates and answers
            cows[person.id] += 1
            value = vacas.cow_value(f"Regla {rng.randint(1, 999)}", "", vacas.KINDS[0], vacas.WHO[0],
                                    [vacas.HOW[0]], vacas.FREQ[2])
            s.save_response(person, vacas.EXERCISE, vacas.new_cow_item(), value)
        else:
            s.save_response(person, "feliz", f"tp{rng.randint(0, 6)}",
                            {"enter": rng.randint(1, 5), "leave": rng.randint(1, 5)})
        writes += 1
        time.sleep(rng.uniform(0.5, 3.5) / count)  # each of the ``count`` people answers every ~2 s
    out.put(writes)


#: Is the text on the console's wall of cows? Checked at every frame. Only the wall's texts are read: reading
#: the whole page's ``innerText`` lays out and serializes hundreds of rows, and at every frame that alone kept
#: the console's main thread busy (the measure slowed down what it measured).
ON_WALL = """t => [...document.querySelectorAll('.cl-cow-wall .cl-wall-text')].some(el => el.textContent.includes(t))"""


def live_latency(server: Server, db_url: str, people: int, markers: int) -> dict:
    from playwright.sync_api import sync_playwright

    from widgets.workshops.vacas import model as vacas
    from widgets.room.store import Store

    store = Store(db_url)
    room, key = store.create_room("Latencia", "bank", "es", expected_size=people + 1)
    store.update_room_state(room.id, phase="vacas", workshops={"vacas": {"revealed": True}})
    marker_person, _ = store.join(room, "Marcadora", "Equipo M")
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    per = 10
    procs = [ctx.Process(target=_participants, args=(db_url, room.id, i * per, per, 30 + markers * 2.5, out))
             for i in range(people // per)]
    for p in procs:
        p.start()
    lat = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                     args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server.url("facilitador.ipynb", f"room={room.code}&key={key}"))
        page.locator(".cl-big-number").first.wait_for(state="visible", timeout=180_000)
        time.sleep(8)  # simulated participants are joining and answering
        for i in range(markers):
            text = f"Marca {i} {os.urandom(3).hex()}"
            value = vacas.cow_value(text, "", vacas.KINDS[1], vacas.WHO[1], [vacas.HOW[1]], vacas.FREQ[3])
            store.save_response(marker_person, vacas.EXERCISE, vacas.new_cow_item(), value)
            t0 = time.perf_counter()  # the answer is committed: the participant saw "saved"
            try:
                page.wait_for_function(ON_WALL, arg=text, polling="raf", timeout=30_000)
                lat.append(time.perf_counter() - t0)
            except Exception:  # not shown within 30 s: counted as never
                lat.append(float("inf"))
            time.sleep(1.0)
        browser.close()
    writes = sum(out.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(30)
    return {"people": people, "markers": markers, "p50_s": pct(lat, 50), "p95_s": pct(lat, 95),
            "max_s": max(lat), "writes": writes}


def long_list(server: Server, db_url: str, entries: int = 300, markers: int = 20) -> dict:
    """A herd of ``entries`` cows: a phone holds the voting list open and the console shows the wall while new
    cows arrive; from each post to the phone's list saying so (its pager's count) and to the row on the
    console's wall; and how many elements the phone's page holds."""
    from playwright.sync_api import sync_playwright

    from widgets.workshops.vacas import model as vacas
    from widgets.room.store import Store

    store = Store(db_url)
    room, key = store.create_room("Manada", "bank", "es", expected_size=10)
    store.update_room_state(room.id, phase="vacas")
    hunters = [store.join(room, f"Cazador {i}", "Equipo")[0] for i in range(10)]
    _me, token = store.join(room, "Teléfono", "Equipo")

    def post(i: int, text: str) -> None:
        value = vacas.cow_value(text, "", vacas.KINDS[0], vacas.WHO[0], [vacas.HOW[0]], vacas.FREQ[2])
        store.save_response(hunters[i % len(hunters)], vacas.EXERCISE, vacas.new_cow_item(), value)

    for i in range(entries):
        post(i, f"Vaca {i:03d}")
    phone_lat, console_lat = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                     args=CHROMIUM_ARGS)
        phone = browser.new_page(viewport={"width": 412, "height": 915})
        phone.goto(server.url("03_vacas_sagradas.ipynb", f"room={room.code}&me={token}"))
        phone.get_by_role("radio", name="2. Votar").click(timeout=120_000)
        console = browser.new_page(viewport={"width": 1400, "height": 1000})
        console.goto(server.url("facilitador.ipynb", f"room={room.code}&key={key}"))
        console.locator(".cl-showing").get_by_role("radio", name=re.compile("Limpiar la casa")).click(timeout=120_000)
        phone.wait_for_function("n => [...document.querySelectorAll('.cl-rows-where')].some(e => e.textContent.includes(`· ${n} `))",
                                arg=entries, timeout=120_000)
        # one screen at a time: waiting for one while the other has long shown the row would time the first
        for k in range(2 * markers):
            text = f"Marca {k} {os.urandom(3).hex()}"
            post(k, text)
            t0 = time.perf_counter()
            if k < markers:
                phone.wait_for_function("n => [...document.querySelectorAll('.cl-rows-where')]"
                                        ".some(e => e.textContent.includes(`· ${n} `))",
                                        arg=entries + k + 1, polling=20, timeout=30_000)
                phone_lat.append(time.perf_counter() - t0)
            else:
                console.wait_for_function(ON_WALL, arg=text, polling=20, timeout=30_000)
                console_lat.append(time.perf_counter() - t0)
            time.sleep(1.0)
        dom = phone.evaluate("document.getElementsByTagName('*').length")
        browser.close()
    return {"entries": entries, "phone_p50_s": pct(phone_lat, 50), "phone_p95_s": pct(phone_lat, 95),
            "console_p50_s": pct(console_lat, 50), "console_p95_s": pct(console_lat, 95), "dom": dom}


def stage_keys(server: Server, room, key: str, presses: int = 32) -> dict:
    """The facilitator's clicker: from a key pressed on the console (→, then ← back) to the projector's stage
    showing the next slide's title, both windows in one browser (one clock), one press at a time."""
    from playwright.sync_api import sync_playwright

    lat = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                     args=CHROMIUM_ARGS)
        laptop = {"width": 1366, "height": 768}
        console = browser.new_page(viewport=laptop)
        console.goto(server.url("facilitador.ipynb", f"room={room.code}&key={key}"))
        console.locator(".cl-console-live").wait_for(timeout=120_000)
        stage = browser.new_page(viewport=laptop)
        stage.goto(server.url("facilitador.ipynb", f"room={room.code}&key={key}&view=projector"))
        stage.locator(".cl-stage-title h1").wait_for(timeout=120_000)
        console.locator("body").press("Home")  # nothing: a key that is no command, the page has the focus
        console.evaluate("() => { window.__pressed = 0; document.addEventListener('keydown', () => "
                         "{ window.__pressed = Date.now(); }, true); }")
        stage.evaluate("() => { window.__shown = 0; new MutationObserver(() => { window.__shown = Date.now(); })"
                       ".observe(document.querySelector('.cl-stage-title'), {subtree: true, childList: true, "
                       "characterData: true}); }")
        for k in range(presses):
            before = stage.locator(".cl-stage-title h1").inner_text()
            console.keyboard.press("ArrowRight" if (k // 8) % 2 == 0 else "ArrowLeft")
            stage.wait_for_function("t => document.querySelector('.cl-stage-title h1').textContent !== t",
                                    arg=before, polling=10, timeout=30_000)
            lat.append((stage.evaluate("window.__shown") - console.evaluate("window.__pressed")) / 1000)
            time.sleep(0.5)
        browser.close()
    return {"presses": len(lat), "p50_s": pct(lat, 50), "p95_s": pct(lat, 95)}


# -- 6. closed pages --------------------------------------------------------------------------------
def closed_page_lifetime(server: Server, url: str, limit: float = 300) -> float:
    """Seconds from closing a page without notice (no beforeunload) until its kernel process is gone."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                     args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        page.locator(":is(.widget-button, .widget-text input):visible").first.wait_for(state="visible", timeout=120_000)
        kernel_id = page.evaluate("() => document.documentElement.innerHTML.match(/kernelId\\W+([0-9a-f-]{36})/)[1]")
        if not any(kernel_id_of(p) == kernel_id for p in server.kernels()):
            return float("nan")  # not the page's kernel: nothing to time
        page.wait_for_timeout(12_000)  # at least one sign of life reaches the kernel
        page.evaluate("() => { navigator.sendBeacon = () => true; }")  # its goodbye is lost, as on a dropped line
        page.close(run_before_unload=False)
        browser.close()  # like a phone whose browser was swiped away: no goodbye, the socket just drops
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if not any(kernel_id_of(p) == kernel_id for p in server.kernels()):
            return time.monotonic() - t0
        time.sleep(1)
    return float("nan")



# -- 7. a kernel ready after its request ---------------------------------------------------------------
def kernel_ready(forked: bool, rounds: int) -> dict:
    """Seconds from asking for a page kernel (as Voila does: our kernel spec manager, jupyter_client's kernel
    manager) until it listens (``start_kernel`` returns) and until it answers its first ``kernel_info``, forked
    from the template or started as a process; medians of ``rounds`` kernels started one after the other (the
    template's own start is not counted). jupyter_client's ``wait_for_ready`` is not used: it then waits 0.2 s
    for IOPub to fall silent."""
    import asyncio

    from jupyter_client.manager import AsyncKernelManager

    from widgets.serving.kernel import PageKernelSpecManager

    previous = os.environ.get("CLIENTELITIS_FORK")
    os.environ["CLIENTELITIS_FORK"] = "1" if forked else "0"

    async def one() -> tuple[float, float]:
        km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=PageKernelSpecManager())
        t0 = time.perf_counter()
        await km.start_kernel(cwd=str(ROOT / "workshops"))
        listening = time.perf_counter() - t0
        kc = km.client()
        kc.start_channels()
        try:
            msg_id = kc.kernel_info()
            while (await kc.get_shell_msg(timeout=120))["parent_header"].get("msg_id") != msg_id:
                pass
            return listening, time.perf_counter() - t0
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    async def run() -> list[tuple[float, float]]:
        await one()  # the template starts with the first kernel
        return [await one() for _ in range(rounds)]

    try:
        times = asyncio.run(run())
    finally:
        if previous is None:
            os.environ.pop("CLIENTELITIS_FORK", None)
        else:
            os.environ["CLIENTELITIS_FORK"] = previous
    return {"listening_s": statistics.median(t[0] for t in times), "answers_s": statistics.median(t[1] for t in times),
            "rounds": rounds}

# -- 8. a room on Binder ----------------------------------------------------------------------------
def _pss_mb(procs) -> float:
    total = 0.0
    for p in procs:
        try:
            total += p.memory_full_info().pss / 2**20
        except Exception:  # a process that ended meanwhile
            pass
    return total


def binder_room(people: int = 40) -> dict:
    """A room of ``people`` as Binder serves it: Voila as an extension of a Jupyter server configured as
    binder/postBuild configures it (binder/jupyter_server_config.json), the console and every participant's page
    opened, each with its kernel. Returns the memory of the server and all its processes (PSS) in MB."""
    import psutil

    from widgets.room.store import Store

    var = Path(tempfile.mkdtemp(prefix="bench-binder-"))
    config = var / "jupyter"  # where binder/postBuild puts them: the environment's settings
    config.mkdir()
    (config / "jupyter_server_config.json").write_bytes((ROOT / "binder" / "jupyter_server_config.json").read_bytes())
    store = Store(f"sqlite:///{var / 'clientelitis.sqlite3'}")
    room, key = store.create_room("Binder", "hotel", "es", expected_size=people)
    tokens = [store.join(room, f"Persona {i}", f"Equipo {i % 5}")[1] for i in range(people)]
    port = _free_port()
    env = dict(os.environ, CLIENTELITIS_VAR=str(var), JUPYTER_CONFIG_PATH=str(config),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])))
    log = open(var / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "jupyter_server", f"--port={port}", "--no-browser",
                               "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--allow-root",
                               f"--ServerApp.root_dir={ROOT}"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/voila/render/workshops"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=5)
                break
            except OSError:
                time.sleep(0.3)
        pages = [f"{base}/facilitador.ipynb?room={room.code}&key={key}"]
        pages += [f"{base}/01_sale_mas_feliz.ipynb?room={room.code}&me={t}" for t in tokens]
        served = sum(_get(url, 120) is not None for url in pages)
        time.sleep(5)
        tree = psutil.Process(server.pid)
        procs = [tree, *tree.children(recursive=True)]
        template = [p for p in tree.children() if "widgets.serving.kernel_template" in " ".join(p.cmdline())]
        kernels = [p for p in procs if p is not tree and p not in template]
        return {"people": people, "served": served, "pages": len(pages), "kernels": len(kernels),
                "forked": sum(1 for p in kernels if template and p.ppid() == template[0].pid),
                "total_mb": _pss_mb(procs), "server_mb": _pss_mb([tree]), "template_mb": _pss_mb(template),
                "per_page_mb": _pss_mb(kernels) / max(1, len(kernels))}
    finally:
        os.killpg(server.pid, 15)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
        log.close()
        store.dispose()



# -- 9. a live room --------------------------------------------------------------------------------------
def live_room_rows(n: int, minutes: float, forked: bool) -> tuple[list, dict]:
    """:func:`tests.live_room.run_live_room` on a server of its own: ``n`` participants on the welcome page
    (where the QR code takes them; it follows the room's workshop), the console in Chromium, ``minutes`` of
    answers; kernels forked from the template or (``forked`` False) started as processes."""
    from tests.live_room import run_live_room
    from widgets.room.store import Store

    var = Path(tempfile.mkdtemp(prefix=f"bench-live-{n}-"))
    store = Store(f"sqlite:///{var / 'clientelitis.sqlite3'}")
    label = "forked" if forked else "processes"
    server = Server("ours", var, extra_env=None if forked else {"CLIENTELITIS_FORK": "0"})
    try:
        r = run_live_room(server, store, n, minutes, notebook="00_bienvenida.ipynb", page_mb=50 if forked else 130,
                          before_storm=lambda: server.wait_for_planned_pool("00_bienvenida.ipynb", 900))
    finally:
        server.stop()
        store.dispose()
    print(f"live room {n} {label}: {r}", flush=True)
    area = f"live {n}"
    storm_target = "p95 < 2" if n == 300 else ""
    rows = [
        (area, f"{label}: pages open / requested; answers sent / lost ({r['run_s'] / 60:.0f} min)",
         f"{r['pages_ok']}/{r['pages_requested']}; {r['answers_sent']} / {r['answers_lost']}", "0 lost"),
        (area, f"{label}: join storm of {r['storm_n']} at once, request to usable p50 / p95 (s)",
         f"{r['storm_p50_s']:.2f} / {r['storm_p95_s']:.2f}", storm_target),
        (area, f"{label}: answer to the console's wall, p50 / p95 (s)",
         f"{r['console_p50_s']:.2f} / {r['console_p95_s']:.2f}", "p95 < 1"),
        (area, f"{label}: answer to 'saved' on the phone, p50 / p95 (s)", f"{r['saved_p50_s']:.2f} / {r['saved_p95_s']:.2f}",
         ""),
        (area, f"{label}: memory per page (PSS), median / max (MB)",
         f"{r['pss_page_median_mb']:.0f} / {r['pss_page_max_mb']:.0f}", "≤ 25" if forked else ""),
        (area, f"{label}: memory in all (PSS: server, template, {r['kernels']} kernels incl. ready ones), end / peak (GB)",
         f"{r['pss_total_mb'] / 1024:.1f} / {r['pss_total_peak_mb'] / 1024:.1f}", ""),
        (area, f"{label}: server / template (PSS, MB)", f"{r['pss_server_mb']:.0f} / {r['pss_template_mb']:.0f}", ""),
        (area, f"{label}: CPU of the server and its kernels (% of one core; machine busy %)",
         f"{r['cpu_tree_core_pct']:.0f} ({r['cpu_machine_busy_pct']:.0f} %)", ""),
        (area, f"{label}: swap grown (MB)", f"{r['swap_growth_mb']:.0f}", "0"),
    ]
    return rows, r


def bench_kernels(args) -> list[tuple[str, str, str, str]]:
    """Kernel start, live rooms of 100 and 300 (forked) and 100 (processes), and a room of 40 on Binder."""
    rows = []
    results = {}
    sizes = [int(n) for n in args.live_sizes.split(",") if n]
    for n, forked in [*((n, True) for n in sizes), (100, False)]:
        if n > args.live_max or (not forked and not args.live_processes):
            continue
        new, results[(n, forked)] = live_room_rows(n, args.live_minutes, forked)
        rows += new
    if (100, True) in results and (100, False) in results:
        on, off = results[(100, True)], results[(100, False)]
        rows.append(("live 100", "processes / forked: memory per page (median PSS) and in all",
                     f"{off['pss_page_median_mb'] / on['pss_page_median_mb']:.1f}× / "
                     f"{off['pss_total_mb'] / on['pss_total_mb']:.1f}×", ""))
    fork, process = kernel_ready(True, 20), kernel_ready(False, 5)
    print(f"kernel ready: forked {fork}, process {process}", flush=True)
    rows.append(("kernels", "forked page kernel: request to listening / to its first answer, median of 20 (ms)",
                 f"{fork['listening_s'] * 1000:.0f} / {fork['answers_s'] * 1000:.0f}", "≤ 50"))
    rows.append(("kernels", "kernel started as a process: request to its first answer, median of 5 (ms; the "
                 "notebook's imports follow)", f"{process['answers_s'] * 1000:.0f}", ""))
    binder = binder_room(40)
    print(f"binder room: {binder}", flush=True)
    rows.append(("binder", f"a room of 40 as Binder serves it (Jupyter server + Voila extension, console and "
                 f"{binder['served'] - 1} participants' pages, {binder['forked']} kernels forked): memory in all (PSS, GB)",
                 f"{binder['total_mb'] / 1024:.2f}", "< 2"))
    rows.append(("binder", "the same: per page / server / template (PSS, MB)",
                 f"{binder['per_page_mb']:.0f} / {binder['server_mb']:.0f} / {binder['template_mb']:.0f}", ""))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writers", type=int, default=100)
    parser.add_argument("--answers", type=int, default=50, help="answers per process, flat out")
    parser.add_argument("--seconds", type=float, default=60, help="length of the paced store runs")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--storm", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--live", type=int, default=50)
    parser.add_argument("--markers", type=int, default=20)
    parser.add_argument("--live-minutes", type=float, default=10, help="how long each live room runs")
    parser.add_argument("--live-max", type=int, default=300, help="the largest live room")
    parser.add_argument("--live-sizes", default="100,300", help="the live rooms with forked kernels")
    parser.add_argument("--live-processes", action=argparse.BooleanOptionalAction, default=True,
                        help="also the room of 100 with kernels started as processes")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: store,aggregate,voila,kernels")
    args = parser.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    rows = []
    if "store" not in skip:
        rows += store_rows(args)
    if "aggregate" not in skip:
        agg = bench_aggregate(args.people)
        for ex in ("feliz", "varita", "vacas", "clientes", "clientelitis"):
            rows.append(("aggregate", f"{ex}: facilitator refresh, {agg['people']} people (ms)", f"{agg[ex]:.0f}", "< 100"))
        rows.append(("aggregate", "change poll (room version) (ms)", f"{agg['poll_ms']:.2f}", ""))
    print("\n".join(f"{a}: {m}: {v}" for a, m, v, _t in rows), flush=True)
    if "voila" not in skip:
        rows += bench_voila(args)
    if "kernels" not in skip:
        rows += bench_kernels(args)
    width = max(len(r[1]) for r in rows)
    lines = [f"{'area':<11} {'measure':<{width}} {'value':>14}  target"]
    lines += [f"{a:<11} {m:<{width}} {v:>14}  {t}" for a, m, v, t in rows]
    print("\n".join(lines))
    header = (f"# Benchmark results\n\nMeasured by `make bench` on {platform.node()} ({os.cpu_count()} cores, "
              f"{_mem_gb():.0f} GB), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
              "Stock = the same notebooks on Voila without our configuration (no preheating, default "
              "settings), measured in the same run.\n\n| area | measure | value | target |\n|---|---|---|---|\n")
    if skip and RESULTS.exists():  # the skipped parts' rows are kept from the file, and the header says so
        kept = [line for line in RESULTS.read_text(encoding="utf-8").splitlines()
                if line.startswith("| ") and _part_of(line.split(" | ")[0][2:]) in skip]
        when = re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", RESULTS.read_text(encoding="utf-8"))
        header = header.replace("\n\n| area", f" Rows of {', '.join(sorted(skip))} are kept from the run before "
                                f"({when.group(0) if when else 'undated'}).\n\n| area")
        rows = [tuple(line[2:-2].split(" | ")) for line in kept] + rows
    RESULTS.write_text(header + "".join(f"| {a} | {m} | {v} | {t} |\n" for a, m, v, t in rows), encoding="utf-8")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0


def _part_of(area: str) -> str:
    """Which part of the bench (``--skip`` name) wrote a row of ``area``."""
    if area in ("store", "aggregate"):
        return area
    if area.startswith(("live ", "kernels", "binder")):
        return "kernels"
    return "voila"


def _mem_gb() -> float:
    import psutil

    return psutil.virtual_memory().total / 2**30


def bench_voila(args) -> list[tuple[str, str, str, str]]:
    from widgets.demo import seed_demo
    from widgets.room.store import Store

    rows = []
    n = args.storm
    results = {}
    for label in ("ours", "stock"):
        var = Path(tempfile.mkdtemp(prefix=f"bench-{label}-"))
        db_url = f"sqlite:///{var / 'clientelitis.sqlite3'}"
        store = Store(db_url)
        room, key = seed_demo(store, participants=8)  # a room in progress, for the later steps
        # The room people are about to join: the facilitator created it saying "about n people".
        arriving, _ = store.create_room("Llegada", "hotel", "es", expected_size=n)
        server = Server(label, var)
        try:
            url = server.url("00_bienvenida.ipynb", f"room={arriving.code}")
            if label == "ours":
                from widgets.serving.pool import plan_pool

                planned = plan_pool(store.pool_demand(since=0), 2, 10**6)
                fill_s = server.wait_for_pool("00_bienvenida.ipynb", planned, limit=600)
                rows.append(("join storm", f"ours: pool planned from the rooms ({n} expected, none in yet): ready pages",
                             f"{planned}", ""))
                rows.append(("join storm", "ours: time to fill the pool after start (s)", f"{fill_s:.0f}", ""))
                for notebook in sorted(p.name for p in (ROOT / "workshops").glob("*.ipynb")):
                    if notebook != "00_bienvenida.ipynb":  # the room was created minutes before: all ready
                        server.wait_for_pool(notebook, 1, limit=120)
                time.sleep(3)
            else:
                _get(url, args.timeout)  # one warm-up page (imports cached on disk), not counted
            results[label] = storm(server, url, n, args.timeout)
            print(f"join storm {label}: {results[label]}", flush=True)
            if label == "ours":
                # The people who arrived fill in the join form: the room no longer expects them, so the pool
                # plans only its margin instead of warming 30 more pages during the measurements below.
                for i in range(n):
                    store.join(arriving, f"Llegada {i}", f"Equipo {i % 5}")
                uss_pages = _uss_mb(server.kernels())
                rows += _after_storm(server, store, room, key, args, uss_pages)
        finally:
            server.stop()
            store.dispose()
    for label in ("ours", "stock"):
        s = results[label]
        rows.append(("join storm", f"{label}: pages with widgets / requested", f"{s['ok']}/{s['n']}", f"{n}/{n}"))
        rows.append(("join storm", f"{label}: p50 / p95 time to full HTML (s)", f"{s['p50_s']:.2f} / {s['p95_s']:.2f}",
                     "p95 < 3 (ours)"))
    ratio = results["stock"]["p95_s"] / results["ours"]["p95_s"] if results["ours"]["p95_s"] else float("nan")
    rows.append(("join storm", "stock p95 / ours p95", f"{ratio:.1f}×", "≥ 5×"))
    return rows


def _after_storm(server: Server, store, room, key: str, args, uss_pages: list[float]) -> list:
    rows = []
    people = [store.join(room, f"TTI {i}", "Equipo T")[1] for i in range(10 * (args.rounds + 1))]
    tokens = iter(people)

    def me(notebook: str) -> tuple[str, str]:
        return server.url(notebook, f"room={room.code}&me={next(tokens)}"), ".cl-app .widget-html"

    time.sleep(15)  # let the pool refill after the storm
    notebooks = {"participant: feliz": "01_sale_mas_feliz.ipynb", "participant: varita": "02_varita_magica.ipynb",
                 "participant: vacas": "03_vacas_sagradas.ipynb", "participant: clientes": "04_todos_tenemos_clientes.ipynb",
                 "participant: clientelitis": "05_clientelitis.ipynb"}

    def apps() -> dict[str, tuple[str, str]]:
        return {
            "welcome (join form)": (server.url("00_bienvenida.ipynb", f"room={room.code}"),
                                    ".widget-button, .widget-text input"),
            **{name: me(nb) for name, nb in notebooks.items()},
            "facilitator console": (server.url("facilitador.ipynb", f"room={room.code}&key={key}"), ".cl-big-number"),
        }

    tti = time_to_interactive(server, apps, rounds=args.rounds, gap=5)
    print(f"time to interactive (median s, failures): {tti}", flush=True)
    for name, (value, failed) in tti.items():
        rows.append(("interactive", f"{name}: median time to interactive (s)",
                     f"{value:.2f}" + (f" ({failed} not in 60 s)" if failed else ""), "< 1.5"))
    live = live_latency(server, f"sqlite:///{server.var / 'clientelitis.sqlite3'}", args.live, args.markers)
    print(f"live latency: {live}", flush=True)
    rows.append(("live", f"{live['people']} simulated participants ({live['writes']} answers): answer on the "
                 "console, p50 / p95 (s)", f"{live['p50_s']:.2f} / {live['p95_s']:.2f}", "p95 < 1"))
    herd = long_list(server, f"sqlite:///{server.var / 'clientelitis.sqlite3'}")
    print(f"long list: {herd}", flush=True)
    rows.append(("live", f"a herd of {herd['entries']} cows: post to the phone's voting list, p50 / p95 (s)",
                 f"{herd['phone_p50_s']:.2f} / {herd['phone_p95_s']:.2f}", "p95 < 1"))
    rows.append(("live", f"the same: post to the console's wall of {herd['entries']} cows, p50 / p95 (s)",
                 f"{herd['console_p50_s']:.2f} / {herd['console_p95_s']:.2f}", "p95 < 1"))
    rows.append(("live", "the phone's page with that list open: elements in its DOM", f"{herd['dom']}", ""))
    keys = stage_keys(server, room, key)
    print(f"stage keys: {keys}", flush=True)
    rows.append(("live", f"a clicker's key on the console to the projector's next slide ({keys['presses']} presses), "
                 "p50 / p95 (s)", f"{keys['p50_s']:.2f} / {keys['p95_s']:.2f}", "p95 < 0.5"))
    import psutil

    consoles = server.kernels_of("facilitador.ipynb")
    console_mb = max(_uss_mb([k for k in server.kernels() if kernel_id_of(k) in consoles]) or [float("nan")])
    pages = [k for k in server.kernels() if kernel_id_of(k) not in consoles]
    uss_now = _uss_mb(pages)
    server_mb = psutil.Process(server.proc.pid).memory_full_info().uss / 2**20
    per_kernel = max(uss_now + uss_pages) if (uss_now or uss_pages) else float("nan")
    rows.append(("memory", f"participant page kernel own memory (USS), median / max of {len(uss_now + uss_pages)} (MB)",
                 f"{statistics.median(uss_now + uss_pages):.0f} / {per_kernel:.0f}", "< 120"))
    rows.append(("memory", "facilitator console kernel (USS, after the live test) / Voila server (MB)",
                 f"{console_mb:.0f} / {server_mb:.0f}", ""))
    fit = (server_mb + console_mb + 100 * per_kernel) / 1024
    rows.append(("memory", "server + console + 100 participants at the max USS (GB)", f"{fit:.1f}", "< 24"))
    print(f"memory: {rows[-2:]}", flush=True)
    lifetime = closed_page_lifetime(server, server.url("00_bienvenida.ipynb", f"room={room.code}"))
    print(f"closed page kernel gone after {lifetime:.0f} s", flush=True)
    rows.append(("memory", "kernel of a page closed without notice: gone after (s)", f"{lifetime:.0f}", "< 120"))
    return rows


if __name__ == "__main__":
    sys.exit(main())
