"""A dossier's secondary causes of hardship: at most three, none the same as the primary cause;
refused beside the field, with nothing saved."""

import pytest
from django.urls import reverse

from cases.models import Household

from .test_dossier_form import FAMILY, dossier_post

TOO_MANY = "次要致困原因最多选三项。"
SAME_AS_PRIMARY = "次要原因不能与主要原因相同。"


def post(client, community, causes, primary="laid_off"):
    data = dossier_post(community, FAMILY, **{"h-primary_cause": primary, "h-secondary_causes": causes})
    return client.post(reverse("cases:household_create"), data)


def secondary_errors(response):
    return response.context["forms"].household_form.errors.get("secondary_causes", [])


def test_three_secondary_causes_other_than_the_primary_are_stored(client, community_clerk, community, standard):
    client.force_login(community_clerk)

    response = post(client, community, ["illness", "schooling", "disaster"])

    household = Household.objects.get()
    assert response.status_code == 302
    assert household.primary_cause == "laid_off"
    assert household.secondary_cause_list == ["illness", "schooling", "disaster"]


def test_a_fourth_secondary_cause_is_refused_beside_the_field(client, community_clerk, community, standard):
    client.force_login(community_clerk)

    response = post(client, community, ["illness", "schooling", "disaster", "uninsured"])

    assert response.status_code == 200
    assert secondary_errors(response) == [TOO_MANY] and TOO_MANY in response.content.decode()
    assert not Household.objects.exists()


@pytest.mark.parametrize("causes", [["laid_off"], ["illness", "laid_off"]])
def test_the_primary_cause_again_among_the_secondary_ones_is_refused_beside_the_field(
    client, community_clerk, community, standard, causes
):
    client.force_login(community_clerk)

    response = post(client, community, causes)

    assert response.status_code == 200
    assert secondary_errors(response) == [SAME_AS_PRIMARY] and SAME_AS_PRIMARY in response.content.decode()
    assert not Household.objects.exists()


def test_an_edit_cannot_add_a_fourth_cause_either(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    post(client, community, ["illness"])
    household = Household.objects.get()
    data = dossier_post(community, **{"h-secondary_causes": ["illness", "schooling", "disaster", "uninsured"]})

    response = client.post(reverse("cases:household_edit", args=[household.pk]), data)

    household.refresh_from_db()
    assert secondary_errors(response) == [TOO_MANY]
    assert household.secondary_cause_list == ["illness"]
