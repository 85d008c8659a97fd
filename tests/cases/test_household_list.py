import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Member, Relation, Status, WorkStatus
from cases.services import household_annual_review

from ..conftest import make_enterprise
from .conftest import copy_head, make_household, make_id_number


@pytest.fixture
def households(community, sibling_community, community_clerk, outsider):
    """Three township dossiers that differ in every filtered value (so a filter that does nothing
    fails its row), created in an order that is neither sorted by name nor its reverse."""
    li = make_household(community, community_clerk, head_name="李秀英", head_id=make_id_number(serial=222),
                        category="relative", primary_cause="laid_off")
    zhang = make_household(community, community_clerk, head_name="张志强", status=Status.APPROVED,
                           head_id=make_id_number(serial=111), primary_cause="illness",
                           secondary_causes="schooling,laid_off")
    zhao = make_household(community, community_clerk, head_name="赵大勇", status=Status.SUBMITTED,
                          head_id=make_id_number(serial=444), primary_cause="disaster")
    Member.objects.filter(household=zhao, relation=Relation.HEAD).update(work_status=WorkStatus.UNEMPLOYED)
    copy_head(zhao)
    return {
        "zhang": zhang,
        "li": li,
        "zhao": zhao,
        "sibling": make_household(sibling_community, outsider, head_name="王新哨", head_id=make_id_number(serial=333)),
    }


def names_on(response):
    return {h.head_name for h in response.context["page"]}


def test_a_township_user_lists_only_his_subtree(client, township_reviewer, households):
    client.force_login(township_reviewer)
    response = client.get(reverse("cases:household_list"))
    assert names_on(response) == {"张志强", "李秀英", "赵大勇"}
    assert "王新哨" not in response.content.decode()
    assert response.context["counts"]["total"] == 3


def test_the_outsider_does_not_see_the_township_dossiers(client, outsider, households):
    client.force_login(outsider)
    assert names_on(client.get(reverse("cases:household_list"))) == {"王新哨"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"q": "张志"}, {"张志强"}),
        ({"q": "zzq"}, {"张志强"}),
        ({"q": "LXY"}, {"李秀英"}),
        ({"q": make_id_number(serial=222)}, {"李秀英"}),
        ({"category": "relative"}, {"李秀英"}),
        ({"cause": "schooling"}, {"张志强"}),
        ({"cause": "laid_off"}, {"张志强", "李秀英"}),
        ({"cause": "disaster"}, {"赵大勇"}),
        ({"cause": "accident"}, set()),
        ({"status": "approved"}, {"张志强"}),
        ({"status": "submitted"}, {"赵大勇"}),
        ({"work_status": "employed"}, {"张志强", "李秀英"}),
        ({"work_status": "unemployed"}, {"赵大勇"}),
        ({"never_aided": "true"}, {"张志强"}),
    ],
)
def test_filters_and_search_find_the_right_households(client, center_admin, households, query, expected):
    client.force_login(center_admin)
    response = client.get(reverse("cases:household_list"), {**query})
    assert names_on(response) - {"王新哨"} == expected


def test_search_by_dossier_number(client, center_admin, households):
    client.force_login(center_admin)
    number = households["zhang"].number
    assert names_on(client.get(reverse("cases:household_list"), {"q": number})) == {"张志强"}


def test_the_node_filter_offers_only_nodes_in_scope_and_filters_the_subtree(client, township_reviewer, households, community, sibling_community):
    client.force_login(township_reviewer)
    response = client.get(reverse("cases:household_list"), {"node": community.pk})
    assert names_on(response) == {"张志强", "李秀英", "赵大勇"}
    choices = [c[0] for c in response.context["filter"].form.fields["node"].choices]
    assert sibling_community.pk not in [getattr(c, "value", c) for c in choices]
    outside = client.get(reverse("cases:household_list"), {"node": sibling_community.pk})
    assert "node" in outside.context["filter"].form.errors


