"""Holiday campaigns (送温暖): the list drawn from on-file dossiers, reviewed, frozen against the
budget and the fund's balance, and the deliveries recorded as aid records (one per household)."""

import datetime
import re

import pytest
from django.db.models import Sum
from django.utils import timezone

from cases.models import Category, Household, Status
from cases.rules import WorkflowError
from network.models import Role
from outreach import services
from outreach.models import (
    AidRecord,
    AidState,
    Cadre,
    CampaignHousehold,
    CampaignState,
    Fund,
    LedgerEntry,
    Occasion,
    Pairing,
)

from ..cases.conftest import make_household
from ..conftest import frozen_at, make_user
from .conftest import make_fund, make_on_file

pytestmark = frozen_at(2027, 1, 20)

STARTS = datetime.date(2027, 1, 10)


def make_campaign(actor, node, fund, budget="10000", standards=None, **fields):
    return services.campaign_create(
        actor=actor, node=node, year=2027, occasion=Occasion.SPRING, name=fields.pop("name", "2027年春节送温暖"),
        fund=fund, budget=budget, starts_on=fields.pop("starts_on", STARTS),
        ends_on=fields.pop("ends_on", datetime.date(2027, 2, 10)),
        standards=standards or {Category.DEEP: ("500", "大米一袋", "100"), Category.RELATIVE: ("300", "", "0")},
    )


def money_state():
    return (list(Fund.objects.order_by("pk").values_list("pk", "balance_fen")), LedgerEntry.objects.count(),
            list(AidRecord.objects.order_by("pk").values_list("pk", "state")),
            list(CampaignHousehold.objects.order_by("pk").values_list("pk", "removed_reason")))


def refused(message, move, **kwargs):
    before = money_state()
    with pytest.raises(WorkflowError) as error:
        move(**kwargs)
    assert message in " ".join(error.value.messages)
    assert money_state() == before


@pytest.fixture
def fund(center, keeper):
    return make_fund(center, balance="5000", keeper=keeper)


@pytest.fixture
def households(community, community_clerk, standard):
    deep = [make_on_file(community, community_clerk, n=n, head_name=f"深困{n}") for n in range(3)]
    relative = make_on_file(community, community_clerk, n=10, head_name="相对户", category=Category.RELATIVE)
    return deep + [relative]


@pytest.fixture
def campaign(center_admin, center, fund):
    return make_campaign(center_admin, center, fund)


def test_center_admin_creates_a_campaign_with_a_standard_per_category(campaign):
    standards = {s.category: (s.cash_fen, s.goods, s.goods_value_fen) for s in campaign.standards.all()}
    assert standards == {"deep": (50000, "大米一袋", 10000), "relative": (30000, "", 0)}
    assert campaign.state == CampaignState.DRAFT and campaign.budget_fen == 1_000_000


def test_a_clerk_cannot_create_a_campaign(community_clerk, community, fund):
    with pytest.raises(WorkflowError, match="无权"):
        make_campaign(community_clerk, community, fund)


@pytest.mark.parametrize("field, value, message", [
    ("budget", "0", "金额必须大于0元"),
    ("budget", "-5", "金额必须大于0元"),
    ("budget", "99999999999", "金额不能超过"),
    ("ends_on", datetime.date(2027, 1, 1), "结束日期不能早于开始日期"),
    ("name", "  ", "请填写活动名称"),
])
def test_a_campaign_with_bad_input_is_refused_and_nothing_saved(center_admin, center, fund, field, value, message):
    with pytest.raises(WorkflowError, match=message):
        make_campaign(center_admin, center, fund, **{field: value})
    assert not fund.campaigns.exists()


def test_a_standard_with_a_negative_amount_is_refused(center_admin, center, fund):
    with pytest.raises(WorkflowError, match="金额必须大于0元"):
        make_campaign(center_admin, center, fund, standards={Category.DEEP: ("-1", "", "0")})
    assert not fund.campaigns.exists()


def test_a_township_cannot_run_a_campaign_from_a_sibling_township_fund(township_admin, township, sibling_township, keeper):
    fund = make_fund(sibling_township, name="新哨送温暖基金")
    with pytest.raises(WorkflowError, match="管辖范围"):
        make_campaign(township_admin, township, fund)


