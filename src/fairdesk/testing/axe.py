"""axe-core (vendored under testing/vendor/axe-core, MPL-2.0) run in a page a browser test drives.

The site's Content-Security-Policy allows no inline script, so axe is not added as a <script> tag:
Playwright's `page.evaluate` runs its source through the DevTools protocol, which the page's policy does not
govern. The file is test tooling only and is never under a static directory."""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

_RUN = """async (impacts) => {
  const result = await window.axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
    preload: false,  // its CSSOM preload writes <style> elements, which the page's CSP reports
  });
  return result.violations.filter(v => impacts.includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""


@cache
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page, impacts: tuple[str, ...] = BLOCKING) -> list[dict]:
    """The page's accessibility violations of these impacts: [{"id", "impact", "help", "nodes"}]."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate(_RUN, list(impacts))


def axe_summary(url: str, violations: list[dict]) -> list[str]:
    return [f"{url} {v['impact']} {v['id']}: {', '.join(v['nodes'])}" for v in violations]
