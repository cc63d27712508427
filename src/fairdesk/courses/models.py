"""Short courses for customers (客户教育课程): a few lessons and a quiz, ten minutes at most, tied to the
service types they help with; progress kept per verified phone; a certificate when done. Never a step
required to book, change, cancel, complain or reach a human."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from fairdesk.core import clock

MAX_MINUTES = 10  # a course a customer finishes while waiting for the technician


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


class Course(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    service_types = models.JSONField(
        _("相关服务类型"), default=list, blank=True, help_text=_('服务类型代码，例如 ["lock-repair"]')
    )
    title_zh = models.CharField(_("标题"), max_length=80)
    title_en = models.CharField(_("英文标题"), max_length=120)
    intro_zh = models.CharField(_("简介"), max_length=300)
    intro_en = models.CharField(_("英文简介"), max_length=400)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("预计用时（分钟）"), validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)]
    )
    is_published = models.BooleanField(_("已发布"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimated_minutes__gte=1, estimated_minutes__lte=MAX_MINUTES),
                name="course_at_most_ten_minutes",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_en if _english() else self.title_zh

    @property
    def intro(self) -> str:
        return self.intro_en if _english() else self.intro_zh


def _media_path(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"courses/{uuid.uuid4().hex}.{suffix}"


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveSmallIntegerField(_("顺序"), validators=[MinValueValidator(1)])
    title_zh = models.CharField(_("标题"), max_length=80)
    title_en = models.CharField(_("英文标题"), max_length=120)
    body_zh = models.TextField(_("正文（Markdown）"))
    body_en = models.TextField(_("英文正文（Markdown）"))
    # Uploaded files, checked on arrival (courses.media) and served only through the lesson's media view.
    image = models.FileField(_("图片"), upload_to=_media_path, blank=True)
    image_alt_zh = models.CharField(_("图片说明"), max_length=200, blank=True)
    image_alt_en = models.CharField(_("英文图片说明"), max_length=200, blank=True)
    video = models.FileField(_("视频"), upload_to=_media_path, blank=True)

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = _("课时")
        ordering = ["course", "order"]
        constraints = [models.UniqueConstraint(fields=["course", "order"], name="lesson_order_unique")]

    def __str__(self) -> str:
        return f"{self.course.code} {self.order}. {self.title}"

    @property
    def title(self) -> str:
        return self.title_en if _english() else self.title_zh

    @property
    def body(self) -> str:
        return self.body_en if _english() else self.body_zh

    @property
    def image_alt(self) -> str:
        return (self.image_alt_en if _english() else self.image_alt_zh) or self.title


class QuizQuestion(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("顺序"), validators=[MinValueValidator(1)])
    text_zh = models.CharField(_("问题"), max_length=200)
    text_en = models.CharField(_("英文问题"), max_length=300)

    class Meta:
        verbose_name = _("测验题")
        verbose_name_plural = _("测验题")
        ordering = ["course", "order"]
        constraints = [models.UniqueConstraint(fields=["course", "order"], name="question_order_unique")]

    def __str__(self) -> str:
        return f"{self.course.code} Q{self.order}"

    @property
    def text(self) -> str:
        return self.text_en if _english() else self.text_zh


class QuizChoice(models.Model):
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(_("顺序"))
    text_zh = models.CharField(_("选项"), max_length=200)
    text_en = models.CharField(_("英文选项"), max_length=300)
    is_correct = models.BooleanField(_("正确答案"), default=False)

    class Meta:
        verbose_name = _("选项")
        verbose_name_plural = _("选项")
        ordering = ["question", "order"]
        constraints = [
            # One correct answer per question.
            models.UniqueConstraint(
                fields=["question"], condition=models.Q(is_correct=True), name="one_correct_choice"
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return self.text_en if _english() else self.text_zh


def certificate_code_new() -> str:
    """12 characters people can read out (no 0/O, 1/I), unguessable enough to check a certificate by."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class CourseProgress(models.Model):
    """One customer (a verified phone) in one course: lessons done, quiz answers, completion."""

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="progress")
    started_at = models.DateTimeField(_("开始时间"), default=clock.now)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    certificate_code = models.CharField(_("证书验证码"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("学习进度")
        verbose_name_plural = _("学习进度")
        constraints = [
            models.UniqueConstraint(fields=["customer", "course"], name="progress_once_per_course"),
            models.UniqueConstraint(
                fields=["certificate_code"],
                condition=~models.Q(certificate_code=""),
                name="certificate_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.code} #{self.customer_id}"


class LessonDone(models.Model):
    progress = models.ForeignKey(CourseProgress, on_delete=models.CASCADE, related_name="lessons_done")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField(_("完成时间"), default=clock.now)

    class Meta:
        verbose_name = _("已学课时")
        verbose_name_plural = _("已学课时")
        constraints = [models.UniqueConstraint(fields=["progress", "lesson"], name="lesson_done_once")]

    def __str__(self) -> str:
        return f"{self.progress} lesson {self.lesson_id}"


class QuizAnswer(models.Model):
    """The customer's latest answer to a question (a wrong one may be answered again)."""

    progress = models.ForeignKey(CourseProgress, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="+")
    choice = models.ForeignKey(QuizChoice, on_delete=models.CASCADE, related_name="+")
    correct = models.BooleanField(_("正确"))
    answered_at = models.DateTimeField(_("作答时间"), default=clock.now)

    class Meta:
        verbose_name = _("测验作答")
        verbose_name_plural = _("测验作答")
        constraints = [models.UniqueConstraint(fields=["progress", "question"], name="answer_per_question")]

    def __str__(self) -> str:
        return f"{self.progress} question {self.question_id}"


class ShortLink(models.Model):
    """`/l/<code>`: a short address for SMS, to a course or an article of this site."""

    code = models.CharField(_("短码"), max_length=8, unique=True)
    path = models.CharField(_("目标页面"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)

    class Meta:
        verbose_name = _("短链接")
        verbose_name_plural = _("短链接")

    def __str__(self) -> str:
        return f"/l/{self.code} → {self.path}"
