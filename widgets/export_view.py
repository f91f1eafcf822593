"""The console's export and import card: downloads at any time, and merging a results file."""

from __future__ import annotations

import base64
import os
import re

import ipywidgets as W

from . import export
from .i18n import Translator
from .store import Room, Store, StoreError
from .text import esc
from .ui import Notice, html, icon


def on_binder() -> bool:
    """True inside a mybinder.org server (which forgets everything when it stops)."""
    return bool(os.environ.get("BINDER_LAUNCH_HOST") or os.environ.get("BINDER_REQUEST"))


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:40] or "sala"


def download_link(data: bytes, filename: str, mime: str, label: str, css: str) -> str:
    b64 = base64.b64encode(data).decode("ascii")
    return (
        f"<a class='cl-download {css}' download='{esc(filename)}' href='data:{mime};base64,{b64}'>"
        f"{icon('download')} {esc(label)}</a>"
    )


class ExportPanel(W.VBox):
    """Buttons that prepare the room's files, and an upload that imports a results file."""

    def __init__(self, store: Store, room: Room, tr: Translator):
        super().__init__()
        self.store, self.room, self.tr = store, room, tr
        self.button = W.Button(description=tr("export.prepare"), icon="download", button_style="info")
        self.button.on_click(lambda _b: self.prepare())
        self.links = html("")
        self.upload = W.FileUpload(accept=".json", multiple=False, description=tr("import.button"))
        self.upload.observe(lambda _c: self.import_upload(), "value")
        self.notice = Notice()
        warn = html(f"<div class='cl-notice cl-notice-error'>{esc(tr('binder.warning'))}</div>") if on_binder() else html("")
        self.children = [
            html(f"<h2>{esc(tr('export.title'))}</h2><p>{esc(tr('export.intro'))}</p>"),
            warn, self.button, self.links,
            html(f"<h3>{esc(tr('import.title'))}</h3><p>{esc(tr('import.intro'))}</p>"),
            self.upload, self.notice,
        ]

    def prepare(self) -> None:
        room = self.store.room(self.room.id)
        name = slug(room.name) + "-" + room.code
        sheets = export.tables(self.store, room)
        answers = list(sheets.values())[1]
        self.files = {
            "csv": export.to_csv(answers),
            "xlsx": export.to_xlsx(sheets),
            "html": export.html_report(self.store, room).encode("utf-8"),
            "json": export.bundle_bytes(self.store, room),
        }
        self.links.value = " ".join([
            download_link(self.files["csv"], f"{name}.csv", "text/csv", self.tr("export.csv"), "cl-dl-csv"),
            download_link(self.files["xlsx"], f"{name}.xlsx",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          self.tr("export.xlsx"), "cl-dl-xlsx"),
            download_link(self.files["html"], f"{name}.html", "text/html", self.tr("export.html"), "cl-dl-html"),
            download_link(self.files["json"], f"{name}.clientelitis.json", "application/json",
                          self.tr("export.results"), "cl-dl-json"),
        ])

    def import_upload(self) -> None:
        if not self.upload.value:
            return
        item = self.upload.value[0]
        try:
            data = export.read_bundle(bytes(item["content"]))
            people, answers = export.import_bundle(self.store, self.store.room(self.room.id), data)
        except StoreError as exc:
            self.notice.show("error", self.tr(exc.key, **exc.kwargs))
            return
        self.notice.show("ok", self.tr("import.done", people=self.tr("count.participants", n=people),
                                                answers=self.tr("count.answers", n=answers)))
