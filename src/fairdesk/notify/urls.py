from django.urls import path

from fairdesk.notify import views

app_name = "notify"
urlpatterns = [
    path("sw.js", views.service_worker, name="service_worker"),
    path("notify/preferences/", views.preferences, name="preferences"),
    path("notify/sms/inbound/", views.sms_inbound, name="sms_inbound"),
]
