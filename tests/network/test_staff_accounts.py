"""Center admins create and disable staff accounts; nobody grants a role or a node above his own."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from network.forms import StaffCreateForm
from network.models import Role, User

from ..conftest import PASSWORD

NEW_PASSWORD = "Lantern-Orchard-57"


def _new_account(node, role=Role.DATA_ENTRY, **fields):
    data = {
        "username": "new_clerk",
        "name": "新录入员",
        "phone": "0873-6123456",
        "node": node.pk,
        "role": role,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(fields)
    return data


def _edit_data(account, **fields):
    data = {
        "username": account.username,
        "name": account.name,
        "phone": account.phone,
        "node": account.node_id,
        "role": account.role,
        "is_active": "on" if account.is_active else "",
    }
    data.update(fields)
    return data


def _field_html(content, name):
    """The HTML of one field's block on our own forms: its input and the errors shown beside it."""
    match = re.search(r'<div class="field[^"]*">\s*<label for="id_%s">.*?</div>' % name, content, re.S)
    assert match, f"no field {name} on the page"
    return match.group(0)


# --- the staff pages: center admins create, edit and disable accounts ------------------------


def test_center_admin_creates_a_staff_account(client, center_admin, township):
    client.force_login(center_admin)
    response = client.post(reverse("network:staff_create"), _new_account(township, Role.REVIEWER), follow=True)
    assert response.redirect_chain[-1][0] == reverse("network:staff_list")
    assert "账号“新录入员”已创建。" in response.content.decode()
    account = User.objects.get(username="new_clerk")
    assert (account.node, account.role, account.name, account.is_staff) == (township, Role.REVIEWER, "新录入员", True)
    assert account.check_password(NEW_PASSWORD)
    assert not account.is_superuser


