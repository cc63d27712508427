from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "fairdesk.dispatch"
    label = "dispatch"
    verbose_name = _("调度")

    def ready(self) -> None:
        from fairdesk.core import periodic
        from fairdesk.dispatch.planning import nightly_plan_if_due
        from fairdesk.dispatch.services import offers_expire

        periodic.register("dispatch.offers_expire", offers_expire)
        periodic.register("dispatch.nightly_plan", nightly_plan_if_due)
