"""The Aliyun SendSms adapter, against a local server that checks the RPC signature like Aliyun does."""

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fairdesk.notify.gateways import AliyunSms

SECRET = "test-secret"


def expected_signature(query: dict[str, str]) -> str:
    params = {k: v for k, v in query.items() if k != "Signature"}
    enc = lambda s: urllib.parse.quote(s, safe="~")  # noqa: E731
    canonical = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
    to_sign = "GET&%2F&" + enc(canonical)
    return base64.b64encode(hmac.new(f"{SECRET}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


def test_send_sms_is_signed_and_carries_the_key():
    seen = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            query = {
                k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query).items()
            }
            seen.update(query)
            ok = query.get("Signature") == expected_signature(query)
            body = {"Code": "OK", "BizId": "biz-1"} if ok else {"Code": "SignatureDoesNotMatch"}
            data = json.dumps(body).encode()
            self.send_response(200 if ok else 400)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        gateway = AliyunSms(
            access_key_id="AK",
            access_key_secret=SECRET,
            sign_name="fairdesk",
            template_code="SMS_1",
            endpoint=f"http://127.0.0.1:{server.server_address[1]}/",
        )
        result = gateway.send(to="+8613800000001", body="验证码 123456", key="k-1", kind="otp")
    finally:
        server.shutdown()
    assert result.outcome == "sent" and result.gateway_id == "biz-1"
    assert seen["PhoneNumbers"] == "13800000001" and seen["OutId"] == "k-1"
    assert json.loads(seen["TemplateParam"]) == {"content": "验证码 123456"}
