from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("四级网络与工作人员")

    def ready(self):
        from . import audit, checks  # noqa: F401  registers the scoping check and the login signals
        from .permissions import ROLE_PERMISSIONS, collect_role_permissions

        ROLE_PERMISSIONS.update(collect_role_permissions())
        audit.connect_lockout_signal()
