"""Offline HTML reports: the whole room for management, a team's designed experience, the sacred-cow plan.

One file each, readable by someone who never saw the workshop: what each workshop asked, what the room found,
its charts and its tables, in the room's language. Charts are drawn by one inlined copy of our partial plotly.js
(``static/clientelitis-report.js``, built from ``frontend/src/report.js``; 1.3 MB instead of the 4.6 MB of the
whole library), each from its figure written in the page as JSON. Participant text is escaped everywhere (HTML,
Plotly labels, MathJax); an anonymous room's report names nobody.
"""

from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd

from widgets.workshops.clientelitis import model as C
from widgets.workshops.clientes import model as clientes
from widgets.workshops.feliz import model as feliz
from widgets.kits import model as kits
from widgets.workshops.vacas import model as vacas
from widgets.workshops.varita import model as varita
from widgets.ui.chartwidget import plain
from widgets.workshops.clientes.charts import category_happiness, internal_external
from widgets.workshops.vacas.charts import cow_leaderboard, cow_matrix, who_donut
from widgets.workshops.varita.charts import emotion_curve, fans_gauge, gain_dumbbell, ideas_matrix
from widgets.workshops.feliz.charts import happiness_dumbbell
from widgets.workshops.clientelitis.charts import waves_chart
from widgets.export import Snapshot, _when, action_plan_sheet
from widgets.room.store import Room, Store
from widgets.ui.text import esc
from widgets.serving.voila_template import SOURCE

#: The report's chart code, inlined once per report.
SCRIPT = SOURCE / "static" / "clientelitis-report.js"
STYLE = """body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#1d1d1f;font-size:18px;line-height:1.45}h1{font-size:2rem}h2{font-size:1.6rem;margin-top:2em;
border-bottom:3px solid #0072B2;padding-bottom:.2em}h3{font-size:1.25rem;margin-top:1.4em}
table{border-collapse:collapse;margin:.8em 0;max-width:100%}td,th{border:1px solid #bbb;padding:4px 10px;
text-align:left;vertical-align:top}th{background:#eef5fb}.worse{background:#fdf0e8;border-left:6px solid #D55E00;
padding:8px 14px}.note{color:#444}.chart{width:100%;min-height:320px}nav ol{columns:2}
@media print{.chart{break-inside:avoid}}"""


@lru_cache(maxsize=1)
def _script() -> str:
    return SCRIPT.read_text(encoding="utf-8")


class Page:
    """An HTML page under construction: sections, tables and charts (figures kept for the script)."""

    def __init__(self, title: str, lang: str):
        self.title, self.lang = title, lang
        self.parts: list[str] = []
        self.charts = 0

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def chart(self, figure, label: str) -> None:
        """A chart: a named box, and its figure as JSON (``<`` escaped: no text of it can close the script)."""
        self.charts += 1
        box = f"chart-{self.charts}"
        data = json.dumps(plain(figure), ensure_ascii=False).replace("<", "\\u003c")
        self.add(f"<div class='chart' id='{box}' role='img' aria-label='{esc(label)}'></div>"
                 f"<script type='application/vnd.clientelitis.figure+json' data-for='{box}'>{data}</script>")

    def table(self, df: pd.DataFrame, empty: str) -> None:
        if df.empty:
            self.add(f"<p class='note'>{esc(empty)}</p>")
        else:
            # escaped by pandas, and "$" made inert as everywhere else (no MathJax reads it, even if one is added)
            self.add(df.to_html(index=False, escape=True, na_rep="–", border=0).replace("$", "&#36;"))

    def html(self) -> str:
        return (f"<!doctype html>\n<html lang='{esc(self.lang)}'><head><meta charset='utf-8'>"
                f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{esc(self.title)}</title>"
                f"<style>{STYLE}</style></head><body>{''.join(self.parts)}"
                f"<script>{_script()}</script></body></html>")


def _items(texts: list[str], empty: str) -> str:
    if not texts:
        return f"<p class='note'>{esc(empty)}</p>"
    return "<ul>" + "".join(f"<li>{esc(t)}</li>" for t in texts) + "</ul>"


