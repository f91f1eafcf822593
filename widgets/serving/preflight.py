"""Before serving: can a page actually start here? One clear line when it cannot.

Voila answers every page with HTTP 500 when no Jupyter kernel for Python is installed ("No Jupyter kernel for
language 'python' found"), and with a page that never comes to life when our template is missing. Both
happen on an install that lacks a runtime dependency (ipykernel arrived only with the test extras once), and
nothing in the page says why. ``make start`` runs :func:`problems` first and stops on the first one.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

#: The kernel every notebook in workshops/ names (its metadata's kernelspec).
KERNEL = "python3"
#: What a page kernel imports before it can build a page (the notebooks' one line: ``from widgets import apps``).
PAGE_IMPORTS = "import ipykernel.kernelapp, ipywidgets, anywidget, plotly, pandas, sqlalchemy, widgets.apps"


def kernel_problem(kernel_dirs: list[str] | None = None) -> str | None:
    """Why no page kernel can start, or None. ``kernel_dirs``: where to look for kernel specs (default:
    Jupyter's own search path). Looked up as Voila does, so ipykernel's own spec counts when it is installed."""
    from jupyter_client.kernelspec import NoSuchKernel

    from widgets.serving.kernel import PageKernelSpecManager

    manager = PageKernelSpecManager(kernel_dirs=kernel_dirs) if kernel_dirs is not None else PageKernelSpecManager()
    try:
        spec = manager.get_kernel_spec(KERNEL)
    except NoSuchKernel:
        return (f"no Jupyter kernel for Python is installed (kernel spec '{KERNEL}' not found: "
                "the package ipykernel is missing)")
    python = spec.argv[0] if spec.argv else ""
    if python in ("python", "python3"):  # what jupyter_client runs for these: the server's own interpreter
        python = sys.executable
    if not python or not Path(python).exists():
        return f"the Python kernel's interpreter does not exist: {python!r}"
    found = subprocess.run([python, "-c", PAGE_IMPORTS], capture_output=True, text=True, timeout=120)
    if found.returncode != 0:
        last = (found.stderr.strip().splitlines() or ["(no message)"])[-1]
        return f"a page kernel cannot import what pages need ({python}): {last}"
    return None


def template_problem(prefix: str = sys.prefix) -> str | None:
    """Why Voila would not find our page template (or its script) in ``prefix``, or None."""
    from widgets.serving import voila_template

    where = voila_template.target(prefix)
    for needed in ("conf.json", "index.html.j2", "static/clientelitis.js", "static/clientelitis-charts.js"):
        if not (where / needed).is_file():
            return f"the page template '{voila_template.NAME}' is not installed ({where / needed} is missing)"
    return None


def problems(prefix: str = sys.prefix, kernel_dirs: list[str] | None = None) -> list[str]:
    """Everything that keeps a page from starting (empty when pages can start)."""
    return [p for p in (template_problem(prefix), kernel_problem(kernel_dirs)) if p]


def main() -> int:
    found = problems()
    if found:
        print(f"Clientelitis cannot serve pages: {found[0]}. Reinstall with `make clean start`.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
