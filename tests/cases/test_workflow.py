"""The dossier workflow through its services: every move, who may make it and from which status.

Each refusal is a WorkflowError whose Chinese message the user reads as it is, and leaves the
database exactly as it was."""

import datetime
import threading
from contextlib import contextmanager
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cases import services
from cases.models import (
    AnnualReview,
    AnnualReviewOutcome,
    Category,
    DossierSequence,
    EconomicCheck,
    ExitReason,
    HomeVisit,
    Household,
    Member,
    NoticeBatch,
    NoticeEntry,
    Objection,
    Relation,
    Status,
    StatusChange,
)
from cases.services import WorkflowError
from network.models import NodeKind, Role, User

from ..conftest import frozen_at, make_node, make_user
from .conftest import make_household, make_id_number, make_standard

NO_RIGHT = "您的角色无权进行此操作。"
ENTRANT = "录入或修改过该档案的工作人员不能审核、审批或复核同一份档案。"
CENTER_ONLY = "只有县援助分中心可以进行此操作。"


def not_in(status_label):
    return f"档案当前状态为“{status_label}”，不能进行此操作。"


@pytest.fixture
def people(community_clerk, township_reviewer, center_admin):
    """The three hands a dossier passes through: the clerk who enters it, the township's reviewer
    who visits the home, and the center's admin who reviews, publishes and approves it."""
    return SimpleNamespace(clerk=community_clerk, reviewer=township_reviewer, admin=center_admin)


@pytest.fixture
def draft(community, community_clerk, standard):
    """A household of three with 28,800 a year: 800.00 a head a month, 相对困难 against 700.00."""
    return make_household(
        community, community_clerk, head_name="张志强", monthly_income="2000.00", household_size=3,
        category=Category.RELATIVE,
        members=[("李平凤", Relation.SPOUSE, make_id_number(datetime.date(1978, 4, 2), male=False)),
                 ("张文", Relation.CHILD, make_id_number(datetime.date(2008, 9, 1)))],
        other_annual_income=Decimal("4800.00"),
    )


def database_state():
    """Everything a workflow move may write, to show that a refused move wrote nothing."""
    return {
        "households": list(Household.objects.order_by("pk").values(
            "pk", "status", "number", "category", "category_note", "approved_at", "exit_reason", "exited_at",
        )),
        "members": list(Member.objects.order_by("pk").values_list("pk", "in_active_dossier")),
        "changes": StatusChange.objects.count(),
        "visits": HomeVisit.objects.count(),
        "checks": list(EconomicCheck.objects.order_by("pk").values("pk", "passed", "result_on")),
        "batches": NoticeBatch.objects.count(),
        "entries": NoticeEntry.objects.count(),
        "objections": list(Objection.objects.order_by("pk").values("pk", "resolved_at")),
        "reviews": AnnualReview.objects.count(),
        "sequences": list(DossierSequence.objects.values_list("year", "last_serial")),
    }


@contextmanager
def refused(message):
    """The block must raise WorkflowError with exactly ``message`` and change nothing."""
    before = database_state()
    with pytest.raises(WorkflowError) as excinfo:
        yield
    assert excinfo.value.messages == [message]
    assert database_state() == before


def submit(household, people):
    return services.household_submit(household=household, actor=people.clerk, opinion="材料齐全")


def preliminary(household, people, **overrides):
    fields = {"visited_on": timezone.localdate(), "visitors": "王丽萍、社区主任杨红",
              "findings": "家中两间平房，户主下岗后打零工，配偶无固定收入。", "opinion": "情况属实"}
    fields.update(overrides)
    return services.household_preliminary_pass(household=household, actor=people.reviewer, **fields)


def center_pass(household, people, **overrides):
    household.refresh_from_db()
    fields = {"category": household.category, "opinion": "同意"}
    fields.update(overrides)
    return services.household_center_pass(household=household, actor=people.admin, **fields)


def publish(households, people, *, ended=False):
    """A notice published today for seven days; ``ended``: as if it had been published ten days ago."""
    today = timezone.localdate()
    batch = services.notice_publish(
        actor=people.admin, title="2026年第1批困难职工建档公示", starts_on=today,
        ends_on=today + datetime.timedelta(days=6), households=households, place="县总工会公示栏",
    )
    if ended:
        end_notice(batch, days_ago=10)
    return batch


