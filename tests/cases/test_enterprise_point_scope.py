"""The fourth level of the network: a clerk at an enterprise's aid point (木器厂援助工作点, below
the 髯翁 community) sees and files only his point's dossiers; the community above him sees them."""

from django.urls import reverse

from cases.models import Household

from .conftest import make_household
from .test_dossier_form import dossier_post


def test_the_enterprise_clerk_lists_only_his_points_dossiers(
    client, enterprise_point, enterprise_clerk, community, community_clerk
):
    make_household(enterprise_point, enterprise_clerk, head_name="木器厂职工")
    make_household(community, community_clerk, head_name="社区居民")
    client.force_login(enterprise_clerk)

    response = client.get(reverse("cases:household_list"))

    assert {h.head_name for h in response.context["page"]} == {"木器厂职工"}
    assert "社区居民" not in response.content.decode()


def test_the_enterprise_clerk_gets_404_for_a_dossier_of_the_community_above_him(
    client, enterprise_point, enterprise_clerk, community, community_clerk
):
    above = make_household(community, community_clerk, head_name="社区居民")
    client.force_login(enterprise_clerk)

    for name in ("household_detail", "household_edit", "household_pdf"):
        assert client.get(reverse(f"cases:{name}", args=[above.pk])).status_code == 404, name


def test_the_community_clerk_sees_the_dossiers_of_the_point_below_him(
    client, enterprise_point, enterprise_clerk, community_clerk
):
    below = make_household(enterprise_point, enterprise_clerk, head_name="木器厂职工")
    client.force_login(community_clerk)

    assert client.get(below.get_absolute_url()).status_code == 200
    assert "木器厂职工" in client.get(reverse("cases:household_list")).content.decode()


def test_the_enterprise_clerk_files_at_his_point_but_not_at_the_community(
    client, enterprise_point, enterprise_clerk, community, standard
):
    client.force_login(enterprise_clerk)
    form = client.get(reverse("cases:household_create")).context["forms"].household_form
    assert list(form.fields["node"].queryset) == [enterprise_point]

    refused = client.post(reverse("cases:household_create"), dossier_post(community))
    filed = client.post(reverse("cases:household_create"), dossier_post(enterprise_point))

    assert "node" in refused.context["forms"].household_form.errors
    assert filed.status_code == 302
    assert list(Household.objects.values_list("node", "created_by")) == [(enterprise_point.pk, enterprise_clerk.pk)]
