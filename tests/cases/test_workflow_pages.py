"""The workflow's moves from the dossier page: each a POST that redirects back to the dossier,
shows a refusal in Chinese, keeps what was typed in a form that failed, and answers 404 outside
the user's jurisdiction."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import (
    AnnualReview,
    Category,
    EconomicCheck,
    ExitReason,
    HomeVisit,
    Household,
    Relation,
    Status,
    StatusChange,
)

from ..conftest import frozen_at
from .conftest import backdate_notice, make_household, make_id_number

WORKFLOW_URLS = [
    "household_submit", "household_preliminary", "household_center_review", "household_economic_check",
    "household_economic_check_result", "household_return", "household_approve", "household_annual_review",
    "household_exit", "household_reopen",
]


def url(name, household, check=None):
    if name == "household_economic_check_result":
        return reverse(f"cases:{name}", args=[household.pk, check.pk])
    return reverse(f"cases:{name}", args=[household.pk])


def put_on_notice(household, admin, *, ended=True):
    """Publishes a center-passed dossier; an ``ended`` notice ran last week."""
    today = timezone.localdate()
    batch = services.notice_publish(actor=admin, title="2026年第1批困难职工建档公示", starts_on=today,
                                    ends_on=today + datetime.timedelta(days=6), households=[household])
    return backdate_notice(batch, 10) if ended else batch


@pytest.fixture
def household_in(community, community_clerk, center_admin, standard):
    """A dossier of three entered by the community clerk, in the status asked for."""
    def make(status, **fields):
        in_notice = status == Status.IN_NOTICE
        household = make_household(
            community, community_clerk, status=Status.CENTER_PASSED if in_notice else status,
            category=Category.RELATIVE, monthly_income="2400.00", household_size=3,
            members=[("李平凤", Relation.SPOUSE, make_id_number(datetime.date(1978, 4, 2), male=False)),
                     ("张文", Relation.CHILD, make_id_number(datetime.date(2008, 9, 1)))],
            **fields,
        )
        if in_notice:
            put_on_notice(household, center_admin)
        return household
    return make


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def action_form(content, action):
    """The HTML of the page's form that posts to ``action`` ("" when the page has none)."""
    match = re.search(r'<form[^>]*action="%s".*?</form>' % re.escape(action), content, re.S)
    return match.group(0) if match else ""


def field_block(form_html, name):
    """The ``<div class="field …">`` around the input named ``name``: label, input and its errors."""
    for block in form_html.split('<div class="field')[1:]:
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field {name} in the form")


# --- each move, allowed ----------------------------------------------------------------------------


def test_the_clerk_submits_a_draft_and_is_sent_back_to_the_dossier(client, household_in, community_clerk):
    household = household_in(Status.DRAFT)
    client.force_login(community_clerk)
    response = client.post(url("household_submit", household), {"opinion": "材料齐全，请审核"})
    assert response.status_code == 302 and response.url == household.get_absolute_url()
    household.refresh_from_db()
    assert household.status == Status.SUBMITTED
    change = household.status_changes.get()
    assert (change.actor, change.from_status, change.to_status, change.opinion) == (
        community_clerk, Status.DRAFT, Status.SUBMITTED, "材料齐全，请审核"
    )
    page = client.get(response.url)
    assert "档案已提交初审。" in messages_of(page)


def test_the_township_reviewer_passes_the_first_review_with_the_home_visit(client, household_in, township_reviewer):
    household = household_in(Status.SUBMITTED)
    client.force_login(township_reviewer)
    response = client.post(url("household_preliminary", household), {
        "visited_on": "2026-03-02", "visitors": "王丽萍、杨红", "findings": "两间平房，户主下岗。", "opinion": "属实",
    })
    assert response.status_code == 302 and response.url == household.get_absolute_url()
    household.refresh_from_db()
    assert household.status == Status.PRELIM_PASSED
    visit = household.home_visits.get()
    assert (visit.visited_on, visit.visitors, visit.findings, visit.recorded_by) == (
        datetime.date(2026, 3, 2), "王丽萍、杨红", "两间平房，户主下岗。", township_reviewer
    )
    assert household.status_changes.get().opinion == "属实"


