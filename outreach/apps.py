from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("帮扶项目")

    def ready(self):
        # the import of past aid records (cases.row_imports registry)
        from . import imports  # noqa: F401
