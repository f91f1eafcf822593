"""Preheated kernel pool planning, quiet kernels for closed pages, and the Voila settings behind them."""

from __future__ import annotations

import json
import time

import pytest

from widgets.ui import browser
from widgets.room import live
from widgets.serving import pool
from widgets.config import ROOT


def test_plan_pool_keeps_the_minimum_when_no_room_is_expected():
    assert pool.plan_pool([], minimum=2, maximum=50) == 2


def test_plan_pool_counts_people_still_to_come_plus_a_margin():
    # 40 expected, 10 in: 30 to come + 4 (10 %) for reloads; 12 expected, none in: 12 + 2
    assert pool.plan_pool([(40, 10), (12, 0)], minimum=2, maximum=100) == 34 + 14


def test_plan_pool_never_goes_over_the_cap_nor_negative():
    assert pool.plan_pool([(100, 0)], minimum=2, maximum=25) == 25
    assert pool.plan_pool([(10, 30)], minimum=0, maximum=25) == 1  # everyone in: only the reload margin
    assert pool.plan_pool([(0, 0), (-5, 3)], minimum=3, maximum=25) == 3


def test_memory_cap_uses_half_the_free_memory():
    gib = 2**30
    assert pool.memory_cap(24 * gib, kernel_mb=150) == 81
    assert pool.memory_cap(24 * gib, kernel_mb=50) == 245  # forked kernels: three times as many
    assert pool.memory_cap(24 * gib, kernel_mb=150, ceiling=60) == 60
    assert pool.memory_cap(100 * 2**20, kernel_mb=50) == 1  # always at least one ready page


def test_pool_demand_lists_open_rooms_in_use(any_store):
    s = any_store
    now = time.time()
    a, _ = s.create_room("Ola 1", "bank", "es", expected_size=40)
    b, _ = s.create_room("Ola 2", "hotel", "es", expected_size=12)
    c, _ = s.create_room("Cerrada", "hotel", "es", expected_size=30)
    s.set_room_status(c.id, "closed")
    for i in range(3):
        s.join(a, f"P{i}", "T")
    demand = sorted(s.pool_demand(since=now - 60))
    assert demand == [(12, 0), (40, 3)]
    assert s.pool_demand(since=time.time() + 3600) == []  # nothing created or visited since then


def test_watcher_pauses_while_nobody_looks(store):
    room, _ = store.create_room("Sala", "bank", "es")
    looking = {"now": True}
    w = live.RoomWatcher(store, room.id, alive=lambda: looking["now"])
    seen, ticks = [], []
    w.subscribe(lambda: seen.append(w.version))
    w.every(1, lambda: ticks.append(1))
    assert w.step(0.0) is True and len(seen) == 1 and len(ticks) == 1
    looking["now"] = False
    store.update_room_state(room.id, open_phase="vacas")  # the room changes while the page is hidden
    assert w.step(1.0) is False
    assert len(seen) == 1 and len(ticks) == 1  # nothing polled, nothing sent: the kernel stays idle
    looking["now"] = True
    assert w.step(2.0) is True
    assert len(seen) == 2 and len(ticks) == 2  # catches up at once


def test_bridge_counts_pings_as_presence():
    b = browser.BrowserBridge()
    start = b.last_alive
    assert b.present(start + 1)
    assert not b.present(start + browser.ABSENT_AFTER + 1)
    b._on_front_message(b, {"alive": 1}, [])
    assert b.last_alive > start or b.last_alive == pytest.approx(start, abs=1)
    assert b.present(b.last_alive + browser.ABSENT_AFTER - 1)
    b._on_front_message(b, {"other": 1}, [])  # anything else is not a ping
    assert "__PING_MS__" not in b._esm and f"const PING_MS = {browser.PING_SECONDS * 1000};" in b._esm


