"""The registry of exercises: what a participant page and the facilitator console show for each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from widgets.workshops.clientelitis.view import ClientelitisFacilitator, ClientelitisParticipant
from widgets.workshops.clientes.view import ClientesFacilitator, ClientesParticipant
from widgets.workshops.feliz.view import FelizFacilitator, FelizParticipant
from widgets.room.phases import DEFAULT_EXERCISE
from widgets.workshops.vacas.view import VacasFacilitator, VacasParticipant
from widgets.workshops.varita.view import VaritaFacilitator, VaritaParticipant


@dataclass(frozen=True)
class Exercise:
    id: str
    title_key: str
    participant: Callable  # (store, room, participant, tr) -> widget with set_enabled(bool)
    facilitator: Callable  # (store, room, tr) -> widget with refresh()


EXERCISES: dict[str, Exercise] = {
    "feliz": Exercise("feliz", "feliz.title", FelizParticipant, FelizFacilitator),
    "varita": Exercise("varita", "varita.title", VaritaParticipant, VaritaFacilitator),
    "vacas": Exercise("vacas", "vacas.title", VacasParticipant, VacasFacilitator),
    "clientes": Exercise("clientes", "clientes.title", ClientesParticipant, ClientesFacilitator),
    "clientelitis": Exercise("clientelitis", "clientelitis.title", ClientelitisParticipant, ClientelitisFacilitator),
}


def get(exercise_id: str | None) -> Exercise:
    return EXERCISES.get(exercise_id or DEFAULT_EXERCISE, EXERCISES[DEFAULT_EXERCISE])
