from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from fairdesk.core.admin_audit import (
    AuditedAdmin,
    LabelledStackedInline,
    LabelledTabularInline,
    ReadOnlyAdmin,
)
from fairdesk.courses import media
from fairdesk.courses.models import Course, CourseProgress, Lesson, QuizChoice, QuizQuestion, ShortLink
from fairdesk.courses.services import course_short_link_ensure, lesson_media_set


class LessonForm(forms.ModelForm):
    """Images are recognised and re-encoded by Pillow, videos by their first bytes; refused with why."""

    class Meta:
        model = Lesson
        fields = (
            "course",
            "order",
            "title_zh",
            "title_en",
            "body_zh",
            "body_en",
            "image",
            "image_alt_zh",
            "image_alt_en",
            "video",
        )

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload and hasattr(upload, "content_type"):  # a new upload (not the stored file)
            try:
                media.image_reencode(upload)
            except media.MediaInvalid as exc:
                raise ValidationError(str(exc.message)) from None
        return upload

    def clean_video(self):
        upload = self.cleaned_data.get("video")
        if upload and hasattr(upload, "content_type"):
            try:
                media.video_kind(upload)
            except media.MediaInvalid as exc:
                raise ValidationError(str(exc.message)) from None
        return upload


class LessonInline(LabelledStackedInline):
    model = Lesson
    extra = 0


class QuestionInline(LabelledTabularInline):
    model = QuizQuestion
    extra = 0
    show_change_link = True


@admin.register(Course)
class CourseAdmin(AuditedAdmin):
    list_display = ("code", "title_zh", "estimated_minutes", "is_published", "order")
    inlines = [QuestionInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        course_short_link_ensure(obj)  # the SMS short link exists from the start


@admin.register(Lesson)
class LessonAdmin(AuditedAdmin):
    form = LessonForm
    list_display = ("course", "order", "title_zh")
    list_filter = ("course",)

    def save_model(self, request, obj, form, change):
        image = form.cleaned_data.get("image") if "image" in form.changed_data else None
        video = form.cleaned_data.get("video") if "video" in form.changed_data else None
        if image is not None and hasattr(image, "content_type"):
            obj.image = None
        if video is not None and hasattr(video, "content_type"):
            obj.video = None
        super().save_model(request, obj, form, change)
        lesson_media_set(
            lesson=obj,
            image=image if image is not None and hasattr(image, "content_type") else None,
            video=video if video is not None and hasattr(video, "content_type") else None,
        )


class ChoiceInline(LabelledTabularInline):
    model = QuizChoice
    extra = 0


@admin.register(QuizQuestion)
class QuizQuestionAdmin(AuditedAdmin):
    list_display = ("course", "order", "text_zh")
    inlines = [ChoiceInline]


@admin.register(CourseProgress)
class CourseProgressAdmin(ReadOnlyAdmin):
    list_display = ("course", "started_at", "completed_at", "certificate_code")
    list_filter = ("course",)
    exclude = ("customer",)


@admin.register(ShortLink)
class ShortLinkAdmin(ReadOnlyAdmin):
    list_display = ("code", "path", "created_at")
