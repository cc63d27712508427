from django.urls import path

from fairdesk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("staff/login/", views.staff_login, name="staff_login"),
    path("staff/logout/", views.staff_logout, name="staff_logout"),
]
