"""The console's export and import card: downloads at any time, and merging a results file."""

from __future__ import annotations

import base64
import os

import ipywidgets as W

from widgets import export
from widgets.i18n import Translator
from widgets.room.store import Room, Store, StoreError
from widgets.ui.text import esc
from widgets.ui.blocks import Notice, html, icon


def on_binder() -> bool:
    """True inside a mybinder.org server (which forgets everything when it stops)."""
    return bool(os.environ.get("BINDER_LAUNCH_HOST") or os.environ.get("BINDER_REQUEST"))


def download_link(data: bytes, filename: str, mime: str, label: str, css: str) -> str:
    b64 = base64.b64encode(data).decode("ascii")
    return (
        f"<a class='cl-download {css}' download='{esc(filename)}' href='data:{mime};base64,{b64}'>"
        f"{icon('download')} {esc(label)}</a>"
    )


#: The console's downloads: kind (``export.room_files``), type, and label.
KINDS = (("csv", "text/csv", "export.csv"),
         ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "export.xlsx"),
         ("html", "text/html", "export.html"),
         ("json", "application/json", "export.results"),
         ("authorship", "text/csv", "export.authorship"))


class ExportPanel(W.VBox):
    """Buttons that prepare the room's files, and an upload that imports a results file."""

    def __init__(self, store: Store, room: Room, tr: Translator):
        super().__init__()
        self.store, self.room, self.tr = store, room, tr
        self.button = W.Button(description=tr("export.prepare"), icon="download", button_style="info")
        self.button.on_click(lambda _b: self.prepare())
        self.links = html("")
        self.upload = W.FileUpload(accept=".json", multiple=False, description=tr("import.button"),
                                   tooltip=tr("import.button"))
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
        """Every file of the room now; in an anonymous room, who wrote what comes apart, for the facilitator."""
        room = self.store.room(self.room.id)
        files = export.room_files(self.store, room)
        self.files = {kind: data for kind, (_name, data) in files.items()}
        links = [download_link(files[kind][1], files[kind][0], mime, self.tr(label), f"cl-dl-{kind}")
                 for kind, mime, label in KINDS]
        self.links.value = (" ".join(links) + f"<p class='cl-tp-hint'>{esc(self.tr('export.authorship_hint'))}</p>")

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
