from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from fairdesk.accounts.sessions import session_customer
from fairdesk.core.pages import error_page
from fairdesk.notify import services

SERVICE_WORKER = """// fairdesk service worker: shows reminders sent by Web Push.
self.addEventListener("push", (event) => {
  let data = {title: "fairdesk", body: "", url: "/my/"};
  try { data = Object.assign(data, event.data ? event.data.json() : {}); }
  catch (e) { data.body = event.data.text(); }
  const options = {body: data.body, tag: data.tag, data: data};
  event.waitUntil(self.registration.showNotification(data.title, options));
});
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(clients.openWindow((event.notification.data && event.notification.data.url) || "/my/"));
});
"""


def _customer(request):
    return session_customer(request)


@require_GET
def service_worker(request):
    response = HttpResponse(SERVICE_WORKER, content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_POST
def preferences(request):
    customer = _customer(request)
    if customer is None:
        return error_page(request, _("请先验证手机号，什么都没有改变。"), back="/my/", status=403)
    services.channel_preference_set(
        user=customer, sms="sms" in request.POST, email="email" in request.POST, push="push" in request.POST
    )
    return redirect("bookings:my")


@csrf_exempt  # a server-to-server webhook: the gateway's bearer token is the credential, not a cookie
@require_POST
def sms_inbound(request):
    """The SMS gateway's inbound webhook (notify/inbound.py)."""
    import hmac
    import json

    from django.conf import settings
    from django.http import JsonResponse

    from fairdesk.core.errors import DomainError
    from fairdesk.notify.inbound import sms_receive

    token = settings.FAIRDESK_SMS_INBOUND_TOKEN
    if not token:
        return JsonResponse({"code": "not_found", "message": _("没有找到。")}, status=404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        return JsonResponse({"code": "unauthorized", "message": _("短信网关令牌无效。")}, status=401)
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return JsonResponse(
                {"code": "bad_request", "message": _("请求内容无法解析，请发送有效的 JSON。")}, status=400
            )
    else:
        data = request.POST
    try:
        row, new = sms_receive(
            gateway_id=str(data.get("id", "")),
            phone=str(data.get("from", "")),
            text=str(data.get("text", "")),
        )
    except DomainError as exc:
        return JsonResponse({"code": exc.code, "message": str(exc.message)}, status=exc.status)
    return JsonResponse({"id": row.gateway_id, "new": new, "handled_by": row.handled_by}, status=200)
