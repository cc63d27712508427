from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from fairdesk.api import api

admin.site.site_header = "fairdesk 后台"
admin.site.site_title = "fairdesk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("fairdesk.regions.urls")),
    path("", include("fairdesk.bookings.urls")),
    path("", include("fairdesk.notify.urls")),
    path("", include("fairdesk.dispatch.urls")),
    path("", include("fairdesk.plans.urls")),
    path("", include("fairdesk.core.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
