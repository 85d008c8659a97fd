"""The network tree and node pages: each user sees his own subtree, with its node and staff counts."""

import re
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from network.models import NodeKind, User

from ..conftest import make_enterprise, make_node, make_user


def _rows(content):
    """The body rows of the page's tables, each as a list of cell texts."""
    rows = []
    for body in re.findall(r"<tbody>(.*?)</tbody>", content, re.S):
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            rows.append([unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells])
    return rows


def _tree_counts(content):
    """{node name: (nodes under it, staff under it)} as the tree page shows them."""
    return {row[0]: (int(row[3]), int(row[4])) for row in _rows(content) if len(row) == 7}


# --- the tree page ---------------------------------------------------------------------------


def test_center_admin_sees_the_whole_tree_with_counts(
    client, center_admin, township, community, enterprise_point, sibling_township, colleague, community_clerk, outsider
):
    make_user("retired_clerk", community, is_active=False)
    client.force_login(center_admin)
    response = client.get(reverse("network:node_tree"))
    assert response.status_code == 200
    # each node counts itself and everything below it; only active staff count
    assert _tree_counts(response.content.decode()) == {
        "弥勒县困难职工援助分中心": (5, 4),
        "弥阳镇工会联合会": (3, 2),
        "髯翁社区援助分站": (2, 1),
        "木器厂援助工作点": (1, 0),
        "新哨镇工会联合会": (1, 1),
    }


def test_township_reviewer_sees_only_his_townships_subtree(
    client, township_reviewer, township, community, sibling_township, sibling_community, outsider
):
    client.force_login(township_reviewer)
    content = client.get(reverse("network:node_tree")).content.decode()
    assert _tree_counts(content) == {"弥阳镇工会联合会": (2, 1), "髯翁社区援助分站": (1, 0)}
    assert "新哨镇" not in content
    assert "弥勒县困难职工援助分中心" not in content


def test_the_tree_is_shown_in_order_with_each_child_below_its_parent(
    client, center_admin, township, community, sibling_township, sibling_community
):
    client.force_login(center_admin)
    names = list(_tree_counts(client.get(reverse("network:node_tree")).content.decode()))
    assert names.index("髯翁社区援助分站") == names.index("弥阳镇工会联合会") + 1
    assert names.index("新哨社区援助分站") == names.index("新哨镇工会联合会") + 1


def test_the_tree_page_query_count_does_not_grow_with_the_number_of_nodes(
    client, center_admin, township, community, django_assert_max_num_queries
):
    client.force_login(center_admin)
    with CaptureQueriesContext(connection) as small_tree:
        client.get(reverse("network:node_tree"))
    for i in range(10):
        extra_township = make_node(NodeKind.TOWNSHIP, township.parent, name=f"加测镇{i}")
        extra_community = make_node(NodeKind.COMMUNITY, extra_township)
        make_node(NodeKind.ENTERPRISE, extra_community)
        make_user(f"extra{i}", extra_community)
    with django_assert_max_num_queries(len(small_tree)):
        response = client.get(reverse("network:node_tree"))
    assert len(_tree_counts(response.content.decode())) == 3 + 30
    assert len(small_tree) <= 8


def test_anonymous_users_are_sent_to_the_login_page(client, township):
    for url in (reverse("network:node_tree"), reverse("network:node_detail", args=[township.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={url}"


# --- the node page ---------------------------------------------------------------------------


def test_township_reviewer_opens_a_node_of_his_subtree(
    client, township_reviewer, township, community, enterprise_point, community_clerk
):
    make_enterprise(community, name="弥勒木器厂")
    client.force_login(township_reviewer)
    response = client.get(reverse("network:node_detail", args=[community.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>髯翁社区援助分站</h1>" in content
    rows = _rows(content)
    assert ["木器厂援助工作点", "企业援助工作点", "1", "0", ""] in rows
    assert "弥勒木器厂" in [row[0] for row in rows]
    assert ["赵桂兰", "ranweng_clerk", "录入员"] in rows
    assert response.context["node"].subtree_nodes == 2
    assert response.context["node"].subtree_staff == 1


def test_node_page_breadcrumb_stops_at_the_users_own_node(client, township_reviewer, township, community):
    client.force_login(township_reviewer)
    content = client.get(reverse("network:node_detail", args=[community.pk])).content.decode()
    breadcrumb = re.search(r'<nav class="breadcrumb">(.*?)</nav>', content, re.S).group(1)
    assert "弥阳镇工会联合会" in breadcrumb
    assert "弥勒县困难职工援助分中心" not in breadcrumb


def test_node_page_hides_staff_from_a_role_without_view_user(client, colleague, township):
    client.force_login(colleague)
    content = client.get(reverse("network:node_detail", args=[township.pk])).content.decode()
    assert "本节点工作人员" not in content
    assert "miyang_clerk" not in content.split("</header>", 1)[1]


def test_sibling_township_reviewer_gets_404_for_a_node_in_another_township(
    client, outsider, township, community, sibling_township
):
    client.force_login(outsider)
    assert client.get(reverse("network:node_detail", args=[sibling_township.pk])).status_code == 200
    refused = client.get(reverse("network:node_detail", args=[township.pk]))
    assert refused.status_code == 404
    assert "不在您的辖区范围内" in refused.content.decode()
    assert "弥阳镇" not in refused.content.decode()
    assert client.get(reverse("network:node_detail", args=[community.pk])).status_code == 404


def test_township_reviewer_gets_404_for_the_center_above_him(client, township_reviewer, center):
    client.force_login(township_reviewer)
    assert client.get(reverse("network:node_detail", args=[center.pk])).status_code == 404


def test_node_page_query_count_does_not_grow_with_children(
    client, center_admin, township, community, django_assert_max_num_queries
):
    client.force_login(center_admin)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("network:node_detail", args=[township.pk]))
    for i in range(15):
        extra = make_node(NodeKind.COMMUNITY, township, name=f"加测社区{i}")
        make_enterprise(township, name=f"加测单位{i}")
        User.objects.create(username=f"extra{i}", node=extra, password="!")
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("network:node_detail", args=[township.pk]))
    assert response.context["node"].subtree_nodes == 17
