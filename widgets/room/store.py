"""The only module that talks SQL: rooms, participants, responses and the schema version.

SQLAlchemy Core over SQLite by default (WAL, busy timeout, ``BEGIN IMMEDIATE`` for writes) or any URL
in ``$CLIENTELITIS_DB_URL`` (PostgreSQL with the same code). Every write to a room bumps
``rooms.version`` in the same transaction, so live views poll one cheap integer to know when to redraw.
"""

from __future__ import annotations

import hmac
import json
import os
import time
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from widgets import config
from widgets.ui.text import text_key

from widgets.room.answers import Answers
from widgets.room.schema import (
    MIGRATIONS,
    ORGANISER_KEY,
    Participant,
    ROOMS_PER_MINUTE,
    ROOM_NAME_MAX,
    Room,
    SCHEMA_VERSION,
    StoreError,
    WRITE_ERRORS,
    _ROOM,
    _checked,
    _locked,
    _make_engine,
    _room_from_row,
    code_attempts,
    hash_secret,
    kits,
    meta,
    metadata,
    new_room_code,
    new_secret,
    normalize_code,
    participants,
    responses,
    rooms,
    team_items,
)


class Store(Answers):
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
