"""Courses' writes: progress (lessons done, quiz answers, completion and its certificate), short links and
lesson media. Every one in one transaction, keyword-only."""

from __future__ import annotations

import secrets
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from fairdesk.accounts import permissions
from fairdesk.core import clock
from fairdesk.core.errors import InvalidInput, NotFound
from fairdesk.core.services import event_record
from fairdesk.courses import events, media, selectors
from fairdesk.courses.models import (
    Course,
    CourseProgress,
    Lesson,
    LessonDone,
    QuizAnswer,
    ShortLink,
    certificate_code_new,
)


def _customer_only(customer) -> None:
    """Progress belongs to a customer (a verified phone); staff read courses but keep no progress."""
    if not permissions.is_customer(customer):
        raise permissions.Forbidden(_("学习进度只记录在验证过手机号的客户名下。"))


def _course(code: str) -> Course:
    course = selectors.course_by_code(code=code)
    if course is None:
        raise NotFound(_("没有这门课程。"))
    return course


def _progress(customer, course: Course) -> CourseProgress:
    progress, _created = CourseProgress.objects.get_or_create(customer=customer, course=course)
    return CourseProgress.objects.select_for_update().get(pk=progress.pk)


def _complete_if_done(progress: CourseProgress, course: Course) -> None:
    if progress.completed_at is not None:
        return
    state = selectors.progress_state(course=course, customer=progress.customer)
    if not (state.all_lessons_done and state.quiz_passed):
        return
    progress.completed_at = clock.now()
    for _attempt in range(5):  # a collision of 32^12 codes is unlikely; try again rather than fail
        progress.certificate_code = certificate_code_new()
        try:
            with transaction.atomic():
                progress.save(update_fields=["completed_at", "certificate_code"])
            break
        except IntegrityError:
            continue
    event_record(
        kind=events.COURSE_COMPLETED,
        subject=progress,
        actor=progress.customer,
        payload={
            "course": course.code,
            "lessons": state.lessons,
            "questions": state.questions,
            "started_at": progress.started_at,
            "completed_at": progress.completed_at,
        },
    )


@transaction.atomic
def lesson_complete(*, customer, course_code: str, lesson_order: int) -> CourseProgress:
    """Mark a lesson done (again is harmless); the course completes when the last piece is in."""
    _customer_only(customer)
    course = _course(course_code)
    lesson = next((x for x in course.lessons.all() if x.order == lesson_order), None)
    if lesson is None:
        raise NotFound(_("没有这一课。"))
    progress = _progress(customer, course)
    _done, created = LessonDone.objects.get_or_create(progress=progress, lesson=lesson)
    if created:
        event_record(
            kind=events.COURSE_LESSON_COMPLETED,
            subject=progress,
            actor=customer,
            payload={
                "course": course.code,
                "lesson": lesson.pk,
                "order": lesson.order,
                "lessons_done": progress.lessons_done.count(),
                "lessons": len(course.lessons.all()),
            },
        )
    _complete_if_done(progress, course)
    return progress


@transaction.atomic
def quiz_answer(*, customer, course_code: str, answers: dict[int, int]) -> CourseProgress:
    """Record answers (question id → choice id); a wrong answer may be answered again. Every question named
    must belong to the course and its choice to the question."""
    _customer_only(customer)
    course = _course(course_code)
    questions = {q.pk: q for q in course.questions.all()}
    if not answers:
        raise InvalidInput(_("请至少回答一道题。"), code="no_answer")
    chosen = {}
    for question_id, choice_id in answers.items():
        question = questions.get(question_id)
        choice = next((c for c in question.choices.all() if c.pk == choice_id), None) if question else None
        if choice is None:
            raise InvalidInput(_("这个答案不属于这道题。"), code="invalid_choice")
        chosen[question_id] = choice
    progress = _progress(customer, course)
    now = clock.now()
    for question_id, choice in chosen.items():
        QuizAnswer.objects.update_or_create(
            progress=progress,
            question_id=question_id,
            defaults={"choice": choice, "correct": choice.is_correct, "answered_at": now},
        )
    _complete_if_done(progress, course)
    return progress


def quiz_choices_of(*, course: Course, form) -> dict[int, int]:
    """The answers in a quiz form (`q<question id>` = choice id), ignoring anything unreadable."""
    answers = {}
    for question in course.questions.all():
        try:
            answers[question.pk] = int(form.get(f"q{question.pk}", ""))
        except (TypeError, ValueError):
            continue
    return answers


# ---------------------------------------------------------------------------------------------- short links

SHORT_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@transaction.atomic
def short_link_ensure(path: str) -> str:
    """The short path (/l/<code>) of a page of this site, made the first time it is asked for."""
    if not path.startswith("/") or path.startswith("//") or len(path) > 200:
        return ""
    link = ShortLink.objects.filter(path=path).first()
    while link is None:
        code = "".join(secrets.choice(SHORT_ALPHABET) for _ in range(5))
        try:
            with transaction.atomic():
                link = ShortLink.objects.create(code=code, path=path)
        except IntegrityError:  # the code (or, from a racing caller, the path) is taken
            link = ShortLink.objects.filter(path=path).first()
    return reverse("courses:short", args=[link.code])


def course_short_link_ensure(course: Course) -> str:
    return short_link_ensure(selectors.course_path(course))


# ---------------------------------------------------------------------------------------------- lesson media


@transaction.atomic
def lesson_media_set(*, lesson: Lesson, image=None, video=None) -> Lesson:
    """Store an uploaded image (re-encoded) or video (recognised MP4/WebM) under a generated name."""
    if image is not None:
        data, extension = media.image_reencode(image)
        lesson.image.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
    if video is not None:
        extension = media.video_kind(video)
        video.seek(0)
        lesson.video.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(video.read()), save=False)
    lesson.save()
    return lesson
