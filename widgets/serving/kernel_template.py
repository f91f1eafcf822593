"""The kernel template: one process that has imported what a page needs, and forks a page kernel per request.

A page's kernel used to start as a new Python process that imported ipykernel, pandas, Plotly, ipywidgets
and this package: about 2 s of CPU and 110 MB of its own per participant. The template pays that once. It
imports everything, builds each workshop's view once (:func:`~widgets.serving.pagebuild.rehearse`: a first
build costs twice the next ones), freezes the garbage collector so that collections never write to its
objects (a fork shares memory until a page is written), and then waits.
For each kernel the server asks for, it forks: the child starts a session of its own, closes what it
inherited, reseeds its random generators and runs IPython's kernel (:mod:`widgets.serving.kernel`) on the
connection file the server wrote, as ``python -m widgets.serving.kernel -f …`` would.

What went wrong with forking kernels before (ipykernel PRs 410 and 1261) was forking a process that already
had an event loop, threads or a ZMQ context. The template has none of them: it is a plain blocking loop on
one socket to the server, and :func:`check_forkable` refuses to serve otherwise.

Protocol, one JSON object per line on the socket the server passed as ``argv[1]``:

- template → server, once: ``{"ready": pid}``;
- server → template: ``{"id": n, "argv": [...], "env": {...}, "cwd": "..."}``;
- template → server: ``{"id": n, "pid": pid}`` (or ``{"id": n, "error": "..."}``);
- template → server, whenever a kernel ends: ``{"exit": pid, "code": code}`` (negative: killed by a signal).

When the server's end closes, the template leaves; its kernels watch the server themselves, so a kernel
also outlives a template that was killed.
The server's side is :mod:`widgets.serving.provisioner`.
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import socket
import sys
import threading
import traceback

#: Seconds between checks for ended kernels while no request comes.
REAP_EVERY = 0.2
#: The module a page kernel runs (``python -m …``); the only command the template forks.
KERNEL_MODULE = "widgets.serving.kernel"


#: What a page kernel imports: ipykernel with what it imports while a kernel starts, Voila's helper a preheated
#: page waits with (28 MB a page imported on its own before), and every app of the notebooks.
PRELOADED = (
    "faulthandler", "pdb", "ipykernel.debugger", "ipykernel.kernelapp", "IPython.core.completerlib",
    "IPython.extensions.storemagic", "tornado.platform.asyncio", "tornado.queues", "tornado.websocket",
    "voila.utils", "widgets.apps", "widgets.apps.console", "widgets.apps.export_view", "widgets.apps.kit_form",
    "widgets.apps.my_rooms", "widgets.apps.participant_page", "widgets.apps.stage", "widgets.apps.welcome_page",
)


def prepare() -> None:
    """Import and warm what every page needs, then freeze the garbage collector."""
    import importlib

    from widgets.serving.kernel import page_kernel_class, skip_unused

    skip_unused()
    for name in PRELOADED:
        importlib.import_module(name)
    from widgets import apps
    from widgets.serving.pagebuild import rehearse
    from widgets.workshops import registry

    page_kernel_class()
    apps._warm()  # Plotly's property tables, the catalogs
    for exercise in registry.EXERCISES:  # a first build of each view, which costs twice the next ones
        rehearse(exercise)
    gc.collect()
    gc.freeze()


def check_forkable() -> None:
    """Refuse to fork a process that has threads, an event loop or a ZMQ context (see the module's text)."""
    import asyncio.events

    if threading.active_count() != 1:
        raise RuntimeError(f"the kernel template has {threading.active_count()} threads")
    policy = asyncio.events._event_loop_policy
    if asyncio.events._get_running_loop() is not None or (policy is not None and policy._local._loop is not None):
        raise RuntimeError("the kernel template has an event loop")
    zmq = sys.modules.get("zmq")
    if zmq is not None and zmq.Context._instance is not None:
        raise RuntimeError("the kernel template has a ZMQ context")


def _send(sock: socket.socket, message: dict) -> None:
    sock.sendall(json.dumps(message).encode() + b"\n")


def _exit_code(status: int) -> int:
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def reap(sock: socket.socket) -> None:
    """Collect every kernel that ended and tell the server its exit code."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _send(sock, {"exit": pid, "code": _exit_code(status)})


def become_kernel(request: dict, sock: socket.socket, started: int, server_pid: int) -> None:
    """In the forked child: detach, clean up what the template held, and run the kernel. Never returns."""
    code = 1
    try:
        os.setsid()  # a session of its own: the server signals the kernel's group, as for a started process
        os.write(started, b".")
        os.close(started)
        sock.close()
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(server_pid)  # the kernel leaves when the server does (kernel.main)
        cwd = request.get("cwd") or os.getcwd()
        os.chdir(cwd)
        sys.path[0] = cwd  # as ``python -m`` started in ``cwd`` would have it
        reseed()
        argv = request["argv"]
        sys.argv = [argv[0], *argv[3:]]
        from widgets.serving.kernel import main

        main()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)  # never the template's own clean-up


def reseed() -> None:
    """New random state: a forked child would otherwise repeat its siblings' numbers."""
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def fork_kernel(request: dict, sock: socket.socket, server_pid: int) -> int:
    """Fork a kernel for ``request``; returns its pid once it runs in a session of its own."""
    argv = request["argv"]
    if argv[1:3] != ["-m", KERNEL_MODULE]:
        raise ValueError(f"not a page kernel: {argv[:3]}")
    check_forkable()
    ready, started = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready)
        become_kernel(request, sock, started, server_pid)
    os.close(started)
    try:
        os.read(ready, 1)  # empty if the child failed before its session
    finally:
        os.close(ready)
    return pid


def serve(sock: socket.socket) -> None:
    """Answer the server's requests until it closes its end."""
    server_pid = os.getppid()
    _send(sock, {"ready": os.getpid()})
    pending = b""
    while True:
        readable, _, _ = select.select([sock], [], [], REAP_EVERY)
        reap(sock)
        if not readable:
            continue
        data = sock.recv(1 << 20)
        if not data:
            return
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            request = json.loads(line)
            try:
                _send(sock, {"id": request["id"], "pid": fork_kernel(request, sock, server_pid)})
            except Exception as error:  # noqa: BLE001 - told to the server, which starts that kernel as usual
                _send(sock, {"id": request["id"], "error": f"{type(error).__name__}: {error}"})


def main(argv: list[str]) -> None:
    sock = socket.socket(fileno=int(argv[1]))
    for signum in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C or a stop sent to the server's group: the server
        signal.signal(signum, signal.SIG_IGN)  # shuts its kernels down, then closes our socket and we leave
    try:
        prepare()
        check_forkable()
    except Exception:
        traceback.print_exc()
        _send(sock, {"failed": traceback.format_exc(limit=1)})
        sys.exit(1)
    try:
        serve(sock)
    except (BrokenPipeError, ConnectionResetError):
        pass


if __name__ == "__main__":
    main(sys.argv)