def test_not_reviewed_this_year_lists_on_file_dossiers_without_a_review(client, center_admin, households):
    zhang = households["zhang"]
    zhang.approved_at = timezone.now() - datetime.timedelta(days=400)
    zhang.save()
    client.force_login(center_admin)
    assert names_on(client.get(reverse("cases:household_list"), {"not_reviewed": "true"})) == {"张志强"}
    household_annual_review(household=zhang, actor=center_admin, year=timezone.localdate().year, outcome="confirm")
    assert names_on(client.get(reverse("cases:household_list"), {"not_reviewed": "true"})) == set()


def test_the_list_masks_id_numbers(client, center_admin, households):
    client.force_login(center_admin)
    page = client.get(reverse("cases:household_list")).content.decode()
    full = make_id_number(serial=222)
    assert full not in page
    assert full[:6] + "********" + full[-4:] in page


def test_the_enterprise_filter(client, center_admin, households, community):
    unit = make_enterprise(community, "弥勒市木器厂")
    li = households["li"]
    li.enterprise = unit
    li.save()
    client.force_login(center_admin)
    assert names_on(client.get(reverse("cases:household_list"), {"enterprise": unit.pk})) == {"李秀英"}


def test_the_list_page_keeps_a_fixed_number_of_queries(client, center_admin, community, community_clerk, django_assert_max_num_queries):
    client.force_login(center_admin)
    for i in range(3):
        make_household(community, community_clerk, head_id=make_id_number(serial=400 + i))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("cases:household_list"))
    for i in range(40):
        make_household(community, community_clerk, head_id=make_id_number(serial=500 + i), status=Status.APPROVED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("cases:household_list"))
    assert len(response.context["page"]) == 43


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("cases:household_list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_column_headings_sort_the_list_and_keep_the_filters(client, center_admin, households, community):
    client.force_login(center_admin)
    page = client.get(reverse("cases:household_list"), {"category": "deep", "ordering": "per_capita_monthly_income"})
    html = page.content.decode()
    assert "?category=deep&amp;ordering=-per_capita_monthly_income" in html  # second click: the other way
    assert "?category=deep&amp;ordering=head_name" in html
    def names_in_order(**ordering):
        page = client.get(reverse("cases:household_list"), {"node": community.pk, **ordering}).context["page"]
        return [h.head_name for h in page]

    unsorted, ascending = names_in_order(), names_in_order(ordering="head_name")
    descending = names_in_order(ordering="-head_name")
    assert len(ascending) == 3 and ascending == sorted(ascending) and descending == ascending[::-1]
    assert unsorted not in (ascending, descending)  # the fixture's order: sorting did something


def test_the_sort_choices_read_in_chinese(client, center_admin):
    client.force_login(center_admin)
    page = client.get(reverse("cases:household_list")).content.decode()
    assert "人均月收入（降序）" in page and "descending" not in page


@pytest.mark.parametrize("many", [1000, 2], ids=["few matches: one UNION", "many matches: along the list's order"])
def test_a_number_search_finds_dossier_numbers_and_any_members_id_number_by_their_start(
        client, center_admin, households, community, community_clerk, monkeypatch, many):
    # the search answers a start shared by MANY or more dossiers another way: both ways, one answer
    monkeypatch.setattr("cases.filters.MANY", many)
    spouse_id = make_id_number(serial=555, male=False)
    wang = make_household(community, community_clerk, head_name="王家强",
                          members=[("刘桂兰", Relation.SPOUSE, spouse_id)])
    client.force_login(center_admin)
    zhang_number = households["zhang"].number

    assert names_on(client.get(reverse("cases:household_list"), {"q": spouse_id})) == {"王家强"}
    assert names_on(client.get(reverse("cases:household_list"), {"q": spouse_id[:10]})) >= {"王家强"}
    assert names_on(client.get(reverse("cases:household_list"), {"q": zhang_number})) == {"张志强"}
    # the county code starts every dossier number and these ID numbers: all of them, once each
    everyone = client.get(reverse("cases:household_list"), {"q": zhang_number[:6]})
    assert names_on(everyone) == {"张志强", "李秀英", "赵大勇", "王新哨", "王家强"}
    assert everyone.context["counts"]["total"] == 5 and wang.pk in {h.pk for h in everyone.context["page"]}
    assert names_on(client.get(reverse("cases:household_list"), {"q": "9" + zhang_number[1:]})) == set()
