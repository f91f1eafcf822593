"""The kit form: the authoring notebook served as an app, for facilitators who never open JupyterLab.

Start from a shipped industry or an own kit (or import a file), edit each table as rows of labelled fields,
check (every problem named by table, row and column), preview the room's charts on simulated answers, save,
and download the kit as JSON or XLSX. Nothing typed is lost when a check fails. On a served page the form
needs the organiser's link (``?org=KEY``) or a Binder server; in JupyterLab, whoever runs it owns the server.
"""

from __future__ import annotations

from urllib.parse import urlencode

import ipywidgets as W
import pandas as pd

from widgets.kits import files as kit_files
from widgets.kits import lab as kit_lab
from widgets.kits import model as kits
from widgets.ui import pick
from widgets.ui.chartwidget import Chart
from widgets.apps.export_view import download_link, on_binder
from widgets.i18n import LANGUAGES, Translator
from widgets.kits.model import COLUMNS, HOW, KINDS, WHO, KitError
from widgets.serving.page import Page
from widgets.ui.pick import Pick
from widgets.room.store import Store, StoreError
from widgets.ui.text import esc
from widgets.ui.blocks import Notice, card, html, speaks

TABLES = tuple(COLUMNS)
#: Fields each row of a table shows (ids stay in the row, made from the name when blank).
FIELDS = {
    "kit": ("name_es", "name_en", "customer_es", "customer_en", "internal"),
    "touchpoints": ("name_es", "name_en", "hint_es", "hint_en"),
    "cows": ("name_es", "name_en", "rule_es", "rule_en", "kind", "who", "how"),
    "prompts": ("text_es", "text_en"),
    "skills": ("name_es", "name_en", "short_es", "short_en"),
    "traits": ("name_es", "name_en"),
    "flags": ("name_es", "name_en"),
}
CHOICES = {"kind": KINDS, "who": WHO, "how": HOW}
WIDE = W.Layout(width="100%", max_width="560px")
#: A row's fields: two to a line on a laptop (Spanish beside English), one on a phone.
FIELD = {"flex": "1 1 420px", "min_width": "0", "max_width": "640px"}
LONG = {"flex": "1 1 100%", "min_width": "0"}
STYLE = {"description_width": "215px"}


def _label(tr: Translator, column: str) -> str:
    base, _, lang = column.rpartition("_")
    if lang in LANGUAGES:
        return tr("kitapp.in_lang", field=tr(f"kitapp.col.{base}"), language=tr(f"lang.{lang}"))
    return tr(f"kitapp.col.{column}")


