from django.urls import reverse

from cases.models import SensitiveAccess, Status

from .conftest import make_household, make_id_number

HEAD_ID = make_id_number(serial=77)
MASKED = HEAD_ID[:6] + "********" + HEAD_ID[-4:]


def test_the_detail_page_masks_id_and_phone_numbers_by_default(client, township_reviewer, community, community_clerk):
    household = make_household(community, community_clerk, head_id=HEAD_ID)
    client.force_login(township_reviewer)
    page = client.get(household.get_absolute_url()).content.decode()
    assert MASKED in page and HEAD_ID not in page
    assert "138****5678" in page and "13812345678" not in page
    assert not SensitiveAccess.objects.exists()


def test_a_reviewer_who_asks_sees_the_full_numbers_and_the_reveal_is_logged(client, township_reviewer, community, community_clerk):
    household = make_household(community, community_clerk, head_id=HEAD_ID)
    client.force_login(township_reviewer)
    page = client.get(household.get_absolute_url(), {"unmask": "1"}).content.decode()
    assert HEAD_ID in page and "13812345678" in page
    access = SensitiveAccess.objects.get()
    assert (access.user, access.household, access.channel) == (township_reviewer, household, "page")


def test_a_leader_without_the_permission_stays_masked_even_when_asking(client, center_leader, community, community_clerk):
    household = make_household(community, community_clerk, head_id=HEAD_ID)
    client.force_login(center_leader)
    page = client.get(household.get_absolute_url(), {"unmask": "1"}).content.decode()
    assert MASKED in page and HEAD_ID not in page
    assert "显示完整证件号" not in page
    assert not SensitiveAccess.objects.exists()


def test_the_detail_page_shows_the_status_history(client, center_admin, community, community_clerk):
    from cases.models import StatusChange

    household = make_household(community, community_clerk, status=Status.SUBMITTED)
    StatusChange.objects.create(household=household, action="submit", from_status="draft", to_status="submitted",
                                actor=community_clerk, opinion="材料齐全，请审核")
    client.force_login(center_admin)
    page = client.get(household.get_absolute_url()).content.decode()
    assert "材料齐全，请审核" in page and "赵桂兰" in page and "草稿 → 待初审" in page


def test_the_detail_page_keeps_a_fixed_number_of_queries(client, center_admin, community, community_clerk, django_assert_max_num_queries):
    small = make_household(community, community_clerk)
    big = make_household(community, community_clerk, members=[
        (f"成员{i}", "child", make_id_number(serial=300 + i)) for i in range(8)
    ])
    client.force_login(center_admin)
    with django_assert_max_num_queries(40) as counted:
        client.get(small.get_absolute_url())
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(big.get_absolute_url())


def test_the_worklist_shows_what_waits_for_the_township_reviewer(client, township_reviewer, community, community_clerk, sibling_community, outsider):
    waiting = make_household(community, community_clerk, head_name="待初审户", status=Status.SUBMITTED)
    make_household(sibling_community, outsider, head_name="别镇的户", status=Status.SUBMITTED)
    client.force_login(township_reviewer)
    page = client.get(reverse("cases:worklist")).content.decode()
    assert "待初审户" in page and "别镇的户" not in page
    home = client.get(reverse("home"))
    assert any(card["count"] == 1 and "待初审" in card["label"] for card in home.context["cards"])
    assert waiting.get_absolute_url() in page


def test_the_change_history_shows_workflow_moves_and_computed_fields(client, center_admin, community, community_clerk, standard):
    from cases.services import household_submit

    household = make_household(community, community_clerk, monthly_income="600.00")
    household_submit(household=household, actor=community_clerk)
    client.force_login(center_admin)
    page = client.get(household.get_absolute_url()).content.decode()
    assert "草稿 → 待初审" in page
    assert "人均月收入（元）：</span>0.00 → 600.00" in page


def test_the_change_history_names_a_new_filing_node(client, center_admin, community, township, community_clerk):
    household = make_household(community, community_clerk)
    household.node = township
    household.save()
    client.force_login(center_admin)
    page = client.get(household.get_absolute_url()).content.decode()
    assert "髯翁社区援助分站 → 弥阳镇工会联合会" in page