def test_the_center_requests_an_economic_check_and_records_its_result(client, household_in, center_admin):
    household = household_in(Status.PRELIM_PASSED)
    client.force_login(center_admin)
    response = client.post(url("household_economic_check", household), {"opinion": "核对车辆和存款"})
    assert response.status_code == 302 and response.url == household.get_absolute_url()
    check = household.economic_checks.get()
    assert (check.request_note, check.requested_by, check.result_on) == ("核对车辆和存款", center_admin, None)

    page = client.get(household.get_absolute_url()).content.decode()
    assert url("household_economic_check_result", household, check) in page

    response = client.post(url("household_economic_check_result", household, check),
                           {"passed": "1", "result": "无车辆，存款与申报一致", "result_on": timezone.localdate().isoformat()})
    assert response.status_code == 302 and response.url == household.get_absolute_url()
    check.refresh_from_db()
    assert (check.passed, check.result, check.result_on) == (True, "无车辆，存款与申报一致", timezone.localdate())


def test_the_center_overrides_the_category_with_a_reason(client, household_in, center_admin):
    household = household_in(Status.PRELIM_PASSED)
    client.force_login(center_admin)
    response = client.post(url("household_center_review", household), {
        "category": Category.DEEP, "reason": "配偶长期患病，医疗支出未计入", "opinion": "同意",
    })
    assert response.status_code == 302 and response.url == household.get_absolute_url()
    household.refresh_from_db()
    assert household.status == Status.CENTER_PASSED
    assert household.category == Category.DEEP and household.category_note == "配偶长期患病，医疗支出未计入"
    assert household.status_changes.get().actor == center_admin


def test_the_center_approves_after_the_notice_and_the_number_appears(client, household_in, center_admin, settings):
    household = household_in(Status.IN_NOTICE)
    client.force_login(center_admin)
    response = client.post(url("household_approve", household), {"opinion": "同意建档"}, follow=True)
    household.refresh_from_db()
    assert response.redirect_chain == [(household.get_absolute_url(), 302)]
    assert household.status == Status.APPROVED and household.number.startswith(settings.COUNTY_CODE)
    assert f"审批通过，档案编号 {household.number}。" in messages_of(response)
    assert household.number in response.content.decode()
    assert household.status_changes.last().opinion == "同意建档"


def test_the_reviewer_returns_a_submitted_dossier_with_the_reason(client, household_in, township_reviewer):
    household = household_in(Status.SUBMITTED)
    client.force_login(township_reviewer)
    response = client.post(url("household_return", household), {"reason": "收入证明缺少单位盖章"})
    assert response.status_code == 302 and response.url == household.get_absolute_url()
    household.refresh_from_db()
    assert household.status == Status.DRAFT
    assert household.status_changes.get().opinion == "收入证明缺少单位盖章"


@frozen_at(2026, 11, 30)  # a review of 2026: the year must be this year
def test_the_reviewer_records_an_annual_review_that_changes_the_category(client, household_in, township_reviewer):
    household = household_in(Status.APPROVED)
    client.force_login(township_reviewer)
    response = client.post(url("household_annual_review", household), {
        "year": "2026", "outcome": "change", "category": Category.DEEP, "exit_reason": "", "opinion": "户主今年失业",
    })
    assert response.status_code == 302 and response.url == household.get_absolute_url()
    household.refresh_from_db()
    assert household.category == Category.DEEP and household.category_note == "户主今年失业"
    review = AnnualReview.objects.get(household=household)
    assert (review.year, review.outcome, review.reviewer) == (2026, "change", township_reviewer)


def test_the_reviewer_exits_a_household_and_its_members_leave_the_active_dossiers(client, household_in, township_reviewer):
    household = household_in(Status.APPROVED)
    client.force_login(township_reviewer)
    response = client.post(url("household_exit", household), {"reason": ExitReason.RETIRED, "opinion": "户主退休", "confirm": "on"})
    assert response.status_code == 302 and response.url == household.get_absolute_url()
    household.refresh_from_db()
    assert household.status == Status.EXITED and household.exit_reason == ExitReason.RETIRED
    assert not household.members.filter(in_active_dossier=True).exists()


