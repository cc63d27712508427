"""The site's URLs plus `POST /test-live/publish/` {"topic", "payload", "rollback"?}, which calls
`core.live.publish` inside the request's transaction (and rolls it back when asked). Only the live channel's
test servers use it (fairdesk.core.tests.settings_live)."""

from __future__ import annotations

import json

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from fairdesk import urls as site_urls
from fairdesk.core import live


class _Rollback(Exception):
    pass


@csrf_exempt
@require_POST
def publish_view(request):
    body = json.loads(request.body)
    try:
        with transaction.atomic():
            live.publish(body["topic"], body.get("payload") or {})
            if body.get("rollback"):
                raise _Rollback
    except _Rollback:
        return HttpResponse(status=204)
    return JsonResponse({"published": body["topic"]})


urlpatterns = [
    path("test-live/publish/", publish_view),
    path("", include("fairdesk.urls")),
]
handler400, handler403 = site_urls.handler400, site_urls.handler403
handler404, handler500 = site_urls.handler404, site_urls.handler500
