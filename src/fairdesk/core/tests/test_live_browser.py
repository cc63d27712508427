"""In Chromium: static/fairdesk/live.js on a real page under the real Content-Security-Policy.

- `manage.py serve` (uvicorn, one process, in-memory layer): the same-origin socket (connect-src 'self'), a
  message published by a request arrives within a second, a staff-only topic is refused to a visitor and
  polled instead, and while the socket cannot connect the page polls, then reconnects and catches up.
- The production shape (gunicorn pages, the `live` process on another origin through Redis, named in the
  CSP's connect-src by FAIRDESK_LIVE_URL): skipped without Redis at 127.0.0.1:6379, a failure when CI is set.

Topics and the publish endpoint come from the test app core/tests/live_app.py (settings_live)."""

from __future__ import annotations

import json
import os
import re
import time
import urllib.request

import pytest

from fairdesk.core.tests.test_live import redis_answers
from fairdesk.testing.liveserver import live_server

pytestmark = pytest.mark.browser
SETTINGS = {"DJANGO_SETTINGS_MODULE": "fairdesk.core.tests.settings_live"}
REPORT = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.fairdeskCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""
SUBSCRIBE = """([topic, every]) => {
  window.got = window.got || {};
  window.polls = window.polls || {};
  window.refusals = window.refusals || [];
  window.got[topic] = [];
  window.polls[topic] = 0;
  FairdeskLive.subscribe(topic, (message) => window.got[topic].push(message), {
    poll: () => { window.polls[topic] += 1; },
    pollEvery: every,
    onRefused: (t) => window.refusals.push(t),
  });
}"""


@pytest.fixture(scope="module")
def dev_server():
    with live_server(demo=False, live=True, extra_env=SETTINGS) as server:
        yield server


@pytest.fixture(scope="module")
def production_server():
    if not redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis does not answer at 127.0.0.1:6379 (CI must start it)")
        pytest.skip("Redis does not answer at 127.0.0.1:6379")
    env = {**SETTINGS, "WEB_WORKERS": "1", "WEB_THREADS": "4"}
    with live_server(demo=False, production=True, live=True, extra_env=env) as server:
        yield server


