"""One-time codes are never stored in clear: the message keeps the body with ****** and a sealed (encrypted)
copy for the sender, emptied once the message is sent, failed, cancelled or expired. The phone still gets the
real code (a real local gateway receives it)."""

import datetime as dt
import re

import pytest
from django.db import connection

from fairdesk.accounts.verification import phone_code_send, phone_code_verify
from fairdesk.core import clock
from fairdesk.notify.models import DeliveryAttempt, Message, MessageStatus
from fairdesk.notify.services import message_schedule, messages_cancel, messages_dispatch_due
from fairdesk.testing.sms_gateway import LocalSmsGateway

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.UTC)
PHONE = "+8613800000001"


@pytest.fixture
def gateway(settings):
    with LocalSmsGateway() as gw:
        settings.FAIRDESK_SMS_BACKEND = "webhook"
        settings.FAIRDESK_SMS_WEBHOOK_URL = gw.url
        yield gw


def stored_text() -> str:
    """Every column of every row of the message table and the delivery log, as the database holds them."""
    rows = []
    with connection.cursor() as cursor:
        for model in (Message, DeliveryAttempt):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            rows += [" ".join(str(value) for value in row) for row in cursor.fetchall()]
    return "\n".join(rows)


def received_code(gateway) -> str:
    return re.search(r"\d{6}", gateway.state.messages(PHONE)[-1]["body"])[0]


def test_a_sent_code_reaches_the_phone_and_is_nowhere_in_the_database(gateway):
    with clock.frozen_at(NOON):
        phone_code_send(phone=PHONE)
        message = Message.objects.get(kind="otp")
        assert "******" in message.body and not re.search(r"\d{6}", message.body)
        assert message.sealed_body  # kept for the sender, encrypted
        assert messages_dispatch_due() == 1
    code = received_code(gateway)
    assert code not in stored_text()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sealed_body == ""
    assert DeliveryAttempt.objects.filter(message=message, outcome="sent").exists()
    with clock.frozen_at(NOON + dt.timedelta(seconds=30)):
        assert phone_code_verify(phone=PHONE, code=code) == PHONE  # the code the phone got works


def test_before_sending_the_code_is_only_sealed(gateway):
    with clock.frozen_at(NOON):
        phone_code_send(phone=PHONE)
    sealed = Message.objects.get(kind="otp").sealed_body
    with clock.frozen_at(NOON):
        messages_dispatch_due()
    code = received_code(gateway)
    # It was not in clear at rest before sending either: the sealed copy does not contain it.
    assert code not in sealed


def test_a_code_not_sent_before_it_expires_is_never_sent_and_forgotten(gateway):
    gateway.state.fail_first = 100  # the gateway is down for longer than the code lives
    with clock.frozen_at(NOON):
        phone_code_send(phone=PHONE)
        messages_dispatch_due()
    message = Message.objects.get(kind="otp")
    assert message.status == MessageStatus.SCHEDULED and message.sealed_body
    with clock.frozen_at(NOON + dt.timedelta(minutes=5, seconds=1)):
        messages_dispatch_due()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and "expired" in message.last_error
    assert message.sealed_body == ""
    assert gateway.state.stats()["delivered"] == 0
    assert [a.outcome for a in message.attempt_log.all()] == ["retry", "failed"]


def test_a_cancelled_secret_message_is_forgotten(gateway):
    with clock.frozen_at(NOON):
        message = message_schedule(
            channel="sms",
            recipient=PHONE,
            kind="otp",
            body="code 424242",
            secret="424242",
            subject_type="t",
            subject_id=1,
        )
    assert messages_cancel(subject_type="t", subject_id=1) == 1
    message.refresh_from_db()
    assert message.body == "code ******" and message.sealed_body == ""
    assert "424242" not in stored_text()


def test_a_gateway_echoing_the_code_does_not_put_it_in_the_log(settings):
    """Some providers repeat the text in an error; the delivery log masks the code."""
    import http.server
    import threading

    class Echo(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(400)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": "rejected", "request": ' + body + b"}")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.FAIRDESK_SMS_BACKEND = "webhook"
        settings.FAIRDESK_SMS_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/send"
        with clock.frozen_at(NOON):
            message_schedule(channel="sms", recipient=PHONE, kind="otp", body="code 515151", secret="515151")
            messages_dispatch_due()
    finally:
        server.shutdown()
    attempt = DeliveryAttempt.objects.get()
    assert attempt.http_status == 400 and "rejected" in attempt.response and "******" in attempt.response
    assert "515151" not in stored_text()
