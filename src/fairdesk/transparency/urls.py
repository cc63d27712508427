from django.urls import path  # pages are added by the rules and report modules

from fairdesk.transparency import views_report, views_rules

app_name = "transparency"
urlpatterns: list = []
urlpatterns += [
    path("transparency/", views_report.report_page, name="report"),
    path("transparency/report.csv", views_report.report_csv, name="report_csv"),
]
urlpatterns += [  # published rules and provider scores (views_rules.py)
    path("rules/", views_rules.rules_list, name="rules"),
    path("rules/<slug:code>/", views_rules.rule_detail, name="rule"),
    path("providers/me/", views_rules.provider_me, name="provider_me"),
    path("providers/<int:station_id>/", views_rules.provider_station, name="provider"),
    path("providers/<int:station_id>/appeal/", views_rules.provider_appeal, name="provider_appeal"),
    path(
        "providers/appeals/<int:appeal_id>/answer/",
        views_rules.provider_appeal_answer,
        name="provider_appeal_answer",
    ),
]
