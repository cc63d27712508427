from django.urls import path

from fairdesk.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("demo-clock/back/", views.demo_clock_back, name="demo_clock_back"),
]
