"""A kit as one file: JSON (``.json``) or a workbook with one sheet per table (``.xlsx``), both round-trip exact.

Reading is defensive: a file over :data:`MAX_BYTES` (or a workbook that unpacks to more than
:data:`MAX_UNPACKED`), one that is not a kit, one from a newer version, or one with any bad row is refused as a
whole with a :class:`~widgets.kits.model.KitError` naming what is wrong and where. Texts are written to a workbook as
text cells, never as formulas, so a text that starts with ``=`` stays inert and comes back exactly as typed.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import replace
from typing import Any

import pandas as pd

from widgets.i18n import LANGUAGES
from widgets.kits.model import COLUMNS, FORMAT, VERSION, Kit, KitError, NotText, Problem, build, to_tables

MAX_BYTES = 2_000_000
MAX_UNPACKED = 20_000_000
#: The first sheet of a workbook: what the file is, so a workbook of some other kind is recognised.
ABOUT = "about"


#: OOXML writes characters XML cannot keep (a carriage return) as ``_xHHHH_``; a text that holds such a
#: sequence itself has its underscore written as ``_x005F_``. Done here both ways so a text comes back exactly.
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _cell_text(text: str) -> str:
    return re.sub(r"_(?=x[0-9A-Fa-f]{4}_)", "_x005F_", text).replace("\r", "_x000D_")


def _read_text(value):
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), value) if isinstance(value, str) else value


def _too_large(size: int, limit: int) -> KitError:
    return KitError([Problem("file", "kit.file.too_large", kwargs={"size": f"{size / 1e6:.1f} MB",
                                                                   "max": f"{limit / 1e6:.0f} MB"})])


def _malformed(detail: str) -> KitError:
    return KitError([Problem("file", "kit.file.malformed", kwargs={"detail": detail})])


# -- JSON -----------------------------------------------------------------------------------------------
def to_json(kit: Kit) -> bytes:
    return kit.to_json().encode("utf-8")


def from_json(raw: bytes | str, **kwargs: Any) -> Kit:
    if len(raw) > MAX_BYTES:
        raise _too_large(len(raw), MAX_BYTES)
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        data = json.loads(text)
    except UnicodeDecodeError:
        raise _malformed("UTF-8") from None
    except json.JSONDecodeError as exc:
        raise KitError([Problem("file", "kit.file.json", kwargs={"line": exc.lineno, "col": exc.colno})]) from None
    except RecursionError:
        raise _malformed("JSON") from None
    problems = header_problems(data)
    if problems:
        raise KitError(problems)
    return build(tables_from_dict(data), **kwargs)


# -- workbook -------------------------------------------------------------------------------------------
def to_xlsx(kit: Kit) -> bytes:
    """One sheet per table (header row, then one row per item), after an ``about`` sheet with the format."""
    from openpyxl import Workbook

    book = Workbook()
    about = book.active
    about.title = ABOUT
    for row in (("format", FORMAT), ("version", VERSION)):
        about.append(row)
    for name, frame in to_tables(kit).items():
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        for record in frame.itertuples(index=False):
            sheet.append([None] * len(record))
            for col, value in enumerate(record, start=1):
                cell = sheet.cell(row=sheet.max_row, column=col)
                if isinstance(value, bool):
                    cell.value = value
                elif value != "":
                    cell.value = _cell_text(value)
                    cell.data_type = "s"  # text, even when it starts with "=": never a formula
        for col, header in enumerate(frame.columns, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=col).column_letter].width = 12 if header in ("id", "internal") else 32
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def from_xlsx(raw: bytes, **kwargs: Any) -> Kit:
    if len(raw) > MAX_BYTES:
        raise _too_large(len(raw), MAX_BYTES)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise _malformed("XLSX") from None
    if unpacked > MAX_UNPACKED:
        raise _too_large(unpacked, MAX_UNPACKED)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise _malformed(f"XLSX ({type(exc).__name__})") from None
    try:
        sheets = {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}
    finally:
        book.close()
    about = {str(r[0]): r[1] for r in sheets.get(ABOUT, []) if r and r[0] is not None and len(r) > 1}
    version = about.get("version")
    problems = header_problems({"format": about.get("format"),
                                "version": int(version) if isinstance(version, (int, float)) else version})
    if problems:
        raise KitError(problems)
    tables = {}
    for name, cols in COLUMNS.items():
        rows = sheets.get(name)
        if rows is None:
            continue  # reported by build() as a missing table
        header = [str(h) if h is not None else "" for h in (rows[0] if rows else [])]
        records = [dict(zip(header, r)) for r in rows[1:] if any(v not in (None, "") for v in r)]
        frame = pd.DataFrame(records, columns=header or list(cols), dtype=object)
        tables[name] = frame.map(lambda v: "" if v is None else _read_text(v))
    try:
        return build(tables, **kwargs)
    except KitError as exc:  # rows named as the spreadsheet shows them
        raise KitError([replace(p, sheet=True) for p in exc.problems]) from None


def read(name: str, raw: bytes, **kwargs: Any) -> Kit:
    """A kit from a file's name and bytes (``.json`` or ``.xlsx``)."""
    lower = name.lower()
    if lower.endswith(".json"):
        return from_json(raw, **kwargs)
    if lower.endswith(".xlsx"):
        return from_xlsx(raw, **kwargs)
    raise KitError([Problem("file", "kit.file.type")])


