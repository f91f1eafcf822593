"""The README's pictures, taken from the demo room (``make screenshots``): the stage's join slide and a results
slide, the console and a phone, each at the size people see it. Run again after any change people see; the
README shows what this wrote, never a picture made by hand.

``python -m tests.screenshots [folder]`` starts its own Voila server and Chromium (the folder defaults to
``docs/img``); :func:`take` does the work with a server and a browser given (tests/test_screenshots.py).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from widgets.workshops.feliz import model as feliz
from widgets.apps import slides
from widgets.demo import seed_demo

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 412, "height": 915}

#: What the README shows, file by file: (file, what it is).
PICTURES = {
    "stage-join.png": "the projector's join slide (1366x768)",
    "stage-results.png": "a results slide on the projector (1366x768)",
    "console.png": "the facilitator's console (1366x768)",
    "phone.png": "a participant's phone (412 px)",
}


def _settled(page) -> None:
    """Wait until the page has drawn what it has: no starting placeholder, fonts loaded, charts drawn."""
    page.wait_for_function("() => document.body.dataset.clState === 'ready'")
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    page.wait_for_function("() => [...document.querySelectorAll('.cl-chart')].every(c => c.querySelector('.main-svg')"
                           " || !c.offsetWidth)")


def take(server, browser, out: Path = OUT) -> list[Path]:
    """The four pictures of :data:`PICTURES`, from a new demo room on ``server``, written into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    store = server.store()
    room, key = seed_demo(store)
    store.change_room_state(room.id, lambda s: slides.with_slide(s, slides.JOIN))
    people = store.participants(room.id)
    me = int(people["id"].iloc[0])
    token = store.reset_participant_token(room.id, me)
    written = []
    context = browser.new_context(viewport=LAPTOP, locale="es-ES")
    context.set_default_timeout(60_000)
    try:
        stage = context.new_page()
        stage.goto(server.url("facilitador.ipynb", f"room={room.code}&key={key}&view=projector"))
        expect(stage.locator(".cl-join-slide")).to_be_visible()
        _settled(stage)
        stage.screenshot(path=str(out / "stage-join.png"))
        written.append(out / "stage-join.png")
        store.change_room_state(room.id, lambda s: slides.with_slide(s, "feliz:chart"))
        expect(stage.locator(".cl-stage .js-plotly-plot")).to_be_visible()
        _settled(stage)
        stage.wait_for_function("() => !document.querySelector('.cl-stage .cl-starting')")
        stage.screenshot(path=str(out / "stage-results.png"))
        written.append(out / "stage-results.png")

        console = context.new_page()
        console.goto(server.url("facilitador.ipynb", f"room={room.code}&key={key}"))
        expect(console.locator(".cl-console-live")).to_be_visible()
        _settled(console)
        console.screenshot(path=str(out / "console.png"))
        written.append(out / "console.png")

        phone_context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True,
                                            locale="es-ES")
        phone_context.set_default_timeout(60_000)
        try:
            phone = phone_context.new_page()
            store.update_room_state(room.id, phase=feliz.EXERCISE)
            phone.goto(server.url("00_bienvenida.ipynb", f"room={room.code}&me={token}"))
            expect(phone.locator(".cl-feliz")).to_be_visible()
            _settled(phone)
            phone.screenshot(path=str(out / "phone.png"))
            written.append(out / "phone.png")
        finally:
            phone_context.close()
    finally:
        context.close()
    return written


def main(argv: list[str]) -> None:
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS, VoilaServer

    out = Path(argv[0]) if argv else OUT
    with tempfile.TemporaryDirectory() as var:
        server = VoilaServer(Path(var))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    for path in take(server, browser, out):
                        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
                              f"{PICTURES[path.name]}")
                finally:
                    browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
