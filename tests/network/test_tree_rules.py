"""An impossible network tree is refused with a clear Chinese message, and nothing is saved."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from network.models import Node, NodeKind

from ..conftest import make_node


def _errors(node):
    with pytest.raises(ValidationError) as excinfo:
        node.full_clean()
    return excinfo.value.message_dict


def _admin_post(client, url, **fields):
    data = {"code": "", "name": "", "kind": "", "parent": "", "contact_person": "", "phone": "", "address": ""}
    data["is_active"] = "on"
    data.update({key: "" if value is None else value for key, value in fields.items()})
    return client.post(url, data)


# --- the model's own rules -------------------------------------------------------------------


def test_a_community_directly_under_the_center_is_refused(center):
    node = Node(code="X1", name="越级社区", kind=NodeKind.COMMUNITY, parent=center)
    errors = _errors(node)
    assert "社区援助分站只能设在第2级节点之下" in errors["parent"][0]
    assert "弥勒县困难职工援助分中心" in errors["parent"][0]


def test_an_enterprise_point_directly_under_a_township_is_refused(township):
    node = Node(code="X1", name="越级工作点", kind=NodeKind.ENTERPRISE, parent=township)
    errors = _errors(node)
    assert "企业援助工作点只能设在第3级节点之下" in errors["parent"][0]


def test_a_township_without_a_parent_is_refused(center):
    errors = _errors(Node(code="X1", name="无上级乡镇", kind=NodeKind.TOWNSHIP))
    assert errors["parent"] == ["请选择上级节点。"]


def test_the_center_cannot_have_a_parent(center, township):
    center.parent = township
    errors = _errors(center)
    assert errors["parent"] == ["县援助分中心是网络的顶端，不能有上级节点。"]


def test_a_node_cannot_be_moved_under_its_own_descendant(township, community):
    township.parent = community
    errors = _errors(township)
    assert errors["parent"] == ["不能把节点移到它自己或它的下级节点之下。"]


def test_a_node_cannot_be_its_own_parent(township):
    township.parent = township
    errors = _errors(township)
    assert errors["parent"] == ["不能把节点移到它自己或它的下级节点之下。"]


def test_a_node_with_children_cannot_change_its_level(township, community):
    township.kind = NodeKind.COMMUNITY
    township.parent = make_node(NodeKind.TOWNSHIP, township.parent)
    errors = _errors(township)
    assert errors["kind"] == ["该节点下已有下级节点，不能改变它所在的层级。"]


def test_a_duplicate_code_is_refused(center, township):
    errors = _errors(Node(code=township.code, name="重号乡镇", kind=NodeKind.TOWNSHIP, parent=center))
    assert errors["code"] == ["编码已被其他节点使用，请换一个。"]


def test_a_second_center_is_refused(center):
    errors = _errors(Node(code="X1", name="第二个分中心", kind=NodeKind.CENTER))
    assert errors["__all__"] == ["全县只能有一个县援助分中心，它已经存在。"]


def test_a_well_formed_node_passes_the_rules(township):
    Node(code="X1", name="新社区", kind=NodeKind.COMMUNITY, parent=township).full_clean()


# --- the database's constraints --------------------------------------------------------------


def test_the_database_refuses_a_second_center(center):
    with pytest.raises(IntegrityError), transaction.atomic():
        Node.objects.create(code="X1", name="第二个分中心", kind=NodeKind.CENTER)
    assert Node.objects.filter(kind=NodeKind.CENTER).count() == 1


def test_the_database_refuses_a_second_root(center):
    with pytest.raises(IntegrityError), transaction.atomic():
        Node.objects.create(code="X1", name="无上级乡镇", kind=NodeKind.TOWNSHIP)
    assert Node.objects.count() == 1


def test_the_database_refuses_a_center_with_a_parent(center, township):
    with pytest.raises(IntegrityError), transaction.atomic():
        Node.objects.filter(pk=center.pk).update(parent=township)
    center.refresh_from_db()
    assert center.parent is None


# --- the same rules through the admin --------------------------------------------------------


def test_admin_refuses_a_community_directly_under_the_center(client, center_admin, center):
    client.force_login(center_admin)
    response = _admin_post(
        client, reverse("admin:network_node_add"), code="X1", name="越级社区", kind="community", parent=center.pk
    )
    assert response.status_code == 200
    assert "社区援助分站只能设在第2级节点之下" in response.content.decode()
    assert not Node.objects.filter(code="X1").exists()


def test_admin_refuses_an_enterprise_point_under_a_township(client, center_admin, township):
    client.force_login(center_admin)
    response = _admin_post(
        client, reverse("admin:network_node_add"), code="X1", name="越级工作点", kind="enterprise", parent=township.pk
    )
    assert "企业援助工作点只能设在第3级节点之下" in response.content.decode()
    assert not Node.objects.filter(code="X1").exists()


def test_admin_refuses_moving_a_township_under_its_own_community(client, center_admin, center, township, community):
    client.force_login(center_admin)
    response = _admin_post(
        client,
        reverse("admin:network_node_change", args=[township.pk]),
        code=township.code,
        name=township.name,
        kind=township.kind,
        parent=community.pk,
    )
    assert "不能把节点移到它自己或它的下级节点之下。" in response.content.decode()
    township.refresh_from_db()
    community.refresh_from_db()
    assert township.parent == center
    assert community.path == f"{center.pk:08d}/{township.pk:08d}/{community.pk:08d}/"


def test_admin_refuses_a_duplicate_code(client, center_admin, center, township):
    client.force_login(center_admin)
    response = _admin_post(
        client, reverse("admin:network_node_add"), code=township.code, name="重号乡镇", kind="township", parent=center.pk
    )
    assert "编码已被其他节点使用，请换一个。" in response.content.decode()
    assert list(Node.objects.filter(code=township.code)) == [township]


def test_admin_refuses_a_second_center(client, center_admin, center):
    client.force_login(center_admin)
    response = _admin_post(client, reverse("admin:network_node_add"), code="X1", name="第二个分中心", kind="center")
    assert "全县只能有一个县援助分中心，它已经存在。" in response.content.decode()
    assert list(Node.objects.filter(kind=NodeKind.CENTER)) == [center]


def test_admin_saves_a_well_formed_node(client, center_admin, township):
    client.force_login(center_admin)
    response = _admin_post(
        client, reverse("admin:network_node_add"), code="X1", name="新社区援助分站", kind="community", parent=township.pk
    )
    assert response.status_code == 302
    node = Node.objects.get(code="X1")
    assert (node.parent, node.level, node.path) == (township, 3, f"{township.path}{node.pk:08d}/")
