from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "fairdesk.transparency"
    label = "transparency"
    verbose_name = _("公开与透明")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from fairdesk.transparency import wiring  # models cannot be imported before the registry is ready

        wiring.connect()
