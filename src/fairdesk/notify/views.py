from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
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
