"""Faults, nothing lost (issue 8, part 3): a locked database, a killed Voila server, a killed kernel.

The locked-database tests drive the participant's widgets from Python with a second SQLite connection holding
the write lock; they are deterministic (the lock is released by the store's retry hook, never by a clock).
The crash tests start their own Voila server and drive real Chromium pages.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from widgets.i18n import t
from widgets.serving.page import Page
from widgets.apps.participant_page import ParticipantApp
from widgets.room.store import Store


def _participant_page(room, token) -> Page:
    return Page({"room": room.code, "me": token}, "/voila/render/01_sale_mas_feliz.ipynb", "localhost", "8866")


@pytest.fixture
def locked(tmp_path):
    """A store that gives up quickly (tiny busy timeout, two retries) and a second writer on the same file."""
    path = tmp_path / "locked.sqlite3"
    store = Store(f"sqlite:///{path}", retries=2, busy_timeout=0.05)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 50
    holder = sqlite3.connect(path, isolation_level=None, timeout=0)
    yield store, holder
    holder.close()
    store.dispose()


def _hold_write_lock(holder: sqlite3.Connection) -> None:
    holder.execute("BEGIN IMMEDIATE")  # another writer: every write of the store now meets "database is locked"


def _app(store: Store, lang: str):
    room, _ = store.create_room("Sala ocupada", "restaurant", lang, state={"phase": "feliz"})
    _, token = store.join(room, "Ana", "Caja")
    app = ParticipantApp(store, _participant_page(room, token), "feliz")
    return room, app


def test_locked_database_is_announced_retried_and_the_answer_saved(locked):
    store, holder = locked
    room, app = _app(store, "es")
    view = app.view
    first = view.journey[0]
    _hold_write_lock(holder)
    seen = []

    def release_after_first_retry(attempt: int) -> None:
        # what the participant sees at the moment the store waits, then the other writer finishes
        seen.append((attempt, app.save_status.notice.kind, app.save_status.notice.message))
        if holder.in_transaction:
            holder.execute("COMMIT")

    store.on_retry = release_after_first_retry
    view.enter[first.id].value = 4  # the participant's click on 😊
    try:
        assert seen == [(1, "info", t("es", "save.busy", attempt=1, retries=2))]
        assert "ocupada" in seen[0][2] and "reintentando" in seen[0][2]
        stored = store.responses(room.id)
        assert stored["item"].tolist() == [first.id] and stored["value"].tolist() == [{"enter": 4, "leave": None}]
        assert app.save_status.notice.kind == "ok"
        assert app.save_status.notice.message.startswith("Guardado ✓ ")
        assert app.save_status.retry_button.layout.display == "none"
        assert first.name in view.saved.value and view.notice.kind == ""
        assert store.on_retry is release_after_first_retry  # the page's hook was only there for the save
    finally:
        app.watcher.stop()


def test_retries_exhausted_say_not_saved_keep_the_text_and_retry_saves_it(locked):
    store, holder = locked
    room, app = _app(store, "en")
    view = app.view
    attempts = []
    store.on_retry = attempts.append
    _hold_write_lock(holder)
    idea = "Text customers when their table is ready 🍽️"
    try:
        view.idea_text.value = idea
        view.idea_button.click()
        assert attempts == [1, 2]  # both retries were made and announced
        status = app.save_status
        assert status.notice.kind == "error" and status.notice.message == t("en", "save.not_saved")
        assert "NOT saved" in status.notice.message
        assert status.retry_button.layout.display != "none" and status.retry_button.description == "Retry"
        assert view.idea_text.value == idea  # what was typed stays in the field
        assert view.idea_notice.message == t("en", "error.db_busy")
        assert store.responses(room.id).empty

        status.retry_button.click()  # still locked: still pending, still said, still in the field
        assert status.notice.message == t("en", "save.not_saved") and view.idea_text.value == idea
        assert store.responses(room.id).empty

        holder.execute("ROLLBACK")  # the other writer is gone
        status.retry_button.click()
        stored = store.responses(room.id)
        assert stored["item"].tolist() == ["idea"] and stored["value"].tolist() == [{"text": idea}]
        assert status.notice.kind == "ok" and status.notice.message.startswith("Saved ✓ ")
        assert status.retry_button.layout.display == "none" and not status.pending
        assert view.idea_text.value == idea and view.idea_notice.kind == ""  # stale error cleared
    finally:
        app.watcher.stop()


def test_a_newer_answer_replaces_the_one_not_saved(locked):
    store, holder = locked
    room, app = _app(store, "es")
    view = app.view
    first = view.journey[0].id
    _hold_write_lock(holder)
    try:
        view.enter[first].value = 2
        assert app.save_status.notice.message == t("es", "save.not_saved") and view.enter[first].value == 2
        holder.execute("ROLLBACK")
        view.leave[first].value = 5  # the next click saves the whole answer; nothing stale is left to replay
        assert store.responses(room.id)["value"].tolist() == [{"enter": 2, "leave": 5}]
        assert app.save_status.notice.kind == "ok" and not app.save_status.pending
    finally:
        app.watcher.stop()


# -- crashes: a real Voila server, real Chromium pages ------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
PARTICIPANTS = 20
#: Participants answering through real Chromium pages; the others run the same participant app in worker
#: processes that sit in the Voila server's process group (so the same kill -9 ends them like kernels).
BROWSER_PARTICIPANTS = 4
WORKERS = 2
#: The round in which everything is killed, answers in flight (after 8 acknowledged rounds).
KILL_ROUND = 8
NOTEBOOK = "01_sale_mas_feliz.ipynb"


def schedule(p: int, step: int, n: int) -> tuple[str, int, int]:
    """What participant ``p`` clicks at ``step``: (entering|leaving, touchpoint index, face 1-5).

    Consecutive steps touch different touchpoints (so each acknowledgement names the step it belongs to) and
    every step changes a value (so every step is a save)."""
    cycle, pos = divmod(step, 2 * n)
    return ("enter" if pos < n else "leave"), pos % n, 1 + (p + pos % n + cycle) % 5


def ack(p: int, steps: int, tp: int, names: list[str], tps: list[str]) -> str:
    """What the touchpoint's own line says once participant ``p``'s first ``steps`` clicks are saved."""
    from widgets.workshops.feliz.view import saved_text
    from widgets.i18n import Translator

    return saved_text(Translator("es"), names[tp], expected_answers(p, steps, tps).get(tps[tp], {}))


def expected_answers(p: int, steps: int, tps: list[str]) -> dict:
    """The participant's stored answers after their first ``steps`` clicks."""
    state: dict = {}
    for step in range(steps):
        field, tp, value = schedule(p, step, len(tps))
        state.setdefault(tps[tp], {"enter": None, "leave": None})[field] = value
    return {k: dict(v) for k, v in state.items()}


