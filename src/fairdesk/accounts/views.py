"""Staff sign in on their own page (not the back office's) and out with one button; each role lands on its
own work page. Passwords go through the throttled backend (accounts.backends), like the back office's."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import resolve_url
from django.views.decorators.http import require_POST

from fairdesk.accounts.permissions import staff_home


class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/staff_login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return resolve_url(staff_home(self.request.user))


staff_login = StaffLoginView.as_view()
staff_logout = require_POST(auth_views.LogoutView.as_view(next_page="core:home"))
