from django.urls import path  # noqa: F401 - pages are added by the rules and report modules

app_name = "transparency"
urlpatterns: list = []
