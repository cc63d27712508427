from django.urls import path

from fairdesk.plans import views

app_name = "plans"
urlpatterns = [
    path("plan/", views.my_plan, name="my_plan"),
    path("plan/auto-renew/", views.auto_renew, name="auto_renew"),
    path("plan/demo-clock/", views.demo_clock, name="demo_clock"),
    path("plan/<str:action>/", views.action_page, name="action"),
    path("plan/<str:action>/confirm/", views.action_confirm, name="confirm"),
    path("plans/auto-renew-off/<str:token>/", views.auto_renew_off, name="auto_renew_off"),
]
