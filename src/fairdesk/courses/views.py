"""Course pages: the list, a course with its lessons, each lesson, the quiz and the certificate; all work
without JavaScript. Reading needs no sign-in; saving progress asks for the verified phone (the same SMS code
sign-in as "My appointments"), and comes back to where the customer was."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fairdesk.accounts import verification
from fairdesk.accounts.phone import mask_phone
from fairdesk.accounts.sessions import session_customer, verified_phone, verify_session
from fairdesk.core.errors import DomainError
from fairdesk.core.pages import error_page
from fairdesk.courses import markdown, selectors, services
from fairdesk.courses.media import CONTENT_TYPES
from fairdesk.courses.models import Lesson


def _course_or_404(code: str):
    course = selectors.course_by_code(code=code)
    if course is None:
        raise Http404
    return course


def _verify_url(next_path: str) -> str:
    return reverse("courses:verify") + "?" + urlencode({"next": next_path})


@require_GET
def course_list(request):
    customer = session_customer(request)
    courses = selectors.courses_published()
    for course in courses:
        course.state = selectors.progress_state(course=course, customer=customer)
    return render(request, "courses/list.html", {"courses": courses, "signed_in": customer is not None})


@require_GET
def course_detail(request, code: str):
    course = _course_or_404(code)
    customer = session_customer(request)
    state = selectors.progress_state(course=course, customer=customer)
    lessons = list(course.lessons.all())
    for lesson in lessons:
        lesson.done = lesson.pk in state.lessons_done
    context = {"course": course, "lessons": lessons, "state": state, "signed_in": customer is not None}
    return render(request, "courses/course.html", context)


@require_GET
def lesson_detail(request, code: str, order: int):
    course = _course_or_404(code)
    lessons = list(course.lessons.all())
    lesson = next((x for x in lessons if x.order == order), None)
    if lesson is None:
        raise Http404
    customer = session_customer(request)
    state = selectors.progress_state(course=course, customer=customer)
    index = lessons.index(lesson)
    context = {
        "course": course,
        "lesson": lesson,
        "body_html": markdown.render(lesson.body),
        "done": lesson.pk in state.lessons_done,
        "previous": lessons[index - 1] if index else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
        "position": index + 1,
        "count": len(lessons),
        "signed_in": customer is not None,
    }
    return render(request, "courses/lesson.html", context)


@require_POST
def lesson_done(request, code: str, order: int):
    course = _course_or_404(code)
    here = reverse("courses:lesson", args=[course.code, order])
    customer = session_customer(request)
    if customer is None:
        return redirect(_verify_url(here))
    try:
        services.lesson_complete(customer=customer, course_code=course.code, lesson_order=order)
    except DomainError as exc:
        return error_page(request, exc, back=here)
    following = [x for x in course.lessons.all() if x.order > order]
    if following:
        return redirect("courses:lesson", code=course.code, order=following[0].order)
    return redirect("courses:quiz", code=course.code)


def quiz(request, code: str):
    course = _course_or_404(code)
    here = reverse("courses:quiz", args=[course.code])
    customer = session_customer(request)
    context = {"course": course, "signed_in": customer is not None, "submitted": False}
    status = 200
    if request.method == "POST":
        if customer is None:
            return redirect(_verify_url(here))
        try:
            services.quiz_answer(
                customer=customer,
                course_code=course.code,
                answers=services.quiz_choices_of(course=course, form=request.POST),
            )
        except DomainError as exc:
            context["error"], status = str(exc.message), exc.status
        else:
            context["submitted"] = True
    state = selectors.progress_state(course=course, customer=customer)
    if request.method == "POST" and state.completed:
        return redirect("courses:certificate", code=course.code)
    questions = list(course.questions.all())
    for question in questions:
        question.answer = state.answers.get(question.pk)
    context |= {"questions": questions, "state": state}
    return render(request, "courses/quiz.html", context, status=status)


def _masked_name(name: str) -> str:
    name = (name or "").strip()
    return (name[0] + "*" * max(len(name) - 1, 1)) if name else ""


@require_GET
def certificate(request, code: str):
    """The customer's own certificate (name and phone masked), with the code anyone can check it by."""
    course = _course_or_404(code)
    customer = session_customer(request)
    if customer is None:
        return redirect(_verify_url(request.path))
    progress = selectors.progress_completed(course=course, customer=customer)
    if progress is None:
        return error_page(
            request,
            DomainError(_("学完所有课时并通过测验后才有证书。"), code="course_not_completed"),
            back=reverse("courses:course", args=[course.code]),
            status=409,
        )
    return render(request, "courses/certificate.html", _certificate_context(progress, own=True))


def _certificate_context(progress, *, own: bool) -> dict:
    return {
        "course": progress.course,
        "progress": progress,
        "name": _masked_name(progress.customer.name),
        "phone": mask_phone(progress.customer.phone),
        "own": own,
    }


@require_GET
def certificate_check(request, certificate_code: str):
    """Anyone holding a certificate's code can check it: the course, the date and the masked phone."""
    progress = selectors.certificate_by_code(code=certificate_code)
    if progress is None:
        raise Http404
    return render(request, "courses/certificate.html", _certificate_context(progress, own=False))


def verify(request):
    """Verify the phone to keep progress: the SMS code sign-in of "My appointments", on a page of its own so
    it works without JavaScript (the send button is a real submit)."""
    next_path = request.POST.get("next") or request.GET.get("next") or reverse("courses:list")
    if not url_has_allowed_host_and_scheme(next_path, {request.get_host()}) or not next_path.startswith("/"):
        next_path = reverse("courses:list")
    context = {"next": next_path, "phone_input": request.POST.get("phone", "")[:32]}
    if verified_phone(request) and session_customer(request) is not None and request.method == "GET":
        return redirect(next_path)
    if request.method == "POST":
        try:
            if "send" in request.POST:
                verification.phone_code_send(
                    phone=request.POST.get("phone", ""),
                    client_ip=request.META.get("REMOTE_ADDR"),
                    language=request.LANGUAGE_CODE,
                )
                context["code_sent"] = True
            else:
                verify_session(request, request.POST.get("phone", ""), request.POST.get("code", ""))
                return redirect(next_path)
        except DomainError as exc:
            context["error"] = str(exc.message)
            return render(request, "courses/verify.html", context, status=exc.status)
    return render(request, "courses/verify.html", context)


@require_GET
def lesson_media(request, lesson_id: int, kind: str):
    """A lesson's image or video: public like the lesson, served with the type recognised on upload."""
    lesson = Lesson.objects.select_related("course").filter(pk=lesson_id, course__is_published=True).first()
    field = getattr(lesson, kind, None) if lesson is not None and kind in {"image", "video"} else None
    if not field:
        raise Http404
    extension = field.name.rsplit(".", 1)[-1].lower()
    content_type = CONTENT_TYPES.get(extension)
    if content_type is None or (kind == "image") != content_type.startswith("image/"):
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="lesson-{lesson.pk}-{kind}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def short_link(request, short_code: str):
    """`/l/<code>` from an SMS: to the course or article it names."""
    target = selectors.short_link_target(code=short_code)
    if target is None:
        raise Http404
    return redirect(target)
