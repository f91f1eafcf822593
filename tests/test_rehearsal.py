"""The rehearsal: a whole agenda run as a facilitator runs it, in a real Voila server and Chromium.

A console on the facilitator's laptop, the projector's window, and three phones in an anonymous room (the
default) go through every workshop in turn. At each step the test asserts what people see: results hidden when a
workshop opens, no participant's name on the projector, each workshop's own timer, votes landing where they were
tapped while others vote too, every confirmation visible where the tap was; and at the end, that the HTML report
and the XLSX hold every answer of every workshop, and that the server's log has no traceback. Screenshots of
every step land in test-artifacts/rehearsal-*.png.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from widgets.workshops.vacas import model as vacas

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-artifacts"
PEOPLE = [("Ana Pérez", "Caja"), ("Beto Ruiz", "Caja"), ("Carla Gómez", "Caja")]
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 412, "height": 915}

pytestmark = pytest.mark.browser


def shot(page, step: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"rehearsal-{step}.png"))


def in_view(locator) -> None:
    """The element is on screen, inside the viewport (not above it, off where the person is looking)."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    size = locator.page.viewport_size
    assert box and 0 <= box["y"] and box["y"] + min(box["height"], 40) <= size["height"], (box, size)


def no_names(page) -> None:
    text = page.locator("body").inner_text()
    for name, _team in PEOPLE:
        assert name not in text and name.split()[0] not in text, f"{name} on the projector"


def on_stage(projector, title: str) -> None:
    """The projector shows the slide titled ``title`` (and has drawn it)."""
    expect(projector.locator(".cl-stage-title h1")).to_have_text(title)
    projector.wait_for_function("() => !document.querySelector('.cl-stage .cl-starting')")


def next_slide(console, projector, title: str) -> None:
    """The facilitator presses → on the console (a clicker's key): the projector moves to ``title``."""
    console.locator("body").press("ArrowRight")
    on_stage(projector, title)


def open_workshop(console, title: str) -> None:
    console.locator(".cl-agenda-row", has_text=title).get_by_role("button", name="Abrir el ejercicio").click()


def data_url(page, css: str) -> bytes:
    href = page.locator(css).get_attribute("href")
    return base64.b64decode(href.split(",", 1)[1])