class Page:
    """One browser tab that records CSP violations and console errors."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context(locale="zh-CN")
        self.violations: list[str] = []
        self.errors: list[str] = []
        self.context.expose_function("fairdeskCspViolation", lambda text: self.violations.append(text))
        self.context.add_init_script(REPORT)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error" or "Content Security" in message.text:
            self.errors.append(message.text)

    def open(self, url: str) -> str:
        response = self.page.goto(url)
        assert response is not None and response.ok
        self.page.wait_for_load_state("load")
        return response.headers["content-security-policy"]

    def subscribe(self, topic: str, poll_every: int = 3000) -> None:
        self.page.evaluate(SUBSCRIBE, [topic, poll_every])

    def wait_live(self, topic: str) -> None:
        # Functions, not expression strings: Playwright evaluates those with eval, which the CSP forbids.
        self.page.wait_for_function("(t) => FairdeskLive.topicState(t) === 'subscribed'", arg=topic)

    def received(self, topic: str) -> list[dict]:
        return self.page.evaluate("(t) => window.got[t]", topic)

    def polls(self, topic: str) -> int:
        return self.page.evaluate("(t) => window.polls[t]", topic)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser):
    made = []

    def make() -> Page:
        made.append(Page(browser))
        return made[-1]

    yield make
    for one in made:
        one.close()


def publish(server, topic: str, payload: dict) -> None:
    request = urllib.request.Request(  # noqa: S310 - local test server
        server.url + "/test-live/publish/",
        data=json.dumps({"topic": topic, "payload": payload}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 200


def arrives_within_a_second(tab_: Page, server, topic: str, payload: dict) -> float:
    count = len(tab_.received(topic))
    started = time.monotonic()
    publish(server, topic, payload)
    tab_.page.wait_for_function("([t, n]) => window.got[t].length > n", arg=[topic, count], timeout=5_000)
    elapsed = time.monotonic() - started
    assert tab_.received(topic)[-1] == {"topic": topic, **payload}
    assert elapsed < 1.0, f"{elapsed:.2f} s"
    return elapsed


def test_a_page_gets_a_published_message_within_a_second_over_its_own_origin(tab, dev_server):
    t = tab()
    csp = t.open(dev_server.url + "/")
    assert "connect-src 'self'" in csp and "ws:" not in csp  # 'self' alone covers the same origin's ws:
    assert t.page.locator("body").get_attribute("data-live-url") == ""
    assert t.page.locator("body").get_attribute("data-live") is None  # no socket until something subscribes
    t.subscribe("test.open.page")
    t.page.locator("body[data-live=on]").wait_for()
    t.wait_live("test.open.page")
    assert t.polls("test.open.page") == 1  # the catch-up poll when the topic went live, none before
    arrives_within_a_second(t, dev_server, "test.open.page", {"kind": "message", "text": "您好"})
    # A visitor may not follow a staff topic: refused, and the page keeps polling for it instead.
    t.subscribe("test.staff.queue", poll_every=200)
    t.page.wait_for_function("() => window.refusals.includes('test.staff.queue')")
    assert t.page.evaluate("() => FairdeskLive.topicState('test.staff.queue')") == "refused"
    t.page.wait_for_function("() => window.polls['test.staff.queue'] >= 2")
    publish(dev_server, "test.staff.queue", {"n": 1})
    t.page.wait_for_timeout(300)
    assert t.received("test.staff.queue") == []
    arrives_within_a_second(t, dev_server, "test.open.page", {"n": 2})  # the socket went on
    assert t.violations == [] and t.errors == []


def test_while_the_socket_cannot_connect_the_page_polls_then_reconnects_and_catches_up(tab, dev_server):
    t = tab()
    blocked = {"on": True}

    def socket_route(ws) -> None:
        if blocked["on"]:
            ws.close()  # as a proxy without WebSocket support, or a live process that is down
        else:
            ws.connect_to_server()

    t.page.route_web_socket(re.compile(r"/ws/live/$"), socket_route)
    t.open(dev_server.url + "/")
    t.subscribe("test.open.fallback", poll_every=250)
    t.page.wait_for_function("() => window.polls['test.open.fallback'] >= 4")  # the fallback, every 250 ms
    assert t.page.evaluate("() => FairdeskLive.topicState('test.open.fallback')") == "pending"
    assert t.page.evaluate("() => FairdeskLive.connected()") is False
    publish(dev_server, "test.open.fallback", {"n": 1})  # missed by the socket: the polls carry it
    blocked["on"] = False
    t.page.locator("body[data-live=on]").wait_for(timeout=20_000)  # the next try (back-off ≤ 30 s)
    t.wait_live("test.open.fallback")
    polls_when_live = t.polls("test.open.fallback")
    t.page.wait_for_timeout(800)
    assert t.polls("test.open.fallback") == polls_when_live  # live: no polling every 250 ms any more
    assert t.received("test.open.fallback") == []
    arrives_within_a_second(t, dev_server, "test.open.fallback", {"n": 2})
    assert t.violations == []


def test_the_production_live_process_on_another_origin_passes_the_csp(tab, production_server):
    server = production_server
    live_origin = server.live_url.split("/ws/")[0]
    assert live_origin != server.url.replace("http:", "ws:")
    t = tab()
    csp = t.open(server.url + "/")
    assert f"connect-src 'self' {live_origin}" in csp
    assert t.page.locator("body").get_attribute("data-live-url") == server.live_url
    t.subscribe("test.open.production")
    t.page.locator("body[data-live=on]").wait_for()
    t.wait_live("test.open.production")
    # gunicorn's request publishes through Redis; the live process delivers.
    arrives_within_a_second(t, server, "test.open.production", {"kind": "message", "id": 1})
    assert t.violations == [] and t.errors == []