def end_notice(batch, days_ago=8):
    """Moves a notice into the past, publication included, as if it had run its seven days."""
    starts_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    NoticeBatch.objects.filter(pk=batch.pk).update(
        starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=6),
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def approve(household, people):
    return services.household_approve(household=household, actor=people.admin, opinion="同意建档")


def walk(household, people, to):
    """Takes a draft through the services up to ``to`` (a notice, if any, has already ended)."""
    steps = [
        (Status.SUBMITTED, lambda: submit(household, people)),
        (Status.PRELIM_PASSED, lambda: preliminary(household, people)),
        (Status.CENTER_PASSED, lambda: center_pass(household, people)),
        (Status.IN_NOTICE, lambda: publish([household], people, ended=True)),
        (Status.APPROVED, lambda: approve(household, people)),
    ]
    for status, step in steps:
        step()
        if status == to:
            break
    household.refresh_from_db()
    assert household.status == to
    return household


def number(serial, year=None):
    year = year or timezone.localdate().year
    return django_settings.DOSSIER_NUMBER_PATTERN.format(county=django_settings.COUNTY_CODE, year=year, serial=serial)


def only_change(household):
    change = household.status_changes.get()
    return change.action, change.from_status, change.to_status, change.actor, change.opinion


# --- the whole road ------------------------------------------------------------------------------


def test_a_dossier_goes_from_draft_to_on_file_with_every_step_recorded(draft, people):
    submit(draft, people)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.per_capita_monthly_income == Decimal("800.00") and draft.dibao_standard_monthly == Decimal("700.00")
    assert draft.category == Category.RELATIVE
    assert only_change(draft) == ("submit", Status.DRAFT, Status.SUBMITTED, people.clerk, "材料齐全")

    preliminary(draft, people, visited_on=datetime.date(2026, 3, 2))
    draft.refresh_from_db()
    assert draft.status == Status.PRELIM_PASSED
    visit = draft.home_visits.get()
    assert (visit.visited_on, visit.visitors, visit.recorded_by) == (
        datetime.date(2026, 3, 2), "王丽萍、社区主任杨红", people.reviewer
    )
    assert visit.findings.startswith("家中两间平房")
    change = draft.status_changes.last()
    assert (change.action, change.from_status, change.to_status, change.actor, change.opinion) == (
        "preliminary", Status.SUBMITTED, Status.PRELIM_PASSED, people.reviewer, "情况属实"
    )

    check = services.economic_check_request(household=draft, actor=people.admin, note="核对配偶收入和车辆")
    assert (check.requested_by, check.request_note, check.result_on, check.passed) == (
        people.admin, "核对配偶收入和车辆", None, None
    )
    services.economic_check_result(check=check, actor=people.admin, passed=True, result="无车辆，收入与申报一致",
                                   result_on=timezone.localdate())
    check.refresh_from_db()
    assert (check.passed, check.result, check.result_on) == (True, "无车辆，收入与申报一致", timezone.localdate())
    draft.refresh_from_db()
    assert draft.status == Status.PRELIM_PASSED

    center_pass(draft, people, category=Category.DEEP, reason="配偶长期患病，医疗支出未计入", opinion="同意")
    draft.refresh_from_db()
    assert draft.status == Status.CENTER_PASSED
    assert draft.category == Category.DEEP and draft.proposed_category == Category.RELATIVE
    assert draft.category_note == "配偶长期患病，医疗支出未计入"
    change = draft.status_changes.last()
    assert (change.action, change.from_status, change.to_status, change.actor) == (
        "center_review", Status.PRELIM_PASSED, Status.CENTER_PASSED, people.admin
    )

    batch = publish([draft], people)
    draft.refresh_from_db()
    assert draft.status == Status.IN_NOTICE
    assert NoticeEntry.objects.get().household == draft and batch.households.get() == draft
    change = draft.status_changes.last()
    assert (change.action, change.to_status, change.actor) == ("notice", Status.IN_NOTICE, people.admin)
    assert change.opinion == "列入公示：2026年第1批困难职工建档公示"

    end_notice(batch)
    approve(draft, people)
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED
    assert draft.number == number(1) and draft.number.startswith(django_settings.COUNTY_CODE)
    assert draft.approved_at is not None
    change = draft.status_changes.last()
    assert (change.action, change.from_status, change.to_status, change.actor, change.opinion) == (
        "approve", Status.IN_NOTICE, Status.APPROVED, people.admin, "同意建档"
    )
    assert [c.action for c in draft.status_changes.all()] == ["submit", "preliminary", "center_review", "notice", "approve"]
    assert all(draft.members.values_list("in_active_dossier", flat=True))


