from django.urls import path

from fairdesk.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("help/", views.help_home, name="help"),
    path("help/suggest/", views.suggest, name="suggest"),
    path("help/locked-out/", views.locked_out, name="locked_out"),
    path("help/<slug:slug>/", views.article, name="article"),
    path("help/<slug:slug>/feedback/", views.feedback, name="feedback"),
]
