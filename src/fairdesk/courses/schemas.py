from __future__ import annotations

from ninja import Schema


class CourseOut(Schema):
    code: str
    title: str
    intro: str
    estimated_minutes: int
    service_types: list[str]
    lessons: int
    questions: int
    url: str


class ProgressIn(Schema):
    course: str
    lesson: int | None = None  # a lesson's order, to mark it done
    question: int | None = None  # a question's id, answered with `choice` (a choice's id)
    choice: int | None = None


class ProgressOut(Schema):
    course: str
    lessons_done: list[int]  # orders
    lessons: int
    questions: int
    quiz_passed: bool
    completed: bool
    certificate_url: str | None


class ErrorOut(Schema):
    code: str
    message: str