def test_the_center_confirming_the_proposed_category_notes_that_it_confirmed(draft, people):
    walk(draft, people, Status.PRELIM_PASSED)
    center_pass(draft, people, category=Category.RELATIVE)
    draft.refresh_from_db()
    assert draft.status == Status.CENTER_PASSED
    assert draft.category == Category.RELATIVE and draft.category_note == "确认系统认定类别"


def test_two_approvals_get_consecutive_numbers_of_the_configured_pattern(settings, community, people, standard):
    settings.COUNTY_CODE = "532526"
    settings.DOSSIER_NUMBER_PATTERN = "{county}-{year}-{serial:04d}"
    first = walk(make_household(community, people.clerk, head_name="张志强"), people, Status.IN_NOTICE)
    second = walk(make_household(community, people.clerk, head_name="赵桂兰"), people, Status.IN_NOTICE)
    approve(first, people)
    approve(second, people)
    first.refresh_from_db()
    second.refresh_from_db()
    year = timezone.localdate().year
    assert (first.number, second.number) == (f"532526-{year}-0001", f"532526-{year}-0002")
    assert DossierSequence.objects.get(year=year).last_serial == 2


def test_numbers_continue_from_the_years_sequence(community, people, standard):
    DossierSequence.objects.create(year=timezone.localdate().year, last_serial=41)
    household = walk(make_household(community, people.clerk), people, Status.APPROVED)
    assert household.number == number(42)


def test_approval_after_a_dismissed_objection_goes_ahead(draft, people):
    walk(draft, people, Status.IN_NOTICE)
    entry = NoticeEntry.objects.get(household=draft)
    objection = services.objection_log(entry=entry, actor=people.admin, content="反映人称其家中另有门面出租收入。")
    services.objection_resolve(objection=objection, actor=people.admin, upheld=False, resolution="经核查无门面。")
    approve(draft, people)
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED and draft.number == number(1)


def test_an_upheld_objection_returns_the_dossier_to_draft_with_the_finding(draft, people):
    walk(draft, people, Status.IN_NOTICE)
    entry = NoticeEntry.objects.get(household=draft)
    objection = services.objection_log(entry=entry, actor=people.admin, content="反映人称其家中另有门面出租收入。")
    services.objection_resolve(objection=objection, actor=people.admin, upheld=True, resolution="确有门面出租。")
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.number is None
    change = draft.status_changes.last()
    assert (change.action, change.from_status, change.to_status, change.opinion) == (
        "return", Status.IN_NOTICE, Status.DRAFT, "公示异议成立：确有门面出租。"
    )


@pytest.mark.parametrize("status, actor", [
    (Status.SUBMITTED, "reviewer"),
    (Status.PRELIM_PASSED, "admin"),
    (Status.CENTER_PASSED, "admin"),
    (Status.IN_NOTICE, "admin"),
])
def test_a_dossier_under_review_is_returned_to_draft_with_the_reason(draft, people, status, actor):
    walk(draft, people, status)
    services.household_return(household=draft, actor=getattr(people, actor), reason="收入证明缺少单位盖章")
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    change = draft.status_changes.last()
    assert (change.action, change.from_status, change.to_status, change.actor, change.opinion) == (
        "return", status, Status.DRAFT, getattr(people, actor), "收入证明缺少单位盖章"
    )


# --- annual review, exit and 返困 -----------------------------------------------------------------


@frozen_at(2026, 11, 30)  # a review of 2026: the year must be this year
def test_annual_review_confirms_an_on_file_household(draft, people):
    walk(draft, people, Status.APPROVED)
    review = services.household_annual_review(household=draft, actor=people.reviewer, year=2026,
                                              outcome=AnnualReviewOutcome.CONFIRM, opinion="情况无变化")
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED and draft.category == Category.RELATIVE
    assert (review.year, review.outcome, review.category, review.reviewer) == (
        2026, AnnualReviewOutcome.CONFIRM, Category.RELATIVE, people.reviewer
    )
    change = draft.status_changes.last()
    assert (change.action, change.from_status, change.to_status, change.actor, change.opinion) == (
        "annual_review", Status.APPROVED, Status.APPROVED, people.reviewer, "情况无变化"
    )


