from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "fairdesk.plans"
    label = "plans"
    verbose_name = _("服务套餐")

    def ready(self) -> None:
        from fairdesk.core import demo, periodic
        from fairdesk.plans.demo import plans_load_demo
        from fairdesk.plans.ledger import refunds_send
        from fairdesk.plans.reconcile import reconcile_job
        from fairdesk.plans.renewals import renewal_reminders_send, renewals_run

        periodic.register("plans.renewal_reminders", renewal_reminders_send)
        periodic.register("plans.renewals", renewals_run)
        periodic.register("plans.refunds", refunds_send)
        # Our books against the provider's; settles by the rule in plans/reconcile.py (calls the provider).
        periodic.register("plans.reconcile_payments", reconcile_job, every_seconds=300)
        demo.register(
            "plans.catalog",
            lambda *, verbosity=1: [
                f"plans: {plans_load_demo()} new (one change rule for every change: immediate)"
            ],
        )
