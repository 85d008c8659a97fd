from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnionAidConfig(AppConfig):
    name = "union_aid"
    verbose_name = _("工会帮扶")

    def ready(self):
        from . import checks  # noqa: F401  registers the deployment checks