@frozen_at(2026, 11, 30)  # a review of 2026: the year must be this year
def test_annual_review_changes_the_category_with_its_reason(draft, people):
    walk(draft, people, Status.APPROVED)
    services.household_annual_review(household=draft, actor=people.reviewer, year=2026,
                                     outcome=AnnualReviewOutcome.CHANGE, category=Category.DEEP,
                                     opinion="户主今年失业，收入下降")
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED
    assert draft.category == Category.DEEP and draft.category_note == "户主今年失业，收入下降"
    assert AnnualReview.objects.get(household=draft).category == Category.DEEP
    assert draft.status_changes.last().action == "annual_review"


@frozen_at(2026, 11, 30)  # a review of 2026: the year must be this year
def test_annual_review_exit_takes_the_household_and_its_members_off_file(draft, people):
    walk(draft, people, Status.APPROVED)
    services.household_annual_review(household=draft, actor=people.reviewer, year=2026,
                                     outcome=AnnualReviewOutcome.EXIT, exit_reason=ExitReason.OUT_OF_HARDSHIP,
                                     opinion="户主已稳定就业")
    draft.refresh_from_db()
    assert draft.status == Status.EXITED and draft.exit_reason == ExitReason.OUT_OF_HARDSHIP
    assert draft.exited_at is not None and draft.number == number(1)
    assert AnnualReview.objects.get(household=draft).outcome == AnnualReviewOutcome.EXIT
    assert list(draft.members.values_list("in_active_dossier", flat=True)) == [False, False, False]
    change = draft.status_changes.last()
    assert (change.action, change.from_status, change.to_status, change.actor, change.opinion) == (
        "exit", Status.APPROVED, Status.EXITED, people.reviewer, "户主已稳定就业"
    )


def test_an_exited_household_that_falls_back_is_reopened_and_keeps_its_number(draft, people):
    walk(draft, people, Status.APPROVED)
    services.household_exit(household=draft, actor=people.reviewer, reason=ExitReason.OUT_OF_HARDSHIP)

    services.household_reopen(household=draft, actor=people.clerk, reason="户主所在企业停产，再次失业")
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.number == number(1)
    assert (draft.exit_reason, draft.exited_at) == ("", None)
    assert all(draft.members.values_list("in_active_dossier", flat=True))
    change = draft.status_changes.last()
    assert (change.action, change.from_status, change.to_status, change.actor, change.opinion) == (
        "reopen", Status.EXITED, Status.DRAFT, people.clerk, "户主所在企业停产，再次失业"
    )
    assert Household.objects.count() == 1

    walk(draft, people, Status.APPROVED)
    assert draft.number == number(1)
    assert DossierSequence.objects.get().last_serial == 1


# --- moves out of order --------------------------------------------------------------------------


def test_a_draft_cannot_be_approved(draft, people):
    with refused(not_in("草稿")):
        approve(draft, people)


def test_a_submitted_dossier_cannot_pass_the_center_review_before_the_first_review(draft, people):
    walk(draft, people, Status.SUBMITTED)
    with refused(not_in("待初审")):
        center_pass(draft, people)


def test_a_draft_cannot_be_put_on_notice(draft, people):
    with refused(not_in("草稿")):
        publish([draft], people)


def test_a_dossier_cannot_be_submitted_twice(draft, people):
    walk(draft, people, Status.SUBMITTED)
    with refused(not_in("待初审")):
        submit(draft, people)


def test_an_on_file_dossier_cannot_be_reopened_nor_a_draft_exited(draft, people):
    with refused(not_in("草稿")):
        services.household_exit(household=draft, actor=people.reviewer, reason=ExitReason.RETIRED)
    walk(draft, people, Status.APPROVED)
    with refused(not_in("在档")):
        services.household_reopen(household=draft, actor=people.clerk, reason="返困")


def test_a_draft_cannot_be_returned(draft, people):
    with refused(not_in("草稿")):
        services.household_return(household=draft, actor=people.reviewer, reason="材料不全")


# --- who may do what -----------------------------------------------------------------------------


