"""This app's rows of the role table: what each role may do with the network and staff accounts.

Codenames only, without the app label: network.permissions adds the label of the app a
``roles.py`` belongs to, so an app can name no other app's permissions.
"""

from .models import Role

VIEW = {"view_node", "view_enterprise"}

MANAGE = {
    "add_node",
    "change_node",
    "add_enterprise",
    "change_enterprise",
    "view_user",
    "add_user",
    "change_user",
    # the background jobs others started within his subtree (everyone sees his own)
    "view_job",
}

ROLE_PERMISSIONS = {
    # a clerk may add the unit a worker belongs to while filing his dossier
    Role.DATA_ENTRY: VIEW | {"add_enterprise"},
    Role.REVIEWER: VIEW | {"view_user"},
    # the audit log: who did what in the admin's subtree
    Role.CENTER_ADMIN: VIEW | MANAGE | {"view_auditentry"},
    Role.FINANCE: VIEW,
    Role.LEADER: VIEW | {"view_user"},
}
