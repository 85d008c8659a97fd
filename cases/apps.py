from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("困难职工档案")

    def ready(self):
        # the import's background jobs (network.jobs registry)
        from . import export_jobs, imports, unit_imports  # noqa: F401
