"""The dossier back office: scoped to the user's subtree, status moves only through the workflow
services, numbers masked for those who may not see them."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cases.idcard import mask_id_number
from cases.models import (
    Category,
    DibaoStandard,
    ExitReason,
    HomeVisit,
    Household,
    Member,
    NoticeBatch,
    NoticeEntry,
    Objection,
    Relation,
    SensitiveAccess,
    Status,
    StatusChange,
)
from network.models import NodeKind, Role

from ..conftest import frozen_at, make_enterprise, make_node, make_user
from .conftest import make_household as _make_household
from .conftest import make_id_number

CHANGELIST = reverse("admin:cases_household_changelist")
HEAD_ID = make_id_number(datetime.date(1972, 4, 8), serial=431)
FEMALE_ID = make_id_number(datetime.date(1981, 10, 3), serial=228, male=False)
SIBLING_HEAD_ID = make_id_number(datetime.date(1968, 1, 21), serial=517)


_people = itertools.count(1)


def make_household(node, created_by, **fields):
    """conftest's make_household with a head whose ID number no other test household shares."""
    n = next(_people)
    fields.setdefault("head_id", make_id_number(datetime.date(1960, 1, 1) + datetime.timedelta(days=37 * n), serial=n))
    return _make_household(node, created_by, **fields)


def change_url(household):
    return reverse("admin:cases_household_change", args=[household.pk])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def act(client, action, households, **extra):
    """Posts a changelist action on ``households`` (the first step, or the confirmation with post=yes)."""
    data = {"action": action, ACTION_CHECKBOX_NAME: [h.pk for h in households], "index": "0", **extra}
    return client.post(CHANGELIST, data)


