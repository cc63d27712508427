from django.urls import path

from fairdesk.support import views

app_name = "support"
urlpatterns = [
    path("support/", views.home, name="home"),
    path("support/send/", views.send, name="send"),
    path("support/human/", views.human, name="human"),
    path("support/callback/", views.callback, name="callback"),
    path("support/always-human/", views.always_human, name="always_human"),
    path("support/rate/", views.rate, name="rate"),
    path("support/end/", views.end, name="end"),
    path("support/desk/", views.desk, name="desk"),
    path("support/desk/next/", views.desk_next, name="desk_next"),
    path("support/desk/duty/", views.desk_duty, name="desk_duty"),
    path("support/desk/open/", views.desk_open, name="desk_open"),
    path("support/desk/<int:conversation_id>/", views.desk_conversation, name="desk_conversation"),
    path("support/desk/<int:conversation_id>/reply/", views.desk_reply, name="desk_reply"),
    path("support/desk/<int:conversation_id>/transfer/", views.desk_transfer, name="desk_transfer"),
    path("support/desk/<int:conversation_id>/close/", views.desk_close, name="desk_close"),
]
