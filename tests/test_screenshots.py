"""The README's pictures come from `make screenshots` (tests/screenshots.py), which must keep working: it is run
here into a scratch folder, on the shared server and browser, and the README shows exactly its pictures."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

from tests import screenshots

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent


def _size(png: Path) -> tuple[int, int]:
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", png
    return struct.unpack(">II", head[16:24])


def test_make_screenshots_takes_the_readme_pictures(voila_server, browser, tmp_path):
    written = screenshots.take(voila_server, browser, tmp_path)
    assert sorted(p.name for p in written) == sorted(screenshots.PICTURES)
    sizes = {p.name: _size(p) for p in written}
    assert sizes["stage-join.png"] == sizes["stage-results.png"] == sizes["console.png"] == (1366, 768)
    assert sizes["phone.png"] == (412, 915)
    assert all(p.stat().st_size > 10_000 for p in written)  # pictures of something, not blank pages


def test_the_readme_shows_the_generated_pictures():
    readme = (ROOT / "README.md").read_text()
    shown = set(re.findall(r"docs/img/([\w.-]+\.png)", readme))
    assert shown == set(screenshots.PICTURES), shown
    for name in shown:
        assert (ROOT / "docs" / "img" / name).exists(), name
    assert "make screenshots" in readme
