"""Written support under load: simulated customers and agents over HTTP and the live channel (WebSocket).

    .venv/bin/python bench/support.py [--customers 200] [--agents 10] [--human 0.5] [--seed 1]

The app runs as in production (`live_server(production=True, live=True)`): gunicorn (2 workers × 8 threads)
serves HTTP on PostgreSQL, a uvicorn `live` process the WebSocket, channels-redis at 127.0.0.1:6379 between
them. Not timed: the bot's answers, the customers with verified-phone sessions, the agents (API token for
HTTP, staff session for the socket) on duty, every socket open.

Timed: each customer opens a conversation (POST /api/v1/support/conversations, the bot answers in the
response), follows `support.conversation.<id>` on its socket and writes a few more messages with think times;
a share of them (`--human`) at a random moment POST /human (some first say they are locked out: the safety
class), then exchange 2–3 messages with the agent, who closes; some rate. Agents learn of assignments on
`support.agent.<id>` (the queue gives them out by itself: `queue_dispatch`), follow the conversation, reply
after a short think time and close with a resolution. A socket silent for `--poll` s makes the page reload
the conversation over HTTP (as chat.js would): a message found that way before its frame came is counted, and
a frame that never comes counts as an infinite delivery time. Who waits `--give-up` s for the other leaves.

Prints: messages created per second in the timed window (every row: customer, bot, agent, system), delivery
p50/p99 (a message's POST sent → its frame on the OTHER party's socket, customer → agent and agent →
customer; each text carries a unique stamp and its send time), the wait from the human request to the first
human reply p50/p90 (database times), queue-order inversions from the database (a later request of the same
safety class assigned before an earlier one still waiting: must be 0), the HTTP status counts and what the
server log says about the live channel (sends dropped over the channel layer's capacity, tracebacks). Exits 1
on any inversion, 5xx or dropped HTTP connection. The load generator shares the 2 cores with everything else.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

SETUP = """
import json
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from fairdesk.accounts.models import Role
from fairdesk.accounts.phone import phone_or_invalid
from fairdesk.accounts.services import api_token_create, customer_get_or_create, staff_create
from fairdesk.accounts.sessions import VERIFIED_PHONE_SESSION_KEY
from fairdesk.support.demo import load_demo

load_demo()
customers = []
for n in range(CUSTOMERS):
    user = customer_get_or_create(phone=f"139{n:08d}")
    session = SessionStore()
    session[VERIFIED_PHONE_SESSION_KEY] = user.phone
    session.create()
    customers.append([user.pk, session.session_key])
agents = []
for n in range(AGENTS):
    phone = phone_or_invalid(f"137{n:08d}")
    agent = staff_create(phone=phone, name=f"客服{n}", role=Role.AGENT, password=None)
    token = api_token_create(user=agent, label="bench")
    session = SessionStore()
    session["_auth_user_id"] = str(agent.pk)
    session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
    session["_auth_user_hash"] = agent.get_session_auth_hash()
    session.create()
    agents.append([agent.pk, token, session.session_key])
print(json.dumps({"customers": customers, "agents": agents}))
"""

CHECK = """
import datetime as dt, json
from collections import Counter
from fairdesk.support.models import Conversation, Message
t0, t1 = dt.datetime.fromisoformat(T0), dt.datetime.fromisoformat(T1)
with open(DONE) as f:
    done = {int(k): v for k, v in json.load(f).items()}  # conversation -> epoch its /human answer came back
rows = list(Message.objects.filter(at__gte=t0, at__lte=t1).values_list("author", "at"))
by_author = Counter(author for author, _at in rows)
per_second = Counter(int((at - t0).total_seconds()) for _author, at in rows)
convs = list(
    Conversation.objects.filter(created_at__gte=t0).values(
        "id", "status", "safety_class", "human_requested_at", "human_how", "assigned_at",
        "first_human_reply_at",
    )
)
asked = [c for c in convs if c["human_requested_at"] is not None]
far = dt.datetime.max.replace(tzinfo=dt.UTC)
same = across = same_committed = across_committed = 0
for a in asked:
    a_assigned = a["assigned_at"] or far
    for b in asked:
        if b["assigned_at"] is None or a is b:
            continue
        if not (a["human_requested_at"] <= b["assigned_at"] < a_assigned):
            continue  # a was not waiting when b was assigned
        if a["safety_class"] == b["safety_class"] and a["human_requested_at"] < b["human_requested_at"]:
            same += 1  # a later request of the same class served before an earlier one
            if done.get(a["id"], far.timestamp()) < b["assigned_at"].timestamp():
                same_committed += 1  # ... and a's request was certainly committed by then
        elif a["safety_class"] < b["safety_class"]:
            across += 1  # a lower (more urgent) class left waiting while b was served
            if done.get(a["id"], far.timestamp()) < b["assigned_at"].timestamp():
                across_committed += 1
