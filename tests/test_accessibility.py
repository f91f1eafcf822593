"""Accessible to everyone in the room (WCAG 2.2 AA): axe-core on the pages the other browser tests do not
visit, the keyboard alone through the core path, and what a screen reader is given (names, states, live
regions, errors tied to their fields, charts with a text alternative)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.axe import assert_accessible
from widgets.workshops.vacas import model as vacas


def _phone(browser):
    context = browser.new_context(viewport={"width": 412, "height": 915})
    context.set_default_timeout(60_000)
    return context, context.new_page()


def _focused(page) -> str:
    return page.evaluate("() => { const e = document.activeElement; return (e.getAttribute('aria-label') || e.textContent || e.value || '').trim(); }")


def _tab_to(page, name: str, limit: int = 60) -> None:
    """Press Tab until the focused control's name starts with ``name`` (what a keyboard user does)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused(page).startswith(name):
            return
    pytest.fail(f"{name!r} not reached with Tab; last focus: {_focused(page)!r}")


@pytest.mark.browser
def test_join_rate_post_a_cow_and_vote_with_the_keyboard_alone(voila_server, browser):
    store = voila_server.store()
    room, _key = store.create_room("Teclado", "restaurant", "es", state={"phase": "feliz"})
    context, page = _phone(browser)
    page.goto(voila_server.url("00_bienvenida.ipynb", f"room={room.code}"))
    expect(page.get_by_label("Tu nombre")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "es"
    assert_accessible(page, "join form")
    # a refusal is said and tied to its field; what was typed stays
    page.get_by_label("Equipo").focus()
    page.keyboard.type("Caja")
    page.keyboard.press("Enter")
    _tab_to(page, "Entrar")
    page.keyboard.press("Enter")
    name = page.get_by_label("Tu nombre")
    expect(name).to_have_attribute("aria-invalid", "true")
    error = page.locator("#" + name.get_attribute("aria-describedby"))
    expect(error).to_have_text("Escribe tu nombre (no puede quedar vacío).")
    expect(error).to_have_attribute("role", "status")  # a live region: said aloud
    expect(page.get_by_label("Equipo")).to_have_value("Caja")
    name.focus()
    page.keyboard.type("Lía")
    _tab_to(page, "Entrar")
    page.keyboard.press("Enter")
    # focus moves to the workshop's heading
    heading = page.get_by_role("heading", name=re.compile("¿Sale más feliz"))
    expect(heading).to_be_focused()
    expect(name).to_have_count(0)
    assert_accessible(page, "feliz after joining")

    # one tab stop per scale, arrows move and choose, the state is exposed
    first = page.get_by_role("radiogroup", name=re.compile("^Al entrar, "))
    expect(first.first).to_be_visible()
    group_name = first.first.get_attribute("aria-label")
    _tab_to(page, "Furioso, 1 de 5, al entrar")
    ring = page.evaluate("() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert ring[0] != "none" and ring[1] >= 2, ring  # focus you can see
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    chosen = first.first.get_by_role("radio", checked=True)
    expect(chosen).to_have_count(1)
    expect(chosen).to_have_attribute("aria-label", re.compile(r"^Indiferente, 3 de 5, al entrar, "))
    expect(chosen).to_be_focused()
    status = page.locator(".cl-row-status").first
    expect(status).to_have_attribute("role", "status")
    expect(status).to_contain_text("Guardado")  # the live region's text changed on save
    page.keyboard.press("Tab")  # the next stop is the next scale, not the next face
    assert page.evaluate("document.activeElement.getAttribute('role')") == "radio"
    assert "al salir" in _focused(page)
    assert group_name.split(", ", 1)[1] in _focused(page)  # the same moment

    # a sacred cow posted and voted, keyboard only
    store.update_room_state(room.id, phase="vacas")
    expect(page.get_by_role("heading", name=re.compile("Limpiar la casa"))).to_be_focused()
    page.get_by_label("Nombre corto").focus()
    page.keyboard.type("Firma del gerente")
    for group, option in (("Tipo", "Política"), ("¿A quién molesta?", "Clientes externos"),
                          ("¿Cómo molesta? (elige una o más)", "Retrasa"), ("¿Con qué frecuencia muerde?", "Rara vez")):
        _tab_to(page, option)
        page.keyboard.press("Space")
        if option == "Rara vez":
            page.keyboard.press("End")  # the last option: "Siempre"
            option = "Siempre"
        expect(page.get_by_role("radiogroup" if "elige" not in group else "group", name=group)
               .get_by_role("checkbox" if "elige" in group else "radio", name=option)).to_have_attribute("aria-checked", "true")
    _tab_to(page, "Publicar vaca")
    page.keyboard.press("Enter")
    expect(page.get_by_text("¡Vaca «Firma del gerente» publicada! Busca otra.").first).to_be_visible()
    page.locator(".cl-steps").get_by_role("radio").first.focus()
    page.keyboard.press("ArrowRight")  # the steps are a radio group too: the next one
    expect(page.get_by_role("radio", name="2. Votar")).to_have_attribute("aria-checked", "true")
    _tab_to(page, "Votar por «Firma del gerente»")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Usaste 1 de 5 votos.")).to_be_visible()
    votes = store.responses(room.id, vacas.EXERCISE)
    assert list(votes[votes["item"] == vacas.VOTES]["value"].iloc[0].values()) == [1]
    assert_accessible(page, "vacas vote")
    context.close()


@pytest.mark.browser
def test_an_english_room_is_read_in_english_and_its_charts_have_a_text_alternative(voila_server, browser):
    store = voila_server.store()
    room, key = store.create_room("Reading room", "hotel", "en", state={"phase": "feliz"})
    me, token = store.join(room, "Ann", "Desk")
    context, page = _phone(browser)
    page.goto(voila_server.url("00_bienvenida.ipynb", f"room={room.code}&me={token}"))
    expect(page.locator(".cl-feliz")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.get_by_role("radiogroup", name=re.compile("^Entering, ")).first.get_by_role("radio").nth(1).click()
    page.get_by_role("radiogroup", name=re.compile("^Leaving, ")).first.get_by_role("radio").nth(3).click()
    page.get_by_role("radio", name="2. Your chart").click()
    chart = page.get_by_role("img", name=re.compile("."))
    expect(chart.first).to_be_visible()
    data = page.locator(".cl-chart-data").first
    data.get_by_text("See the data").click()
    table = data.get_by_role("table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").first).to_be_visible()
    assert table.locator("tbody tr").count() >= 1
    expect(data.get_by_role("link", name="Download the data (CSV)")).to_have_attribute("href", re.compile("^data:text/csv"))
    assert_accessible(page, "English room, own chart with its data open")
    page.evaluate("document.body.classList.add('cl-offline')")  # what the page shows when the server is gone
    expect(page.locator(".cl-offline-banner")).to_have_text("Connection lost: reconnecting…", use_inner_text=True)
    page.evaluate("document.body.classList.remove('cl-offline')")
    # the console of an English room
    console = context.new_page()
    console.set_viewport_size({"width": 1366, "height": 768})
    console.goto(voila_server.url("facilitador.ipynb", f"room={room.code}&key={key}"))
    expect(console.locator(".cl-console-live")).to_be_visible()
    assert console.evaluate("document.documentElement.lang") == "en"
    expect(console.get_by_role("button", name=re.compile("^Close the exercise: "))).to_have_count(1)  # named in context
    assert_accessible(console, "English console")
    # arrows within the results picker move in it, and do not move the projector's slide
    now = console.locator(".cl-on-stage p").first
    before = now.inner_text()  # "On the projector now: Join: code and QR"
    picker = console.locator(".cl-showing").get_by_role("radio", checked=True)
    shown = picker.inner_text()
    picker.focus()
    console.keyboard.press("ArrowRight")
    expect(picker).not_to_have_text(shown)
    console.evaluate("document.activeElement.blur()")
    console.locator("body").press("b")  # a command after it: once the kernel has it, it had the arrow too
    expect(now).to_have_text(before + " (blank)")  # the same slide, blanked: the arrow did not move it
    context.close()
