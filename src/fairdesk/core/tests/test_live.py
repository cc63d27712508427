"""The live channel (core/live.py, fairdesk.asgi): the `/ws/live/` consumer driven through the real ASGI
application (origin check, Django session, actor), `publish` after commit and never raising, and a message
published in one process reaching a socket served by another through Redis (skipped without Redis at
127.0.0.1:6379, a failure when CI is set)."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator
from channels.layers import channel_layers, get_channel_layer
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.test import Client

from fairdesk.accounts.models import Role
from fairdesk.accounts.permissions import staff_role
from fairdesk.accounts.services import customer_get_or_create, staff_create
from fairdesk.accounts.sessions import VERIFIED_PHONE_SESSION_KEY
from fairdesk.core import live
from fairdesk.core.tests.live_app import anyone
from fairdesk.testing.liveserver import REPO, live_server

CUSTOMER = "+8613711112222"
OTHER = "+8613711113333"


def own_conversation(actor, topic: str) -> bool:
    return actor is not None and staff_role(actor) is None and topic == f"unit.customer.{actor.phone}"


def staff_only(actor, topic: str) -> bool:
    return staff_role(actor) is not None


def broken(actor, topic: str) -> bool:
    raise RuntimeError("authorizer bug")


live.topic_register("unit.open.", anyone)
live.topic_register("unit.customer.", own_conversation)
live.topic_register("unit.staff.", staff_only)
live.topic_register("unit.staff.broken.", broken)  # the longest prefix decides
live.topic_register("test.open.", anyone)  # as core/tests/live_app.py does in the servers


class Socket(ApplicationCommunicator):
    """A browser's socket on `/ws/live/` through fairdesk.asgi (channels.testing imports daphne, which
    fairdesk does not install, so this is its WebsocketCommunicator in a few lines)."""

    def __init__(self, *, cookie: str = "", origin: str = "http://testserver") -> None:
        from fairdesk.asgi import application

        headers = [(b"host", b"testserver")]
        if origin:
            headers.append((b"origin", origin.encode()))
        if cookie:
            headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
        scope = {
            "type": "websocket",
            "path": "/ws/live/",
            "raw_path": b"/ws/live/",
            "query_string": b"",
            "headers": headers,
            "subprotocols": [],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        super().__init__(application, scope)

    async def connect(self) -> bool:
        await self.send_input({"type": "websocket.connect"})
        return (await self.receive_output(3))["type"] == "websocket.accept"

    async def send_text(self, text: str) -> None:
        await self.send_input({"type": "websocket.receive", "text": text})

    async def send_json(self, frame) -> None:
        await self.send_text(json.dumps(frame))

    async def receive_json(self, timeout: float = 3) -> dict:
        output = await self.receive_output(timeout)
        assert output["type"] == "websocket.send", output
        return json.loads(output["text"])

    async def subscribe(self, topic: str) -> dict:
        await self.send_json({"subscribe": topic})
        return await self.receive_json()

    async def close(self) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.wait(2)


@pytest.fixture(autouse=True)
def fresh_layer():
    """A new in-memory layer per test (its queues belong to the event loop of the test that made them)."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def same_connection(monkeypatch):
    """database_sync_to_async closes "old" connections around each call, which would close the test's own
    connection inside its transaction; the consumer's queries run on it instead (same thread)."""
    monkeypatch.setattr("channels.db.close_old_connections", lambda: None)


def session_for(*, staff=None, phone: str = "") -> str:
    """A Django session cookie value: a signed-in staff member, or a verified customer phone."""
    client = Client()
    if staff is not None:
        client.force_login(staff)
    if phone:
        session = client.session
        session[VERIFIED_PHONE_SESSION_KEY] = phone
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def run(scenario) -> None:
    async_to_sync(scenario)()


def publish_committed(topic: str, payload: dict, captured) -> None:
    with captured(execute=True):
        live.publish(topic, payload)


pytestmark = pytest.mark.django_db


def test_an_authorized_customer_receives_what_is_published_after_commit(django_capture_on_commit_callbacks):
    customer_get_or_create(phone=CUSTOMER)
    cookie = session_for(phone=CUSTOMER)
    topic = f"unit.customer.{CUSTOMER}"

    async def scenario():
        sock = Socket(cookie=cookie)
        assert await sock.connect()
        assert await sock.subscribe(topic) == {"subscribed": topic}
        await sync_to_async(publish_committed)(
            topic, {"kind": "message", "id": 7}, django_capture_on_commit_callbacks
        )
        assert await sock.receive_json() == {"topic": topic, "kind": "message", "id": 7}
        # A payload cannot pass itself off as another topic.
        await sync_to_async(publish_committed)(
            topic, {"topic": "x", "n": 1}, django_capture_on_commit_callbacks
        )
        assert await sock.receive_json() == {"topic": topic, "n": 1}
        await sock.close()

    run(scenario)


