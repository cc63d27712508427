"""Reads of courses and progress (never a write)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation

from fairdesk.bookings.learning import LearningLink
from fairdesk.courses.models import (
    Course,
    CourseProgress,
    Lesson,
    QuizChoice,
    QuizQuestion,
    ShortLink,
)


def courses_published(*, service_type_code: str = "") -> list[Course]:
    courses = Course.objects.filter(is_published=True).prefetch_related("lessons", "questions")
    found = list(courses.order_by("order", "code"))
    if service_type_code:
        found = [c for c in found if service_type_code in (c.service_types or [])]
    return found


def course_by_code(*, code: str) -> Course | None:
    """A published course with its lessons, questions and choices in order."""
    return (
        Course.objects.filter(code=code, is_published=True)
        .prefetch_related(
            Prefetch("lessons", queryset=Lesson.objects.order_by("order")),
            Prefetch(
                "questions",
                queryset=QuizQuestion.objects.order_by("order").prefetch_related(
                    Prefetch("choices", queryset=QuizChoice.objects.order_by("order"))
                ),
            ),
        )
        .first()
    )


@dataclass
class ProgressState:
    lessons_done: set[int] = field(default_factory=set)  # lesson ids
    answers: dict[int, tuple[int, bool]] = field(default_factory=dict)  # question id → (choice id, correct)
    started: bool = False
    completed_at: object = None
    certificate_code: str = ""
    lessons: int = 0
    questions: int = 0

    @property
    def all_lessons_done(self) -> bool:
        return len(self.lessons_done) >= self.lessons

    @property
    def quiz_passed(self) -> bool:
        return len(self.answers) >= self.questions and all(ok for _choice, ok in self.answers.values())

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


def progress_state(*, course: Course, customer) -> ProgressState:
    lessons = list(course.lessons.all())
    questions = list(course.questions.all())
    state = ProgressState(lessons=len(lessons), questions=len(questions))
    if customer is None:
        return state
    progress = CourseProgress.objects.filter(customer=customer, course=course).first()
    if progress is None:
        return state
    state.started = True
    state.completed_at, state.certificate_code = progress.completed_at, progress.certificate_code
    state.lessons_done = set(progress.lessons_done.values_list("lesson_id", flat=True))
    state.answers = {
        a.question_id: (a.choice_id, a.correct)
        for a in progress.answers.only("question", "choice", "correct")
    }
    return state


def progress_completed(*, course: Course, customer) -> CourseProgress | None:
    if customer is None:
        return None
    return (
        CourseProgress.objects.select_related("customer")
        .filter(customer=customer, course=course, completed_at__isnull=False)
        .first()
    )


def certificate_by_code(*, code: str) -> CourseProgress | None:
    code = (code or "").strip().upper()
    if len(code) != 12:
        return None
    return (
        CourseProgress.objects.select_related("course", "customer")
        .filter(certificate_code=code, completed_at__isnull=False)
        .first()
    )


def short_link_target(*, code: str) -> str | None:
    link = ShortLink.objects.filter(code=code).first()
    return link.path if link else None


def course_path(course: Course) -> str:
    return reverse("courses:course", args=[course.code])


def learning_links_for(service_type_code: str, language: str) -> list[LearningLink]:
    """The `bookings.learning` source: the published courses for a service type, titled in `language`,
    with their SMS short link when they have one (made with the course; a read never creates one)."""
    courses = courses_published(service_type_code=service_type_code)
    paths = {c.pk: course_path(c) for c in courses}
    shorts = dict(ShortLink.objects.filter(path__in=paths.values()).values_list("path", "code"))
    links = []
    with translation.override(language):
        for course in courses:
            path = paths[course.pk]
            short = shorts.get(path)
            links.append(
                LearningLink(
                    kind="course",
                    title=course.title,
                    path=path,
                    short_path=reverse("courses:short", args=[short]) if short else "",
                )
            )
    return links
