"""What a page kernel loads (no debugger), and the trace types our charts use (those the charts' module has)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from widgets.config import ROOT
from widgets.serving import kernel


# Run in a fresh interpreter: the apps are built as a page builds them, and their charts are read back.
_EVERY_CHART = """
import json, os, tempfile
os.environ["CLIENTELITIS_VAR"] = tempfile.mkdtemp()
from ipywidgets.widgets.widget import _instances
from widgets.room.store import Store
from widgets.demo import seed_demo
from widgets.serving.page import Page
from widgets.apps.console import FacilitatorApp
from widgets.apps.participant_page import ParticipantApp
from widgets.ui.chartwidget import Chart
from widgets.workshops.registry import EXERCISES

store = Store()
room, key = seed_demo(store, participants=12)
token = store.join(room, "Lean", "Equipo 1")[1]
store.update_room_state(room.id, revealed=True)
console = FacilitatorApp(store, Page({"room": room.code, "key": key}))
console.watcher.stop()
for panel in console.panels:
    panel.refresh()
for ex in EXERCISES:
    ParticipantApp(store, Page({"room": room.code, "me": token}), ex)
charts = [w for w in list(_instances.values()) if isinstance(w, Chart)]
print(json.dumps({"charts": len(charts), "types": sorted({t["type"] for c in charts for t in c.figure.get("data", [])})}))
"""


def test_every_chart_we_draw_uses_a_trace_type_the_charts_module_registers():
    from widgets.ui.chartwidget import TRACE_TYPES

    out = subprocess.run([sys.executable, "-c", _EVERY_CHART], capture_output=True, text=True, cwd=ROOT, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["charts"] >= 10 and result["types"]
    assert set(result["types"]) <= TRACE_TYPES, set(result["types"]) - TRACE_TYPES  # add it to TRACE_TYPES


def test_voila_starts_page_kernels_with_our_launcher():
    manager = kernel.PageKernelSpecManager()
    spec = manager.get_kernel_spec("python3")
    assert spec.argv[1:3] == ["-m", "widgets.serving.kernel"]
    assert "{connection_file}" in spec.argv
    stock = kernel.KernelSpecManager().get_kernel_spec("python3")
    assert stock.argv[1:3] == ["-m", "ipykernel_launcher"]  # Jupyter itself keeps the standard kernel
    config = json.loads((ROOT / "voila.json").read_text())
    assert config["VoilaConfiguration"]["kernel_spec_manager_class"] == "widgets.serving.kernel.PageKernelSpecManager"


def test_a_page_kernel_runs_without_the_debugger():
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3", kernel_spec_manager=kernel.PageKernelSpecManager())
    km.start_kernel(cwd=str(ROOT / "workshops"))  # where Voila starts them
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        seen = []
        reply = kc.execute_interactive(
            "import sys; print(sorted(n for n in ('debugpy', 'rfc3987_syntax') if sys.modules.get(n, 0) is None))",
            timeout=60, output_hook=lambda m: seen.append(m["content"].get("text", "")))
        assert reply["content"]["status"] == "ok"
        assert "".join(seen).strip() == "['debugpy', 'rfc3987_syntax']"
        assert not kc.kernel_info(reply=True)["content"].get("debugger", False)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_a_page_kernel_shut_down_while_building_leaves_quietly(tmp_path):
    """A page closed while its kernel still runs the cell (a reload in a join storm): the kernel answers the
    shutdown and ends, and nothing is printed (no reply sent to closed sockets later, no traceback)."""
    from jupyter_client.manager import KernelManager

    log = tmp_path / "kernel.log"
    km = KernelManager(kernel_name="python3", kernel_spec_manager=kernel.PageKernelSpecManager())
    with open(log, "w") as out:
        km.start_kernel(cwd=str(ROOT / "workshops"), stdout=out, stderr=out)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            kc.execute("import time; time.sleep(3)")  # the build goes on, and would reply after the shutdown
            km.request_shutdown()
            km.finish_shutdown(waittime=30)
            assert not km.is_alive()
        finally:
            kc.stop_channels()
            km.cleanup_resources()
    text = log.read_text()
    assert "Traceback" not in text and "Error" not in text, text
    assert kernel.TCP_NOTICE not in text  # nor the notice of every start


def test_the_server_log_skips_writes_to_pages_that_left_and_nothing_else():
    import asyncio

    from tornado.websocket import WebSocketClosedError

    from widgets.serving import server_log

    loop = asyncio.new_event_loop()
    seen = []
    loop.set_exception_handler(lambda _loop, context: seen.append(context["message"]))
    server_log.quiet_closed_pages(loop)
    server_log.quiet_closed_pages(loop)  # once per loop
    loop.call_exception_handler({"message": "gone", "exception": WebSocketClosedError()})
    loop.call_exception_handler({"message": "real", "exception": KeyError("x")})
    loop.call_exception_handler({"message": "no exception"})
    loop.close()
    assert seen == ["real", "no exception"]


def test_a_page_that_leaves_while_its_socket_opens_ends_the_handshake_quietly():
    """jupyter_server's kernel websocket handler, with a page gone mid-handshake (its connection dropped): the
    handshake is aborted (tornado aborts on ValueError) instead of two tracebacks; a live one is unchanged."""
    from types import SimpleNamespace

    import pytest
    from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

    from widgets.serving import server_log

    server_log.pages_may_leave_while_connecting()
    server_log.pages_may_leave_while_connecting()  # once
    gone = SimpleNamespace(connection=None)
    with pytest.raises(ValueError):
        KernelWebsocketHandler.select_subprotocol(gone, ["v1.kernel.websocket.jupyter.org"])
    KernelWebsocketHandler.on_close(gone)  # nothing to close, no AttributeError
    live = SimpleNamespace(connection=SimpleNamespace(kernel_ws_protocol=None, disconnect=lambda: None))
    assert KernelWebsocketHandler.select_subprotocol(live, ["v1.kernel.websocket.jupyter.org"]) == \
        "v1.kernel.websocket.jupyter.org"
    KernelWebsocketHandler.on_close(live)
    assert live.connection is None
