"""Exports of a room at any time: CSV, XLSX, a one-file HTML report, and a results file to import elsewhere.

Every text cell of CSV/XLSX goes through :func:`widgets.text.cell_safe` (formula injection neutralised).
The results file (JSON) carries the room's participants and answers, so a team that ran a room on Binder
can resume it later or merge it into a facilitator's room.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
from typing import Any

import pandas as pd
import plotly.io as pio

from . import feliz
from .charts import happiness_dumbbell
from .i18n import Translator
from .journeys import industry_name, touchpoints
from .store import NAME_MAX, Room, Store, StoreError
from .text import cell_safe, esc, is_blank, text_key

BUNDLE_FORMAT = "clientelitis-results"
BUNDLE_VERSION = 1


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S")


def tables(store: Store, room: Room) -> dict[str, pd.DataFrame]:
    """The room as plain tables: participants, every answer (one row each), and the happiness summary."""
    tr = Translator(room.lang)
    people = store.participants(room.id)
    people_out = pd.DataFrame(
        {
            tr("export.col.name"): people["name"],
            tr("export.col.team"): people["team"],
            tr("export.col.joined"): [_when(t) for t in people["joined_at"]],
        }
    )
    journey = touchpoints(room.industry, room.lang)
    labels = {tp.id: tp.name for tp in journey}
    answers = store.responses(room.id)
    rows = []
    for rec in answers.itertuples(index=False):
        value = rec.value if isinstance(rec.value, dict) else {"value": rec.value}
        row = {
            tr("export.col.name"): rec.name,
            tr("export.col.team"): rec.team,
            tr("export.col.exercise"): tr(f"{rec.exercise}.title") if rec.exercise == feliz.EXERCISE else rec.exercise,
            tr("export.col.item"): tr("feliz.idea_title") if rec.item == feliz.IDEA_ITEM else labels.get(rec.item, rec.item),
        }
        for k, v in value.items():
            row[tr(f"export.col.{k}") if k in ("enter", "leave", "text") else k] = v
        row[tr("export.col.hidden")] = tr("export.yes") if rec.hidden else ""
        row[tr("export.col.updated")] = _when(rec.updated_at)
        rows.append(row)
    answers_out = pd.DataFrame(rows)
    summary = feliz.summarize(store.responses(room.id, feliz.EXERCISE), journey)
    summary_out = pd.DataFrame(
        {
            tr("export.col.item"): summary["label"],
            tr("export.col.n"): summary["n"],
            tr("export.col.enter"): summary["enter_mean"].round(2),
            tr("export.col.leave"): summary["leave_mean"].round(2),
            tr("export.col.delta"): summary["delta"].round(2),
        }
    )
    team_rows = []
    for r in store.team_items(room.id).itertuples(index=False):
        value = r.value
        if r.item == "journey" and isinstance(value, list):
            value = " → ".join(str(tp.get("name", "")) for tp in value if isinstance(tp, dict))
        elif not isinstance(value, str):
            value = json.dumps(value, ensure_ascii=False)
        team_rows.append({tr("export.col.team"): r.team, tr("export.col.exercise"): r.exercise,
                          tr("export.col.item"): r.item, tr("export.col.text"): value,
                          tr("export.col.updated"): _when(r.updated_at)})
    return {
        tr("export.sheet.participants"): people_out,
        tr("export.sheet.answers"): answers_out,
        tr("export.sheet.summary"): summary_out,
        tr("export.sheet.teams"): pd.DataFrame(team_rows),
    }


def _safe(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):  # pandas 3: "str"
            out[col] = out[col].map(cell_safe)
    out.columns = [cell_safe(c) for c in out.columns]
    return out


def to_csv(df: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark (so spreadsheet programs read accents right) and CRLF line ends
    (RFC 4180): the writer then quotes every cell holding a CR, which would otherwise start a new row (and a
    row starting with ``=`` is a formula again)."""
    return _safe(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, df in sheets.items():
            _safe(df).to_excel(writer, sheet_name=name[:31], index=False)
    return buf.getvalue()


def html_report(store: Store, room: Room) -> str:
    """One self-contained HTML page (Plotly inlined: opens offline) for someone who never saw the workshop."""
    tr = Translator(room.lang)
    journey = touchpoints(room.industry, room.lang)
    responses = store.responses(room.id, feliz.EXERCISE)
    summary = feliz.summarize(responses, journey)
    fig = happiness_dumbbell(summary, tr, title=tr("feliz.room_chart"), spread=True)
    chart = pio.to_html(fig, include_plotlyjs=True, full_html=False, config={"displaylogo": False})
    people = store.participants(room.id)
    worse = summary[summary["worse"]]
    total, count = feliz.net_change(summary)
    worse_items = "".join(
        f"<li><b>{esc(r.label)}</b>: {r.enter_mean:.1f} → {r.leave_mean:.1f}</li>" for r in worse.itertuples()
    ) or f"<li>{esc(tr('report.none_worse'))}</li>"
    table = tables(store, room)[tr("export.sheet.summary")].to_html(index=False, na_rep="–", escape=True)
    return f"""<!doctype html>
<html lang="{room.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(tr('report.title', room=room.name))}</title>
<style>body{{font-family:system-ui,Segoe UI,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#1d1d1f;font-size:18px}} table{{border-collapse:collapse}} td,th{{border:1px solid #ccc;padding:4px 10px}}
.worse{{background:#fdf0e8;border-left:6px solid #D55E00;padding:8px 14px}}</style></head><body>
<h1>{esc(tr('report.title', room=room.name))}</h1>
<p>{esc(tr('report.meta', industry=industry_name(room.industry, room.lang), people=tr('count.participants', n=len(people)),
               date=_when(room.created_at)[:10]))}</p>
<h2>{esc(tr('feliz.title'))}</h2>
<p>{esc(tr('report.net', total=f"{total:+.1f}", count=count))}</p>
<div class="worse"><b>{esc(tr('feliz.worse_title'))}</b><ul>{worse_items}</ul></div>
{chart}
{table}
<p><small>{esc(tr('report.footer'))}</small></p>
</body></html>"""


def bundle(store: Store, room: Room) -> dict[str, Any]:
    """Everything needed to recreate the room's answers elsewhere (no keys, no tokens)."""
    people = store.participants(room.id)
    answers = store.responses(room.id)
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "room": {"name": room.name, "industry": room.industry, "lang": room.lang, "code": room.code},
        "participants": [
            {"ref": int(r.id), "name": r.name, "team": r.team} for r in people.itertuples(index=False)
        ],
        "responses": [
            {"ref": int(r.participant_id), "exercise": r.exercise, "item": r.item, "value": r.value,
             "hidden": bool(r.hidden)}
            for r in answers.itertuples(index=False)
        ],
    }


