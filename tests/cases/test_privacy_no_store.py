"""Pages that may show full ID, phone and bank numbers tell the browser not to keep them: a shared
office computer's cache would otherwise hand them to the next person at the desk."""

import pytest
from django.urls import reverse

from .conftest import make_household


@pytest.fixture
def household(community, community_clerk):
    return make_household(community, community_clerk, bank_account="6228480123456789012")


def no_store(response):
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize("query", ["", "?unmask=1"])
def test_the_dossier_page_is_not_stored(client, township_reviewer, household, query):
    client.force_login(township_reviewer)

    response = client.get(household.get_absolute_url() + query)

    assert response.status_code == 200 and no_store(response)


def test_the_edit_form_is_not_stored(client, community_clerk, household):
    client.force_login(community_clerk)

    response = client.get(reverse("cases:household_edit", args=[household.pk]))

    assert response.status_code == 200 and no_store(response)
    assert household.members.get().id_number in response.content.decode()


@pytest.mark.parametrize("query", ["", "?unmask=1"])
def test_the_export_is_not_stored(client, township_reviewer, household, query):
    client.force_login(township_reviewer)

    response = client.get(reverse("cases:household_export") + query)

    assert response.status_code == 200 and no_store(response)


@pytest.mark.parametrize("query", ["", "?unmask=1"])
def test_the_printed_dossier_is_not_stored(client, township_reviewer, household, query):
    client.force_login(township_reviewer)

    response = client.get(reverse("cases:household_pdf", args=[household.pk]) + query)

    assert response.status_code == 200 and no_store(response)


def test_the_admin_pages_with_full_numbers_are_not_stored(client, center_admin, household):
    member = household.members.get()
    client.force_login(center_admin)

    for url in (
        reverse("admin:cases_household_change", args=[household.pk]),
        reverse("admin:cases_household_history", args=[household.pk]),
        reverse("admin:cases_member_change", args=[member.pk]),
        reverse("admin:cases_member_history", args=[member.pk]),
        reverse("admin:cases_household_changelist"),
        reverse("admin:cases_sensitiveaccess_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 200 and no_store(response), url
