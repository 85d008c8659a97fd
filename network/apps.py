from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("四级网络与工作人员")

    def ready(self):
        from . import checks  # noqa: F401  registers the scoping check
        from .permissions import ROLE_PERMISSIONS, collect_role_permissions

        ROLE_PERMISSIONS.update(collect_role_permissions())
