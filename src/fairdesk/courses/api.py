"""Courses over the API: the list (public) and progress (a customer's verified-phone session)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Header, Router

from fairdesk.accounts import permissions
from fairdesk.accounts.api_auth import api_auth
from fairdesk.core.errors import InvalidInput
from fairdesk.core.idempotency import idempotent_response
from fairdesk.courses import selectors, services
from fairdesk.courses.schemas import CourseOut, ErrorOut, ProgressIn, ProgressOut

router = Router(tags=["courses"])


@router.get("/courses", response=list[CourseOut], summary="Published courses (optionally for a service type)")
def courses(request, service_type: str = ""):
    return [
        {
            "code": c.code,
            "title": c.title,
            "intro": c.intro,
            "estimated_minutes": c.estimated_minutes,
            "service_types": list(c.service_types or []),
            "lessons": len(c.lessons.all()),
            "questions": len(c.questions.all()),
            "url": selectors.course_path(c),
        }
        for c in selectors.courses_published(service_type_code=service_type[:40])
    ]


def progress_out(course, customer) -> dict:
    state = selectors.progress_state(course=course, customer=customer)
    orders = sorted(x.order for x in course.lessons.all() if x.pk in state.lessons_done)
    return {
        "course": course.code,
        "lessons_done": orders,
        "lessons": state.lessons,
        "questions": state.questions,
        "quiz_passed": state.quiz_passed,
        "completed": state.completed,
        "certificate_url": reverse("courses:certificate", args=[course.code]) if state.completed else None,
    }


@router.post(
    "/courses/progress",
    auth=api_auth,
    response={200: ProgressOut, 404: ErrorOut, 422: ErrorOut},
    summary="Mark a lesson done or answer a quiz question (the customer's own progress)",
)
def progress(request, body: ProgressIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    customer = request.api_user
    if not permissions.is_customer(customer):
        raise permissions.Forbidden(_("学习进度只记录在验证过手机号的客户名下。"))

    def handler():
        if body.lesson is None and body.question is None:
            raise InvalidInput(_("请给出 lesson，或 question 和 choice。"), code="nothing_to_record")
        if body.lesson is not None:
            services.lesson_complete(customer=customer, course_code=body.course, lesson_order=body.lesson)
        if body.question is not None:
            if body.choice is None:
                raise InvalidInput(_("回答问题需要 choice。"), code="choice_required")
            services.quiz_answer(
                customer=customer, course_code=body.course, answers={body.question: body.choice}
            )
        course = selectors.course_by_code(code=body.course)
        return 200, progress_out(course, customer)

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)
