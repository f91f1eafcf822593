"""Workshop kits: the model's checks, exact round trips, files refused whole, the store, the CLI and the rooms."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest

from tests.hostile import CORPUS
from widgets.kits import files as kit_files
from widgets.kits import lab as kit_lab
from widgets.kits import model as kits
from widgets.i18n import Translator
from widgets.kits.model import KitError
from widgets.room.store import Store, StoreError

ES, EN = Translator("es"), Translator("en")


def named(base: str = "bank", name: str = "Banco Norte") -> dict[str, pd.DataFrame]:
    tables = kits.blank_from(kits.shipped(base))
    tables["kit"].loc[0, "name_es"] = name
    return tables


def problems(tables, tr=ES) -> list[str]:
    return [p.message(tr) for p in kits.check(tables)]


# -- shipped kits --------------------------------------------------------------------------------------
def test_the_sixteen_industries_ship_as_complete_bilingual_kits():
    ids = kits.shipped_ids()
    assert len(ids) == 16
    for kit_id in ids:
        kit = kits.shipped(kit_id)
        assert kit.langs == ("es", "en") and kit.shipped
        assert 3 <= len(kit.touchpoints("es")) <= 12 and len(kit.catalog("en")) >= 1
        assert kit.skills == kits.SKILLS and kit.traits == kits.TRAITS and kit.flags == kits.FLAGS
        assert kit.label("skills", "teamwork", "en") == "Teamwork" and kit.label("skills", "teamwork", "es") == "Trabajo en equipo"
        assert kits.build(kits.to_tables(kit), reserved=()).data == kit.data  # the tables say all of it


def test_a_new_kit_starts_from_an_industry_and_needs_only_a_name():
    tables = kits.blank_from(kits.shipped("bank"))
    assert problems(tables) == ["Kit, fila 1, columna «name_es»: falta el texto."]
    kit = kits.build(named())
    assert (kit.id, kit.data["based_on"], kit.title("en")) == ("banco-norte", "bank", "Banco Norte")
    assert [t.name for t in kit.touchpoints("es")] == [t.name for t in kits.shipped("bank").touchpoints("es")]


def test_ids_are_made_from_names_and_never_take_a_shipped_kits():
    kit = kits.build(named(name="Hotel"))  # "hotel" is a shipped kit's id
    assert kit.id == "hotel-2"
    tables = named()
    tables["kit"].loc[0, "id"] = "bank"
    assert problems(tables) == ["Kit, fila 1, columna «id»: «bank» es el identificador de un kit incluido con "
                                "Clientelitis; elige otro o déjalo vacío."]
    tables = named()
    tables["touchpoints"].loc[len(tables["touchpoints"])] = {"id": "", "name_es": "Firma del contrato",
                                                            "name_en": "Signing", "hint_es": "", "hint_en": ""}
    assert kits.build(tables).touchpoints("es")[-1].id == "firma-del-contrato"


def test_every_problem_names_its_table_row_and_column():
    tables = named()
    tables["touchpoints"].loc[2, "name_en"] = ""
    tables["cows"].loc[1, "kind"] = "nada"
    tables["cows"].loc[0, "kind"] = "Política"  # a label in either language is understood
    tables["skills"].loc[3, "name_es"] = " trabajo EN equipo "  # the same as row 2, spelling aside
    tables["traits"].loc[0, "name_es"] = "x" * 61
    tables["flags"].loc[0, "id"] = "Mal Id"
    assert problems(tables) == [
        "Momentos, fila 3, columna «name_en»: falta el texto en inglés. El kit tiene otros textos en inglés: "
        "complétalo, o borra todos los textos en inglés para un kit en un solo idioma.",
        "Rasgos, fila 1, columna «name_es»: tiene 61 caracteres; el máximo es 60.",
        "Habilidades, fila 4, columna «name_es»: « trabajo EN equipo » ya está en la fila 2.",
        "Señales de alerta, fila 1, columna «id»: el identificador «Mal Id» solo puede llevar letras minúsculas sin "
        "acentos, cifras, guiones y guiones bajos (hasta 40); déjalo vacío y se hará del nombre.",
        "Vacas sagradas, fila 2, columna «kind»: «nada» no es una de las opciones: Política, Proceso, Control, "
        "Sistema, Procedimiento.",
    ]
    assert problems(tables, EN)[0].startswith("Touchpoints, row 3, column “name_en”: the text in English is missing.")


@pytest.mark.parametrize("rows,ok", [(2, False), (3, True), (12, True), (13, False)])
def test_a_journey_holds_3_to_12_touchpoints(rows, ok):
    tables = named()
    tps = tables["touchpoints"]
    extra = [{"id": "", "name_es": f"Momento {i}", "name_en": f"Moment {i}", "hint_es": "", "hint_en": ""} for i in range(20)]
    tables["touchpoints"] = pd.concat([tps, pd.DataFrame(extra, dtype=object)]).iloc[:rows].reset_index(drop=True)
    found = problems(tables)
    if ok:
        assert found == []
    else:
        assert found == [f"Momentos: hay {rows} filas; debe haber entre 3 y 12."]


def test_a_kit_in_one_language_is_complete_in_it():
    tables = named()
    for frame in tables.values():
        for column in [c for c in frame.columns if c.endswith("_en")]:
            frame[column] = ""
    kit = kits.build(tables)
    assert kit.langs == ("es",)
    assert kit.touchpoints("en")[0].name == kits.shipped("bank").touchpoints("es")[0].name  # an English room reads Spanish
    tables["prompts"].loc[0, "text_es"] = ""
    assert problems(tables) == ["Preguntas de la caza, fila 1, columna «text_es»: falta el texto."]
    empty = {name: frame.iloc[0:0] for name, frame in tables.items()}
    assert "Kit: no hay ningún texto" in problems(empty)[0]


def test_a_table_or_column_left_out_is_named():
    tables = named()
    del tables["flags"]
    tables["skills"] = tables["skills"].drop(columns=["short_en"])
    assert problems(tables) == ["Habilidades, columna «short_en»: falta esta columna.",
                                "Señales de alerta: falta esta tabla."]


# -- files ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_files_round_trip_exactly(fmt, tmp_path):
    kit = kits.build(named())
    name, data = kit_files.write(kit, fmt)
    assert name == f"kit-banco-norte.{fmt}"
    again = kit_files.read(name, data)
    assert again.data == kit.data and again.to_json() == kit.to_json()
    if fmt == "xlsx":  # a spreadsheet opens it as seven readable sheets
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
        assert list(sheets) == ["about", *kits.COLUMNS]
        assert sheets["touchpoints"]["name_es"].tolist() == [t.name for t in kit.touchpoints("es")]


def test_every_field_takes_the_hostile_corpus_refused_or_kept_exactly():
    """Each case in every text field of the kit: a clear problem naming the field, or kept byte for byte
    through both kinds of file (a text starting with "=" stays text in the workbook, never a formula)."""
    fields = [(table, column) for table, cols in kits.COLUMNS.items() for column in cols if column != "internal"]
    kept = refused = 0
    for case in CORPUS:
        accepted = []
        for table, column in fields:
            tables = named()
            tables[table].loc[0, column] = case.text
            found = problems(tables)
            if found:
                assert any(f"fila 1, columna «{column}»" in m for m in found), (case.id, column, found)
                refused += 1
            else:
                accepted.append((table, column))
        if not accepted:
            continue
        tables = named()
        for table, column in accepted:  # every field that takes it, at once: one kit, both files
            tables[table].loc[0, column] = case.text
        kit = kits.build(tables)
        for fmt in ("json", "xlsx"):
            again = kit_files.read(f"k.{fmt}", kit_files.write(kit, fmt)[1])
            assert again.data == kit.data, (case.id, fmt)
            kept += 1
    assert kept and refused


def test_a_workbooks_problems_name_the_sheets_rows():
    tables = named()
    data = kit_files.to_xlsx(kits.build(tables))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    book["touchpoints"]["C3"].value = None  # the second touchpoint's English name, on the sheet's row 3
    buf = io.BytesIO()
    book.save(buf)
    with pytest.raises(KitError) as err:
        kit_files.from_xlsx(buf.getvalue())
    assert err.value.messages(ES) == ["Momentos, fila 3 de la hoja «touchpoints», columna «name_en»: falta el texto en "
                                      "inglés. El kit tiene otros textos en inglés: complétalo, o borra todos los textos "
                                      "en inglés para un kit en un solo idioma."]


def test_a_formula_in_a_workbook_stays_text():
    tables = named()
    tables["touchpoints"].loc[0, "name_es"] = "=HYPERLINK(\"http://x\",\"y\")"
    data = kit_files.to_xlsx(kits.build(tables))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in sheets


def _bad_files() -> list[tuple[str, bytes, str]]:
    good = json.loads(kits.build(named()).to_json())
    newer = dict(good, version=kits.VERSION + 1)
    no_tps = dict(good, touchpoints="many")
    wrong_types = dict(good, touchpoints=[{"id": 3, "name": {"es": ["x"]}, "hint": None}] * 3)
    workbook = kit_files.to_xlsx(kits.build(named()))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/big.xml", "0" * (kit_files.MAX_UNPACKED + 1))
    return [
        ("broken.json", b'{"format": "clientelitis-kit", ', "el JSON no se puede leer (línea 1, columna 32)"),
        ("latin1.json", "{\"n\": \"ñ\"}".encode("latin-1"), "no se puede leer (UTF-8)"),
        ("other.json", b'{"name": "not a kit"}', "no es un kit de Clientelitis"),
        ("newer.json", json.dumps(newer).encode(), "es de una versión más nueva de Clientelitis (formato 2"),
        ("huge.json", b" " * (kit_files.MAX_BYTES + 1), "un kit no puede pasar de 2 MB"),
        ("shape.json", json.dumps(no_tps).encode(), "Momentos: hay 0 filas; debe haber entre 3 y 12."),
        ("types.json", json.dumps(wrong_types).encode(), "Momentos, fila 1, columna «name_es»: aquí va un texto, y el "
                                                         "archivo tiene «[\"x\"]»."),
        ("broken.xlsx", workbook[: len(workbook) // 2], "no se puede leer (XLSX"),
        ("bomb.xlsx", bomb.getvalue(), "un kit no puede pasar de 20 MB"),
        ("kit.csv", b"a,b", "usa un archivo .json o .xlsx"),
    ]


@pytest.mark.parametrize("name,data,expected", _bad_files(), ids=[f[0] for f in _bad_files()])
def test_a_bad_file_is_refused_whole_with_what_and_where(store, name, data, expected):
    own = kits.build(named())
    store.save_kit(own)
    with pytest.raises(KitError) as err:
        kit_files.read(name, data)
    assert any(expected in m for m in err.value.messages(ES)), err.value.messages(ES)
    assert [k.data for k in store.saved_kits()] == [own.data]  # nothing lost, nothing half-imported


# -- the store and the rooms ---------------------------------------------------------------------------
def test_saved_kits_are_offered_and_rooms_keep_their_own_copy(store):
    from widgets.apps.welcome_page import kit_options

    kit = kits.build(named())
    store.save_kit(kit)
    assert kit_options(store, ES)[0] == ("Banco Norte · kit propio", "banco-norte")
    assert len(kit_options(store, ES)) == 17
    room, _key = store.create_room("Ola 1", "banco-norte", "es")
    tables = kits.to_tables(kit)
    tables["touchpoints"].loc[0, "name_es"] = "Otra cosa"
    store.save_kit(kits.build(tables))  # the kit changes after the room was made
    assert store.kit("banco-norte").touchpoints("es")[0].name == "Otra cosa"
    fresh = Store(store.url)  # another page: the room's copy comes from the database
    assert kits.of_room(fresh, room).data == kit.data
    fresh.dispose()
    with pytest.raises(StoreError) as err:
        store.save_kit(kit, replace=False)
    assert err.value.key == "kit.exists"
    store.delete_kit("banco-norte")
    with pytest.raises(StoreError) as err:
        store.create_room("Ola 2", "banco-norte", "es")
    assert err.value.key == "create.kit_unknown"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_kits_are_shared_by_every_server_on_one_database(tmp_path, backend, request):
    url = (f"sqlite:///{tmp_path / 'k.sqlite3'}" if backend == "sqlite"
           else request.getfixturevalue("postgres").new_database("k_" + tmp_path.name[-12:].lower().replace("-", "_")))
    one, two = Store(url), Store(url)
    one.save_kit(kits.build(named()))
    assert [k.id for k in two.saved_kits()] == ["banco-norte"]
    room, _ = two.create_room("Sala", "banco-norte", "en")
    assert kits.of_room(one, room).title("en") == "Banco Norte"
    one.dispose()
    two.dispose()


def test_rooms_older_than_kits_keep_their_industry(tmp_path):
    import shutil
    from pathlib import Path

    path = tmp_path / "v3.sqlite3"
    shutil.copy(Path(__file__).parent / "data" / "schema_v3.sqlite3", path)
    s = Store(f"sqlite:///{path}")
    room = next(r for r in s.list_rooms(include_archived=True) if r.name == "Sala versión 3")
    assert s.room_kit_data(room.id) is None
    assert kits.of_room(s, room).data == kits.shipped(room.industry).data
    s.dispose()


def test_workshops_use_the_rooms_kit(store):
    from widgets.workshops.clientelitis.view import ClientelitisParticipant
    from widgets.workshops.feliz.view import FelizParticipant
    from widgets.workshops.vacas.view import VacasParticipant

    tables = named()
    tables["skills"] = tables["skills"].iloc[:3].copy()
    tables["skills"].loc[0, ["name_es", "short_es"]] = ["Escucha activa", "Escucha"]
    tables["prompts"].loc[0, "text_es"] = "¿Qué regla del Banco Norte molesta más?"
    tables["touchpoints"].loc[0, "name_es"] = "Cuenta Norte en línea"
    tables["cows"] = tables["cows"].iloc[:1].copy()
    tables["cows"].loc[0, "name_es"] = "Tres firmas"
    tables["traits"] = tables["traits"].iloc[:2]
    store.save_kit(kits.build(tables))
    room, _ = store.create_room("Sala", "banco-norte", "es")
    person, _ = store.join(room, "Ana", "Caja")
    feliz_view = FelizParticipant(store, room, person, ES)
    assert feliz_view.journey[0].name == "Cuenta Norte en línea"
    cows = VacasParticipant(store, room, person, ES)
    assert [c["name"] for c in cows.catalog] == ["Tres firmas"]
    assert "¿Qué regla del Banco Norte molesta más?" in cows.box_hunt.children[0].value
    skills = ClientelitisParticipant(store, room, person, ES)
    assert list(skills.skills) == ["communication", "teamwork", "people"]
    assert len(skills.trait_scales) == 2
    for w in skills.skills.values():
        w.value = 4
    theta = skills.radar.figure["data"][2]["theta"]
    assert theta[0] == "Escucha" and len(theta) == 4  # three skills, the ring closed


def test_waves_compare_what_their_kits_share_and_say_so(store):
    from widgets.workshops.clientelitis.view import wave_basis, wave_chain, wave_note

    before, _ = store.create_room("Ola 1", "bank", "es")
    tables = named()
    tables["skills"] = tables["skills"].iloc[:4]
    store.save_kit(kits.build(tables))
    after, _ = store.create_room("Ola 2", "banco-norte", "es")
    store.update_room_state(after.id, previous_room=before.id)
    basis = wave_basis(store, wave_chain(store, store.room(after.id)), "es")
    assert basis.skills == kits.SKILLS[:4] and basis.kits == ("Banco (sucursal y app)", "Banco Norte")
    assert wave_note(ES, basis) == ("Las oleadas se hicieron con kits distintos (Banco (sucursal y app), Banco Norte): "
                                    "se comparan solo las 4 habilidades y los 7 momentos que comparten.")
    same, _ = store.create_room("Ola 3", "banco-norte", "es")
    store.update_room_state(same.id, previous_room=after.id)
    assert wave_note(ES, wave_basis(store, [store.room(after.id), store.room(same.id)], "es")) == ""


# -- authoring ------------------------------------------------------------------------------------------
def test_the_form_app_edits_checks_previews_and_saves_without_losing_text(store):
    from widgets.apps.kit_form import KitApp

    app = KitApp(store, trusted=True)
    app.start.value = "bank"
    app.load("bank")
    assert app.save() is None and "falta el texto" in app.problems.children[0].value  # not named yet: nothing saved
    assert store.saved_kits() == []
    app.tables_ui["kit"].rows[0][1]["name_es"].value = "Banco Norte"
    tps = app.tables_ui["touchpoints"]
    tps.add_row()
    tps.rows[-1][1]["name_es"].value = "Encuesta"
    assert app.save() is None
    listed = app.problems.children[0]
    assert "Momentos, fila 8, columna «Nombre (English)»: falta el texto en inglés" in listed.value
    assert "cl-focus-here" in listed._dom_classes
    assert tps.rows[-1][1]["name_es"].value == "Encuesta"  # what was typed is still there
    tps.rows[-1][1]["name_en"].value = "Survey"
    tps.move(7, -1)
    kit = app.save()
    assert kit is not None and [t.name for t in kit.touchpoints("en")][-2:] == ["Survey", kits.shipped("bank").touchpoints("en")[-1].name]
    assert store.kit("banco-norte").data == kit.data
    assert "kit-banco-norte.json" in app.downloads.value and "kit-banco-norte.xlsx" in app.downloads.value
    app.tables_ui["kit"].rows[0][1]["name_es"].value = "Banco Norte Sur"  # an edit, then "Cargar": asked first
    app.load("hotel")
    assert "otra vez" in app.start_notice.message and app.tables()["kit"].loc[0, "name_es"] == "Banco Norte Sur"
    app.load("hotel")
    assert app.tables()["kit"].loc[0, "name_es"] == "" and app.tables()["kit"].loc[0, "based_on"] == "hotel"
    app.load("banco-norte")
    app.show_preview()
    charts = app.preview_box.children[0].children[1:]
    assert len(charts) == 3 and charts[0].figure["layout"]["title"]["text"] == "¿Sale más feliz? (simulado)"


def test_the_form_deletes_an_own_kit_on_a_second_click(store):
    from widgets.apps.kit_form import KitApp

    store.save_kit(kits.build(named()))
    room, _ = store.create_room("Sala", "banco-norte", "es")
    app = KitApp(store, trusted=True)
    app.load("banco-norte")
    app.delete()
    assert store.kit("banco-norte") is not None and "otra vez" in app.start_notice.message
    app.delete()
    assert store.kit("banco-norte") is None and "borrado" in app.start_notice.message
    assert kits.of_room(Store(store.url), room).title("es") == "Banco Norte"  # the room keeps its copy


def test_the_form_needs_the_organiser_on_a_served_page(store, monkeypatch):
    from widgets.apps.kit_form import KitApp
    from widgets.serving.page import Page

    monkeypatch.setenv("VOILA_KERNEL_ID", "k")
    refused = KitApp(store, Page())
    assert not refused.allowed and "enlace de organizador" in refused.children[1].value
    key = store.new_organiser_key()
    assert KitApp(store, Page({"org": key})).allowed
    assert kit_lab.save(named(), store) is None and store.saved_kits() == []  # code does not save on a served page


def test_lab_helpers_load_report_and_save(store, capsys):
    tables = kit_lab.load("hotel", store)
    kit_lab.report(tables)
    assert "El kit tiene 1 problema" in capsys.readouterr().out
    tables["kit"].loc[0, "name_es"] = "Hotel Sol"
    kit = kit_lab.save(tables, store)
    assert kit.id == "hotel-sol" and "guardado" in capsys.readouterr().out
    again = kit_lab.load("hotel-sol", store)
    assert kits.build(again).data == kit.data


# -- the command line ----------------------------------------------------------------------------------
def test_cli_lists_exports_validates_and_imports(tmp_path, monkeypatch, capsys):
    from widgets.cli import EXIT_REFUSED, main

    monkeypatch.setenv("CLIENTELITIS_VAR", str(tmp_path / "var"))
    monkeypatch.delenv("CLIENTELITIS_DB_URL", raising=False)
    assert main(["kit", "list"]) == 0
    assert "bank " in capsys.readouterr().out
    good = tmp_path / "norte.xlsx"
    good.write_bytes(kit_files.to_xlsx(kits.build(named())))
    assert main(["kit", "validate", str(good)]) == 0
    assert "OK: banco-norte" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(dict(json.loads(kits.build(named()).to_json()), version=9)))
    assert main(["kit", "import", str(bad)]) == EXIT_REFUSED
    assert "comes from a newer version" in capsys.readouterr().err
    assert main(["kit", "import", str(good)]) == 0
    assert main(["kit", "import", str(good)]) == EXIT_REFUSED
    assert "use --replace" in capsys.readouterr().err
    assert main(["kit", "import", str(good), "--replace"]) == 0
    out = tmp_path / "out"
    out.mkdir()
    assert main(["kit", "export", "banco-norte", "--format", "json", "--out", str(out)]) == 0
    assert kit_files.read("x.json", (out / "kit-banco-norte.json").read_bytes()).data == kits.build(named()).data
    capsys.readouterr()
    assert main(["kit", "list"]) == 0
    assert capsys.readouterr().out.count("banco-norte") == 1
    assert main(["create", "Sala Norte", "--kit", "banco-norte"]) == 0
    assert main(["kit", "delete", "bank"]) == EXIT_REFUSED  # shipped kits stay
    assert main(["kit", "delete", "banco-norte"]) == 0
    assert main(["create", "Sala Norte 2", "--kit", "banco-norte"]) == EXIT_REFUSED
