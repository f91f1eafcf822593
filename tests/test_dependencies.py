"""pyproject.toml, environment.yml and binder/environment.yml pin the same packages at the same versions."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
IGNORED = {"python", "pip"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", re.sub(r"\[.*\]", "", name)).lower().strip()


def pyproject_pins() -> dict[str, str]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = {}
    for dep in deps:
        name, _, version = dep.partition("==")
        assert version, f"not pinned in pyproject.toml: {dep}"
        pins[_norm(name)] = version.strip()
    return pins


def conda_pins(path: Path) -> dict[str, str]:
    env = yaml.safe_load(path.read_text())
    assert env["channels"] == ["conda-forge"], path
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):  # the pip: section
            continue
        name, _, version = dep.partition("=")
        if _norm(name) in IGNORED:
            continue
        assert version and not version.startswith("="), f"not pinned in {path}: {dep}"
        pins[_norm(name)] = version
    return pins


def test_root_environment_matches_pyproject():
    assert conda_pins(ROOT / "environment.yml") == pyproject_pins()


def test_binder_environment_matches_pyproject():
    assert conda_pins(ROOT / "binder" / "environment.yml") == pyproject_pins()


def test_python_version_agrees():
    for path in (ROOT / "environment.yml", ROOT / "binder" / "environment.yml"):
        assert "python=3.11" in yaml.safe_load(path.read_text())["dependencies"]
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"] == ">=3.11"


def frontend_pins() -> dict[str, str]:
    import json

    package = json.loads((ROOT / "frontend" / "package.json").read_text())
    return {**package["dependencies"], **package["devDependencies"]}


def test_frontend_packages_are_pinned_exactly():
    for name, version in frontend_pins().items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"frontend/package.json: pin {name} exactly, not {version}"


def test_frontend_speaks_the_kernels_widget_versions():
    """The page's script must understand the widgets the kernels send: the same anywidget, and the widget
    protocol of the pinned ipywidgets (8.x: @jupyter-widgets/base 6, controls 5)."""
    import json

    pins, front = pyproject_pins(), frontend_pins()
    assert front["anywidget"] == pins["anywidget"]
    assert pins["ipywidgets"].startswith("8.")
    assert front["@jupyter-widgets/base"].startswith("6.") and front["@jupyter-widgets/controls"].startswith("5.")
    from plotly.offline import get_plotlyjs_version

    assert front["plotly.js"] == get_plotlyjs_version()  # the charts draw what plotly.py describes
    lock = json.loads((ROOT / "frontend" / "package-lock.json").read_text())["packages"]
    for name, version in front.items():  # the lock file agrees with the pins (npm ci builds what is committed)
        assert lock[f"node_modules/{name}"]["version"] == version, name
