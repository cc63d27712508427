from django.urls import path

from fairdesk.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("tech/", views.technician_home, name="technician"),
    path("tech/jobs/<int:job_id>/", views.job_action, name="job_action"),
    path("tech/visits/<int:visit_id>/", views.visit_action, name="visit_action"),
    path("tech/position/", views.position, name="position"),
    path("tech/jobs/<int:job_id>/note/", views.job_note, name="job_note"),
    path("tech/jobs/<int:job_id>/handover/", views.job_handover, name="job_handover"),
    path("tech/jobs/<int:job_id>/opening/", views.job_opening, name="job_opening"),
    path("tech/visits/<int:visit_id>/opening/", views.visit_opening, name="visit_opening"),
    path("tech/opening-records/", views.opening_records, name="opening_records"),
    path("dispatch/", views.board, name="board"),
    path("dispatch/plan/", views.board_plan, name="board_plan"),
    path("dispatch/assign/", views.board_assign, name="board_assign"),
    # Emergencies (moved from bookings; the same addresses).
    path("help-now/", views.help_now, name="help_now"),
    path("help-now/<str:reference>/", views.urgent_status, name="urgent"),
    path(
        "hotline/urgent/<str:reference>/confirm/", views.hotline_urgent_confirm, name="hotline_urgent_confirm"
    ),
]
