"""The facilitator's room commands: rooms, links, export, import, close/archive/reopen."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from widgets import cli
from widgets import export
from widgets.workshops.feliz import model as feliz
from widgets.demo import seed_demo
from widgets.kits.journeys import touchpoints
from widgets.room.store import Store


@pytest.fixture
def s():
    store = Store()  # the same throw-away SQLite file the command line uses (CLIENTELITIS_VAR)
    yield store
    store.dispose()


def _row(out: str, code: str) -> str | None:
    return next((line for line in out.splitlines() if line.startswith(code)), None)


def test_rooms_lists_rooms_and_hides_archived_unless_all(s, capsys):
    older, _ = s.create_room("Banco Norte ola 1", "bank", "es")
    room, _ = s.create_room("Hotel Sol", "hotel", "en")
    s.join(room, "Ana", "Front desk")
    s.join(room, "Luis", "Front desk")
    assert cli.main(["rooms"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["CODE", "STATUS", "LANG", "INDUSTRY", "PEOPLE", "CREATED", "NAME"]
    line = _row(out, room.code)
    assert line is not None and line.split()[:5] == [room.code, "open", "en", "hotel", "2"]
    assert line.endswith("Hotel Sol") and re.search(r"\d{4}-\d{2}-\d{2}", line)
    assert out.index(room.code) < out.index(older.code)  # newest first

    s.set_room_status(room.id, "archived")
    assert cli.main(["rooms"]) == 0
    out = capsys.readouterr().out
    assert _row(out, room.code) is None and _row(out, older.code) is not None
    assert cli.main(["rooms", "--all"]) == 0
    line = _row(capsys.readouterr().out, room.code)
    assert line is not None and line.split()[1] == "archived"


def test_links_issues_a_new_console_key_and_revokes_the_old_one(s, capsys):
    room, old_key = s.create_room("Clínica Central", "hospital", "es")
    assert cli.main(["--base", "http://localhost:9999", "--public", "http://10.1.2.3:9999",
                     "links", room.code.lower()]) == 0  # codes are typed loosely
    out = capsys.readouterr().out
    key = re.search(r"key=([\w-]+)", out).group(1)
    assert "no longer works" in out
    assert f"http://10.1.2.3:9999/voila/render/00_bienvenida.ipynb?room={room.code}" in out
    assert f"http://localhost:9999/voila/render/facilitador.ipynb?room={room.code}&key={key}" in out
    fresh = Store()
    assert fresh.check_facilitator_key(room, key)
    assert key != old_key and not fresh.check_facilitator_key(room, old_key)
    fresh.dispose()


def test_export_writes_the_room_s_files_that_open(s, capsys, tmp_path):
    room, _ = seed_demo(s, participants=5)
    out_dir = tmp_path / "exports"
    assert cli.main(["export", room.code, "--out", str(out_dir)]) == 0
    stdout = capsys.readouterr().out
    stem = f"demo-restaurante-la-esquina-{room.code}"
    paths = {ext: out_dir / f"{stem}{ext}" for ext in (".csv", ".xlsx", ".html", ".clientelitis.json",
                                                        "-autoria-solo-facilitador.csv")}
    for path in paths.values():
        assert path.is_file() and path.stat().st_size > 0
        assert str(path) in stdout
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(p.name for p in paths.values())

    answers = s.responses(room.id)
    assert len(answers) > 5
    assert len(pd.read_csv(paths["-autoria-solo-facilitador.csv"], encoding="utf-8-sig")) == len(answers)
    assert "Respuesta" in pd.read_csv(paths[".csv"], encoding="utf-8-sig").columns
    book = openpyxl.load_workbook(paths[".xlsx"])
    assert len(book.sheetnames) == 14 and "Felicidad - respuestas" in book.sheetnames
    html = paths[".html"].read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "Restaurante La Esquina" in html
    data = export.read_bundle(paths[".clientelitis.json"].read_bytes())
    assert data["room"]["code"] == room.code
    assert len(data["participants"]) == 5 and len(data["responses"]) == len(answers)


def test_export_defaults_to_the_current_folder(s, capsys, tmp_path, monkeypatch):
    room, _ = s.create_room("Ñandú & Cía: ventas!", "retail", "es")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["export", room.code]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    stem = f"nandu-cia-ventas-{room.code}"  # accents kept as their letters (it was "and-c-a-ventas")
    assert names == sorted(f"{stem}{ext}" for ext in (".clientelitis.json", ".csv", ".html", ".xlsx",
                                                      "-autoria-solo-facilitador.csv"))


def test_import_into_another_room_reproduces_the_summary(s, capsys, tmp_path):
    demo, _ = seed_demo(s, participants=5)
    target, _ = s.create_room("Rehearsal copy", demo.industry, demo.lang)
    assert cli.main(["export", demo.code, "--out", str(tmp_path)]) == 0
    bundle = next(tmp_path.glob("*.clientelitis.json"))
    capsys.readouterr()
    assert cli.main(["import", str(bundle), "--into", target.code]) == 0
    out = capsys.readouterr().out
    n_answers = len(s.responses(demo.id))
    assert f"Imported 5 participants and {n_answers} answers" in out

    journey = touchpoints(demo.industry, demo.lang)
    expected = feliz.summarize(s.responses(demo.id, feliz.EXERCISE), journey)
    got = feliz.summarize(s.responses(target.id, feliz.EXERCISE), journey)
    assert expected["n"].sum() > 0
    assert_frame_equal(got, expected)
    assert len(s.participants(target.id)) == 5


def test_import_into_a_closed_room_is_refused_without_writing(s, capsys, tmp_path):
    demo, _ = seed_demo(s, participants=2)
    target, _ = s.create_room("Closed target", "restaurant", "es")
    s.set_room_status(target.id, "closed")
    bundle = tmp_path / "r.clientelitis.json"
    bundle.write_bytes(export.bundle_bytes(s, demo))
    assert cli.main(["import", str(bundle), "--into", target.code]) == 2
    assert "reopen" in capsys.readouterr().err
    assert s.participants(target.id).empty


@pytest.mark.parametrize(
    "command, status",
    [("close", "closed"), ("archive", "archived"), ("reopen", "open")],
)
def test_status_commands_change_the_room_status(s, capsys, command, status):
    room, _ = s.create_room("Status room", "airline", "en")
    s.set_room_status(room.id, "closed" if status == "open" else "open")
    assert cli.main([command, room.code]) == 0
    assert s.room(room.id).status == status
    assert status in capsys.readouterr().out


def test_archive_then_reopen_round_trip(s, capsys):
    room, _ = s.create_room("Round trip", "bank", "es")
    assert cli.main(["archive", room.code]) == 0
    assert s.room(room.id).status == "archived"
    assert room.id not in [r.id for r in s.list_rooms()]
    assert cli.main(["reopen", room.code]) == 0
    assert s.room(room.id).is_open and room.id in [r.id for r in s.list_rooms()]


@pytest.mark.parametrize("argv_for", [
    lambda code: ["links", code],
    lambda code: ["export", code],
    lambda code: ["archive", code],
    lambda code: ["reopen", code],
    lambda code: ["close", code],
    lambda code: ["import", "whatever.json", "--into", code],
])
@pytest.mark.parametrize("code", ["OOOOOO", "xx", "ACDEFG"])  # bad letters, too short, well-formed unknown
def test_unknown_or_malformed_code_returns_2(s, capsys, tmp_path, monkeypatch, argv_for, code):
    if code == "ACDEFG":
        assert s.room_by_code(code) is None  # make sure the "unknown" code really is free
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv_for(code)) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("error:") and len(err.splitlines()) == 1 and code.upper() in err.upper()
    assert captured.out == "" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content", [
    b"not json at all",
    b'{"format": "something-else", "participants": [], "responses": []}',
    b"\xff\xfe\x00garbage",
    b'{"format": "clientelitis-results", "participants": [{"ref": 1, "name": "Ana"}], "responses": [{"ref": 1}]}',
])
def test_bad_import_file_returns_2(s, capsys, tmp_path, content):
    room, _ = s.create_room("Import target", "restaurant", "es")
    bad = tmp_path / "bad.clientelitis.json"
    bad.write_bytes(content)
    assert cli.main(["import", str(bad), "--into", room.code]) == 2
    err = capsys.readouterr().err
    assert "import.bad_file" in err and str(bad) in err
    assert s.participants(room.id).empty and s.responses(room.id).empty


def test_missing_import_file_returns_2(s, capsys, tmp_path):
    room, _ = s.create_room("Import target", "restaurant", "es")
    assert cli.main(["import", str(tmp_path / "nope.json"), "--into", room.code]) == 2
    assert "cannot read" in capsys.readouterr().err