class TableRows(W.VBox):
    """One table of a kit as rows of labelled fields, with buttons to add, move and remove rows."""

    def __init__(self, name: str, tr: Translator):
        super().__init__()
        self.name, self.tr = name, tr
        self.add_class("cl-kit-table")
        self.rows: list[tuple[dict, dict]] = []  # (the row's hidden values, its field widgets)
        self.single = name == "kit"
        self.add_button = W.Button(description=tr("kitapp.add_row"), icon="plus", tooltip=tr("kitapp.add_row_in",
                                   table=tr(f"kit.table.{name}")))
        self.add_button.on_click(lambda _b: self.add_row())
        self.list = W.VBox()
        self.children = [self.list] if self.single else [self.list, self.add_button]

    def _field(self, column: str, value) -> W.Widget:
        label = _label(self.tr, column)
        if column == "internal":
            return W.Checkbox(value=bool(kits._truthy(value)), description=label, indent=False,
                              layout=W.Layout(width="auto"))
        if column in ("kind", "who"):
            options = [(self.tr("kitapp.choose"), "")] + [(self.tr(f"vacas.{column}.{o}"), o) for o in CHOICES[column]]
            chosen = next((o for o in CHOICES[column] if o == str(value).strip()), "")
            return W.Dropdown(options=options, value=chosen, description=label, style=STYLE, layout=W.Layout(**FIELD))
        if column == "how":
            found = [o for o in HOW if o in [p.strip() for p in str(value).split(",")]]
            return Pick([(self.tr(f"vacas.how.{o}"), o) for o in HOW], value=found, description=label, multiple=True)
        if column.startswith("rule_"):
            return W.Textarea(value=str(value), description=label, style=STYLE, layout=W.Layout(**FIELD))
        if column.startswith(("hint_", "text_")):  # a sentence: the whole width of the row
            return W.Text(value=str(value), description=label, style=STYLE, layout=W.Layout(**LONG))
        return W.Text(value=str(value), description=label, style=STYLE, layout=W.Layout(**FIELD))

    def load(self, frame: pd.DataFrame) -> None:
        self.rows = []
        for record in frame.to_dict("records"):
            self._append({c: kits._cell(v) if c != "internal" else v for c, v in record.items()})
        self._draw()

    def _append(self, record: dict) -> None:
        hidden = {c: record.get(c, "") for c in COLUMNS[self.name] if c not in FIELDS[self.name]}
        fields = {c: self._field(c, record.get(c, "")) for c in FIELDS[self.name]}
        self.rows.append((hidden, fields))

    def add_row(self) -> None:
        self._append({})
        self._draw()
        first = next(iter(self.rows[-1][1].values()))
        first.add_class("cl-focus-here")  # the new row's first field takes the focus (frontend/src/a11y.js)

    def move(self, index: int, step: int) -> None:
        other = index + step
        if 0 <= other < len(self.rows):
            self.rows[index], self.rows[other] = self.rows[other], self.rows[index]
            self._draw()

    def remove(self, index: int) -> None:
        del self.rows[index]
        self._draw()

    def _draw(self) -> None:
        boxes = []
        for i, (_hidden, fields) in enumerate(self.rows):
            n = i + 1
            head: list[W.Widget] = [html(f"<b>{esc(self.tr('kitapp.row', n=n))}</b>")]
            if not self.single:
                for icon, label, tip, action in (("arrow-up", "kitapp.up", "kitapp.up_row", lambda _b, i=i: self.move(i, -1)),
                                                 ("arrow-down", "kitapp.down", "kitapp.down_row", lambda _b, i=i: self.move(i, 1)),
                                                 ("trash", "kitapp.remove", "kitapp.remove_row", lambda _b, i=i: self.remove(i))):
                    button = W.Button(description=self.tr(label), icon=icon, tooltip=self.tr(tip, n=n))
                    button.add_class("cl-kit-row-button")
                    button.on_click(action)
                    head.append(button)
            row_fields = W.Box(list(fields.values()), layout=W.Layout(flex_flow="row wrap"))
            row_fields.add_class("cl-kit-fields")
            box = W.VBox([W.HBox(head, layout=W.Layout(flex_flow="row wrap", align_items="center")), row_fields])
            box.add_class("cl-kit-row")
            boxes.append(box)
        self.list.children = boxes

    def frame(self) -> pd.DataFrame:
        records = []
        for hidden, fields in self.rows:
            record = dict(hidden)
            for column, widget in fields.items():
                value = widget.value
                record[column] = ", ".join(value) if column == "how" else value
            records.append(record)
        return pd.DataFrame(records, columns=list(COLUMNS[self.name]), dtype=object)


