"""Searching part of an ID number would confirm its hidden digits (the birth date) one guess at a
time: who may not see full numbers finds a dossier by ID number only when he types it in full.
Odd filter values in the list or export address are ignored, never an error."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Relation
from network.models import Role

from ..conftest import make_user
from .conftest import make_household, make_id_number

HEAD_ID = make_id_number(datetime.date(1975, 3, 14), serial=371)
WRONG_BIRTH = HEAD_ID[:6] + "19750315"
LIST = reverse("cases:household_list")
EXPORT = reverse("cases:household_export")


@pytest.fixture
def finance(center):
    return make_user("center_finance", center, Role.FINANCE, name="钱会计")


@pytest.fixture
def zhang(community, community_clerk):
    return make_household(community, community_clerk, head_name="张志强", head_id=HEAD_ID,
                          filed_on=datetime.date(2024, 5, 6))


@pytest.fixture
def zeng(community, community_clerk):
    return make_household(community, community_clerk, head_name="曾志伟", head_id=make_id_number(serial=372),
                          members=[("单田芳", Relation.SPOUSE, make_id_number(serial=373, male=False))])


def names_listed(client, query):
    return {h.head_name for h in client.get(LIST, query).context["page"]}


def names_exported(client, query):
    response = client.get(EXPORT, query)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return {row[1] for row in workbook.active.iter_rows(min_row=3, values_only=True)}


@pytest.mark.parametrize("user", ["finance", "center_leader"])
def test_the_first_fourteen_digits_of_an_id_number_find_nothing_for_who_may_not_see_full_numbers(client, zhang, user, request):
    client.force_login(request.getfixturevalue(user))

    right = names_listed(client, {"q": HEAD_ID[:14]})
    wrong = names_listed(client, {"q": WRONG_BIRTH})

    assert right == wrong == set()
    assert names_listed(client, {"q": HEAD_ID[6:14]}) == set()


def test_the_full_id_number_finds_the_dossier_for_who_may_not_see_full_numbers(client, finance, zhang):
    client.force_login(finance)
    spaced = f"{HEAD_ID[:6]} {HEAD_ID[6:14]} {HEAD_ID[14:]}".replace("1", "１")

    assert names_listed(client, {"q": HEAD_ID}) == {"张志强"}
    assert names_listed(client, {"q": spaced}) == {"张志强"}
    assert names_exported(client, {"q": HEAD_ID}) == {"张志强"}


def test_who_may_see_full_numbers_finds_a_dossier_by_the_start_of_its_id_number(client, township_reviewer, zhang):
    client.force_login(township_reviewer)

    assert names_listed(client, {"q": HEAD_ID[:14]}) == {"张志强"}
    assert names_listed(client, {"q": WRONG_BIRTH}) == set()


def test_the_export_follows_the_same_search_rule(client, finance, zhang):
    client.force_login(finance)

    assert names_exported(client, {"q": HEAD_ID[:14]}) == set()


@pytest.mark.parametrize("query, expected", [("zzw", {"曾志伟"}), ("czw", {"曾志伟"}), ("stf", {"曾志伟"}), ("zzq", {"张志强"})])
def test_a_surname_with_a_special_reading_is_found_by_it(client, finance, zhang, zeng, query, expected):
    client.force_login(finance)

    assert names_listed(client, {"q": query}) == expected


# --- the admin's search --------------------------------------------------------------------


def admin_names(client, changelist, term):
    response = client.get(reverse(changelist), {"q": term})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("changelist", ["admin:cases_household_changelist", "admin:cases_member_changelist"])
def test_the_admin_search_by_part_of_an_id_number_finds_nothing_for_a_leader(client, center_leader, zhang, changelist):
    client.force_login(center_leader)

    assert "张志强" not in admin_names(client, changelist, HEAD_ID[:14])
    assert "张志强" not in admin_names(client, changelist, HEAD_ID[6:14])
    assert "张志强" in admin_names(client, changelist, HEAD_ID)
    assert "张志强" in admin_names(client, changelist, HEAD_ID.lower().replace("x", "X")[:6] + " " + HEAD_ID[6:])


@pytest.mark.parametrize("changelist", ["admin:cases_household_changelist", "admin:cases_member_changelist"])
def test_the_admin_search_by_part_of_an_id_number_works_for_who_may_see_full_numbers(client, center_admin, zhang, changelist):
    client.force_login(center_admin)

    assert "张志强" in admin_names(client, changelist, HEAD_ID[:14])


@pytest.mark.parametrize("changelist", ["admin:cases_household_changelist", "admin:cases_member_changelist"])
def test_the_admin_search_finds_a_surname_by_its_special_reading(client, center_leader, zhang, zeng, changelist):
    client.force_login(center_leader)

    page = admin_names(client, changelist, "zzw")

    assert "曾志伟" in page and "张志强" not in page


# --- odd values in the address ------------------------------------------------------------


@pytest.mark.parametrize("query", [
    {"year": "-1"}, {"year": "99999999999"}, {"year": "1900"}, {"year": "2.5"}, {"year": "abc"},
    {"ordering": "password"}, {"ordering": "-members__id_number"}, {"node": "abc"}, {"node": "99999999999999999999"},
    {"enterprise": "abc"}, {"enterprise": "-1"}, {"status": "nope"}, {"category": "x"}, {"cause": "(.*)"},
    {"work_status": "x"}, {"not_reviewed": "maybe"}, {"never_aided": "2"}, {"q": "a\x00b"},
    {"page": "abc"}, {"page": str(10**20)}, {"page": "-1"},
])
def test_an_odd_filter_value_is_ignored_in_the_list_and_the_export(client, center_admin, zhang, query):
    client.force_login(center_admin)

    listed = client.get(LIST, query)

    assert listed.status_code == 200
    assert "张志强" in listed.content.decode()
    assert names_exported(client, query) == {"张志强"}


def test_a_real_year_still_filters_the_list_and_the_export(client, center_admin, zhang, zeng):
    client.force_login(center_admin)
    this_year = datetime.date.today().year

    assert names_listed(client, {"year": "2024"}) == {"张志强"}
    assert names_exported(client, {"year": "2024"}) == {"张志强"}
    assert "曾志伟" in names_listed(client, {"year": str(this_year)})
