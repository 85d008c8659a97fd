from django.urls import reverse


def test_an_out_of_scope_dossier_answers_a_chinese_404_page(client, outsider, community, community_clerk):
    from tests.cases.conftest import make_household

    household = make_household(community, community_clerk)
    client.force_login(outsider)
    response = client.get(reverse("cases:household_detail", args=[household.pk]))
    assert response.status_code == 404
    assert "不在您的辖区范围内" in response.content.decode()


def test_a_role_without_the_permission_gets_a_chinese_403_page(client, center_leader):
    client.force_login(center_leader)
    response = client.get(reverse("cases:household_create"))
    assert response.status_code == 403
    assert "您的角色不能进行此操作" in response.content.decode()