class KitApp(W.VBox):
    """The kit form (see the module's docstring); ``tables()`` and ``use()`` reach it from code."""

    def __init__(self, store: Store, page: Page | None = None, trusted: bool | None = None):
        super().__init__()
        from widgets.serving.pagebuild import in_voila_page

        page = page or Page()
        self.add_class("cl-app")
        self.add_class("cl-kit-app")
        self.store, self.page = store, page
        self.tr = tr = Translator(page.get("lang"))
        speaks(self, tr.lang)
        if trusted is None:
            trusted = not in_voila_page() or on_binder() or store.check_organiser_key(page.get("org"))
        self.allowed = bool(trusted)
        intro = html(f"<h1>{esc(tr('kitapp.title'))}</h1><p>{esc(tr('kitapp.intro'))}</p>")
        if not self.allowed:
            self.children = [intro, html(f"<p class='cl-notice cl-notice-error'>{esc(tr('kitapp.need_organiser'))}</p>")]
            return
        self.loaded_id = ""  # the own kit being edited (saving replaces it), "" for a new kit
        self._warned = ""
        self.start = W.Dropdown(description=tr("kitapp.start_from"), options=self._start_options(), value="restaurant",
                                style=STYLE, layout=WIDE)
        self.load_button = W.Button(description=tr("kitapp.load"), icon="folder-open")
        self.load_button.on_click(lambda _b: self.load(self.start.value))
        self.upload = W.FileUpload(accept=".json,.xlsx", multiple=False, description=tr("kitapp.import"),
                                   tooltip=tr("kitapp.import"))
        self.upload.observe(lambda _c: self.import_upload(), "value")
        self.start_notice = Notice()
        self.start_problems = W.VBox()  # why an import was refused, under the import itself
        self.delete_button = W.Button(description=tr("kitapp.delete"), icon="trash")
        self.delete_button.on_click(lambda _b: self.delete())
        self._loaded: dict[str, pd.DataFrame] = {}
        self._load_warned = ""
        self._delete_warned = ""
        self.tables_ui = {name: TableRows(name, tr) for name in TABLES}
        self.steps = pick.steps(tr, "kit.table.", TABLES, "kit")
        self.steps.add_class("cl-steps")
        self.steps.observe(lambda _c: self._show_table(), "value")
        self.table_intro = html("")
        self.table_box = W.VBox()
        self.check_button = W.Button(description=tr("kitapp.check"), icon="check")
        self.check_button.on_click(lambda _b: self.check())
        self.preview_button = W.Button(description=tr("kitapp.preview"), icon="bar-chart")
        self.preview_button.on_click(lambda _b: self.show_preview())
        self.save_button = W.Button(description=tr("kitapp.save"), icon="save", button_style="success")
        self.save_button.on_click(lambda _b: self.save())
        self.notice = Notice()
        self.problems = W.VBox()
        self.downloads = html("")
        self.preview_box = W.VBox()
        self.children = [
            intro,
            card(html(f"<h2>{esc(tr('kitapp.start_title'))}</h2>"), self.start,
                 W.HBox([self.load_button, self.delete_button], layout=W.Layout(flex_flow="row wrap")),
                 html(f"<p class='cl-tp-hint'>{esc(tr('kitapp.import_hint'))}</p>"), self.upload, self.start_notice,
                 self.start_problems),
            card(html(f"<h2>{esc(tr('kitapp.edit_title'))}</h2>"), self.steps, self.table_intro, self.table_box),
            card(W.HBox([self.check_button, self.preview_button, self.save_button],
                        layout=W.Layout(flex_flow="row wrap")), self.notice, self.problems, self.downloads),
            self.preview_box,
        ]
        self.load("restaurant")

    # -- what is edited ------------------------------------------------------------------------------
    def _start_options(self) -> list[tuple[str, str]]:
        from widgets.apps.welcome_page import kit_options

        return kit_options(self.store, self.tr)

    def _show_table(self) -> None:
        name = self.steps.value
        self.table_intro.value = f"<p class='cl-tp-hint'>{esc(self.tr(f'kitapp.about.{name}'))}</p>"
        self.table_box.children = [self.tables_ui[name]]

    def use(self, tables: dict[str, pd.DataFrame], loaded_id: str = "") -> None:
        """Show these tables in the form (what was on it is replaced)."""
        for name, ui in self.tables_ui.items():
            ui.load(tables.get(name, pd.DataFrame(columns=list(COLUMNS[name]))))
        self.loaded_id = loaded_id
        self._warned = self._load_warned = self._delete_warned = ""
        self._loaded = self.tables()
        self.problems.children = self.start_problems.children = []
        self.downloads.value = ""
        self.preview_box.children = []
        self.delete_button.layout.display = "" if loaded_id else "none"
        self._show_table()

    def tables(self) -> dict[str, pd.DataFrame]:
        """The form's content as the kit's tables (pandas DataFrames)."""
        return {name: ui.frame() for name, ui in self.tables_ui.items()}

    def edited(self) -> bool:
        """Has the form changed since it was loaded?"""
        now = self.tables()
        return any(not now[n].astype(str).equals(self._loaded[n].astype(str)) for n in now) if self._loaded else False

    def load(self, kit_id: str) -> None:
        """Start from a kit; what was edited is replaced only on a second click."""
        kit = self.store.kit(kit_id)
        if kit is None:
            return self.start_notice.show("error", self.tr("create.kit_unknown"), field=self.start)
        if self.edited() and self._load_warned != kit_id:
            self._load_warned = kit_id
            return self.start_notice.show("error", self.tr("kitapp.load_again"), field=self.start)
        self.use(kits.blank_from(kit) if kit.shipped else kits.to_tables(kit), "" if kit.shipped else kit.id)
        self.start_notice.show("ok", self.tr("kitapp.loaded_shipped" if kit.shipped else "kitapp.loaded_own",
                                             name=kit.title(self.tr.lang)))

    def import_upload(self) -> None:
        if not self.upload.value:
            return
        item = self.upload.value[0]
        self.upload.value = ()  # read: the button no longer counts a file as loaded
        try:
            kit = kit_files.read(item["name"], bytes(item["content"]), reserved=())
        except KitError as exc:
            return self._show_problems(exc, self.start_notice, self.start_problems, "kitapp.import_refused")
        tables = kits.to_tables(kit)
        if kit.id in kits.shipped_ids():  # a shipped kit's file: saved under a new id, made from its name
            tables["kit"].loc[0, "id"] = ""
        self.use(tables)
        self.start_notice.show("ok", self.tr("kitapp.imported", name=kit.title(self.tr.lang)))

    # -- checking, preview, saving -------------------------------------------------------------------
    def _show_problems(self, exc: KitError, notice: Notice, box: W.VBox, key: str = "kitapp.problems") -> None:
        """The problems as a list beside the button that found them, which takes the focus (and so comes into
        view); fields are named by their labels, as the form shows them."""
        messages = [p.message(self.tr, labels=lambda column: _label(self.tr, column)) for p in exc.problems]
        notice.show("error", self.tr(key, n=len(messages)))
        items = "".join(f"<li>{esc(m)}</li>" for m in messages[:60])
        more = f"<li>{esc(self.tr('kitapp.more', n=len(messages) - 60))}</li>" if len(messages) > 60 else ""
        listed = html(f"<ul class='cl-kit-problems'>{items}{more}</ul>", "cl-focus-here")
        box.children = [listed]  # a new block each time: the page moves the focus to a block once

    def build(self) -> kits.Kit | None:
        """The checked kit, or ``None`` after listing its problems."""
        self.problems.children = []
        try:
            return kits.build(self.tables())
        except KitError as exc:
            self._show_problems(exc, self.notice, self.problems)
            return None

    def check(self) -> kits.Kit | None:
        kit = self.build()
        if kit is not None:
            self.notice.show("ok", self.tr("kitapp.ready", name=kit.title(self.tr.lang), id=kit.id,
                                           touchpoints=len(kit.data["touchpoints"]), skills=len(kit.skills)))
        return kit

    def show_preview(self) -> None:
        kit = self.check()
        if kit is None:
            self.preview_box.children = []
            return
        charts = [Chart(figure) for _title, figure in kit_lab.preview_figures(kit, self.tr.lang)]
        self.preview_box.children = [card(html(f"<h2>{esc(self.tr('kitapp.preview_title'))}</h2>"
                                               f"<p class='cl-tp-hint'>{esc(self.tr('kitapp.preview_hint'))}</p>"), *charts)]

    def save(self) -> kits.Kit | None:
        """Save the kit; an own kit other than the one loaded is replaced only on a second click."""
        kit = self.check()
        if kit is None:
            return None
        taken = self.store.kit(kit.id)
        if taken is not None and not taken.shipped and kit.id != self.loaded_id and self._warned != kit.id:
            self._warned = kit.id
            self.notice.show("error", self.tr("kitapp.replace", name=taken.title(self.tr.lang)))
            return None
        try:
            self.store.save_kit(kit)
        except StoreError as exc:
            self.notice.show("error", self.tr(exc.key, **exc.kwargs))
            return None
        self.loaded_id, self._warned = kit.id, ""
        self._loaded = self.tables()
        self.start.options = self._start_options()
        self.start.value = kit.id
        self.delete_button.layout.display = ""
        self.notice.show("ok", self.tr("kitapp.saved", name=kit.title(self.tr.lang)))
        links = []
        for fmt, mime in (("json", "application/json"),
                          ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
            name, data = kit_files.write(kit, fmt)
            links.append(download_link(data, name, mime, self.tr(f"kitapp.download_{fmt}"), f"cl-dl-kit-{fmt}"))
        back = f"00_bienvenida.ipynb?{urlencode({'org': self.page.get('org'), 'kit': kit.id, 'lang': self.tr.lang})}"
        links.append(f"<a class='cl-kit-back' href='{esc(back)}'>{esc(self.tr('kitapp.create_room'))}</a>")
        self.downloads.value = " ".join(links)
        return kit

    def delete(self) -> None:
        """Delete the own kit loaded (on a second click); rooms made with it keep their copy."""
        if not self.loaded_id:
            return
        kit = self.store.kit(self.loaded_id)
        name = kit.title(self.tr.lang) if kit else self.loaded_id
        if self._delete_warned != self.loaded_id:
            self._delete_warned = self.loaded_id
            return self.start_notice.show("error", self.tr("kitapp.delete_again", name=name))
        self.store.delete_kit(self.loaded_id)
        self.start.options = self._start_options()
        self.start.value = "restaurant"
        self._loaded = {}
        self.load("restaurant")
        self.start_notice.show("ok", self.tr("kitapp.deleted", name=name))
