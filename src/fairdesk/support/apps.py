from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "fairdesk.support"
    label = "support"
    verbose_name = _("在线客服")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from fairdesk.support import wiring

        wiring.connect()
