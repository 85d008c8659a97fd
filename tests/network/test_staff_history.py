"""Changes to staff accounts leave a history (who changed the role, node or status, when, from what
to what), read in the admin's history page within the reader's subtree; never the password hash,
and a sign-in is no change."""

import html
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from network.models import Role, User

from ..conftest import PASSWORD


def history_url(account):
    return reverse("admin:network_user_history", args=[account.pk])


def changes_in(page):
    """Each change the history page lists, as "field: old → new"."""
    items = re.findall(r"<li>\s*<strong>(.*?)</li>", page, re.S)
    text = [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in items]
    return [re.sub(r"\s+", " ", item.replace("\xa0", " ")).strip() for item in text]


def edit(client, account, **fields):
    data = {"username": account.username, "name": account.name, "phone": account.phone, "node": account.node_id,
            "role": account.role, "is_active": "on" if account.is_active else ""}
    data.update(fields)
    return client.post(reverse("network:staff_edit", args=[account.pk]), data)


def test_a_changed_role_and_node_are_recorded_with_who_changed_them(client, center_admin, colleague, community):
    client.force_login(center_admin)
    assert edit(client, colleague, role=Role.REVIEWER, node=community.pk).status_code == 302

    record = User.history.filter(id=colleague.pk).latest()
    assert (record.role, record.node_id, record.history_user, record.history_type) == (
        Role.REVIEWER, community.pk, center_admin, "~"
    )
    page = client.get(history_url(colleague)).content.decode()
    assert "角色: 录入员 → 审核员" in changes_in(page)
    assert f"所属节点: {colleague.node.name} → {community.name}" in changes_in(page)
    assert center_admin.name in page


def test_disabling_an_account_on_the_staff_page_or_in_the_admin_is_recorded(client, center_admin, colleague, outsider):
    client.force_login(center_admin)
    client.post(reverse("network:staff_toggle_active", args=[colleague.pk]))
    client.post(reverse("admin:network_user_changelist"),
                {"action": "disable_accounts", ACTION_CHECKBOX_NAME: [outsider.pk], "index": "0"})

    for account in (colleague, outsider):
        record = User.history.filter(id=account.pk).latest()
        assert (record.is_active, record.history_user) == (False, center_admin)
        assert "有效: 是 → 否" in changes_in(client.get(history_url(account)).content.decode())


def test_the_history_never_holds_the_password_hash(client, center_admin, colleague):
    client.force_login(colleague)
    client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Quiet-Harbour-Lamp-42", "new_password2": "Quiet-Harbour-Lamp-42",
    })
    colleague.refresh_from_db()
    assert colleague.check_password("Quiet-Harbour-Lamp-42")
    client.force_login(center_admin)

    history_fields = {field.name for field in User.history.model._meta.fields}
    pages = [client.get(history_url(colleague)).content.decode()]
    pages += [client.get(reverse("admin:network_user_simple_history", args=[colleague.pk, record.history_id])).content.decode()
              for record in User.history.filter(id=colleague.pk)]

    assert "password" not in history_fields and "last_login" not in history_fields
    assert all(colleague.password not in page and colleague.password.split("$")[-1] not in page for page in pages)


def test_signing_in_leaves_no_history_record(client, colleague):
    before = User.history.filter(id=colleague.pk).count()

    response = client.post(reverse("login"), {"username": colleague.username, "password": PASSWORD})

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.last_login is not None
    assert User.history.filter(id=colleague.pk).count() == before


def test_a_past_version_of_an_account_is_read_only(client, center_admin, colleague):
    client.force_login(center_admin)
    edit(client, colleague, role=Role.REVIEWER)
    first = User.history.filter(id=colleague.pk).earliest()
    url = reverse("admin:network_user_simple_history", args=[colleague.pk, first.history_id])

    page = client.get(url)
    posted = client.post(url, {"role": Role.DATA_ENTRY})

    assert page.status_code == 200 and "录入员" in page.content.decode()
    assert 'name="role"' not in page.content.decode()
    assert posted.status_code == 403
    colleague.refresh_from_db()
    assert colleague.role == Role.REVIEWER


def test_his_own_accounts_history_opens_for_an_admin(client, center_admin):
    client.force_login(center_admin)
    first = User.history.filter(id=center_admin.pk).earliest()

    response = client.get(reverse("admin:network_user_simple_history", args=[center_admin.pk, first.history_id]))

    assert response.status_code == 200


@pytest.mark.parametrize("page", ["history", "version"])
def test_the_history_of_an_account_in_another_township_answers_404(client, outsider_admin, colleague, page):
    client.force_login(outsider_admin)
    record = User.history.filter(id=colleague.pk).earliest()
    url = history_url(colleague) if page == "history" else reverse(
        "admin:network_user_simple_history", args=[colleague.pk, record.history_id]
    )

    assert client.get(url).status_code == 404


def test_the_history_page_query_count_does_not_grow_with_the_records(client, center_admin, colleague, community, township,
                                                                     django_assert_max_num_queries):
    client.force_login(center_admin)
    for node in (community, township, community, township):
        edit(client, colleague, node=node.pk)
        colleague.refresh_from_db()
    with django_assert_max_num_queries(14):
        assert client.get(history_url(colleague)).status_code == 200
