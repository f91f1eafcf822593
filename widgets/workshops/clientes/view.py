"""Workshop "Cliente es todo aquel que no soy yo": the participant page and the facilitator panel."""

from __future__ import annotations

import ipywidgets as W
import pandas as pd

from widgets.workshops.clientes import model as clientes
from widgets.ui.chartwidget import Chart
from widgets.workshops.clientes.charts import category_happiness, internal_external, value_chain
from widgets.ui.charts import copy_figure
from widgets.workshops.feliz.model import FACES, RatingError
from widgets.ui.pick import Pick, faces
from widgets.i18n import Translator
from widgets.room.store import Participant, Room, Store, StoreError
from widgets.ui.text import TextError, esc
from widgets.ui.panel import Revealable
from widgets.ui.rows import Action, Rows, row
from widgets.ui.blocks import Notice, card, field_for, html, icon
from widgets.ui.wall import Wall

REFUSALS = (StoreError, TextError, RatingError)


class ClientesParticipant(W.VBox):
    """List everyone who receives what I touch; see my value chain."""

    def __init__(self, store: Store, room: Room, participant: Participant, tr: Translator):
        super().__init__()
        self.add_class("cl-clientes")
        self.store, self.room, self.participant, self.tr = store, room, participant, tr
        self.enabled = True
        self.notice = Notice()
        wide = W.Layout(width="100%", max_width="640px")
        st = {"description_width": "initial"}
        self.who = W.Text(description=tr("clientes.who"), placeholder=tr("clientes.who_placeholder"), style=st, layout=wide)
        self.category = Pick([(tr(f"clientes.cat.{c}"), c) for c in clientes.CATEGORIES], description=tr("clientes.category"))
        self.receives = W.Text(description=tr("clientes.receives"), placeholder=tr("clientes.receives_placeholder"),
                               style=st, layout=wide)
        self.happiness = faces(tr, tr("clientes.happiness"))
        self.better = W.Text(description=tr("clientes.better"), placeholder=tr("clientes.better_placeholder"),
                             style=st, layout=wide)
        self.add = W.Button(description=tr("clientes.add"), icon="plus", button_style="primary")
        self.add.on_click(lambda _b: self.submit())
        self.mine = Rows()
        self.mine.on("remove", lambda item: self.remove(item))
        self.chain = Chart(value_chain(clientes.relationships(pd.DataFrame(columns=["item"])), tr))
        # the chart appears with the first customer: empty, it was a tall blank box
        self.chain_card = card(html(f"<h3>{esc(tr('clientes.chain_title'))}</h3>"), self.chain)
        self.chain_card.layout.display = "none"
        self.children = [
            html(f"<h2>{icon('handshake')} {esc(tr('clientes.title'))}</h2><p>{esc(tr('clientes.intro'))}</p>"),
            card(html(f"<p class='cl-tp-hint'>{esc(tr('clientes.hint'))}</p>"), self.who, self.category, self.receives,
                 self.happiness, self.better, self.add, self.notice),
            card(html(f"<h3>{esc(tr('clientes.mine'))}</h3>"), self.mine),
            self.chain_card,
        ]
        self.refresh()

    def submit(self) -> None:
        """Add a customer; a refusal keeps what was typed."""
        try:
            value = clientes.customer_value(self.who.value, self.category.value, self.receives.value,
                                            self.happiness.value, self.better.value)
            self.store.save_response(self.participant, clientes.EXERCISE, clientes.new_item(), value)
        except REFUSALS as exc:
            fields = {"clientes.who": self.who, "clientes.category": self.category, "clientes.happiness": self.happiness}
            return self.notice.show("error", self.tr(exc.key, **getattr(exc, "kwargs", {})),
                                    field=field_for(exc.key, fields))
        self.notice.show("ok", self.tr("clientes.added", who=value["who"]))
        self.who.value = self.receives.value = self.better.value = ""
        self.category.value = self.happiness.value = None
        self.refresh()

    def remove(self, item: str) -> None:
        try:
            self.store.delete_response(self.participant, clientes.EXERCISE, item)
        except REFUSALS as exc:
            return self.notice.show("error", self.tr(exc.key, **getattr(exc, "kwargs", {})))
        self.refresh()

    def refresh(self) -> None:
        rels = clientes.relationships(self.store.responses(self.room.id, clientes.EXERCISE, participant_id=self.participant.id))
        self.rels = rels
        rows = []
        for r in rels.itertuples(index=False):
            remove = Action("remove", self.tr("clientes.remove"), "trash", "", self.tr("clientes.remove_for", who=r.who))
            rows.append(row(r.item, f"{FACES.get(r.happiness, '')} <b>{esc(r.who)}</b> "
                                    f"({esc(self.tr('clientes.cat.' + r.category))}) · {esc(r.receives)}<br>"
                                    f"<span class='cl-tp-hint'>{esc(self.tr('clientes.better_short'))}: {esc(r.better)}</span>",
                            [remove] if self.enabled else [], cls="cl-customer"))
        self.mine.show(rows or [row("none", f"<p class='cl-tp-hint'>{esc(self.tr('clientes.none'))}</p>")])
        copy_figure(self.chain, value_chain(rels, self.tr))
        self.chain_card.layout.display = None if len(rels) else "none"
        self.set_enabled(self.enabled)

    def set_enabled(self, enabled: bool) -> None:
        changed = enabled != self.enabled
        self.enabled = enabled
        for w in (self.who, self.category, self.receives, self.happiness, self.better, self.add):
            w.disabled = not enabled
        if changed:  # a row offers its button only while the room is open
            self.refresh()


