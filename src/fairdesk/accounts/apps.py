from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fairdesk.accounts"
    label = "accounts"
    verbose_name = _("账户")

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the app registry is ready.
        from fairdesk.accounts.demo import staff_load_demo
        from fairdesk.core import demo

        demo.register("accounts.staff", staff_load_demo)
