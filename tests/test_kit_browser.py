"""A kit made in the served form, a room made with it, its touchpoints on a phone and its skills on the radar."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.axe import assert_accessible
from tests.test_browser import shot


@pytest.mark.browser
def test_kit_made_in_the_form_reaches_a_phone_and_the_radar(voila_server, context):
    store = voila_server.store()
    key = store.new_organiser_key()
    form = context.new_page()
    form.goto(voila_server.url("preparar_kit.ipynb", f"org={key}"))
    expect(form.get_by_role("heading", name="Preparar un kit")).to_be_visible()
    expect(form.get_by_text("Con pandas")).to_have_count(0)  # the notebook's JupyterLab cells show nothing here
    expect(form.get_by_text("Prepare a kit", exact=False)).to_have_count(0)  # the notebook's own title
    expect(form.get_by_text("name_es")).to_have_count(0)  # no DataFrame printed by those cells

    form.get_by_label("Empezar desde").select_option(label="Banco (sucursal y app)")
    form.get_by_role("button", name="Cargar").click()
    expect(form.get_by_text("Cargado el contenido de «Banco (sucursal y app)».", exact=False)).to_be_visible()
    form.get_by_label("Nombre (Español)").fill("Banco Norte Prueba")

    # Touchpoints: rename the first, add one at the end, leave its English name out.
    form.get_by_role("radio", name="2. Momentos").click()
    expect(form.locator(".cl-kit-row")).to_have_count(7)  # the bank's seven touchpoints
    form.get_by_label("Nombre (Español)").first.fill("Cuenta Norte en línea")
    form.get_by_role("button", name="Añadir una fila").click()
    new_row = form.locator(".cl-kit-row").last
    expect(new_row).to_contain_text("Fila 8")
    expect(new_row.get_by_label("Nombre (Español)")).to_be_focused()  # typing goes straight into the new row
    form.keyboard.type("Encuesta Norte")
    form.get_by_role("button", name="Guardar el kit").click()
    expect(form.get_by_text("El kit tiene 1 problema; nada se ha perdido de lo escrito:")).to_be_visible()
    expect(form.locator(".cl-kit-problems")).to_contain_text(
        "Momentos, fila 8, columna «Nombre (English)»: falta el texto en inglés.")
    # the list takes the focus, and so comes into view
    expect(form.locator(".cl-focus-here", has=form.locator(".cl-kit-problems"))).to_be_focused()
    expect(new_row.get_by_label("Nombre (Español)")).to_have_value("Encuesta Norte")  # nothing typed is lost
    assert_accessible(form, "kit form, with a problem listed")
    new_row.get_by_label("Nombre (English)").fill("North survey")

    # Skills: the first one gets the organisation's own name and short name.
    form.get_by_role("radio", name="5. Habilidades").click()
    expect(form.locator(".cl-kit-row")).to_have_count(9)
    first_skill = form.locator(".cl-kit-row").first
    first_skill.get_by_label("Nombre (Español)").fill("Escucha activa Norte")
    first_skill.get_by_label("Nombre corto (Español)").fill("Escucha Norte")

    form.get_by_role("button", name="Vista previa").click()
    expect(form.get_by_role("heading", name="3. Vista previa")).to_be_visible()
    expect(form.locator(".js-plotly-plot")).to_have_count(3)
    expect(form.locator(".js-plotly-plot .angularaxistick text", has_text="Escucha Norte")).to_have_count(1)
    form.get_by_role("button", name="Guardar el kit").click()
    expect(form.get_by_text("Kit «Banco Norte Prueba» guardado", exact=False)).to_be_visible()
    expect(form.locator("a.cl-dl-kit-xlsx")).to_have_attribute("download", "kit-banco-norte-prueba.xlsx")
    assert_accessible(form, "kit form, saved, with its preview")
    shot(form, "kit-form")
    saved = store.kit("banco-norte-prueba")
    assert saved is not None and not saved.shipped
    assert [t.name for t in saved.touchpoints("es")][0::7] == ["Cuenta Norte en línea", "Encuesta Norte"]

    # "Crear una sala" offers it beside the industries.
    welcome = context.new_page()
    welcome.goto(voila_server.url("00_bienvenida.ipynb", f"org={key}"))
    welcome.get_by_label("Sector o kit").select_option(label="Banco Norte Prueba · kit propio")
    welcome.get_by_placeholder("p. ej. Banco Norte, ola 1").fill("Banco Norte, ola 1")
    welcome.get_by_role("button", name="Crear sala").click()
    expect(welcome.get_by_text("Sala «Banco Norte, ola 1» creada.")).to_be_visible()
    join_url = welcome.locator("a.cl-join-link").get_attribute("href")
    room = store.room_by_code(join_url.split("room=")[1])
    assert room.industry == "banco-norte-prueba"
    console = context.new_page()
    console.goto(welcome.locator("a.cl-console-link").get_attribute("href"))
    expect(console.locator(".cl-console-kit")).to_have_text("Kit: Banco Norte Prueba")  # the room says its kit

    phone = context.browser.new_context(viewport={"width": 412, "height": 915})
    phone.set_default_timeout(60_000)
    part = phone.new_page()
    part.goto(join_url)
    part.get_by_placeholder("como quieres que te vean").fill("Ana")
    part.get_by_placeholder("elige o escribe uno").fill("Caja")
    part.get_by_role("button", name="Entrar").click()
    expect(part.locator(".cl-row").first).to_contain_text("Cuenta Norte en línea")
    expect(part.locator(".cl-row").last).to_contain_text("Encuesta Norte")

    store.update_room_state(room.id, phase="clientelitis")  # the facilitator moves on to the skills
    expect(part.get_by_role("radio", name="1. Habilidades")).to_be_visible()
    scale = part.locator(".cl-clientelitis .cl-scale").first
    expect(scale).to_contain_text("Escucha activa Norte")
    scale.get_by_role("radio").nth(3).click()
    expect(part.get_by_text("Guardado.")).to_be_visible()
    expect(part.locator(".js-plotly-plot .angularaxistick text", has_text="Escucha Norte")).to_have_count(1)
    assert_accessible(part, "phone at 412 px, a kit's skills")
    shot(part, "kit-phone-skills")
    answers = store.responses(room.id, "clientelitis")
    assert answers["value"].tolist() == [{"communication": 4}]
    phone.close()
    store.dispose()
