import json
import pytest
from playwright.sync_api import expect
from tests.axe import violations, report
from tests.test_stage_browser import demo, _on, _wait_slide, settled, SLIDES  # noqa
from widgets import exercises, slides
from widgets.i18n import Translator

OUT = []

def dump(page, where):
    v = violations(page)
    OUT.append(report(v, where) if v else f"OK {where}")
    print(OUT[-1][:3000], flush=True)

@pytest.mark.browser
def test_audit(voila_server, browser, demo):
    store, room, key = demo
    ctx = browser.new_context(viewport={"width": 412, "height": 915})
    ctx.set_default_timeout(30_000)
    p = ctx.new_page()
    p.goto(voila_server.url("00_bienvenida.ipynb", f"room={room.code}"))
    expect(p.locator(".cl-app").first).to_be_visible()
    dump(p, "welcome")
    me, token = store.join(room, "Probe", "Caja")
    p.goto(voila_server.url("00_bienvenida.ipynb", f"room={room.code}&me={token}"))
    for ex in exercises.EXERCISES:
        store.update_room_state(room.id, phase=ex)
        expect(p.locator(f".cl-{ex}")).to_be_visible()
        steps = p.locator(".cl-steps").get_by_role("radio")
        for i in range(max(1, steps.count())):
            if steps.count():
                steps.nth(i).click()
            settled(p)
            dump(p, f"{ex} step {i}")
    lap = browser.new_context(viewport={"width": 1366, "height": 768})
    c = lap.new_page()
    c.goto(voila_server.url("facilitador.ipynb", f"room={room.code}&key={key}"))
    expect(c.locator(".cl-console-live")).to_be_visible()
    settled(c)
    dump(c, "console")
    s = lap.new_page()
    s.goto(voila_server.url("facilitador.ipynb", f"room={room.code}&key={key}&view=projector"))
    tr = Translator("es")
    for slide in SLIDES:
        _on(store, room, slide)
        _wait_slide(s, tr(slides.label_key(slide)) if slide != "join" else room.name)
        settled(s)
        dump(s, f"stage {slide}")
    open("/work/tmp/audit.txt", "w").write("\n".join(OUT))
