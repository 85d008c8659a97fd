"""The dossier printed as the 困难职工档案表: one A4 page, numbers masked unless revealed, in scope only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    Household,
    Move,
    Relation,
    SensitiveAccess,
    Status,
    StatusChange,
)

from .conftest import make_household, make_id_number
from .pdf_reading import page_count, pdf_text, unspaced

HEAD_ID = make_id_number(datetime.date(1975, 3, 14), serial=113)
MASKED_HEAD_ID = HEAD_ID[:6] + "********" + HEAD_ID[-4:]


@pytest.fixture
def household(community, community_clerk, standard):
    family = [
        ("李秀英", Relation.SPOUSE, make_id_number(datetime.date(1977, 6, 2), male=False)),
        ("张明", Relation.CHILD, make_id_number(datetime.date(2004, 9, 1))),
        ("张丽", Relation.CHILD, make_id_number(datetime.date(2009, 2, 11), male=False)),
        ("张德福", Relation.PARENT, make_id_number(datetime.date(1948, 1, 20))),
        ("王桂芬", Relation.PARENT, make_id_number(datetime.date(1950, 5, 5), male=False)),
        ("张小宝", Relation.GRANDCHILD, make_id_number(datetime.date(2020, 3, 3))),
        ("张志明", Relation.SIBLING, make_id_number(datetime.date(1980, 8, 8))),
    ]
    return make_household(
        community, community_clerk, head_name="张志强", head_id=HEAD_ID, status=Status.APPROVED, members=family,
        household_size=8, number="532526202600007", address="弥勒县弥阳镇髯翁社区太平路12号",
        employer_name="弥勒县木器厂", bank_name="弥勒市农村信用合作联社", bank_account="6228480123456789012",
    )


def get_pdf(client, user, household, query=""):
    client.force_login(user)
    return client.get(reverse("cases:household_pdf", args=[household.pk]) + query)


def test_dossier_with_eight_members_prints_on_one_a4_page(client, center_admin, household,
                                                          django_assert_max_num_queries):
    client.force_login(center_admin)
    # 10: the form's reads and the print's audit entry
    with django_assert_max_num_queries(10):
        response = client.get(reverse("cases:household_pdf", args=[household.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert household.members.count() == 8
    assert page_count(response.content) == 1


def test_pdf_is_shown_inline_under_a_chinese_file_name(client, center_admin, household):
    response = get_pdf(client, center_admin, household)

    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;")
    # 档案-532526202600007.pdf, percent-encoded as RFC 5987 asks
    assert "filename*=UTF-8''%E6%A1%A3%E6%A1%88-532526202600007.pdf" in disposition


def test_pdf_shows_the_title_the_heads_name_and_the_dossier_number(client, center_admin, household, tmp_path):
    text = pdf_text(get_pdf(client, center_admin, household).content, tmp_path)

    assert "困难职工档案表" in text
    assert "张志强" in text
    assert "532526202600007" in text
    assert "弥勒县木器厂" in text
    assert "王桂芬" in text


def test_pdf_prints_the_preliminary_opinion_and_who_gave_it(client, center_admin, township_reviewer, household,
                                                            tmp_path):
    StatusChange.objects.create(
        household=household, action="preliminary", from_status=Status.SUBMITTED, to_status=Status.PRELIM_PASSED,
        actor=township_reviewer, opinion="经入户调查，情况属实。",
    )

    text = unspaced(pdf_text(get_pdf(client, center_admin, household).content, tmp_path))

    assert "经入户调查，情况属实。" in text
    assert "经办人：王丽萍" in text


def test_pdf_prints_the_category_the_center_confirmed_and_the_day_of_approval(client, center_admin, household,
                                                                             tmp_path):
    StatusChange.objects.create(
        household=household, action=Move.CENTER_REVIEW, from_status=Status.PRELIM_PASSED,
        to_status=Status.CENTER_PASSED, actor=center_admin, opinion="同意认定。",
    )
    approved = timezone.make_aware(datetime.datetime(2025, 3, 5, 10, 30))
    Household.objects.filter(pk=household.pk).update(approved_at=approved)

    text = unspaced(pdf_text(get_pdf(client, center_admin, household).content, tmp_path))

    assert "同意认定。（认定类别：深度困难）" in text
    assert "审核人：李建华" in text
    assert "日期：2025年3月5日" in text


def test_leader_sees_the_id_number_masked(client, center_leader, household, tmp_path):
    text = pdf_text(get_pdf(client, center_leader, household).content, tmp_path)

    assert MASKED_HEAD_ID in text
    assert HEAD_ID not in text
    assert "138****5678" in text


def test_reviewer_who_did_not_ask_to_unmask_sees_masked_numbers_and_nothing_is_logged(
    client, township_reviewer, household, tmp_path
):
    text = pdf_text(get_pdf(client, township_reviewer, household).content, tmp_path)

    assert MASKED_HEAD_ID in text
    assert HEAD_ID not in text
    assert "13812345678" not in text
    assert not SensitiveAccess.objects.exists()


def test_center_admin_asking_to_unmask_sees_full_numbers_and_the_access_is_logged(
    client, center_admin, household, tmp_path
):
    text = pdf_text(get_pdf(client, center_admin, household, "?unmask=1").content, tmp_path)

    assert HEAD_ID in text
    assert "13812345678" in text
    access = SensitiveAccess.objects.get()
    assert (access.user, access.household, access.channel) == (center_admin, household, "pdf")


def test_leader_asking_to_unmask_still_gets_masked_numbers_and_nothing_is_logged(
    client, center_leader, household, tmp_path
):
    response = get_pdf(client, center_leader, household, "?unmask=1")
    text = pdf_text(response.content, tmp_path)

    assert response.status_code == 200
    assert MASKED_HEAD_ID in text
    assert HEAD_ID not in text
    assert not SensitiveAccess.objects.exists()


def test_markup_a_user_typed_is_printed_literally(client, center_admin, community, community_clerk, standard,
                                                  tmp_path):
    household = make_household(
        community, community_clerk, head_name="<b>李</b>&amp;", address="<font size=40>髯翁社区</font> & 3号",
        members=[("<i>小&lt;", Relation.CHILD, make_id_number(datetime.date(2010, 1, 1)))],
    )

    response = get_pdf(client, center_admin, household)
    text = unspaced(pdf_text(response.content, tmp_path, layout=False))

    assert response.status_code == 200
    assert "<b>李</b>&amp;" in text
    assert "<fontsize=40>髯翁社区</font>&3号" in text
    assert "<i>小&lt;" in text


def test_community_clerk_prints_a_dossier_of_his_own_station(client, community_clerk, household, tmp_path):
    response = get_pdf(client, community_clerk, household)

    assert response.status_code == 200
    assert "张志强" in pdf_text(response.content, tmp_path)


def test_outsider_at_a_sibling_township_gets_404(client, outsider, household):
    response = get_pdf(client, outsider, household)

    assert response.status_code == 404
    assert not SensitiveAccess.objects.exists()


def test_outsider_asking_to_unmask_gets_404_and_nothing_is_logged(client, outsider_admin, household):
    response = get_pdf(client, outsider_admin, household, "?unmask=1")

    assert response.status_code == 404
    assert not SensitiveAccess.objects.exists()


def test_anonymous_visitor_is_redirected_to_login(client, household):
    url = reverse("cases:household_pdf", args=[household.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_draft_without_a_dibao_standard_or_opinions_still_prints(client, center_admin, community, community_clerk,
                                                         tmp_path):
    household = make_household(community, community_clerk, head_name="王小红")

    response = get_pdf(client, center_admin, household)
    text = pdf_text(response.content, tmp_path)

    assert page_count(response.content) == 1
    assert "王小红" in text
    assert "未设置" in text