def test_the_draw_lists_on_file_households_at_their_category_standard(campaign, center_admin, households,
                                                                      community, community_clerk):
    draft = make_household(community, community_clerk, status=Status.DRAFT, head_name="草稿户")
    assert services.campaign_draw(campaign=campaign, actor=center_admin) == 4
    listed = {entry.household_id: (entry.cash_fen, entry.goods) for entry in campaign.recipients.all()}
    assert listed[households[0].pk] == (50000, "大米一袋")
    assert listed[households[3].pk] == (30000, "")
    assert draft.pk not in listed


def test_the_draw_filters_by_category_node_and_not_aided_since(campaign, center_admin, households, enterprise_point,
                                                               community_clerk, standard):
    at_point = make_on_file(enterprise_point, community_clerk, n=20, head_name="工作点户")
    Household.objects.filter(pk=households[1].pk).update(last_aided_at=timezone.now())
    added = services.campaign_draw(campaign=campaign, actor=center_admin, categories=[Category.DEEP],
                                   node=enterprise_point, not_aided_since=datetime.date(2027, 1, 1))
    assert added == 1
    assert list(campaign.recipients.values_list("household", flat=True)) == [at_point.pk]
    services.campaign_draw(campaign=campaign, actor=center_admin, categories=[Category.DEEP],
                           not_aided_since=datetime.date(2027, 1, 1))
    assert set(campaign.recipients.values_list("household", flat=True)) == {
        at_point.pk, households[0].pk, households[2].pk}


def test_a_township_draw_sees_only_its_own_households(center_admin, center, fund, households, sibling_community,
                                                      township_admin, standard):
    sibling = make_on_file(sibling_community, make_user("xs_clerk", sibling_community), n=30)
    campaign = make_campaign(center_admin, center, fund)
    services.campaign_draw(campaign=campaign, actor=township_admin)
    assert sibling.pk not in set(campaign.recipients.values_list("household", flat=True))
    assert campaign.recipients.count() == 4


def test_the_pairing_cadre_is_the_visitor(campaign, center_admin, households, community):
    cadre = Cadre.objects.create(node=community, name="杨科长", post="副局长", rank="section", unit="县人社局")
    Pairing.objects.create(cadre=cadre, household=households[0], starts_on=STARTS, created_by=center_admin)
    services.campaign_draw(campaign=campaign, actor=center_admin)
    assert campaign.recipients.get(household=households[0]).visitor == cadre
    assert campaign.recipients.get(household=households[1]).visitor is None


def test_remove_needs_a_reason_and_a_draw_does_not_bring_back_the_removed(campaign, center_admin, households):
    services.campaign_draw(campaign=campaign, actor=center_admin)
    entry = campaign.recipients.get(household=households[0])
    refused("请填写移出原因", services.recipient_remove, recipient=entry, actor=center_admin, reason="  ")
    services.recipient_remove(recipient=entry, actor=center_admin, reason="已外出务工")
    entry.refresh_from_db()
    assert entry.removed_reason == "已外出务工"
    assert services.campaign_draw(campaign=campaign, actor=center_admin) == 0
    services.recipient_add(campaign=campaign, household=households[0], actor=center_admin)
    entry.refresh_from_db()
    assert entry.removed_reason == ""


def test_only_on_file_households_of_a_category_with_a_standard_can_be_added(center_admin, center, fund, community,
                                                                             community_clerk, standard):
    campaign = make_campaign(center_admin, center, fund, standards={Category.DEEP: ("500", "", "0")})
    draft = make_household(community, community_clerk, status=Status.DRAFT)
    refused("在档", services.recipient_add, campaign=campaign, household=draft, actor=center_admin)
    relative = make_on_file(community, community_clerk, n=40, category=Category.RELATIVE)
    refused("没有“相对困难”的慰问标准", services.recipient_add, campaign=campaign, household=relative,
            actor=center_admin)


def test_confirm_refuses_with_the_shortfall_of_the_fund(center_admin, center, keeper, households):
    fund = make_fund(center, name="小额基金", balance="1000", keeper=keeper)
    campaign = make_campaign(center_admin, center, fund)
    services.campaign_draw(campaign=campaign, actor=center_admin)  # 3 × 500 + 300 = 1,800 cash
    refused("资金余额不足：还差 800.00 元", services.campaign_confirm, campaign=campaign, actor=center_admin)
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.DRAFT


