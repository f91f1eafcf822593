"""Where things live. Every setting comes from an environment variable with a sensible default."""

from __future__ import annotations

import os
from pathlib import Path

#: Repository root (the folder that holds ``widgets/``, ``data/`` and ``workshops/``).
ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"

#: Environment variable with a SQLAlchemy database URL. Unset: the embedded SQLite file below.
DB_URL_ENV = "CLIENTELITIS_DB_URL"
#: Environment variable with the folder of the embedded SQLite database.
VAR_DIR_ENV = "CLIENTELITIS_VAR"
#: Environment variable with the public base URL participants use (e.g. http://192.168.1.20:8866).
PUBLIC_URL_ENV = "CLIENTELITIS_PUBLIC_URL"


def var_dir() -> Path:
    return Path(os.environ.get(VAR_DIR_ENV) or ROOT / "var")


def default_db_path() -> Path:
    return var_dir() / "clientelitis.sqlite3"


def database_url() -> str:
    """The database URL in force: ``$CLIENTELITIS_DB_URL`` or the embedded SQLite file."""
    url = os.environ.get(DB_URL_ENV, "").strip()
    if url:
        return url
    path = default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def public_url() -> str:
    return os.environ.get(PUBLIC_URL_ENV, "").strip().rstrip("/")
