from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "fairdesk.courses"
    label = "courses"
    verbose_name = _("客户课程")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: models cannot be imported before the app registry is ready.
        from fairdesk.bookings import learning
        from fairdesk.core import demo
        from fairdesk.courses import events  # noqa: F401  (declares the event kinds)
        from fairdesk.courses.demo import courses_load_demo
        from fairdesk.courses.selectors import learning_links_for
        from fairdesk.courses.services import short_link_ensure

        # bookings reads courses only through its hook: the confirmation page and the reminders name the
        # course for the booked service (never a step required to book).
        learning.learning_source_register("courses", learning_links_for)
        learning.short_linker_register("courses.short_links", short_link_ensure)
        demo.register("courses.demo", courses_load_demo)
