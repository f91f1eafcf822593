"""axe-core in the browser tests: every page and state they visit is audited against WCAG 2.2 AA.

axe-core is pinned in ``frontend/package.json`` and copied here by the front end's build
(``tests/vendor/axe.min.js``, with its licence), so running the tests needs no Node.js. ``assert_accessible``
injects it once per page, runs the WCAG A/AA rules of 2.0, 2.1 and 2.2 on the whole document and fails with
the rule, the element and the page of each violation.
"""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
#: The rules of the conformance target (WCAG 2.2 AA, which includes 2.0 and 2.1 A and AA).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                                         why: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 240)}))}));
}"""


def violations(page) -> list[dict]:
    """axe-core's violations of the WCAG 2.2 AA rules on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate(_RUN, TAGS)


def report(found: list[dict], where: str) -> str:
    lines = []
    for v in found:
        lines.append(f"[{v['id']}] ({v['impact']}) {v['help']} on {where}")
        lines += [f"    {n['target']}: {n['html']}\n      {n['why']}" for n in v["nodes"]]
    return "\n".join(lines)


def assert_accessible(page, where: str) -> None:
    """Fail with every violation's rule, element and page."""
    found = violations(page)
    assert not found, "axe-core found WCAG 2.2 AA violations:\n" + report(found, f"{where} ({page.url})")
