import pytest
from django.contrib import admin
from django.core import checks
from django.urls import reverse

from network.admin import ScopedAdminMixin
from network.models import Node, User
from network.scoping import is_scoped_model

from ..conftest import make_node


def test_township_user_sees_only_his_own_subtree(township_reviewer, township, community, sibling_township, center):
    visible = set(Node.objects.visible_to(township_reviewer))
    assert visible == {township, community}


def test_center_user_sees_the_whole_county(center_admin, township, sibling_township, community):
    assert Node.objects.visible_to(center_admin).count() == 4


def test_inactive_or_anonymous_users_see_nothing(township_reviewer, township):
    from django.contrib.auth.models import AnonymousUser

    township_reviewer.is_active = False
    assert Node.objects.visible_to(township_reviewer).count() == 0
    assert Node.objects.visible_to(AnonymousUser()).count() == 0


def test_moving_a_node_carries_its_subtree_into_the_new_jurisdiction(
    township, sibling_township, community, outsider
):
    point = make_node("enterprise", community)
    community.parent = sibling_township
    community.save()
    point.refresh_from_db()
    assert point.path.startswith(sibling_township.path)
    assert set(Node.objects.visible_to(outsider)) == {sibling_township, community, point}


def test_every_admin_of_a_scoped_model_is_scoped():
    scoped = [m for m in admin.site._registry if is_scoped_model(m)]
    assert Node in scoped and User in scoped
    for model in scoped:
        assert isinstance(admin.site._registry[model], ScopedAdminMixin), model


def test_the_system_check_refuses_an_unscoped_admin_of_a_scoped_model():
    from network.checks import scoped_models_have_scoped_admins

    class Plain(admin.ModelAdmin):
        pass

    site_registry = admin.site._registry
    original = site_registry[Node]
    site_registry[Node] = Plain(Node, admin.site)
    try:
        errors = scoped_models_have_scoped_admins(None)
    finally:
        site_registry[Node] = original
    assert [e.id for e in errors] == ["network.E001"]


@pytest.mark.parametrize(
    "url_name",
    ["admin:network_node_change", "admin:network_node_history"],
)
def test_admin_answers_404_for_a_node_outside_the_subtree(client, township_reviewer, sibling_township, url_name):
    client.force_login(township_reviewer)
    assert client.get(reverse(url_name, args=[sibling_township.pk])).status_code == 404


def test_admin_changelist_autocomplete_and_filters_are_scoped(client, township_admin, township, sibling_township, community):
    client.force_login(township_admin)
    changelist = client.get(reverse("admin:network_node_changelist"))
    assert changelist.status_code == 200
    assert "弥阳镇工会联合会" in changelist.content.decode()
    assert "新哨镇工会联合会" not in changelist.content.decode()
    auto = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "network", "model_name": "enterprise", "field_name": "node", "term": "镇"},
    )
    names = {item["text"] for item in auto.json()["results"]}
    assert "弥阳镇工会联合会" in names and "新哨镇工会联合会" not in names
    raw_id_popup = client.get(reverse("admin:network_node_changelist"), {"_popup": "1", "_to_field": "id"})
    assert "新哨镇" not in raw_id_popup.content.decode()


def test_admin_user_list_filter_offers_only_nodes_in_scope(client, township_admin, outsider, colleague):
    client.force_login(township_admin)
    page = client.get(reverse("admin:network_user_changelist")).content.decode()
    assert "miyang_clerk" in page
    assert "xinshao_reviewer" not in page
    assert "新哨镇工会联合会" not in page


def test_system_checks_pass_for_the_project():
    assert [e for e in checks.run_checks() if e.level >= checks.ERROR] == []


def test_a_township_admin_edits_his_own_node_whose_parent_lies_above_his_scope(client, township_admin, township, center, sibling_township):
    client.force_login(township_admin)
    data = {"code": township.code, "name": township.name, "kind": "township", "parent": center.pk,
            "contact_person": "新联系人", "phone": "0873-6101300", "address": "", "is_active": "on"}
    response = client.post(reverse("admin:network_node_change", args=[township.pk]), data)
    assert response.status_code == 302
    township.refresh_from_db()
    assert township.contact_person == "新联系人" and township.parent == center
    moved = client.post(reverse("admin:network_node_change", args=[township.pk]), {**data, "parent": sibling_township.pk})
    assert moved.status_code == 200
    township.refresh_from_db()
    assert township.parent == center


def test_ordering_by_path_lists_parents_first_and_siblings_by_creation(center):
    townships = [make_node("township", center) for _ in range(11)]
    ordered = list(Node.objects.filter(parent=center).order_by("path"))
    assert ordered == townships  # the 10th and 11th come after the 2nd, not before it