def test_the_clerk_reopens_an_exited_household_that_fell_back(client, household_in, community_clerk):
    household = household_in(Status.EXITED, number="532526202600031", exit_reason=ExitReason.OUT_OF_HARDSHIP)
    client.force_login(community_clerk)
    response = client.post(url("household_reopen", household), {"reason": "企业停产，户主再次失业"})
    assert response.status_code == 302 and response.url == household.get_absolute_url()
    household.refresh_from_db()
    assert household.status == Status.DRAFT and household.number == "532526202600031"
    assert household.members.filter(in_active_dossier=True).count() == 3
    assert household.status_changes.get().opinion == "企业停产，户主再次失业"


# --- each move, refused ----------------------------------------------------------------------------


@pytest.mark.parametrize("status, user, name, data, message", [
    (Status.IN_NOTICE, "center_admin", "household_approve", {"opinion": ""}, None),
    (Status.SUBMITTED, "community_clerk", "household_submit", {"opinion": ""},
     "档案当前状态为“待初审”，不能进行此操作。"),
    (Status.SUBMITTED, "center_admin", "household_center_review", {"category": "relative", "opinion": ""},
     "档案当前状态为“待初审”，不能进行此操作。"),
    (Status.DRAFT, "center_admin", "household_approve", {"opinion": ""}, "档案当前状态为“草稿”，不能进行此操作。"),
    (Status.SUBMITTED, "community_clerk", "household_preliminary",
     {"visited_on": "2026-03-02", "visitors": "赵桂兰", "findings": "属实"}, "您的角色无权进行此操作。"),
    (Status.APPROVED, "center_leader", "household_exit", {"reason": "retired", "confirm": "on"}, "您的角色无权进行此操作。"),
    (Status.PRELIM_PASSED, "township_admin", "household_center_review", {"category": "relative"},
     "只有县援助分中心可以进行此操作。"),
])
def test_a_refused_move_shows_the_reason_in_chinese_and_changes_nothing(
    client, household_in, request, status, user, name, data, message
):
    household = household_in(status)
    number = household.number
    if message is None:
        # the notice runs until next week
        household.notice_batches.update(starts_on=timezone.localdate(), ends_on=timezone.localdate(),
                                        created_at=timezone.now())
        message = f"公示期至{timezone.localdate().isoformat()}止，公示期满后才能审批。"
    changes = StatusChange.objects.count()
    client.force_login(request.getfixturevalue(user))
    response = client.post(url(name, household), data, follow=True)
    assert response.redirect_chain == [(household.get_absolute_url(), 302)]
    assert message in messages_of(response)
    assert message in response.content.decode()
    household.refresh_from_db()
    assert household.status == status and household.number == number
    assert StatusChange.objects.count() == changes


def test_the_entering_clerk_who_became_center_admin_cannot_approve_by_posting(client, household_in, center, center_admin):
    household = household_in(Status.IN_NOTICE)
    Household.objects.filter(pk=household.pk).update(created_by=center_admin)
    client.force_login(center_admin)
    response = client.post(url("household_approve", household), {}, follow=True)
    assert "录入或修改过该档案的工作人员不能审核、审批或复核同一份档案。" in messages_of(response)
    household.refresh_from_db()
    assert household.status == Status.IN_NOTICE and household.number is None


# --- a form that fails keeps what was typed ------------------------------------------------------


def test_return_without_a_reason_shows_the_error_beside_the_field_with_status_400(client, household_in, township_reviewer):
    household = household_in(Status.SUBMITTED)
    client.force_login(township_reviewer)
    response = client.post(url("household_return", household), {"reason": "  "})
    assert response.status_code == 400
    content = response.content.decode()
    block = field_block(action_form(content, url("household_return", household)), "reason")
    assert "has-error" in block and "请填写理由。" in block
    assert "操作未完成：请按提示修改。" in messages_of(response)
    household.refresh_from_db()
    assert household.status == Status.SUBMITTED and not StatusChange.objects.exists()