def write(kit: Kit, fmt: str) -> tuple[str, bytes]:
    """``(file name, bytes)`` of ``kit`` as ``json`` or ``xlsx``."""
    data = to_json(kit) if fmt == "json" else to_xlsx(kit)
    return f"kit-{kit.id}.{fmt}", data


# -- a kit's JSON form, read defensively ----------------------------------------------------------------
def header_problems(data: Any) -> list[Problem]:
    """Is this a kit at all, and one this version reads?"""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return [Problem("file", "kit.file.not_kit")]
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return [Problem("file", "kit.file.malformed", kwargs={"detail": "version"})]
    if version > VERSION:
        return [Problem("file", "kit.file.newer", kwargs={"found": version, "supported": VERSION})]
    return []


def tables_from_dict(data: dict) -> dict[str, pd.DataFrame]:
    """The tables of a kit's JSON form, read defensively: a value of the wrong kind becomes a problem of its row
    when the tables are built, never an exception here."""

    def texts(value: Any, name: str) -> dict:
        value = value if isinstance(value, dict) else {}
        return {f"{name}_{lang}": _as_text(value.get(lang)) for lang in LANGUAGES}

    def listed(key: str) -> list:
        value = data.get(key)
        return [v for v in value] if isinstance(value, list) else []

    def obj(v: Any) -> dict:
        return v if isinstance(v, dict) else {}

    how = lambda v: ", ".join(_as_text(x) for x in v) if isinstance(v, list) else _as_text(v)  # noqa: E731
    rows = {
        "kit": [{"id": _as_text(data.get("id")), **texts(data.get("name"), "name"),
                 **texts(data.get("customer"), "customer"), "internal": data.get("internal") is True,
                 "based_on": _as_text(data.get("based_on"))}],
        "touchpoints": [{"id": _as_text(obj(t).get("id")), **texts(obj(t).get("name"), "name"),
                         **texts(obj(t).get("hint"), "hint")} for t in listed("touchpoints")],
        "cows": [{**texts(obj(v).get("name"), "name"), **texts(obj(v).get("rule"), "rule"),
                  "kind": _as_text(obj(v).get("kind")), "who": _as_text(obj(v).get("who")), "how": how(obj(v).get("how"))}
                 for v in listed("cows")],
        "prompts": [texts(p, "text") for p in listed("prompts")],
        "skills": [{"id": _as_text(obj(s).get("id")), **texts(obj(s).get("name"), "name"),
                    **texts(obj(s).get("short"), "short")} for s in listed("skills")],
        "traits": [{"id": _as_text(obj(s).get("id")), **texts(obj(s).get("name"), "name")} for s in listed("traits")],
        "flags": [{"id": _as_text(obj(s).get("id")), **texts(obj(s).get("name"), "name")} for s in listed("flags")],
    }
    return {name: pd.DataFrame(rows[name], columns=list(cols), dtype=object) for name, cols in COLUMNS.items()}


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return NotText(json.dumps(value, ensure_ascii=False)[:40])


def from_dict(data: Any, **kwargs: Any) -> Kit:
    """A kit from its JSON form (a file's, a room's copy), checked like tables are."""
    problems = header_problems(data)
    if problems:
        raise KitError(problems)
    return build(tables_from_dict(data), **kwargs)
