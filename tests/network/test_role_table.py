"""The role table: each app declares its own rows in its roles.py, network joins them into the one
table RoleBackend answers from, and every permission in it is a real one."""

import sys
import types

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured

from network.models import Role
from network.permissions import ROLE_PERMISSIONS, app_role_permissions, collect_role_permissions

from ..conftest import make_user


@pytest.mark.django_db
def test_every_permission_a_role_gets_is_a_real_permission():
    granted = {permission for permissions in ROLE_PERMISSIONS.values() for permission in permissions}
    real = {f"{app_label}.{codename}" for app_label, codename in
            Permission.objects.values_list("content_type__app_label", "codename")}
    assert granted, "the role table is empty: NetworkConfig.ready() did not collect it"
    assert granted - real == set()


def test_the_table_at_run_time_is_every_apps_own_rows_joined():
    by_app = {config.label: app_role_permissions(config) for config in apps.get_app_configs()}
    assert {label for label, rows in by_app.items() if rows} >= {"network", "cases"}
    for role in Role:
        joined = set().union(*(rows.get(role, set()) for rows in by_app.values()))
        assert ROLE_PERMISSIONS[role] == joined, role
    for label, rows in by_app.items():
        for permissions in rows.values():
            assert {permission.split(".")[0] for permission in permissions} <= {label}


def test_a_roles_module_naming_another_apps_permission_is_refused(tmp_path, monkeypatch):
    package = tmp_path / "borrower"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "roles.py").write_text(
        "from network.models import Role\nROLE_PERMISSIONS = {Role.LEADER: {'cases.approve_household'}}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "borrower", raising=False)
    monkeypatch.delitem(sys.modules, "borrower.roles", raising=False)
    import borrower

    config = types.SimpleNamespace(name="borrower", label="borrower", module=borrower)
    with pytest.raises(ImproperlyConfigured, match="codename only"):
        app_role_permissions(config)


def test_an_app_without_a_roles_module_adds_no_rows():
    assert app_role_permissions(apps.get_app_config("sessions")) == {}
    assert collect_role_permissions() == ROLE_PERMISSIONS


def test_the_readme_role_table_holds():
    table = ROLE_PERMISSIONS
    assert {"cases.add_household", "cases.change_household", "cases.submit_household"} <= table[Role.DATA_ENTRY]
    assert "cases.review_household" not in table[Role.DATA_ENTRY]
    assert "cases.review_household" in table[Role.REVIEWER]
    assert "cases.approve_household" not in table[Role.REVIEWER]
    assert {"cases.approve_household", "cases.add_noticebatch", "cases.change_dibaostandard",
            "network.add_node", "network.add_user", "network.change_user"} <= table[Role.CENTER_ADMIN]
    for reader in (Role.FINANCE, Role.LEADER):
        assert "cases.view_household" in table[reader] and "cases.view_sensitive" not in table[reader]
    # 财务 reads dossiers and the network (the funds are his own app's rows); 领导 reads everything
    assert {p for p in table[Role.FINANCE] if p.startswith(("cases.", "network.")) and ".view_" not in p} == set()
    assert {p for p in table[Role.LEADER] if ".view_" not in p} == set()


@pytest.mark.django_db
def test_a_user_has_exactly_the_permissions_of_his_role(township):
    reviewer = make_user("reviewer", township, Role.REVIEWER)
    assert reviewer.has_perm("cases.review_household")
    assert not reviewer.has_perm("cases.approve_household")
    assert reviewer.get_all_permissions() == set(ROLE_PERMISSIONS[Role.REVIEWER])
    reviewer.is_active = False
    assert not reviewer.has_perm("cases.review_household")