def test_every_scheduled_click_is_a_save_with_its_own_acknowledgement():
    """The premise of the kill test: consecutive clicks name different touchpoints, every click changes a value."""
    n = 7
    for p in range(PARTICIPANTS):
        last: dict = {}
        for step in range(3 * 2 * n):
            field, tp, value = schedule(p, step, n)
            assert step == 0 or tp != schedule(p, step - 1, n)[1]
            assert last.get((field, tp)) != value and 1 <= value <= 5
            last[(field, tp)] = value
    assert expected_answers(0, 2 * n, [str(i) for i in range(n)])["0"] == {"enter": 1, "leave": 1}


def run_simulated_participants(db_url: str, first: int, code: str, tokens: list[str]) -> None:
    """A worker: one ``ParticipantApp`` (own store, as in a kernel) per token. For each "go" line on stdin every
    participant makes their next click; a click counts as acknowledged, and is printed, only once the page
    shows "Guardado: <touchpoint>" for it and the save line says "Guardado ✓"."""
    apps = []
    for token in tokens:
        store = Store(db_url)
        room = store.room_by_code(code)
        apps.append(ParticipantApp(store, _participant_page(room, token), "feliz"))
    print("ready", flush=True)
    step = 0
    for _line in sys.stdin:
        for i, app in enumerate(apps):
            p = first + i
            view = app.view
            field, tp_index, value = schedule(p, step, len(view.journey))
            tp = view.journey[tp_index]
            view.saved.value = ""
            getattr(view, field)[tp.id].value = value  # the click
            if tp.name in view.saved.value and app.save_status.notice.message.startswith("Guardado ✓"):
                print(json.dumps({"p": p, "step": step}), flush=True)
            else:
                print(json.dumps({"p": p, "step": step, "error": app.save_status.notice.message}), flush=True)
                sys.exit(1)
        print(f"round {step}", flush=True)
        step += 1


