"""Our Voila template, ``clientelitis``: the page and its small front end (see frontend/ and docs/frontend.md).

Voila looks for templates in Jupyter's data folders (``<prefix>/share/jupyter/voila/templates/<name>``). A wheel
install copies the template there (pyproject's data-files); an editable install (``make``, Binder's postBuild)
does not, so :func:`install` links the checkout's folder there instead, and edits to it show at once.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from widgets.config import ROOT

NAME = "clientelitis"
SOURCE = ROOT / "share" / "jupyter" / "voila" / "templates" / NAME


def target(prefix: str = sys.prefix) -> Path:
    return Path(prefix) / "share" / "jupyter" / "voila" / "templates" / NAME


def install(prefix: str = sys.prefix) -> bool:
    """Make Voila in ``prefix`` find this checkout's template; True when it does."""
    where = target(prefix)
    if not SOURCE.is_dir():  # installed from a wheel: the data-files are the template
        return (where / "index.html.j2").is_file()
    if where.is_symlink() and where.resolve() == SOURCE.resolve():
        return True
    where.parent.mkdir(parents=True, exist_ok=True)
    if where.is_symlink() or where.is_file():
        where.unlink()
    elif where.is_dir():  # an older copy (a non-editable install of another checkout): the checkout wins
        import shutil

        shutil.rmtree(where)
    tmp = where.with_name(f".{NAME}.{os.getpid()}")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(SOURCE, target_is_directory=True)
    tmp.replace(where)
    return True
