"""Exports (CSV, XLSX, HTML report) and the results file round trip, on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pandas as pd
import pytest

from widgets import export
from widgets.workshops.feliz import model as feliz
from widgets import report
from widgets.demo import seed_demo
from widgets.apps.export_view import ExportPanel
from widgets.i18n import Translator
from widgets.kits.journeys import touchpoints
from widgets.room.store import StoreError


@pytest.fixture
def filled(store):
    room, key = seed_demo(store, participants=6)
    person, _ = store.join(room, "=HYPERLINK(\"http://x\")", "+Team")
    store.save_response(person, "feliz", touchpoints(room.industry, "es")[0].id, {"enter": 1, "leave": 5})
    return room


def test_csv_holds_every_answer_in_words_and_neutralises_formulas(store, filled):
    answers = store.responses(filled.id)
    df = pd.read_csv(io.BytesIO(export.to_csv(export.answers_csv(store, filled))), encoding="utf-8-sig")
    # every answer of the room, one row each (a person's votes are counted into each idea's and cow's total, the
    # ratings of a cow into its means), and the teams' own work: each touchpoint of each team's journey (the
    # industry's, for a team that kept it) and each event of each team's reinforcement plan
    counted = answers[~answers["item"].isin(["votes", "cow_votes"]) & ~answers["item"].str.startswith("cow_score:")]
    snapshot = export.Snapshot(store, filled)
    journeys, plans = snapshot.journeys, snapshot.plans
    assert len(df) == len(counted) + sum(len(j) for j in journeys.values()) + sum(len(p) for p in plans.values())
    assert len(journeys) == 5 and len(plans) == 4
    assert df["Respuesta"].str.contains(r"Cazadores: 1 · Votos: \d+ · Daño \(media\)", regex=True).any()
    assert list(df.columns) == ["Parte", "Equipo", "Respuesta"]  # anonymous room: no name column
    # a team of one is not shown beside a person's answer (it is beside its own journey, the team's work)
    assert not ((df["Parte"] != "Varita - viajes") & (df["Equipo"] == "'+Team")).any()
    assert ((df["Parte"] == "Varita - viajes") & (df["Equipo"] == "'+Team")).any()
    assert not df.astype(str).apply(lambda c: c.str.startswith(("=", "+", "-", "@"))).any().any()
    keys = r"\b\d+:[0-9a-f]{8}\b|\b(?:idea|today|cow|customer|candidate|cow_score):[0-9a-z]"  # e.g. "41:c5d82537"
    assert not df["Respuesta"].str.contains(keys, regex=True).any()  # labels, not internal keys
    first = touchpoints(filled.industry, "es")[0].name
    assert df["Respuesta"].str.contains(f"Momento: {first} · Al entrar: 1 · Al salir: 5").any()


def test_xlsx_has_every_workshop_in_words_and_no_formulas(store, filled):
    wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(export.tables(store, filled))))
    assert wb.sheetnames == ["Sala", "Equipos", "Felicidad - respuestas", "Felicidad - resumen", "Felicidad - ideas",
                             "Varita - viajes", "Varita - hoy", "Varita - ideas", "Vacas sagradas", "Clientes",
                             "Habilidades", "Plan de refuerzo", "Contratación", "Olas"]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
    feliz_rows = store.responses(filled.id, "feliz")
    assert wb["Felicidad - respuestas"].max_row - 1 == len(feliz_rows[feliz_rows["item"] != "idea"])
    assert [c.value for c in wb["Felicidad - respuestas"][1]] == ["Equipo", "Momento", "Al entrar", "Al salir", "Cambio"]
    everyone = [c.value for row in wb.worksheets for r in row.iter_rows() for c in r]
    assert not any(isinstance(v, str) and ("HYPERLINK" in v or v in ("Ana", "Bruno")) for v in everyone)  # no names
    assert wb["Olas"].max_row - 1 == 3  # the demo's three waves


def test_a_named_room_exports_its_people_and_the_facilitator_file_says_who_wrote_what(store, filled):
    store.update_room_state(filled.id, anonymous=False)
    room = store.room(filled.id)
    wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(export.tables(store, room))))
    names = [c.value for c in wb["Participantes"]["A"]][1:]
    assert "'=HYPERLINK(\"http://x\")" in names
    assert [c.value for c in wb["Felicidad - respuestas"][1]][:2] == ["Nombre", "Equipo"]
    who = pd.read_csv(io.BytesIO(export.to_csv(export.authorship(store, filled))), encoding="utf-8-sig")
    assert len(who) == len(store.responses(filled.id)) and "Ana" in set(who["Nombre"])
    files = export.room_files(store, filled)
    assert files["authorship"][0].endswith("-autoria-solo-facilitador.csv")


def test_file_names_keep_accents_as_letters():
    assert export.file_name("Plan de acción", "Señal ÑANDÚ") == "plan-de-accion-senal-nandu"
    assert export.file_name("<script>") == "script" and export.file_name("¿?") == "sala"


def test_html_report_covers_every_workshop_in_one_small_offline_file(store, filled):
    from widgets import report

    page = report.html_report(store, filled)
    assert page.startswith("<!doctype html>") and "<script src=" not in page
    assert page.count("clientelitis-report.js.LEGAL.txt") == 1  # one copy of the chart library, inlined
    assert len(page.encode()) < 2_000_000  # the whole room (was 4.8 MB for one chart)
    for section in ("feliz", "varita", "vacas", "clientes", "clientelitis"):
        assert f"<section id='{section}'>" in page
    for heading in ("¿Sale más feliz de lo que entró?", "Plan de acción", "Ola tras ola", "Equipo Caja"):
        assert heading in page, heading
    assert touchpoints(filled.industry, "es")[0].name in page
    assert page.count("data-for=") >= 10  # the charts of every workshop
    assert "HYPERLINK" not in page and "Bruno" not in page  # anonymous: nobody named
    hostile, _ = store.create_room("<script>alert(1)</script> $x$", "hotel", "en")
    page = report.html_report(store, hostile)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page and "$x$" not in page


def test_results_file_round_trip_reproduces_chart_data(store, filled):
    raw = export.bundle_bytes(store, filled)
    data = export.read_bundle(raw)
    assert "facilitator_key_hash" not in raw.decode() and "token" not in raw.decode()
    target, _ = store.create_room("Sala destino", filled.industry, "es")
    people, answers = export.import_bundle(store, target, data)
    assert people == 7 and answers == len(store.responses(filled.id))
    journey = touchpoints(filled.industry, "es")
    before = feliz.summarize(store.responses(filled.id, "feliz"), journey)
    after = feliz.summarize(store.responses(target.id, "feliz"), journey)
    pd.testing.assert_frame_equal(before, after)


def test_moderation_travels_in_the_results_file(store, filled):
    person = store.join(filled, "Troll", "X")[0]
    store.save_response(person, "feliz", "idea", {"text": "algo feo"})
    store.save_response(person, "feliz", "other", {"text": "algo bien"})
    df = store.responses(filled.id)
    store.set_hidden(filled.id, int(df[(df["item"] == "idea") & (df["participant_id"] == person.id)]["id"].iloc[0]))
    target, _ = store.create_room("Destino", filled.industry, "es")
    export.import_bundle(store, target, export.read_bundle(export.bundle_bytes(store, filled)))
    got = store.responses(target.id)
    assert got[got["name"] == "Troll"].set_index("item")["hidden"].to_dict() == {"idea": True, "other": False}


def test_import_into_a_room_with_the_same_names_keeps_both(store, filled):
    data = export.read_bundle(export.bundle_bytes(store, filled))
    export.import_bundle(store, filled, data)  # merge into itself: every name already taken
    names = store.participants(filled.id)["name"].tolist()
    assert len(names) == 14 and f"Ana ({filled.code})" in names


@pytest.mark.parametrize("raw", [b"", b"not json", b"{}", json.dumps({"format": "other"}).encode(), b"\xff\xfe"])
def test_bad_results_file_is_refused_with_a_message(raw):
    with pytest.raises(StoreError) as err:
        export.read_bundle(raw)
    assert err.value.key == "import.bad_file"


def test_export_panel_prepares_downloads_and_imports(store, filled):
    panel = ExportPanel(store, filled, Translator("es"))
    panel.prepare()
    for css in ("cl-dl-csv", "cl-dl-xlsx", "cl-dl-html", "cl-dl-json"):
        assert css in panel.links.value
    target, _ = store.create_room("Destino", filled.industry, "es")
    other = ExportPanel(store, target, Translator("es"))
    other.upload.value = ({"name": "r.json", "type": "application/json", "size": 1,
                           "content": memoryview(panel.files["json"]), "last_modified": dt.datetime(2026, 1, 1)},)
    assert other.notice.message.startswith("Importados: 7 participantes")
    other.upload.value = ({"name": "x.json", "type": "application/json", "size": 1,
                           "content": memoryview(b"{}"), "last_modified": dt.datetime(2026, 1, 1)},)
    assert other.notice.kind == "error"
    assert len(store.participants(target.id)) == 7  # nothing lost by the bad upload


def test_team_journey_is_exported(store):
    room, _ = store.create_room("Varita", "hotel", "es")
    person, _ = store.join(room, "Ana", "Azul")
    store.update_team_item(person, "varita", "journey", lambda v: [{"id": "a", "name": "=Llegada"}, {"id": "b", "name": "Salida"}])
    wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(export.tables(store, room))))
    rows = [[c.value for c in r] for r in wb["Varita - viajes"].iter_rows()]
    assert rows == [["Equipo", "Orden", "Momento"], ["Azul", 1, "'=Llegada"], ["Azul", 2, "Salida"]]  # neutralised


def test_team_design_html_has_the_chosen_idea(store):
    room, _ = store.create_room("Varita", "restaurant", "es")
    person, _ = store.join(room, "Ana", "Azul")
    store.save_response(person, "varita", "idea:1", {"tp": "booking", "text": "<b>Mensaje</b>", "delight": 5,
                                                     "unique": 4, "effort": 1, "predicted": 5})
    store.save_response(person, "varita", "votes", {f"{person.id}:1": 2})
    page = report.team_design_html(store, room, "Azul")
    assert "&lt;b&gt;Mensaje&lt;/b&gt;" in page and "<b>Mensaje</b>" not in page
    assert page.count("data-for=") == 4 and "<script src=" not in page


def test_action_plan_exports_neutralise_formulas_and_escape(store):
    import datetime as dt

    from widgets.workshops.vacas import model as vacas

    room, _ = store.create_room("Vacas", "bank", "es")
    person, _ = store.join(room, "Ana", "Azul")
    store.save_response(person, "vacas", "cow:1", vacas.cow_value("=Firma<script>", "", "control", "both", ["delays"], 3))
    store.save_response(person, "vacas", "cow_votes", {f"{person.id}:1": 2})
    verdict = vacas.verdict_value("exterminate", "", "@Gerencia", "-quitarla", dt.date.today())
    store.update_room_state(room.id, verdicts={f"{person.id}:1": verdict})
    room = store.room(room.id)
    df = store.responses(room.id, "vacas")
    plan = vacas.action_plan(vacas.board(vacas.cows(df), {}, df), room.state["verdicts"])
    sheet = export.action_plan_sheet(plan, Translator("es"))
    csv = pd.read_csv(io.BytesIO(export.to_csv(sheet)), encoding="utf-8-sig")
    assert csv.iloc[0].tolist()[:2] == ["'=Firma<script>", "Exterminar"]
    assert csv["Responsable"][0] == "'@Gerencia" and csv["Primer paso"][0] == "'-quitarla"
    page = report.cows_html(store, room)
    assert "=Firma&lt;script&gt;" in page and "<script>" not in page.split("</title>")[0]
    assert "Firma<script>" not in page


def test_html_report_of_a_room_without_answers_says_so_once_and_draws_no_empty_chart(store):
    room, _ = store.create_room("Sala vacía", "hotel", "es")
    for name, team in (("Ana", "Caja"), ("Beto", "Caja")):
        store.join(room, name, team)
    page = report.html_report(store, room)
    # feliz, varita and clientes have nothing: one line each instead of empty charts
    assert page.count("Nadie respondió este taller.") == 3
    assert "data-for=" not in page
    assert "no anotó" not in page  # nobody "forgot" a kind of customer when nobody answered
    assert page.count("El plan está vacío") == 1  # the empty plan is said once (one team)
    assert "Varita - viajes" not in page  # no spreadsheet names in prose


def test_html_report_gives_the_mean_change_per_moment_as_the_waves_do(store):
    room, _ = store.create_room("Sala", "hotel", "es")
    tps = touchpoints(room.industry, "es")
    for i, (name, enter, leave) in enumerate((("Ana", 2, 5), ("Beto", 4, 3))):
        person, _ = store.join(room, name, "Caja")
        store.save_response(person, "feliz", tps[i].id, {"enter": enter, "leave": leave})
    page = report.html_report(store, room)
    # two moments: +3 and -1, mean +1.0 (the sum would read +2.0)
    assert "Cambio medio de felicidad en la sala: +1.0 por momento del viaje (2 momentos" in page
