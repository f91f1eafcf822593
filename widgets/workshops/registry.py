"""The registry of workshops: the one place a workshop is added.

Each entry says what a participant's page and the facilitator's console show (its views), which of its results
the projector shows one slide at a time (``parts``), and how the room's report and spreadsheet tell it
(``report`` and ``tables``). The agenda follows this order. See docs/architecture.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from widgets.workshops.clientelitis.view import ClientelitisFacilitator, ClientelitisParticipant
from widgets.workshops.clientes.view import ClientesFacilitator, ClientesParticipant
from widgets.workshops.feliz.view import FelizFacilitator, FelizParticipant
from widgets import export, report
from widgets.room.phases import DEFAULT_EXERCISE
from widgets.workshops.vacas.view import VacasFacilitator, VacasParticipant
from widgets.workshops.varita.view import VaritaFacilitator, VaritaParticipant


@dataclass(frozen=True)
class Exercise:
    id: str
    title_key: str
    participant: Callable  # (store, room, participant, tr) -> widget with set_enabled(bool)
    facilitator: Callable  # (store, room, tr) -> widget with refresh() and stage_part(part)
    parts: tuple = ()  # the projector's slides of its results: (part id, title's catalog key), in order
    report: Callable = lambda page, snapshot: None  # its section of the HTML report (widgets/report.py)
    tables: Callable = lambda snapshot: {}  # its sheets of the spreadsheet (widgets/export.py)


EXERCISES: dict[str, Exercise] = {
    "feliz": Exercise("feliz", "feliz.title", FelizParticipant, FelizFacilitator,
                      (("chart", "feliz.room_chart"), ("ideas", "feliz.wall_title")),
                      report.feliz_section, export.feliz_tables),
    "varita": Exercise("varita", "varita.title", VaritaParticipant, VaritaFacilitator,
                       (("fans", "varita.chart.fans"), ("curve", "varita.chart.curve_title"),
                        ("gain", "varita.chart.gain_title"), ("top", "varita.fac_top"), ("ideas", "varita.fac_wall")),
                       report.varita_section, export.varita_tables),
    "vacas": Exercise("vacas", "vacas.title", VacasParticipant, VacasFacilitator,
                      (("wall", "vacas.wall_title"), ("leaderboard", "vacas.chart.leaderboard"),
                       ("matrix", "vacas.chart.matrix"), ("who", "vacas.who_label"), ("plan", "vacas.plan_title")),
                      report.vacas_section, export.vacas_tables),
    "clientes": Exercise("clientes", "clientes.title", ClientesParticipant, ClientesFacilitator,
                         (("bars", "clientes.chart.happiness_title"), ("share", "clientes.chart.share_title"),
                          ("least", "clientes.least_title"), ("wall", "clientes.wall_title")),
                         report.clientes_section, export.clientes_tables),
    "clientelitis": Exercise("clientelitis", "clientelitis.title", ClientelitisParticipant, ClientelitisFacilitator,
                             (("radar", "clientelitis.chart.radar_room"), ("plans", "clientelitis.plans_title"),
                              ("hiring", "clientelitis.hiring_title"), ("waves", "clientelitis.chart.waves")),
                             report.clientelitis_section, export.clientelitis_tables),
}


def get(exercise_id: str | None) -> Exercise:
    return EXERCISES.get(exercise_id or DEFAULT_EXERCISE, EXERCISES[DEFAULT_EXERCISE])
