"""The welcome app: a participant joins a room; a facilitator creates one and gets its links."""

from __future__ import annotations

from urllib.parse import urlencode

import ipywidgets as W

from widgets.apps.export_view import on_binder
from widgets.ui.pick import Pick
from widgets.i18n import LANGUAGES, Translator
from widgets.kits.journeys import industries
from widgets.apps.my_rooms import MyRooms
from widgets.serving.page import Page
from widgets.apps.participant_page import ParticipantApp
from widgets.ui.qr import qr_svg
from widgets.room.store import Room, Store, StoreError
from widgets.ui.text import esc, text_key
from widgets.ui.blocks import Notice, card, html, speaks

PARTICIPANT_NOTEBOOK = "00_bienvenida.ipynb"
FACILITATOR_NOTEBOOK = "facilitador.ipynb"
KIT_NOTEBOOK = "preparar_kit.ipynb"


def kit_options(store: Store, tr: Translator) -> list[tuple[str, str]]:
    """The organisation's own kits first (marked as theirs), then the shipped industries, for a dropdown."""
    own = [(tr("create.own_kit", name=k.title(tr.lang)), k.id) for k in store.saved_kits()]
    return own + industries(tr.lang)


def join_link(page: Page, code: str) -> str:
    return page.link(PARTICIPANT_NOTEBOOK, room=code)


def facilitator_link(page: Page, code: str, key: str) -> str:
    return page.link(FACILITATOR_NOTEBOOK, room=code, key=key)


def organiser_link(page: Page, key: str) -> str:
    return page.link(PARTICIPANT_NOTEBOOK, org=key)


class CreateRoomForm(W.VBox):
    """Room name, industry template, language and expected size; shows the links once created. Creates rooms
    with the organiser's key the page was opened with (``trusted``: on a server only its launcher reaches)."""

    def __init__(self, store: Store, page: Page, tr: Translator, on_created=None, trusted: bool = False):
        super().__init__()
        self.store, self.page, self.tr = store, page, tr
        self.organiser_key, self.trusted = page.get("org"), trusted
        self.on_created = on_created
        wide = W.Layout(width="100%", max_width="520px")
        st = {"description_width": "190px"}
        self.name = W.Text(description=tr("create.name"), placeholder=tr("create.name_placeholder"),
                           style=st, layout=wide)
        options = kit_options(store, tr)
        wanted = page.get("kit")  # back from the kit form: the kit just saved
        self.industry = W.Dropdown(description=tr("create.industry"), options=options, style=st, layout=wide,
                                   value=wanted if wanted in [v for _label, v in options] else "restaurant")
        self.lang = Pick([(tr(f"lang.{code}"), code) for code in LANGUAGES], value=tr.lang, description=tr("create.lang"),
                         kind="inline")  # its label beside it, right-aligned like the fields' (190 px)
        self.size = W.BoundedIntText(description=tr("create.size"), value=40, min=2, max=500, style=st,
                                     layout=W.Layout(width="260px"))
        self.anonymous = W.Checkbox(value=True, description=tr("create.anonymous"), indent=False)
        self.anonymous_hint = html(f"<p class='cl-tp-hint'>{esc(tr('create.anonymous_hint'))}</p>")
        self.button = W.Button(description=tr("create.button"), button_style="success", icon="plus")
        self.notice = Notice()
        self.result = W.VBox()
        self.button.on_click(lambda _b: self.submit())
        self.room = None
        self.key = ""
        self._warned: str | None = None  # the name whose twin was pointed out (the next click creates it)
        self.name.observe(lambda _c: self._name_changed(), "value")
        # relative: the kit form opens on the address the organiser already uses (same site, same browser storage)
        kit_link = f"{KIT_NOTEBOOK}?{urlencode({k: v for k, v in (('org', self.organiser_key), ('lang', tr.lang)) if v})}"
        self.children = [
            html(f"<h2>{esc(tr('create.title'))}</h2><p>{esc(tr('create.intro'))}</p>"),
            self.name, self.industry,
            html(f"<p class='cl-tp-hint'>{esc(tr('create.kit_hint'))} <a class='cl-kit-link' href='{esc(kit_link)}'>"
                 f"{esc(tr('create.kit_link'))}</a></p>"),
            self.lang, self.size, self.anonymous, self.anonymous_hint, self.button,
            self.notice, self.result,
        ]

    def same_name(self) -> Room | None:
        """An open room already called as typed (spelling aside)."""
        wanted = text_key(self.name.value)
        return next((r for r in self.store.list_rooms() if r.is_open and text_key(r.name) == wanted), None)

    def submit(self) -> None:
        """Create the room; a second room with the name of an open one is created only on a second click."""
        twin = self.same_name()
        if twin is not None and self._warned != text_key(self.name.value):
            self._warned = text_key(self.name.value)
            self.button.description = self.tr("create.button_again")
            return self.notice.show("error", self.tr("create.same_name", room=twin.name, code=twin.code), field=self.name)
        try:
            room, key = self.store.create_room_as_organiser(
                self.organiser_key, self.name.value, self.industry.value, self.lang.value, trusted=self.trusted,
                expected_size=self.size.value, state={"anonymous": bool(self.anonymous.value)})
        except StoreError as exc:
            return self.notice.show("error", self.tr(exc.key, **exc.kwargs),
                                    field=self.name if exc.key.startswith(("room.name", "text.")) else None)
        self._warned = None
        self.button.description = self.tr("create.button")
        self.room, self.key = room, key
        self.notice.show("ok", self.tr("create.done", room=room.name))
        if self.on_created:
            self.on_created(room, key)
        join = join_link(self.page, room.code)
        console = facilitator_link(self.page, room.code, key)
        self.result.children = [
            html(
                f"<div class='cl-card'><p>{esc(self.tr('create.code_label'))}</p>"
                f"<div class='cl-code'>{esc(room.code)}</div>"
                f"<div class='cl-qr' role='img' aria-label='{esc(self.tr('stage.qr_label', code=room.code))}'>{qr_svg(join)}</div>"
                f"<p>{esc(self.tr('create.join_link'))}<br><a class='cl-link cl-join-link' href='{esc(join)}' "
                f"target='_blank'>{esc(join)}</a></p>"
                f"<p><b>{esc(self.tr('create.console_link'))}</b><br>"
                f"<a class='cl-secret cl-console-link' href='{esc(console)}' target='_blank'>{esc(console)}</a></p>"
                f"<p class='cl-tp-hint'>{esc(self.tr('create.keep_secret'))}</p></div>"
            )
        ]


    def _name_changed(self) -> None:
        if self._warned is not None and self._warned != text_key(self.name.value):
            self._warned = None
            self.button.description = self.tr("create.button")
            self.notice.clear()


