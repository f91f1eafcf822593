"""Headless Chromium against the real Voila server: what a facilitator and a participant see and click."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.axe import assert_accessible
from tests.hostile import CORPUS

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-artifacts"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


#: Of the page's first chart: the share of its box's width its plot takes (measured between the x axis' first
#: and last ticks, which sit half a unit inside the plot's ends), the font size of its y axis' labels (px), and
#: by how many pixels the drawing is wider than its box (0 when it fits).
PLOT_SHARE_AND_TICK_FONT = """() => {
  const chart = document.querySelector('.js-plotly-plot');
  const box = chart.getBoundingClientRect();
  const x = [...chart.querySelectorAll('.xtick text')].map((t) => { const r = t.getBoundingClientRect();
                                                                     return r.left + r.width / 2; });
  const plot = (Math.max(...x) - Math.min(...x)) * (x.length) / (x.length - 1);
  return [plot / box.width, parseFloat(getComputedStyle(chart.querySelector('.ytick text')).fontSize),
          Math.max(0, chart.querySelector('svg.main-svg').getBoundingClientRect().right - box.right)];
}"""


@pytest.mark.browser
def test_room_created_joined_rated_and_seen_live(voila_server, context):
    # The facilitator creates a room in the welcome app.
    welcome = context.new_page()
    welcome.goto(voila_server.url("00_bienvenida.ipynb"))  # as participants land on it: no room can be made there
    expect(welcome.get_by_text("Las salas se crean desde tu enlace de organizador", exact=False)).to_be_visible()
    expect(welcome.get_by_role("button", name="Crear sala")).to_have_count(0)
    assert_accessible(welcome, "welcome, as participants land on it")
    welcome.goto(voila_server.organiser_url())
    expect(welcome.get_by_role("button", name="Crear sala")).to_be_visible()
    assert_accessible(welcome, "welcome, the organiser's form")
    welcome.get_by_placeholder("p. ej. Banco Norte, ola 1").fill("Restaurante Prueba")
    welcome.get_by_role("button", name="Crear sala").click()
    expect(welcome.get_by_text("Sala «Restaurante Prueba» creada.")).to_be_visible()
    expect(welcome.get_by_role("img", name=re.compile("QR"))).to_be_visible()  # the QR code is named
    assert_accessible(welcome, "welcome, a room just created (code, QR, links)")
    console_url = welcome.locator("a.cl-console-link").get_attribute("href")
    join_url = welcome.locator("a.cl-join-link").get_attribute("href")
    assert "key=" in console_url and "room=" in join_url and "key=" not in join_url
    code = join_url.split("room=")[1]
    expect(welcome.locator(".cl-code")).to_have_text(code)

    # The facilitator projects the console.
    console = context.new_page()
    console.goto(console_url)
    expect(console.get_by_text("Todavía no se ha unido nadie.")).to_be_visible()
    expect(console.locator(".cl-qr svg")).to_be_visible()
    console.evaluate("window.__sameDocument = 42")

    # A participant opens the join link, joins and rates the first touchpoint.
    phone = context.browser.new_context(viewport={"width": 412, "height": 915})
    phone.set_default_timeout(60_000)
    part = phone.new_page()
    part.goto(join_url)
    expect(part.get_by_placeholder("p. ej. K7RM4Q")).to_have_value(code)
    part.get_by_role("button", name="Entrar").click()
    expect(part.get_by_text("Escribe tu nombre (no puede quedar vacío).")).to_be_visible()
    part.get_by_placeholder("como quieres que te vean").fill("Zoe <b>")
    part.get_by_placeholder("elige o escribe uno").fill("Cocina")
    part.get_by_role("button", name="Entrar").click()
    expect(part.get_by_text("¡Hola, Zoe <b>!")).to_be_visible()
    assert "me=" in part.url  # the address bar now holds the personal link

    first = part.locator(".cl-row").first
    expect(first).to_contain_text("Reserva de mesa")
    first.locator(".cl-scale").nth(0).get_by_role("radio").nth(4).click()  # entering: delighted
    first.locator(".cl-scale").nth(1).get_by_role("radio").nth(0).click()  # leaving: furious
    expect(part.get_by_text("Guardado: Reserva de mesa")).to_be_visible()
    part.get_by_role("button", name="Siguiente: 2. Tu gráfica").click()  # the page's next step
    expect(part.get_by_role("radio", name="2. Tu gráfica")).to_have_attribute("aria-checked", "true")
    expect(part.locator(".cl-net")).to_contain_text("-4")
    # On the phone the chart's fonts (sized for a projector) are drawn smaller and long touchpoint names wrap,
    # so the plot keeps a good part of the chart's width instead of a sliver beside the names.
    expect(part.locator(".ytick text", has_text="⚠ Reserva de mesa")).to_have_count(1)
    plot_share, tick_px, overflow = part.evaluate(PLOT_SHARE_AND_TICK_FONT)
    assert tick_px < 20 and plot_share >= 0.45 and overflow <= 1, (plot_share, tick_px, overflow)
    shot(part, "participant")

    # The console, still the same document, shows the participant and the progress; results stay hidden.
    expect(console.locator(".cl-big-number").first).to_have_text("1")
    expect(console.locator(".cl-people li")).to_contain_text("Cocina (1): Zoe <b>")
    expect(console.locator(".cl-who")).to_have_text("Aún no terminan: Zoe <b>")
    expect(console.get_by_text("1 persona respondiendo · 0 terminaron")).to_be_visible()
    expect(console.locator(".cl-hidden-results").first).to_be_visible()
    expect(console.locator(".ytick text", has_text="Reserva de mesa")).to_be_hidden()
    console.get_by_role("button", name="Mostrar resultados").click()
    expect(console.locator(".cl-hidden-results").first).to_be_hidden()
    expect(console.get_by_text("Aquí el cliente sale menos feliz de lo que entró:")).to_be_visible()
    expect(console.locator(".ytick text", has_text="⚠ Reserva de mesa")).to_have_count(1)
    assert console.evaluate(PLOT_SHARE_AND_TICK_FONT)[1] == 20  # on the wide screen: the projector's size
    assert console.evaluate("window.__sameDocument") == 42
    # the legend sits under the x axis' title, not over it (readable on a projector)
    expect(console.locator(".js-plotly-plot .legend").first).to_be_visible()
    boxes = console.evaluate("""() => {
      const plot = document.querySelector('.js-plotly-plot');
      const box = (el) => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; };
      return [box(plot.querySelector('.xtitle')), box(plot.querySelector('.legend')), box(plot)];
    }""")
    (title_top, title_bottom), (legend_top, legend_bottom), (_, plot_bottom) = boxes
    assert title_bottom <= legend_top and legend_bottom <= plot_bottom + 1, boxes
    shot(console, "facilitator")

    # Closing and reopening the exercise, and the timer, reach the participant's page without reload.
    part.evaluate("window.__sameDocument = 7")
    feliz_row = console.locator(".cl-agenda-row", has_text="¿Sale más feliz de lo que entró?")
    feliz_row.get_by_role("button", name="Cerrar el ejercicio").click()
    expect(part.get_by_text("El facilitador abrirá el ejercicio en un momento.", exact=False)).to_be_visible()
    expect(part.locator(".cl-row")).to_have_count(0)
    feliz_row.get_by_role("button", name="Abrir el ejercicio").click()
    expect(part.locator(".cl-net")).to_be_visible()  # back where the participant was
    console.get_by_role("button", name="Iniciar temporizador").click()
    expect(part.locator(".cl-timer")).to_have_text(re.compile(r"^\s*\d\d:\d\d\s*$"))
    expect(console.locator(".cl-timer")).to_have_text(re.compile(r"^\s*\d\d:\d\d\s*$"))
    first_label = part.locator(".cl-timer").inner_text()
    expect(part.locator(".cl-timer")).not_to_have_text(first_label)  # it counts down
    assert part.evaluate("window.__sameDocument") == 7
    console.get_by_role("button", name="Detener").click()
    expect(part.locator(".cl-timer")).to_have_text("")

    # Reloading the participant's page restores them and their answers.
    part.reload()
    expect(part.get_by_text("¡Hola, Zoe <b>!")).to_be_visible()
    first = part.locator(".cl-row").first
    expect(first.locator(".cl-scale").nth(0).get_by_role("radio").nth(4)).to_have_attribute("aria-checked", "true")
    store = voila_server.store()
    room = store.room_by_code(code)
    answers = store.responses(room.id)
    assert answers["value"].tolist() == [{"enter": 5, "leave": 1}]
    phone.close()


@pytest.mark.browser
def test_console_downloads_open_with_pandas_and_openpyxl(voila_server, context, tmp_path):
    import io

    import openpyxl
    import pandas as pd

    from widgets.demo import seed_demo

    store = voila_server.store()
    room, key = seed_demo(store, participants=4)
    answers = store.responses(room.id)
    console = context.new_page()
    console.goto(voila_server.url("facilitador.ipynb", f"room={room.code}&key={key}"))
    console.get_by_role("button", name="Preparar descargas").click()
    files = {}
    for css in ("cl-dl-csv", "cl-dl-xlsx", "cl-dl-html", "cl-dl-json", "cl-dl-authorship"):
        with console.expect_download() as info:
            console.locator(f"a.{css}").click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        files[css] = path
    assert files["cl-dl-xlsx"].name.endswith(f"-{room.code}.xlsx")
    from widgets import export

    csv = pd.read_csv(files["cl-dl-csv"], encoding="utf-8-sig")
    assert len(csv) == len(export.answers_csv(store, room)) > len(answers) // 2  # every answer, in words
    wb = openpyxl.load_workbook(files["cl-dl-xlsx"])
    ratings = answers[(answers["exercise"] == "feliz") & (answers["item"] != "idea")]
    assert wb["Felicidad - respuestas"].max_row - 1 == len(ratings)
    report = files["cl-dl-html"].read_text(encoding="utf-8")
    assert report.count("data-for=") >= 10 and "<script src=" not in report  # every workshop's charts, offline
    assert files["cl-dl-authorship"].name.endswith("-autoria-solo-facilitador.csv")
    # The results file imported into a new room reproduces the same chart data.
    from widgets.workshops.feliz import model as feliz
    from widgets.kits.journeys import touchpoints

    target, _ = store.create_room("Importada", room.industry, "es")
    export.import_bundle(store, target, export.read_bundle(files["cl-dl-json"].read_bytes()))
    journey = touchpoints(room.industry, "es")
    pd.testing.assert_frame_equal(
        feliz.summarize(store.responses(room.id, "feliz"), journey),
        feliz.summarize(store.responses(target.id, "feliz"), journey),
    )


@pytest.mark.browser
def test_hidden_entry_disappears_from_projected_view(voila_server, context):
    store = voila_server.store()
    room, key = store.create_room("Sala moderada", "bank", "es")
    person, token = store.join(room, "Pepe", "Caja")
    hostile = "<img src=x onerror=alert(1)>Idea grosera $x$"
    # more of the hostile corpus (tests/hostile.py), one idea each from other participants
    from widgets.workshops.feliz import model as feliz

    more = [c.text for c in CORPUS if c.id in ("mathjax_display", "mathjax_paren", "svg_onload", "plotly_a_href")]
    for i, text in enumerate(more):
        store.save_response(store.join(room, f"Otro {i}", "Caja")[0], "feliz", "idea", feliz.idea(text))

    part = context.new_page()
    part.goto(voila_server.url("00_bienvenida.ipynb", f"room={room.code}&me={token}"))
    part.get_by_role("radio", name="3. Tu idea").click()
    part.get_by_role("button", name="Enviar idea").click()
    expect(part.get_by_text("Escribe algo antes de enviar (no puede quedar vacío).")).to_be_visible()
    part.get_by_placeholder("p. ej. avisar en cuanto algo esté listo, sin que el cliente tenga que preguntar").fill("x" * 300)
    part.get_by_role("button", name="Enviar idea").click()
    expect(part.get_by_text("Es demasiado largo: 300 caracteres de un máximo de 280.", exact=False)).to_be_visible()
    part.get_by_placeholder("p. ej. avisar en cuanto algo esté listo, sin que el cliente tenga que preguntar").fill(hostile)
    part.get_by_role("button", name="Enviar idea").click()
    expect(part.get_by_text("¡Idea guardada!", exact=False)).to_be_visible()

    console = context.new_page()
    console.goto(voila_server.url("facilitador.ipynb", f"room={room.code}&key={key}"))
    console.get_by_role("button", name="Mostrar resultados").click()
    entry = console.locator(".cl-wall-entry", has_text="Idea grosera")
    expect(entry).to_contain_text(hostile)  # shown as literal text

    dialogs = []
    projector = context.new_page()
    projector.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    projector.goto(voila_server.url("facilitador.ipynb", f"room={room.code}&key={key}&view=projector"))
    expect(projector.locator(".cl-join-slide")).to_be_visible()
    from widgets.apps import slides

    store.change_room_state(room.id, lambda s: slides.with_slide(s, "feliz:ideas"))  # the stage shows the ideas
    expect(projector.locator(".cl-wall-text", has_text="Idea grosera")).to_have_text(hostile)
    for text in more:  # shown as typed: no maths typeset, no SVG, no link
        expect(projector.locator(".cl-wall-text").filter(has_text=text[2:9])).to_have_text(text)
    assert projector.evaluate(
        "document.querySelectorAll('.cl-wall mjx-container, .cl-wall .MathJax, .cl-wall svg, .cl-wall a').length") == 0
    projector.wait_for_url(lambda url: "key=" not in url)  # nothing secret on the projected screen
    expect(projector.get_by_role("button", name="Mostrar resultados")).to_be_hidden()
    expect(projector.get_by_role("button", name="Ocultar resultados")).to_be_hidden()
    expect(projector.get_by_role("button", name="Ocultar")).to_have_count(0)
    expect(projector.locator(".cl-corner-code")).to_have_text(room.code)  # latecomers can still join
    projector.evaluate("window.__sameDocument = 3")

    entry.get_by_role("button", name="Ocultar").click()
    expect(projector.locator(".cl-wall-text", has_text="Idea grosera")).to_have_count(0)
    expect(console.locator(".cl-wall-hidden", has_text="Idea grosera")).to_be_visible()  # console keeps it, struck
    assert projector.evaluate("window.__sameDocument") == 3
    assert dialogs == [] and projector.evaluate("document.querySelectorAll('img[src=x]').length") == 0
    shot(projector, "projector")
    assert store.responses(room.id).set_index("name")["hidden"].to_dict() == {
        "Pepe": True, **{f"Otro {i}": False for i in range(len(more))}}


@pytest.mark.browser
def test_my_rooms_survive_a_reload_in_the_same_browser(voila_server, context):
    welcome = context.new_page()
    welcome.goto(voila_server.organiser_url())
    welcome.get_by_placeholder("p. ej. Banco Norte, ola 1").fill("Sala del navegador")
    welcome.get_by_role("button", name="Crear sala").click()
    expect(welcome.locator(".cl-my-room", has_text="Sala del navegador")).to_be_visible()
    code = welcome.locator(".cl-code").inner_text()
    welcome.reload()
    row = welcome.locator(".cl-my-room", has_text="Sala del navegador")
    expect(row).to_contain_text(code)
    assert "key=" in row.locator("a.cl-room-console").get_attribute("href")
    row.get_by_role("button", name="Archivar").click()
    expect(welcome.locator(".cl-my-room", has_text="Sala del navegador")).to_have_count(0)
    assert voila_server.store().room_by_code(code).status == "archived"
    # another browser (no shared storage) does not see the room
    other = context.browser.new_context()
    page2 = other.new_page()
    page2.goto(voila_server.organiser_url())
    expect(page2.get_by_text("Aún no has creado salas desde este navegador.")).to_be_visible()
    other.close()


@pytest.mark.browser
def test_magic_wand_two_teammates_rate_imagine_vote_and_console_shows_it(voila_server, context):
    store = voila_server.store()
    room, key = store.create_room("Varita en vivo", "restaurant", "es", state={"phase": "varita"})
    _, ta = store.join(room, "Ana", "Azul")
    _, tb = store.join(room, "Beto", "Azul")
    a = context.new_page()
    b = context.browser.new_context(viewport={"width": 412, "height": 915}).new_page()
    b.set_default_timeout(60_000)
    for page, token in ((a, ta), (b, tb)):
        page.goto(voila_server.url("02_varita_magica.ipynb", f"room={room.code}&me={token}"))
        expect(page.get_by_text("Diseñar la experiencia: la varita mágica")).to_be_visible()

    # Ana adds a touchpoint; Beto tries the same name and is refused, keeping what he typed.
    a.get_by_placeholder("nuevo momento, p. ej. Estacionamiento").fill("Estacionamiento")
    a.get_by_role("button", name="Agregar momento").click()
    expect(b.locator(".cl-tp-edit input").last).to_have_value("Estacionamiento")  # live, no reload
    b.get_by_placeholder("nuevo momento, p. ej. Estacionamiento").fill("estacionamiento")
    b.get_by_role("button", name="Agregar momento").click()
    expect(b.get_by_text("Ya hay un momento llamado «estacionamiento» en su viaje.", exact=False)).to_be_visible()
    expect(b.get_by_placeholder("nuevo momento, p. ej. Estacionamiento")).to_have_value("estacionamiento")

    # Both rate today's first touchpoint.
    for page, enter, leave in ((a, 3, 1), (b, 4, 0)):
        page.get_by_role("radio", name="2. Hoy").click()
        row = page.locator(".cl-varita .cl-row").first
        expect(row).to_contain_text("Reserva de mesa")
        row.locator(".cl-scale").nth(0).get_by_role("radio").nth(enter).click()
        row.locator(".cl-scale").nth(1).get_by_role("radio").nth(leave).click()
        expect(page.get_by_text("Guardado.")).to_be_visible()

    # Ana imagines the irresistible experience.
    a.get_by_role("radio", name="3. Varita").click()
    a.get_by_role("button", name="Agregar idea").click()
    expect(a.get_by_text("No puede quedar vacío", exact=False).or_(a.get_by_text("Escribe algo antes de enviar", exact=False))).to_be_visible()
    a.get_by_placeholder("tu idea para este momento (máx. 200 caracteres)").fill("Avisar por mensaje cuando la mesa esté lista")
    scales = a.locator(".cl-varita .cl-scale")
    for i, choice in enumerate((4, 3, 0, 4)):  # delight 5, unique 4, effort 1, leaving 😍
        scales.nth(i).get_by_role("radio").nth(choice).click()
    a.get_by_role("button", name="Agregar idea").click()
    expect(a.get_by_text("¡Idea agregada!", exact=False)).to_be_visible()

    # Beto votes for it (live list), three votes out of five.
    b.get_by_role("radio", name="4. Votar").click()
    vote_row = b.locator(".cl-vote-row", has_text="Avisar por mensaje")
    for _ in range(3):
        vote_row.get_by_role("button", name=re.compile("^Votar por la idea «Avisar por mensaje")).click()
    expect(b.get_by_text("Usaste 3 de 5 votos.")).to_be_visible()
    b.get_by_role("radio", name="5. Resultado").click()
    expect(b.locator(".cl-table")).to_contain_text("Avisar por mensaje")

    # The console shows the team's before/after with the voted idea once revealed.
    console = context.new_page()
    console.goto(voila_server.url("facilitador.ipynb", f"room={room.code}&key={key}"))
    console.get_by_role("button", name="Mostrar resultados").click()
    panel = console.locator(".cl-card", has_text="Ideas de la varita").last
    panel.locator("select").select_option(label="Azul")
    expect(console.get_by_role("img", name="Curva de emociones: hoy vs. diseñada (Azul)")).to_be_visible()  # a named chart
    expect(console.locator("ol.cl-people")).to_contain_text("3 · Avisar por mensaje cuando la mesa esté lista")
    expect(console.locator(".ytick text", has_text="Reserva de mesa").first).to_be_visible()
    shot(console, "varita-facilitator")
    shot(b, "varita-participant")
    table = store.team_items(room.id, "varita")
    assert table["value"][0][-1]["name"] == "Estacionamiento"


@pytest.mark.browser
def test_sacred_cows_posted_merged_voted_revealed_and_planned(voila_server, context):
    store = voila_server.store()
    room, key = store.create_room("Vacas en vivo", "bank", "es", state={"phase": "vacas"})
    pages = []
    for name in ("Ana", "Beto", "Cris"):
        _, token = store.join(room, name, "Azul")
        page = context.new_page()
        page.goto(voila_server.url("03_vacas_sagradas.ipynb", f"room={room.code}&me={token}"))
        pages.append(page)
    posts = ("Firma en cada hoja", "Firma en CADA hoja, otra vez", "Fila única para todo")
    for page, name in zip(pages, posts):
        page.get_by_role("button", name="Publicar vaca").click()
        expect(page.get_by_text("Ponle un nombre corto a la vaca", exact=False)).to_be_visible()
        page.get_by_placeholder("p. ej. Firma en cada hoja").fill("x" * 1000)
        page.get_by_role("radio", name="Control").click()
        page.get_by_role("radio", name="Clientes externos").click()
        page.get_by_role("checkbox", name="Retrasa").click()
        page.get_by_role("radio", name="Cada día").click()
        page.get_by_role("button", name="Publicar vaca").click()
        expect(page.get_by_text("El nombre es demasiado largo: 1000 caracteres", exact=False)).to_be_visible()
        page.get_by_placeholder("p. ej. Firma en cada hoja").fill(name)
        page.get_by_role("button", name="Publicar vaca").click()
        expect(page.get_by_text(f"¡Vaca «{name}» publicada!", exact=False)).to_be_visible()

    console = context.new_page()
    console.goto(voila_server.url("facilitador.ipynb", f"room={room.code}&key={key}"))
    wall = console.locator(".cl-cow-wall")
    expect(wall.locator(".cl-cow")).to_have_count(3)
    def cow_row(name):  # the row whose title is exactly this cow
        return wall.locator(".cl-cow").filter(has=console.get_by_text(name, exact=True))

    expect(wall.locator("select")).to_have_count(0)  # one merge menu, only while merging
    # hide a cow and show it again: the other rows stay the very same elements on the page (not redrawn)
    cow_row(posts[2]).evaluate("el => { el.dataset.seen = 'before' }")
    cow_row(posts[0]).get_by_role("button", name="Ocultar").click()
    expect(wall.locator(".cl-wall-hidden", has_text=posts[0])).to_be_visible()
    expect(wall.locator(".cl-cow")).to_have_count(2)
    wall.locator(".cl-wall-entry", has_text=posts[0]).get_by_role("button", name="Mostrar").click()
    expect(wall.locator(".cl-cow")).to_have_count(3)
    expect(wall.locator(".cl-wall-hidden")).to_have_count(0)
    expect(wall.locator("[data-seen=before]")).to_have_count(1)
    expect(cow_row(posts[2])).to_have_attribute("data-seen", "before")
    cow_row(posts[1]).get_by_role("button", name="Unir…").click()
    merging = wall.locator(".cl-cow-merge")
    merging.locator("select").select_option(label=posts[0])
    merging.get_by_role("button", name=re.compile(r"Unir$")).click()  # not "Unir…" (the name has the icon too)
    expect(wall.locator(".cl-cow .cl-wall-text")).to_have_text([posts[0], posts[2]])
    expect(cow_row(posts[0])).to_contain_text("2 cazadores")
    expect(cow_row(posts[0])).to_contain_text("↳ " + posts[1])

    for page, plan in zip(pages, ({posts[0]: 3}, {posts[0]: 2, posts[2]: 1}, {posts[0]: 1})):
        page.get_by_role("radio", name="2. Votar").click()
        for cow_name, n in plan.items():
            row = page.locator(".cl-cow-vote").filter(has=page.get_by_text(cow_name, exact=True))
            for _ in range(n):
                row.get_by_role("button", name=f"Votar por «{cow_name}»").click()
        used = sum(plan.values())
        expect(page.get_by_text(f"Usaste {used} de 5 votos.")).to_be_visible()
    pages[0].get_by_role("radio", name="3. Plan").click()
    expect(pages[0].get_by_text("El plan de acción aparecerá cuando el facilitador muestre los resultados.")).to_be_visible()

    expect(console.get_by_text("2 vacas en el rebaño · ya votaron 3 de 3")).to_be_visible()
    panel = console.locator(".cl-card", has_text="Muro de vacas")
    panel.locator("select").last.select_option(label=f"{posts[0]} (6)")
    panel.get_by_role("radio", name="Exterminar").click()
    panel.get_by_label("Responsable").fill("Gerencia de operaciones")
    panel.get_by_label("Primer paso").fill("Quitar la firma del formulario")
    panel.locator("input[type=date]").fill("2020-01-15")
    panel.get_by_role("button", name="Guardar veredicto").click()
    expect(console.get_by_text("La fecha 2020-01-15 ya pasó", exact=False)).to_be_visible()
    panel.locator("input[type=date]").fill("2030-01-15")
    panel.get_by_role("button", name="Guardar veredicto").click()
    expect(console.get_by_text("Veredicto guardado.")).to_be_visible()
    plan = console.locator("table.cl-plan")
    expect(plan.locator("tr")).to_have_count(2)
    expect(plan).to_contain_text("Firma en cada hoja")
    expect(plan).to_contain_text("Exterminar")
    expect(plan.locator("tr").nth(1).locator("td").nth(2)).to_have_text("6")
    console.get_by_role("button", name="Mostrar resultados").click()
    expect(console.locator(".js-plotly-plot").get_by_text("Las vacas más odiadas")).to_be_visible()
    expect(pages[0].locator("table.cl-plan")).to_contain_text("Gerencia de operaciones")  # live, no reload
    shot(console, "vacas-facilitator")


@pytest.mark.browser
def test_customers_then_clientelitis_full_pass_with_console(voila_server, context):
    import datetime as dt

    store = voila_server.store()
    room, key = store.create_room("Clientes y Clientelitis", "bank", "es", state={"phase": "clientes"})
    _, token = store.join(room, "Ana", "Caja")
    store.join(room, "Luis", "Cocina")
    part = context.new_page()
    part.goto(voila_server.url("00_bienvenida.ipynb", f"room={room.code}&me={token}"))
    expect(part.get_by_text("Cliente es todo aquel que no soy yo").first).to_be_visible()
    part.get_by_role("button", name="Agregar cliente").click()
    expect(part.get_by_text("Escribe quién es ese cliente (no puede quedar vacío).")).to_be_visible()
    part.get_by_placeholder("p. ej. Contabilidad, mi jefa, los choferes, mi pareja").fill("Mi jefa")
    part.get_by_role("radio", name="Jefe", exact=True).click()
    part.get_by_placeholder("p. ej. el reporte semanal").fill("El cierre mensual")
    part.locator(".cl-clientes .cl-scale").get_by_role("radio").nth(1).click()
    part.get_by_placeholder("p. ej. mandarlo el lunes temprano y sin errores").fill("Avisar antes de los cambios")
    part.get_by_role("button", name="Agregar cliente").click()
    expect(part.get_by_text("«Mi jefa» agregado.", exact=False)).to_be_visible()
    expect(part.locator(".cl-customer")).to_have_count(1)
    expect(part.locator(".sankey .node-label", has_text="Mi jefa (Jefe)")).to_have_count(1)

    console = context.new_page()
    console.goto(voila_server.url("facilitador.ipynb", f"room={room.code}&key={key}"))
    console.get_by_role("button", name="Mostrar resultados").click()
    expect(console.get_by_role("heading", name="Las relaciones que dejan a la gente menos feliz")).to_be_visible()
    expect(console.locator("ul.cl-people", has_text="Avisar antes de los cambios")).to_be_visible()
    expect(console.get_by_text("Los clientes que olvidamos", exact=False)).to_be_visible()

    console.locator(".cl-agenda-row", has_text="Clientelitis: contagiar").get_by_role("button", name="Abrir el ejercicio").click()
    expect(part.get_by_role("radio", name="1. Habilidades")).to_be_visible()  # switched without reload
    scales = part.locator(".cl-clientelitis .cl-scale")
    expect(scales).to_have_count(9)
    for i in range(9):
        scales.nth(i).get_by_role("radio").nth(3).click()
    expect(part.get_by_text("Guardado.")).to_be_visible()

    part.get_by_role("radio", name="2. Refuerzo").click()
    expect(part.get_by_role("heading", name="Refuerzo")).to_be_visible()
    soon = dt.date.today().replace(day=1) + dt.timedelta(days=62)
    from widgets.i18n import month_names

    part.get_by_label("Mes", exact=True).select_option(label=f"{month_names('es')[soon.month]} {soon.year}")  # a month, by name
    part.get_by_placeholder("p. ej. taller de manejo de quejas").fill("Taller de quejas")
    part.get_by_role("button", name="Agregar al plan").click()
    expect(part.get_by_text("Agregado al plan.")).to_be_visible()
    expect(part.locator(".cl-plan-warning", has_text="no hay nada")).to_be_visible()

    part.get_by_role("radio", name="3. Contratar").click()
    part.get_by_label("Candidato").fill("Pedro Páramo")
    traits = part.locator(".cl-clientelitis .cl-scale")
    for i in range(5):
        traits.nth(i).get_by_role("radio").nth(4).click()
    part.get_by_role("checkbox", name="Trol (hostil, sarcástico)").click()
    part.get_by_role("button", name="Guardar evaluación").click()
    expect(part.get_by_text("Evaluación guardada: No contratar.")).to_be_visible()

    # Each workshop opens with its results hidden: revealing the earlier one did not reveal this one.
    expect(console.locator("table.cl-candidates")).to_have_count(0)
    console.get_by_role("button", name="Mostrar resultados").click()
    expect(console.locator("table.cl-candidates")).to_contain_text("Pedro Páramo")
    expect(console.locator("table.cl-candidates")).to_contain_text("No contratar")
    expect(console.get_by_text("1 de 2 personas se autoevaluó")).to_be_visible()
    expect(console.get_by_role("img", name="Ola tras ola")).to_be_visible()
    shot(console, "clientelitis-facilitator")


@pytest.mark.browser
def test_two_voila_servers_share_one_postgresql(postgres, context, tmp_path_factory):
    import os as _os

    from tests.conftest import VoilaServer

    url = postgres.new_database("shared_" + _os.urandom(4).hex())
    first = VoilaServer(tmp_path_factory.mktemp("voila-a"), db_url=url)
    second = VoilaServer(tmp_path_factory.mktemp("voila-b"), db_url=url)
    try:
        room, key = first.store().create_room("Dos servidores", "hotel", "es")
        console = context.new_page()
        console.goto(first.url("facilitador.ipynb", f"room={room.code}&key={key}"))
        expect(console.get_by_text("Todavía no se ha unido nadie.")).to_be_visible()
        part = context.new_page()
        part.goto(second.url("00_bienvenida.ipynb", f"room={room.code}"))
        part.get_by_placeholder("como quieres que te vean").fill("Zoe")
        part.get_by_placeholder("elige o escribe uno").fill("Recepción")
        part.get_by_role("button", name="Entrar").click()
        row = part.locator(".cl-row").first
        row.locator(".cl-scale").nth(0).get_by_role("radio").nth(3).click()
        row.locator(".cl-scale").nth(1).get_by_role("radio").nth(1).click()
        expect(part.get_by_text("Guardado:", exact=False)).to_be_visible()
        # the net change appears once both answers are stored (leave 2 - enter 4); "Guardado" alone may be the first's
        part.get_by_role("radio", name="2. Tu gráfica").click()
        expect(part.locator(".cl-net")).to_contain_text("-2")
        # the facilitator on the other server sees the participant and the answer, live
        expect(console.locator(".cl-people li")).to_contain_text("Recepción (1): Zoe")
        expect(console.get_by_text("1 persona respondiendo · 0 terminaron")).to_be_visible()
        assert first.store().responses(room.id)["value"].tolist() == [{"enter": 4, "leave": 2}]
    finally:
        first.stop()
        second.stop()