def test_publish_waits_for_the_commit_and_a_rollback_sends_nothing(django_capture_on_commit_callbacks):
    topic = "unit.open.rollback"

    def publish_then_roll_back():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    live.publish(topic, {"n": 1})
                    raise RuntimeError("the use case failed")
            except RuntimeError:
                pass
        assert callbacks == []

    def publish_uncommitted():
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            live.publish(topic, {"n": 0})
        return callbacks

    async def scenario():
        sock = Socket()
        assert await sock.connect()
        assert await sock.subscribe(topic) == {"subscribed": topic}
        pending = await sync_to_async(publish_uncommitted)()
        assert await sock.receive_nothing(0.3)  # not before the commit
        assert len(pending) == 1
        await sync_to_async(pending[0])()  # the commit
        assert await sock.receive_json() == {"topic": topic, "n": 0}
        await sync_to_async(publish_then_roll_back)()
        assert await sock.receive_nothing(0.3)
        await sync_to_async(publish_committed)(topic, {"n": 2}, django_capture_on_commit_callbacks)
        assert await sock.receive_json() == {"topic": topic, "n": 2}
        await sock.close()

    run(scenario)


def test_who_may_follow_a_topic_is_its_authorizers_answer(django_capture_on_commit_callbacks):
    customer_get_or_create(phone=CUSTOMER)
    customer_get_or_create(phone=OTHER)
    agent = staff_create(phone="13900000077", name="坐席", role=Role.AGENT, password="a-long-staff-password")
    customer, staff = session_for(phone=CUSTOMER), session_for(staff=agent)
    mine, theirs = f"unit.customer.{CUSTOMER}", f"unit.customer.{OTHER}"

    async def scenario():
        anonymous = Socket()
        assert await anonymous.connect()
        assert await anonymous.subscribe(mine) == {"refused": mine, "reason": "forbidden"}
        assert await anonymous.subscribe("unit.staff.queue") == {
            "refused": "unit.staff.queue",
            "reason": "forbidden",
        }
        assert await anonymous.subscribe("unit.open.news") == {"subscribed": "unit.open.news"}

        sock = Socket(cookie=customer)
        assert await sock.connect()
        assert await sock.subscribe(theirs) == {"refused": theirs, "reason": "forbidden"}
        assert await sock.subscribe("unit.staff.queue") == {
            "refused": "unit.staff.queue",
            "reason": "forbidden",
        }
        assert await sock.subscribe(mine) == {"subscribed": mine}

        desk = Socket(cookie=staff)
        assert await desk.connect()
        assert await desk.subscribe("unit.staff.queue") == {"subscribed": "unit.staff.queue"}
        assert await desk.subscribe(mine) == {"refused": mine, "reason": "forbidden"}
        # An authorizer that fails refuses (and is logged); the longest registered prefix is the one asked.
        broken_topic = "unit.staff.broken.1"
        assert await desk.subscribe(broken_topic) == {"refused": broken_topic, "reason": "forbidden"}

        # Nobody refused receives anything.
        await sync_to_async(publish_committed)(theirs, {"n": 1}, django_capture_on_commit_callbacks)
        await sync_to_async(publish_committed)(
            "unit.staff.queue", {"n": 2}, django_capture_on_commit_callbacks
        )
        assert await desk.receive_json() == {"topic": "unit.staff.queue", "n": 2}
        assert await sock.receive_nothing(0.3)
        assert await anonymous.receive_nothing(0.1)
        for one in (anonymous, sock, desk):
            await one.close()

    run(scenario)


def test_an_unknown_topic_is_refused():
    async def scenario():
        sock = Socket()
        assert await sock.connect()
        for topic in ("support.conversation.1", "unit", "", "unit.open." + "x" * 300):
            assert await sock.subscribe(topic) == {"refused": topic, "reason": "forbidden"}
        await sock.close()

    run(scenario)


def test_the_actor_is_read_from_the_session_at_each_subscription():
    agent = staff_create(phone="13900000078", name="坐席", role=Role.AGENT, password="a-long-staff-password")
    cookie = session_for(staff=agent)

    async def scenario():
        sock = Socket(cookie=cookie)
        assert await sock.connect()
        assert await sock.subscribe("unit.staff.a") == {"subscribed": "unit.staff.a"}
        await sync_to_async(SessionStore(session_key=cookie).delete)()  # signed out elsewhere
        assert await sock.subscribe("unit.staff.b") == {"refused": "unit.staff.b", "reason": "forbidden"}
        await sock.close()

    run(scenario)