def posted(response):
    """The POST data of an admin change page as it was rendered: the form and every inline."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.forms:
            add(form)
    return data


def notice_ended(household, by, days_ago=3):
    batch = NoticeBatch.objects.create(
        title="2026年第一批困难职工档案公示", node=by.node, created_by=by,
        starts_on=timezone.localdate() - datetime.timedelta(days=days_ago + 7),
        ends_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        created_at=timezone.now() - datetime.timedelta(days=days_ago + 7),
    )
    return NoticeEntry.objects.create(batch=batch, household=household)


@pytest.fixture
def own(township, colleague):
    return make_household(township, colleague, head_name="张志强", head_id=HEAD_ID, phone="13987654321")


@pytest.fixture
def siblings(sibling_township, outsider):
    return make_household(sibling_township, outsider, head_name="刘小兵", head_id=SIBLING_HEAD_ID)


# --- scope -------------------------------------------------------------------------------------


def test_township_reviewer_sees_his_townships_dossier_and_not_the_siblings(client, township_reviewer, own, siblings):
    client.force_login(township_reviewer)
    page = client.get(CHANGELIST).content.decode()
    assert "张志强" in page
    assert "刘小兵" not in page


def test_center_admin_sees_every_townships_dossier(client, center_admin, own, siblings):
    client.force_login(center_admin)
    page = client.get(CHANGELIST).content.decode()
    assert "张志强" in page and "刘小兵" in page


@pytest.mark.parametrize("page", ["change", "history", "delete"])
def test_pages_of_a_sibling_townships_dossier_answer_404(client, township_reviewer, siblings, page):
    client.force_login(township_reviewer)
    assert client.get(reverse(f"admin:cases_household_{page}", args=[siblings.pk])).status_code == 404


def test_a_historical_version_of_a_sibling_dossier_answers_404(client, township_reviewer, siblings):
    version = siblings.history.first()
    client.force_login(township_reviewer)
    url = reverse("admin:cases_household_simple_history", args=[siblings.pk, version.history_id])
    assert client.get(url).status_code == 404


def test_a_malformed_history_address_answers_404_not_an_error(client, center_admin, own):
    client.force_login(center_admin)
    assert client.get(f"/admin/cases/household/{own.pk}/change/history/").status_code == 404


def test_member_pages_of_a_sibling_dossier_answer_404(client, township_reviewer, siblings):
    member = siblings.members.get()
    client.force_login(township_reviewer)
    for page in ("change", "history"):
        assert client.get(reverse(f"admin:cases_member_{page}", args=[member.pk])).status_code == 404


def test_search_by_name_or_id_number_finds_nothing_outside_the_subtree(client, township_reviewer, own, siblings):
    client.force_login(township_reviewer)
    for term in ("刘小兵", SIBLING_HEAD_ID, "lxb"):
        response = client.get(CHANGELIST, {"q": term})
        assert response.context["cl"].result_count == 0, term
    assert list(client.get(CHANGELIST, {"q": "zzq"}).context["cl"].result_list) == [own]
    assert list(client.get(CHANGELIST, {"q": HEAD_ID}).context["cl"].result_list) == [own]


def test_enterprise_autocomplete_of_the_dossier_offers_only_units_in_scope(
    client, township_reviewer, township, sibling_township
):
    make_enterprise(township, name="弥勒市木器厂")
    make_enterprise(sibling_township, name="新哨镇砖瓦厂")
    client.force_login(township_reviewer)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cases", "model_name": "household", "field_name": "enterprise", "term": "厂"},
    )
    assert {item["text"] for item in response.json()["results"]} == {"弥勒市木器厂"}


def test_node_filter_offers_only_nodes_with_dossiers_in_scope(
    client, township_reviewer, community, colleague, own, siblings
):
    make_household(community, colleague, head_name="朱红梅")
    client.force_login(township_reviewer)
    filters = client.get(CHANGELIST).context["cl"].filter_specs
    node_filter = next(f for f in filters if getattr(f, "field_path", "") == "node")
    assert sorted(label for _, label in node_filter.lookup_choices) == sorted(["弥阳镇工会联合会", "髯翁社区援助分站"])


# --- approve -----------------------------------------------------------------------------------


def test_approve_action_puts_an_in_notice_dossier_on_file_with_a_number_after_the_notice(
    client, center_admin, township, colleague
):
    household = make_household(township, colleague, status=Status.IN_NOTICE)
    notice_ended(household, center_admin)
    client.force_login(center_admin)

    response = act(client, "approve_selected", [household])

    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == Status.APPROVED
    assert household.number and household.number.startswith(f"532526{timezone.localdate().year}")
    step = StatusChange.objects.get(household=household)
    assert (step.action, step.from_status, step.to_status, step.actor) == (
        "approve", Status.IN_NOTICE, Status.APPROVED, center_admin
    )
    assert messages_of(response) == ["已审批通过 1 份档案，已编号在档。"]


def test_approve_action_refuses_the_admin_who_entered_the_dossier_and_changes_nothing(
    client, center_admin, township
):
    household = make_household(township, center_admin, head_name="黄玉珍", status=Status.IN_NOTICE)
    notice_ended(household, center_admin)
    client.force_login(center_admin)

    response = act(client, "approve_selected", [household])

    household.refresh_from_db()
    assert (household.status, household.number) == (Status.IN_NOTICE, None)
    assert not StatusChange.objects.filter(household=household).exists()
    assert messages_of(response) == [
        f"黄玉珍（#{household.pk}）：录入或修改过该档案的工作人员不能审核、审批或复核同一份档案。"
    ]


def test_approve_action_refuses_a_draft_and_still_approves_the_other_selected(
    client, center_admin, township, colleague
):
    draft = make_household(township, colleague, head_name="吴晓东")
    ready = make_household(township, colleague, head_name="周春生", status=Status.IN_NOTICE)
    notice_ended(ready, center_admin)
    client.force_login(center_admin)

    response = act(client, "approve_selected", [draft, ready])

    draft.refresh_from_db()
    ready.refresh_from_db()
    assert (draft.status, draft.number) == (Status.DRAFT, None)
    assert ready.status == Status.APPROVED
    assert sorted(messages_of(response)) == sorted([
        f"吴晓东（#{draft.pk}）：档案当前状态为“草稿”，不能进行此操作。",
        "已审批通过 1 份档案，已编号在档。",
    ])
    error = next(m for m in get_messages(response.wsgi_request) if "草稿" in str(m))
    assert error.level_tag == "error"


def test_approve_action_refuses_while_the_notice_is_still_running(client, center_admin, township, colleague):
    household = make_household(township, colleague, status=Status.IN_NOTICE)
    entry = notice_ended(household, center_admin)
    entry.batch.ends_on = timezone.localdate() + datetime.timedelta(days=2)
    entry.batch.save()
    client.force_login(center_admin)

    response = act(client, "approve_selected", [household])

    household.refresh_from_db()
    assert household.status == Status.IN_NOTICE
    assert "公示期满后才能审批" in messages_of(response)[0]


def test_approve_action_is_not_offered_to_a_township_reviewer(client, township_reviewer, own):
    client.force_login(township_reviewer)
    actions = dict(client.get(CHANGELIST).context["action_form"].fields["action"].choices)
    assert "approve_selected" not in actions
    assert {"return_selected", "exit_selected"} <= set(actions)


def test_a_leader_has_no_actions_and_posting_one_changes_nothing(client, center_leader, center_admin, township, colleague):
    household = make_household(township, colleague, status=Status.IN_NOTICE)
    notice_ended(household, center_admin)
    client.force_login(center_leader)
    assert client.get(CHANGELIST).context["action_form"] is None

    act(client, "approve_selected", [household])

    household.refresh_from_db()
    assert household.status == Status.IN_NOTICE


# --- return ------------------------------------------------------------------------------------


def test_return_action_first_asks_for_the_reason_and_changes_nothing(client, township_reviewer, township, colleague):
    household = make_household(township, colleague, head_name="赵桂兰", status=Status.SUBMITTED)
    client.force_login(township_reviewer)

    response = act(client, "return_selected", [household])

    assert response.status_code == 200
    page = response.content.decode()
    assert "赵桂兰" in page and 'name="reason"' in page and 'value="return_selected"' in page
    household.refresh_from_db()
    assert household.status == Status.SUBMITTED


def test_return_action_without_a_reason_shows_the_page_again_with_the_error(client, township_reviewer, township, colleague):
    household = make_household(township, colleague, status=Status.SUBMITTED)
    client.force_login(township_reviewer)

    response = act(client, "return_selected", [household], post="yes", reason="  ")

    assert response.status_code == 200
    assert "请填写理由。" in response.content.decode()
    household.refresh_from_db()
    assert household.status == Status.SUBMITTED


def test_return_action_with_a_reason_returns_to_draft_and_records_the_reason(
    client, township_reviewer, township, colleague
):
    household = make_household(township, colleague, status=Status.SUBMITTED)
    client.force_login(township_reviewer)

    response = act(client, "return_selected", [household], post="yes", reason="缺少收入证明，请补充。")

    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == Status.DRAFT
    step = StatusChange.objects.get(household=household)
    assert (step.action, step.to_status, step.actor, step.opinion) == (
        "return", Status.DRAFT, township_reviewer, "缺少收入证明，请补充。"
    )
    assert messages_of(response) == ["已退回 1 份档案。"]


def test_return_action_refuses_a_township_reviewer_on_a_dossier_at_the_center(
    client, township_reviewer, township, colleague
):
    household = make_household(township, colleague, head_name="马永平", status=Status.PRELIM_PASSED)
    client.force_login(township_reviewer)

    response = act(client, "return_selected", [household], post="yes", reason="材料不全")

    household.refresh_from_db()
    assert household.status == Status.PRELIM_PASSED
    assert not StatusChange.objects.filter(household=household).exists()
    assert messages_of(response) == [f"马永平（#{household.pk}）：您的角色无权进行此操作。"]


# --- exit --------------------------------------------------------------------------------------


def test_exit_action_exits_an_on_file_household_and_frees_its_members(client, township_reviewer, township, colleague):
    spouse_id = make_id_number(datetime.date(1976, 6, 2), serial=612, male=False)
    household = make_household(
        township, colleague, status=Status.APPROVED, members=[("李平凤", Relation.SPOUSE, spouse_id)]
    )
    client.force_login(township_reviewer)

    confirm = act(client, "exit_selected", [household])
    assert confirm.status_code == 200 and "解困脱困" in confirm.content.decode()
    response = act(client, "exit_selected", [household], post="yes", reason=ExitReason.OUT_OF_HARDSHIP,
                   opinion="已再就业，家庭收入超过标准。", confirm="on")

    household.refresh_from_db()
    assert (household.status, household.exit_reason) == (Status.EXITED, ExitReason.OUT_OF_HARDSHIP)
    assert household.exited_at is not None
    assert not household.members.filter(in_active_dossier=True).exists()
    assert StatusChange.objects.get(household=household).opinion == "已再就业，家庭收入超过标准。"
    assert messages_of(response) == ["已退出 1 份档案。"]


def test_exit_action_refuses_a_dossier_not_on_file(client, township_reviewer, township, colleague):
    household = make_household(township, colleague, head_name="孙丽华")
    client.force_login(township_reviewer)

    response = act(client, "exit_selected", [household], post="yes", reason=ExitReason.RETIRED, confirm="on")

    household.refresh_from_db()
    assert household.status == Status.DRAFT
    assert household.members.get().in_active_dossier is True
    assert messages_of(response) == [f"孙丽华（#{household.pk}）：档案当前状态为“草稿”，不能进行此操作。"]


# --- masking -----------------------------------------------------------------------------------


def test_a_leader_sees_only_masked_id_and_phone_numbers(client, center_leader, own):
    client.force_login(center_leader)

    changelist = client.get(CHANGELIST).content.decode()
    change = client.get(change_url(own)).content.decode()

    assert mask_id_number(HEAD_ID) in changelist
    assert mask_id_number(HEAD_ID) in change and "139****4321" in change and "138****5678" in change
    for page in (changelist, change):
        assert HEAD_ID not in page
        assert "13987654321" not in page and "13812345678" not in page
    assert not SensitiveAccess.objects.exists()


def test_a_leader_sees_masked_numbers_on_the_member_pages_too(client, center_leader, own):
    member = own.members.get()
    client.force_login(center_leader)
    for url in (reverse("admin:cases_member_changelist"), reverse("admin:cases_member_change", args=[member.pk])):
        page = client.get(url).content.decode()
        assert mask_id_number(HEAD_ID) in page
        assert HEAD_ID not in page


def test_center_admin_sees_a_masked_list_and_full_numbers_on_the_dossier_which_is_logged(client, center_admin, own):
    client.force_login(center_admin)

    changelist = client.get(CHANGELIST).content.decode()
    assert HEAD_ID not in changelist and mask_id_number(HEAD_ID) in changelist
    assert not SensitiveAccess.objects.exists()

    change = client.get(change_url(own)).content.decode()
    assert HEAD_ID in change and "13987654321" in change
    access = SensitiveAccess.objects.get()
    assert (access.user, access.household, access.channel) == (center_admin, own, "admin")


def test_history_shows_who_changed_what_with_numbers_masked_for_a_leader(client, colleague, center_leader, own):
    client.force_login(colleague)
    data = posted(client.get(change_url(own)))
    data["phone"] = "13700001111"
    data["address"] = "弥勒县弥阳镇髯翁社区8号"
    assert client.post(change_url(own), data).status_code == 302

    client.force_login(center_leader)
    page = client.get(reverse("admin:cases_household_history", args=[own.pk])).content.decode()

    assert "张志强" in page  # the colleague who made the change
    assert "弥勒县弥阳镇髯翁社区8号" in page
    assert "139****4321" in page and "137****1111" in page
    assert "13700001111" not in page and "13987654321" not in page


# --- editing goes through the service ------------------------------------------------------------


def test_editing_a_draft_in_the_admin_recomputes_through_the_service(client, colleague, own, standard):
    client.force_login(colleague)
    data = posted(client.get(change_url(own)))
    data["other_annual_income"] = "3600.00"

    response = client.post(change_url(own), data)

    assert response.status_code == 302
    own.refresh_from_db()
    # (900 × 12 + 3600) ÷ 12 ÷ 1 (the household is its one listed member)
    assert own.per_capita_monthly_income == Decimal("1200.00")
    assert own.status == Status.DRAFT
    assert own.history.first().history_change_reason == "edit"
    assert own.history.first().history_user == colleague


def test_editing_an_on_file_dossier_keeps_the_category_the_center_confirmed(client, center_admin, township, colleague):
    household = make_household(township, colleague, status=Status.APPROVED, category=Category.RELATIVE)
    Household.objects.filter(pk=household.pk).update(proposed_category=Category.DEEP)
    client.force_login(center_admin)
    data = posted(client.get(change_url(household)))
    assert "category" not in data
    data["address"] = "弥勒县弥阳镇髯翁社区20号"

    assert client.post(change_url(household), data).status_code == 302

    household.refresh_from_db()
    assert (household.address, household.category, household.status) == (
        "弥勒县弥阳镇髯翁社区20号", Category.RELATIVE, Status.APPROVED
    )


def test_adding_a_dossier_in_the_admin_makes_a_draft_with_its_head(client, colleague, township, standard):
    client.force_login(colleague)
    data = posted(client.get(reverse("admin:cases_household_add")))
    data.update({
        "node": str(township.pk), "address": "弥勒县弥阳镇温泉路3号", "household_size": "2",
        "primary_cause": "laid_off", "filed_on": timezone.localdate().isoformat(),
        "members-0-relation": Relation.HEAD, "members-0-name": "郭秀英", "members-0-id_number": FEMALE_ID,
        "members-0-health": "good", "members-0-work_status": "laid_off", "members-0-monthly_income": "500.00",
    })

    response = client.post(reverse("admin:cases_household_add"), data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    household = Household.objects.get()
    assert (household.status, household.created_by, household.number) == (Status.DRAFT, colleague, None)
    head = household.members.get()
    assert (head.name, head.relation, head.name_initials, head.sex) == ("郭秀英", Relation.HEAD, "gxy", "F")


def test_the_admin_refuses_a_member_already_in_another_active_dossier(client, colleague, own, township):
    client.force_login(colleague)
    data = posted(client.get(reverse("admin:cases_household_add")))
    data.update({
        "node": str(township.pk), "address": "弥勒县弥阳镇温泉路3号", "household_size": "1",
        "primary_cause": "laid_off", "filed_on": timezone.localdate().isoformat(),
        "members-0-relation": Relation.HEAD, "members-0-name": "张志强", "members-0-id_number": HEAD_ID,
        "members-0-health": "good", "members-0-work_status": "laid_off", "members-0-monthly_income": "500.00",
    })

    response = client.post(reverse("admin:cases_household_add"), data)

    assert response.status_code == 200
    assert "一人不能同时建两份档案" in response.content.decode()
    assert Household.objects.count() == 1


def test_a_dossier_needs_exactly_one_head_in_the_admin(client, colleague, own):
    client.force_login(colleague)
    data = posted(client.get(change_url(own)))
    data["members-0-relation"] = Relation.SPOUSE

    response = client.post(change_url(own), data)

    assert response.status_code == 200
    assert "每份档案必须有且只有一位户主。" in response.content.decode()
    assert own.members.get().relation == Relation.HEAD


def test_a_dossier_under_review_is_read_only_in_the_admin(client, colleague, township):
    household = make_household(township, colleague, status=Status.SUBMITTED, address="弥勒县弥阳镇1号")
    client.force_login(colleague)

    page = client.get(change_url(household))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    response = client.post(change_url(household), {"address": "改了", "status": Status.APPROVED})

    assert response.status_code == 403
    household.refresh_from_db()
    assert (household.address, household.status) == ("弥勒县弥阳镇1号", Status.SUBMITTED)


def test_history_is_read_only_and_cannot_be_reverted(client, center_admin, own):
    version = own.history.last()
    client.force_login(center_admin)
    url = reverse("admin:cases_household_simple_history", args=[own.pk, version.history_id])

    assert client.get(url).status_code == 200
    assert client.post(url, {"address": "回滚"}).status_code == 403
    own.refresh_from_db()
    assert own.address != "回滚"


# --- delete ------------------------------------------------------------------------------------


def test_center_admin_may_delete_a_draft_with_its_members(client, center_admin, own):
    client.force_login(center_admin)
    response = client.post(reverse("admin:cases_household_delete", args=[own.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Household.objects.filter(pk=own.pk).exists()
    assert not Member.objects.filter(household_id=own.pk).exists()


def test_nobody_deletes_a_dossier_on_file_and_a_clerk_deletes_nothing(client, center_admin, colleague, township, own):
    on_file = make_household(township, colleague, status=Status.APPROVED)
    client.force_login(center_admin)
    assert client.post(reverse("admin:cases_household_delete", args=[on_file.pk]), {"post": "yes"}).status_code == 403
    client.force_login(colleague)
    assert client.post(reverse("admin:cases_household_delete", args=[own.pk]), {"post": "yes"}).status_code == 403
    assert Household.objects.filter(pk__in=[own.pk, on_file.pk]).count() == 2


# --- query count -------------------------------------------------------------------------------


def test_household_changelist_query_count_does_not_grow_with_the_rows(
    client, center_admin, township, community, colleague, django_assert_max_num_queries
):
    enterprise = make_enterprise(community)

    def add(count):
        for i in range(count):
            make_household(community if i % 2 else township, colleague, enterprise=enterprise if i % 3 else None,
                           head_name=f"测试{i}")

    client.force_login(center_admin)
    add(5)
    with django_assert_max_num_queries(12):
        assert client.get(CHANGELIST).context["cl"].result_count == 5
    add(20)
    with django_assert_max_num_queries(12):
        assert client.get(CHANGELIST).context["cl"].result_count == 25


def test_household_change_page_query_count_does_not_grow_with_members_and_records(
    client, center_admin, township, colleague, django_assert_max_num_queries
):
    household = make_household(township, colleague, status=Status.APPROVED, household_size=9)

    def add(count):
        for i in range(count):
            n = next(_people)
            Member.objects.create(
                household=household, relation=Relation.CHILD, name=f"子女{n}", sex="M",
                id_number=make_id_number(datetime.date(2000, 1, 1) + datetime.timedelta(days=n), serial=n),
                birth_date=datetime.date(2000, 1, 1),
            )
            StatusChange.objects.create(household=household, action=f"步骤{n}", from_status=Status.DRAFT,
                                        to_status=Status.DRAFT, actor=colleague)
            HomeVisit.objects.create(household=household, visited_on=timezone.localdate(), visitors="王丽萍",
                                     findings="属实", recorded_by=colleague)

    client.force_login(center_admin)
    add(1)
    # 16: the page's queries, the reveal's log row and its audit entry
    with django_assert_max_num_queries(16):
        assert client.get(change_url(household)).status_code == 200
    add(6)
    with django_assert_max_num_queries(16):
        assert client.get(change_url(household)).status_code == 200


# --- the other admins ----------------------------------------------------------------------------


def test_center_admin_sets_a_dibao_standard_and_a_leader_may_not(client, center_admin, center_leader, center):
    client.force_login(center_admin)
    response = client.post(reverse("admin:cases_dibaostandard_add"), {
        "node": center.pk, "year": "2027", "urban_monthly": "720.00", "rural_monthly": "580.00", "note": "红府发〔2027〕1号",
    })
    assert response.status_code == 302
    assert DibaoStandard.objects.get(year=2027).urban_monthly == Decimal("720.00")

    client.force_login(center_leader)
    assert client.get(reverse("admin:cases_dibaostandard_add")).status_code == 403


def test_a_township_reviewer_sees_the_county_standard_only_if_it_is_in_his_subtree(
    client, township_admin, township, sibling_township
):
    DibaoStandard.objects.create(node=township, year=2026, urban_monthly="700.00", rural_monthly="560.00")
    DibaoStandard.objects.create(node=sibling_township, year=2026, urban_monthly="710.00", rural_monthly="570.00")
    client.force_login(township_admin)
    page = client.get(reverse("admin:cases_dibaostandard_changelist")).content.decode()
    assert "700.00" in page and "710.00" not in page


def test_notice_admin_lists_the_dossiers_and_objections_read_only(client, center_admin, township, colleague):
    household = make_household(township, colleague, head_name="林美玲", status=Status.IN_NOTICE)
    entry = notice_ended(household, center_admin)
    Objection.objects.create(entry=entry, content="该户家中有经营性车辆。", logged_by=center_admin)
    client.force_login(center_admin)

    page = client.get(reverse("admin:cases_noticebatch_change", args=[entry.batch.pk])).content.decode()

    assert "林美玲" in page and "该户家中有经营性车辆。" in page and "尚未处理" in page
    assert client.get(reverse("admin:cases_noticebatch_add")).status_code == 403


def test_sensitive_access_log_is_read_by_the_center_only_within_scope(
    client, center_admin, township_reviewer, outsider_admin, own
):
    SensitiveAccess.objects.create(user=center_admin, household=own, node=own.node, channel="page")
    url = reverse("admin:cases_sensitiveaccess_changelist")

    client.force_login(center_admin)
    assert client.get(url).context["cl"].result_count == 1
    client.force_login(outsider_admin)
    assert client.get(url).context["cl"].result_count == 0
    client.force_login(township_reviewer)
    assert client.get(url).status_code == 403


@frozen_at(2026, 11, 30)  # a review of 2026: the year must be this year
def test_annual_reviews_are_shown_read_only(client, center_leader, township_reviewer, township, colleague):
    from cases import services

    household = make_household(township, colleague, status=Status.APPROVED)
    services.household_annual_review(household=household, actor=township_reviewer, year=2026, outcome="confirm")
    client.force_login(center_leader)
    response = client.get(reverse("admin:cases_annualreview_changelist"))
    assert response.context["cl"].result_count == 1
    assert client.get(reverse("admin:cases_annualreview_add")).status_code == 403


def test_a_community_clerk_sees_only_his_communitys_dossiers(client, township, community, colleague):
    clerk = make_user("ranweng_entry", community, Role.DATA_ENTRY)
    make_household(township, colleague, head_name="高志明")
    make_household(community, clerk, head_name="朱红梅")
    make_node(NodeKind.COMMUNITY, township, name="另一社区")
    client.force_login(clerk)
    page = client.get(CHANGELIST).content.decode()
    assert "朱红梅" in page and "高志明" not in page


def test_the_admin_history_shows_workflow_moves_and_the_number(client, center_admin, township, colleague, standard):
    from cases.services import household_submit

    household = _make_household(township, colleague, monthly_income="600.00", household_size=3)
    household_submit(household=household, actor=colleague)
    client.force_login(center_admin)
    page = client.get(reverse("admin:cases_household_history", args=[household.pk])).content.decode()
    assert "状态:</strong>" in page and "草稿" in page and "待初审" in page
    assert "人均月收入（元）:</strong>" in page
