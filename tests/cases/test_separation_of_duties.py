"""No one takes a dossier from filing to approval alone: 初审 belongs to the dossier's own township
or system union; whoever entered or changed it, or passed its 初审, cannot review, approve,
re-review or exit it; a notice runs from the day it is published for the required days."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import AnnualReviewOutcome, Category, Household, NoticeBatch, Relation, Status
from cases.rules import household_editors
from cases.services import WorkflowError
from network.models import Role

from ..conftest import make_user
from .conftest import backdate_notice, make_household, make_id_number

ENTRANT = "录入或修改过该档案的工作人员不能审核、审批或复核同一份档案。"
FIRST_REVIEWER = "做过初审的工作人员不能再进行中心审核或审批。"
WRONG_LEVEL = "初审由档案所属的乡镇工会联合会或系统工会进行。"


def visit(household, actor):
    return services.household_preliminary_pass(
        household=household, actor=actor, visited_on=timezone.localdate(), visitors="王丽萍",
        findings="家中两间平房，户主下岗。", opinion="属实",
    )


def refused(message, move, *args, **kwargs):
    with pytest.raises(WorkflowError) as excinfo:
        move(*args, **kwargs)
    assert excinfo.value.messages == [message]


@pytest.fixture
def submitted(community, community_clerk, standard):
    household = make_household(community, community_clerk, category=Category.RELATIVE, monthly_income="900.00")
    services.household_submit(household=household, actor=community_clerk)
    return household


def test_a_center_administrator_cannot_do_the_first_review_of_a_township_dossier(submitted, center_admin):
    refused(WRONG_LEVEL, visit, submitted, center_admin)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED and not submitted.home_visits.exists()


def test_a_sibling_townships_reviewer_cannot_do_the_first_review(submitted, sibling_township):
    stranger = make_user("xinshao_reviewer2", sibling_township, Role.REVIEWER)
    # the service reads the dossier within his scope: it is not there
    refused("该档案不在您的管辖范围内。", visit, submitted, stranger)


def test_the_dossiers_own_township_reviewer_does_the_first_review(submitted, township_reviewer):
    visit(submitted, township_reviewer)
    submitted.refresh_from_db()
    assert submitted.status == Status.PRELIM_PASSED


def test_who_did_the_first_review_of_a_center_dossier_cannot_also_review_and_approve_it(
    center, center_admin, standard
):
    """A dossier filed at the center itself has its 初审 at the center: then a second center
    administrator must do the review and the approval."""
    clerk = make_user("center_clerk", center, Role.DATA_ENTRY)
    household = make_household(center, clerk, category=Category.RELATIVE)
    services.household_submit(household=household, actor=clerk)
    visit(household, center_admin)
    refused(FIRST_REVIEWER, services.household_center_pass, household=household, actor=center_admin,
            category=Category.RELATIVE)

    colleague = make_user("center_admin2", center, Role.CENTER_ADMIN)
    services.household_center_pass(household=household, actor=colleague, category=Category.RELATIVE)
    batch = services.notice_publish(actor=colleague, title="公示", starts_on=timezone.localdate(),
                                    ends_on=timezone.localdate() + datetime.timedelta(days=6), households=[household])
    backdate_notice(batch, 10)
    refused(FIRST_REVIEWER, services.household_approve, household=household, actor=center_admin)
    services.household_approve(household=household, actor=colleague)
    household.refresh_from_db()
    assert household.status == Status.APPROVED


def test_a_reviewer_who_changed_the_dossier_counts_as_its_entrant(
    community, community_clerk, township_reviewer, standard
):
    household = make_household(community, community_clerk, category=Category.RELATIVE)
    household.address = "弥勒县弥阳镇新址5号"
    services.household_save(household=household, members=list(household.members.all()), actor=township_reviewer)
    services.household_submit(household=household, actor=community_clerk)
    refused(ENTRANT, visit, household, township_reviewer)


def test_an_edit_removing_a_member_also_makes_an_entrant(community, community_clerk, township_reviewer, standard):
    household = make_household(community, community_clerk, category=Category.RELATIVE, members=[
        ("李平凤", Relation.SPOUSE, make_id_number(datetime.date(1978, 4, 2), male=False))])
    head = household.members.get(relation=Relation.HEAD)
    services.household_save(household=household, members=[head], actor=township_reviewer)
    assert township_reviewer.pk in household_editors(household)


def test_the_workflow_moves_themselves_do_not_make_an_entrant(submitted, township_reviewer, community_clerk):
    visit(submitted, township_reviewer)
    assert household_editors(submitted) == {community_clerk.pk}


def test_who_changed_an_on_file_dossier_cannot_review_or_exit_it_that_year(
    community, community_clerk, township_reviewer, standard
):
    household = make_household(community, community_clerk, status=Status.APPROVED, category=Category.RELATIVE)
    household.address = "弥勒县弥阳镇新址5号"
    services.household_save(household=household, members=list(household.members.all()), actor=township_reviewer)
    refused(ENTRANT, services.household_annual_review, household=household, actor=township_reviewer,
            year=timezone.localdate().year, outcome=AnnualReviewOutcome.CHANGE, category=Category.DEEP,
            opinion="收入下降")
    refused(ENTRANT, services.household_exit, household=household, actor=township_reviewer, reason="recovered")
    household.refresh_from_db()
    assert household.status == Status.APPROVED and not household.annual_reviews.exists()


def test_the_entrant_cannot_change_the_category_of_his_own_dossier_in_the_annual_review(
    community, township_reviewer, standard
):
    household = make_household(community, township_reviewer, status=Status.APPROVED, category=Category.RELATIVE)
    refused(ENTRANT, services.household_annual_review, household=household, actor=township_reviewer,
            year=timezone.localdate().year, outcome=AnnualReviewOutcome.CHANGE, category=Category.DEEP,
            opinion="收入下降")


def test_an_annual_review_for_a_future_year_is_refused(community, community_clerk, township_reviewer, standard):
    household = make_household(community, community_clerk, status=Status.APPROVED)
    refused("复核年度应在批准建档的%s年与今年之间。" % timezone.localdate().year, services.household_annual_review,
            household=household, actor=township_reviewer, year=2099, outcome=AnnualReviewOutcome.CONFIRM)


@pytest.fixture
def passed(community, community_clerk, standard):
    return make_household(community, community_clerk, status=Status.CENTER_PASSED)


def test_a_notice_cannot_start_before_the_day_it_is_published(passed, center_admin):
    today = timezone.localdate()
    refused("公示开始日期不能早于发布当天。", services.notice_publish, actor=center_admin, title="倒签公示",
            starts_on=today - datetime.timedelta(days=30), ends_on=today - datetime.timedelta(days=24),
            households=[passed])
    assert not NoticeBatch.objects.exists()


def test_a_notice_runs_at_least_the_configured_days(passed, center_admin, settings):
    settings.NOTICE_DAYS = 10
    today = timezone.localdate()
    refused("公示期至少10天（含开始当天）。", services.notice_publish, actor=center_admin, title="短公示",
            starts_on=today, ends_on=today + datetime.timedelta(days=8), households=[passed])


def test_a_notice_back_dated_in_the_database_does_not_allow_approval(passed, center_admin):
    today = timezone.localdate()
    batch = services.notice_publish(actor=center_admin, title="公示", starts_on=today,
                                    ends_on=today + datetime.timedelta(days=6), households=[passed])
    # its dates moved into the past, but it was published today: it has not really run
    NoticeBatch.objects.filter(pk=batch.pk).update(starts_on=today - datetime.timedelta(days=30),
                                                   ends_on=today - datetime.timedelta(days=24))
    refused(f"公示自{today.isoformat()}起实际只张贴了不足7天，不能据此审批；请重新公示。",
            services.household_approve, household=passed, actor=center_admin)
    passed.refresh_from_db()
    assert passed.status == Status.IN_NOTICE and passed.number is None


def test_one_center_administrator_alone_cannot_take_a_dossier_from_filing_to_approval(
    client, center, community, center_admin, standard
):
    """The attack of the report: one administrator files, reviews, publishes back-dated and approves."""
    client.force_login(center_admin)
    household = make_household(community, center_admin, category=Category.RELATIVE)
    services.household_submit(household=household, actor=center_admin)
    response = client.post(reverse("cases:household_preliminary", args=[household.pk]), {
        "visited_on": timezone.localdate().isoformat(), "visitors": "李建华", "findings": "属实"}, follow=True)
    assert WRONG_LEVEL in response.content.decode()
    household.refresh_from_db()
    assert household.status == Status.SUBMITTED


def test_the_page_offers_no_first_review_to_the_center_and_no_approval_to_the_first_reviewer(
    client, submitted, center_admin, township_reviewer
):
    client.force_login(center_admin)
    assert "preliminary" not in client.get(submitted.get_absolute_url()).context["actions"]
    client.force_login(township_reviewer)
    assert "preliminary" in client.get(submitted.get_absolute_url()).context["actions"]
    Household.objects.filter(pk=submitted.pk).update(created_by=township_reviewer)
    assert "preliminary" not in client.get(submitted.get_absolute_url()).context["actions"]