def test_confirm_refuses_a_list_over_the_budget(center_admin, center, fund, households):
    campaign = make_campaign(center_admin, center, fund, budget="2000")  # list: 1,800 cash + 300 goods
    services.campaign_draw(campaign=campaign, actor=center_admin)
    refused("超出活动预算：还差 100.00 元", services.campaign_confirm, campaign=campaign, actor=center_admin)


def test_confirm_freezes_the_list(campaign, center_admin, households):
    services.campaign_draw(campaign=campaign, actor=center_admin)
    services.campaign_confirm(campaign=campaign, actor=center_admin)
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.CONFIRMED
    entry = campaign.recipients.first()
    refused("名单已确认", services.recipient_remove, recipient=entry, actor=center_admin, reason="x")
    refused("名单已确认", services.campaign_draw, campaign=campaign, actor=center_admin)


def test_an_empty_list_cannot_be_confirmed(campaign, center_admin):
    refused("名单是空的", services.campaign_confirm, campaign=campaign, actor=center_admin)


@pytest.fixture
def confirmed(campaign, center_admin, households):
    services.campaign_draw(campaign=campaign, actor=center_admin)
    services.campaign_confirm(campaign=campaign, actor=center_admin)
    return campaign


def test_a_clerk_records_a_delivery_as_planned_aid_and_the_keeper_pays_it(confirmed, community_clerk, keeper, fund,
                                                                         households):
    entry = confirmed.recipients.get(household=households[0])
    aid = services.delivery_record(recipient=entry, actor=community_clerk, given_on=datetime.date(2027, 1, 15),
                                   cash="500", goods="大米一袋", goods_value="100", given_by="赵桂兰", signed=False)
    assert (aid.state, aid.campaign, aid.program, aid.cash_fen, aid.fund) == (AidState.PLANNED, confirmed, "holiday",
                                                                             50000, fund)
    assert aid.signed is False and aid.note == ""
    services.aid_pay(aid=aid, actor=keeper)
    fund.refresh_from_db()
    assert fund.balance_fen == 500000 - 50000


def test_a_user_who_may_pay_records_a_delivery_paid_at_once(confirmed, center, fund, households):
    chief = make_user("chief", center, Role.CENTER_ADMIN, is_superuser=True)
    entry = confirmed.recipients.get(household=households[0])
    aid = services.delivery_record(recipient=entry, actor=chief, given_on=datetime.date(2027, 1, 15), cash="500")
    assert aid.state == AidState.PAID
    households[0].refresh_from_db()
    assert households[0].last_aided_at is not None


@pytest.mark.parametrize("given_on, cash, message", [
    (datetime.date(2027, 1, 9), "500", "不能早于活动开始日期"),
    (datetime.date(2027, 1, 21), "500", "不能晚于今天"),
    (datetime.date(2027, 1, 15), "-1", "金额必须大于0元"),
    (datetime.date(2027, 1, 15), "200000", "金额不能超过"),
    (datetime.date(2027, 1, 15), "0", "请填写发放的现金或物品"),
])
def test_a_bad_delivery_is_refused_and_nothing_saved(confirmed, community_clerk, households, given_on, cash, message):
    entry = confirmed.recipients.get(household=households[0])
    refused(message, services.delivery_record, recipient=entry, actor=community_clerk, given_on=given_on, cash=cash)


def test_a_second_delivery_to_the_same_household_is_refused(confirmed, community_clerk, households):
    entry = confirmed.recipients.get(household=households[0])
    services.delivery_record(recipient=entry, actor=community_clerk, given_on=datetime.date(2027, 1, 15), cash="500")
    refused("已有一笔发放", services.delivery_record, recipient=entry, actor=community_clerk,
            given_on=datetime.date(2027, 1, 16), cash="500")


def test_a_draft_campaign_takes_no_deliveries(campaign, center_admin, community_clerk, households):
    services.campaign_draw(campaign=campaign, actor=center_admin)
    refused("名单确认后", services.delivery_record, recipient=campaign.recipients.first(), actor=community_clerk,
            given_on=datetime.date(2027, 1, 15), cash="500")