def feliz_section(p: Page, s: Snapshot) -> None:
    tr = s.tr
    df = s.of(feliz.EXERCISE)
    summary = feliz.summarize(df, s.journey)
    p.add(f"<p>{esc(tr('report.feliz_what'))}</p>")
    if df.empty:
        p.add(f"<p class='note'>{esc(tr('report.no_answers'))}</p>")
        return
    total, count = feliz.net_change(summary)
    if count:  # the mean per moment, as the waves compare it
        p.add(f"<p>{esc(tr('report.net', mean=f'{total / count:+.1f}', count=count))}</p>")
    worse = [f"{r.label}: {r.enter_mean:.1f} → {r.leave_mean:.1f}" for r in summary[summary["worse"]].itertuples()]
    p.add(f"<div class='worse'><b>{esc(tr('feliz.worse_title'))}</b>{_items(worse, tr('report.none_worse'))}</div>")
    p.chart(happiness_dumbbell(summary, tr, title=tr("feliz.room_chart"), spread=True), tr("feliz.room_chart"))
    p.table(pd.DataFrame({tr("export.col.item"): summary["label"], tr("export.col.n"): summary["n"],
                          tr("export.col.enter"): summary["enter_mean"].round(1),
                          tr("export.col.leave"): summary["leave_mean"].round(1),
                          tr("export.col.delta"): summary["delta"].round(1)}), tr("report.nothing"))
    ideas = feliz.ideas(df, include_hidden=False)
    p.add(f"<h3>{esc(tr('feliz.wall_title'))}</h3>{_items(list(ideas['text']), tr('report.nothing'))}")


def varita_section(p: Page, s: Snapshot) -> None:
    tr = s.tr
    df = s.of(varita.EXERCISE)
    p.add(f"<p>{esc(tr('report.varita_what'))}</p>")
    if df.empty:
        p.add(f"<p class='note'>{esc(tr('report.no_answers'))}</p>")
        return
    room_table = varita.design(varita.journey_from_template(s.journey), df)
    p.chart(emotion_curve(room_table, tr, title=tr("varita.chart.curve_title_for", who=tr("varita.fac_room"))),
            tr("varita.chart.curve_title"))
    for team, journey in s.journeys.items():
        team_rows = df[df["team"] == team]
        table = varita.design(journey, team_rows)
        p.add(f"<h3>{esc(tr('report.team', team=team))}</h3>")
        p.add(f"<p><b>{esc(tr('report.journey'))}:</b> {esc(' → '.join(tp.get('name', '') for tp in journey))}</p>")
        p.table(pd.DataFrame({tr("export.col.item"): table["label"], tr("varita.chosen"): table["idea"].replace("", "–"),
                              tr("varita.votes"): table["votes"], tr("export.col.leave"): table["leave"].round(1),
                              tr("report.designed"): table["designed"].round(1)}), tr("report.nothing"))
        if table["idea"].astype(bool).any():
            p.chart(gain_dumbbell(table, tr, title=tr("varita.chart.gain_title")), tr("varita.chart.gain_title"))
    totals = varita.vote_totals(df)
    idea_list = [i for i in varita.ideas(df) if not i.hidden]
    if idea_list:
        p.chart(ideas_matrix(idea_list, totals, tr, title=tr("varita.chart.matrix_title"), quick_win=varita.quick_win),
                tr("varita.chart.matrix_title"))
    best = sorted(idea_list, key=lambda i: (-totals.get(i.key, 0), -i.delight, i.effort))
    p.add(f"<h3>{esc(tr('varita.fac_top'))}</h3>")
    p.table(pd.DataFrame({tr("export.col.team"): [i.team for i in best], tr("export.col.idea"): [i.text for i in best],
                          tr("varita.votes"): [totals.get(i.key, 0) for i in best]}), tr("report.nothing"))


def vacas_section(p: Page, s: Snapshot) -> None:
    tr = s.tr
    table = s.herd_table
    plan = vacas.action_plan(table, s.room.state.get("verdicts", {}))
    p.add(f"<p>{esc(tr('report.vacas_what'))}</p>")
    p.add(f"<p>{esc(tr('vacas.report_meta', cows=tr('count.cows', n=len(table)), n=len(plan)))}</p>")
    p.add(f"<h3>{esc(tr('vacas.plan_title'))}</h3>")
    p.table(action_plan_sheet(plan, tr), tr("vacas.plan_empty"))
    if not table.empty:
        p.chart(cow_leaderboard(table, tr, title=tr("vacas.chart.leaderboard")), tr("vacas.chart.leaderboard"))
        p.chart(cow_matrix(table, tr, title=tr("vacas.chart.matrix"), in_zone=vacas.exterminate_zone), tr("vacas.chart.matrix"))
        p.chart(who_donut(table, tr), tr("vacas.who_label"))
    p.add(f"<h3>{esc(tr('vacas.wall_title'))}</h3>")
    p.table(pd.DataFrame({tr("vacas.col.cow"): table["name"], tr("export.col.rule"): table["rule"],
                          tr("vacas.col.hunters"): table["hunters"], tr("vacas.col.votes"): table["votes"],
                          tr("export.col.harm"): table["harm"].round(1), tr("export.col.value"): table["value"].round(1)}),
            tr("vacas.no_herd"))