class Workers:
    """The worker processes and what they printed (read by one thread each)."""

    def __init__(self, server, db_url: str, code: str, tokens: list[tuple[int, str]]):
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.procs = []
        per = -(-len(tokens) // WORKERS)
        for w in range(WORKERS):
            chunk = tokens[w * per:(w + 1) * per]
            args = [sys.executable, "-c",
                    "import sys, json; from tests.test_faults import run_simulated_participants as run; "
                    "run(sys.argv[1], int(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4]))",
                    db_url, str(chunk[0][0]), code, json.dumps([t for _, t in chunk])]
            proc = subprocess.Popen(args, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                    process_group=server.proc.pid)  # killed with the server's group
            threading.Thread(target=self._read, args=(proc,), daemon=True).start()
            self.procs.append(proc)

    def _read(self, proc) -> None:
        for line in proc.stdout:
            with self.changed:
                self.lines.append(line.strip())
                self.changed.notify_all()

    def wait_for(self, line: str, count: int) -> None:
        with self.changed:
            ok = self.changed.wait_for(lambda: self.lines.count(line) >= count or self._dead(), timeout=180)
        assert ok and self.lines.count(line) >= count, f"workers did not print {line!r}: {self.lines[-5:]}"

    def _dead(self) -> bool:
        return any(p.poll() is not None for p in self.procs)

    def go(self) -> None:
        for proc in self.procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()

    def acknowledged(self) -> dict[int, int]:
        """Per participant, how many of their first clicks were acknowledged (always a prefix)."""
        for proc in self.procs:
            proc.wait(30)
        acked: dict[int, int] = {}
        for line in self.lines:
            if line.startswith("{"):
                rec = json.loads(line)
                assert "error" not in rec, rec
                assert rec["step"] == acked.get(rec["p"], 0), rec  # in order, none skipped
                acked[rec["p"]] = rec["step"] + 1
        return acked


def _connection_dir(server) -> str:
    match = re.search(r"Storing connection files in (\S+?)\.?$", server.log_path.read_text(), re.M)
    assert match, "no connection folder in the Voila log"
    return match.group(1)


def kill9(server) -> None:
    """kill -9 the Voila server's process group (the server and the workers) and every kernel it started
    (kernels lead their own sessions), then wait until they are all gone."""
    import psutil

    folder = _connection_dir(server)

    def kernels():
        found = []
        for proc in psutil.process_iter(["cmdline"]):
            if any(folder in part for part in proc.info["cmdline"] or ()):
                found.append(proc)
        return found

    before = psutil.Process(server.proc.pid).children(recursive=True)
    os.killpg(server.proc.pid, signal.SIGKILL)
    victims = {p.pid: p for p in before + kernels()}
    for proc in victims.values():
        try:
            proc.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass
    server.proc.wait(30)
    _, alive = psutil.wait_procs(list(victims.values()), timeout=30)
    assert not alive and not kernels(), f"still running after kill -9: {alive}"
    server._log.close()


def click(page, step: int, p: int, n: int) -> None:
    field, tp, value = schedule(p, step, n)
    row = page.locator(".cl-row").nth(tp)
    row.locator(".cl-scale").nth(0 if field == "enter" else 1).get_by_role("radio").nth(value - 1).click()


def shows_answers(page, answers: dict, tps: list[str]) -> None:
    from playwright.sync_api import expect

    for item, value in answers.items():
        row = page.locator(".cl-row").nth(tps.index(item))
        for i, field in enumerate(("enter", "leave")):
            buttons = row.locator(".cl-scale").nth(i).get_by_role("radio")
            if value[field] is None:
                expect(row.locator(".cl-scale").nth(i).locator("[aria-checked=true]")).to_have_count(0)
            else:
                expect(buttons.nth(value[field] - 1)).to_have_attribute("aria-checked", "true")


@pytest.mark.browser
def test_kill_9_while_20_participants_answer_loses_no_acknowledged_answer(browser, tmp_path):
    from playwright.sync_api import expect

    from tests.conftest import VoilaServer
    from widgets.kits.journeys import touchpoints

    db_url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    setup = Store(db_url)
    room, _ = setup.create_room("Sala que se cae", "restaurant", "es", expected_size=PARTICIPANTS,
                                state={"phase": "feliz"})
    tokens = [setup.join(room, f"Persona {p:02d}", f"Equipo {p % 4}")[1] for p in range(PARTICIPANTS)]
    setup.dispose()
    journey = touchpoints("restaurant", "es")
    tps, names = [tp.id for tp in journey], [tp.name for tp in journey]
    n = len(tps)
    (tmp_path / "first").mkdir()
    server = VoilaServer(tmp_path / "first", db_url=db_url, own_process_group=True)
    restarted = None
    contexts = []
    try:
        links = [server.url(NOTEBOOK, f"room={room.code}&me={token}") for token in tokens]
        pages = []
        for p in range(BROWSER_PARTICIPANTS):
            ctx = browser.new_context(viewport={"width": 412, "height": 915})
            ctx.set_default_timeout(120_000)
            ctx.set_default_navigation_timeout(120_000)
            contexts.append(ctx)
            page = ctx.new_page()
            page.goto(links[p], wait_until="commit")
            pages.append(page)
        for page in pages:  # first load: a kernel per page on a shared 2-core machine
            expect(page.locator(".cl-row")).to_have_count(n, timeout=180_000)
        workers = Workers(server, db_url, room.code, list(enumerate(tokens))[BROWSER_PARTICIPANTS:])
        workers.wait_for("ready", WORKERS)

        # Everyone answers, round by round; a click counts once its acknowledgement is on the screen.
        for step in range(KILL_ROUND + 1):
            workers.go()
            for p, page in enumerate(pages):
                click(page, step, p, n)
            if step == KILL_ROUND:
                break  # these answers are in flight: kill -9 now
            for p, page in enumerate(pages):
                tp = schedule(p, step, n)[1]
                expect(page.locator(".cl-row").nth(tp).locator(".cl-saved")).to_have_text(ack(p, step + 1, tp, names, tps))
                expect(page.locator(".cl-save-status")).to_contain_text("Guardado ✓")
            workers.wait_for(f"round {step}", WORKERS)
        kill9(server)

        acked = workers.acknowledged()
        for p, page in enumerate(pages):  # what each page showed when the server died
            tp = schedule(p, KILL_ROUND, n)[1]
            seen = page.locator(".cl-row").nth(tp).locator(".cl-saved").inner_text(timeout=10_000)
            acked[p] = KILL_ROUND + 1 if seen == ack(p, KILL_ROUND + 1, tp, names, tps) else KILL_ROUND
        assert sorted(acked) == list(range(PARTICIPANTS))
        assert all(a >= KILL_ROUND for a in acked.values()), acked

        # Restart on the same port and database: every acknowledged answer is there (and nothing else but,
        # at most, the one click in flight when the server died).
        (tmp_path / "second").mkdir()
        restarted = VoilaServer(tmp_path / "second", db_url=db_url, port=server.port, own_process_group=True)
        check = Store(db_url)
        stored = check.responses(room.id)
        people = dict(zip(check.participants(room.id)["name"], check.participants(room.id)["id"]))
        check.dispose()
        found = {}
        for p in range(PARTICIPANTS):
            mine = stored[stored["participant_id"] == people[f"Persona {p:02d}"]]
            found[p] = dict(zip(mine["item"], mine["value"]))
            allowed = (expected_answers(p, acked[p], tps), expected_answers(p, acked[p] + 1, tps))
            assert found[p] in allowed, (p, acked[p], found[p])
        assert sum(acked.values()) >= PARTICIPANTS * KILL_ROUND

        # The same links work on the restarted server; reloaded pages show the answers, and so does the page of
        # a participant who answered from a worker.
        other = contexts[0].new_page()
        for page in pages:
            page.reload(wait_until="commit")
        other.goto(links[PARTICIPANTS - 1], wait_until="commit")
        for p, page in [*enumerate(pages), (PARTICIPANTS - 1, other)]:
            expect(page.get_by_text(f"¡Hola, Persona {p:02d}!")).to_be_visible(timeout=180_000)
            expect(page.locator(".cl-row")).to_have_count(n)
            shows_answers(page, found[p], tps)
    finally:
        for ctx in contexts:
            ctx.close()
        if server.proc.poll() is None:
            kill9(server)
        if restarted is not None:
            restarted.stop()


def _kernel_process(server, kernel_id: str):
    import psutil

    from tests.bench import kernel_id_of

    for proc in psutil.Process(server.proc.pid).children(recursive=True):
        if kernel_id_of(proc) == kernel_id:
            return proc
    raise AssertionError(f"no process for kernel {kernel_id}")


def test_killed_kernel_then_reload_of_the_same_link_restores_the_answers(voila_server, context):
    from playwright.sync_api import expect

    from widgets.kits.journeys import touchpoints

    store = voila_server.store()
    room, _ = store.create_room("Kernel caído", "hotel", "es", state={"phase": "feliz"})
    _, token = store.join(room, "Iris", "Recepción")
    link = voila_server.url(NOTEBOOK, f"room={room.code}&me={token}")
    page = context.new_page()
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(link)
    expect(page.get_by_text("¡Hola, Iris!")).to_be_visible()
    rows = page.locator(".cl-row")
    names = [rows.nth(i).locator(".cl-tp-name").inner_text() for i in range(2)]
    answers = [(0, 0, 5), (0, 1, 2), (1, 0, 3)]  # (row, entering|leaving, face)
    for row, side, face in answers:
        rows.nth(row).locator(".cl-scale").nth(side).get_by_role("radio").nth(face - 1).click()
        expect(rows.nth(row).locator(".cl-saved")).to_contain_text(f"✓ Guardado: {names[row]}")
    idea = "Check-in por WhatsApp antes de llegar 🛎️"
    page.get_by_role("radio", name="3. Tu idea").click()
    page.get_by_placeholder("p. ej. avisar en cuanto algo esté listo, sin que el cliente tenga que preguntar").fill(idea)
    page.get_by_role("button", name="Enviar idea").click()
    expect(page.get_by_text("¡Idea guardada!", exact=False)).to_be_visible()
    expect(page.locator(".cl-save-status")).to_contain_text("Guardado ✓")

    # The page's kernel (the one its widgets talk to) is killed with SIGKILL.
    kernel_ids = {m.group(1) for url in sockets if (m := re.search(r"/api/kernels/([0-9a-f-]{36})/", url))}
    assert len(kernel_ids) == 1, sockets
    kernel = _kernel_process(voila_server, kernel_ids.pop())
    kernel.send_signal(signal.SIGKILL)
    kernel.wait(30)

    # Reloading the same personal link gives a new kernel and every answer back in its field.
    page.reload()
    assert page.url == link
    expect(page.get_by_text("¡Hola, Iris!")).to_be_visible()
    for row, side, face in answers:
        buttons = rows.nth(row).locator(".cl-scale").nth(side).get_by_role("radio")
        expect(buttons.nth(face - 1)).to_have_attribute("aria-checked", "true")
    expect(rows.nth(1).locator(".cl-scale").nth(1).locator("[aria-checked=true]")).to_have_count(0)
    page.get_by_role("radio", name="3. Tu idea").click()
    expect(page.get_by_placeholder("p. ej. avisar en cuanto algo esté listo, sin que el cliente tenga que preguntar")).to_have_value(idea)
    assert len({u for u in sockets if "/api/kernels/" in u}) == 2  # it did talk to a new kernel
    journey = touchpoints("hotel", "es")
    stored = store.responses(room.id)
    assert dict(zip(stored["item"], stored["value"])) == {
        journey[0].id: {"enter": 5, "leave": 2}, journey[1].id: {"enter": 3, "leave": None}, "idea": {"text": idea},
    }
