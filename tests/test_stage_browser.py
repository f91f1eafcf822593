"""The stage, the console and the phones in Chromium, at the sizes people use (1024x768 to 3840x2160 projectors,
a 1366x768 laptop, 412 and 320 px phones): what fills the screen, what is readable, what overlaps, what moves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.axe import assert_accessible
from widgets.workshops import registry as exercises
from widgets.apps import slides
from widgets.demo import seed_demo

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-artifacts"
SLIDES = slides.sequence(exercises.EXERCISES)

#: Every text box of the stage (HTML and the charts' SVG), with its font size and box, except the exit button.
TEXTS = """() => {
  const out = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.querySelector('.cl-stage'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    // a chart's label is one <text> (its lines and bold parts are <tspan>s in it): measured whole, once
    const el = node.parentElement.closest('svg text') || node.parentElement;
    if (seen.has(el)) continue;
    seen.add(el);
    if (el.closest('.cl-stage-exit, .cl-sr, .cl-chart-data, script, style')) continue;  // for screen readers only
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || el.closest('[hidden]')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const chart = el.closest('.js-plotly-plot');
    const c = chart && chart.getBoundingClientRect();
    out.push({text: el.textContent.trim().slice(0, 40), size: parseFloat(style.fontSize), box: [r.left, r.top, r.right, r.bottom],
              svg: !!el.closest('svg'), chart: !!chart, c: c && [c.left, c.top, c.right, c.bottom],
              cut: !!chart && (r.left < c.left - 1 || r.top < c.top - 1 || r.right > c.right + 1 || r.bottom > c.bottom + 1)});
  }
  return out;
}"""


#: What on a phone's page a person cannot read or reach whole: past the screen's edges, cut by a box that hides
#: its overflow (a card scrolling sideways), text shortened with an ellipsis, a field too narrow to type in, a
#: chart's text outside its chart. Each as a short description, for the report.
CLIPPED = """() => {
  const out = [];
  const name = (el) => (el.getAttribute('class') || el.tagName).slice(0, 40) + ' "'
    + (el.innerText || el.value || el.textContent || '').trim().slice(0, 30) + '"';
  for (const el of document.querySelectorAll('.cl-app *')) {
    if (el.closest('[hidden], .cl-sr, .widget-output')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
    const inChart = el.closest('.js-plotly-plot');
    if (inChart) {
      if (el.tagName === 'text' && el.textContent.trim() && getComputedStyle(el).display !== 'none') {
        const c = inChart.getBoundingClientRect();
        if (r.left < c.left - 1 || r.right > c.right + 1 || r.top < c.top - 1 || r.bottom > c.bottom + 1) {
          out.push('outside its chart: ' + name(el));
        }
      }
      continue;
    }
    if (r.right > innerWidth + 1 || r.left < -1) { out.push('off screen: ' + name(el)); continue; }
    if (el.matches('.widget-label, .widget-label-basic, .jupyter-button, label') && el.scrollWidth > el.clientWidth + 1) {
      out.push('cut short: ' + name(el));
    }
    if (el.matches('input[type=text], input:not([type]), select, textarea') && r.width < 120) {
      out.push('too narrow: ' + name(el));
    }
    for (let a = el.parentElement; a && !a.matches('body'); a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') {
        const q = a.getBoundingClientRect();
        if (r.right > q.right + 1 || r.left < q.left - 1) out.push('cut by its box: ' + name(el));
        break;
      }
    }
  }
  return [...new Set(out)];
}"""


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of text boxes that overlap: across more than a pixel, and over more than a quarter of a line of the
    smaller type (a text's box holds its lines' leading, a fifth of a line, which no glyph fills; a label of two
    lines is measured by its line, not by its whole box)."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            (l1, t1, r1, b1), (l2, t2, r2, b2) = a["box"], b["box"]
            line = 1.2 * min(a["size"], b["size"])
            if min(r1, r2) - max(l1, l2) > 1 and min(b1, b2) - max(t1, t2) > 0.25 * min(line, b1 - t1, b2 - t2):
                found.append((a["text"], b["text"]))
    return found


@pytest.fixture(scope="module")
def demo(voila_server):
    store = voila_server.store()
    room, key = seed_demo(store, participants=16, industry="hotel")  # the longest moments' names
    # walls with entries: ideas, cows and customers of the demo's participants
    from widgets.workshops.clientes import model as clientes
    from widgets.workshops.feliz import model as feliz
    from widgets.workshops.vacas import model as vacas

    from widgets.room.store import Participant

    people = store.participants(room.id)
    for i, (pid, name, team) in enumerate(zip(people["id"], people["name"], people["team"])):
        p = Participant(int(pid), room.id, name, team, 0.0)
        store.save_response(p, feliz.EXERCISE, feliz.IDEA_ITEM, feliz.idea(f"Idea número {i} para recibir mejor"))
        store.save_response(p, vacas.EXERCISE, vacas.new_cow_item(),
                            vacas.cow_value(f"Regla absurda {i}", "", "policy", "both", ["delays"], 3))
        store.save_response(p, clientes.EXERCISE, clientes.new_item(),
                            clientes.customer_value(f"Cliente {i}", "colleagues", "El reporte", 2, "Avisar antes"))
    return store, room, key


@pytest.fixture(scope="module")
def laptop(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.set_default_timeout(60_000)
    yield context
    context.close()


def _on(store, room, slide: str) -> None:
    store.change_room_state(room.id, lambda s: slides.with_slide(s, slide))


def settled(page) -> None:
    """Wait until no chart on screen has a draw to come and no wall a fitting (the page marks both)."""
    page.wait_for_function("""() => document.fonts.status === 'loaded'
        && !document.documentElement.classList.contains('cl-fitting')
        && ![...document.querySelectorAll('.cl-drawing')].some(e => e.clientWidth > 0)""")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _wait_slide(page, title: str) -> None:
    expect(page.locator(".cl-stage-title h1")).to_have_text(title)
    page.wait_for_function("() => !document.querySelector('.cl-stage .cl-starting')")


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080), (1024, 768), (3840, 2160)])
def test_every_slide_fills_the_screen_without_scrolling(voila_server, browser, demo, size):
    store, room, key = demo
    from widgets.i18n import Translator

    tr = Translator("es")
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.set_default_timeout(60_000)
    stage = context.new_page()
    stage.goto(voila_server.url("facilitador.ipynb", f"room={room.code}&key={key}&view=projector"))
    checked = []
    for slide in SLIDES if size == (1366, 768) else ["join", "open:vacas", "feliz:chart", "vacas:wall", "clientelitis:radar"]:
        _on(store, room, slide)
        _wait_slide(stage, tr(slides.label_key(slide)) if slide != "join" else room.name)
        settled(stage)  # a chart's second draw at its box's size, the walls' fitting
        if size == (1366, 768):
            assert_accessible(stage, f"stage, slide {slide}")
        height = stage.evaluate("[document.documentElement.scrollHeight, document.documentElement.scrollWidth]")
        assert height == [size[1], size[0]], (slide, height)  # never scrolls, either way
        texts = stage.evaluate(TEXTS)
        if size == (1366, 768):
            small = [(t["text"], t["size"]) for t in texts if t["size"] < 24]
            assert not small, (slide, small)  # readable from the back of the room
        inside = [t["text"] for t in texts if t["box"][3] > size[1] + 1 or t["box"][2] > size[0] + 1]
        assert not inside, (slide, inside)  # nothing cut off at the screen's edge
        charts = [t for t in texts if t["chart"]]
        assert not [t["text"] for t in charts if t["cut"]], (slide, [(t["text"], t["box"], t.get("c")) for t in charts if t["cut"]])
        assert not overlapping(charts), (slide, overlapping(charts))
        checked.append(slide)
        if size in ((1366, 768), (1920, 1080)) and slide in ("join", "open:vacas", "feliz:chart", "vacas:wall",
                                                             "varita:top", "clientelitis:radar"):
            SHOTS.mkdir(exist_ok=True)
            stage.screenshot(path=str(SHOTS / f"stage-{size[0]}x{size[1]}-{slide.replace(':', '-')}.png"))
    assert len(checked) >= 5
    context.close()


def test_the_console_fits_a_laptop_and_its_keys_move_the_stage(voila_server, laptop, demo):
    store, room, key = demo
    _on(store, room, "join")
    console = laptop.new_page()
    console.goto(voila_server.url("facilitador.ipynb", f"room={room.code}&key={key}"))
    stage = laptop.new_page()
    stage.goto(voila_server.url("facilitador.ipynb", f"room={room.code}&key={key}&view=projector"))
    expect(stage.locator(".cl-join-slide")).to_be_visible()
    console.bring_to_front()
    # the live controls, all on the first screen of a 1366x768 laptop
    live = [console.locator(".cl-agenda-row").last, console.get_by_role("button", name=re.compile("resultados")).first,
            console.get_by_role("button", name="Iniciar temporizador"), console.get_by_role("button", name="Siguiente"),
            console.get_by_role("button", name="Anterior"), console.get_by_role("button", name="Negro"),
            console.get_by_label("Diapositiva"), console.locator(".cl-on-stage"), console.locator(".cl-missing")]
    for control in live:
        expect(control).to_be_visible()
        box = control.bounding_box()
        assert box["y"] + box["height"] <= 768, control
    assert console.evaluate("document.documentElement.scrollWidth") <= 1366
    assert console.locator('[title="null"]').count() == 0
    assert_accessible(console, "console")
    SHOTS.mkdir(exist_ok=True)
    console.screenshot(path=str(SHOTS / "console-1366x768.png"))
    # a clicker's keys on the console move the stage on the projector
    console.locator("body").press("ArrowRight")
    expect(stage.locator(".cl-stage-title h1")).to_have_text("¿Sale más feliz de lo que entró?")
    console.locator("body").press("PageDown")
    expect(stage.locator(".cl-stage-title h1")).to_have_text("Felicidad al entrar y al salir (promedio de la sala)")
    console.locator("body").press("b")
    expect(stage.locator(".cl-stage")).to_have_class(re.compile("cl-blank"))
    console.locator("body").press("PageUp")  # moving on lights the screen again
    expect(stage.locator(".cl-stage")).not_to_have_class(re.compile("cl-blank"))
    expect(stage.locator(".cl-stage-title h1")).to_have_text("¿Sale más feliz de lo que entró?")
    console.locator("body").press("t")
    expect(stage.locator(".cl-stage-timer")).to_have_text(re.compile(r"\d\d:\d\d"))
    console.get_by_label("Minutos").press("t")  # typing in a field is not a command
    expect(stage.locator(".cl-stage-timer")).to_have_text(re.compile(r"\d\d:\d\d"))
    console.evaluate("document.activeElement.blur()")
    console.locator("body").press("t")
    expect(stage.locator(".cl-stage-timer")).to_have_text("")
    # and on the stage itself (a clicker plugged into the projector's machine)
    stage.bring_to_front()
    stage.locator("body").press("ArrowRight")
    expect(stage.locator(".cl-stage-title h1")).to_have_text("Felicidad al entrar y al salir (promedio de la sala)")
    expect(console.locator(".cl-on-stage")).to_contain_text("Felicidad al entrar y al salir")
    stage.get_by_role("button", name="Salir del modo proyección").click()  # back to the console on this screen
    expect(stage.locator(".cl-console-live")).to_be_visible()
    console.close()
    stage.close()


@pytest.mark.parametrize("width", [412, 320])
def test_phones_never_scroll_sideways_and_keep_the_header_short(voila_server, browser, demo, width):
    store, room, _key = demo
    me, token = store.join(room, f"Teléfono {width}", "Caja")
    # the longest words people give, in every list the phone shows
    from widgets.workshops.clientes import model as clientes
    from widgets.workshops.feliz import model as feliz
    from widgets.workshops.vacas import model as vacas

    store.save_response(me, feliz.EXERCISE, feliz.IDEA_ITEM, feliz.idea("Responsabilidadcompartidaentreáreas y más"))
    store.save_response(me, vacas.EXERCISE, vacas.new_cow_item(), vacas.cow_value(
        "Firmar tres formularios para devolver un producto defectuoso", "", "policy", "both", ["delays"], 3))
    store.save_response(me, clientes.EXERCISE, clientes.new_item(), clientes.customer_value(
        "Gerente de sucursal (Jefe)", "boss", "El arqueo de caja de cada noche", 2, "Avisar antes de las seis"))
    context = browser.new_context(viewport={"width": width, "height": 915 if width == 412 else 640})
    context.set_default_timeout(60_000)
    phone = context.new_page()
    phone.goto(voila_server.url("00_bienvenida.ipynb", f"room={room.code}&me={token}"))
    height = phone.viewport_size["height"]
    for ex in exercises.EXERCISES:
        store.update_room_state(room.id, phase=ex)
        expect(phone.locator(f".cl-{ex}")).to_be_visible()
        steps = phone.locator(".cl-steps").get_by_role("radio")
        for i in range(max(1, steps.count())):
            if steps.count():
                steps.nth(i).click()
            try:  # charts are fitted to their box once it is on screen: wait for that, never for a fixed time
                phone.wait_for_function(f"({CLIPPED})().length === 0 && document.documentElement.scrollWidth <= innerWidth",
                                        timeout=15_000)
            except Exception:
                pytest.fail(f"{ex}, step {i}: {phone.evaluate(CLIPPED)[:8]}")
            assert_accessible(phone, f"{ex}, step {i}, {width} px")  # axe-core: WCAG 2.2 AA
        if width == 412:
            phone.screenshot(path=str(SHOTS / f"phone-{width}-{ex}.png"))
    assert phone.locator('[title="null"]').count() == 0  # no label says "null" on hover
    header = phone.locator(".cl-participant-head").bounding_box()
    assert header["height"] <= height / 5, header
    context.close()
