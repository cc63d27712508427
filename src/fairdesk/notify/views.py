from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from fairdesk.accounts.sessions import session_customer
from fairdesk.core.errors import DomainError
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
def push_subscribe(request):
    customer = _customer(request)
    if customer is None:
        return JsonResponse({"code": "not_signed_in", "message": "verify your phone first"}, status=401)
    try:
        data = json.loads(request.body or b"{}")
        keys = data.get("keys") or {}
        services.push_subscribe(
            user=customer,
            endpoint=str(data.get("endpoint", "")),
            p256dh=str(keys.get("p256dh", "")),
            auth=str(keys.get("auth", "")),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except (ValueError, AttributeError):
        return JsonResponse({"code": "invalid", "message": "bad subscription"}, status=422)
    except DomainError as exc:
        return JsonResponse({"code": exc.code, "message": str(exc.message)}, status=exc.status)
    return JsonResponse({"subscribed": True, "vapid": bool(settings.FAIRDESK_VAPID_PUBLIC_KEY)}, status=201)


@require_POST
def preferences(request):
    customer = _customer(request)
    if customer is None:
        from django.utils.translation import gettext as _

        from fairdesk.core.pages import error_page

        return error_page(request, _("请先验证手机号，什么都没有改变。"), back="/my/", status=403)
    services.channel_preference_set(
        user=customer, sms="sms" in request.POST, email="email" in request.POST, push="push" in request.POST
    )
    return redirect("bookings:my")