def test_malformed_frames_are_ignored_and_the_socket_goes_on(django_capture_on_commit_callbacks):
    topic = "unit.open.frames"

    async def scenario():
        sock = Socket()
        assert await sock.connect()
        for text in (
            "not json",
            "[1, 2]",
            "42",
            "null",
            '{"subscribe": 5}',
            '{"subscribe": null}',
            "{}",
            '{"hello": "world"}',
            json.dumps({"subscribe": "unit.open.big", "pad": "x" * 5000}),
        ):
            await sock.send_text(text)
        await sock.send_input({"type": "websocket.receive", "bytes": b"\x00\xff binary"})
        assert await sock.receive_nothing(0.3)  # no answer to any of them (the too-long one included)
        assert await sock.subscribe(topic) == {"subscribed": topic}
        await sync_to_async(publish_committed)(topic, {"ok": True}, django_capture_on_commit_callbacks)
        assert await sock.receive_json() == {"topic": topic, "ok": True}
        await sock.close()

    run(scenario)


def test_a_socket_follows_at_most_twenty_topics_and_can_unsubscribe(django_capture_on_commit_callbacks):
    async def scenario():
        sock = Socket()
        assert await sock.connect()
        for n in range(live.MAX_SUBSCRIPTIONS):
            assert await sock.subscribe(f"unit.open.{n}") == {"subscribed": f"unit.open.{n}"}
        assert await sock.subscribe("unit.open.0") == {"subscribed": "unit.open.0"}  # already: no new slot
        assert await sock.subscribe("unit.open.more") == {"refused": "unit.open.more", "reason": "too_many"}
        await sock.send_json({"unsubscribe": "unit.open.0"})
        assert await sock.receive_json() == {"unsubscribed": "unit.open.0"}
        await sync_to_async(publish_committed)("unit.open.0", {"n": 1}, django_capture_on_commit_callbacks)
        assert await sock.receive_nothing(0.3)
        assert await sock.subscribe("unit.open.more") == {"subscribed": "unit.open.more"}
        await sock.close()

    run(scenario)


def test_a_page_of_another_site_cannot_open_the_socket():
    async def scenario():
        for origin in ("https://evil.example", ""):
            sock = Socket(origin=origin)
            assert not await sock.connect()

    run(scenario)


def test_group_names_are_valid_and_distinct_for_any_topic():
    layer = get_channel_layer()
    topics = [
        "support.conversation.42",
        "support.queue",
        "客服.会话.1",
        "a b/c?d",
        "x" * 200,
        "x" * 199 + "y",
    ]
    names = [live.group_name(topic) for topic in topics]
    for name in names:
        assert layer.require_valid_group_name(name)
        assert len(name) < 100
    assert len(set(names)) == len(names)


def test_publish_never_raises(caplog, settings, django_capture_on_commit_callbacks):
    caplog.set_level(logging.WARNING, logger="fairdesk.core.live")
    live.publish("nobody.registered.this", {"n": 1})
    live.publish("unit.open.x", {"when": object()})  # not JSON
    live.publish("unit.open.x", ["not", "a", "dict"])
    assert len(caplog.records) == 3
    caplog.clear()
    # A channel layer that is down: logged, the caller goes on.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": f"redis://127.0.0.1:{closed_port}/0", "socket_connect_timeout": 1}]
            },
        }
    }
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        live.publish("unit.open.x", {"n": 1})
    assert time.monotonic() - started < live.PUBLISH_TIMEOUT_SECONDS + 1
    assert any("could not publish" in record.getMessage() for record in caplog.records)


def test_topic_prefixes_belong_to_one_authorizer():
    live.topic_register("unit.open.", anyone)  # the same again: nothing happens
    with pytest.raises(ValueError, match="already registered"):
        live.topic_register("unit.open.", staff_only)
    with pytest.raises(ValueError):
        live.topic_register("", anyone)


def _csp_connect_src(**env) -> str:
    code = (
        "from django.conf import settings as s; print(*s.CONTENT_SECURITY_POLICY['DIRECTIVES']"
        + "['connect-src'])"
    )
    done = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "shell", "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "fairdesk.settings", "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout + done.stderr


@pytest.mark.django_db(databases=[])
def test_a_live_process_on_another_origin_is_allowed_by_the_csp():
    assert "\n'self'\n" in _csp_connect_src(FAIRDESK_LIVE_URL="")
    other = _csp_connect_src(FAIRDESK_LIVE_URL="wss://live.example.com/ws/live/")
    assert "\n'self' wss://live.example.com\n" in other
    wrong = _csp_connect_src(FAIRDESK_LIVE_URL="https://live.example.com/")
    assert "FAIRDESK_LIVE_URL must be empty" in wrong


