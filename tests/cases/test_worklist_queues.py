"""The worklist's groups: each links to all of its rows (the group's own page, a page at a time),
shows since when each dossier waits, longest waiting first; after a review the message offers
the next dossier of the same queue."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    Category,
    Household,
    Member,
    Move,
    Relation,
    Status,
    StatusChange,
)

from .conftest import backdate_notice, copy_head, make_household, make_id_number

WORKLIST = reverse("cases:worklist")


def submitted(node, clerk, count, *, start=0):
    """``count`` submitted dossiers, each with its 提交 step a day apart (the first waits longest)."""
    households = []
    first = timezone.now() - datetime.timedelta(days=count + start + 1)
    for n in range(start, start + count):
        household = make_household(node, clerk, status=Status.SUBMITTED, head_name=f"户主{n:03d}",
                                   head_id=make_id_number(datetime.date(1970, 1, 1) + datetime.timedelta(days=n)))
        StatusChange.objects.create(household=household, action=Move.SUBMIT, from_status=Status.DRAFT,
                                    to_status=Status.SUBMITTED, actor=clerk, at=first + datetime.timedelta(days=n))
        households.append(household)
    return households


def group_html(page, key):
    match = re.search(r'<section class="work-group" id="%s">(.*?)</section>' % key, page, re.S)
    assert match, f"no group {key} on the page"
    return match.group(1)


def names_in(html):
    return re.findall(r"<tr><td><a [^>]*>(户主\d{3})</a>", html)


# --- all the rows of a group ---------------------------------------------------------------------


def test_a_group_with_more_rows_than_shown_links_to_all_of_them(client, community, community_clerk, township_reviewer):
    submitted(community, community_clerk, 23)
    client.force_login(township_reviewer)

    group = group_html(client.get(WORKLIST).content.decode(), "to_preliminary")

    assert len(names_in(group)) == 20
    assert '<a href="?group=to_preliminary">查看全部 23 份 →</a>' in group


def test_a_group_that_shows_all_its_rows_has_no_link(client, community, community_clerk, township_reviewer):
    submitted(community, community_clerk, 3)
    client.force_login(township_reviewer)

    group = group_html(client.get(WORKLIST).content.decode(), "to_preliminary")

    assert len(names_in(group)) == 3 and "查看全部" not in group


def test_the_groups_own_page_goes_through_every_row_a_page_at_a_time(
    client, community, community_clerk, township_reviewer
):
    households = submitted(community, community_clerk, 53)
    client.force_login(township_reviewer)

    first = client.get(WORKLIST, {"group": "to_preliminary"}).content.decode()
    second = client.get(WORKLIST, {"group": "to_preliminary", "page": "2"}).content.decode()

    assert "待初审（入户调查）" in first and "共 53 份" in first
    assert 'id="drafts"' not in first  # the group alone
    seen = names_in(group_html(first, "to_preliminary")) + names_in(group_html(second, "to_preliminary"))
    assert len(names_in(group_html(first, "to_preliminary"))) == 50
    assert sorted(seen) == sorted(h.members.get().name for h in households)
    assert '<a href="?group=to_preliminary&amp;page=2">下一页 ›</a>' in first
    assert "第 2 / 2 页" in second


@pytest.mark.parametrize("query", [
    {"group": "nope"}, {"group": "to_preliminary", "page": "abc"}, {"group": "to_preliminary", "page": "-1"},
    {"group": "to_preliminary", "page": "99999999999"}, {"page": "2"},
])
def test_an_unknown_group_or_page_is_ignored_never_an_error(
    client, community, community_clerk, township_reviewer, query
):
    submitted(community, community_clerk, 2)
    client.force_login(township_reviewer)

    response = client.get(WORKLIST, query)

    assert response.status_code == 200
    assert names_in(group_html(response.content.decode(), "to_preliminary"))


def test_a_group_the_user_does_not_have_is_not_shown_to_him(client, community, community_clerk):
    submitted(community, community_clerk, 2)
    client.force_login(community_clerk)

    page = client.get(WORKLIST, {"group": "to_preliminary"}).content.decode()

    assert 'id="to_preliminary"' not in page and 'id="drafts"' in page


def test_an_outsiders_group_page_holds_nothing_of_another_township(client, community, community_clerk, outsider):
    submitted(community, community_clerk, 3)
    client.force_login(outsider)

    page = client.get(WORKLIST, {"group": "to_preliminary"}).content.decode()

    assert not names_in(page) and "没有待办" in page


def test_the_group_page_keeps_a_fixed_number_of_queries(
    client, community, community_clerk, township_reviewer, django_assert_max_num_queries
):
    client.force_login(township_reviewer)
    submitted(community, community_clerk, 3)
    client.get(WORKLIST, {"group": "to_preliminary"})
    with django_assert_max_num_queries(1000) as few:
        client.get(WORKLIST, {"group": "to_preliminary"})
    submitted(community, community_clerk, 40, start=3)
    with django_assert_max_num_queries(len(few)):
        page = client.get(WORKLIST, {"group": "to_preliminary"}).content.decode()
    assert len(names_in(page)) == 43


def test_the_worklist_keeps_a_fixed_number_of_queries_for_the_center(
    client, community, community_clerk, center_admin, django_assert_max_num_queries
):
    client.force_login(center_admin)
    for status in (Status.DRAFT, Status.SUBMITTED, Status.PRELIM_PASSED, Status.CENTER_PASSED):
        make_household(community, community_clerk, status=status)
    client.get(WORKLIST)
    with django_assert_max_num_queries(1000) as few:
        client.get(WORKLIST)
    for n in range(25):
        for status in (Status.DRAFT, Status.PRELIM_PASSED):
            make_household(community, community_clerk, status=status, head_id=make_id_number(
                datetime.date(1980, 1, 1) + datetime.timedelta(days=n), male=status == Status.DRAFT))
    with django_assert_max_num_queries(len(few) + 2):  # the two groups now past 20 rows count theirs
        response = client.get(WORKLIST)
    assert response.status_code == 200


# --- waiting since -------------------------------------------------------------------------------


def test_each_row_shows_since_when_it_waits_in_local_time_longest_waiting_first(
    client, community, community_clerk, township_reviewer
):
    older, newer = submitted(community, community_clerk, 2)
    at = timezone.make_aware(datetime.datetime(2026, 3, 2, 1, 5), datetime.timezone.utc)  # 09:05 in Shanghai
    for household, when in ((older, at), (newer, at + datetime.timedelta(days=1))):
        # back-dated: the steps and the household's copy of its latest one, as the service keeps them
        StatusChange.objects.filter(household=household).update(at=when)
        Household.objects.filter(pk=household.pk).update(status_changed_at=when)
    client.force_login(township_reviewer)

    group = group_html(client.get(WORKLIST).content.decode(), "to_preliminary")

    assert "<th>等待自</th>" in group
    assert names_in(group) == ["户主000", "户主001"]
    assert "2026-03-02 09:05" in group and "2026-03-03 09:05" in group


def test_a_draft_never_submitted_waits_since_it_was_entered(client, community, community_clerk):
    household = make_household(community, community_clerk, head_name="户主009")
    entered = timezone.make_aware(datetime.datetime(2026, 2, 1, 8, 30))
    Household.objects.filter(pk=household.pk).update(created_at=entered)
    client.force_login(community_clerk)

    row = re.search(r"户主009.*?</tr>", group_html(client.get(WORKLIST).content.decode(), "drafts"), re.S).group(0)

    assert "2026-02-01 08:30" in row


# --- the next dossier after a review -------------------------------------------------------------


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def preliminary(client, household):
    return client.post(reverse("cases:household_preliminary", args=[household.pk]), {
        "visited_on": timezone.localdate().isoformat(), "visitors": "王丽萍、赵桂兰", "findings": "情况属实",
        "opinion": "",
    }, follow=True)


def test_after_the_first_review_the_message_offers_the_dossier_that_waited_longest(
    client, community, community_clerk, township_reviewer
):
    first, second, third = submitted(community, community_clerk, 3)
    client.force_login(township_reviewer)

    response = preliminary(client, second)

    second.refresh_from_db()
    assert second.status == Status.PRELIM_PASSED
    [message] = messages_of(response)
    assert message.startswith("初审通过，已报县援助分中心审核。")
    assert f'<a class="next-in-queue" href="{first.get_absolute_url()}">下一份：户主000家 →</a>' in message
    assert f'href="{first.get_absolute_url()}">下一份：户主000家 →</a>' in response.content.decode()


def test_the_last_dossier_of_the_queue_offers_no_next(client, community, community_clerk, township_reviewer):
    [only] = submitted(community, community_clerk, 1)
    client.force_login(township_reviewer)

    response = preliminary(client, only)

    assert messages_of(response) == ["初审通过，已报县援助分中心审核。"]
    assert "next-in-queue" not in response.content.decode()


def test_the_next_dossier_is_never_one_the_reviewer_entered_himself(
    client, community, community_clerk, township_reviewer
):
    mine, other = submitted(community, township_reviewer, 1) + submitted(community, community_clerk, 1, start=1)
    client.force_login(township_reviewer)

    response = preliminary(client, other)

    assert "next-in-queue" not in messages_of(response)[0]
    assert mine.members.get().name not in messages_of(response)[0]


def test_the_next_dossier_is_never_one_of_another_township(
    client, community, community_clerk, township_reviewer, sibling_community, outsider
):
    submitted(sibling_community, outsider, 1)
    [own] = submitted(community, community_clerk, 1, start=5)
    client.force_login(township_reviewer)

    response = preliminary(client, own)

    assert messages_of(response) == ["初审通过，已报县援助分中心审核。"]


def test_after_the_center_review_the_message_offers_the_next_dossier_to_review(
    client, community, community_clerk, center_admin, standard
):
    reviewed = make_household(community, community_clerk, status=Status.PRELIM_PASSED, head_name="户主100",
                              category=Category.RELATIVE)
    waiting = make_household(community, community_clerk, status=Status.PRELIM_PASSED, head_name="户主101")
    client.force_login(center_admin)

    response = client.post(reverse("cases:household_center_review", args=[reviewed.pk]),
                           {"category": Category.RELATIVE, "reason": "", "opinion": ""}, follow=True)

    reviewed.refresh_from_db()
    assert reviewed.status == Status.CENTER_PASSED
    assert f'href="{waiting.get_absolute_url()}">下一份：户主101家 →</a>' in messages_of(response)[0]


def test_after_an_approval_the_message_offers_the_next_dossier_whose_notice_has_run(
    client, community, community_clerk, center_admin, standard
):
    from cases import services

    households = [
        make_household(community, community_clerk, status=Status.CENTER_PASSED, head_name=name,
                       head_id=make_id_number(datetime.date(1971, 1, n + 1)))
        for n, name in enumerate(["户主200", "户主201"])
    ]
    today = timezone.localdate()
    batch = services.notice_publish(actor=center_admin, title="2026年第1批困难职工建档公示", starts_on=today,
                                    ends_on=today + datetime.timedelta(days=6), households=households)
    backdate_notice(batch, 10)
    client.force_login(center_admin)

    response = client.post(reverse("cases:household_approve", args=[households[0].pk]), {"opinion": ""}, follow=True)

    households[0].refresh_from_db()
    assert households[0].status == Status.APPROVED
    [message] = messages_of(response)
    assert message.startswith("审批通过，档案编号")
    assert f'href="{households[1].get_absolute_url()}">下一份：户主201家 →</a>' in message


def test_the_next_dossiers_name_is_escaped(client, community, community_clerk, township_reviewer):
    done, waiting = submitted(community, community_clerk, 2)
    Member.objects.filter(household=waiting, relation=Relation.HEAD).update(name="<b>户主</b>")
    copy_head(waiting)
    client.force_login(township_reviewer)

    response = preliminary(client, done)

    assert "<b>户主</b>" not in response.content.decode()
    assert "&lt;b&gt;户主&lt;/b&gt;家" in response.content.decode()


def test_a_queue_leaves_out_a_dossier_the_reviewer_edited_and_never_offers_it_next(
    client, community, community_clerk, township_reviewer
):
    from cases import services

    edited, other = submitted(community, community_clerk, 2)
    # the reviewer corrected it while it was a draft: he counts as its entrant
    Household.objects.filter(pk=edited.pk).update(status=Status.DRAFT)
    edited.refresh_from_db()
    [head] = edited.members.all()
    head.name = "马永平"
    services.household_save(household=edited, members=[head], actor=township_reviewer)
    Household.objects.filter(pk=edited.pk).update(status=Status.SUBMITTED)
    client.force_login(township_reviewer)

    queue = group_html(client.get(WORKLIST).content.decode(), "to_preliminary")
    response = preliminary(client, other)

    assert names_in(queue) == ["户主001"] and "马永平" not in queue
    assert messages_of(response) == ["初审通过，已报县援助分中心审核。"]