class ClientesFacilitator(Revealable, W.VBox):
    """The room's map of customers: who we serve, how happy they leave, and the customers we forget."""

    def __init__(self, store: Store, room: Room, tr: Translator):
        super().__init__()
        self.store, self.room, self.tr = store, room, tr
        self.status = html("", "cl-people")
        empty = clientes.relationships(pd.DataFrame(columns=["item"]))
        self.bars = Chart(category_happiness(clientes.by_category(empty, 0), tr))
        self.donut = Chart(internal_external(empty, tr))
        self.forgotten = html("", "cl-people")
        self.least = html("")
        self.wall = self.moderated_wall = Wall(tr, self.hide, tr("clientes.wall_title"))
        self.gate(tr, W.VBox([self.bars, self.donut, self.forgotten, self.least]))
        self.children = [html(f"<h2>{icon('handshake')} {esc(tr('clientes.title'))}</h2>"), self.status, self.results_slot, self.wall]
        self.set_revealed(False)
        self.refresh()

    def stage_part(self, part: str) -> W.Widget | None:
        return {"bars": self.bars, "share": self.donut, "least": self.least, "wall": self.wall.list}.get(part)

    def counts(self) -> tuple[int, int]:
        """(how many have answered, how many are in the room)."""
        return self.answering, self.people

    def hide(self, response_id: int, hidden: bool) -> None:
        self.store.set_hidden(self.room.id, response_id, hidden)
        self.refresh()

    def refresh(self) -> None:
        df = self.store.responses(self.room.id, clientes.EXERCISE)
        rels = clientes.relationships(df)
        visible = rels[~rels["hidden"].astype(bool)]
        people = len(self.store.participants(self.room.id))
        self.answering, self.people = int(rels["participant_id"].nunique()), people
        table = clientes.by_category(visible, people)
        self.table = table
        self.status.value = esc(self.tr("clientes.progress", answering=rels["participant_id"].nunique(), people=people,
                                        n=len(rels)))
        copy_figure(self.bars, category_happiness(table, self.tr, title=self.tr("clientes.chart.happiness_title")))
        copy_figure(self.donut, internal_external(visible, self.tr))
        gone = clientes.forgotten(table)
        self.forgotten_list = gone
        self.forgotten.value = (esc(self.tr("clientes.forgotten", cats=", ".join(self.tr(f"clientes.cat.{c}") for c in gone)))
                                if gone and people else "")
        least = clientes.least_happy(visible)
        items = "".join(f"<li>{FACES.get(r.happiness, '')} <b>{esc(r.who)}</b> ({esc(self.tr('clientes.cat.' + r.category))}): "
                        f"{esc(r.better)}</li>" for r in least.itertuples(index=False))
        self.least.value = f"<h3>{esc(self.tr('clientes.least_title'))}</h3><ul class='cl-people'>{items}</ul>" if items else ""
        self.room = self.store.room(self.room.id) or self.room
        self.wall.update(authors=self.authors_shown, entries=pd.DataFrame({"id": rels["id"], "name": rels["name"], "team": rels["team"],
                                       "text": [f"{w}: {b}" for w, b in zip(rels["who"], rels["better"])],
                                       "hidden": rels["hidden"]}))
