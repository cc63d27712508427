from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "fairdesk.knowledge"
    label = "knowledge"
    verbose_name = _("帮助中心")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from fairdesk.knowledge import wiring

        wiring.connect()
