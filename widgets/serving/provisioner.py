"""Page kernels forked from the kernel template: jupyter_client's kernel provisioner for Voila's pages.

jupyter_client starts every kernel through a *provisioner* named in the kernel spec's metadata
(``kernel_provisioner``; entry point group ``jupyter_client.kernel_provisioners``). :class:`ForkProvisioner`
(registered as ``clientelitis-fork`` in pyproject.toml, named by :class:`~widgets.serving.kernel.PageKernelSpecManager`
for page kernels) is jupyter_client's own local provisioner in every respect but one: instead of starting
``python -m widgets.serving.kernel`` as a new process, it asks the kernel template
(:mod:`widgets.serving.kernel_template`) to fork one. Ports, the connection file, the session key, polling,
signals (interrupt is SIGINT to the kernel's process group), kill and clean-up are the local provisioner's.

The template starts with the first page kernel of the server. Where it cannot run (no ``fork``: Windows; macOS,
whose system libraries are not safe to use after a fork; ``CLIENTELITIS_FORK=0``; it failed to start or was
killed), kernels start as separate processes exactly as before, and the server's log says so once.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

#: The name under which pyproject.toml registers :class:`ForkProvisioner`.
NAME = "clientelitis-fork"
#: Seconds the template may take to import everything before pages stop waiting for it.
START_LIMIT = 120.0


def enabled() -> bool:
    """Whether page kernels should be forked on this machine (``CLIENTELITIS_FORK=0`` turns it off)."""
    if os.environ.get("CLIENTELITIS_FORK", "1") == "0":
        return False
    return hasattr(os, "fork") and sys.platform != "darwin" and sys.platform != "win32"


class TemplateGone(RuntimeError):
    """The template cannot fork this kernel (it stopped, or refused): start it as a process."""


class Template:
    """The server's side of the kernel template: starts it, asks it for kernels, hears when they end."""

    def __init__(self, python: str, log) -> None:
        self.python, self.log = python, log
        self.exits: dict[int, int] = {}
        self.alive = False
        self.pid = 0
        self._pending: dict[int, asyncio.Future] = {}
        self._ids = itertools.count(1)
        self._writer: asyncio.StreamWriter | None = None
        self.proc: subprocess.Popen | None = None

    async def start(self) -> None:
        """Start the template and wait until it has imported everything (raises if it cannot)."""
        t0 = time.monotonic()
        ours, theirs = socket.socketpair()
        try:
            self.proc = subprocess.Popen(
                [self.python, "-m", "widgets.serving.kernel_template", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL)
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        reader, self._writer = await asyncio.open_connection(sock=ours, limit=1 << 20)
        line = await asyncio.wait_for(reader.readline(), START_LIMIT)
        hello = json.loads(line) if line else {"failed": f"it ended with code {self.proc.wait()}"}
        if "ready" not in hello:
            self._writer.close()
            raise RuntimeError(str(hello.get("failed", hello)).strip())
        self.pid, self.alive = hello["ready"], True
        asyncio.ensure_future(self._listen(reader))
        self.log.info("Kernel template ready in %.1f s (pid %s): page kernels are forked from it",
                      time.monotonic() - t0, self.pid)

    async def _listen(self, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            message = json.loads(line)
            if "exit" in message:
                self.exits[message["exit"]] = message["code"]
                continue
            future = self._pending.pop(message["id"], None)
            if future is None or future.done():
                continue
            if "pid" in message:
                future.set_result(message["pid"])
            else:
                future.set_exception(TemplateGone(message.get("error", "refused")))
        self.alive = False
        for future in self._pending.values():
            if not future.done():
                future.set_exception(TemplateGone("the template stopped"))
        self._pending.clear()
        code = await asyncio.get_running_loop().run_in_executor(None, self.proc.wait) if self.proc else None
        self.log.warning("The kernel template stopped (code %s): new page kernels start as separate processes",
                         code)

    async def fork(self, argv: list[str], env: dict[str, str], cwd: str) -> int:
        """Ask the template for a kernel running ``argv``; returns its pid."""
        if not self.alive or self._writer is None:
            raise TemplateGone("the template is not running")
        request_id = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        self._writer.write(json.dumps({"id": request_id, "argv": argv, "env": env, "cwd": cwd}).encode() + b"\n")
        await self._writer.drain()
        return await future

    def stop(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self.alive = False


class ForkedKernel:
    """A forked kernel seen as :class:`subprocess.Popen` sees a child, for jupyter_client's local provisioner.

    Its parent is the template, which reaps it and reports its exit code. Whether it still runs is read from
    the system, so that it is known even while the server's event loop is not reading the template's reports
    (as when the server shuts down) and after the template is gone."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, template: Template) -> None:
        self.pid, self.template = pid, template
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            if self.pid in self.template.exits:
                self.returncode = self.template.exits.pop(self.pid)
            elif not _exists(self.pid):  # ended, its code not heard yet (or never: the template is gone)
                self.returncode = self.template.exits.pop(self.pid, -signal.SIGKILL)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _exists(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie no longer does: its new parent may be slow to reap it, or never do)."""
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


class _Shared:
    """The server's template (started by the first page kernel; one per event loop, and a server has one loop),
    and whether it could not start."""

    templates: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}
    gave_up = False


async def template_for(python: str, log) -> Template | None:
    """The running template for kernels of ``python``, started if need be; None when pages start as processes."""
    if _Shared.gave_up or not enabled():
        return None
    loop = asyncio.get_running_loop()
    if loop not in _Shared.templates:
        _Shared.templates[loop] = loop.create_task(_start(python, log))
    template = await asyncio.shield(_Shared.templates[loop])
    if template is None or not template.alive or template.python != python:
        return None  # it stopped (said once, when it did), or kernels of another Python: not ours to fork
    return template


async def _start(python: str, log) -> Template | None:
    template = Template(python, log)
    try:
        await template.start()
    except Exception as error:  # noqa: BLE001 - any failure means: start kernels as before
        _Shared.gave_up = True
        template.stop()
        log.warning("The kernel template could not start (%s): page kernels start as separate processes", error)
        return None
    return template


class ForkProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, with the kernel forked from the template when it runs.

    Its kernels talk to the server over Unix sockets in the server's private folder of connection files, not
    over TCP ports on the loopback: kernels that start within milliseconds of each other raced for the ports
    jupyter_client picks (by binding a port and releasing it), and a few of a hundred died with "Address
    already in use" before their page was served."""

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        km = self.parent
        if km is not None and enabled() and km.transport == "tcp":
            folder = os.path.dirname(km.connection_file) or os.getcwd()
            km.transport, km.cache_ports = "ipc", False
            km.ip = os.path.join(folder, f"kernel-{self.kernel_id}")  # its sockets: this path + "-" + a number
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        # A caller that captures the kernel's output (a test, a tool; never Voila) gets a process of its own.
        captured = kwargs.get("stdout") is not None or kwargs.get("stderr") is not None
        template = None if captured else await template_for(cmd[0], self.log)
        if template is not None:
            env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
            try:
                pid = await template.fork(list(cmd), env, str(kwargs.get("cwd") or os.getcwd()))
            except TemplateGone as why:
                self.log.debug("kernel started as a process: %s", why)
            else:
                self.process = ForkedKernel(pid, template)
                self.pid = self.pgid = pid  # the kernel leads a session (and process group) of its own
                self.cwd = kwargs.get("cwd", os.getcwd())
                await self._until_listening()
                return self.connection_info
        return await super().launch_kernel(cmd, **kwargs)

    async def _until_listening(self, limit: float = 10.0) -> None:
        """Wait until the kernel has bound its sockets (their files appear), at most ``limit`` seconds.

        A client that connects before then is refused, and ZMQ tries again only after its reconnect interval
        (100 ms): a forked kernel that listens after 50 ms answered its first message after 120-170 ms."""
        info = self.connection_info
        if info.get("transport") != "ipc":
            return
        paths = [f"{info['ip']}-{info[name]}" for name in ("shell_port", "iopub_port", "control_port")]
        deadline = time.monotonic() + limit
        while not all(os.path.exists(path) for path in paths) and time.monotonic() < deadline:
            if self.process.poll() is not None:
                return
            await asyncio.sleep(0.002)