def bundle_bytes(store: Store, room: Room) -> bytes:
    return json.dumps(bundle(store, room), ensure_ascii=False, indent=1).encode("utf-8")


def read_bundle(raw: bytes) -> dict[str, Any]:
    """Parse and check a results file; raises StoreError('import.bad_file') when it is not one."""
    try:
        data = json.loads(raw.decode("utf-8"))
        ok = data.get("format") == BUNDLE_FORMAT and isinstance(data.get("participants"), list)
        ok = ok and isinstance(data.get("responses"), list)
    except (UnicodeDecodeError, ValueError, AttributeError):
        ok = False
    if not ok:
        raise StoreError("import.bad_file")
    return data


def import_bundle(store: Store, room: Room, data: dict[str, Any]) -> tuple[int, int]:
    """Merge a results file into ``room``: participants are added (a name already taken there gets the
    source room's code appended), answers are copied. Returns (participants, answers) imported."""
    source = html.unescape(str(data.get("room", {}).get("code", "")))[:8] or "import"
    existing = {text_key(n) for n in store.participants(room.id)["name"]}
    mapping = {}
    for person in data["participants"]:
        name = str(person.get("name", ""))  # names travel exactly as they were typed
        name = "?" if is_blank(name) else name
        if text_key(name) in existing:
            suffix = f" ({source})"
            name = name[: NAME_MAX - len(suffix)] + suffix
        team = str(person.get("team", ""))
        joined, _token = store.join(room, name, "-" if is_blank(team) else team)
        existing.add(text_key(joined.name))
        mapping[person.get("ref")] = joined
    count = 0
    to_hide = set()
    for answer in data["responses"]:
        person = mapping.get(answer.get("ref"))
        if person is None:
            continue
        store.save_response(person, str(answer["exercise"]), str(answer["item"]), answer.get("value"))
        if answer.get("hidden"):
            to_hide.add((person.id, str(answer["exercise"]), str(answer["item"])))
        count += 1
    if to_hide:  # moderation travels with the answers
        for r in store.responses(room.id).itertuples(index=False):
            if (r.participant_id, r.exercise, r.item) in to_hide:
                store.set_hidden(room.id, int(r.id))
    return len(mapping), count


