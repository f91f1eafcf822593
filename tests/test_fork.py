"""Page kernels forked from the kernel template (widgets/serving/provisioner.py, kernel_template.py), started
as Voila starts them (jupyter_client's kernel manager with our kernel spec manager), on real processes."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys

import psutil
import pytest
from jupyter_client.manager import AsyncKernelManager

from widgets.config import ROOT
from widgets.serving import kernel, kernel_template, provisioner

pytestmark = pytest.mark.skipif(not provisioner.enabled(), reason="kernels are not forked on this platform")

LOG = logging.getLogger("test_fork")
RANDOM = ("import random, secrets, numpy\n"
          "print(random.getrandbits(64), secrets.token_hex(16), int(numpy.random.randint(1 << 30)))")


class LoopThread:
    """One event loop for the module, as a server has (the template belongs to the loop that started it), run
    in a thread of its own: other tests of the run may leave an event loop set in the main thread."""

    def __init__(self) -> None:
        import threading

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run_until_complete(self, coro, timeout: float = 300):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)
        self.loop.close()


@pytest.fixture(scope="module")
def loop():
    runner = LoopThread()
    yield runner
    task = provisioner._Shared.templates.pop(runner.loop, None)
    if task is not None and task.done() and task.result() is not None:
        task.result().stop()
        runner.run_until_complete(asyncio.sleep(0.1))  # the template's reader sees the end
    runner.close()


async def _start() -> AsyncKernelManager:
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=kernel.PageKernelSpecManager())
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])))
    await km.start_kernel(cwd=str(ROOT / "workshops"), env=env)  # where and how Voila starts page kernels
    return km


async def _client(km: AsyncKernelManager):
    """A client of ``km``'s kernel, connected and answered (the caller stops its channels)."""
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    return kc


async def _run(km: AsyncKernelManager, code: str, timeout: float = 60) -> tuple[dict, str]:
    kc = await _client(km)
    try:
        out: list[str] = []
        reply = await kc.execute_interactive(code, timeout=timeout,
                                             output_hook=lambda m: out.append(m["content"].get("text", "")))
        return reply["content"], "".join(out)
    finally:
        kc.stop_channels()


def _template(loop: LoopThread) -> provisioner.Template:
    return provisioner._Shared.templates[loop.loop].result()


def test_the_template_holds_no_thread_event_loop_or_zmq_context_when_it_forks():
    code = ("import threading, sys\n"
            "from widgets.serving.kernel_template import prepare, check_forkable\n"
            "prepare(); check_forkable()\n"
            "print(threading.active_count(), 'zmq' in sys.modules, 'widgets.workshops.vacas.view' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "True", "True"]  # ZMQ imported, no context; the views imported


def test_the_template_refuses_to_fork_a_process_with_a_thread():
    import threading

    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        with pytest.raises(RuntimeError, match="threads"):
            kernel_template.check_forkable()
    finally:
        stop.set()
        worker.join()


def test_page_kernels_are_forked_from_the_template_and_run_a_page(loop):
    spec = kernel.PageKernelSpecManager().get_kernel_spec("python3")
    assert spec.metadata["kernel_provisioner"]["provisioner_name"] == provisioner.NAME

    async def check():
        km = await _start()
        try:
            assert isinstance(km.provisioner, provisioner.ForkProvisioner)
            assert km.transport == "ipc"  # Unix sockets: no race for TCP ports
            process = psutil.Process(km.provisioner.pid)
            assert process.ppid() == _template(loop).pid
            assert os.getsid(process.pid) == process.pid  # a session of its own
            reply, out = await _run(km, "from widgets.serving.pagebuild import REHEARSED; import os, sys\n"
                                        "print(sorted(REHEARSED), os.getcwd() == sys.path[0])")
            assert reply["status"] == "ok"
            assert out.split()[-1] == "True"
            assert "feliz" in out and "vacas" in out  # the template's rehearsals, not repeated
        finally:
            await km.shutdown_kernel()
        assert not psutil.pid_exists(process.pid) or process.status() == psutil.STATUS_ZOMBIE

    loop.run_until_complete(check())


def test_a_forked_kernel_answers_the_widgets_front_end(loop):
    """ipywidgets was imported by the template, before any kernel: the kernel still answers its front end's
    control comm (every widget's state in one message) and the comms of the widgets it shows."""
    from ipywidgets._version import __control_protocol_version__

    async def check():
        km = await _start()
        kc = await _client(km)
        try:
            reply = await kc.execute_interactive("import ipywidgets as W\nbutton = W.Button(description='Entrar')\n"
                                                 "print(button.model_id)", timeout=60,
                                                 output_hook=lambda m: seen.append(m["content"].get("text", "")))
            assert reply["content"]["status"] == "ok"
            comm_id = "control-" + os.urandom(4).hex()
            kc.shell_channel.send(kc.session.msg(
                "comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}},
                metadata={"version": __control_protocol_version__}))
            kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": comm_id,
                                                              "data": {"method": "request_states"}}))
            while True:
                msg = await kc.get_iopub_msg(timeout=60)
                content = msg["content"]
                if msg["msg_type"] == "comm_close" and content.get("comm_id") == comm_id:
                    raise AssertionError("the kernel refused the control comm")
                if msg["msg_type"] == "comm_msg" and content.get("comm_id") == comm_id:
                    return content["data"]
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    seen: list[str] = []
    data = loop.run_until_complete(check())
    assert data["method"] == "update_states"
    states = data["states"]
    assert states["".join(seen).strip()]["state"]["description"] == "Entrar"


