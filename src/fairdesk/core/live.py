"""The live channel: server → browser messages over one WebSocket per page (Django Channels).

An app declares the topics it publishes and who may follow them in its `AppConfig.ready()`:

    live.topic_register("support.conversation.", can_follow_conversation)   # (actor, topic) -> bool

and publishes after its writes: `live.publish("support.conversation.42", {"kind": "message", "id": 7})`.
The message leaves when the current transaction commits (at once outside one), to every socket subscribed to
that topic. `publish` never raises: a channel layer that is down is logged, and the page's fallback polling
(static/fairdesk/live.js) catches up.

The browser opens `/ws/live/` (fairdesk.asgi routes it to `LiveConsumer`) and sends `{"subscribe": topic}`;
the consumer resolves who is asking (the page's actor: a signed-in staff member or the verified-phone
customer, read from the Django session at that moment), asks the authorizer registered for the longest prefix
of the topic, and answers `{"subscribed": topic}` or `{"refused": topic, "reason": ...}` (an unknown topic
is refused). Messages arrive as `{"topic": topic, **payload}`.

Layers (settings.CHANNEL_LAYERS): Redis (`FAIRDESK_CHANNEL_LAYER_URL`) when web processes and the `live`
process are separate (production), else the in-memory layer, which works only inside the one process that
serves both HTTP and WebSocket (`manage.py serve`, `make run`). There the background workers, which are
other processes, hand what they publish to the serving process over loopback HTTP (`relay_application`:
`serve` gives its children FAIRDESK_LIVE_RELAY, the address, and FAIRDESK_LIVE_RELAY_TOKEN, a random secret).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import secrets
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

Authorize = Callable[[Any, str], bool]  # (actor: User or None, topic) -> may this actor follow the topic?

MAX_TOPIC_LENGTH = 200
MAX_SUBSCRIPTIONS = 20  # per socket
MAX_FRAME_BYTES = 4096  # a longer client frame is ignored (uvicorn also caps frames: deploy/live.sh)
PUBLISH_TIMEOUT_SECONDS = 2.0  # a layer that does not answer within this is logged, never waited on longer
MESSAGE_TYPE = "live.message"  # the channel layer event; LiveConsumer.live_message handles it

_topics: dict[str, Authorize] = {}
_topics_lock = threading.Lock()


def topic_register(prefix: str, authorize: Authorize) -> None:
    """Declare the topics that start with `prefix` (e.g. "support.conversation.", "support.queue") and who
    may subscribe to one of them. Called in AppConfig.ready(). A prefix belongs to one authorizer: registering
    it again with the same function is a no-op, with another one an error."""
    if not isinstance(prefix, str) or not prefix or len(prefix) > MAX_TOPIC_LENGTH:
        raise ValueError(f"live topic prefix must be a non-empty string of at most {MAX_TOPIC_LENGTH} chars")
    if not callable(authorize):
        raise TypeError("authorize must be callable (actor, topic) -> bool")
    with _topics_lock:
        known = _topics.get(prefix)
        if known is not None and known is not authorize:
            raise ValueError(f"live topic prefix {prefix!r} is already registered by {known!r}")
        _topics[prefix] = authorize


def topic_authorizer(topic: str) -> Authorize | None:
    """The authorizer of the longest registered prefix of `topic`, or None (an unknown topic)."""
    best = None
    for prefix in _topics:
        if topic.startswith(prefix) and (best is None or len(prefix) > len(best)):
            best = prefix
    return _topics[best] if best is not None else None


def group_name(topic: str) -> str:
    """The channel-layer group of a topic. Channels allows only [a-zA-Z0-9-_.] and fewer than 100 characters:
    a readable part of the topic for logs plus a hash of the whole, so distinct topics never share a group."""
    readable = re.sub(r"[^a-zA-Z0-9_.-]", "_", topic)[:40]
    digest = hashlib.sha256(topic.encode()).hexdigest()[:32]
    return f"live.{readable}.{digest}"


def publish(topic: str, payload: dict) -> None:
    """Send `payload` (JSON-able) to every socket subscribed to `topic`, after the current transaction commits
    (at once outside a transaction; nothing if it rolls back). Never raises."""
    try:
        if not isinstance(topic, str) or not topic or len(topic) > MAX_TOPIC_LENGTH:
            raise ValueError(f"bad live topic {topic!r}")
        if topic_authorizer(topic) is None:
            raise ValueError(f"live topic {topic!r} matches no registered prefix")
        if not isinstance(payload, dict):
            raise TypeError("live payload must be a dict")
        # JSON now (a caller's mistake shows at the call), and a copy later writes to `payload` cannot change.
        message = json.loads(json.dumps(payload))
        transaction.on_commit(lambda: _send(topic, message), robust=True)
    except Exception:
        logger.exception("live: publish to %r refused", topic)


def _send(topic: str, payload: dict) -> None:
    message = {"type": MESSAGE_TYPE, "topic": topic, "payload": payload}
    group = group_name(topic)
    try:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not None:  # called from async code: send on this loop, without blocking it
            task = running.create_task(layer.group_send(group, message))
            _pending.add(task)
            task.add_done_callback(_sent)
        elif isinstance(layer, InMemoryChannelLayer) and not _serving and _relay()[0]:
            _relay_send(topic, payload)  # a worker beside `manage.py serve`: to the process with the sockets
        elif isinstance(layer, InMemoryChannelLayer):
            # Its queues live on the serving event loop: under ASGI, async_to_sync runs the send there
            # (outside ASGI and without a relay nobody in this process listens: the message expires).
            async_to_sync(layer.group_send)(group, message)
        else:  # Redis: one long-lived loop per process keeps its connections (no new one per message)
            future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), _publisher_loop())
            future.result(timeout=PUBLISH_TIMEOUT_SECONDS)
    except Exception:
        logger.warning("live: could not publish to %r (clients' polling catches up)", topic, exc_info=True)


_pending: set[asyncio.Task] = set()

# The in-memory layer across processes of `manage.py serve` (development only; production uses Redis).
RELAY_PATH = "/__live_relay__"
RELAY_HEADER = b"x-fairdesk-live-relay"
_serving = False  # set by fairdesk.asgi in the process that serves the sockets


def serving() -> None:
    """This process serves the sockets (fairdesk.asgi): publish to the in-memory layer directly."""
    global _serving
    _serving = True


def _relay() -> tuple[str, str]:
    return os.environ.get("FAIRDESK_LIVE_RELAY", ""), os.environ.get("FAIRDESK_LIVE_RELAY_TOKEN", "")


def _relay_send(topic: str, payload: dict) -> None:
    url, token = _relay()
    if urllib.parse.urlsplit(url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise ValueError(f"FAIRDESK_LIVE_RELAY must be a loopback address, not {url!r}")
    request = urllib.request.Request(  # noqa: S310 - loopback http only (checked above)
        url.rstrip("/") + RELAY_PATH,
        data=json.dumps({"topic": topic, "payload": payload}).encode(),
        headers={"Content-Type": "application/json", RELAY_HEADER.decode(): token},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=PUBLISH_TIMEOUT_SECONDS) as response:  # noqa: S310
        response.read()


def relay_application(application):
    """Wrap the ASGI HTTP app: `POST /__live_relay__` from loopback with the serve run's secret puts a
    worker's message on this process's in-memory layer. Without FAIRDESK_LIVE_RELAY_TOKEN (production) the
    path is the app's like any other (a 404)."""

    async def app(scope, receive, send):
        token = os.environ.get("FAIRDESK_LIVE_RELAY_TOKEN", "")
        if not token or scope.get("path") != RELAY_PATH:
            return await application(scope, receive, send)
        status = await _relay_receive(scope, receive, token)
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    return app