def test_the_clerk_who_entered_a_dossier_cannot_approve_it(community, people, standard):
    entered_by_admin = make_household(community, people.admin)
    submit(entered_by_admin, people)
    preliminary(entered_by_admin, people)
    other_admin = make_user("center_admin2", people.admin.node, Role.CENTER_ADMIN, name="周敏")
    services.household_center_pass(household=entered_by_admin, actor=other_admin, category=Category.DEEP,
                                   reason="民政核对后按深度困难认定")
    publish([entered_by_admin], people, ended=True)
    with refused(ENTRANT):
        approve(entered_by_admin, people)


def test_the_clerk_who_entered_a_dossier_cannot_pass_its_first_review(community, people, standard):
    entered_by_reviewer = make_household(community, people.reviewer)
    submit(entered_by_reviewer, people)
    with refused(ENTRANT):
        preliminary(entered_by_reviewer, people)


def test_overriding_the_category_needs_a_reason(draft, people):
    walk(draft, people, Status.PRELIM_PASSED)
    with refused("改变系统认定的困难类别时必须填写理由。"):
        center_pass(draft, people, category=Category.DEEP, reason="  ")


@pytest.mark.parametrize("visitors, findings", [("", "家中两间平房"), ("王丽萍", ""), (" ", " ")])
def test_a_first_review_without_a_home_visit_is_refused(draft, people, visitors, findings):
    walk(draft, people, Status.SUBMITTED)
    with refused("初审必须有入户调查记录：走访人员和走访情况。"):
        preliminary(draft, people, visitors=visitors, findings=findings)


def test_a_community_level_reviewer_cannot_pass_the_first_review(draft, people, community):
    community_reviewer = make_user("ranweng_reviewer", community, Role.REVIEWER, name="杨红")
    walk(draft, people, Status.SUBMITTED)
    with refused("初审由档案所属的乡镇工会联合会或系统工会进行。"):
        services.household_preliminary_pass(household=draft, actor=community_reviewer, visited_on=timezone.localdate(),
                                            visitors="杨红", findings="属实")


@pytest.mark.parametrize("clerk", ["community_clerk", "colleague"])
def test_a_data_entry_clerk_cannot_pass_the_first_review(draft, people, request, clerk):
    walk(draft, people, Status.SUBMITTED)
    with refused(NO_RIGHT):
        services.household_preliminary_pass(household=draft, actor=request.getfixturevalue(clerk),
                                            visited_on=timezone.localdate(), visitors="张志强", findings="属实")


def test_a_system_union_reviewer_may_pass_the_first_review(center, people, standard):
    education = make_node(NodeKind.SYSTEM, center, name="教育系统工会援助站")
    school_reviewer = make_user("edu_reviewer", education, Role.REVIEWER, name="何春")
    school_clerk = make_user("edu_clerk", education, Role.DATA_ENTRY, name="何秋")
    household = make_household(education, school_clerk)
    services.household_submit(household=household, actor=school_clerk)
    services.household_preliminary_pass(household=household, actor=school_reviewer, visited_on=timezone.localdate(),
                                        visitors="何春", findings="属实")
    household.refresh_from_db()
    assert household.status == Status.PRELIM_PASSED


def test_a_township_admin_cannot_do_the_centers_review(draft, people, township_admin):
    walk(draft, people, Status.PRELIM_PASSED)
    with refused(CENTER_ONLY):
        services.household_center_pass(household=draft, actor=township_admin, category=Category.RELATIVE)
    with refused(CENTER_ONLY):
        services.economic_check_request(household=draft, actor=township_admin)


# --- the notice and the approval -----------------------------------------------------------------


def test_approval_before_the_notice_period_ended_is_refused(draft, people):
    walk(draft, people, Status.CENTER_PASSED)
    batch = publish([draft], people)
    with refused(f"公示期至{batch.ends_on.isoformat()}止，公示期满后才能审批。"):
        approve(draft, people)
    # the last day of the notice still belongs to it
    NoticeBatch.objects.filter(pk=batch.pk).update(ends_on=timezone.localdate())
    with refused(f"公示期至{timezone.localdate().isoformat()}止，公示期满后才能审批。"):
        approve(draft, people)


