"""The kernel each page runs: IPython's kernel without the parts a Voila page never uses.

Every participant's page has a kernel of its own, so what a kernel loads is paid a hundred times in a room.
ipykernel imports its debugger (``debugpy`` with ``pydevd``) at start, about 8 MB and a fraction of a
second of CPU per kernel, for a debugging client that a Voila page never connects; plotly's ``nbformat``
import makes ``jsonschema`` build an IRI grammar (``rfc3987_syntax``), 17 MB and 1.8 s of CPU, for a format
check pages never make. ``python -m widgets.kernel`` marks both absent, then starts ipykernel as usual
(ipykernel then reports that no debugger is available, as on a machine without ``debugpy``).

Voila starts it through :class:`PageKernelSpecManager` (``kernel_spec_manager_class`` in ``voila.json``),
which swaps ipykernel's launcher for this one in Python kernel specs. Jupyter itself (nbval, JupyterLab)
keeps the standard kernel.
"""

from __future__ import annotations

import sys

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

#: Modules a page kernel treats as not installed.
SKIPPED = ("debugpy", "rfc3987_syntax")
LAUNCHER = "widgets.kernel"


def skip_unused() -> None:
    for name in SKIPPED:
        sys.modules.setdefault(name, None)  # ``import name`` now raises ImportError, as if absent


class PageKernelSpecManager(KernelSpecManager):
    """Kernel specs as installed, with ipykernel's launcher replaced by :data:`LAUNCHER` for pages."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = super().get_kernel_spec(kernel_name)
        argv = list(spec.argv)
        if len(argv) >= 3 and argv[1:3] == ["-m", "ipykernel_launcher"]:
            spec.argv = [argv[0], "-m", LAUNCHER, *argv[3:]]
        return spec


def main() -> None:
    skip_unused()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
