"""The kernel each page runs: IPython's kernel without the parts a Voila page never uses.

Every participant's page has a kernel of its own, so what a kernel loads is paid a hundred times in a room.
ipykernel imports its debugger (``debugpy`` with ``pydevd``) at start, about 8 MB and a fraction of a
second of CPU per kernel, for a debugging client that a Voila page never connects; plotly's ``nbformat``
import makes ``jsonschema`` build an IRI grammar (``rfc3987_syntax``), 17 MB and 1.8 s of CPU, for a format
check pages never make. ``python -m widgets.serving.kernel`` marks both absent, then starts ipykernel as usual
(ipykernel then reports that no debugger is available, as on a machine without ``debugpy``).

Voila starts it through :class:`PageKernelSpecManager` (``kernel_spec_manager_class`` in ``voila.json``),
which swaps ipykernel's launcher for this one in Python kernel specs. Jupyter itself (nbval, JupyterLab)
keeps the standard kernel.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time

if __name__ == "__main__":
    # A page kernel stopped by the server's Ctrl-C while still importing leaves without a traceback in the
    # facilitator's terminal (ipykernel sets its own handler once it runs).
    signal.signal(signal.SIGINT, signal.SIG_DFL)

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager  # noqa: E402

#: Modules a page kernel treats as not installed.
SKIPPED = ("debugpy", "rfc3987_syntax")
LAUNCHER = "widgets.serving.kernel"


def skip_unused() -> None:
    for name in SKIPPED:
        sys.modules.setdefault(name, None)  # ``import name`` now raises ImportError, as if absent


class PageKernelSpecManager(KernelSpecManager):
    """Kernel specs as installed, with ipykernel's launcher replaced by :data:`LAUNCHER` for pages, and those
    kernels forked from the kernel template where it can run (:mod:`widgets.serving.provisioner`)."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = super().get_kernel_spec(kernel_name)
        argv = list(spec.argv)
        if len(argv) >= 3 and argv[1:3] == ["-m", "ipykernel_launcher"]:
            spec.argv = [argv[0], "-m", LAUNCHER, *argv[3:]]
            if fork_provisioner_installed():
                from widgets.serving.provisioner import NAME

                spec.metadata = {**spec.metadata, "kernel_provisioner": {"provisioner_name": NAME}}
        return spec


def fork_provisioner_installed() -> bool:
    """Whether page kernels may be forked: the machine allows it and the package's entry point is installed."""
    from importlib.metadata import entry_points

    from widgets.serving.provisioner import NAME, enabled

    return enabled() and bool(entry_points(group="jupyter_client.kernel_provisioners", name=NAME))


#: ipykernel 7 warns at every start that its sockets are TCP without encryption. A page kernel listens on the
#: loopback interface only and every message is signed with the page's key; a line per participant in the
#: facilitator's terminal says nothing they can act on (multi-user hosts: docs/deployment.md, "Kernels").
TCP_NOTICE = "Kernel is running over TCP without encryption"
#: jupyter_client interrupts a kernel before it shuts it down; a page kernel is shut down (its page closed
#: while it was being built) and never interrupted otherwise: the interrupted build is not an error.
INTERRUPTED = "KeyboardInterrupt caught in kernel"


class _WithoutNotices(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith((TCP_NOTICE, INTERRUPTED))


def page_kernel_class():
    """IPython's kernel, except that a page kernel asked to shut down leaves at once.

    A page closed while its kernel still builds it (a participant who reloads during a join storm) is shut
    down by the server while the cell runs: ipykernel stops its sockets, the build goes on for nobody, and its
    reply then fails on a closed socket with a traceback in the facilitator's terminal. A page keeps nothing
    in its kernel (answers are in the store), so once the shutdown is answered the process ends."""
    from ipykernel.ipkernel import IPythonKernel

    class PageKernel(IPythonKernel):
        async def shutdown_request(self, stream, ident, parent):
            await super().shutdown_request(stream, ident, parent)
            os._exit(0)

    return PageKernel


class ServerWatch(threading.Thread):
    """Ends the kernel when the server that started it is gone.

    ipykernel's own watch expects the server to be the kernel's parent; a kernel forked from the kernel
    template (:mod:`widgets.serving.kernel_template`) has the template as its parent, and should outlive it."""

    def __init__(self, server_pid: int, every: float = 1.0) -> None:
        super().__init__(name="server-watch", daemon=True)
        self.server_pid, self.every = server_pid, every

    def run(self) -> None:
        while True:
            time.sleep(self.every)
            try:
                os.kill(self.server_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # pragma: no cover - the pid was given to another user's process
                os._exit(1)


def page_config():
    """A page kernel keeps no IPython history: no one reads it, and it saves 300 kernels from writing to one
    history file in the user's home (and each from keeping its SQLite cache)."""
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    return config


def main() -> None:
    try:
        skip_unused()
        from ipykernel.kernelapp import IPKernelApp

        # Read here, not when ipykernel was imported: a forked kernel's environment is set after the import.
        parent = int(os.environ.get("JPY_PARENT_PID") or 0)
        app = IPKernelApp.instance(kernel_class=page_kernel_class(), parent_handle=parent, config=page_config())
        app.log.addFilter(_WithoutNotices())
        app.initialize()
        if app.parent_handle and os.getppid() != app.parent_handle:  # forked: started by the template
            app.poller = ServerWatch(app.parent_handle)
        if "ipywidgets" in sys.modules:  # imported before this kernel existed (the template): the front end's
            sys.modules["ipywidgets"].register_comm_target()  # messages need its comm targets all the same
    except KeyboardInterrupt:  # the server stopped (Ctrl-C) while this kernel was still starting: nothing to say
        sys.exit(0)
    app.start()


if __name__ == "__main__":
    main()