def clientes_section(p: Page, s: Snapshot) -> None:
    tr = s.tr
    rels = clientes.relationships(s.of(clientes.EXERCISE))
    visible = rels[~rels["hidden"].astype(bool)]
    table = clientes.by_category(visible, len(s.people))
    p.add(f"<p>{esc(tr('report.clientes_what'))}</p>")
    if visible.empty:
        p.add(f"<p class='note'>{esc(tr('report.no_answers'))}</p>")
        return
    p.chart(category_happiness(table, tr, title=tr("clientes.chart.happiness_title")), tr("clientes.chart.happiness_title"))
    p.chart(internal_external(visible, tr), tr("clientes.chart.share_title"))
    gone = clientes.forgotten(table)
    if gone and len(s.people):
        p.add(f"<p>{esc(tr('clientes.forgotten', cats=', '.join(tr(f'clientes.cat.{c}') for c in gone)))}</p>")
    p.add(f"<h3>{esc(tr('clientes.least_title'))}</h3>")
    least = clientes.least_happy(visible)
    p.add(_items([f"{r.who} ({tr('clientes.cat.' + r.category)}): {r.better}" for r in least.itertuples(index=False)],
                 tr("report.nothing")))


def clientelitis_section(p: Page, s: Snapshot) -> None:
    from widgets.workshops.clientelitis.view import _warning, month_label, radar, wave_basis, wave_chain, wave_note, wave_of

    tr = s.tr
    df = s.of(C.EXERCISE)
    skills = C.skills_table(df, s.kit.skills)
    summary = C.skills_summary(skills)
    p.add(f"<p>{esc(tr('report.clientelitis_what'))}</p>")
    p.add(f"<p>{esc(tr('clientelitis.progress', n=len(skills), people=len(s.people)))}</p>")
    if not skills.empty:
        p.chart(radar(s.kit, tr, df, None, title=tr("clientelitis.chart.radar_room")), tr("clientelitis.chart.radar_room"))
    p.table(pd.DataFrame({tr("report.skill"): [s.kit.label("skills", k, tr.lang) for k in summary["skill"]],
                          tr("clientelitis.chart.mean"): summary["mean"].round(1), tr("export.col.n"): summary["n"]}),
            tr("report.nothing"))
    p.add(f"<h3>{esc(tr('clientelitis.plans_title'))}</h3>")
    teams = sorted(set(s.people["team"]), key=str.casefold)
    for team in teams:
        plan = s.plans.get(team, [])
        events = [f"{month_label(e['month'], s.room.lang)}: {e['title']}" for e in plan]
        warnings = [_warning(tr, k, kw) for k, kw in C.plan_warnings(plan, teams, pd.Timestamp.today().date())]
        # an empty plan is said once, by its warning
        p.add(f"<p><b>{esc(team)}</b></p>" + (_items(events, "") if events else "")
              + (f"<div class='worse'>{_items(warnings, '')}</div>" if warnings else ""))
    cands = C.candidates(df, s.kit.traits)
    p.add(f"<h3>{esc(tr('clientelitis.hiring_title'))}</h3>")
    p.table(pd.DataFrame({tr("clientelitis.candidate"): cands["candidate"], tr("clientelitis.score"): cands["score"].round(1),
                          tr("clientelitis.verdict"): [tr(f"clientelitis.verdict.{v}") for v in cands["verdict"]]}),
            tr("clientelitis.no_candidates"))
    chain = wave_chain(s.store, s.room)
    basis = wave_basis(s.store, chain, s.room.lang)
    waves = [(r.name, wave_of(s.store, r, basis=basis)) for r in chain]
    p.add(f"<h3>{esc(tr('clientelitis.waves_title'))}</h3>")
    if wave_note(tr, basis):
        p.add(f"<p class='worse'>{esc(wave_note(tr, basis))}</p>")
    if len(waves) > 1:
        p.chart(waves_chart(waves, tr, title=tr("clientelitis.chart.waves")), tr("clientelitis.chart.waves"))
    p.table(pd.DataFrame({tr("export.col.wave"): [w for w, _ in waves],
                          tr("clientelitis.chart.skills_mean"): [round(m["skills_mean"], 1) for _, m in waves],
                          tr("clientelitis.chart.happiness_delta"): [round(m["happiness_delta"], 1) for _, m in waves],
                          tr("clientelitis.chart.cows_gone"): [m["cows_gone"] for _, m in waves]}), tr("report.nothing"))


