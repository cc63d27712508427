from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy

from fairdesk.accounts.views import staff_login
from fairdesk.api import api
from fairdesk.dispatch.photos import job_photo, opening_photo

admin.site.site_header = gettext_lazy("fairdesk 后台")
admin.site.site_title = "fairdesk"
admin.site.index_title = gettext_lazy("管理")
admin.site.login = staff_login  # one sign-in page (and one password throttle) for staff

urlpatterns = [
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's): the site's own, from static.
    path("favicon.ico", lambda request: redirect(static("fairdesk/favicon.svg")), name="favicon"),
    path("api/v1/", api.urls),
    # Job photos only through a view that checks who may see the job; MEDIA_ROOT is never served raw.
    path("tech/photos/<int:note_id>/", job_photo, name="job_photo"),
    path("tech/opening-records/<int:record_id>/photo/", opening_photo, name="opening_photo"),
    path("", include("fairdesk.accounts.urls")),
    path("", include("fairdesk.regions.urls")),
    path("", include("fairdesk.bookings.urls")),
    path("", include("fairdesk.notify.urls")),
    path("", include("fairdesk.dispatch.urls")),
    path("", include("fairdesk.knowledge.urls")),
    path("", include("fairdesk.plans.urls")),
    path("", include("fairdesk.courses.urls")),
    path("", include("fairdesk.support.urls")),
    path("", include("fairdesk.complaints.urls")),
    path("", include("fairdesk.transparency.urls")),
    path("", include("fairdesk.core.urls")),
]

# Django's own refusals and failures in the site's look and the caller's language (JSON under /api/).
handler400 = "fairdesk.core.pages.bad_request"
handler403 = "fairdesk.core.pages.permission_denied"
handler404 = "fairdesk.core.pages.page_not_found"
handler500 = "fairdesk.core.pages.server_error"
