from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "fairdesk.bookings"
    label = "bookings"
    verbose_name = _("预约")

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the app registry is ready.
        from fairdesk.bookings.demo import bookings_load_demo
        from fairdesk.bookings.services import slots_ensure_ahead
        from fairdesk.core import demo, periodic

        demo.register("bookings.service_types_and_slots", bookings_load_demo)

        # Slots are made ahead, never on reading a day (a GET must not write).
        periodic.register("bookings.slots_ahead", slots_ensure_ahead)
