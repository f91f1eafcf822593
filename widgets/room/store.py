"""The only module that talks SQL: rooms, participants, responses and the schema version.

SQLAlchemy Core over SQLite by default (WAL, busy timeout, ``BEGIN IMMEDIATE`` for writes) or any URL
in ``$CLIENTELITIS_DB_URL`` (PostgreSQL with the same code). Every write to a room bumps
``rooms.version`` in the same transaction, so live views poll one cheap integer to know when to redraw.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError

from widgets import config
from widgets.ui.text import TextError, text_key, validate_text

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


class Store:
    """All persistence for rooms, participants and responses."""

    def __init__(self, url: str | None = None, *, retries: int = 8, busy_timeout: float = 5.0):
        """``busy_timeout``: seconds SQLite waits for another writer before a write attempt fails; a failed
        attempt is retried ``retries`` times (calling ``on_retry``), so a participant hears of a locked
        database after seconds, and an answer is refused only after about a minute of retries."""
        self.url = url or config.database_url()
        self.engine = _make_engine(self.url, busy_timeout)
        #: Connections of this engine begin their transactions with ``BEGIN IMMEDIATE`` on SQLite: a write
        #: takes the file's lock at once, so two writers never both read and then fail to write.
        self._writer = self.engine.execution_options(clientelitis_write=True)
        self.retries = retries
        #: Called with the attempt number when a write waits for a locked database (the participant's page
        #: shows it: ``saving.SaveStatus``).
        self.on_retry: Callable[[int], None] | None = None
        self._migrate()

    # -- schema -------------------------------------------------------------------------------------
    def _current(self) -> bool:
        """Is the schema already at this version? (A read: many pages starting at once need no lock.)"""
        try:
            with self.engine.connect() as conn:
                found = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
        except sa.exc.DBAPIError:  # no tables yet
            return False
        if found is None or int(found) != SCHEMA_VERSION:
            return False
        return set(metadata.tables) <= set(sa.inspect(self.engine).get_table_names())

    def _migrate(self) -> None:
        if self._current():
            return
        self._retrying(self._migrate_tx)

    def _migrate_tx(self, conn) -> None:
        metadata.create_all(conn, checkfirst=True)
        found = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
        if found is None:
            conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
            return
        version = int(found)
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](conn)
            version += 1
            conn.execute(
                meta.update().where(meta.c.key == "schema_version").values(value=str(version))
            )

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).scalar())

    def dispose(self) -> None:
        self.engine.dispose()

    # -- transactions -------------------------------------------------------------------------------
    def _write(self):
        return self._writer.begin()

    def _attempt(self, fn: Callable[[sa.Connection], Any]) -> Any:
        """One attempt of ``fn`` in a write transaction."""
        with self._write() as conn:
            return fn(conn)

    def _retrying(self, fn: Callable[[sa.Connection], Any]) -> Any:
        """Run ``fn`` in a write transaction, retrying while another writer holds the database."""
        return self._with_retries(lambda: self._attempt(fn))

    def _with_retries(self, once: Callable[[], Any]) -> Any:
        """Call ``once`` (one write attempt) until it gets through, pausing and calling ``on_retry`` while the
        database is locked; past ``retries`` attempts, or on any other database error, the busy message."""
        delay = 0.05
        for attempt in range(1, self.retries + 2):
            try:
                return once()
            except WRITE_ERRORS as exc:
                if not _locked(exc) or attempt > self.retries:
                    raise StoreError("error.db_busy") from exc
                if self.on_retry:
                    self.on_retry(attempt)
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
        raise AssertionError("unreachable")

    @staticmethod
    def _bump(conn: sa.Connection, room_id: int) -> None:
        conn.execute(rooms.update().where(rooms.c.id == room_id).values(version=rooms.c.version + 1))

    @staticmethod
    def _own_team(conn: sa.Connection, participant: Participant) -> str:
        """The participant's team as stored; refuses a participant that is not in the room it names, so a
        write can only ever land in the writer's own room, under their own id and their own team."""
        team = conn.execute(
            sa.select(participants.c.team).where(
                participants.c.id == participant.id, participants.c.room_id == participant.room_id
            )
        ).scalar()
        if team is None:
            raise StoreError("join.token_unknown")
        return team

    # -- rooms --------------------------------------------------------------------------------------
    def create_room(
        self,
        name: str,
        industry: str,
        lang: str = "es",
        *,
        expected_size: int = 40,
        is_demo: bool = False,
        state: dict | None = None,
    ) -> tuple[Room, str]:
        """Create a room with the kit ``industry`` names (a shipped industry or a saved kit); the room keeps
        its own copy of the kit. Returns the room and the facilitator key (shown once, stored only hashed)."""
        name = _checked(name, ROOM_NAME_MAX, "room.name_empty", "room.name_too_long")
        kit = self.kit(industry)
        if kit is None:
            raise StoreError("create.kit_unknown")
        key = new_secret()
        for _ in range(20):
            code = new_room_code()
            try:
                room_id = self._retrying(
                    lambda conn: conn.execute(
                        rooms.insert().values(
                            code=code,
                            name=name,
                            industry=industry,
                            lang=lang,
                            status="open",
                            facilitator_key_hash=hash_secret(key),
                            expected_size=int(expected_size),
                            is_demo=is_demo,
                            created_at=time.time(),
                            version=0,
                            state=json.dumps(state or {}, ensure_ascii=False),
                            kit=kit.to_json(),
                        )
                    ).inserted_primary_key[0]
                )
            except IntegrityError:
                continue  # code collision: draw again
            return self.room(room_id), key
        raise StoreError("error.db_busy")

    # -- kits -------------------------------------------------------------------------------------
    def saved_kits(self) -> list:
        """The organisation's kits, by name."""
        from widgets.kits.model import Kit

        with self.engine.connect() as conn:
            found = [Kit(json.loads(d)) for d in conn.execute(sa.select(kits.c.data)).scalars()]
        return sorted(found, key=lambda k: text_key(k.title("es")))

    def kit(self, kit_id: str):
        """A saved kit, or a shipped one, by id (``None`` when there is none)."""
        from widgets.kits.model import Kit, shipped

        with self.engine.connect() as conn:
            data = conn.execute(sa.select(kits.c.data).where(kits.c.id == kit_id)).scalar()
        return Kit(json.loads(data)) if data else shipped(kit_id)

    def save_kit(self, kit, *, replace: bool = True) -> None:
        """Save a checked kit (one transaction: the kit is there whole, or as it was). ``replace=False``
        refuses a kit whose id is already saved."""

        def tx(conn):
            found = conn.execute(sa.select(kits.c.id).where(kits.c.id == kit.id)).scalar()
            if found is not None and not replace:
                raise StoreError("kit.exists", id=kit.id)
            row = {"data": kit.to_json(), "updated_at": time.time()}
            if found is None:
                conn.execute(kits.insert().values(id=kit.id, **row))
            else:
                conn.execute(kits.update().where(kits.c.id == kit.id).values(**row))

        self._retrying(tx)

    def delete_kit(self, kit_id: str) -> None:
        self._retrying(lambda conn: conn.execute(kits.delete().where(kits.c.id == kit_id)))

    def room_kit_data(self, room_id: int) -> dict | None:
        """The copy of its kit a room keeps (``None`` for rooms older than kits)."""
        with self.engine.connect() as conn:
            data = conn.execute(sa.select(rooms.c.kit).where(rooms.c.id == room_id)).scalar()
        return json.loads(data) if data else None

    # -- the organiser ------------------------------------------------------------------------------
    def new_organiser_key(self) -> str:
        """Issue the organiser's key (the link that opens "create a room"): 128 random bits, kept only hashed;
        the previous key stops working."""
        key = new_secret()

        def tx(conn):
            found = conn.execute(sa.select(meta.c.key).where(meta.c.key == ORGANISER_KEY)).scalar()
            if found is None:
                conn.execute(meta.insert().values(key=ORGANISER_KEY, value=hash_secret(key)))
            else:
                conn.execute(meta.update().where(meta.c.key == ORGANISER_KEY).values(value=hash_secret(key)))

        self._retrying(tx)
        return key

    def check_organiser_key(self, key: str | None) -> bool:
        if not key:
            return False
        with self.engine.connect() as conn:
            stored = conn.execute(sa.select(meta.c.value).where(meta.c.key == ORGANISER_KEY)).scalar()
        return stored is not None and hmac.compare_digest(stored, hash_secret(key))

    def create_room_as_organiser(self, organiser_key: str | None, name: str, industry: str, lang: str = "es",
                                 *, trusted: bool = False, **kwargs: Any) -> tuple[Room, str]:
        """Create a room from the welcome page: only with the organiser's key (``trusted``: a server only its
        launcher can reach, as on Binder), and at most ``ROOMS_PER_MINUTE`` rooms a minute on the whole
        database (a refusal says how long to wait)."""
        if not trusted and not self.check_organiser_key(organiser_key):
            raise StoreError("create.need_organiser")
        now = time.time()
        limit = int(os.environ.get("CLIENTELITIS_ROOMS_PER_MINUTE", "") or ROOMS_PER_MINUTE)
        with self.engine.connect() as conn:
            recent = conn.execute(sa.select(rooms.c.created_at).where(rooms.c.created_at > now - 60)
                                  .order_by(rooms.c.created_at.desc()).limit(limit)).scalars().all()
        if len(recent) >= limit:
            raise StoreError("create.too_many", seconds=max(1, int(60 - (now - recent[-1])) + 1))
        return self.create_room(name, industry, lang, **kwargs)

    def room(self, room_id: int) -> Room | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*_ROOM).where(rooms.c.id == room_id)).first()
        return _room_from_row(row) if row else None

    def room_by_code(self, code: str | None) -> Room | None:
        code = normalize_code(code)
        if code is None:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*_ROOM).where(rooms.c.code == code)).first()
        return _room_from_row(row) if row else None

    def list_rooms(self, include_archived: bool = False) -> list[Room]:
        q = sa.select(*_ROOM).order_by(rooms.c.created_at.desc())
        if not include_archived:
            q = q.where(rooms.c.status != "archived")
        with self.engine.connect() as conn:
            return [_room_from_row(r) for r in conn.execute(q)]

    def check_facilitator_key(self, room: Room, key: str | None) -> bool:
        if not key:
            return False
        with self.engine.connect() as conn:
            stored = conn.execute(
                sa.select(rooms.c.facilitator_key_hash).where(rooms.c.id == room.id)
            ).scalar()
        return stored is not None and hmac.compare_digest(stored, hash_secret(key))

    def reset_facilitator_key(self, room_id: int) -> str:
        """Issue a new facilitator key (the old link stops working); returns the new key."""
        key = new_secret()

        def tx(conn):
            conn.execute(rooms.update().where(rooms.c.id == room_id).values(facilitator_key_hash=hash_secret(key)))

        self._retrying(tx)
        return key

    def set_room_status(self, room_id: int, status: str) -> None:
        if status not in ("open", "closed", "archived"):
            raise ValueError(status)

        def tx(conn):
            conn.execute(rooms.update().where(rooms.c.id == room_id).values(status=status))
            self._bump(conn, room_id)

        self._retrying(tx)

    def update_room_state(self, room_id: int, **changes: Any) -> Room:
        """Merge ``changes`` into the room's JSON state (agenda, open phase, timers...)."""
        return self.change_room_state(room_id, lambda state: {**state, **changes})

    def change_room_state(self, room_id: int, change: Callable[[dict], dict]) -> Room:
        """Read-modify-write the room's JSON state in one write transaction (``change`` may raise)."""

        def tx(conn):
            raw = conn.execute(sa.select(rooms.c.state).where(rooms.c.id == room_id).with_for_update()).scalar()
            state = change(json.loads(raw or "{}"))
            conn.execute(
                rooms.update()
                .where(rooms.c.id == room_id)
                .values(state=json.dumps(state, ensure_ascii=False))
            )
            self._bump(conn, room_id)

        self._retrying(tx)
        return self.room(room_id)

    def delete_room(self, room_id: int) -> None:
        def tx(conn):
            conn.execute(responses.delete().where(responses.c.room_id == room_id))
            conn.execute(team_items.delete().where(team_items.c.room_id == room_id))
            conn.execute(participants.delete().where(participants.c.room_id == room_id))
            conn.execute(rooms.delete().where(rooms.c.id == room_id))

        self._retrying(tx)

    def pool_demand(self, since: float) -> list[tuple[int, int]]:
        """``(expected_size, joined)`` of every open room created or visited since ``since`` (epoch s)."""
        joined = (
            sa.select(
                participants.c.room_id,
                sa.func.count().label("n"),
                sa.func.max(participants.c.last_seen).label("seen"),
            )
            .group_by(participants.c.room_id)
            .subquery()
        )
        q = (
            sa.select(rooms.c.expected_size, sa.func.coalesce(joined.c.n, 0))
            .select_from(rooms.outerjoin(joined, joined.c.room_id == rooms.c.id))
            .where(rooms.c.status == "open", sa.or_(rooms.c.created_at >= since, joined.c.seen >= since))
        )
        with self.engine.connect() as conn:
            return [(int(e), int(n)) for e, n in conn.execute(q)]

    def room_version(self, room_id: int) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(rooms.c.version).where(rooms.c.id == room_id)).scalar() or 0)

    # -- guessing room codes ------------------------------------------------------------------------
    def record_code_failure(self, source: str, at: float, keep: float) -> None:
        """Log one lookup of an unknown room code by ``source`` at ``at`` (epoch seconds), and forget those
        older than ``keep`` seconds."""

        def tx(conn):
            conn.execute(code_attempts.delete().where(code_attempts.c.at < at - keep))
            conn.execute(code_attempts.insert().values(at=at, source=source[:64]))

        self._retrying(tx)

    def code_failures(self, since: float, source: str | None = None, *, limit: int = 1, offset: int = 0) -> list[float]:
        """Times of failed room-code lookups after ``since``, newest first, of one source or of everyone:
        ``limit`` of them after skipping the ``offset`` newest."""
        q = sa.select(code_attempts.c.at).where(code_attempts.c.at > since)
        if source is not None:
            q = q.where(code_attempts.c.source == source)
        q = q.order_by(code_attempts.c.at.desc()).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [float(at) for at in conn.execute(q).scalars()]

    # -- participants -------------------------------------------------------------------------------
    def join(self, room: Room, name: str, team: str, session_id: str = "") -> tuple[Participant, str]:
        """Add a participant to an open room; returns them and their personal token."""
        current = self.room(room.id)
        if current is None:
            raise StoreError("join.unknown_room")
        if not current.is_open:
            raise StoreError("join.room_closed", room=current.name)
        # stored exactly as typed; the same name twice and the same team are found by ``text_key``
        name = _checked(name, NAME_MAX, "join.name_empty", "join.name_too_long")
        team = _checked(team, NAME_MAX, "join.team_empty", "join.team_too_long")
        token = new_secret()
        now = time.time()

        def tx(conn):
            # "azul" joins the existing team "Azul": one team, however people type it
            existing = conn.execute(
                sa.select(participants.c.team).where(participants.c.room_id == room.id).distinct()
            ).scalars()
            spelled = next((t for t in existing if text_key(t) == text_key(team)), team)
            pid = conn.execute(
                participants.insert().values(
                    room_id=room.id,
                    token_hash=hash_secret(token),
                    name=name,
                    name_key=text_key(name),
                    team=spelled,
                    joined_at=now,
                    last_seen=now,
                    session_id=session_id,
                )
            ).inserted_primary_key[0]
            self._bump(conn, room.id)
            return pid, spelled

        try:
            pid, team = self._retrying(tx)
        except IntegrityError as exc:
            raise StoreError("join.name_taken", name=name) from exc
        return Participant(pid, room.id, name, team, now, session_id), token

    def participant_by_token(self, room: Room, token: str | None) -> Participant | None:
        if not token:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(participants).where(
                    participants.c.room_id == room.id, participants.c.token_hash == hash_secret(token)
                )
            ).first()
        return _participant_from_row(row) if row else None

    def reset_participant_token(self, room_id: int, participant_id: int) -> str:
        """A new personal token for a participant of the room (a lost personal link): the old link stops working.
        Refuses a participant who is not in that room."""
        token = new_secret()

        def tx(conn):
            changed = conn.execute(
                participants.update()
                .where(participants.c.id == participant_id, participants.c.room_id == room_id)
                .values(token_hash=hash_secret(token), session_id="")
            ).rowcount
            if changed != 1:
                raise StoreError("join.token_unknown")

        self._retrying(tx)
        return token

    def claim_session(self, participant: Participant, session_id: str) -> bool:
        """Make ``session_id`` (one browser tab) the participant's active one.

        Returns True when another tab had been active in the last 60 seconds.
        """
        now = time.time()

        def tx(conn):
            row = conn.execute(
                sa.select(participants.c.session_id, participants.c.last_seen).where(
                    participants.c.id == participant.id
                )
            ).first()
            other = bool(row and row.session_id and row.session_id != session_id and now - row.last_seen < 60)
            conn.execute(
                participants.update()
                .where(participants.c.id == participant.id, participants.c.room_id == participant.room_id)
                .values(session_id=session_id, last_seen=now)
            )
            self._bump(conn, participant.room_id)
            return other

        return self._retrying(tx)

    def touch(self, participant_id: int, session_id: str) -> None:
        """Heartbeat of the active tab (no room version bump: nothing visible changed)."""
        self._retrying(
            lambda conn: conn.execute(
                participants.update()
                .where(participants.c.id == participant_id, participants.c.session_id == session_id)
                .values(last_seen=time.time())
            )
        )

    def active_session(self, participant_id: int) -> str:
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    sa.select(participants.c.session_id).where(participants.c.id == participant_id)
                ).scalar()
                or ""
            )

    def participants(self, room_id: int) -> pd.DataFrame:
        q = (
            sa.select(
                participants.c.id, participants.c.name, participants.c.team, participants.c.joined_at
            )
            .where(participants.c.room_id == room_id)
            .order_by(participants.c.joined_at)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame(rows, columns=["id", "name", "team", "joined_at"])

    # -- team items ---------------------------------------------------------------------------------
    def update_team_item(
        self, participant: Participant, exercise: str, item: str, change: Callable[[Any], Any], default: Any = None
    ) -> Any:
        """Read-modify-write one of the participant's team's shared values in a single write transaction
        (so two teammates editing at once never lose each other's change). ``change`` gets the current
        value (or ``default``) and returns the new one; it may raise to refuse. Returns the new value."""
        now = time.time()

        def tx(conn):
            # Lock the room row: with no team row yet, FOR UPDATE below locks nothing and two first writers
            # would both insert (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers).
            status = conn.execute(
                sa.select(rooms.c.status).where(rooms.c.id == participant.room_id).with_for_update()
            ).scalar()
            if status != "open":
                raise StoreError("join.room_closed", room="")
            team = self._own_team(conn, participant)
            where = (
                (team_items.c.room_id == participant.room_id)
                & (team_items.c.team == team)
                & (team_items.c.exercise == exercise)
                & (team_items.c.item == item)
            )
            raw = conn.execute(sa.select(team_items.c.value).where(where).with_for_update()).scalar()
            new = change(json.loads(raw) if raw is not None else default)
            payload = json.dumps(new, ensure_ascii=False)
            if raw is None:
                conn.execute(
                    team_items.insert().values(
                        room_id=participant.room_id, team=team, exercise=exercise, item=item,
                        value=payload, updated_at=now, updated_by=participant.id,
                    )
                )
            else:
                conn.execute(
                    team_items.update().where(where).values(value=payload, updated_at=now, updated_by=participant.id)
                )
            self._bump(conn, participant.room_id)
            return new

        return self._retrying(tx)

    def team_items(self, room_id: int, exercise: str | None = None, team: str | None = None) -> pd.DataFrame:
        """Team values of a room: team, exercise, item, value, updated_at."""
        q = sa.select(
            team_items.c.team, team_items.c.exercise, team_items.c.item, team_items.c.value, team_items.c.updated_at
        ).where(team_items.c.room_id == room_id).order_by(team_items.c.id)
        if exercise is not None:
            q = q.where(team_items.c.exercise == exercise)
        if team is not None:
            q = q.where(team_items.c.team == team)
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        df = pd.DataFrame(rows, columns=["team", "exercise", "item", "value", "updated_at"])
        df["value"] = [json.loads(v) for v in df["value"]]
        return df

    # -- responses ----------------------------------------------------------------------------------
    def save_response(
        self, participant: Participant, exercise: str, item: str, value: Any
    ) -> None:
        """Insert or replace one answer (``value`` is any JSON-serialisable object)."""
        params = {
            "p_room": participant.room_id,
            "p_id": participant.id,
            "p_exercise": exercise,
            "p_item": item,
            "p_value": json.dumps(value, ensure_ascii=False),
            "p_now": time.time(),
            "p_hidden": False,
        }


        def tx(conn):
            # Three statements, their SQL built once: the checks ride on the writes (a participant who is not
            # in the room they name, or a room that is not open, changes no row) and a refusal rolls back.
            if conn.execute(_SAVE_SEEN, params).rowcount != 1:
                open_ = conn.execute(_ROOM_STATUS, params).scalar() == "open"
                raise StoreError("join.token_unknown") if open_ else StoreError("join.room_closed", room="")
            conn.execute(_SAVE_UPSERT, params)
            if conn.execute(_SAVE_BUMP, params).rowcount != 1:
                raise StoreError("join.room_closed", room="")

        self._retrying(tx)

    def delete_response(self, participant: Participant, exercise: str, item: str) -> None:
        """Remove one of the participant's own answers (e.g. an idea they withdraw)."""

        def tx(conn):
            self._own_team(conn, participant)
            conn.execute(
                responses.delete().where(
                    responses.c.participant_id == participant.id,
                    responses.c.room_id == participant.room_id,
                    responses.c.exercise == exercise,
                    responses.c.item == item,
                )
            )
            self._bump(conn, participant.room_id)

        self._retrying(tx)

    def responses(
        self, room_id: int, exercise: str | None = None, participant_id: int | None = None
    ) -> pd.DataFrame:
        """Answers of a room as a DataFrame: participant_id, name, team, exercise, item, value, updated_at."""
        q = (
            sa.select(
                responses.c.participant_id,
                participants.c.name,
                participants.c.team,
                responses.c.exercise,
                responses.c.item,
                responses.c.value,
                responses.c.updated_at,
                responses.c.id,
                responses.c.hidden,
            )
            .join(participants, participants.c.id == responses.c.participant_id)
            .where(responses.c.room_id == room_id)
            .order_by(responses.c.id)
        )
        if exercise is not None:
            q = q.where(responses.c.exercise == exercise)
        if participant_id is not None:
            q = q.where(responses.c.participant_id == participant_id)
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        df = pd.DataFrame(
            rows,
            columns=["participant_id", "name", "team", "exercise", "item", "value", "updated_at", "id", "hidden"],
        )
        df["value"] = [json.loads(v) for v in df["value"]]
        df["hidden"] = df["hidden"].astype(bool)
        return df

    def set_hidden(self, room_id: int, response_id: int, hidden: bool = True) -> None:
        """Hide (or show again) one answer on the projected view; it stays stored and exported."""

        def tx(conn):
            conn.execute(
                responses.update()
                .where(responses.c.id == response_id, responses.c.room_id == room_id)
                .values(hidden=hidden)
            )
            self._bump(conn, room_id)

        self._retrying(tx)


# -- save_response's statements, built once (building them anew took most of a write's time) -------------------
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
