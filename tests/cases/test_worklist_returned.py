"""A dossier sent back for correction reads 退回修改 with who returned it, when and why, at the top
of the dossier page and in the worklist; a clerk's worklist holds every draft of his node and below."""

import re

from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Move, Status
from network.models import Role

from ..conftest import make_user
from .conftest import make_household, make_id_number

WORKLIST = reverse("cases:worklist")
REASON = "缺少户主本人的收入证明，请补充后重新提交。"


def returned(node, clerk, reviewer, *, head_name="马永平", reason=REASON, serial=None):
    household = make_household(node, clerk, status=Status.SUBMITTED, head_name=head_name,
                               head_id=make_id_number(serial=serial) if serial is not None else None)
    services.household_return(household=household, actor=reviewer, reason=reason)
    return household


def group_html(page, key):
    match = re.search(r'<section class="work-group" id="%s">(.*?)</section>' % key, page, re.S)
    assert match, f"no group {key} on the page"
    return match.group(1)


def row_of(html, name):
    match = re.search(r"<tr><td><a [^>]*>%s</a>.*?</tr>" % re.escape(name), html, re.S)
    assert match, f"no row for {name}"
    return match.group(0)


def test_a_returned_draft_reads_returned_with_its_reason_in_the_clerks_worklist(
    client, community, community_clerk, township_reviewer
):
    returned(community, community_clerk, township_reviewer)
    make_household(community, community_clerk, head_name="孙丽华")
    client.force_login(community_clerk)

    drafts = group_html(client.get(WORKLIST).content.decode(), "drafts")

    row = row_of(drafts, "马永平")
    assert "退回修改" in row and REASON in row
    assert "草稿" not in row
    fresh = row_of(drafts, "孙丽华")
    assert "草稿" in fresh and "退回修改" not in fresh


def test_a_returned_dossier_submitted_again_waits_for_review_and_no_longer_reads_returned(
    client, community, community_clerk, township_reviewer, standard
):
    household = returned(community, community_clerk, township_reviewer)
    services.household_submit(household=household, actor=community_clerk, opinion="已补充收入证明")
    client.force_login(township_reviewer)

    page = client.get(WORKLIST).content.decode()

    row = row_of(group_html(page, "to_preliminary"), "马永平")
    assert "待初审" in row and "退回修改" not in row
    page = client.get(household.get_absolute_url()).content.decode()
    assert 'id="returned"' not in page


def test_the_dossier_page_says_at_the_top_who_returned_it_when_and_why(
    client, community, community_clerk, township_reviewer
):
    household = returned(community, community_clerk, township_reviewer)
    step = household.status_changes.get(action=Move.RETURN)
    client.force_login(community_clerk)

    page = client.get(household.get_absolute_url()).content.decode()

    banner = re.search(r'<section class="returned-banner" id="returned">(.*?)</section>', page, re.S)
    assert banner, "no 退回修改 banner"
    text = banner.group(1)
    assert "王丽萍" in text and REASON in text
    assert timezone.localtime(step.at).strftime("%Y-%m-%d %H:%M") in text
    # at the top: before the workflow's forms and the facts
    assert page.index('id="returned"') < page.index('id="workflow"') < page.index("家庭基本情况")
    heading = re.search(r"<h1>.*?</h1>", page, re.S).group(0)
    assert "退回修改" in heading and "草稿" not in heading
    # the workflow table names the step in Chinese, not by its stored key
    assert "<td>退回</td>" in page and "<td>return</td>" not in page


def test_an_upheld_objection_returns_the_dossier_and_the_page_says_so(client, community, community_clerk, center_admin):
    household = make_household(community, community_clerk, status=Status.DRAFT)
    # as objection_resolve writes it: a return through household_return with the finding
    type(household).objects.filter(pk=household.pk).update(status=Status.IN_NOTICE)
    household.refresh_from_db()
    services.household_return(household=household, actor=center_admin, reason="公示异议成立：隐瞒经营收入")
    client.force_login(community_clerk)

    page = client.get(household.get_absolute_url()).content.decode()

    assert 'id="returned"' in page and "公示异议成立：隐瞒经营收入" in page


