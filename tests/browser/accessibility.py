"""axe-core, vendored (tests/browser/vendor/axe-core, MPL-2.0), run in a signed-in page:
the serious and critical violations of WCAG 2.2 A and AA, each as one readable line."""

from functools import cache
from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# The rules of the levels the product promises (WCAG 2.2 AA), and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = {"serious", "critical"}


@cache
def _source() -> str:
    return AXE.read_text()


def violations(page) -> list[str]:
    """The page's serious and critical violations: rule, impact, and the first nodes.

    Evaluated through the browser's debugging protocol, which the page's
    Content-Security-Policy (no inline scripts) does not govern."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']}).then(r => r.violations.map(v => ({id: v.id,"
        " impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))",
        TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(v['nodes'][:4])}"
        + (f" and {len(v['nodes']) - 4} more" if len(v["nodes"]) > 4 else "")
        for v in found
        if v["impact"] in BLOCKING
    ]