waits = sorted(
    (c["first_human_reply_at"] - c["human_requested_at"]).total_seconds()
    for c in asked
    if c["first_human_reply_at"] is not None
)
print(json.dumps({
    "messages": len(rows),
    "by_author": by_author,
    "per_second": [per_second.get(s, 0) for s in range(max(per_second, default=-1) + 1)],
    "conversations": len(convs),
    "statuses": Counter(c["status"] for c in convs),
    "human_how": Counter(c["human_how"] for c in asked),
    "classes": Counter(c["safety_class"] for c in asked),
    "asked": len(asked),
    "assigned": sum(1 for c in asked if c["assigned_at"] is not None),
    "waits": waits,
    "inversions": same,
    "inversions_committed": same_committed,
    "class_inversions": across,
    "class_inversions_committed": across_committed,
}))
"""

BOT_QUESTIONS = [
    "上门维修怎么收费？",
    "我想改约明天的上门时间",
    "怎么取消预约",
    "套餐包含哪些服务",
    "技师什么时候到",
    "可以开发票吗",
    "How much is a visit?",
    "水管漏水怎么办",
    "周末可以上门吗",
    "怎么退款",
]
LOCKED_OUT = "我被锁在门外了，进不去家"
STAMP = re.compile(r"#([ca]\d+)@")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.by_call: Counter = Counter()
        self.errors: list[str] = []
        self.sent: dict[str, float] = {}  # stamp -> perf_counter when its POST left
        self.arrived: dict[str, float] = {}  # stamp -> seconds from its POST to its frame on the other socket
        self.polled: set[str] = set()  # stamps the other party found by reloading before any frame came
        self.human_done: dict[int, float] = {}  # conversation -> epoch when its /human response came back
        self.bot_http: list[float] = []
        self.counters: Counter = Counter()
        self.frames: Counter = Counter()
        self._next = 0

    def stamp(self, side: str, text: str) -> tuple[str, str]:
        with self.lock:
            self._next += 1
            stamp = f"{side}{self._next}"
        return stamp, f"{text} #{stamp}@{time.time():.3f}"

    def seen(self, text: str, *, polled: bool = False) -> str | None:
        """A stamped message reached the other party: over its socket, or (`polled`) by reloading."""
        match = STAMP.search(text or "")
        if match is None or match.group(1) not in self.sent:
            return None
        stamp = match.group(1)
        if polled:
            if stamp not in self.arrived:
                self.polled.add(stamp)
        elif stamp not in self.arrived:
            self.arrived[stamp] = time.perf_counter() - self.sent[stamp]
        return stamp

    def delivery(self, side: str) -> list[float]:
        """Delivery times of the messages one side sent; a frame that never came counts as infinite."""
        return [self.arrived.get(stamp, float("inf")) for stamp in self.sent if stamp.startswith(side)]


class Socket:
    """One live-channel socket: subscribe to topics, frames dispatched to per-topic queues."""

    def __init__(self, url: str, origin: str, session_key: str, frames: Counter) -> None:
        self.url, self.origin, self.session_key, self.frames = url, origin, session_key, frames
        self.ws = None
        self.queues: dict[str, asyncio.Queue] = {}
        self.acks: dict[str, asyncio.Future] = {}
        self.reader: asyncio.Task | None = None
        self.closing = False

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        self.ws = await connect(
            self.url,
            origin=self.origin,
            additional_headers={"Cookie": f"sessionid={self.session_key}"},
            open_timeout=60,
            max_queue=None,
        )
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        import websockets

        try:
            async for raw in self.ws:
                frame = json.loads(raw)
                for key in ("subscribed", "refused", "unsubscribed"):
                    if key in frame:
                        future = self.acks.pop(frame[key], None)
                        if future is not None and not future.done():
                            future.set_result(key)
                topic = frame.get("topic")
                if topic is not None:
                    self.frames[frame.get("event")] += 1
                if topic in self.queues:
                    self.queues[topic].put_nowait(frame)
        except websockets.ConnectionClosed:
            pass
        if not self.closing:
            self.frames["(socket closed by the server)"] += 1

    async def subscribe(self, topic: str) -> asyncio.Queue:
        queue = self.queues.setdefault(topic, asyncio.Queue())
        future = asyncio.get_running_loop().create_future()
        self.acks[topic] = future
        await self.ws.send(json.dumps({"subscribe": topic}))
        answer = await asyncio.wait_for(future, 30)
        if answer != "subscribed":
            raise RuntimeError(f"live: {topic} {answer}")
        return queue

    async def unsubscribe(self, topic: str) -> None:
        self.queues.pop(topic, None)
        await self.ws.send(json.dumps({"unsubscribe": topic}))

    async def close(self) -> None:
        self.closing = True
        await self.ws.close()
        if self.reader is not None:
            await self.reader


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--capacity", type=int, default=3, help="conversations an agent takes at once")
    parser.add_argument("--human", type=float, default=0.5, help="share of customers who ask for a human")
    parser.add_argument(
        "--safety", type=float, default=0.2, help="share of those who first say they are locked out"
    )
    parser.add_argument("--messages", type=int, default=4, help="messages to the bot after the first")
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 2.0), help="customer think time, s")
    parser.add_argument("--agent-think", type=float, nargs=2, default=(0.3, 1.0), help="agent think time, s")
    parser.add_argument(
        "--poll", type=float, default=10, help="a silent socket makes the page reload after this many s"
    )
    parser.add_argument(
        "--give-up", type=float, default=60, help="a customer (agent) waiting this long for the other leaves"
    )
    parser.add_argument("--http-threads", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=600, help="give up on the run after this, s")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/postgres"
    os.environ.setdefault("WEB_WORKERS", str(args.web_workers))
    os.environ.setdefault("WEB_THREADS", "8")

    from fairdesk.testing.liveserver import live_server

    with live_server(production=True, live=True, demo=False) as site:
        setup = SETUP.replace("CUSTOMERS", str(args.customers + 4)).replace("AGENTS", str(args.agents))
        people = json.loads(site.manage("shell", "-c", setup).stdout.strip().splitlines()[-1])
        print(
            f"set-up: {args.customers} customers with verified-phone sessions, {args.agents} agents "
            f"(token + staff session), bot answers loaded; server {site.url}, live {site.live_url}"
        )
        code = asyncio.run(run(args, site, people))
        site.log.seek(0)
        log = site.log.read().splitlines()
        problems = [line for line in log if "live:" in line or "Traceback" in line or "ERROR" in line]
        # channels-redis drops a frame when the receiving process's queue holds `capacity` of them already.
        dropped = sum("over capacity" in line for line in log)
        workers = sum("WORKER TIMEOUT" in line or "Worker exiting" in line for line in log)
        print(
            f"server log: {len(log)} lines; live-channel warnings or errors {len(problems)}; "
            f"channel-layer sends dropped over capacity {dropped}; gunicorn worker timeouts, exits {workers}"
        )
        # Each traceback's last line (the exception), with how often it came.
        raised = Counter()
        for n, line in enumerate(log):
            if line.startswith("Traceback"):
                end = next((m for m in range(n + 1, len(log)) if not log[m].startswith((" ", "\t"))), None)
                if end is not None:
                    raised[log[end][:200]] += 1
        for line, count in raised.most_common(5):
            print(f"  {count} × {line}")
        if code == 2:
            print("server errors (last lines of the server log):\n" + site.log_tail(40))
        return 1 if code else 0


async def run(args, site, people) -> int:
    import urllib3

    stats = Stats()
    http = urllib3.PoolManager(maxsize=args.http_threads, retries=False, timeout=60)
    pool = ThreadPoolExecutor(max_workers=args.http_threads)
    loop = asyncio.get_running_loop()

    def call_sync(name: str, path: str, body: dict | None, headers: dict) -> tuple[int, dict | None, float]:
        started = time.perf_counter()
        try:
            if body is None:  # a read
                response = http.request("GET", site.url + path, headers=headers)
            else:
                response = http.request(
                    "POST", site.url + path, body=json.dumps(body).encode(), headers=headers
                )
        except Exception as exc:  # a refused or dropped connection counts as an error
            with stats.lock:
                stats.statuses["exception"] += 1
                stats.errors.append(f"{name}: {exc!r}")
            return 0, None, time.perf_counter() - started
        elapsed = time.perf_counter() - started
        with stats.lock:
            stats.statuses[response.status] += 1
            stats.by_call[(name, response.status)] += 1
            if response.status >= 500 or response.status in (401, 403):
                stats.errors.append(f"{name} {path}: {response.status} {response.data[:200]!r}")
        try:
            data = json.loads(response.data) if response.data else None
        except ValueError:
            data = None
        return response.status, data, elapsed

    async def call(name: str, path: str, body: dict | None, headers: dict):
        return await loop.run_in_executor(pool, call_sync, name, path, body, headers)

    def customer_headers(session_key: str, csrf: str) -> dict:
        return {
            "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Content-Type": "application/json",
        }

    def agent_headers(token: str) -> dict:
        return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    # ------------------------------------------------------------------ sockets and duty (not timed)
    customers = people["customers"][: args.customers]
    warm = people["customers"][args.customers :]
    agents = people["agents"]
    csrf = {key: secrets.token_hex(16) for _pk, key in people["customers"]}
    sockets: dict[str, Socket] = {}

    async def open_socket(key: str) -> None:
        sock = Socket(site.live_url, site.url, key, stats.frames)
        await sock.open()
        sockets[key] = sock

    keys = [key for _pk, key in customers] + [key for _pk, _token, key in agents]
    for chunk in range(0, len(keys), 50):
        await asyncio.gather(*(open_socket(key) for key in keys[chunk : chunk + 50]))
    agent_queues = {}
    for agent_id, _token, key in agents:
        agent_queues[agent_id] = await sockets[key].subscribe(f"support.agent.{agent_id}")
    # Warm every gunicorn thread's bot index and connections (not timed, not counted).
    await asyncio.gather(
        *(
            call("warm", "/api/v1/support/conversations", {"message": q}, customer_headers(key, csrf[key]))
            for _pk, key in warm
            for q in BOT_QUESTIONS[:4]
        )
    )
    for _agent_id, token, _key in agents:
        status, _data, _t = await call(
            "duty", "/api/v1/support/duty", {"on_duty": True, "capacity": args.capacity}, agent_headers(token)
        )
        assert status == 200, status
    print(f"{len(sockets)} sockets open; {len(agents)} agents on duty (capacity {args.capacity})")

    # ------------------------------------------------------------------ the simulated people
    done = asyncio.Event()
    finished = Counter()

    async def customer(n: int, key: str) -> None:
        my = random.Random(args.seed * 100_003 + n)
        headers = customer_headers(key, csrf[key])
        sock = sockets[key]
        wants_human = my.random() < args.human
        locked_out = wants_human and my.random() < args.safety
        ask_at = my.randint(0, args.messages) if wants_human else -1
        await asyncio.sleep(my.uniform(0, 2))
        first = LOCKED_OUT if locked_out else my.choice(BOT_QUESTIONS)
        status, data, elapsed = await call(
            "start", "/api/v1/support/conversations", {"message": first}, headers
        )
        if status != 201:
            finished["start_failed"] += 1
            return
        stats.bot_http.append(elapsed)
        conv = data["id"]
        topic = f"support.conversation.{conv}"
        frames = await sock.subscribe(topic)
        state = data["status"]
        for i in range(args.messages + 1):
            if state != "bot":
                break  # the bot handed over by itself (timeout or error)
            if i == ask_at:
                status, data, _e = await call(
                    "human", f"/api/v1/support/conversations/{conv}/human", {}, headers
                )
                stats.human_done[conv] = time.time()
                state = data["status"] if status == 200 else state
                break
            if i == args.messages:
                break
            await asyncio.sleep(my.uniform(*args.think))
            status, data, elapsed = await call(
                "message",
                f"/api/v1/support/conversations/{conv}/messages",
                {"text": my.choice(BOT_QUESTIONS)},
                headers,
            )
            if status == 201:
                stats.bot_http.append(elapsed)
                state = data["status"]
        if state == "bot":
            finished["bot_only"] += 1
            return
        # With a human: answer each agent message after a think time, until the agent closes. A socket that
        # stays silent makes the page reload the conversation: a message found so before its frame came
        # counts as missed by the socket.
        answered: set[str] = set()
        give_up = time.monotonic() + args.give_up
        path = f"/api/v1/support/conversations/{conv}"
        closed = False
        while not closed:
            if time.monotonic() > give_up:
                finished["gave_up"] += 1
                return
            for frame in await next_frames(frames, path, headers, polls="customer_polls") or []:
                message = frame.get("message") or {}
                if frame.get("event") == "status" and frame.get("status") == "closed":
                    closed = True
                elif message.get("author") == "agent":
                    stamp = stats.seen(message["text"], polled=frame.get("polled", False))
                    if stamp is not None and stamp not in answered and not closed:
                        answered.add(stamp)
                        give_up = time.monotonic() + args.give_up
                        await asyncio.sleep(my.uniform(*args.think))
                        stamp, text = stats.stamp("c", "好的，谢谢，还有一个问题")
                        stats.sent[stamp] = time.perf_counter()
                        await call("message", f"{path}/messages", {"text": text}, headers)
        await sock.unsubscribe(topic)
        finished["served"] += 1
        if my.random() < 0.5:
            await call("rating", f"{path}/rating", {"score": my.randint(3, 5)}, headers)

    async def next_frames(frames: asyncio.Queue, path: str, headers: dict, *, polls: str) -> list | None:
        """The next frame; after `--poll` s of silence the conversation reloaded over HTTP (its messages and
        status as frames marked `polled`); None when that failed."""
        try:
            return [await asyncio.wait_for(frames.get(), args.poll)]
        except TimeoutError:
            pass
        stats.counters[polls] += 1
        status, data, _e = await call("reload", path, None, headers)
        if status != 200 or not data:
            return None
        incoming = [{"event": "message", "message": m, "polled": True} for m in data["messages"]]
        if data["status"] == "closed":
            incoming.append({"event": "status", "status": "closed", "polled": True})
        return incoming

    async def agent_conversation(agent_id: int, token: str, sock: Socket, conv: int) -> None:
        my = random.Random(agent_id * 7919 + conv)
        headers = agent_headers(token)
        topic = f"support.conversation.{conv}"
        path = f"/api/v1/support/conversations/{conv}"
        frames = await sock.subscribe(topic)
        answered: set[str] = set()
        rounds = my.randint(2, 3)
        for r in range(rounds):
            await asyncio.sleep(my.uniform(*args.agent_think))
            stamp, text = stats.stamp("a", f"您好，我是客服，第 {r + 1} 条回复")
            stats.sent[stamp] = time.perf_counter()
            status, _data, _e = await call(
                "reply", f"/api/v1/support/conversations/{conv}/reply", {"text": text}, headers
            )
            if status != 201:
                break
            give_up, got = time.monotonic() + args.give_up, False  # the customer's answer
            while not got and time.monotonic() < give_up:
                for frame in await next_frames(frames, path, headers, polls="agent_polls") or []:
                    message = frame.get("message") or {}
                    if message.get("author") == "customer":
                        stamp = stats.seen(message["text"], polled=frame.get("polled", False))
                        if stamp is not None and stamp not in answered:
                            answered.add(stamp)
                            got = True
            if not got:
                stats.counters["agent_gave_up"] += 1
                break
        await asyncio.sleep(my.uniform(*args.agent_think))
        await call(
            "close", f"/api/v1/support/conversations/{conv}/close", {"resolution": "answered"}, headers
        )
        await sock.unsubscribe(topic)

    async def agent(agent_id: int, token: str, key: str) -> None:
        sock = sockets[key]
        inbox = agent_queues[agent_id]
        tasks = set()

        def finished_task(task: asyncio.Task) -> None:
            tasks.discard(task)
            if not task.cancelled() and task.exception() is not None:
                stats.errors.append(f"simulated agent {agent_id} failed: {task.exception()!r}")

        while not done.is_set():
            try:
                frame = await asyncio.wait_for(inbox.get(), 0.5)
            except TimeoutError:
                continue
            if frame.get("event") == "assigned":
                stats.counters["assigned_frames"] += 1
                task = asyncio.create_task(agent_conversation(agent_id, token, sock, frame["conversation"]))
                tasks.add(task)
                task.add_done_callback(finished_task)
        await asyncio.gather(*tasks, return_exceptions=True)

    # ------------------------------------------------------------------ the timed window
    t0 = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    agent_tasks = [asyncio.create_task(agent(a, tok, key)) for a, tok, key in agents]
    customer_tasks = [asyncio.create_task(customer(n, key)) for n, (_pk, key) in enumerate(customers)]
    _done, pending = await asyncio.wait(customer_tasks, timeout=args.timeout)
    wall = time.perf_counter() - started
    t1 = dt.datetime.now(dt.UTC)
    for task in pending:
        task.cancel()
    failures = [t.exception() for t in _done if t.exception() is not None]
    done.set()
    await asyncio.gather(*agent_tasks, return_exceptions=True)
    for sock in sockets.values():
        await sock.close()
    pool.shutdown()

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(stats.human_done, f)
    check = CHECK.replace("T0", repr(t0.isoformat())).replace("T1", repr(t1.isoformat()))
    check = check.replace("DONE", repr(f.name))
    db = json.loads(site.manage("shell", "-c", check).stdout.strip().splitlines()[-1])
    os.unlink(f.name)
    per_second = db["per_second"]
    peak = max((sum(per_second[s : s + 5]) / 5 for s in range(max(1, len(per_second) - 4))), default=0)
    c2a, a2c = stats.delivery("c"), stats.delivery("a")
    lost = sum(1 for v in c2a + a2c if v == float("inf"))
    both = c2a + a2c

    def ms(value: float) -> str:
        return "never" if value == float("inf") else f"{value * 1000:.0f} ms"

    think, agent_think = "–".join(map(str, args.think)), "–".join(map(str, args.agent_think))
    print(
        f"parameters: {args.customers} customers ({args.human:.0%} ask for a human, {args.safety:.0%} of "
        f"those locked out first), {args.messages} bot messages after the first, think {think} s, "
        f"{args.agents} agents × capacity {args.capacity}, agent think {agent_think} s, gunicorn "
        f"{os.environ['WEB_WORKERS']} × {os.environ['WEB_THREADS']} threads, {args.http_threads} HTTP "
        f"client threads, seed {args.seed}"
    )
    print(
        f"conversations: {db['conversations']} (statuses {dict(db['statuses'])}); human asked {db['asked']} "
        f"(how {dict(db['human_how'])}, classes {dict(db['classes'])}), assigned {db['assigned']}; "
        f"customers {dict(finished)}"
    )
    print(
        f"messages: {db['messages']} in {wall:.1f} s → {db['messages'] / wall:,.0f} messages/s "
        f"(peak 5 s {peak:,.0f}/s; {dict(db['by_author'])})"
    )
    print(
        f"delivery (POST sent → frame on the other party's socket): p50 {ms(pct(both, 0.5))}, "
        f"p99 {ms(pct(both, 0.99))} over {len(both)} messages (customer→agent p50 {ms(pct(c2a, 0.5))}, "
        f"p99 {ms(pct(c2a, 0.99))}, n={len(c2a)}; agent→customer p50 {ms(pct(a2c, 0.5))}, "
        f"p99 {ms(pct(a2c, 0.99))}, n={len(a2c)}); frames never received {lost}, "
        f"{len(stats.polled)} messages found first by reloading the conversation"
    )
    print(
        f"frames received: {dict(stats.frames)}; assigned in the database {db['assigned']}, "
        f"'assigned' frames to agents {stats.counters['assigned_frames']}"
    )
    print(
        f"bot round trip (HTTP, answer in the response): p50 {ms(pct(stats.bot_http, 0.5))}, "
        f"p99 {ms(pct(stats.bot_http, 0.99))} over {len(stats.bot_http)}"
    )
    waits = db["waits"]
    print(
        f"wait human request → first human reply: p50 {pct(waits, 0.5):.1f} s, p90 {pct(waits, 0.9):.1f} s, "
        f"max {max(waits, default=float('nan')):.1f} s over {len(waits)}"
    )
    print(
        f"queue-order inversions (same safety class): {db['inversions']} (of which the earlier request's "
        f"HTTP answer had come back before the later one was assigned: {db['inversions_committed']}); "
        f"a more urgent class left waiting: {db['class_inversions']} "
        f"(request answered before the other was assigned: {db['class_inversions_committed']})"
    )
    print(f"HTTP statuses {dict(stats.statuses)}; {dict(stats.counters)}")
    print(
        "  by call: " + ", ".join(f"{name} {code}: {n}" for (name, code), n in sorted(stats.by_call.items()))
    )
    for line in stats.errors[:10]:
        print("  " + line)
    for exc in failures[:5]:
        print(f"  simulated customer failed: {exc!r}")
    goals = (
        f"goals: ≥ 300 messages/s {'met' if db['messages'] / wall >= 300 else 'NOT met'}, "
        f"delivery p99 ≤ 300 ms {'met' if both and pct(both, 0.99) <= 0.3 else 'NOT met'}, "
        f"0 inversions {'met' if db['inversions'] == 0 else 'NOT met'}"
    )
    print(goals)
    server_errors = sum(v for k, v in stats.statuses.items() if k == "exception" or int(k) >= 500)
    if server_errors:
        return 2
    return 1 if db["inversions"] else 0


if __name__ == "__main__":
    sys.exit(main())
