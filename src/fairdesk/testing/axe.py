"""axe-core (vendored under testing/vendor/axe-core, MPL-2.0) run in a page a browser test drives.

The site's Content-Security-Policy allows no inline script, so axe is not added as a <script> tag:
Playwright's `page.evaluate` runs its source through the DevTools protocol, which the page's policy does not
govern. The file is test tooling only and is never under a static directory."""

from __future__ import annotations

import contextlib
import logging
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)
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


class AxeWatch:
    """Every page a browser test opens is checked by axe (issue 16): each context made during the test records
    the pages its tabs navigated to with GET; before the context closes, each is opened again in that
    context (same cookies, so the same person; a GET never writes) and audited. A page already audited in
    this session for the same signed-in state is not audited again. Pages that are not HTML (the API, files,
    downloads) are skipped."""

    audited: set[tuple[str, str]] = set()  # (url, cookies' names): across the session

    def __init__(self) -> None:
        self.failures: list[str] = []
        self._contexts: list = []

    def watch(self, context, opener, options: dict | None = None) -> None:
        """Watch `context`; `opener(**options)` makes the auditing context (the browser's own new_context)."""
        visited: list[str] = []
        context._axe_opener, context._axe_options = opener, dict(options or {})

        def on_request(request) -> None:
            if request.is_navigation_request() and request.method == "GET":
                frame = request.frame
                if frame.parent_frame is None:
                    visited.append(request.url.split("#", 1)[0])

        context.on("request", on_request)
        close = context.close

        def audited_close(*args, **kwargs):
            self._audit(context, visited)
            return close(*args, **kwargs)

        context.close = audited_close
        self._contexts.append((context, visited))

    def _audit(self, context, visited: list[str]) -> None:
        pending, visited[:] = list(dict.fromkeys(visited)), []
        if not pending:
            return
        try:
            state = ",".join(sorted(c["name"] for c in context.cookies()))
        except Exception:  # a context the browser already dropped
            return
        todo = []
        for url in pending:
            key = (url, state)
            if key in self.audited or "/api/" in url or not url.startswith("http"):
                continue
            self.audited.add(key)
            todo.append(url)
        if not todo:
            return
        # Audited in a context of its own with the same cookies, locale and viewport, and with JavaScript on
        # (axe is JavaScript; the tested context may have it off): the test's own tabs are left as they were.
        options = {**context._axe_options, "java_script_enabled": True}
        auditor = context._axe_opener(**options, storage_state=context.storage_state())
        try:
            for url in todo:
                self._audit_one(auditor, url)
        finally:
            auditor.close()

    def _audit_one(self, auditor, url: str) -> None:
        page = auditor.new_page()
        page.set_default_timeout(15_000)
        try:
            response = page.goto(url, wait_until="load")
            kind = (response.headers.get("content-type", "") if response else "") or ""
            if response is not None and response.ok and "text/html" in kind:
                self.failures += axe_summary(url, axe_violations(page))
        except Exception as exc:  # a page that cannot be opened again (a download) is not HTML
            log.info("axe watch skipped %s: %s", url, exc)
        finally:
            page.close()

    def finish(self) -> list[str]:
        """Audit what the contexts still open visited; the failures of the whole test."""
        for context, visited in self._contexts:
            with contextlib.suppress(Exception):  # closed by the browser meanwhile
                self._audit(context, visited)
        return self.failures
