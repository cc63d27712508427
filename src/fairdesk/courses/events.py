"""The event kinds courses record (declared for core.events). Codes and ids only: never a name or a phone."""

from django.utils.translation import gettext_lazy as _

from fairdesk.core.events import declare

COURSE_LESSON_COMPLETED = declare(
    "course.lesson_completed",
    app="courses",
    description="A customer (a verified phone) marked a lesson of a course done (subject: their progress).",
    payload={"course": "code", "lesson": "int", "order": "int", "lessons_done": "int", "lessons": "int"},
    label=_("学完一课"),
)
COURSE_COMPLETED = declare(
    "course.completed",
    app="courses",
    description=(
        "A customer finished a course: every lesson done and every quiz question answered right; the"
        " certificate is issued (subject: their progress)."
    ),
    payload={
        "course": "code",
        "lessons": "int",
        "questions": "int",
        "started_at": "datetime",
        "completed_at": "datetime",
    },
    label=_("完成课程"),
)