async def _relay_receive(scope, receive, token: str) -> int:
    body, more = b"", True
    while more:
        event = await receive()
        if event["type"] != "http.request":
            return 400
        body += event.get("body", b"")
        more = event.get("more_body", False)
        if len(body) > 256 * 1024:
            return 413
    given = dict(scope.get("headers") or []).get(RELAY_HEADER, b"").decode("latin1")
    client = (scope.get("client") or ("", 0))[0]
    if scope.get("method") != "POST" or client not in {"127.0.0.1", "::1"}:
        return 404
    if not secrets.compare_digest(given, token):
        return 403
    try:
        frame = json.loads(body)
        topic, payload = frame["topic"], frame["payload"]
    except (ValueError, KeyError, TypeError):
        return 400
    if not isinstance(topic, str) or not isinstance(payload, dict):
        return 400
    layer = get_channel_layer()
    await layer.group_send(group_name(topic), {"type": MESSAGE_TYPE, "topic": topic, "payload": payload})
    return 204


def _sent(task: asyncio.Task) -> None:
    _pending.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.warning("live: could not publish (clients' polling catches up)", exc_info=task.exception())


_publisher: dict[str, Any] = {"loop": None, "pid": None}
_publisher_lock = threading.Lock()


def _publisher_loop() -> asyncio.AbstractEventLoop:
    """An event loop running in a daemon thread of this process (started on first use, again after a fork)."""
    with _publisher_lock:
        if _publisher["loop"] is None or _publisher["pid"] != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="fairdesk-live-publisher", daemon=True).start()
            _publisher.update(loop=loop, pid=os.getpid())
        return _publisher["loop"]


