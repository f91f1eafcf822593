"""The database's shape: tables, the rows as dataclasses, refusals, the engine, the answers' SQL and the
migrations (``MIGRATIONS[n]`` upgrades schema version n to n + 1). ``store.py`` is the only user.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from widgets.ui.text import TextError, validate_text

SCHEMA_VERSION = 5

#: Room codes avoid look-alike characters (0/O, 1/I/L, 5/S, 2/Z, 8/B) so they can be read off a projector.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
ROOM_NAME_MAX = 80
#: The ``meta`` row holding the hash of the organiser's key.
ORGANISER_KEY = "organiser_key_hash"
#: Rooms the welcome page may create in a minute (the command line is not limited); ``$CLIENTELITIS_ROOMS_PER_MINUTE``
#: changes it.
ROOMS_PER_MINUTE = 10
NAME_MAX = 40  # a participant's name, and a team's

metadata = sa.MetaData()

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

rooms = sa.Table(
    "rooms",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("industry", sa.String(64), nullable=False),
    sa.Column("lang", sa.String(8), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, default="open"),
    sa.Column("facilitator_key_hash", sa.String(64), nullable=False),
    sa.Column("expected_size", sa.Integer, nullable=False, default=40),
    sa.Column("is_demo", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, default=0),
    sa.Column("state", sa.Text, nullable=False, default="{}"),
    # The room's own copy of the kit it was created with (JSON; ``widgets/kits/model.py``). NULL in rooms older than
    # kits: their content is their industry's shipped kit.
    sa.Column("kit", sa.Text, nullable=True),
    sqlite_autoincrement=True,  # never reuse the id of a deleted room
)
#: The organisation's own workshop kits (``widgets/kits/model.py``), one JSON document each; shipped kits are files.
kits = sa.Table(
    "kits",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

participants = sa.Table(
    "participants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room_id", sa.Integer, sa.ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("name_key", sa.Text, nullable=False),
    sa.Column("team", sa.Text, nullable=False),
    sa.Column("joined_at", sa.Float, nullable=False),
    sa.Column("last_seen", sa.Float, nullable=False),
    sa.Column("session_id", sa.String(64), nullable=False, default=""),
    sa.UniqueConstraint("room_id", "name_key", name="uq_participant_name"),
    sqlite_autoincrement=True,
)

responses = sa.Table(
    "responses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room_id", sa.Integer, sa.ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False),
    sa.Column(
        "participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("exercise", sa.String(64), nullable=False),
    sa.Column("item", sa.String(128), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    # Moderation: a hidden answer is kept (and exported) but never shown on the projected view.
    sa.Column("hidden", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    sa.UniqueConstraint("room_id", "participant_id", "exercise", "item", name="uq_response"),
    sqlite_autoincrement=True,
)
#: Things a team shares and edits together (e.g. its customer journey): one value per team and item.
team_items = sa.Table(
    "team_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room_id", sa.Integer, sa.ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False),
    sa.Column("team", sa.Text, nullable=False),
    sa.Column("exercise", sa.String(64), nullable=False),
    sa.Column("item", sa.String(128), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("updated_by", sa.Integer, nullable=True),
    sa.UniqueConstraint("room_id", "team", "exercise", "item", name="uq_team_item"),
    sqlite_autoincrement=True,
)
#: Lookups of room codes that matched no room, to rate-limit guessing (policy in ``widgets/room/ratelimit.py``).
#: ``source`` is a random label of the page (kernel) that typed or opened the code; rows expire quickly.
code_attempts = sa.Table(
    "code_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("source", sa.String(64), nullable=False),
)
sa.Index("ix_responses_room_exercise", responses.c.room_id, responses.c.exercise)
sa.Index("ix_participants_room", participants.c.room_id)
sa.Index("ix_code_attempts_at", code_attempts.c.at)
sa.Index("ix_code_attempts_source_at", code_attempts.c.source, code_attempts.c.at)


#: What a :class:`Room` is made of: every column but the room's copy of its kit (read once, by ``room_kit_data``).
_ROOM = [c for c in rooms.c if c.name != "kit"]


class StoreError(Exception):
    """A refusal the participant should read: ``key`` names a message in the i18n catalog."""

    def __init__(self, key: str, **kwargs: Any):
        super().__init__(key)
        self.key = key
        self.kwargs = kwargs


class StoreTextError(StoreError, TextError):
    """Text the store refuses (a room's or a participant's name): a :class:`StoreError` for the store's
    callers, and a :class:`widgets.ui.text.TextError` like every other refused text."""


def _checked(raw: object, max_len: int, empty_key: str, too_long_key: str) -> str:
    """``raw`` exactly as typed (never trimmed or cut), or a :class:`StoreTextError`."""
    try:
        return validate_text(raw, max_len, empty_key=empty_key, too_long_key=too_long_key)
    except TextError as exc:
        raise StoreTextError(exc.key, **exc.kwargs) from None


@dataclass(frozen=True)
class Room:
    id: int
    code: str
    name: str
    industry: str
    lang: str
    status: str
    expected_size: int
    created_at: float
    version: int
    is_demo: bool = False
    state: dict = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class Participant:
    id: int
    room_id: int
    name: str
    team: str
    joined_at: float
    session_id: str = ""


def new_secret() -> str:
    """A random 128-bit secret, URL-safe."""
    return secrets.token_urlsafe(16)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_room_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str | None) -> str | None:
    """Upper-case a typed code and drop spaces and dashes; ``None`` when it cannot be a room code."""
    if raw is None:
        return None
    code = "".join(ch for ch in str(raw).upper() if ch not in " -_\t")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def _room_from_row(row: Any) -> Room:
    m = row._mapping
    return Room(
        id=m["id"],
        code=m["code"],
        name=m["name"],
        industry=m["industry"],
        lang=m["lang"],
        status=m["status"],
        expected_size=m["expected_size"],
        created_at=m["created_at"],
        version=m["version"],
        is_demo=bool(m["is_demo"]),
        state=json.loads(m["state"] or "{}"),
    )


def _participant_from_row(row: Any) -> Participant:
    m = row._mapping
    return Participant(
        id=m["id"],
        room_id=m["room_id"],
        name=m["name"],
        team=m["team"],
        joined_at=m["joined_at"],
        session_id=m["session_id"],
    )


def _make_engine(url: str, busy_timeout: float = 30.0) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": busy_timeout, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised through every test
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            immediate = conn.get_execution_options().get("clientelitis_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    # Every answer updates its room's version row, so a room's writes take turns on that row until they commit.
    # Waiting for the commit's disk flush inside that turn made 100 pages queue behind each other (150 answers/s,
    # p99 3 s on the bench's machine); without the wait, a commit returns once written to PostgreSQL's log, and
    # the flush follows within a fraction of a second (a crash of the database server itself may lose that last
    # fraction; a crash of a Voila server, none).
    return sa.create_engine(url, pool_pre_ping=True, connect_args={"options": "-c synchronous_commit=off"})


#: What a write attempt raises when it does not get through.
WRITE_ERRORS = (OperationalError, sqlite3.OperationalError)


def _locked(exc: Exception) -> bool:
    """Did a write attempt fail because another writer held the file (worth another try), not a broken database?"""
    return "locked" in str(exc).lower()


_SAVE_SEEN = (
    participants.update()
    .where(participants.c.id == sa.bindparam("p_id"), participants.c.room_id == sa.bindparam("p_room"))
    .values(last_seen=sa.bindparam("p_now"))
)
_ROOM_STATUS = sa.select(rooms.c.status).where(rooms.c.id == sa.bindparam("p_room"))
_SAVE_BUMP = (
    rooms.update()
    .where(rooms.c.id == sa.bindparam("p_room"), rooms.c.status == "open")
    .values(version=rooms.c.version + 1)
)

_SAVE_UPSERT = sa.text(
    "INSERT INTO responses (room_id, participant_id, exercise, item, value, updated_at, hidden)"
    " VALUES (:p_room, :p_id, :p_exercise, :p_item, :p_value, :p_now, :p_hidden)"
    " ON CONFLICT (room_id, participant_id, exercise, item)"
    " DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
)


def _v1_to_v2(conn: sa.Connection) -> None:
    """Version 2 adds moderation: ``responses.hidden``."""
    conn.exec_driver_sql("ALTER TABLE responses ADD COLUMN hidden BOOLEAN NOT NULL DEFAULT FALSE")


def _v2_to_v3(conn: sa.Connection) -> None:
    """Version 3 adds ``team_items`` (created by ``create_all`` before migrations run): nothing to move."""
    assert sa.inspect(conn).has_table("team_items")


def _v3_to_v4(conn: sa.Connection) -> None:
    """Version 4 adds ``code_attempts`` (created by ``create_all`` before migrations run): nothing to move."""
    assert sa.inspect(conn).has_table("code_attempts")


def _v4_to_v5(conn: sa.Connection) -> None:
    """Version 5 adds ``kits`` (created by ``create_all``) and each room's copy of its kit (empty for the rooms
    already there, which keep their industry's shipped kit)."""
    if "kit" not in {c["name"] for c in sa.inspect(conn).get_columns("rooms")}:
        conn.execute(sa.text("ALTER TABLE rooms ADD COLUMN kit TEXT"))


#: ``MIGRATIONS[n]`` upgrades a database from schema version n to n + 1.
MIGRATIONS: dict[int, Callable[[sa.Connection], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4, 4: _v4_to_v5}
