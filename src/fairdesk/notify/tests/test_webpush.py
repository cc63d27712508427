"""Web Push end to end against a local push service: VAPID-signed, encrypted (aes128gcm), decrypted here with
the subscription's private key; a gone subscription (410) is switched off."""

import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from fairdesk.accounts.services import customer_get_or_create
from fairdesk.notify.models import MessageStatus, PushSubscription
from fairdesk.notify.services import message_schedule, messages_dispatch_due

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/api/v1/push/subscriptions"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture
def vapid(settings):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("webpush_keys", stdout=out)
    values = dict(line.split("=", 1) for line in out.getvalue().split())
    settings.FAIRDESK_VAPID_PUBLIC_KEY = values["FAIRDESK_VAPID_PUBLIC_KEY"]
    settings.FAIRDESK_VAPID_PRIVATE_KEY = values["FAIRDESK_VAPID_PRIVATE_KEY"]
    return values


@pytest.fixture
def push_service():
    received, replies = [], []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
            status = replies.pop(0) if replies else 201
            self.send_response(status)
            self.send_header("Location", "/m/1")
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/push/abc", received, replies
    server.shutdown()


def browser_keys():
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return private, public, os.urandom(16)


def test_a_push_reminder_is_encrypted_for_the_browser(vapid, push_service):
    endpoint, received, _replies = push_service
    private, public, auth = browser_keys()
    customer = customer_get_or_create(phone="13800000001")
    subscription = PushSubscription.objects.create(
        user=customer, endpoint=endpoint, p256dh=b64(public), auth=b64(auth)
    )
    message = message_schedule(
        channel="push",
        recipient=str(subscription.pk),
        kind="reminder_2h",
        body="两小时后上门",
        title="fairdesk",
        urgent=True,
    )
    assert messages_dispatch_due() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    request = received[0]
    assert request["headers"]["content-encoding"] == "aes128gcm"
    assert request["headers"]["authorization"].startswith("vapid t=")
    assert request["headers"]["topic"] == str(message.id).replace("-", "")
    payload = json.loads(
        http_ece.decrypt(request["body"], private_key=private, auth_secret=auth, version="aes128gcm")
    )
    assert payload["body"] == "两小时后上门" and payload["url"] == "/my/"


def test_a_gone_subscription_is_switched_off(vapid, push_service):
    endpoint, _received, replies = push_service
    replies.append(410)
    _private, public, auth = browser_keys()
    customer = customer_get_or_create(phone="13800000002")
    subscription = PushSubscription.objects.create(
        user=customer, endpoint=endpoint, p256dh=b64(public), auth=b64(auth)
    )
    message = message_schedule(
        channel="push", recipient=str(subscription.pk), kind="x", body="y", urgent=True
    )
    messages_dispatch_due()
    message.refresh_from_db()
    subscription.refresh_from_db()
    assert message.status == MessageStatus.FAILED and subscription.is_active is False


def test_subscribing_turns_the_push_channel_on(client, vapid):
    from fairdesk.notify.selectors import channels_for

    customer = customer_get_or_create(phone="13800000003")
    session = client.session
    session["verified_phone"] = customer.phone
    session.save()
    _private, public, auth = browser_keys()
    body = {"endpoint": "https://push.example/abc", "keys": {"p256dh": b64(public), "auth": b64(auth)}}
    response = client.post(SUBSCRIBE, json.dumps(body), content_type="application/json")
    assert response.status_code == 201 and response.json() == {"subscribed": True, "vapid": True}
    assert ("push", str(PushSubscription.objects.get().pk)) in channels_for(user=customer)
    assert ("sms", customer.phone) in channels_for(user=customer)
    assert "在这部手机上接收提醒" in client.get("/my/").content.decode()
    assert "showNotification" in client.get("/sw.js").content.decode()


def test_subscribing_needs_a_verified_phone(client):
    body = {"endpoint": "https://push.example/abc", "keys": {"p256dh": "k", "auth": "a"}}
    response = client.post(SUBSCRIBE, json.dumps(body), content_type="application/json")
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"
    assert not PushSubscription.objects.exists()


def _signed_in(phone: str, **client_options):
    from django.test import Client

    customer = customer_get_or_create(phone=phone)
    client = Client(**client_options)
    session = client.session
    session["verified_phone"] = customer.phone
    session.save()
    return customer, client


def test_the_subscription_is_a_ninja_operation_in_the_schema():
    from fairdesk.api import api

    operation = api.get_openapi_schema()["paths"]["/api/v1/push/subscriptions"]["post"]
    assert {"201", "400", "401", "403", "422"} <= {str(status) for status in operation["responses"]}
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in operation["parameters"])


def test_a_session_subscription_needs_json_and_the_csrf_token():
    customer, client = _signed_in("13800000004", enforce_csrf_checks=True)
    body = json.dumps({"endpoint": "https://push.example/csrf", "keys": {"p256dh": "k", "auth": "a"}})
    assert client.post(SUBSCRIBE, body, content_type="application/json").status_code == 401
    client.get("/my/")  # the page sets the CSRF cookie, as in a browser
    token = client.cookies["csrftoken"].value
    as_text = client.generic(
        "POST", SUBSCRIBE, body, content_type="text/plain", headers={"X-CSRFToken": token}
    )
    assert as_text.status_code == 401
    assert not PushSubscription.objects.exists()
    ok = client.post(SUBSCRIBE, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert ok.status_code == 201
    assert PushSubscription.objects.get().user == customer


def test_a_replayed_subscription_returns_the_first_answer_and_a_reused_key_is_refused(settings):
    settings.FAIRDESK_VAPID_PUBLIC_KEY = ""
    _customer, client = _signed_in("13800000005")
    body = {"endpoint": "https://push.example/once", "keys": {"p256dh": "k", "auth": "a"}}
    headers = {"Idempotency-Key": "push-1"}
    first = client.post(SUBSCRIBE, json.dumps(body), content_type="application/json", headers=headers)
    settings.FAIRDESK_VAPID_PUBLIC_KEY = "BNowConfigured"
    again = client.post(SUBSCRIBE, json.dumps(body), content_type="application/json", headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() == {"subscribed": True, "vapid": False}  # the stored first answer
    other = dict(body, endpoint="https://push.example/other")
    reused = client.post(SUBSCRIBE, json.dumps(other), content_type="application/json", headers=headers)
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    assert PushSubscription.objects.count() == 1


def test_bad_subscriptions_are_a_translated_422(settings):
    settings.DEBUG = False
    _customer, client = _signed_in("13800000006")
    plain = {"endpoint": "http://push.example/x", "keys": {"p256dh": "k", "auth": "a"}}
    response = client.post(
        SUBSCRIBE, json.dumps(plain), content_type="application/json", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_subscription"
    assert response.json()["message"] == "The push endpoint must start with https://."
    missing = client.post(
        SUBSCRIBE, json.dumps({"endpoint": "https://push.example/x"}), content_type="application/json"
    )
    assert missing.status_code == 422 and missing.json()["code"] == "invalid"
    assert not PushSubscription.objects.exists()


def test_staff_tokens_cannot_subscribe_a_device():
    from django.test import Client

    from fairdesk.accounts.models import Role
    from fairdesk.accounts.services import api_token_create, staff_create

    staff = staff_create(phone="13800000007", role=Role.AGENT, name="Agent", password=None)
    token = api_token_create(user=staff, label="t")
    body = {"endpoint": "https://push.example/staff", "keys": {"p256dh": "k", "auth": "a"}}
    response = Client().post(
        SUBSCRIBE,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert not PushSubscription.objects.exists()
