"""What each role may do, as Django permissions: ``user.has_perm("cases.approve_household")``.

The role decides the permissions; the node decides where they apply (network.scoping). Keeping
the table here, in code, means no group rows to keep in step with the role field. Apps add
their own rows to ``ROLE_PERMISSIONS`` from this table only; the table is the single answer to
"what may a 审核员 do".
"""

from django.contrib.auth.backends import ModelBackend

from .models import Role

_VIEW_NETWORK = {"network.view_node", "network.view_enterprise"}

_VIEW_CASES = {
    "cases.view_household",
    "cases.view_member",
    "cases.view_dibaostandard",
    "cases.view_noticebatch",
}

_ENTER_CASES = {
    "cases.add_household",
    "cases.change_household",
    "cases.add_member",
    "cases.change_member",
    "cases.delete_member",
    "cases.submit_household",
    "cases.view_sensitive",
}

_REVIEW_CASES = {
    "cases.review_household",
    "cases.view_sensitive",
}

_APPROVE_CASES = {
    "cases.approve_household",
    "cases.add_noticebatch",
    "cases.change_noticebatch",
    "cases.add_dibaostandard",
    "cases.change_dibaostandard",
    "cases.delete_dibaostandard",
}

_MANAGE_NETWORK = {
    "network.add_node",
    "network.change_node",
    "network.add_enterprise",
    "network.change_enterprise",
    "network.view_user",
    "network.add_user",
    "network.change_user",
}

ROLE_PERMISSIONS = {
    Role.DATA_ENTRY: _VIEW_NETWORK | _VIEW_CASES | _ENTER_CASES | {"network.add_enterprise"},
    Role.REVIEWER: _VIEW_NETWORK | _VIEW_CASES | _ENTER_CASES | _REVIEW_CASES | {"network.view_user"},
    Role.CENTER_ADMIN: _VIEW_NETWORK
    | _VIEW_CASES
    | _ENTER_CASES
    | _REVIEW_CASES
    | _APPROVE_CASES
    | _MANAGE_NETWORK,
    Role.FINANCE: _VIEW_NETWORK | _VIEW_CASES,
    Role.LEADER: _VIEW_NETWORK | _VIEW_CASES | {"network.view_user"},
}


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
            user_obj._role_perm_cache = set(ROLE_PERMISSIONS.get(user_obj.role, set()))
        return user_obj._role_perm_cache