def test_marking_a_sheet_delivered_records_every_remaining_household_at_its_listed_amounts(
        confirmed, community, community_clerk, households):
    entry = confirmed.recipients.get(household=households[0])
    services.delivery_record(recipient=entry, actor=community_clerk, given_on=datetime.date(2027, 1, 15), cash="450")
    done = services.sheet_deliver(campaign=confirmed, node=community, actor=community_clerk,
                                  given_on=datetime.date(2027, 1, 16), given_by="赵桂兰")
    assert done == 3
    records = AidRecord.objects.filter(campaign=confirmed)
    assert records.count() == 4
    assert records.aggregate(total=Sum("cash_fen"))["total"] == 45000 + 2 * 50000 + 30000


def test_a_sheet_with_one_bad_household_saves_none(confirmed, community, community_clerk, households):
    Household.objects.filter(pk=households[2].pk).update(status=Status.EXITED)
    refused("在档", services.sheet_deliver, campaign=confirmed, node=community, actor=community_clerk,
            given_on=datetime.date(2027, 1, 16))


def test_a_delivery_dated_after_the_campaign_ended_is_refused(center_admin, center, fund, community_clerk, households):
    short = make_campaign(center_admin, center, fund, name="元旦慰问", ends_on=datetime.date(2027, 1, 12))
    services.campaign_draw(campaign=short, actor=center_admin)
    services.campaign_confirm(campaign=short, actor=center_admin)
    refused("不能晚于活动结束日期", services.delivery_record, recipient=short.recipients.first(),
            actor=community_clerk, given_on=datetime.date(2027, 1, 13), cash="500")


def test_a_sheet_marked_delivered_as_printed_counts_as_signed(confirmed, community, community_clerk, households):
    services.sheet_deliver(campaign=confirmed, node=community, actor=community_clerk, given_on=datetime.date(2027, 1, 16))
    assert set(AidRecord.objects.filter(campaign=confirmed).values_list("signed", flat=True)) == {True}


def test_closing_a_campaign_ends_its_deliveries(confirmed, center_admin, community_clerk, keeper, households):
    first = services.delivery_record(recipient=confirmed.recipients.get(household=households[0]), actor=community_clerk,
                                     given_on=datetime.date(2027, 1, 15), cash="500")
    refused("待财务确认", services.campaign_close, campaign=confirmed, actor=center_admin)
    services.aid_pay(aid=first, actor=keeper)
    closed = services.campaign_close(campaign=confirmed, actor=center_admin)
    assert (closed.state, closed.closed_by) == (CampaignState.CLOSED, center_admin)
    refused("活动已结束", services.delivery_record, recipient=confirmed.recipients.get(household=households[1]),
            actor=community_clerk, given_on=datetime.date(2027, 1, 16), cash="500")
    refused("只有名单已确认的活动才能结束", services.campaign_close, campaign=confirmed, actor=center_admin)


def test_a_draft_campaign_cannot_be_closed_and_a_clerk_may_not_close_one(confirmed, center, fund, center_admin,
                                                                         community_clerk):
    draft = make_campaign(center_admin, center, fund, name="中秋慰问")
    refused("只有名单已确认的活动才能结束", services.campaign_close, campaign=draft, actor=center_admin)
    refused("无权", services.campaign_close, campaign=confirmed, actor=community_clerk)


def test_a_planned_delivery_typed_wrongly_is_voided_and_can_be_recorded_again(confirmed, community_clerk, keeper,
                                                                             fund, households):
    entry = confirmed.recipients.get(household=households[0])
    wrong = services.delivery_record(recipient=entry, actor=community_clerk, given_on=datetime.date(2027, 1, 15),
                                     cash="50")
    entries = LedgerEntry.objects.count()
    services.aid_reverse(aid=wrong, actor=keeper, reason="金额录错")
    wrong.refresh_from_db()
    fund.refresh_from_db()
    assert (wrong.state, wrong.reversal_reason, fund.balance_fen) == (AidState.REVERSED, "金额录错", 500000)
    assert LedgerEntry.objects.count() == entries  # no money had moved, so no entry
    again = services.delivery_record(recipient=entry, actor=community_clerk, given_on=datetime.date(2027, 1, 15),
                                     cash="500")
    assert again.state == AidState.PLANNED


# --- return visits (回访) -------------------------------------------------------------------------

