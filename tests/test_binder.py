"""Binder configuration, checked by repo2docker itself (no Docker needed with --no-build)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_repo2docker_uses_binder_environment_and_postbuild():
    r2d = Path(sys.executable).with_name("repo2docker")
    out = subprocess.run(
        [str(r2d), "--no-build", "--debug", "."], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-3000:]
    dockerfile = out.stdout + out.stderr
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "binder/environment.yml"' in dockerfile
    assert "RUN ./binder/postBuild" in dockerfile


def test_postbuild_is_strict_executable_and_installs_the_package():
    path = ROOT / "binder" / "postBuild"
    text = path.read_text()
    assert text.startswith("#!/bin/bash") and "\nset -e\n" in text
    assert "pip install" in text and "-e ." in text
    assert path.stat().st_mode & stat.S_IXUSR


def test_readme_badge_opens_welcome_app_in_voila():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "https://mybinder.org/badge_logo.svg" in readme
    assert "urlpath=voila%2Frender%2Fworkshops%2F00_bienvenida.ipynb" in readme
    assert (ROOT / "workshops" / "00_bienvenida.ipynb").exists()


def test_readme_second_badge_opens_jupyterlab_on_the_workshops():
    """JupyterLab is a dependency (pyproject, both environment files), and a badge opens it on workshops/."""
    import tomllib

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count("https://mybinder.org/badge_logo.svg") == 2
    assert "urlpath=lab%2Ftree%2Fworkshops" in readme
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.startswith("jupyterlab==") for d in deps) and any(d.startswith("ipykernel==") for d in deps)


def test_ci_runs_make_test():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and os.access(ROOT / ".ci" / "run", os.X_OK)
