from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "fairdesk.bookings"
    label = "bookings"
    verbose_name = _("预约")

    def ready(self) -> None:
        from fairdesk.bookings.services import slots_ensure_ahead
        from fairdesk.core import periodic

        # Slots are made ahead, never on reading a day (a GET must not write).
        periodic.register("bookings.slots_ahead", slots_ensure_ahead)
