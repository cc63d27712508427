from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "fairdesk.regions"
    label = "regions"
    verbose_name = _("服务区域")
