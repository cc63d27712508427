"""In Chromium: dispatch/board.js rings (a tone and a browser notification) when the board's urgent part comes
back with an emergency newly escalated, and not again for the same one. The script alone, on a page made of
the board's markup (no server needed)."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
SCRIPT = Path(__file__).resolve().parents[1] / "static" / "dispatch" / "board.js"
PART = (
    '<section class="card" id="urgent-live" data-escalated="{refs}" data-text-escalated="等待过久">'
    '<button type="button" data-notify-permission hidden>提醒</button></section>'
)


def test_a_newly_escalated_emergency_rings_once(browser):
    context = browser.new_context(locale="zh-CN")
    context.add_init_script(
        "window.__notes = []; window.Notification = function (title, options) {"
        " window.__notes.push(title + ':' + options.body); };"
        " window.Notification.permission = 'granted';"
    )
    page = context.new_page()
    page.set_content(f"<!doctype html><html><body>{PART.format(refs='')}</body></html>")
    page.add_script_tag(path=str(SCRIPT))
    page.evaluate("document.dispatchEvent(new Event('DOMContentLoaded'))")
    assert page.evaluate("window.__notes") == []

    def swap(refs: str) -> None:  # what htmx does with the polled part
        page.evaluate(
            "html => { document.getElementById('urgent-live').outerHTML = html;"
            " document.body.dispatchEvent(new Event('htmx:afterSettle', {bubbles: true})); }",
            PART.format(refs=refs),
        )

    swap("ABC123")
    assert page.evaluate("window.__notes") == ["等待过久:ABC123"]
    assert page.evaluate("document.body.dataset.escalationRang") == "ABC123"
    swap("ABC123")  # the same one again: no second ring
    swap("ABC123 XYZ789")
    assert page.evaluate("window.__notes") == ["等待过久:ABC123", "等待过久:XYZ789"]
    context.close()
