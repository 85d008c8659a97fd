"""This app's rows of the role table: what each role may do with dossiers, 公示 and 低保 standards.

Codenames only, without the app label: network.permissions collects every app's ``roles.py``
into the one table ``RoleBackend`` answers from.
"""

from network.models import Role

VIEW = {"view_household", "view_member", "view_dibaostandard", "view_noticebatch"}

ENTER = {
    "add_household",
    "change_household",
    "add_member",
    "change_member",
    "delete_member",
    "submit_household",
    "view_sensitive",
}

REVIEW = {"review_household", "view_sensitive"}

APPROVE = {
    "approve_household",
    "add_noticebatch",
    "change_noticebatch",
    "add_dibaostandard",
    "change_dibaostandard",
    "delete_dibaostandard",
}

ROLE_PERMISSIONS = {
    Role.DATA_ENTRY: VIEW | ENTER,
    Role.REVIEWER: VIEW | ENTER | REVIEW,
    Role.CENTER_ADMIN: VIEW | ENTER | REVIEW | APPROVE,
    Role.FINANCE: VIEW,
    Role.LEADER: VIEW,
}