def test_a_whole_agenda_as_a_facilitator_runs_it(voila_server, browser):
    log_start = voila_server.log_path.stat().st_size  # the server is shared: this session's part of its log
    store = voila_server.store()
    room, key = store.create_room("Hotel Sol · ensayo", "hotel", "es", expected_size=3)  # anonymous by default
    laptop = browser.new_context(viewport=LAPTOP)
    laptop.set_default_timeout(60_000)
    console = laptop.new_page()
    console.goto(voila_server.url("facilitador.ipynb", f"room={room.code}&key={key}"))
    projector = laptop.new_page()
    projector.goto(voila_server.url("facilitador.ipynb", f"room={room.code}&key={key}&view=projector"))
    phones = []
    for name, team in PEOPLE:
        context = browser.new_context(viewport=PHONE)
        context.set_default_timeout(60_000)
        phone = context.new_page()
        phone.goto(voila_server.url("00_bienvenida.ipynb", f"room={room.code}"))
        phone.get_by_placeholder("como quieres que te vean").fill(name)
        phone.get_by_placeholder("elige o escribe uno").fill(team)
        phone.get_by_role("button", name="Entrar").click()
        expect(phone.get_by_text(f"¡Hola, {name}!")).to_be_visible()
        expect(phone.get_by_text("Crear una sala (facilitador)")).to_have_count(0)  # never the facilitator's forms
        phones.append(phone)
    expect(console.locator(".cl-big-number").first).to_have_text("3")
    expect(projector.locator(".cl-join-count")).to_have_text("3 personas en la sala")  # the join slide counts
    no_names(projector)
    shot(projector, "1-projector-joined")

    # 1. ¿Sale más feliz? -- opens with its results hidden and no timer; a timer of its own
    console.bring_to_front()  # the facilitator's window has the keyboard (and the clicker)
    next_slide(console, projector, "¿Sale más feliz de lo que entró?")  # the first workshop, open since the start
    expect(projector.locator(".cl-answered")).to_have_text("0 de 3 han respondido")
    expect(projector.locator(".cl-corner-code")).to_have_text(room.code)  # latecomers still see the code
    expect(console.locator(".cl-hidden-results").first).to_be_visible()
    console.get_by_role("button", name="Iniciar temporizador").click()
    expect(projector.locator(".cl-stage-timer")).to_have_text(re.compile(r"\d\d:\d\d"))
    for phone in phones:
        expect(phone.locator(".cl-timer")).to_have_text(re.compile(r"\d\d:\d\d"))
    for i, phone in enumerate(phones):
        row = phone.locator(".cl-row").first
        row.locator(".cl-scale").nth(0).get_by_role("radio").nth(3).click()
        row.locator(".cl-scale").nth(1).get_by_role("radio").nth(i).click()
        in_view(row.locator(".cl-row-status", has_text="Guardado"))  # said where the tap was
        phone.get_by_role("radio", name="3. Tu idea").click()
        box = phone.get_by_placeholder(re.compile("^p. ej. avisar en cuanto"))
        box.fill(f"Idea de la fila {i}")
        phone.get_by_role("button", name="Enviar idea").click()
        in_view(phone.get_by_text("¡Idea guardada!", exact=False))
    shot(phones[0], "2-phone-feliz")
    expect(projector.locator(".cl-answered")).to_have_text("3 de 3 han respondido")
    expect(console.locator(".cl-wall-text", has_text="Idea de la fila 2")).to_be_visible()
    next_slide(console, projector, "Felicidad al entrar y al salir (promedio de la sala)")
    expect(projector.locator(".cl-hidden-results")).to_be_visible()  # not before the facilitator says so
    next_slide(console, projector, "Ideas de la sala")
    expect(projector.locator(".cl-hidden-results")).to_be_visible()
    console.locator("body").press("r")  # a clicker's R: reveal
    expect(projector.locator(".cl-wall-text", has_text="Idea de la fila 2")).to_be_visible()
    no_names(projector)
    shot(projector, "3-projector-feliz-revealed")

    # 2. La varita mágica -- the next workshop opens hidden, without the first one's timer
    open_workshop(console, "Diseñar la experiencia")
    for phone in phones:
        expect(phone.get_by_role("radio", name="3. Varita")).to_be_visible()
        expect(phone.locator(".cl-timer")).to_have_text("")
        assert phone.evaluate("window.scrollY") == 0  # at the top of the new workshop
    on_stage(projector, "Diseñar la experiencia: la varita mágica")
    expect(projector.locator(".cl-stage-timer")).to_have_text("")  # not the first workshop's timer
    next_slide(console, projector, "Fans: momentos en que sale más feliz de lo que entró")
    expect(projector.locator(".cl-hidden-results")).to_be_visible()
    a = phones[0]
    a.get_by_role("radio", name="3. Varita").click()
    for text in ("Recibir por su nombre", "Mensaje al llegar"):
        a.get_by_placeholder("tu idea para este momento (máx. 200 caracteres)").fill(text)
        scales = a.locator(".cl-varita .cl-scale")
        for k, choice in enumerate((4, 3, 0, 4)):
            scales.nth(k).get_by_role("radio").nth(choice).click()
        a.get_by_role("button", name="Agregar idea").click()
        in_view(a.get_by_text("¡Idea agregada!", exact=False))
    wand_votes = {1: {"Recibir por su nombre": 2}, 2: {"Mensaje al llegar": 3}}
    for i in wand_votes:
        phones[i].get_by_role("radio", name="4. Votar").click()
    for i, plan in wand_votes.items():  # both vote at once
        for idea, n in plan.items():
            for _ in range(n):
                phones[i].get_by_role("button", name=re.compile(f"^Votar por la idea «{idea}")).click()
    for i, plan in wand_votes.items():
        expect(phones[i].get_by_text(f"Usaste {sum(plan.values())} de 5 votos.")).to_be_visible()
    shot(phones[1], "4-phone-varita-vote")
    no_names(projector)

    # 3. Las vacas sagradas -- cows on the wall without names; votes land where they were tapped
    open_workshop(console, "Limpiar la casa")
    cows = ["Firma del gerente", "Tres copias", "Fila para todo"]
    for i, phone in enumerate(phones):
        expect(phone.get_by_role("radio", name="1. Cazar")).to_be_visible()
        phone.get_by_label("Nombre corto").fill(cows[i])
        phone.get_by_role("radio", name="Procedimiento").click()
        phone.get_by_role("radio", name="A ambos").click()
        phone.get_by_role("checkbox", name="Retrasa").click()
        phone.get_by_role("radio", name="Cada día").click()
        phone.get_by_role("button", name="Publicar vaca").click()
        in_view(phone.get_by_text(f"¡Vaca «{cows[i]}» publicada!", exact=False))
    # cows appear on the projected wall as they are posted, with no names; the votes and charts stay hidden
    on_stage(projector, "Limpiar la casa: la cacería de vacas sagradas")
    next_slide(console, projector, "Muro de vacas")
    expect(projector.locator(".cl-cow")).to_have_count(3)
    next_slide(console, projector, "Las vacas más odiadas")
    expect(projector.locator(".cl-hidden-results")).to_be_visible()
    expect(console.locator(".cl-cow")).to_have_count(3)
    no_names(projector)
    for name, _team in PEOPLE:  # not even on the console's wall: the room is anonymous
        expect(console.locator(".cl-cow-wall")).not_to_contain_text(name)
    intended = [{"Firma del gerente": 0, "Tres copias": 3, "Fila para todo": 0},
                {"Firma del gerente": 2, "Tres copias": 0, "Fila para todo": 1},
                {"Firma del gerente": 1, "Tres copias": 1, "Fila para todo": 3}]
    for phone in phones:
        phone.get_by_role("radio", name="2. Votar").click()
    for round_ in range(3):  # everybody taps at the same time, round after round
        for phone, plan in zip(phones, intended):
            for cow, n in plan.items():
                if n > round_:
                    phone.get_by_role("button", name=f"Votar por «{cow}»").click()
    for phone, plan in zip(phones, intended):
        expect(phone.get_by_text(f"Usaste {sum(plan.values())} de 5 votos.")).to_be_visible()
    joined = store.participants(room.id)
    people = dict(zip(joined["name"], joined["id"]))
    cows_by_name = {c.title: c.key for c in vacas.cows(store.responses(room.id, "vacas"))}
    stored = store.responses(room.id, "vacas").set_index(["participant_id", "item"])["value"]
    for (name, _team), plan in zip(PEOPLE, intended):
        votes = stored.get((people[name], "cow_votes"), {})
        assert {cow: votes.get(cows_by_name[cow], 0) for cow in plan} == plan, name
    shot(phones[2], "5-phone-vacas-votes")
    console.get_by_role("button", name="Mostrar resultados").click()
    expect(projector.locator(".cl-hidden-results")).to_have_count(0)
    expect(projector.locator(".cl-stage .js-plotly-plot")).to_be_visible()
    no_names(projector)
    shot(projector, "6-projector-vacas-revealed")

    # 4. Cliente es todo aquel que no soy yo
    open_workshop(console, "Cliente es todo aquel")
    for i, phone in enumerate(phones):
        phone.get_by_placeholder("p. ej. Contabilidad, mi jefa, los choferes, mi pareja").fill(f"Cliente {i}")
        phone.get_by_role("radio", name="Jefe", exact=True).click()
        phone.get_by_placeholder("p. ej. el reporte semanal").fill("El cierre mensual")
        phone.locator(".cl-clientes .cl-scale").get_by_role("radio").nth(2).click()
        phone.get_by_placeholder("p. ej. mandarlo el lunes temprano y sin errores").fill(f"Mejora {i}")
        phone.get_by_role("button", name="Agregar cliente").click()
        in_view(phone.get_by_text(f"«Cliente {i}» agregado.", exact=False))
    on_stage(projector, "Cliente es todo aquel que no soy yo")
    expect(projector.locator(".cl-answered")).to_have_text("3 de 3 han respondido")
    next_slide(console, projector, "¿Qué tan felices se van nuestros clientes?")
    expect(projector.locator(".cl-hidden-results")).to_be_visible()
    no_names(projector)

    # 5. Clientelitis
    open_workshop(console, "Clientelitis: contagiar")
    for phone in phones:
        scales = phone.locator(".cl-clientelitis .cl-scale")
        expect(scales).to_have_count(9)
        for k in range(9):
            scales.nth(k).get_by_role("radio").nth(3).click()
        in_view(phone.locator(".cl-clientelitis").get_by_text("Guardado."))
    on_stage(projector, "Clientelitis: contagiar, reforzar y contratar")
    next_slide(console, projector, "Habilidades de servicio de la sala (promedio y rango)")
    expect(projector.locator(".cl-hidden-results")).to_be_visible()
    shot(phones[0], "7-phone-clientelitis")

    # Back to the first workshop: its own timer and its results, as it was left
    open_workshop(console, "¿Sale más feliz")
    for phone in phones:
        expect(phone.locator(".cl-timer")).to_have_text(re.compile(r"\d\d:\d\d"))
    on_stage(projector, "¿Sale más feliz de lo que entró?")
    expect(projector.locator(".cl-stage-timer")).to_have_text(re.compile(r"\d\d:\d\d"))  # its own, still running
    next_slide(console, projector, "Felicidad al entrar y al salir (promedio de la sala)")
    next_slide(console, projector, "Ideas de la sala")
    expect(projector.locator(".cl-wall-text", has_text="Idea de la fila 0")).to_be_visible()  # revealed, as left
    no_names(projector)
    shot(projector, "8-projector-back-to-feliz")

    # The files: every answer of every workshop in the XLSX and the report, and no name in either
    console.get_by_role("button", name="Preparar descargas").click()
    expect(console.locator("a.cl-dl-xlsx")).to_be_visible()
    book = openpyxl.load_workbook(io.BytesIO(data_url(console, "a.cl-dl-xlsx")))
    cells = "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row)
    report = data_url(console, "a.cl-dl-html").decode("utf-8")
    answers = store.responses(room.id)
    assert len(answers) == 3 + 3 + 2 + 2 + 3 + 3 + 3 + 3  # ratings, ideas, wand ideas, votes, cows, votes, ...
    for text in [f"Idea de la fila {i}" for i in range(3)] + ["Recibir por su nombre", "Mensaje al llegar"] + cows + \
            [f"Cliente {i}" for i in range(3)] + [f"Mejora {i}" for i in range(3)]:
        assert text in cells and text in report, text
    ratings = book["Felicidad - respuestas"]
    assert ratings.max_row - 1 == 3 and book["Habilidades"].max_row - 1 == 3 and book["Clientes"].max_row - 1 == 3
    for name, _team in PEOPLE:
        assert name not in cells and name not in report
    shot(console, "9-console-downloads")

    # A normal session: no traceback in the server's log
    with open(voila_server.log_path, errors="replace") as fh:
        fh.seek(log_start)
        log = fh.read()
    assert "Traceback" not in log, log[max(0, log.find("Traceback") - 2000): log.find("Traceback") + 2000]
    # and no connection dropped by the server's keep-alive (a page that answers its pings is never "timed out")
    assert "ping timeout" not in log, [line for line in log.splitlines() if "ping timeout" in line][:3]
    laptop.close()
    for phone in phones:
        phone.context.close()
