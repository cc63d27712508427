from django.urls import path

from fairdesk.courses import views

app_name = "courses"
urlpatterns = [
    path("learn/", views.course_list, name="list"),
    path("learn/verify/", views.verify, name="verify"),
    path("learn/certificates/<str:certificate_code>/", views.certificate_check, name="certificate_check"),
    path("learn/media/<int:lesson_id>/<str:kind>/", views.lesson_media, name="media"),
    path("learn/<slug:code>/", views.course_detail, name="course"),
    path("learn/<slug:code>/lessons/<int:order>/", views.lesson_detail, name="lesson"),
    path("learn/<slug:code>/lessons/<int:order>/done/", views.lesson_done, name="lesson_done"),
    path("learn/<slug:code>/quiz/", views.quiz, name="quiz"),
    path("learn/<slug:code>/certificate/", views.certificate, name="certificate"),
    path("l/<str:short_code>", views.short_link, name="short"),
]
