"""The package's shape: the folders docs/architecture.md draws, modules of a readable size, one registry."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "widgets"


def _diagram() -> str:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    return text.split("## The folders", 1)[1].split("```")[1]


def test_the_diagram_draws_every_folder_and_no_other():
    drawn = set(re.findall(r"^ +([a-z0-9_]+)/", _diagram(), re.M))  # indented: the folders inside widgets/
    folders = {p.name for p in PACKAGE.rglob("*") if p.is_dir() and p.name != "__pycache__"}
    assert drawn == folders


def test_the_diagram_names_every_top_level_module():
    drawn = _diagram()
    for module in PACKAGE.glob("*.py"):
        if module.name != "__init__.py":
            assert module.name in drawn, module.name


def test_no_module_is_much_over_500_lines():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")}
    assert max(sizes.values()) <= 520, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]


def test_each_workshop_is_one_folder_and_one_registry_entry():
    from widgets.apps import slides
    from widgets.workshops.registry import EXERCISES

    folders = sorted(p.name for p in (PACKAGE / "workshops").iterdir() if p.is_dir() and p.name != "__pycache__")
    assert sorted(EXERCISES) == folders
    for name in folders:
        assert {p.name for p in (PACKAGE / "workshops" / name).glob("*.py")} >= {"model.py", "view.py", "charts.py"}
    # the projector's slides and the report's sections come from the registry, in its order
    assert [s for s in slides.sequence(list(EXERCISES)) if s.startswith("open:")] == [f"open:{e}" for e in EXERCISES]
    assert all(len(e.parts) >= 2 and callable(e.report) and callable(e.tables) for e in EXERCISES.values())


def test_nothing_in_the_store_is_linux_only():
    """The core path runs on macOS and Windows laptops: no abstract sockets, /dev/shm, /proc or fcntl."""
    for path in [*(PACKAGE / "room").glob("*.py"), *(PACKAGE / "workshops").rglob("*.py"), *(PACKAGE / "apps").glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for linux_only in ("/dev/shm", "/proc/", "import fcntl", "AF_UNIX", "\\0clientelitis"):
            assert linux_only not in text, (path.name, linux_only)
