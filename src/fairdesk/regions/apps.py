from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "fairdesk.regions"
    label = "regions"
    verbose_name = _("服务区域")

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the app registry is ready.
        from fairdesk.core import demo
        from fairdesk.regions.demo import coverage_load_demo

        demo.register("regions.coverage", coverage_load_demo)