def test_a_return_visit_is_logged_for_a_household_on_the_list(confirmed, community_clerk, households):
    visit = services.return_visit_log(household=households[0], actor=community_clerk, campaign=confirmed,
                                      visited_on=datetime.date(2027, 1, 18), visitor="赵桂兰", method="phone",
                                      findings="慰问金和大米已收到，户主病情稳定。")
    assert (visit.campaign, visit.recorded_by, visit.method) == (confirmed, community_clerk, "phone")
    assert list(households[0].return_visits.all()) == [visit]


@pytest.mark.parametrize("changes, message", [
    ({"visited_on": datetime.date(2027, 1, 21)}, "回访日期不能晚于今天"),
    ({"visited_on": datetime.date(2027, 1, 9)}, "不能早于活动开始日期"),
    ({"visitor": "  "}, "请填写回访人"),
    ({"findings": ""}, "请填写回访情况"),
    ({"findings": "好" * 2001}, "最多2000字"),
    ({"method": "letter"}, "请选择回访方式"),
])
def test_a_bad_return_visit_is_refused_and_nothing_saved(confirmed, community_clerk, households, changes, message):
    visit = {"visited_on": datetime.date(2027, 1, 18), "visitor": "赵桂兰", "method": "visit", "findings": "已收到。",
             **changes}
    with pytest.raises(WorkflowError) as error:
        services.return_visit_log(household=households[0], actor=community_clerk, campaign=confirmed, **visit)
    assert message in " ".join(error.value.messages)
    assert not households[0].return_visits.exists()


def test_a_return_visit_for_a_household_not_on_the_list_or_out_of_scope_is_refused(
        confirmed, community_clerk, outsider, households, community, standard):
    stranger = make_on_file(community, community_clerk, n=30, head_name="名单外")
    visit = {"visited_on": datetime.date(2027, 1, 18), "visitor": "赵桂兰", "method": "visit", "findings": "已收到。"}
    with pytest.raises(WorkflowError, match="不在本次活动的慰问名单上"):
        services.return_visit_log(household=stranger, actor=community_clerk, campaign=confirmed, **visit)
    with pytest.raises(WorkflowError, match="管辖范围"):
        services.return_visit_log(household=households[0], actor=outsider, **visit)


def test_an_outsider_cannot_touch_a_township_campaign_nor_the_households_of_a_center_one(
        confirmed, township_admin, township, keeper, outsider_admin, households):
    township_campaign = make_campaign(township_admin, township, make_fund(township, balance="800", keeper=keeper))
    refused("管辖范围", services.campaign_draw, campaign=township_campaign, actor=outsider_admin)
    refused("管辖范围", services.campaign_confirm, campaign=confirmed, actor=township_admin)
    refused("管辖范围", services.delivery_record, recipient=confirmed.recipients.first(), actor=outsider_admin,
            given_on=datetime.date(2027, 1, 15), cash="500")


# --- the pages ------------------------------------------------------------------------------------

def _row_data(rows, changes=None):
    """The batch screen's POST: every row as the page shows it, ticked, with ``changes`` by row index."""
    data = {"row-TOTAL_FORMS": str(len(rows)), "row-INITIAL_FORMS": str(len(rows)), "row-MIN_NUM_FORMS": "0",
            "row-MAX_NUM_FORMS": "3000"}
    for i, entry in enumerate(rows):
        data.update({f"row-{i}-recipient": entry.pk, f"row-{i}-record": "on", f"row-{i}-given_on": "2027-01-15",
                     f"row-{i}-cash": "500", f"row-{i}-goods": "大米一袋", f"row-{i}-given_by": "赵桂兰",
                     f"row-{i}-signed": "on", f"row-{i}-note": ""})
        data.update({f"row-{i}-{field}": value for field, value in (changes or {}).get(i, {}).items()})
    return data


@pytest.fixture
def township_campaign(township, community, community_clerk, center_admin, standard):
    from .campaign_data import make_township_campaign

    return make_township_campaign(township, community, community_clerk, center_admin, balance="200000",
                                  households=3)


def test_the_list_shows_the_campaigns_above_and_within_and_not_a_siblings(client, township_campaign, campaign,
                                                                          community_clerk, outsider,
                                                                          django_assert_max_num_queries):
    client.force_login(community_clerk)
    with django_assert_max_num_queries(8):
        page = client.get("/outreach/campaigns/").content.decode()
    assert "弥阳镇春节送温暖" in page and "2027年春节送温暖" in page
    client.force_login(outsider)
    page = client.get("/outreach/campaigns/").content.decode()
    assert "弥阳镇春节送温暖" not in page and "2027年春节送温暖" in page


