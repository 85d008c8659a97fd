"""The rulebook answers every caller alike: what the service allows, the page offers, the queue
lists and the admin shows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Category, Household, Move, Relation, Status, StatusChange
from cases.rules import DOSSIER_RULES, Check, Rule, Rulebook
from network.models import NodeKind, Role

from ..conftest import make_node, make_user
from .conftest import make_household, make_id_number

CHANGELIST = "admin:cases_household_changelist"


def test_a_township_center_admin_is_not_offered_the_approval_action_the_service_would_refuse(
    client, township_admin, center_admin
):
    client.force_login(township_admin)
    actions = [value for value, _label in client.get(reverse(CHANGELIST)).context["action_form"].fields["action"].choices]
    assert "approve_selected" not in actions
    client.force_login(center_admin)
    actions = [value for value, _label in client.get(reverse(CHANGELIST)).context["action_form"].fields["action"].choices]
    assert "approve_selected" in actions


@pytest.fixture
def variety(center, township, community, sibling_township, community_clerk, township_reviewer, center_admin, standard):
    """Dossiers in every status, entered by different hands, some changed by the reviewer, one
    filed at the center and one at a system union, one whose 初审 the center did."""
    center_clerk = make_user("center_clerk", center, Role.DATA_ENTRY)
    education = make_node(NodeKind.SYSTEM, center, name="教育系统工会援助站")
    rows = []
    for i, status in enumerate([Status.DRAFT, Status.SUBMITTED, Status.PRELIM_PASSED, Status.CENTER_PASSED,
                                Status.IN_NOTICE, Status.APPROVED, Status.EXITED] * 2):
        node = [community, township, center, education, sibling_township][i % 5]
        entrant = [community_clerk, township_reviewer, center_clerk, center_admin][i % 4]
        rows.append(make_household(node, entrant, status=status, head_id=make_id_number(
            datetime.date(1970, 1, 1) + datetime.timedelta(days=i), serial=900 + i)))
    edited = rows[7]  # a draft the center changed, then submitted
    edited.address = "改过的地址"
    services.household_save(household=edited, members=list(edited.members.all()), actor=center_admin)
    Household.objects.filter(pk=edited.pk).update(status=Status.SUBMITTED)
    reviewed = rows[2]
    StatusChange.objects.create(household=reviewed, action=Move.SUBMIT, from_status=Status.DRAFT,
                                to_status=Status.SUBMITTED, actor=community_clerk,
                                at=timezone.now() - datetime.timedelta(days=2))
    StatusChange.objects.create(household=reviewed, action=Move.PRELIMINARY, from_status=Status.SUBMITTED,
                                to_status=Status.PRELIM_PASSED, actor=center_admin)
    return rows


@pytest.mark.parametrize("move", [Move.PRELIMINARY, Move.CENTER_REVIEW, Move.APPROVE, Move.RETURN, Move.EXIT,
                                  Move.ANNUAL_REVIEW, Move.SUBMIT, Move.NOTICE, Move.REOPEN])
@pytest.mark.parametrize("persona", ["community_clerk", "township_reviewer", "center_admin", "township_admin",
                                     "outsider", "center_leader"])
def test_the_queue_lists_exactly_the_dossiers_the_rulebook_allows(request, variety, move, persona):
    actor = request.getfixturevalue(persona)
    visible = Household.objects.visible_to(actor)
    queued = set(DOSSIER_RULES.queue(move, actor, visible).values_list("pk", flat=True))
    allowed = {h.pk for h in visible if DOSSIER_RULES.refusal(move, h, actor) is None}
    assert queued == allowed


def test_the_queue_for_the_center_review_leaves_out_who_did_the_first_review(variety, center_admin):
    queued = DOSSIER_RULES.queue(Move.CENTER_REVIEW, center_admin, Household.objects.all())
    assert variety[2] not in queued
    assert any(h.status == Status.PRELIM_PASSED for h in queued)


def test_the_page_offers_what_the_service_then_allows(client, community, community_clerk, township_reviewer, standard):
    submitted = make_household(community, community_clerk, status=Status.SUBMITTED)
    client.force_login(township_reviewer)
    assert "preliminary" in client.get(submitted.get_absolute_url()).context["actions"]
    services.household_preliminary_pass(household=submitted, actor=township_reviewer, visited_on=timezone.localdate(),
                                        visitors="王丽萍", findings="属实")


def test_a_program_declares_its_own_rulebook_from_the_same_parts(township_reviewer, center_admin):
    """What a relief program does: its own statuses, permissions and checks."""

    class Application:
        def __init__(self, status):
            self.status = status

        def get_status_display(self):
            return {"applied": "已申请", "paid": "已发放"}[self.status]

    at_center = Check("只有县援助分中心可以发放。", lambda actor: actor.is_center, subject=False)
    book = Rulebook([Rule("pay", ("approved",), "cases.approve_household", (at_center,))])
    assert book.refusal("pay", Application("applied"), center_admin) == "档案当前状态为“已申请”，不能进行此操作。"
    assert book.refusal("pay", Application("approved"), township_reviewer) == "您的角色无权进行此操作。"
    assert book.refusal("pay", Application("approved"), center_admin) is None
    assert book.may_make("pay", center_admin) and not book.may_make("pay", township_reviewer)


def test_a_service_reads_the_dossier_within_the_actors_scope(community, community_clerk, outsider_admin, standard):
    household = make_household(community, community_clerk, category=Category.RELATIVE)
    with pytest.raises(services.WorkflowError) as refused:
        services.household_submit(household=household, actor=outsider_admin)
    assert refused.value.messages == ["该档案不在您的管辖范围内。"]
    household.refresh_from_db()
    assert household.status == Status.DRAFT


def test_the_save_service_validates_the_whole_dossier_whoever_calls_it(community, community_clerk, standard):
    household = make_household(community, community_clerk, members=[
        ("李平凤", Relation.SPOUSE, make_id_number(datetime.date(1978, 4, 2), male=False))])
    head, spouse = sorted(household.members.all(), key=lambda m: m.relation != Relation.HEAD)
    spouse.relation = Relation.HEAD
    with pytest.raises(services.WorkflowError) as two_heads:
        services.household_save(household=household, members=[head, spouse], actor=community_clerk)
    assert two_heads.value.messages == ["每份档案必须有且只有一位户主。"]
    spouse.relation, spouse.id_number = Relation.SPOUSE, head.id_number
    with pytest.raises(services.WorkflowError) as twice:
        services.household_save(household=household, members=[head, spouse], actor=community_clerk)
    assert twice.value.messages == ["同一身份证号在本档案中填写了两次。"]
    spouse.id_number, spouse.monthly_income = make_id_number(datetime.date(1978, 4, 3), male=False), 10**9
    with pytest.raises(services.WorkflowError) as absurd:
        services.household_save(household=household, members=[head, spouse], actor=community_clerk)
    assert "月收入不能超过" in absurd.value.messages[0]
    assert household.members.count() == 2


def test_an_approved_paper_dossier_is_imported_on_file_with_its_number_and_an_import_step(
    community, center_admin, community_clerk, standard
):
    from cases.models import Member

    household = Household(node=community, address="弥勒县弥阳镇髯翁社区", primary_cause="laid_off",
                          filed_on=datetime.date(2023, 3, 1))
    head = Member(relation=Relation.HEAD, name="张志强", id_number=make_id_number(datetime.date(1975, 3, 14)),
                  monthly_income=900)
    services.household_import_on_file(household=household, members=[head], actor=center_admin,
                                      number="532526202300017", approved_on=datetime.date(2023, 4, 10),
                                      category=Category.DEEP)
    household.refresh_from_db()
    assert (household.status, household.number, household.category) == (Status.APPROVED, "532526202300017",
                                                                         Category.DEEP)
    assert timezone.localdate(household.approved_at) == datetime.date(2023, 4, 10)
    step = household.status_changes.get()
    assert (step.action, step.to_status, step.actor) == (Move.IMPORT, Status.APPROVED, center_admin)
    assert step.get_action_display() == "纸质档案导入"

    again = Household(node=community, address="x", primary_cause="laid_off", filed_on=datetime.date(2023, 3, 1))
    other = Member(relation=Relation.HEAD, name="赵桂兰", id_number=make_id_number(datetime.date(1976, 3, 14)))
    with pytest.raises(services.WorkflowError) as taken:
        services.household_import_on_file(household=again, members=[other], actor=center_admin,
                                          number="532526202300017", approved_on=datetime.date(2023, 4, 10))
    assert taken.value.messages == ["档案编号“532526202300017”已被另一份档案使用。"]
    with pytest.raises(services.WorkflowError):
        services.household_import_on_file(household=again, members=[other], actor=community_clerk,
                                          number="532526202300018", approved_on=datetime.date(2023, 4, 10))
    assert Household.objects.count() == 1
