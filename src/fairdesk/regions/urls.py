from django.urls import path

from fairdesk.regions import views

app_name = "regions"
urlpatterns = [
    path("coverage/", views.coverage_page, name="coverage"),
    path("coverage/check/", views.coverage_check, name="coverage_check"),
    path("coverage/demand/", views.coverage_demand, name="coverage_demand"),
    path("coverage/map.svg", views.coverage_map, name="coverage_map"),
]