def test_creating_a_campaign_through_the_form(client, center_admin, center, fund):
    client.force_login(center_admin)
    response = client.post("/outreach/campaigns/new/", {
        "name": "2027年中秋送温暖", "year": "2027", "occasion": "mid_autumn", "node": center.pk, "fund": fund.pk,
        "budget": "20,000元", "starts_on": "2027-09-01", "ends_on": "2027-09-30",
        "cash_deep": "600", "goods_deep": "月饼", "goods_value_deep": "50",
    })
    campaign = fund.campaigns.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/campaigns/{campaign.pk}/list/")
    assert campaign.budget_fen == 2_000_000
    assert list(campaign.standards.values_list("category", "cash_fen", "goods")) == [("deep", 60000, "月饼")]


def test_a_bad_campaign_form_keeps_what_was_typed_and_saves_nothing(client, center_admin, center, fund):
    client.force_login(center_admin)
    response = client.post("/outreach/campaigns/new/", {
        "name": "2027年中秋送温暖", "year": "2027", "occasion": "mid_autumn", "node": center.pk, "fund": fund.pk,
        "budget": "-100", "starts_on": "2027-09-01", "ends_on": "2027-09-30", "cash_deep": "600",
    })
    page = response.content.decode()
    assert response.status_code == 200 and "金额必须大于0元" in page and 'value="2027年中秋送温暖"' in page
    assert not fund.campaigns.exists()


def test_drawing_removing_and_confirming_through_the_review_page(client, center_admin, campaign, households):
    client.force_login(center_admin)
    url = f"/outreach/campaigns/{campaign.pk}/list/"
    client.post(url, {"draw": "1", "categories": ["deep"]})
    assert campaign.recipients.count() == 3
    entry = campaign.recipients.get(household=households[0])
    client.post(f"/outreach/campaigns/recipients/{entry.pk}/remove/", {"reason": ""})
    entry.refresh_from_db()
    assert not entry.is_removed
    client.post(f"/outreach/campaigns/recipients/{entry.pk}/remove/", {"reason": "已外出务工"})
    entry.refresh_from_db()
    assert entry.removed_reason == "已外出务工"
    page = client.get(url).content.decode()
    assert "已移出：已外出务工" in page and "深困1" in page
    client.post(f"/outreach/campaigns/{campaign.pk}/confirm/")
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.CONFIRMED


def test_the_review_page_shows_the_shortfall_and_confirming_is_refused(client, center_admin, center, keeper,
                                                                       households, django_assert_max_num_queries):
    fund = make_fund(center, name="小额基金", balance="1000", keeper=keeper)
    campaign = make_campaign(center_admin, center, fund)
    services.campaign_draw(campaign=campaign, actor=center_admin)
    client.force_login(center_admin)
    with django_assert_max_num_queries(14):
        page = client.get(f"/outreach/campaigns/{campaign.pk}/list/").content.decode()
    assert "资金余额不足：还差 800.00 元" in page
    response = client.post(f"/outreach/campaigns/{campaign.pk}/confirm/", follow=True)
    assert "资金余额不足：还差 800.00 元" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.DRAFT


def test_the_campaign_page_sums_planned_and_reached_by_node_with_the_budget(client, confirmed, center_admin, keeper,
                                                                           households, community,
                                                                           django_assert_max_num_queries):
    entry = confirmed.recipients.get(household=households[0])
    aid = services.delivery_record(recipient=entry, actor=center_admin, given_on=datetime.date(2027, 1, 15),
                                   cash="500", goods="大米一袋", goods_value="100")
    services.aid_pay(aid=aid, actor=keeper)
    services.delivery_record(recipient=confirmed.recipients.get(household=households[1]), actor=center_admin,
                             given_on=datetime.date(2027, 1, 15), cash="500", signed=False)
    for household, findings in ((households[0], "大米已收到"), (households[1], "慰问金已收到，签收表待补签")):
        services.return_visit_log(household=household, actor=center_admin, campaign=confirmed, visitor="李建华",
                                  visited_on=datetime.date(2027, 1, 18), method="phone", findings=findings)
    client.force_login(center_admin)
    with django_assert_max_num_queries(17):
        page = client.get(f"/outreach/campaigns/{confirmed.pk}/").content.decode()
    assert community.parent.name in page  # the center sees its townships, each summed over its subtree
    assert "回访（已回访 2 户）" in page and "签收表待补签" in page and "深困0" in page
    unsigned = page.split("<tfoot>")[1].split("</tr>")[0]
    assert '<th class="num">1</th>' in unsigned  # one delivery not signed for
    assert "1,800.00" in page  # planned cash: 3 × 500 + 300
    assert "600.00 元" in page  # spent: 500 cash + 100 goods (the second delivery waits for the keeper)
    assert "9,400.00 元" in page  # left of the 10,000 budget


