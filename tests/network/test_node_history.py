"""Changes to the network's nodes (renamed, moved, disabled) leave a history, read in the admin
within the reader's subtree."""

import html

from django.urls import reverse

from network.models import Node

from .test_staff_history import changes_in


def node_data(node, **fields):
    data = {"code": node.code, "name": node.name, "kind": node.kind, "parent": node.parent_id or "",
            "contact_person": node.contact_person, "phone": node.phone, "address": node.address,
            "is_active": "on" if node.is_active else ""}
    data.update(fields)
    return data


def test_renaming_moving_and_disabling_a_node_are_recorded_with_who_did_it(
    client, center_admin, community, township, sibling_township
):
    client.force_login(center_admin)
    url = reverse("admin:network_node_change", args=[community.pk])
    response = client.post(url, node_data(community, name="髯翁社区援助站", parent=sibling_township.pk, is_active=""))
    assert response.status_code == 302

    record = Node.history.filter(id=community.pk).latest()
    assert (record.name, record.parent_id, record.is_active, record.history_user) == (
        "髯翁社区援助站", sibling_township.pk, False, center_admin
    )
    page = client.get(reverse("admin:network_node_history", args=[community.pk])).content.decode()
    changes = changes_in(page)
    assert "名称: 髯翁社区援助分站 → 髯翁社区援助站" in changes
    assert f"上级节点: {township.name} → {sibling_township.name}" in changes
    assert "启用: 是 → 否" in changes
    assert center_admin.name in html.unescape(page)


def test_a_new_node_is_recorded_once_with_its_path_left_out(client, center_admin, township):
    client.force_login(center_admin)
    client.post(reverse("admin:network_node_add"), {
        "code": "C0042", "name": "新社区援助分站", "kind": "community", "parent": township.pk, "is_active": "on",
    })

    node = Node.objects.get(code="C0042")
    assert [r.history_type for r in Node.history.filter(id=node.pk)] == ["+"]
    assert "path" not in {field.name for field in Node.history.model._meta.fields}


def test_the_history_of_a_node_in_another_township_answers_404(client, outsider_admin, community):
    client.force_login(outsider_admin)
    record = Node.history.filter(id=community.pk).earliest()

    assert client.get(reverse("admin:network_node_history", args=[community.pk])).status_code == 404
    assert client.get(
        reverse("admin:network_node_simple_history", args=[community.pk, record.history_id])
    ).status_code == 404
