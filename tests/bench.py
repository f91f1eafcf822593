"""`make bench`: measured numbers, never part of `make test` (speed goals live here, not in tests).

Everything runs on loopback, bounded in count and time, with its own servers and throw-away data:
1. store: concurrent writer processes on one SQLite file (answers lost, write latency p50/p99);
2. aggregate: the facilitator's refresh of every workshop for a room of 200 participants;
3. join storm: N simultaneous requests of the participant app, on our Voila configuration and on stock
   Voila serving the same notebook, measured in the same run.
Prints a table and writes docs/bench-results.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import multiprocessing as mp
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "bench-results.md"


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[k]


# -- 1. store -----------------------------------------------------------------------------------------
def _writer(url: str, room_id: int, idx: int, n: int, out) -> None:
    from widgets.store import Store

    s = Store(url)
    person, _ = s.join(s.room(room_id), f"W{idx}", f"T{idx % 8}")
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        s.save_response(person, "feliz", f"tp{i}", {"enter": 1 + i % 5, "leave": 5 - i % 5})
        times.append(time.perf_counter() - t0)
    out.put(times)


def bench_store(writers: int, answers: int) -> dict:
    from widgets.store import Store

    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
    url = f"sqlite:///{tmp / 'b.sqlite3'}"
    s = Store(url)
    room, _ = s.create_room("Bench", "hotel")
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(url, room.id, i, answers, q)) for i in range(writers)]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    times: list[float] = []
    for _ in procs:
        times += q.get(timeout=600)
    for p in procs:
        p.join(60)
    wall = time.perf_counter() - t0
    stored = len(s.responses(room.id))
    return {"writers": writers, "answers": writers * answers, "stored": stored, "lost": writers * answers - stored,
            "p50_ms": 1000 * pct(times, 50), "p99_ms": 1000 * pct(times, 99), "wall_s": wall}


# -- 2. aggregate -------------------------------------------------------------------------------------
def bench_aggregate(people: int) -> dict:
    os.environ["CLIENTELITIS_VAR"] = tempfile.mkdtemp(prefix="bench-agg-")
    from widgets.demo import seed_demo
    from widgets.facilitator import FacilitatorApp
    from widgets.page import Page
    from widgets.store import Store

    store = Store()
    room, key = seed_demo(store, participants=people)
    app = FacilitatorApp(store, Page({"room": room.code, "key": key}))
    app.watcher.stop()
    results = {}
    for ex, panel in app.panel_by_id.items():
        runs = []
        for _ in range(5):
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
    return results


# -- 3. join storm ------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(config_dir: Path | None, var: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = dict(os.environ, CLIENTELITIS_VAR=str(var))
    cwd = ROOT if config_dir is None else config_dir
    cmd = [sys.executable, "-m", "voila", str(ROOT / "workshops"), f"--port={port}", "--no-browser",
           "--Voila.ip=127.0.0.1"]
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("voila did not start")


def _get(url: str, timeout: float) -> float | None:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            body = resp.read()
        if b"application/vnd.jupyter.widget-view+json" not in body:
            return None
        return time.perf_counter() - t0
    except OSError:
        return None


def bench_storm(n: int, timeout: float) -> dict:
    from widgets.demo import seed_demo
    from widgets.store import Store

    out = {}
    for label, config_dir in (("ours", None), ("stock", Path(tempfile.mkdtemp(prefix="bench-stock-")))):
        var = Path(tempfile.mkdtemp(prefix="bench-storm-"))
        store = Store(f"sqlite:///{var / 'clientelitis.sqlite3'}")
        room, _ = seed_demo(store, participants=8)
        proc, base = _serve(config_dir, var)
        url = f"{base}/voila/render/00_bienvenida.ipynb?room={room.code}"
        try:
            _get(url, timeout)  # one warm-up page (imports cached on disk), not counted
            with cf.ThreadPoolExecutor(max_workers=n) as pool:
                times = list(pool.map(lambda _i: _get(url, timeout), range(n)))
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        ok = [t for t in times if t is not None]
        out[label] = {"ok": len(ok), "n": n, "p50_s": pct(ok, 50), "p95_s": pct(ok, 95), "max_s": max(ok) if ok else float("nan")}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writers", type=int, default=100)
    parser.add_argument("--answers", type=int, default=50)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--storm", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=180)
    args = parser.parse_args(argv)
    rows = []
    store = bench_store(args.writers, args.answers)
    rows += [("store", f"{args.writers} writer processes × {args.answers} answers: lost", f"{store['lost']}", "0"),
             ("store", "write latency p50 (ms)", f"{store['p50_ms']:.1f}", ""),
             ("store", "write latency p99 (ms)", f"{store['p99_ms']:.1f}", "< 50")]
    agg = bench_aggregate(args.people)
    for ex in ("feliz", "varita", "vacas", "clientes", "clientelitis"):
        rows.append(("aggregate", f"{ex}: facilitator refresh, {agg['people']} people (ms)", f"{agg[ex]:.0f}", "< 100"))
    rows.append(("aggregate", "change poll (room version) (ms)", f"{agg['poll_ms']:.2f}", ""))
    storm = bench_storm(args.storm, args.timeout)
    for label in ("ours", "stock"):
        s = storm[label]
        rows.append(("join storm", f"{label}: pages with widgets / requested", f"{s['ok']}/{s['n']}", f"{s['n']}/{s['n']}"))
        rows.append(("join storm", f"{label}: p95 time to full HTML (s)", f"{s['p95_s']:.1f}", "< 3 (ours)"))
    ratio = storm["stock"]["p95_s"] / storm["ours"]["p95_s"] if storm["ours"]["p95_s"] else float("nan")
    rows.append(("join storm", "stock p95 / ours p95", f"{ratio:.1f}×", "≥ 5×"))
    width = max(len(r[1]) for r in rows)
    lines = [f"{'area':<11} {'measure':<{width}} {'value':>10}  target"]
    lines += [f"{a:<11} {m:<{width}} {v:>10}  {t}" for a, m, v, t in rows]
    print("\n".join(lines))
    header = (f"# Benchmark results\n\nMeasured by `make bench` on {platform.node()} ({os.cpu_count()} cores), "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n\n| area | measure | value | target |\n|---|---|---|---|\n")
    RESULTS.write_text(header + "".join(f"| {a} | {m} | {v} | {t} |\n" for a, m, v, t in rows), encoding="utf-8")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