def test_a_draft_never_submitted_has_no_returned_banner(client, community, community_clerk):
    household = make_household(community, community_clerk)
    client.force_login(community_clerk)

    page = client.get(household.get_absolute_url()).content.decode()

    assert 'id="returned"' not in page
    assert re.search(r'<span class="badge status-draft">草稿</span>', page)


def test_a_clerk_sees_every_draft_of_his_node_and_below_not_only_his_own(
    client, community, community_clerk, enterprise_point, sibling_community
):
    other_clerk = make_user("ranweng_clerk2", community, Role.DATA_ENTRY, name="钱秀英")
    point_clerk = make_user("muqi_clerk", enterprise_point, Role.DATA_ENTRY, name="周建国")
    sibling_clerk = make_user("xinshao_clerk", sibling_community, Role.DATA_ENTRY, name="吴海")
    make_household(community, community_clerk, head_name="本人录入")
    make_household(community, other_clerk, head_name="同事录入")
    make_household(enterprise_point, point_clerk, head_name="下级录入")
    make_household(sibling_community, sibling_clerk, head_name="邻镇录入")
    make_household(community, other_clerk, head_name="已提交", status=Status.SUBMITTED)
    client.force_login(community_clerk)

    drafts = group_html(client.get(WORKLIST).content.decode(), "drafts")

    for name in ("本人录入", "同事录入", "下级录入"):
        assert name in drafts
    assert "邻镇录入" not in drafts and "已提交" not in drafts
    assert re.search(r'<span class="badge warn">3</span>', drafts)


def test_the_enterprise_point_clerk_does_not_see_the_drafts_above_his_node(
    client, community, community_clerk, enterprise_point
):
    point_clerk = make_user("muqi_clerk", enterprise_point, Role.DATA_ENTRY)
    make_household(community, community_clerk, head_name="社区录入")
    client.force_login(point_clerk)

    drafts = group_html(client.get(WORKLIST).content.decode(), "drafts")

    assert "社区录入" not in drafts and "没有待办" in drafts


def test_the_worklist_reads_returned_drafts_in_a_fixed_number_of_queries(
    client, community, community_clerk, township_reviewer, django_assert_max_num_queries
):
    def count_queries():
        client.get(WORKLIST)  # the session's first reads out of the way
        with django_assert_max_num_queries(1000) as captured:
            response = client.get(WORKLIST)
        assert response.status_code == 200
        return len(captured)

    client.force_login(community_clerk)
    for n in range(21):
        returned(community, community_clerk, township_reviewer, head_name=f"退回{n}", serial=301 + 2 * n)
    few = count_queries()
    for n in range(21, 45):
        returned(community, community_clerk, township_reviewer, head_name=f"退回{n}", serial=301 + 2 * n)
    assert count_queries() <= few
    with django_assert_max_num_queries(few):
        page = client.get(WORKLIST).content.decode()
    assert group_html(page, "drafts").count("退回修改") == 20


def test_an_outsider_sees_no_returned_dossier_of_another_township(
    client, community, community_clerk, township_reviewer, outsider
):
    household = returned(community, community_clerk, township_reviewer)
    client.force_login(outsider)

    page = client.get(WORKLIST).content.decode()

    assert "马永平" not in page and REASON not in page
    assert client.get(household.get_absolute_url()).status_code == 404


def test_a_returned_banner_escapes_what_the_reviewer_typed(client, community, community_clerk, township_reviewer):
    household = returned(community, community_clerk, township_reviewer, reason="<script>alert(1)</script>")
    client.force_login(community_clerk)

    page = client.get(household.get_absolute_url()).content.decode()
    worklist = client.get(WORKLIST).content.decode()

    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in worklist


def test_the_home_page_counts_every_draft_of_the_clerks_subtree(client, community, community_clerk, enterprise_point):
    point_clerk = make_user("muqi_clerk", enterprise_point, Role.DATA_ENTRY)
    make_household(community, community_clerk, head_name="本人录入")
    make_household(enterprise_point, point_clerk, head_name="下级录入")
    client.force_login(community_clerk)

    home = client.get(reverse("home")).content.decode()

    card = re.search(r'<a class="stat-card[^"]*" href="/cases/worklist/#drafts">(.*?)</a>', home, re.S)
    assert card and re.search(r'<span class="count">2</span>', card.group(1))