def team_design_html(store: Store, room: Room, team: str) -> str:
    """The team's designed experience on one self-contained page (charts work offline)."""
    from . import varita
    from .charts import emotion_curve, fans_gauge, gain_dumbbell, ideas_matrix
    from .varita_view import team_journey

    tr = Translator(room.lang)
    responses = store.responses(room.id, varita.EXERCISE)
    team_rows = responses[responses["team"] == team]
    journey = team_journey(store, room, team)
    table = varita.design(journey, team_rows)
    totals = varita.vote_totals(team_rows)
    figures = [
        fans_gauge(varita.fans_share(table, "leave"), varita.fans_share(table, "designed"), tr),
        emotion_curve(table, tr, title=tr("varita.chart.curve_title")),
        gain_dumbbell(table, tr, title=tr("varita.chart.gain_title")),
        ideas_matrix([i for i in varita.ideas(team_rows) if not i.hidden], totals, tr,
                     title=tr("varita.chart.matrix_title"), quick_win=varita.quick_win),
    ]
    charts = "".join(
        pio.to_html(f, include_plotlyjs=(k == 0), full_html=False, config={"displaylogo": False})
        for k, f in enumerate(figures)
    )
    rows = "".join(
        f"<tr><td>{esc(r.label)}</td><td>{esc(r.idea) if r.idea else '–'}</td><td>{r.votes}</td>"
        f"<td>{'–' if pd.isna(r.leave) else f'{r.leave:.1f}'} → {'–' if pd.isna(r.designed) else f'{r.designed:.1f}'}</td></tr>"
        for r in table.itertuples(index=False)
    )
    return f"""<!doctype html>
<html lang="{room.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(tr('varita.report_title', team=team))}</title>
<style>body{{font-family:system-ui,Segoe UI,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#1d1d1f;font-size:18px}} table{{border-collapse:collapse}} td,th{{border:1px solid #ccc;padding:4px 10px}}</style>
</head><body>
<h1>{esc(tr('varita.report_title', team=team))}</h1>
<p>{esc(tr('varita.report_meta', room=room.name, industry=industry_name(room.industry, room.lang)))}</p>
<table><tr><th>{esc(tr('export.col.item'))}</th><th>{esc(tr('varita.chosen'))}</th><th>{esc(tr('varita.votes'))}</th>
<th>{esc(tr('varita.leave_change'))}</th></tr>{rows}</table>
{charts}
<p><small>{esc(tr('report.footer'))}</small></p>
</body></html>"""


def action_plan_sheet(plan: pd.DataFrame, tr: Translator) -> pd.DataFrame:
    """The sacred-cow action plan as a table for CSV/XLSX, with translated headers and decisions."""
    return pd.DataFrame({
        tr("vacas.col.cow"): plan["name"],
        tr("vacas.col.decision"): [tr(f"vacas.decision.{d}") for d in plan["decision"]],
        tr("vacas.col.votes"): plan["votes"],
        tr("vacas.col.hunters"): plan["hunters"],
        tr("vacas.col.owner"): plan["owner"],
        tr("vacas.col.step"): plan["step"],
        tr("vacas.col.due"): plan["due"],
        tr("vacas.reason"): plan["reason"],
    })


def cows_html(store: Store, room: Room) -> str:
    """One page for management: the kill list with owners and dates, and the hunt's charts (offline)."""
    from . import vacas
    from .charts import cow_leaderboard, cow_matrix, who_donut

    tr = Translator(room.lang)
    df = store.responses(room.id, vacas.EXERCISE)
    table = vacas.board(vacas.cows(df), room.state.get("herd", {}), df)
    plan = vacas.action_plan(table, room.state.get("verdicts", {}))
    figures = [cow_leaderboard(table, tr, title=tr("vacas.chart.leaderboard")),
               cow_matrix(table, tr, title=tr("vacas.chart.matrix"), in_zone=vacas.exterminate_zone),
               who_donut(table, tr)]
    charts = "".join(pio.to_html(f, include_plotlyjs=(k == 0), full_html=False, config={"displaylogo": False})
                     for k, f in enumerate(figures))
    plan_html = action_plan_sheet(plan, tr).to_html(index=False, escape=True, na_rep="")
    share = vacas.colleague_share(table)
    return f"""<!doctype html>
<html lang="{room.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(tr('vacas.report_title', room=room.name))}</title>
<style>body{{font-family:system-ui,Segoe UI,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#1d1d1f;font-size:18px}} table{{border-collapse:collapse}} td,th{{border:1px solid #ccc;padding:4px 10px}}</style>
</head><body>
<h1>{esc(tr('vacas.report_title', room=room.name))}</h1>
<p>{esc(tr('vacas.report_meta', cows=tr('count.cows', n=len(table)), n=len(plan)))}</p>
<p>{esc(tr('vacas.colleague_share', pct=round(100 * share))) if share is not None else ''}</p>
<h2>{esc(tr('vacas.plan_title'))}</h2>
{plan_html}
{charts}
<p><small>{esc(tr('report.footer'))}</small></p>
</body></html>"""