def test_two_forked_kernels_draw_different_random_numbers(loop):
    async def check():
        kms = [await _start(), await _start()]
        try:
            draws = [(await _run(km, RANDOM))[1].split() for km in kms]
            keys = [km.session.key for km in kms]
        finally:
            for km in kms:
                await km.shutdown_kernel()
        assert all(len(d) == 3 for d in draws)
        assert all(a != b for a, b in zip(*draws)), draws  # random, secrets and numpy each
        assert keys[0] != keys[1]

    loop.run_until_complete(check())


def test_interrupting_a_forked_kernel_stops_its_cell_and_the_kernel_goes_on(loop):
    async def check():
        km = await _start()
        kc = await _client(km)
        try:
            msg_id = kc.execute("import time\nprint('sleeping', flush=True)\ntime.sleep(120)")
            while True:  # the cell runs
                msg = await kc.get_iopub_msg(timeout=60)
                if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                    break
            await km.interrupt_kernel()
            while True:
                reply = await kc.get_shell_msg(timeout=60)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            assert reply["content"]["status"] == "error"
            assert reply["content"]["ename"] == "KeyboardInterrupt"
            again = await kc.execute_interactive("print(6 * 7)", timeout=60)
            assert again["content"]["status"] == "ok"
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    loop.run_until_complete(check())


def test_a_forked_kernel_killed_from_outside_is_seen_dead_with_its_signal(loop):
    async def check():
        km = await _start()
        pid = km.provisioner.pid
        os.kill(pid, signal.SIGKILL)
        for _ in range(200):
            if not await km.is_alive():
                break
            await asyncio.sleep(0.05)
        assert not await km.is_alive()
        assert await km.provisioner.poll() == -signal.SIGKILL
        await km.shutdown_kernel(now=True)  # what the server does next: nothing fails

    loop.run_until_complete(check())


def test_shutting_down_a_forked_kernel_now_kills_it(loop):
    async def check():
        km = await _start()
        process = psutil.Process(km.provisioner.pid)
        await km.shutdown_kernel(now=True)
        assert not process.is_running() or process.status() == psutil.STATUS_ZOMBIE

    loop.run_until_complete(check())


