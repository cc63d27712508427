from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "fairdesk.complaints"
    label = "complaints"
    verbose_name = _("投诉")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from fairdesk.complaints import wiring

        wiring.connect()