def test_approval_with_an_unresolved_objection_is_refused(draft, people):
    walk(draft, people, Status.IN_NOTICE)
    entry = NoticeEntry.objects.get(household=draft)
    services.objection_log(entry=entry, actor=people.admin, content="反映人称其家中另有门面出租收入。")
    with refused("公示期间的异议尚未处理完毕。"):
        approve(draft, people)


def test_return_without_a_reason_is_refused(draft, people):
    walk(draft, people, Status.SUBMITTED)
    with refused("退回时必须填写退回理由。"):
        services.household_return(household=draft, actor=people.reviewer, reason="   ")


def test_a_clerk_cannot_return_a_submitted_dossier(draft, people):
    walk(draft, people, Status.SUBMITTED)
    with refused(NO_RIGHT):
        services.household_return(household=draft, actor=people.clerk, reason="自己撤回")


def test_a_township_reviewer_cannot_return_a_dossier_the_center_is_reviewing(draft, people):
    walk(draft, people, Status.PRELIM_PASSED)
    with refused(NO_RIGHT):
        services.household_return(household=draft, actor=people.reviewer, reason="补充材料")


def test_the_center_review_waits_for_an_open_economic_check_and_refuses_a_failed_one(draft, people):
    walk(draft, people, Status.PRELIM_PASSED)
    check = services.economic_check_request(household=draft, actor=people.admin, note="核对车辆")
    with refused("已有一项核对尚未返回结果。"):
        services.economic_check_request(household=draft, actor=people.admin, note="再次核对")
    with refused("民政核对尚未返回结果，请先登记核对结果。"):
        center_pass(draft, people)
    with refused("请填写核对结果。"):
        services.economic_check_result(check=check, actor=people.admin, passed=False, result=" ")
    services.economic_check_result(check=check, actor=people.admin, passed=False, result="名下有小型汽车一辆")
    with refused("该核对已登记结果。"):
        services.economic_check_result(check=check, actor=people.admin, passed=True, result="重新核对")
    with refused("民政核对未通过，不能审核通过；请退回。"):
        center_pass(draft, people)


# --- submitting: the dossier must qualify --------------------------------------------------------


def test_submit_without_a_dibao_standard_for_the_year_is_refused(community, people):
    make_standard(community.parent.parent, year=timezone.localdate().year - 1)
    household = make_household(community, people.clerk)
    with refused(f"尚未设置{timezone.localdate().year}年适用于本地区的低保标准，请联系中心管理员。"):
        submit(household, people)


def test_submit_with_income_of_twice_the_standard_is_refused(community, people, standard):
    # 1,400.00 a head a month is exactly twice the 700.00 standard: no longer 相对困难
    household = make_household(community, people.clerk, monthly_income="1400.00", household_size=1)
    with refused("家庭人均月收入不低于低保标准的2倍，不符合困难职工建档条件。"):
        submit(household, people)


def test_submit_just_below_twice_the_standard_is_relative_hardship(community, people, standard):
    household = make_household(community, people.clerk, monthly_income="1399.99", household_size=1)
    submit(household, people)
    household.refresh_from_db()
    assert household.status == Status.SUBMITTED and household.category == Category.RELATIVE


def test_an_accident_needs_its_explanation_but_not_a_low_income(community, people, standard):
    household = make_household(community, people.clerk, monthly_income="3000.00", household_size=1,
                               category=Category.ACCIDENT, primary_cause="accident")
    with refused("选择“意外致困”时必须填写意外致困说明。"):
        submit(household, people)
    Household.objects.filter(pk=household.pk).update(accident_reason="2026年3月车祸，医疗自付8.6万元")
    submit(household, people)
    household.refresh_from_db()
    assert household.status == Status.SUBMITTED and household.category == Category.ACCIDENT


# --- one person, one active dossier --------------------------------------------------------------


def test_reopening_is_refused_when_a_member_now_stands_in_another_active_dossier(draft, people, community):
    walk(draft, people, Status.APPROVED)
    services.household_exit(household=draft, actor=people.reviewer, reason=ExitReason.TRANSFERRED)
    spouse = draft.members.get(relation=Relation.SPOUSE)
    make_household(community, people.clerk, head_name=spouse.name, head_id=spouse.id_number)
    with refused("有家庭成员已在另一份有效档案中，不能重新启用本档案。"):
        services.household_reopen(household=draft, actor=people.clerk, reason="返困")