def test_voila_settings_preheat_and_cull_closed_pages_within_two_minutes():
    cfg = json.loads((ROOT / "voila.json").read_text())
    assert cfg["VoilaConfiguration"]["preheat_kernel"] is True
    assert cfg["VoilaConfiguration"].get("progressive_rendering") is not True  # incompatible with preheat
    manager = cfg["VoilaConfiguration"]["multi_kernel_manager_class"]
    module, _, name = manager.rpartition(".")
    assert getattr(__import__(module, fromlist=[name]), name) is pool.RoomPoolKernelManager
    km = cfg["MappingKernelManager"]
    assert km["cull_connected"] is False  # a page someone has open is never culled
    # A page closed without notice sent its last ping before closing: its kernel pauses at most
    # ABSENT_AFTER later, is idle from then on, and the next cull pass after the idle timeout shuts it down.
    assert browser.PING_SECONDS < browser.ABSENT_AFTER  # an open page never looks absent between pings
    assert browser.ABSENT_AFTER + km["cull_idle_timeout"] + km["cull_interval"] <= 120


def test_page_kernels_skip_the_iri_grammar_plotly_would_load():
    import subprocess
    import sys

    code = ("import sys, widgets.apps, plotly.graph_objects as go; from widgets.ui.chartwidget import Chart; "
            "Chart(go.Figure(go.Bar(x=[1], y=[2]))); print(sys.modules.get('rfc3987_syntax', 'absent'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "None"  # never imported: jsonschema was told it is not installed


def test_watcher_ticks_keep_their_period_and_polls_their_cadence(store):
    room, _ = store.create_room("Sala", "bank", "es")
    w = live.RoomWatcher(store, room.id, interval=0.25)
    ticks = []
    w.every(1, lambda: ticks.append(1))
    beats = [0.0, 0.3, 0.55, 0.8, 1.02, 1.3, 1.6, 1.9, 2.01, 2.4, 7.3, 7.6, 8.0, 8.31]
    fired = []
    for at in beats:
        before = len(ticks)
        w.step(at)
        if len(ticks) > before:
            fired.append(at)
    # once a second despite a beat's jitter; after a long gap, once, then a second later again
    assert fired == [0.0, 1.02, 2.01, 7.3, 8.31]
    assert w.pause_after(0.05) == 0.2  # a quick redraw: the next poll an interval after this one began
    assert w.pause_after(0.4) == 0.125  # a slow one: still half an interval for the page's messages


def test_the_server_s_cap_holds_when_50_rooms_declare_100_people_each(store, monkeypatch):
    """Creating rooms needs the organiser's key; even so, what rooms declare never decides the server's memory."""
    from widgets.serving.pool import POOL_CAP, plan_pool, pool_cap

    for i in range(50):
        store.create_room(f"Sala {i}", "bank", "es", expected_size=100)
    demand = store.pool_demand(since=0)
    assert len(demand) == 50 and sum(e for e, _ in demand) == 5000
    monkeypatch.delenv("CLIENTELITIS_POOL_MAX", raising=False)
    assert plan_pool(demand, 2, pool_cap(64 * 2**30, 50)) == POOL_CAP == 100  # plenty of memory: the setting caps
    assert plan_pool(demand, 2, pool_cap(2 * 2**30, 50)) == 20  # little memory (Binder): half of it caps
    assert plan_pool(demand, 2, pool_cap(2 * 2**30, 150)) == 6  # kernels started as processes: fewer
    monkeypatch.setenv("CLIENTELITIS_POOL_MAX", "12")
    assert plan_pool(demand, 2, pool_cap(64 * 2**30, 50)) == 12  # the server's own setting


def test_the_server_may_hold_the_sockets_of_hundreds_of_pages():
    """ZMQ allows 1,023 sockets per context by default: a room of 300 pages ran out of them."""
    import zmq

    context = zmq.Context()
    try:
        assert context.get(zmq.MAX_SOCKETS) == 1023
        limit = pool.room_for_many_pages(context)
        assert limit >= 4096 or limit == context.get(zmq.MAX_SOCKETS)  # what the system's open-file limit allows
        assert context.get(zmq.MAX_SOCKETS) == limit
        sockets = [context.socket(zmq.PAIR) for _ in range(min(limit, 1500) - 1)]  # more than ZMQ's default
        for sock in sockets:
            sock.close()
    finally:
        context.term()
