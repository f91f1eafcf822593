"""What participants write: joining, their sessions, team items and answers (a part of :class:`Store`).

Every write is one transaction through ``Store._retrying`` (the one write path: on SQLite ``BEGIN IMMEDIATE``,
the busy timeout and retries; the page hears of each retry through ``on_retry``).
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from widgets.ui.text import text_key
from widgets.room.schema import (
    NAME_MAX,
    Participant,
    Room,
    StoreError,
    _ROOM_STATUS,
    _SAVE_BUMP,
    _SAVE_SEEN,
    _SAVE_UPSERT,
    _checked,
    _participant_from_row,
    hash_secret,
    new_secret,
    participants,
    responses,
    rooms,
    team_items,
)



class Answers:
    """Participants and their answers; mixed into :class:`widgets.room.store.Store`."""

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