def test_the_batch_screen_records_hundreds_of_rows_in_one_post(client, center_admin, township, community,
                                                               community_clerk, standard,
                                                               django_assert_max_num_queries):
    from .campaign_data import make_township_campaign

    campaign = make_township_campaign(township, community, community_clerk, center_admin, balance="200000",
                                      households=150)
    services.campaign_confirm(campaign=campaign, actor=center_admin)
    client.force_login(community_clerk)
    url = f"/outreach/campaigns/{campaign.pk}/deliveries/"
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert page.count('name="row-') >= 150 * 8
    rows = list(campaign.recipients.order_by("household__node__path", "pk"))
    response = client.post(url, _row_data(rows))
    assert response.status_code == 302
    assert AidRecord.objects.filter(campaign=campaign, state=AidState.PLANNED).count() == 150


def test_one_bad_row_saves_nothing_and_every_row_comes_back_with_the_error_beside_it(
        client, township_campaign, center_admin, community_clerk):
    services.campaign_confirm(campaign=township_campaign, actor=center_admin)
    client.force_login(community_clerk)
    rows = list(township_campaign.recipients.order_by("household__node__path", "pk"))
    today = timezone.localdate()
    data = _row_data(rows, {
        0: {"given_on": (today - datetime.timedelta(days=30)).isoformat()},
        1: {"cash": "-5"},
        2: {"note": "本人领取"},
    })
    page = client.post(f"/outreach/campaigns/{township_campaign.pk}/deliveries/", data).content.decode()
    assert "不能早于活动开始日期" in page and "金额必须大于0元" in page
    assert "本次一户也没有保存" in page and 'value="本人领取"' in page and 'value="-5"' in page
    assert not AidRecord.objects.filter(campaign=township_campaign).exists()


def test_a_delivery_in_the_future_is_refused_beside_its_row(client, township_campaign, center_admin, community_clerk):
    services.campaign_confirm(campaign=township_campaign, actor=center_admin)
    client.force_login(community_clerk)
    rows = list(township_campaign.recipients.order_by("household__node__path", "pk"))
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    data = _row_data(rows, {0: {"given_on": tomorrow}})
    page = client.post(f"/outreach/campaigns/{township_campaign.pk}/deliveries/", data).content.decode()
    assert "发放日期不能晚于今天" in page
    assert not AidRecord.objects.filter(campaign=township_campaign).exists()


def test_marking_a_sheet_delivered_through_its_page(client, township_campaign, center_admin, community,
                                                    community_clerk):
    services.campaign_confirm(campaign=township_campaign, actor=center_admin)
    client.force_login(community_clerk)
    response = client.post(f"/outreach/campaigns/{township_campaign.pk}/nodes/{community.pk}/deliver/",
                           {"given_on": timezone.localdate().isoformat(), "given_by": "赵桂兰"})
    assert response.status_code == 302
    assert AidRecord.objects.filter(campaign=township_campaign, given_by="赵桂兰").count() == 3