class WelcomeApp(W.VBox):
    """Landing page. With ``?room=CODE`` it goes straight to the participant's join form."""

    def __init__(self, store: Store, page: Page):
        super().__init__()
        self.add_class("cl-app")
        self.store, self.page = store, page
        self.tr = Translator(page.get("lang"))
        speaks(self, self.tr.lang)
        self.participant = ParticipantApp(store, page, on_entered=self._entered)
        self.creator = None
        self.my_rooms = None
        if page.get("room"):
            self.children = [self.participant]
            return
        tr = self.tr
        intro = html(f"<h1>Clientelitis</h1><p class='cl-people'>{esc(tr('welcome.tagline'))}</p>"
                     f"<blockquote>“{esc(tr('welcome.quote'))}” — Sergio Flores</blockquote>")
        # Creating rooms is the organiser's: with the organiser link `make start` prints (its secret key), or on
        # a Binder server, which only its launcher's secret address reaches. Participants see none of it.
        binder = on_binder()
        self.organiser = binder or store.check_organiser_key(page.get("org"))
        if not self.organiser:
            self.children = [intro, self.participant,
                             html(f"<p class='cl-tp-hint'>{esc(tr('welcome.organiser_hint'))}</p>")]
            return
        self.my_rooms = MyRooms(store, page, tr, self.participant.bridge, facilitator_link)
        self.creator = CreateRoomForm(store, page, tr, trusted=binder,
                                      on_created=lambda room, key: self.my_rooms.remember(room.code, key, room.name))
        notes = [html(f"<div class='cl-notice cl-notice-error'>{esc(tr('binder.warning'))}</div>")] if binder else []
        self.children = [
            *notes,
            intro,
            self.participant,
            card(self.creator),
            card(self.my_rooms),
            html(f"<p class='cl-tp-hint'>{esc(tr('welcome.language_hint'))}</p>"),
        ]

    def _entered(self) -> None:
        """A participant is in: their page is theirs alone, none of the facilitator's forms below it."""
        if self.children and tuple(self.children) != (self.participant,):
            self.children = [self.participant]
