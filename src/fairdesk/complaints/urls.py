from django.urls import path

from fairdesk.complaints import views

# The converter is `complaint`, not `reference`: the access matrix fills `<reference>` with a booking's.
app_name = "complaints"
urlpatterns = [
    path("complaints/", views.complaints_mine, name="mine"),
    path("complaints/new/", views.complaint_new, name="new"),
    path("complaints/code/", views.send_code, name="send_code"),
    path("complaints/desk/", views.desk, name="desk"),
    path("complaints/desk/<str:complaint>/", views.desk_detail, name="desk_detail"),
    path("complaints/desk/<str:complaint>/contact/", views.desk_contact, name="desk_contact"),
    path("complaints/desk/<str:complaint>/request-info/", views.desk_request_info, name="desk_request_info"),
    path("complaints/desk/<str:complaint>/respond/", views.desk_respond, name="desk_respond"),
    path("complaints/<str:complaint>/", views.complaint_detail, name="detail"),
    path("complaints/<str:complaint>/reply/", views.complaint_reply, name="reply"),
    path("complaints/<str:complaint>/accept/", views.complaint_accept, name="accept"),
    path("complaints/<str:complaint>/dispute/", views.complaint_dispute, name="dispute"),
    path("complaints/<str:complaint>/record.txt", views.complaint_record, name="record"),
]