def test_the_new_account_can_log_in(client, center_admin, township):
    client.force_login(center_admin)
    client.post(reverse("network:staff_create"), _new_account(township))
    client.logout()
    response = client.post(reverse("login"), {"username": "new_clerk", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_center_admin_edits_an_account(client, center_admin, colleague, community):
    client.force_login(center_admin)
    response = client.post(
        reverse("network:staff_edit", args=[colleague.pk]), _edit_data(colleague, node=community.pk, role=Role.REVIEWER)
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert (colleague.node, colleague.role) == (community, Role.REVIEWER)


def test_center_admin_disables_and_reenables_an_account(client, center_admin, colleague):
    client.force_login(center_admin)
    url = reverse("network:staff_toggle_active", args=[colleague.pk])
    response = client.post(url, follow=True)
    assert "账号“张志强”已停用。" in response.content.decode()
    colleague.refresh_from_db()
    assert not colleague.is_active
    client.post(url)
    colleague.refresh_from_db()
    assert colleague.is_active


def test_a_disabled_account_cannot_log_in(client, center_admin, colleague):
    client.force_login(center_admin)
    client.post(reverse("network:staff_toggle_active", args=[colleague.pk]))
    client.logout()
    response = client.post(reverse("login"), {"username": colleague.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_nobody_disables_himself(client, center_admin):
    client.force_login(center_admin)
    response = client.post(reverse("network:staff_toggle_active", args=[center_admin.pk]), follow=True)
    assert "不能停用您本人或角色高于您本人的账号。" in response.content.decode()
    center_admin.refresh_from_db()
    assert center_admin.is_active


def test_the_staff_list_shows_accounts_with_their_status(client, center_admin, colleague, outsider):
    colleague.is_active = False
    colleague.save()
    client.force_login(center_admin)
    page = client.get(reverse("network:staff_list")).content.decode()
    assert "miyang_clerk" in page and "xinshao_reviewer" in page
    assert "已停用" in page


def test_staff_list_query_count_does_not_grow_with_accounts(
    client, center_admin, colleague, outsider, township, sibling_township, django_assert_max_num_queries
):
    client.force_login(center_admin)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("network:staff_list"))
    User.objects.bulk_create(
        User(username=f"clerk{i}", name=f"录入员{i}", node=township if i % 2 else sibling_township, password="!")
        for i in range(25)
    )
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("network:staff_list"))
    assert response.content.decode().count("<tr") == 1 + 28
    assert len(few) <= 8


# --- the admin: the same rules ---------------------------------------------------------------


def test_center_admin_creates_an_account_in_the_admin(client, center_admin, township):
    client.force_login(center_admin)
    response = client.post(reverse("admin:network_user_add"), _new_account(township, Role.REVIEWER))
    assert response.status_code == 302
    account = User.objects.get(username="new_clerk")
    assert (account.node, account.role, account.is_staff) == (township, Role.REVIEWER, True)
    assert account.check_password(NEW_PASSWORD)


def test_center_admin_disables_accounts_with_the_admin_action(client, center_admin, colleague, outsider):
    client.force_login(center_admin)
    client.post(
        reverse("admin:network_user_changelist"),
        {"action": "disable_accounts", "_selected_action": [colleague.pk, outsider.pk, center_admin.pk]},
    )
    assert list(User.objects.filter(is_active=False).order_by("username")) == [colleague, outsider]


def test_township_admin_cannot_create_an_account_at_the_center_in_the_admin(client, township_admin, center):
    client.force_login(township_admin)
    response = client.post(reverse("admin:network_user_add"), _new_account(center))
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert "node" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="new_clerk").exists()


def test_township_reviewer_cannot_open_the_admin_add_page(client, township_reviewer, township):
    client.force_login(township_reviewer)
    response = client.post(reverse("admin:network_user_add"), _new_account(township, Role.CENTER_ADMIN))
    assert response.status_code == 403
    assert not User.objects.filter(username="new_clerk").exists()


# --- no grant above one's own role -----------------------------------------------------------


def test_township_reviewer_cannot_create_accounts(client, township_reviewer, township):
    client.force_login(township_reviewer)
    assert client.get(reverse("network:staff_create")).status_code == 403
    response = client.post(reverse("network:staff_create"), _new_account(township, Role.CENTER_ADMIN))
    assert response.status_code == 403
    assert not User.objects.filter(username="new_clerk").exists()


def test_township_reviewer_cannot_promote_a_colleague(client, township_reviewer, colleague):
    client.force_login(township_reviewer)
    response = client.post(
        reverse("network:staff_edit", args=[colleague.pk]), _edit_data(colleague, role=Role.CENTER_ADMIN)
    )
    assert response.status_code == 403
    colleague.refresh_from_db()
    assert colleague.role == Role.DATA_ENTRY


def test_center_leader_sees_the_staff_list_but_cannot_create_accounts(client, center_leader, township):
    client.force_login(center_leader)
    assert client.get(reverse("network:staff_list")).status_code == 200
    assert client.post(reverse("network:staff_create"), _new_account(township)).status_code == 403
    assert not User.objects.filter(username="new_clerk").exists()


@pytest.mark.parametrize("granter", ["township_reviewer", "center_leader"])
def test_the_form_refuses_a_role_above_the_granting_user(request, granter, township):
    user = request.getfixturevalue(granter)
    form = StaffCreateForm(_new_account(township, Role.CENTER_ADMIN), granted_by=user)
    assert not form.is_valid()
    assert "role" in form.errors
    assert Role.CENTER_ADMIN not in dict(form.fields["role"].choices)


def test_the_form_refuses_a_role_above_the_granting_user_even_when_offered(township_reviewer, township):
    form = StaffCreateForm(_new_account(township, Role.CENTER_ADMIN), granted_by=township_reviewer)
    form.fields["role"].choices = Role.choices
    assert not form.is_valid()
    assert form.errors["role"] == ["不能授予高于您本人的角色。"]


def test_crafted_superuser_flags_are_ignored(client, township_admin, township):
    client.force_login(township_admin)
    client.post(
        reverse("network:staff_create"), _new_account(township, is_superuser="on", user_permissions="1", groups="1")
    )
    account = User.objects.get(username="new_clerk")
    assert not account.is_superuser
    assert account.rank == 1


def test_an_admin_cannot_change_his_own_role_or_node(client, township_admin, center):
    client.force_login(township_admin)
    client.post(
        reverse("network:staff_edit", args=[township_admin.pk]),
        _edit_data(township_admin, node=center.pk, name="改名"),
    )
    township_admin.refresh_from_db()
    assert township_admin.name == "改名"
    assert township_admin.node.name == "弥阳镇工会联合会"


# --- no grant above or outside one's own node ------------------------------------------------


@pytest.mark.parametrize("target", ["center", "sibling_township"])
def test_township_admin_cannot_create_an_account_outside_his_township(request, client, township_admin, target):
    node = request.getfixturevalue(target)
    client.force_login(township_admin)
    response = client.post(reverse("network:staff_create"), _new_account(node))
    assert response.status_code == 200
    node_field = _field_html(response.content.decode(), "node")
    assert "has-error" in node_field
    assert 'class="error"' in node_field
    assert not User.objects.filter(username="new_clerk").exists()


def test_township_admin_cannot_move_a_colleague_to_a_sibling_township(
    client, township_admin, colleague, township, sibling_township
):
    client.force_login(township_admin)
    response = client.post(
        reverse("network:staff_edit", args=[colleague.pk]), _edit_data(colleague, node=sibling_township.pk)
    )
    assert "has-error" in _field_html(response.content.decode(), "node")
    colleague.refresh_from_db()
    assert colleague.node == township


def test_township_admin_is_offered_only_nodes_of_his_township(client, township_admin, community, sibling_township):
    client.force_login(township_admin)
    node_field = _field_html(client.get(reverse("network:staff_create")).content.decode(), "node")
    assert "髯翁社区援助分站" in node_field
    assert "新哨镇工会联合会" not in node_field
    assert "弥勒县困难职工援助分中心" not in node_field


def test_township_admin_creates_an_account_in_his_community(client, township_admin, community):
    client.force_login(township_admin)
    response = client.post(reverse("network:staff_create"), _new_account(community, Role.CENTER_ADMIN))
    assert response.status_code == 302
    assert User.objects.get(username="new_clerk").node == community


# --- passwords -------------------------------------------------------------------------------


def test_a_password_shorter_than_twelve_characters_is_refused_in_chinese(client, center_admin, township):
    client.force_login(center_admin)
    short = "Kx7#pLm2qR!"
    assert len(short) == 11
    response = client.post(reverse("network:staff_create"), _new_account(township, password1=short, password2=short))
    content = response.content.decode()
    assert "密码太短，至少需要 12 个字符。" in _field_html(content, "password2")
    assert 'value="new_clerk"' in content
    assert not User.objects.filter(username="new_clerk").exists()


def test_a_password_of_twelve_characters_is_accepted(client, center_admin, township):
    client.force_login(center_admin)
    password = "Kx7#pLm2qR!w"
    client.post(reverse("network:staff_create"), _new_account(township, password1=password, password2=password))
    assert User.objects.get(username="new_clerk").check_password(password)


# --- outsiders -------------------------------------------------------------------------------


def test_sibling_township_admin_cannot_edit_an_account_in_another_township(client, outsider_admin, colleague):
    client.force_login(outsider_admin)
    url = reverse("network:staff_edit", args=[colleague.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _edit_data(colleague, name="被改了")).status_code == 404
    colleague.refresh_from_db()
    assert colleague.name == "张志强"


def test_sibling_township_admin_cannot_disable_an_account_in_another_township(client, outsider_admin, colleague):
    client.force_login(outsider_admin)
    response = client.post(reverse("network:staff_toggle_active", args=[colleague.pk]))
    assert response.status_code == 404
    colleague.refresh_from_db()
    assert colleague.is_active


def test_sibling_township_admin_does_not_see_another_townships_staff(client, outsider_admin, colleague, township_admin):
    client.force_login(outsider_admin)
    page = client.get(reverse("network:staff_list")).content.decode()
    assert "xinshao_admin" in page
    assert "miyang_clerk" not in page and "miyang_admin" not in page
    assert "张志强" not in page


def test_sibling_township_admin_cannot_open_another_townships_account_in_the_admin(client, outsider_admin, colleague):
    client.force_login(outsider_admin)
    assert client.get(reverse("admin:network_user_change", args=[colleague.pk])).status_code == 404


# --- data entry ------------------------------------------------------------------------------


def test_data_entry_clerk_is_refused_every_staff_page(client, colleague, township_reviewer, township):
    client.force_login(colleague)
    refused = client.get(reverse("network:staff_list"))
    assert refused.status_code == 403
    assert "您的角色不能进行此操作" in refused.content.decode()
    assert client.get(reverse("network:staff_create")).status_code == 403
    assert client.post(reverse("network:staff_create"), _new_account(township)).status_code == 403
    assert client.get(reverse("network:staff_edit", args=[township_reviewer.pk])).status_code == 403
    assert client.post(reverse("network:staff_toggle_active", args=[township_reviewer.pk])).status_code == 403
    township_reviewer.refresh_from_db()
    assert township_reviewer.is_active
    assert not User.objects.filter(username="new_clerk").exists()


def test_anonymous_users_are_sent_to_the_login_page(client, colleague):
    for url in (reverse("network:staff_list"), reverse("network:staff_create")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_staff_list_searches_and_filters_by_role_within_the_subtree(client, center_admin, colleague, township_reviewer, outsider):
    client.force_login(center_admin)
    found = client.get(reverse("network:staff_list"), {"q": "张志"}).content.decode()
    assert "miyang_clerk" in found and "miyang_reviewer" not in found
    reviewers = client.get(reverse("network:staff_list"), {"role": "reviewer"}).content.decode()
    assert "miyang_reviewer" in reviewers and "xinshao_reviewer" in reviewers and "miyang_clerk" not in reviewers
    client.force_login(township_reviewer)
    assert "xinshao_reviewer" not in client.get(reverse("network:staff_list"), {"q": "xinshao"}).content.decode()
