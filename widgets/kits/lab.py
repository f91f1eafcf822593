"""A kit in JupyterLab: load it as pandas tables, check them, preview the room's charts, save.

The authoring notebook (``workshops/preparar_kit.ipynb``) calls these in its cells; the form app
(``kit_app.py``) uses the same preview. Saving from code is for JupyterLab and terminals, where whoever runs
the code owns the server: while the notebook is served as a page (Voila runs every cell to build it), only the
organiser's form saves, and :func:`save` leaves the store alone.
"""

from __future__ import annotations

import random

import pandas as pd

from widgets.workshops.clientelitis import model as C
from widgets.workshops.feliz import model as feliz
from widgets.kits import model as kits
from widgets.workshops.vacas import model as vacas
from widgets.workshops.vacas.charts import cow_leaderboard
from widgets.workshops.feliz.charts import happiness_dumbbell
from widgets.i18n import Translator
from widgets.kits.model import Kit, KitError
from widgets.room.store import Store

#: Simulated people in a preview room (enough for every spread to show: teams of three and more).
PREVIEW_PEOPLE = 12


def load(kit_id: str = "restaurant", store: Store | None = None) -> dict[str, pd.DataFrame]:
    """The tables to edit: a saved kit as it is (saving it again replaces it), or a new kit that starts from a
    shipped industry (its content without a name: name it before saving)."""
    store = store or Store()
    kit = store.kit(kit_id)
    if kit is None:
        raise KeyError(f"no kit {kit_id!r}: try one of {', '.join(kits.shipped_ids())}")
    return kits.blank_from(kit) if kit.shipped else kits.to_tables(kit)


def check(tables: dict[str, pd.DataFrame], lang: str = "es") -> list[str]:
    """Every problem of the tables, each naming its table, row and column (an empty list: they make a kit)."""
    return [p.message(Translator(lang)) for p in kits.check(tables)]


def report(tables: dict[str, pd.DataFrame], lang: str = "es") -> None:
    """Print what :func:`check` finds, or that the kit is ready."""
    tr = Translator(lang)
    try:
        kit = kits.build(tables)
    except KitError as exc:
        print(tr("kitapp.problems", n=len(exc.problems)))
        for message in exc.messages(tr):
            print(" -", message)
        return
    print(tr("kitapp.ready", name=kit.title(lang), id=kit.id, touchpoints=len(kit.data["touchpoints"]),
             skills=len(kit.skills)))


def simulated_answers(kit: Kit, lang: str, people: int = PREVIEW_PEOPLE, seed: int = 3) -> tuple[Store, object]:
    """A throwaway room in memory with ``kit``, and answers of ``people`` simulated participants: happiness at
    every touchpoint, every skill, the catalog's cows with votes."""
    from widgets.demo import _seed_cows, journey_effect, rate_journey, rate_skills

    scratch = Store("sqlite://")
    scratch.save_kit(kit)
    room, _key = scratch.create_room("·", kit.id, lang)
    rng = random.Random(seed)
    journey = kit.touchpoints(lang)
    effect = journey_effect(journey, rng)
    members = []
    for i in range(people):
        person, _token = scratch.join(room, f"P{i + 1}", f"T{i % 3 + 1}")
        members.append(person)
        rate_journey(scratch, person, journey, effect, rng)
        rate_skills(scratch, person, kit.skills, rng)
    _seed_cows(scratch, members, kit, rng, lang)
    return scratch, scratch.room(room.id)


def preview_figures(kit: Kit, lang: str = "es") -> list[tuple[str, object]]:
    """``(title, figure)`` of the charts a room with ``kit`` shows, drawn from simulated answers."""
    from widgets.workshops.clientelitis.view import radar

    tr = Translator(lang)
    scratch, room = simulated_answers(kit, lang)
    try:
        summary = feliz.summarize(scratch.responses(room.id, feliz.EXERCISE), kit.touchpoints(lang))
        cows = scratch.responses(room.id, vacas.EXERCISE)
        board = vacas.board(vacas.cows(cows), {}, cows)
        titles = (tr("kitapp.preview.feliz"), tr("kitapp.preview.skills"), tr("kitapp.preview.cows"))
        figures = [happiness_dumbbell(summary, tr, title=titles[0]),
                   radar(kit, tr, scratch.responses(room.id, C.EXERCISE), None, title=titles[1])]
        if not board.empty:
            figures.append(cow_leaderboard(board, tr, title=titles[2]))
        return list(zip(titles, figures))
    finally:
        scratch.dispose()


def preview(tables: dict[str, pd.DataFrame], lang: str = "es"):
    """The room's charts for these tables, on simulated answers (the problems instead, if they are not a kit)."""
    import ipywidgets as W

    from widgets.ui.chartwidget import Chart
    from widgets.serving.pagebuild import in_voila_page

    if in_voila_page():
        return None  # the served page shows nothing of this cell; its form has its own preview
    try:
        kit = kits.build(tables)
    except KitError:
        return report(tables, lang)
    return W.VBox([Chart(figure) for _title, figure in preview_figures(kit, lang)])


def save(tables: dict[str, pd.DataFrame], store: Store | None = None, lang: str = "es") -> Kit | None:
    """Check the tables and save the kit (replacing a saved kit with the same id); prints what happened. On a
    served page (Voila), nothing: there the organiser's form saves."""
    from widgets.serving.pagebuild import in_voila_page

    if in_voila_page():
        return None
    tr = Translator(lang)
    try:
        kit = kits.build(tables)
    except KitError:
        report(tables, lang)
        return None
    (store or Store()).save_kit(kit)
    print(tr("kitapp.saved", name=kit.title(lang)))
    return kit
