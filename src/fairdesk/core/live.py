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
serves both HTTP and WebSocket (`manage.py serve`, `make run`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import threading
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
        elif isinstance(layer, InMemoryChannelLayer):
            # Its queues live on the serving event loop: under ASGI, async_to_sync runs the send there
            # (outside ASGI, e.g. a worker, nobody in this process listens and the message expires).
            async_to_sync(layer.group_send)(group, message)
        else:  # Redis: one long-lived loop per process keeps its connections (no new one per message)
            future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), _publisher_loop())
            future.result(timeout=PUBLISH_TIMEOUT_SECONDS)
    except Exception:
        logger.warning("live: could not publish to %r (clients' polling catches up)", topic, exc_info=True)


_pending: set[asyncio.Task] = set()


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
