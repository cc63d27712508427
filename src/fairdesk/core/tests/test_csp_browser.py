"""In Chromium: every customer and staff page, the admin and the API docs load under the
Content-Security-Policy without a single violation (reported by the `securitypolicyviolation` event and by
the console), and htmx still works (coverage check, SMS code). A deliberately inline script proves that
violations are caught.

Every page opened is also checked by axe-core (fairdesk.testing.axe, injected past the CSP): a serious or
critical accessibility violation fails the test, except those listed in KNOWN_AXE (pages other people are
changing now), which make the test an expected failure naming them until they are fixed."""

from __future__ import annotations

import re
import time

import pytest

from fairdesk.testing.axe import axe_summary, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.no_axe_watch]  # audits every page itself
ADDRESS = "江苏省泰州市姜堰区人民路1号"
PASSWORD = "fairdesk-demo-2026"
STAFF = {  # load_demo's accounts
    "manager": "+8613900000001",
    "agent": "+8613900000002",
    "dispatcher": "+8613900000003",
    "technician": "+8613900000004",
    "auditor": "+8613900000005",
}
REPORT = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.fairdeskCspViolation(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


# (path prefix, axe rule id): known serious/critical violations in templates others own right now. A listed
# violation turns the test into an expected failure that names it; one not listed fails the test.
KNOWN_AXE: set[tuple[str, str]] = set()  # none left (issue 16): the admin's widgets are named too


def _known(path: str, rule: str) -> bool:
    return any(path.startswith(prefix) and rule == known for prefix, known in KNOWN_AXE)


class Watcher:
    """Collects CSP violations and console errors of one browser context, page by page."""

    def __init__(self, browser, server, **context_args) -> None:
        self.server, self.base = server, server.url
        self.context = browser.new_context(locale="zh-CN", **context_args)
        self.violations: list[str] = []
        self.console_errors: list[str] = []
        self.visited: list[str] = []
        self.axe: list[str] = []  # not listed in KNOWN_AXE: fails
        self.axe_known: list[str] = []
        self.context.expose_function("fairdeskCspViolation", lambda text: self.violations.append(text))
        self.context.add_init_script(REPORT)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.on("console", self._console)
        self.page.on("response", self._response)

    def _console(self, message) -> None:
        if "Failed to load resource" in message.text:
            return  # reported with its address by _response
        if message.type == "error" or "Content Security Policy" in message.text:
            self.console_errors.append(f"{self.page.url}: {message.text}")

    def _response(self, response) -> None:
        # Chromium asks for /favicon.ico on pages that name no icon: it is there too (issue 16 item 7).
        if response.status >= 400:
            self.console_errors.append(f"{response.status} {response.url}")

    def visit(self, path: str, *, axe: bool = True):
        response = self.page.goto(self.base + path)
        assert response is not None and response.ok, (path, response.status, self.server.log_tail(30))
        assert "script-src 'self'" in response.headers.get("content-security-policy", ""), path
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(150)  # late violations (deferred scripts, htmx) reach the listener
        self.visited.append(path)
        if axe:
            self.check_axe(path)
        return self.page

    def check_axe(self, path: str) -> None:
        for violation in axe_violations(self.page):
            line = axe_summary(path, [violation])[0]
            (self.axe_known if _known(path, violation["id"]) else self.axe).append(line)

    def sign_in_staff(self, role: str, next_path: str):
        self.page.goto(f"{self.base}/admin/login/?next={next_path}")
        self.page.locator("#id_username").fill(STAFF[role])
        self.page.locator("#id_password").fill(PASSWORD)
        self.page.locator("main form [type=submit]").click()
        self.page.wait_for_load_state("load")
        assert self.page.url.startswith(self.base + next_path), self.page.url
        self.page.wait_for_timeout(150)
        self.visited.append(next_path)
        self.check_axe(next_path)

    def assert_clean(self) -> None:
        assert self.violations == [], f"CSP violations on {self.visited}: {self.violations}"
        assert self.console_errors == [], self.console_errors
        assert self.axe == [], "accessibility (axe-core) violations:\n" + "\n".join(self.axe)
        if self.axe_known:
            pytest.xfail("known accessibility violations (KNOWN_AXE):\n" + "\n".join(self.axe_known))

    def close(self) -> None:
        self.context.close()


def sms_code(gateway, phone: str) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = [m for m in gateway.state.messages(phone) if m["kind"] == "otp"]
        if found:
            return re.search(r"\d{6}", found[-1]["body"])[0]
        time.sleep(0.2)
    raise AssertionError(f"no code for {phone}")


@pytest.fixture
def watcher(browser, live_site):
    made = []

    def make(**context_args) -> Watcher:
        made.append(Watcher(browser, live_site, **context_args))
        return made[-1]

    yield make
    for one in made:
        one.close()


def test_customer_pages_have_no_csp_violations(watcher, sms_gateway):
    w = watcher(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 32.51, "longitude": 120.14},  # 姜堰, a demo district
        permissions=["geolocation"],
    )
    w.visit("/")
    page = w.visit("/coverage/")
    page.get_by_role("button", name="使用我的位置").click()  # static/fairdesk/coverage.js, then htmx.ajax
    page.get_by_test_id("coverage-covered").wait_for()
    page = w.visit("/coverage/")
    page.get_by_label("地址").fill(ADDRESS)
    page.get_by_role("button", name="查询", exact=True).click()  # htmx swaps the answer in
    page.locator("#coverage-result .result").first.wait_for()
    assert page.locator("head style").count() == 0  # htmx injected no indicator <style>
    w.visit(f"/coverage/?address={ADDRESS}")
    w.visit(f"/book/?address={ADDRESS}&service_type=lock-repair")
    page = w.visit("/my/")
    page.get_by_label("手机号").fill("13722223333")
    page.get_by_role("button", name="获取验证码").click()  # htmx POST
    page.locator("#code-status").filter(has_text=re.compile(".+")).wait_for()
    page.get_by_label("短信验证码").fill(sms_code(sms_gateway, "+8613722223333"))
    page.get_by_role("button", name="查看我的预约").click()
    page.get_by_test_id("channels").wait_for()
    w.visit("/help-now/")
    w.visit("/help/")
    page = w.visit("/help/?q=钥匙丢了进不了门")
    page.get_by_test_id("hit").first.wait_for()
    w.visit("/help/broken-key/")
    w.visit("/help/locked-out/")
    page = w.visit("/plan/")  # signed in by the verified phone: the plan actions and the demo clock
    page.get_by_test_id("plan-actions").wait_for()
    w.visit("/plan/subscribe/")
    # Courses (reading is public; this session is verified, so progress shows)
    for path in ("/learn/", "/learn/lock-care/", "/learn/lock-care/lessons/1/", "/learn/lock-care/quiz/"):
        w.visit(path)
    w.visit("/learn/verify/?next=/learn/lawful-opening/")  # verified already: back to the course
    # Swagger UI is the API's developer documentation, not a customer or staff page, and its markup is
    # Ninja's own (axe: color-contrast, html-has-lang, nested-interactive): checked for the CSP only.
    w.visit("/api/v1/docs", axe=False)
    w.page.locator(".swagger-ui .info").first.wait_for()  # Swagger UI ran from our own static files
    w.assert_clean()