def html_report(store: Store, room: Room) -> str:
    """The whole room on one self-contained page (opens offline) for someone who never saw the workshop."""
    s = Snapshot(store, room)
    tr = s.tr
    p = Page(tr("report.title", room=room.name), room.lang)
    p.add(f"<h1>{esc(tr('report.title', room=room.name))}</h1>")
    p.add(f"<p>{esc(tr('report.meta', industry=kits.of_room(store, room).title(room.lang), people=tr('count.participants', n=len(s.people)), date=_when(room.created_at)[:10]))}</p>")
    p.add(f"<p class='note'>{esc(tr('report.anonymous' if not s.named else 'report.named'))}</p>")
    from widgets.workshops.registry import EXERCISES

    sections = [(ex.id, ex.title_key, ex.report) for ex in EXERCISES.values()]  # the agenda's order
    p.add("<nav><ol>" + "".join(f"<li><a href='#{a}'>{esc(tr(k))}</a></li>" for a, k, _ in sections) + "</ol></nav>")
    for anchor, title, build in sections:
        p.add(f"<section id='{anchor}'><h2>{esc(tr(title))}</h2>")
        build(p, s)
        p.add("</section>")
    p.add(f"<p><small>{esc(tr('report.footer'))}</small></p>")
    return p.html()


def team_design_html(store: Store, room: Room, team: str) -> str:
    """The team's designed experience on one self-contained page (charts work offline)."""
    s = Snapshot(store, room)
    tr = s.tr
    team_rows = s.of(varita.EXERCISE)
    team_rows = team_rows[team_rows["team"] == team]
    journey = s.journeys.get(team) or varita.journey_from_template(s.journey)
    table = varita.design(journey, team_rows)
    totals = varita.vote_totals(team_rows)
    p = Page(tr("varita.report_title", team=team), room.lang)
    p.add(f"<h1>{esc(tr('varita.report_title', team=team))}</h1>")
    p.add(f"<p>{esc(tr('varita.report_meta', room=room.name, industry=kits.of_room(store, room).title(room.lang)))}</p>")
    p.table(pd.DataFrame({tr("export.col.item"): table["label"], tr("varita.chosen"): table["idea"].replace("", "–"),
                          tr("varita.votes"): table["votes"],
                          tr("varita.leave_change"): [f"{_n(a)} → {_n(b)}" for a, b in zip(table["leave"], table["designed"])]}),
            tr("report.nothing"))
    p.chart(fans_gauge(varita.fans_share(table, "leave"), varita.fans_share(table, "designed"), tr), tr("varita.chart.fans"))
    p.chart(emotion_curve(table, tr, title=tr("varita.chart.curve_title")), tr("varita.chart.curve_title"))
    p.chart(gain_dumbbell(table, tr, title=tr("varita.chart.gain_title")), tr("varita.chart.gain_title"))
    p.chart(ideas_matrix([i for i in varita.ideas(team_rows) if not i.hidden], totals, tr,
                         title=tr("varita.chart.matrix_title"), quick_win=varita.quick_win), tr("varita.chart.matrix_title"))
    p.add(f"<p><small>{esc(tr('report.footer'))}</small></p>")
    return p.html()


def _n(v: float) -> str:
    return "–" if pd.isna(v) else f"{v:.1f}"


def cows_html(store: Store, room: Room) -> str:
    """One page for management: the kill list with owners and dates, and the hunt's charts (offline)."""
    s = Snapshot(store, room)
    tr = s.tr
    p = Page(tr("vacas.report_title", room=room.name), room.lang)
    p.add(f"<h1>{esc(tr('vacas.report_title', room=room.name))}</h1>")
    share = vacas.colleague_share(s.herd_table)
    if share is not None:
        said = tr("vacas.colleague_none") if round(100 * share) == 0 else tr("vacas.colleague_share", pct=round(100 * share))
        p.add(f"<p>{esc(said)}</p>")
    vacas_section(p, s)
    p.add(f"<p><small>{esc(tr('report.footer'))}</small></p>")
    return p.html()
