from django.urls import path

from fairdesk.bookings import views

app_name = "bookings"
urlpatterns = [
    path("book/", views.book, name="book"),
    path("book/code/", views.send_code, name="send_code"),
    path("book/confirm/", views.book_confirm, name="confirm"),
    path("my/", views.my_bookings, name="my"),
    path("my/<str:reference>/", views.booking_detail, name="detail"),
    path("my/<str:reference>/cancel/", views.booking_cancel, name="cancel"),
    path("my/<str:reference>/reschedule/", views.booking_reschedule, name="reschedule"),
    path("my/<str:reference>/calendar.ics", views.booking_calendar, name="calendar"),
    path("hotline/", views.hotline, name="hotline"),
    path("hotline/book/", views.hotline_book, name="hotline_book"),
    path("hotline/note/", views.hotline_note, name="hotline_note"),
]
