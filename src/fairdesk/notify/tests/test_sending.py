"""Messages go through a real local HTTP gateway: sent once, retried with backoff, logged, never doubled."""

import datetime as dt

import pytest

from fairdesk.core import clock
from fairdesk.notify import quiet_hours
from fairdesk.notify.models import DeliveryAttempt, Message, MessageStatus
from fairdesk.notify.services import message_schedule, messages_dispatch_due, messages_release_stale
from fairdesk.testing.sms_gateway import LocalSmsGateway

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai


@pytest.fixture
def gateway(settings):
    with LocalSmsGateway() as gw:
        settings.FAIRDESK_SMS_BACKEND = "webhook"
        settings.FAIRDESK_SMS_WEBHOOK_URL = gw.url
        yield gw


def test_a_due_message_is_sent_once_and_logged(gateway):
    with clock.frozen_at(NOON):
        message = message_schedule(channel="sms", recipient="+8613800000001", kind="test", body="你好")
        assert messages_dispatch_due() == 1
        assert messages_dispatch_due() == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.gateway_message_id
    assert gateway.state.messages()[0]["body"] == "你好"
    assert gateway.state.stats() == {"requests": 1, "delivered": 1, "duplicates": 0}
    assert list(DeliveryAttempt.objects.values_list("outcome", "http_status")) == [("sent", 200)]


def test_messages_not_yet_due_wait(gateway):
    with clock.frozen_at(NOON):
        message_schedule(
            channel="sms",
            recipient="+8613800000001",
            kind="test",
            body="later",
            due_at=NOON + dt.timedelta(hours=1),
        )
        assert messages_dispatch_due() == 0
    with clock.frozen_at(NOON + dt.timedelta(hours=1)):
        assert messages_dispatch_due() == 1


def test_gateway_errors_are_retried_with_backoff_then_sent(gateway):
    gateway.state.fail_first = 2
    with clock.frozen_at(NOON):
        message = message_schedule(channel="sms", recipient="+8613800000001", kind="test", body="retry me")
        messages_dispatch_due()
    message.refresh_from_db()
    assert message.status == MessageStatus.SCHEDULED and message.attempts == 1
    assert message.next_attempt_at == NOON + dt.timedelta(seconds=10)
    with clock.frozen_at(NOON + dt.timedelta(seconds=10)):
        messages_dispatch_due()
    with clock.frozen_at(NOON + dt.timedelta(seconds=30)):
        messages_dispatch_due()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 3
    assert [a.outcome for a in message.attempt_log.all()] == ["retry", "retry", "sent"]
    assert gateway.state.stats()["delivered"] == 1


def test_a_refused_message_fails_without_retry(settings):
    with LocalSmsGateway() as gw:
        settings.FAIRDESK_SMS_BACKEND = "webhook"
        settings.FAIRDESK_SMS_WEBHOOK_URL = gw.base + "/nowhere"  # 404: refused for good
        with clock.frozen_at(NOON):
            message = message_schedule(channel="sms", recipient="+8613800000001", kind="test", body="x")
            messages_dispatch_due()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and "not found" in message.last_error


def test_a_claim_left_by_a_dead_worker_is_resent_with_the_same_key(gateway):
    with clock.frozen_at(NOON):
        message = message_schedule(channel="sms", recipient="+8613800000001", kind="test", body="once")
        messages_dispatch_due()
        # Simulate a worker that delivered, then died before recording: the row is still "sending".
        Message.objects.filter(pk=message.pk).update(
            status=MessageStatus.SENDING, claimed_by="dead:1", claimed_at=NOON
        )
    with clock.frozen_at(NOON + dt.timedelta(seconds=30)):
        assert messages_release_stale() == 0  # within the lease: maybe still working
    with clock.frozen_at(NOON + dt.timedelta(minutes=2)):
        assert messages_release_stale() == 1
        messages_dispatch_due()
    stats = gateway.state.stats()
    assert stats["requests"] == 2 and stats["delivered"] == 1 and stats["duplicates"] == 1


def test_quiet_hours_hold_non_urgent_sms_but_not_codes(gateway):
    night = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)  # 23:00 in Shanghai
    with clock.frozen_at(night):
        plain = message_schedule(
            channel="sms", recipient="+8613800000001", kind="booking_confirmed", body="a"
        )
        reminder = message_schedule(
            channel="sms",
            recipient="+8613800000001",
            kind="reminder_2h",
            body="b",
            due_at=dt.datetime(2026, 12, 1, 22, 0, tzinfo=dt.UTC),
        )  # 06:00 local
        code = message_schedule(channel="sms", recipient="+8613800000001", kind="otp", body="c", urgent=True)
    assert plain.next_attempt_at == dt.datetime(2026, 12, 2, 0, 0, tzinfo=dt.UTC)  # 08:00 local
    assert reminder.next_attempt_at == dt.datetime(
        2026, 12, 1, 13, 59, tzinfo=dt.UTC
    )  # 21:59 the evening before
    assert code.next_attempt_at == night


@pytest.mark.parametrize(("hour", "quiet"), [(21, False), (22, True), (3, True), (8, False)])
def test_quiet_hours_window(hour, quiet):
    import zoneinfo

    zone = zoneinfo.ZoneInfo("Asia/Shanghai")
    assert quiet_hours.in_quiet_hours(dt.datetime(2026, 12, 1, hour, 30, tzinfo=zone), zone) is quiet
