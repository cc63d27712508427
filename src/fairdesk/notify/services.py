"""Scheduling and sending messages.

Sending is claimed, never checked-then-acted: a worker takes a batch with one UPDATE ... WHERE status =
'scheduled' (row locks with SKIP LOCKED on PostgreSQL), so two workers never take the same message. A worker
killed mid-send leaves its claims behind; after the lease they are released and re-sent with the same
idempotency key, which the gateway uses to drop the duplicate.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import socket
from concurrent.futures import ThreadPoolExecutor

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from fairdesk.core import clock
from fairdesk.core.errors import InvalidInput
from fairdesk.core.events import channel_for
from fairdesk.core.services import event_record
from fairdesk.notify import events, quiet_hours
from fairdesk.notify.gateways import SendResult, sms_gateway
from fairdesk.notify.models import (
    Channel,
    ChannelPreference,
    DeliveryAttempt,
    Message,
    MessageStatus,
    PushSubscription,
)
from fairdesk.notify.selectors import channels_for
from fairdesk.notify.webpush import send_push

log = logging.getLogger("fairdesk.notify")
MASK = "******"


def _sealer() -> Fernet:
    """A key of its own, derived from SECRET_KEY (a new SECRET_KEY makes unsent codes unreadable: they
    fail)."""
    digest = hashlib.sha256(f"fairdesk.notify.sealed_body:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _seal(*, body: str, secret: str) -> str:
    return _sealer().encrypt(json.dumps({"body": body, "secret": secret}).encode()).decode()


def _unseal(token: str) -> tuple[str, str] | None:
    try:
        sealed = json.loads(_sealer().decrypt(token.encode()))
    except InvalidToken:
        return None
    return sealed["body"], sealed["secret"]


def message_text(message: Message) -> str:
    """The text as the recipient gets it (the sealed one-time code included): for the sender only, and for
    tests that play the recipient."""
    unsealed = _unseal(message.sealed_body) if message.sealed_body else None
    return unsealed[0] if unsealed else message.body


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def message_build(
    *,
    channel: str,
    recipient: str,
    kind: str,
    body: str,
    due_at: dt.datetime | None = None,
    urgent: bool = False,
    subject_type: str = "",
    subject_id: str | int = "",
    title: str = "",
    secret: str = "",
    expires_at: dt.datetime | None = None,
) -> Message:
    """`secret` (a one-time code) is never stored in clear: the body is kept with it masked, and sealed
    (encrypted) for the sender, who empties the sealed copy once the message is done."""
    sealed = ""
    if secret:
        sealed, body = _seal(body=body, secret=secret), body.replace(secret, MASK)
    due = due_at or clock.now()
    send_at = due
    if channel == Channel.SMS and not urgent:
        send_at = quiet_hours.adjust(due, zone=clock.local_zone(), reminder=kind.startswith("reminder"))
    return Message(
        channel=channel,
        recipient=recipient,
        kind=kind,
        body=body,
        sealed_body=sealed,
        expires_at=expires_at,
        title=title,
        urgent=urgent,
        due_at=due,
        next_attempt_at=send_at,
        subject_type=subject_type,
        subject_id=str(subject_id),
    )


def message_schedule(**fields) -> Message:
    """Schedule one message (see `message_build` for the fields)."""
    message = message_build(**fields)
    message.save(force_insert=True)
    return message


def messages_schedule_many(messages: list[Message]) -> list[Message]:
    """Schedule several built messages in one INSERT (a booking's confirmation and reminders)."""
    return Message.objects.bulk_create(messages)


def customer_messages_build(
    *,
    user,
    kind: str,
    body: str,
    channels: list[tuple[str, str]] | None = None,
    sms_to: str = "",
    due_at: dt.datetime | None = None,
    urgent: bool = False,
    subject_type: str = "",
    subject_id: str | int = "",
) -> list[Message]:
    """THE way anything tells a customer something: one message on each channel the customer chose
    (`notify.selectors.channels_for`: SMS unless they turned it off for email or push; never nobody). Every
    app's messages.py goes through here (or `customer_notify`); `channels` lets a caller pass the pairs it
    already looked up for this customer. Not for one-time codes: those verify the phone, always SMS.

    `sms_to` is the one written exception, for emergencies: an SMS to that number (the one given for the
    emergency) whatever the choice, plus the customer's other chosen channels when `user` is known."""
    if user is None:
        pairs: list[tuple[str, str]] = []
    else:
        pairs = list(channels if channels is not None else channels_for(user=user))
    if sms_to:
        pairs = [("sms", sms_to)] + [(c, r) for c, r in pairs if c != Channel.SMS]
    return [
        message_build(
            channel=channel,
            recipient=recipient,
            kind=kind,
            body=body,
            due_at=due_at,
            urgent=urgent,
            title=body[:60],
            subject_type=subject_type,
            subject_id=subject_id,
        )
        for channel, recipient in pairs
    ]


def customer_notify(**fields) -> list[Message]:
    """Schedule a customer message on their chosen channels (see `customer_messages_build` for the fields)."""
    return messages_schedule_many(customer_messages_build(**fields))


def messages_cancel(*, subject_type: str, subject_id: str | int, kinds: list[str] | None = None) -> int:
    """Cancel what has not been sent yet (e.g. reminders of a cancelled booking)."""
    pending = Message.objects.filter(
        subject_type=subject_type, subject_id=str(subject_id), status=MessageStatus.SCHEDULED
    )
    if kinds:
        pending = pending.filter(kind__in=kinds)
    return pending.update(status=MessageStatus.CANCELLED, sealed_body="")


def _claim_batch(limit: int, worker: str) -> list[Message]:
    now = clock.now()
    with transaction.atomic():
        due = Message.objects.filter(status=MessageStatus.SCHEDULED, next_attempt_at__lte=now).order_by(
            "next_attempt_at"
        )
        if connection.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        if not ids:
            return []
        Message.objects.filter(id__in=ids, status=MessageStatus.SCHEDULED).update(
            status=MessageStatus.SENDING, claimed_by=worker, claimed_at=now, attempts=F("attempts") + 1
        )
    # Only what this worker really claimed (on SQLite another worker may have won some rows).
    return list(
        Message.objects.filter(id__in=ids, status=MessageStatus.SENDING, claimed_by=worker, claimed_at=now)
    )


def _deliver(
    message: Message, subscriptions: dict | None = None, now: dt.datetime | None = None
) -> SendResult:
    """Talk to the gateway. No database access here: this runs in the sending threads."""
    if message.expires_at is not None and now is not None and now >= message.expires_at:
        return SendResult("failed", response="expired before it could be sent")
    if not message.sealed_body:
        return _deliver_body(message, message.body, subscriptions)
    unsealed = _unseal(message.sealed_body)
    if unsealed is None:
        return SendResult("failed", response="sealed body unreadable (SECRET_KEY changed)")
    body, secret = unsealed
    result = _deliver_body(message, body, subscriptions)
    # Whatever the gateway echoes goes to the delivery log: never with the code in it.
    return dataclasses.replace(
        result,
        response=result.response.replace(secret, MASK),
        gateway_id=result.gateway_id.replace(secret, MASK),
    )


def _deliver_body(message: Message, body: str, subscriptions: dict | None) -> SendResult:
    if message.channel == Channel.SMS:
        return sms_gateway().send(to=message.recipient, body=body, key=str(message.id), kind=message.kind)
    if message.channel == Channel.EMAIL:
        email = EmailMessage(
            message.title or message.kind,
            body,
            to=[message.recipient],
            headers={"Idempotency-Key": str(message.id), "Message-ID": f"<{message.id}@fairdesk>"},
        )
        try:
            email.send()
        except OSError as exc:
            return SendResult("retry", response=str(exc)[:500])
        return SendResult("sent", gateway_id=str(message.id))
    if message.channel == Channel.PUSH:
        subscription = (subscriptions or {}).get(message.recipient)
        if subscription is None:
            return SendResult("failed", response="subscription gone")
        return send_push(
            subscription=subscription,
            title=message.title or "fairdesk",
            body=body,
            url="/my/",
            key=str(message.id),
        )
    return SendResult("failed", response=f"channel {message.channel} is not configured")


def _apply(message: Message, result: SendResult, now: dt.datetime) -> str:
    """Set the message's fields from the gateway's answer; returns the outcome recorded."""
    outcome = result.outcome
    if outcome == "retry" and message.attempts >= settings.FAIRDESK_NOTIFY_MAX_ATTEMPTS:
        outcome = "failed"
    message.claimed_by, message.claimed_at = "", None
    if outcome != "retry":
        message.sealed_body = ""  # done with it: the code is gone from the database
    if outcome == "sent":
        message.status, message.sent_at, message.last_error = MessageStatus.SENT, now, ""
        message.gateway_message_id = result.gateway_id[:100]
    elif outcome == "retry":
        backoff = min(2**message.attempts * 5, 3600)  # 10 s, 20 s, 40 s ... capped at an hour
        message.status = MessageStatus.SCHEDULED
        message.next_attempt_at = now + dt.timedelta(seconds=backoff)
        message.last_error = result.response[:500]
    else:
        message.status, message.last_error = MessageStatus.FAILED, result.response[:500]
    return outcome


_RECORDED_FIELDS = [
    "status",
    "sent_at",
    "gateway_message_id",
    "last_error",
    "next_attempt_at",
    "claimed_by",
    "claimed_at",
    "sealed_body",
]


def _record_batch(batch: list[Message], results: list[SendResult], worker: str) -> None:
    """Write a whole batch's answers in one transaction: one UPDATE and one INSERT for the batch."""
    now = clock.now()
    with transaction.atomic():
        # Only the claim holder may record: a stale worker that wakes up late changes nothing.
        held_rows = Message.objects.filter(
            id__in=[m.id for m in batch], status=MessageStatus.SENDING, claimed_by=worker
        )
        if connection.vendor == "postgresql":
            held_rows = held_rows.select_for_update()
        held = set(held_rows.values_list("id", flat=True))
        changed, log = [], []
        for message, result in zip(batch, results, strict=True):
            outcome = _apply(message, result, now)
            if message.id in held:
                changed.append(message)
            log.append(
                DeliveryAttempt(
                    message_id=message.id,
                    worker=worker,
                    at=now,
                    outcome=outcome if message.id in held else "stale",
                    http_status=result.http_status,
                    response=result.response[:500],
                )
            )
        sent = [m for m in changed if m.status == MessageStatus.SENT]
        if sent:
            # The common case in two statements: one UPDATE for the shared fields, one pipelined executemany
            # for the gateway ids (Django's bulk_update builds a CASE per row and field: far slower here).
            Message.objects.filter(id__in=[m.id for m in sent]).update(
                status=MessageStatus.SENT,
                sent_at=now,
                last_error="",
                claimed_by="",
                claimed_at=None,
                sealed_body="",
            )
            table = connection.ops.quote_name(Message._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET gateway_message_id = %s WHERE id = %s",  # noqa: S608 - our table name
                    [
                        (m.gateway_message_id, Message._meta.pk.get_db_prep_value(m.id, connection))
                        for m in sent
                    ],
                )
        others = [m for m in changed if m.status != MessageStatus.SENT]
        if others:
            Message.objects.bulk_update(others, _RECORDED_FIELDS, batch_size=500)
        DeliveryAttempt.objects.bulk_create(log, batch_size=500)


def _push_subscriptions(batch: list[Message]) -> dict[str, PushSubscription]:
    ids = [m.recipient for m in batch if m.channel == Channel.PUSH and m.recipient.isdigit()]
    if not ids:
        return {}
    return {str(s.pk): s for s in PushSubscription.objects.filter(pk__in=ids, is_active=True)}


def messages_dispatch_due(
    *, limit: int | None = None, worker: str | None = None, max_batches: int = 50
) -> int:
    """Send what is due, in batches, several at a time. Returns how many were handed to a gateway."""
    worker = worker or worker_name()
    batch_size = limit or settings.FAIRDESK_NOTIFY_BATCH
    handled = 0
    with ThreadPoolExecutor(max_workers=settings.FAIRDESK_NOTIFY_THREADS) as pool:
        for _ in range(max_batches):
            batch = _claim_batch(batch_size, worker)
            if not batch:
                break
            subscriptions = _push_subscriptions(batch)
            now = clock.now()
            results = list(pool.map(lambda m, subs=subscriptions, at=now: _deliver(m, subs, at), batch))
            _record_batch(batch, results, worker)
            gone = [
                subscriptions[m.recipient].pk
                for m, r in zip(batch, results, strict=True)
                if m.channel == Channel.PUSH and r.http_status in {404, 410} and m.recipient in subscriptions
            ]
            if gone:
                push_subscriptions_remove(ids=gone, reason="gone")
            handled += len(batch)
    return handled


@transaction.atomic
def push_subscriptions_remove(*, ids: list[int], reason: str) -> int:
    """Stop using these browsers (reason `gone`: the push service answered 404/410). Each is claimed by a
    conditional UPDATE, so two workers never record the same removal twice."""
    removed = 0
    for subscription in PushSubscription.objects.filter(pk__in=ids, is_active=True).select_related("user"):
        if PushSubscription.objects.filter(pk=subscription.pk, is_active=True).update(is_active=False):
            removed += 1
            event_record(
                kind=events.PUSH_SUBSCRIPTION_REMOVED,
                subject=subscription.user,
                actor_label="notify",
                payload={"subscription": subscription.pk, "reason": reason},
            )
    return removed


@transaction.atomic
def push_subscribe(*, user, endpoint: str, p256dh: str, auth: str, user_agent: str = "") -> PushSubscription:
    """Remember this browser for the customer and turn the push channel on for them."""

    if not endpoint.startswith("https://") and not settings.DEBUG:
        raise InvalidInput(_("推送地址必须以 https:// 开头。"), code="invalid_subscription")
    if not (endpoint and p256dh and auth):
        raise InvalidInput(_("推送订阅缺少 endpoint、p256dh 或 auth。"), code="invalid_subscription")
    fields = {"user": user, "p256dh": p256dh[:200], "auth": auth[:100], "is_active": True}
    known = PushSubscription.objects.select_for_update().filter(endpoint=endpoint[:1000]).first()
    before = None if known is None else (known.user_id, known.p256dh, known.auth, known.is_active)
    subscription, created = PushSubscription.objects.update_or_create(
        endpoint=endpoint[:1000], defaults={**fields, "user_agent": user_agent[:300]}
    )
    channel = channel_for(user)
    if created:
        event_record(
            kind=events.PUSH_SUBSCRIPTION_ADDED,
            subject=user,
            actor=user,
            payload={"subscription": subscription.pk, "channel": channel},
        )
    elif before != (user.pk, fields["p256dh"], fields["auth"], True):  # the same browser again is no change
        event_record(
            kind=events.PUSH_SUBSCRIPTION_REPLACED,
            subject=user,
            actor=user,
            payload={
                "subscription": subscription.pk,
                "from_user": before[0],
                "was_active": before[3],
                "channel": channel,
            },
        )
    preference, _created = ChannelPreference.objects.select_for_update().get_or_create(user=user)
    if not preference.push:
        old = _channels(preference)
        preference.push = True
        preference.save(update_fields=["push"])
        _preference_changed(user=user, old=old, preference=preference, actor=user)
    return subscription


def _channels(preference) -> list[str]:
    return [name for name in ("sms", "email", "push") if getattr(preference, name)]


def _preference_changed(*, user, old: list[str], preference, actor) -> None:
    """Record a change of the customer's channels (none when the set is the same)."""
    new = _channels(preference)
    if new != old:
        event_record(
            kind=events.CHANNEL_PREFERENCE_CHANGED,
            subject=user,
            actor=actor,
            payload={"old_channels": old, "new_channels": new, "channel": channel_for(actor)},
        )


@transaction.atomic
def channel_preference_set(*, user, sms: bool, email: bool, push: bool):
    """The customer's choice of channels. SMS stays on while it is the only way to reach them."""
    preference, _created = ChannelPreference.objects.select_for_update().get_or_create(user=user)
    old = _channels(preference)
    has_push = user.push_subscriptions.filter(is_active=True).exists()
    preference.sms = sms or not ((email and user.email) or (push and has_push))
    preference.email, preference.push = email and bool(user.email), push and has_push
    preference.save()
    _preference_changed(user=user, old=old, preference=preference, actor=user)
    return preference


def messages_release_stale() -> int:
    """Claims older than the lease belong to a worker that died: give them back (same idempotency key)."""
    cutoff = clock.now() - dt.timedelta(seconds=settings.FAIRDESK_NOTIFY_LEASE_SECONDS)
    return Message.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=cutoff).update(
        status=MessageStatus.SCHEDULED, claimed_by="", claimed_at=None, next_attempt_at=clock.now()
    )