# Redis: the production shape (gunicorn web + the `live` process of deploy/live.sh), one process publishing
# to a socket served by another.


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def production_live():
    if not redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis does not answer at 127.0.0.1:6379 (CI must start it)")
        pytest.skip("Redis does not answer at 127.0.0.1:6379")
    env = {
        "DJANGO_SETTINGS_MODULE": "fairdesk.core.tests.settings_live",
        "WEB_WORKERS": "1",
        "WEB_THREADS": "4",
    }
    with live_server(demo=False, production=True, live=True, extra_env=env) as server:
        yield server


def post_publish(server, topic: str, payload: dict, *, rollback: bool = False) -> int:
    request = urllib.request.Request(  # noqa: S310 - local test server
        server.url + "/test-live/publish/",
        data=json.dumps({"topic": topic, "payload": payload, "rollback": rollback}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local test server
        return response.status


@pytest.mark.django_db(databases=[])
def test_a_message_published_by_a_web_process_reaches_a_socket_of_the_live_process(production_live, settings):
    from websockets.sync.client import connect

    server = production_live
    assert (
        server.live_url.startswith("ws://")
        and server.live_url != server.url.replace("http", "ws") + "/ws/live/"
    )
    with connect(server.live_url, origin=server.url, open_timeout=10) as ws:
        ws.send(json.dumps({"subscribe": "test.open.redis"}))
        assert json.loads(ws.recv(timeout=5)) == {"subscribed": "test.open.redis"}
        # From gunicorn (another process) through Redis, after the request's transaction commits.
        started = time.monotonic()
        assert post_publish(server, "test.open.redis", {"n": 1}) == 200
        assert json.loads(ws.recv(timeout=5)) == {"topic": "test.open.redis", "n": 1}
        assert time.monotonic() - started < 1.0
        assert post_publish(server, "test.open.redis", {"n": 2}, rollback=True) == 204
        # From this test process (a third one), on the same Redis and prefix.
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {
                    "hosts": [server.env["FAIRDESK_CHANNEL_LAYER_URL"]],
                    "prefix": server.env["FAIRDESK_CHANNEL_LAYER_PREFIX"],
                },
            }
        }
        live.publish("test.open.redis", {"n": 3})
        assert json.loads(ws.recv(timeout=5)) == {"topic": "test.open.redis", "n": 3}  # n=2 never came


@pytest.mark.django_db(databases=[])
def test_the_production_page_points_the_browser_at_the_live_process(production_live):
    with urllib.request.urlopen(production_live.url + "/", timeout=10) as response:  # noqa: S310
        html = response.read().decode()
        csp = response.headers["Content-Security-Policy"]
    assert f'data-live-url="{production_live.live_url}"' in html
    live_origin = production_live.live_url.split("/ws/")[0]
    assert f"connect-src 'self' {live_origin}" in csp


# `make run`: one uvicorn process holds the sockets and the in-memory layer; the background workers beside it
# (other processes) hand it what they publish over loopback HTTP with the serve run's secret.


@pytest.mark.django_db(databases=[])
def test_a_worker_beside_serve_publishes_through_the_relay():
    from websockets.sync.client import connect

    token = "relay-secret-of-this-test"
    env = {"DJANGO_SETTINGS_MODULE": "fairdesk.core.tests.settings_live", "FAIRDESK_LIVE_RELAY_TOKEN": token}
    with live_server(demo=False, live=True, extra_env=env) as server:
        assert server.live_url == server.url.replace("http:", "ws:") + "/ws/live/"
        with connect(server.live_url, origin=server.url, open_timeout=10) as ws:
            ws.send(json.dumps({"subscribe": "test.open.relay"}))
            assert json.loads(ws.recv(timeout=5)) == {"subscribed": "test.open.relay"}
            # As a `manage.py worker` child of serve: FAIRDESK_LIVE_RELAY and the token in its environment.
            code = "from fairdesk.core import live; live.publish('test.open.relay', {'from': 'worker'})"
            subprocess.run(
                [sys.executable, str(REPO / "manage.py"), "shell", "-c", code],
                env={**server.env, "FAIRDESK_LIVE_RELAY": server.url},
                check=True,
                capture_output=True,
                timeout=60,
            )
            assert json.loads(ws.recv(timeout=5)) == {"topic": "test.open.relay", "from": "worker"}
        # Without the secret the relay refuses; the page itself is not there for anyone else.
        request = urllib.request.Request(  # noqa: S310 - local test server
            server.url + live.RELAY_PATH,
            data=json.dumps({"topic": "test.open.relay", "payload": {}}).encode(),
            headers={"x-fairdesk-live-relay": "guess"},
            method="POST",
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)  # noqa: S310
        assert refused.value.code == 403