class LiveConsumer(AsyncWebsocketConsumer):
    """`/ws/live/`: subscribe to registered topics, receive what is published to them.

    Client frames: `{"subscribe": topic}`, `{"unsubscribe": topic}`; anything else (not JSON, not an object,
    too long, binary) is ignored. `resolve_actor(scope)` (sync, run in a database thread: `as_asgi(
    resolve_actor=...)`) is given by fairdesk.asgi, which may import the accounts app that core may not;
    without it every subscriber is anonymous (None)."""

    def __init__(self, *args, resolve_actor: Callable[[dict], Any] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.resolve_actor = resolve_actor
        self.groups_by_topic: dict[str, str] = {}

    async def connect(self) -> None:
        await self.accept()

    async def disconnect(self, code) -> None:
        for group in self.groups_by_topic.values():
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                logger.warning("live: group_discard failed", exc_info=True)
        self.groups_by_topic = {}

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if text_data is None or len(text_data) > MAX_FRAME_BYTES:
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            return
        if not isinstance(frame, dict):
            return
        if isinstance(frame.get("subscribe"), str):
            await self._subscribe(frame["subscribe"])
        elif isinstance(frame.get("unsubscribe"), str):
            await self._unsubscribe(frame["unsubscribe"])

    async def _subscribe(self, topic: str) -> None:
        if topic in self.groups_by_topic:
            await self._reply({"subscribed": topic})
            return
        if len(self.groups_by_topic) >= MAX_SUBSCRIPTIONS:
            await self._reply({"refused": topic, "reason": "too_many"})
            return
        if not topic or len(topic) > MAX_TOPIC_LENGTH or not await self._allowed(topic):
            await self._reply({"refused": topic, "reason": "forbidden"})
            return
        group = group_name(topic)
        try:
            await self.channel_layer.group_add(group, self.channel_name)
        except Exception:
            logger.warning("live: group_add failed for %r", topic, exc_info=True)
            await self._reply({"refused": topic, "reason": "unavailable"})
            return
        self.groups_by_topic[topic] = group
        await self._reply({"subscribed": topic})

    async def _unsubscribe(self, topic: str) -> None:
        group = self.groups_by_topic.pop(topic, None)
        if group is not None:
            await self.channel_layer.group_discard(group, self.channel_name)
        await self._reply({"unsubscribed": topic})

    async def _allowed(self, topic: str) -> bool:
        authorize = topic_authorizer(topic)
        if authorize is None:
            return False
        try:
            return await database_sync_to_async(self._decide)(authorize, topic)
        except Exception:
            logger.exception("live: authorizing %r failed (refused)", topic)
            return False

    def _decide(self, authorize: Authorize, topic: str) -> bool:
        actor = self.resolve_actor(self.scope) if self.resolve_actor is not None else None
        return authorize(actor, topic) is True

    async def live_message(self, event: dict) -> None:
        topic = event.get("topic")
        if topic not in self.groups_by_topic:  # unsubscribed while the message travelled
            return
        payload = {key: value for key, value in (event.get("payload") or {}).items() if key != "topic"}
        await self._reply({"topic": topic, **payload})

    async def _reply(self, frame: dict) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False, separators=(",", ":")))