def test_a_first_review_without_findings_keeps_the_visitors_typed(client, household_in, township_reviewer):
    household = household_in(Status.SUBMITTED)
    client.force_login(township_reviewer)
    response = client.post(url("household_preliminary", household), {
        "visited_on": "2026-03-02", "visitors": "王丽萍、杨红", "findings": "", "opinion": "待补充",
    })
    assert response.status_code == 400
    form = action_form(response.content.decode(), url("household_preliminary", household))
    assert 'value="王丽萍、杨红"' in field_block(form, "visitors")
    assert "待补充" in field_block(form, "opinion")
    findings = field_block(form, "findings")
    assert "has-error" in findings and 'class="error"' in findings
    assert not HomeVisit.objects.exists()
    household.refresh_from_db()
    assert household.status == Status.SUBMITTED


def test_a_first_review_dated_tomorrow_is_refused_beside_the_date(client, household_in, township_reviewer):
    household = household_in(Status.SUBMITTED)
    client.force_login(township_reviewer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url("household_preliminary", household), {
        "visited_on": tomorrow.isoformat(), "visitors": "王丽萍", "findings": "属实",
    })
    assert response.status_code == 400
    block = field_block(action_form(response.content.decode(), url("household_preliminary", household)), "visited_on")
    assert "入户调查日期不能晚于今天。" in block
    assert not HomeVisit.objects.exists()


def test_a_category_override_without_a_reason_is_refused_beside_the_reason(client, household_in, center_admin):
    household = household_in(Status.PRELIM_PASSED)
    client.force_login(center_admin)
    response = client.post(url("household_center_review", household),
                           {"category": Category.DEEP, "reason": "", "opinion": "拟调整为深度困难"})
    assert response.status_code == 400
    form = action_form(response.content.decode(), url("household_center_review", household))
    assert "改变系统认定的困难类别时必须填写理由。" in field_block(form, "reason")
    assert "拟调整为深度困难" in field_block(form, "opinion")
    assert re.search(r'<option value="deep" selected>', field_block(form, "category"))
    household.refresh_from_db()
    assert household.status == Status.PRELIM_PASSED and household.category == Category.RELATIVE


def test_an_annual_review_changing_the_category_without_a_reason_is_refused(client, household_in, township_reviewer):
    household = household_in(Status.APPROVED)
    client.force_login(township_reviewer)
    response = client.post(url("household_annual_review", household),
                           {"year": "2026", "outcome": "change", "category": Category.DEEP, "opinion": ""})
    assert response.status_code == 400
    form = action_form(response.content.decode(), url("household_annual_review", household))
    assert "调整困难类别时必须填写理由。" in field_block(form, "opinion")
    assert not AnnualReview.objects.exists()


# --- GET, outsiders and anonymous users ------------------------------------------------------------


@pytest.fixture
def checked(household_in, center_admin):
    """A dossier at the center's review with an economic check waiting for its result."""
    household = household_in(Status.PRELIM_PASSED)
    return household, services.economic_check_request(household=household, actor=center_admin, note="核对车辆")


@pytest.mark.parametrize("name", WORKFLOW_URLS)
def test_a_workflow_url_refuses_get(client, center_admin, checked, name):
    household, check = checked
    client.force_login(center_admin)
    assert client.get(url(name, household, check)).status_code == 405


@pytest.mark.parametrize("name", WORKFLOW_URLS)
def test_a_sibling_township_gets_404_from_every_workflow_url(client, outsider, checked, name):
    household, check = checked
    client.force_login(outsider)
    data = {"opinion": "x", "reason": "x", "category": "deep", "visited_on": "2026-03-02", "visitors": "x",
            "findings": "x", "passed": "1", "result": "x", "result_on": "2026-03-02", "year": "2026",
            "outcome": "confirm"}
    response = client.post(url(name, household, check), data)
    assert response.status_code == 404
    household.refresh_from_db()
    check.refresh_from_db()
    assert household.status == Status.PRELIM_PASSED and check.result_on is None
    assert not StatusChange.objects.exists() and EconomicCheck.objects.count() == 1


@pytest.mark.parametrize("name", WORKFLOW_URLS)
def test_an_anonymous_user_is_sent_to_log_in_from_every_workflow_url(client, checked, name):
    household, check = checked
    target = url(name, household, check)
    response = client.post(target, {"opinion": "x", "reason": "x"})
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={target}"
    household.refresh_from_db()
    assert household.status == Status.PRELIM_PASSED