def test_an_outsider_gets_404_from_the_township_campaigns_pages(client, township_campaign, community, outsider_admin):
    client.force_login(outsider_admin)
    for url in (f"/outreach/campaigns/{township_campaign.pk}/", f"/outreach/campaigns/{township_campaign.pk}/list/",
                f"/outreach/campaigns/{township_campaign.pk}/deliveries/",
                f"/outreach/campaigns/{township_campaign.pk}/nodes/{community.pk}/signoff.pdf"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/outreach/campaigns/{township_campaign.pk}/confirm/").status_code == 404
    township_campaign.refresh_from_db()
    assert township_campaign.state == CampaignState.DRAFT


def test_the_campaign_page_sums_each_township_over_its_subtree_and_drills_down_to_its_communities(
        client, center, center_admin, township, community, sibling_township, sibling_community, community_clerk,
        fund, standard):
    for n in range(3):
        make_on_file(community, community_clerk, n=n, head_name=f"髯翁{n}")
    make_on_file(township, community_clerk, n=5, head_name="镇直属")
    make_on_file(sibling_community, community_clerk, n=6, head_name="邻镇户")
    campaign = make_campaign(center_admin, center, fund)
    services.campaign_draw(campaign=campaign, actor=center_admin)
    client.force_login(center_admin)

    def rows(url):
        """The by-node table as {unit: planned households}."""
        table = client.get(url).content.decode().split('<h2 id="by-node">')[1].split("<tfoot>")[0]
        cells = [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
                 for row in table.split("<tr>")[1:]]
        return {row[0]: row[1] for row in cells if row}

    top = rows(f"/outreach/campaigns/{campaign.pk}/")
    assert top == {township.name: "4", sibling_township.name: "1"}
    down = rows(f"/outreach/campaigns/{campaign.pk}/?node={township.pk}")
    assert down == {f"{township.name}（本级）": "1", community.name: "3"}
    assert client.get(f"/outreach/campaigns/{campaign.pk}/?node=999999").status_code == 404


def test_a_clerk_logs_a_return_visit_from_the_list_and_sees_it_on_the_campaign_and_dossier_pages(
        client, confirmed, community_clerk, households):
    services.delivery_record(recipient=confirmed.recipients.get(household=households[0]), actor=community_clerk,
                             given_on=datetime.date(2027, 1, 15), cash="500")
    client.force_login(community_clerk)
    review = client.get(f"/outreach/campaigns/{confirmed.pk}/list/").content.decode()
    link = f"/outreach/households/{households[0].pk}/return-visit/?campaign={confirmed.pk}"
    assert link.replace("&", "&amp;") in review or link in review
    form = client.get(link).content.decode()
    assert "登记回访" in form and "深困0" in form
    response = client.post(f"/outreach/households/{households[0].pk}/return-visit/", {
        "campaign": confirmed.pk, "visited_on": "2027-01-19", "visitor": "赵桂兰", "method": "visit",
        "findings": "慰问金已收到，孩子下学期学费还差一些。"})
    assert response.status_code == 302 and response.url == f"/outreach/campaigns/{confirmed.pk}/"
    assert households[0].return_visits.get().campaign == confirmed
    assert "孩子下学期学费还差一些" in client.get(response.url).content.decode()
    assert "孩子下学期学费还差一些" in client.get(households[0].get_absolute_url()).content.decode()


def test_a_return_visit_in_the_future_comes_back_with_the_message_beside_the_date_and_what_was_typed(
        client, confirmed, community_clerk, households):
    client.force_login(community_clerk)
    response = client.post(f"/outreach/households/{households[0].pk}/return-visit/", {
        "visited_on": "2027-02-01", "visitor": "赵桂兰", "method": "phone", "findings": "电话无人接听"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "回访日期不能晚于今天" in page and "电话无人接听" in page
    assert not households[0].return_visits.exists()


def test_the_center_admin_closes_a_campaign_from_its_page_once_he_ticks_that_delivery_is_done(
        client, confirmed, center_admin):
    client.force_login(center_admin)
    page = client.get(f"/outreach/campaigns/{confirmed.pk}/").content.decode()
    assert ">结束活动</button>" in page
    client.post(f"/outreach/campaigns/{confirmed.pk}/close/")
    confirmed.refresh_from_db()
    assert confirmed.state == CampaignState.CONFIRMED  # not ticked: nothing happens
    client.post(f"/outreach/campaigns/{confirmed.pk}/close/", {"sure": "on"})
    confirmed.refresh_from_db()
    assert confirmed.state == CampaignState.CLOSED
    page = client.get(f"/outreach/campaigns/{confirmed.pk}/").content.decode()
    assert "请先勾选“发放已完毕”" in page  # the first try's message, shown now
    assert "已结束" in page and ">结束活动</button>" not in page and "登记发放</a>" not in page