def test_the_database_refuses_a_person_in_two_active_dossiers(draft, community, people):
    head = draft.members.get(relation=Relation.HEAD)
    other = make_household(community, people.clerk, head_name="赵桂兰")
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(household=other, relation=Relation.SPOUSE, name=head.name, id_number=head.id_number,
                              birth_date=head.birth_date, sex=head.sex, in_active_dossier=True)
    # in an exited dossier he may stand again: only active dossiers count
    Member.objects.create(household=other, relation=Relation.SPOUSE, name=head.name, id_number=head.id_number,
                          birth_date=head.birth_date, sex=head.sex, in_active_dossier=False)
    assert Member.objects.filter(id_number=head.id_number).count() == 2


# --- the leadership group reads only -------------------------------------------------------------


def _leader_moves(household, people, leader):
    """Each move, made by the leader on a dossier in the status where it would be allowed."""
    def preliminary_move():
        walk(household, people, Status.SUBMITTED)
        return lambda: services.household_preliminary_pass(household=household, actor=leader,
                                                           visited_on=timezone.localdate(), visitors="领导", findings="属实")

    def check_result_move():
        walk(household, people, Status.PRELIM_PASSED)
        check = services.economic_check_request(household=household, actor=people.admin)
        return lambda: services.economic_check_result(check=check, actor=leader, passed=True, result="通过")

    def exited_move():
        walk(household, people, Status.APPROVED)
        services.household_exit(household=household, actor=people.reviewer, reason=ExitReason.RETIRED)
        return lambda: services.household_reopen(household=household, actor=leader, reason="返困")

    def at(status, move):
        def prepare():
            if status != Status.DRAFT:
                walk(household, people, status)
            return move
        return prepare

    return {
        "submit": at(Status.DRAFT, lambda: services.household_submit(household=household, actor=leader)),
        "preliminary": preliminary_move,
        "economic_check": at(Status.PRELIM_PASSED,
                             lambda: services.economic_check_request(household=household, actor=leader)),
        "economic_check_result": check_result_move,
        "center_review": at(Status.PRELIM_PASSED, lambda: services.household_center_pass(
            household=household, actor=leader, category=Category.RELATIVE)),
        "notice": at(Status.CENTER_PASSED, lambda: services.notice_publish(
            actor=leader, title="公示", starts_on=timezone.localdate(), ends_on=timezone.localdate(),
            households=[household])),
        "approve": at(Status.IN_NOTICE, lambda: services.household_approve(household=household, actor=leader)),
        "return": at(Status.SUBMITTED, lambda: services.household_return(household=household, actor=leader,
                                                                         reason="退回")),
        "annual_review": at(Status.APPROVED, lambda: services.household_annual_review(
            household=household, actor=leader, year=2026, outcome=AnnualReviewOutcome.CONFIRM)),
        "exit": at(Status.APPROVED, lambda: services.household_exit(household=household, actor=leader,
                                                                    reason=ExitReason.RETIRED)),
        "reopen": exited_move,
    }


LEADER_MOVES = ["submit", "preliminary", "economic_check", "economic_check_result", "center_review", "notice",
                "approve", "return", "annual_review", "exit", "reopen"]


@pytest.mark.parametrize("move", LEADER_MOVES)
def test_a_leader_can_make_no_move_at_all(draft, people, center_leader, move):
    attempt = _leader_moves(draft, people, center_leader)[move]()
    with refused(NO_RIGHT):
        attempt()


# --- two approvals at once (PostgreSQL) ----------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_the_same_moment_get_two_distinct_consecutive_numbers(community, people, standard):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (select_for_update)")
    households = [
        walk(make_household(community, people.clerk, head_name=name), people, Status.IN_NOTICE)
        for name in ("张志强", "赵桂兰")
    ]
    start = threading.Barrier(len(households))
    numbers, errors = [], []

    def approve_in_thread(household_pk):
        try:
            admin = User.objects.get(pk=people.admin.pk)
            household = Household.objects.get(pk=household_pk)
            start.wait(timeout=10)
            services.household_approve(household=household, actor=admin)
            numbers.append(Household.objects.get(pk=household_pk).number)
        except Exception as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve_in_thread, args=(h.pk,)) for h in households]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(numbers) == [number(1), number(2)]
    assert DossierSequence.objects.get().last_serial == 2
