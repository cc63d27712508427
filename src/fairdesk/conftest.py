from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with China's divisions imported once (about ten seconds)."""
    with django_db_blocker.unblock():
        call_command("import_divisions", no_progress=True, verbosity=0)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright; never a downloaded browser."""
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    executable = Path("/usr/bin/chromium")
    if not executable.exists():
        pytest.fail("Debian's chromium is missing: run `apt-get install -y chromium` (make test does this)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(executable),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture(autouse=True)
def axe_every_page(request):
    """In browser tests, every page opened is checked by axe-core (fairdesk.testing.axe.AxeWatch): a serious
    or critical violation fails the test. Tests that audit pages themselves (the CSP test) opt out with
    `@pytest.mark.no_axe_watch`."""
    if request.node.get_closest_marker("browser") is None or request.node.get_closest_marker("no_axe_watch"):
        yield
        return
    from fairdesk.testing.axe import AxeWatch

    browser = request.getfixturevalue("browser")
    watch = AxeWatch()
    new_context = browser.new_context

    def watched_context(**kwargs):
        context = new_context(**kwargs)
        watch.watch(context, opener=new_context, options=kwargs)
        return context

    browser.new_context = watched_context
    try:
        yield
    finally:
        browser.new_context = new_context
    failures = watch.finish()
    if failures:
        pytest.fail("accessibility (axe-core) violations:\n" + "\n".join(failures), pytrace=False)


@pytest.fixture(scope="session")
def sms_gateway():
    """The local SMS gateway the live server sends to (the generic webhook protocol)."""
    from fairdesk.testing.sms_gateway import LocalSmsGateway

    with LocalSmsGateway() as gateway:
        yield gateway


@pytest.fixture(scope="session")
def local_amap():
    """The local AMap stand-in: geocoding, distance matrix and map tiles (never tiles from outside)."""
    from fairdesk.testing.amap import LocalAmap

    with LocalAmap(key="test-key") as amap:
        yield amap


@pytest.fixture(scope="session")
def live_site(sms_gateway, payment_sandbox, local_amap):
    from fairdesk.testing.liveserver import live_server

    # Quiet hours are unit-tested; here they would hold confirmations whenever the suite runs at night.
    env = {
        "FAIRDESK_SMS_BACKEND": "webhook",
        "FAIRDESK_SMS_WEBHOOK_URL": sms_gateway.url,
        "FAIRDESK_QUIET_HOURS": "off",
        "FAIRDESK_STATUS_POLL_SECONDS": "1",  # the emergency page's own updates, seen without waiting 15 s
        "FAIRDESK_PAYMENT_SANDBOX_URL": payment_sandbox.url,
        "FAIRDESK_GEOCODER": "amap",
        "FAIRDESK_AMAP_KEY": "test-key",
        "FAIRDESK_AMAP_URL": local_amap.base,
        "FAIRDESK_TILE_URL": local_amap.tile_url,
    }
    # uvicorn on fairdesk.asgi, as `make run` serves: pages and the live channel's WebSocket.
    with live_server(extra_env=env, live=True) as server:
        yield server


@pytest.fixture(scope="session")
def production_site():
    """The app under gunicorn (DEBUG off), for concurrency tests that the development server cannot take."""
    from fairdesk.testing.liveserver import live_server

    with live_server(production=True) as server:
        yield server


@pytest.fixture
def phone_page(browser, live_site):
    """A phone-sized page in Chinese, as most customers see the site."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def payment_sandbox():
    """The local payment service (sandbox provider) that tests and live servers charge and refund at."""
    from fairdesk.testing.payment_sandbox import PaymentSandbox

    with PaymentSandbox() as sandbox:
        yield sandbox


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the provider score snippet is cached per station and day)."""
    from django.core.cache import cache

    cache.clear()
    yield
