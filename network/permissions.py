"""What each role may do, as Django permissions: ``user.has_perm("cases.approve_household")``.

The role decides the permissions; the node decides where they apply (network.scoping). The table
is in code, so there are no group rows to keep in step with the role field. Each app declares its
own rows in a ``roles.py`` (``ROLE_PERMISSIONS = {Role: {codename, ...}}``, its own codenames
only); ``collect_role_permissions`` joins them when the apps are ready into ``ROLE_PERMISSIONS``,
the single answer to "what may a 审核员 do". network names no other app: it finds their
``roles.py`` the way the admin finds ``admin.py``.
"""

from importlib import import_module

from django.apps import apps
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule

from .models import Role

ROLES_MODULE = "roles"

# filled by collect_role_permissions() from NetworkConfig.ready()
ROLE_PERMISSIONS = {}


def app_role_permissions(app_config):
    """One app's rows as full permission names ({Role: {"label.codename"}}), or {} without a roles.py."""
    if not module_has_submodule(app_config.module, ROLES_MODULE):
        return {}
    module = import_module(f"{app_config.name}.{ROLES_MODULE}")
    rows = {}
    for role, codenames in module.ROLE_PERMISSIONS.items():
        role = Role(role)
        for codename in codenames:
            if "." in codename:
                raise ImproperlyConfigured(
                    f"{module.__name__}: name this app's own permissions by codename only, not {codename!r}"
                )
        rows[role] = {f"{app_config.label}.{codename}" for codename in codenames}
    return rows


def collect_role_permissions():
    """The role table of every installed app's ``roles.py``, joined: {Role: {"label.codename"}}."""
    table = {role: set() for role in Role}
    for app_config in apps.get_app_configs():
        for role, permissions in app_role_permissions(app_config).items():
            table[role] |= permissions
    return {role: frozenset(permissions) for role, permissions in table.items()}


class RoleBackend(ModelBackend):
    """ModelBackend for the password check; permissions come from the role, not from groups."""

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_role_perm_cache"):
            user_obj._role_perm_cache = set(ROLE_PERMISSIONS.get(user_obj.role, ()))
        return user_obj._role_perm_cache