def test_when_the_template_is_killed_kernels_start_as_processes_and_the_log_says_so_once(loop, caplog):
    async def check():
        before = await _start()  # forked: it outlives the template
        template = _template(loop)
        with caplog.at_level(logging.WARNING):
            os.kill(template.pid, signal.SIGKILL)
            for _ in range(200):
                if not template.alive:
                    break
                await asyncio.sleep(0.05)
            kms = [await _start(), await _start()]
        try:
            for km in kms:
                assert psutil.Process(km.provisioner.pid).ppid() == os.getpid()  # a process, as before
                reply, out = await _run(km, "print(6 * 7)")
                assert out.strip() == "42"
            reply, out = await _run(before, "print(6 * 7)")
            assert out.strip() == "42"
        finally:
            for km in (before, *kms):
                await km.shutdown_kernel(now=True)
        said = [r.getMessage() for r in caplog.records if "kernel template stopped" in r.getMessage()]
        assert len(said) == 1, said

    loop.run_until_complete(check())


def test_a_template_that_cannot_start_is_reported_once_and_kernels_start_as_before(loop, caplog, monkeypatch):
    monkeypatch.setattr(provisioner._Shared, "templates", {})
    monkeypatch.setattr(provisioner._Shared, "gave_up", False)

    async def check():
        with caplog.at_level(logging.WARNING):
            first = await provisioner.template_for(sys.executable + "-missing", LOG)
            second = await provisioner.template_for(sys.executable, LOG)
        return first, second

    assert loop.run_until_complete(check()) == (None, None)
    said = [r.getMessage() for r in caplog.records if "could not start" in r.getMessage()]
    assert len(said) == 1, said


def test_the_provisioner_is_registered_as_an_entry_point():
    text = (ROOT / "pyproject.toml").read_text()
    assert f'{provisioner.NAME} = "widgets.serving.provisioner:ForkProvisioner"' in text
    assert kernel.fork_provisioner_installed()
    assert json.loads((ROOT / "voila.json").read_text())["VoilaConfiguration"]["kernel_spec_manager_class"] \
        == "widgets.serving.kernel.PageKernelSpecManager"


def _template_process(server_pid: int) -> psutil.Process:
    found = [p for p in psutil.Process(server_pid).children()
             if "widgets.serving.kernel_template" in " ".join(p.cmdline())]
    assert len(found) == 1, found
    return found[0]


def _processes_started_as_kernels(server_pid: int) -> list[psutil.Process]:
    return [p for p in psutil.Process(server_pid).children() if p.cmdline()[1:3] == ["-m", kernel.LAUNCHER]]


@pytest.mark.app
def test_the_test_server_forks_its_page_kernels(voila_server):
    from tests.test_app import assert_clean, fetch

    assert_clean(fetch(voila_server.url("00_bienvenida.ipynb"))[1])
    log = voila_server.log_path.read_text()
    assert "Kernel template ready" in log and "could not start" not in log
    assert _template_process(voila_server.proc.pid).children()  # the pages' kernels
    assert not _processes_started_as_kernels(voila_server.proc.pid)


@pytest.mark.app
def test_pages_are_served_after_the_template_is_killed(tmp_path):
    from tests.conftest import VoilaServer
    from tests.test_app import assert_clean, fetch

    server = VoilaServer(tmp_path)
    try:
        assert_clean(fetch(server.url("00_bienvenida.ipynb"))[1])
        template = _template_process(server.proc.pid)
        forked = template.children()
        template.kill()
        template.wait(30)
        # More pages than the pool holds: the last ones get kernels started after the template died.
        for notebook in ["00_bienvenida.ipynb"] * 6 + ["01_sale_mas_feliz.ipynb"] * 2:
            assert_clean(fetch(server.url(notebook))[1])
        assert _processes_started_as_kernels(server.proc.pid)
        assert any(p.is_running() for p in forked)  # pages already open keep their kernels
        log = server.log_path.read_text()
        assert log.count("The kernel template stopped") == 1
        assert "Traceback" not in log
    finally:
        server.stop()