@pytest.mark.parametrize(
    ("role", "paths"),
    [
        ("agent", ["/hotline/", "/hotline/?phone=13722223333"]),
        ("technician", ["/tech/"]),
        ("dispatcher", ["/dispatch/"]),
        ("auditor", ["/tech/opening-records/"]),
    ],
)
def test_staff_pages_have_no_csp_violations(watcher, role, paths):
    w = watcher(viewport={"width": 1280, "height": 900})
    w.sign_in_staff(role, paths[0])
    for path in paths:
        w.visit(path)
    if role == "technician":  # static/fairdesk/technician.js ran: the position button is offered
        assert w.page.locator("#send-position").is_visible()
    w.assert_clean()


@pytest.mark.parametrize(
    ("role", "forms"),
    [
        # The manager (superuser): every list, add forms with date/time and related-object widgets, a change
        # form.
        (
            "manager",
            ["/admin/bookings/slot/add/", "/admin/plans/planprice/add/", "/admin/regions/station/1/change/"],
        ),
        # The auditor has no admin permissions in the demo: the index says so, under the same policy.
        ("auditor", []),
    ],
)
def test_the_admin_has_no_csp_violations(watcher, role, forms):
    w = watcher(viewport={"width": 1280, "height": 900})
    w.sign_in_staff(role, "/admin/")
    lists = w.page.locator("#content-main tr[class^='model-'] th a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    for path in [*lists, *forms]:
        w.visit(path)
    if role == "manager":
        assert len(lists) >= 10, lists
    w.assert_clean()


def test_an_inline_script_is_blocked_and_reported(watcher):
    w = watcher()
    page = w.visit("/coverage/")
    page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.inlineRan = true;";
        document.body.appendChild(s);
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.inlineRan === undefined")
    assert any(v.startswith("script-src") for v in w.violations), w.violations
    with pytest.raises(AssertionError):
        w.assert_clean()
