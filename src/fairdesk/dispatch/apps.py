from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "fairdesk.dispatch"
    label = "dispatch"
    verbose_name = _("调度")

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the app registry is ready.
        from fairdesk.bookings import capacity, console
        from fairdesk.core import demo, periodic
        from fairdesk.dispatch.demo import dispatch_load_demo
        from fairdesk.dispatch.planning import nightly_plan_if_due
        from fairdesk.dispatch.selectors import visit_capacity
        from fairdesk.dispatch.services import offers_expire, opening_records_purge, urgent_escalate_due
        from fairdesk.dispatch.views import hotline_urgent_panel

        periodic.register("dispatch.offers_expire", offers_expire)
        periodic.register("dispatch.urgent_escalate", urgent_escalate_due)
        periodic.register("dispatch.nightly_plan", nightly_plan_if_due)
        periodic.register("dispatch.opening_records_purge", opening_records_purge)
        # bookings reacts to dispatch only through its hooks: new slots take the shifts' capacity, the hotline
        # console shows the emergencies waiting for a call-back.
        capacity.provider_register("dispatch.shifts", visit_capacity)
        console.panel_register("dispatch.urgent", hotline_urgent_panel)
        demo.register("dispatch.technicians", dispatch_load_demo)