def test_an_outsider_cannot_register_a_result_for_a_check_of_another_dossier(client, household_in, center_admin, checked):
    """The check is fetched through the dossier in the URL: a dossier of one's own won't do."""
    household, check = checked
    other = household_in(Status.PRELIM_PASSED)
    client.force_login(center_admin)
    response = client.post(reverse("cases:household_economic_check_result", args=[other.pk, check.pk]),
                           {"passed": "1", "result": "通过", "result_on": "2026-03-02"})
    assert response.status_code == 404
    check.refresh_from_db()
    assert check.result_on is None


# --- the detail page offers only what the user may do ----------------------------------------------


def page_of(client, user, household):
    client.force_login(user)
    return client.get(household.get_absolute_url()).content.decode()


def test_the_township_reviewer_sees_the_first_review_form_on_a_submitted_dossier(
    client, household_in, township_reviewer, community_clerk
):
    household = household_in(Status.SUBMITTED)
    page = page_of(client, township_reviewer, household)
    assert action_form(page, url("household_preliminary", household)) and "初审（入户调查）" in page
    assert action_form(page, url("household_return", household))
    page = page_of(client, community_clerk, household)
    assert not action_form(page, url("household_preliminary", household))
    assert not action_form(page, url("household_return", household))


def test_a_reviewer_does_not_see_the_first_review_of_a_dossier_he_entered(client, household_in, township_reviewer):
    household = household_in(Status.SUBMITTED)
    Household.objects.filter(pk=household.pk).update(created_by=township_reviewer)
    page = page_of(client, township_reviewer, household)
    assert not action_form(page, url("household_preliminary", household))
    assert action_form(page, url("household_return", household))


def test_the_entering_clerk_does_not_see_the_approval_but_the_center_admin_does(
    client, household_in, community_clerk, center_admin
):
    household = household_in(Status.IN_NOTICE)
    page = page_of(client, community_clerk, household)
    assert "审批通过并编号" not in page and not action_form(page, url("household_approve", household))
    page = page_of(client, center_admin, household)
    assert "审批通过并编号" in page and action_form(page, url("household_approve", household))
    Household.objects.filter(pk=household.pk).update(created_by=center_admin)
    page = page_of(client, center_admin, household)
    assert not action_form(page, url("household_approve", household))
    assert action_form(page, url("household_return", household))


def test_the_center_review_page_offers_the_review_and_the_economic_check(client, household_in, center_admin, township_reviewer):
    household = household_in(Status.PRELIM_PASSED)
    page = page_of(client, center_admin, household)
    for name in ("household_center_review", "household_economic_check", "household_return"):
        assert action_form(page, url(name, household))
    page = page_of(client, township_reviewer, household)
    assert 'id="workflow"' not in page


def test_an_on_file_dossier_offers_review_and_exit_to_the_reviewer_and_reopening_once_exited(
    client, household_in, township_reviewer, community_clerk
):
    household = household_in(Status.APPROVED)
    page = page_of(client, township_reviewer, household)
    assert action_form(page, url("household_annual_review", household))
    assert action_form(page, url("household_exit", household))
    page = page_of(client, community_clerk, household)
    assert not action_form(page, url("household_annual_review", household))
    assert not action_form(page, url("household_exit", household))

    Household.objects.filter(pk=household.pk).update(status=Status.EXITED)
    page = page_of(client, community_clerk, household)
    assert action_form(page, url("household_reopen", household))
    assert not action_form(page, url("household_exit", household))


def test_a_draft_offers_submitting_to_the_clerk(client, household_in, community_clerk):
    household = household_in(Status.DRAFT)
    page = page_of(client, community_clerk, household)
    assert action_form(page, url("household_submit", household))
    assert not action_form(page, url("household_return", household))


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.PRELIM_PASSED, Status.IN_NOTICE,
                                    Status.APPROVED, Status.EXITED])
def test_a_leader_sees_no_workflow_forms(client, household_in, center_leader, status):
    household = household_in(status)
    page = page_of(client, center_leader, household)
    assert 'id="workflow"' not in page
    assert not re.search(r'<form method="post" action="/cases/\d+/', page)
