from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "fairdesk.notify"
    label = "notify"
    verbose_name = _("通知")

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the app registry is ready.
        from fairdesk.accounts import verification
        from fairdesk.core import chains, health
        from fairdesk.notify import selectors
        from fairdesk.notify.services import message_schedule
        from fairdesk.notify.tasks import KIND, notify_tick

        # accounts sends one-time codes through us without importing us (it is the lower app).
        verification.code_sender_register(message_schedule)

        chains.register(
            KIND,
            task=notify_tick,
            lanes=lambda: list(range(max(1, chains.setting_int("FAIRDESK_NOTIFY_LANES", 1)))),
        )
        health.register(
            "oldest_due_message_age_seconds",
            selectors.oldest_due_message_age_seconds,
            limit=lambda: chains.setting_int("FAIRDESK_HEALTH_MAX_DUE_SECONDS", 120),
        )
