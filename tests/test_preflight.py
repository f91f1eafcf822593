"""`make start`'s check before serving: can a page start here? (widgets/serving/preflight.py)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from widgets.serving import preflight


def _kernel_spec(folder: Path, argv0: str) -> str:
    spec = folder / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [argv0, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3", "language": "python"}))
    return str(folder)


def test_this_install_can_serve_pages():
    assert preflight.problems() == []
    out = subprocess.run([str(Path(sys.executable).with_name("clientelitis")), "check"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout == out.stderr == ""


def test_no_python_kernel_is_named_as_such(tmp_path):
    """No spec registered and ipykernel not importable (as in an install without it): jupyter_client has no
    kernel to fall back on, as Voila found none."""
    code = ("import sys; sys.modules['ipykernel'] = None; from widgets.serving import preflight; "
            f"print(preflight.kernel_problem(kernel_dirs=[{str(tmp_path)!r}]))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "no Jupyter kernel for Python" in found and "ipykernel" in found


def test_a_kernel_whose_interpreter_is_gone(tmp_path):
    found = preflight.kernel_problem(kernel_dirs=[_kernel_spec(tmp_path, str(tmp_path / "no-python"))])
    assert "interpreter does not exist" in found


def test_a_kernel_that_cannot_import_what_pages_need(tmp_path):
    """An interpreter without our packages (the base Python under the venv) cannot build a page."""
    base = getattr(sys, "_base_executable", sys.executable)
    found = preflight.kernel_problem(kernel_dirs=[_kernel_spec(tmp_path, base)])
    assert found and "cannot import" in found and "ModuleNotFoundError" in found


def test_a_missing_template_names_the_missing_file(tmp_path):
    found = preflight.template_problem(str(tmp_path))
    assert "page template 'clientelitis' is not installed" in found and "conf.json" in found
    assert preflight.template_problem() is None


def test_the_command_stops_with_one_line(monkeypatch, capsys):
    monkeypatch.setattr(preflight, "problems", lambda: ["no Jupyter kernel for Python is installed", "other"])
    assert preflight.main() == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("Clientelitis cannot serve pages: no Jupyter kernel")
