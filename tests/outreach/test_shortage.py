"""The shortage view (资金缺口): each fund's balance against what its open campaigns and planned aid
still need, by fund and node, with the gap; the same figures in the exported workbook."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from network.models import Role
from outreach import services
from outreach.models import Campaign, CampaignHousehold, CampaignState, Occasion, Program

from ..conftest import frozen_at, make_user
from .conftest import make_fund, make_on_file

pytestmark = frozen_at(2026, 11, 30)
TODAY = datetime.date(2026, 11, 30)


def make_campaign(fund, actor, state, name):
    return Campaign.objects.create(node=fund.node, year=2026, occasion=Occasion.SPRING, name=name, fund=fund,
                                   budget_fen=10_000_00, starts_on=datetime.date(2026, 11, 1),
                                   ends_on=datetime.date(2027, 2, 28), state=state, created_by=actor,
                                   **({"closed_by": actor, "closed_at": timezone.now()} if state == "closed" else {}))


def listed(campaign, household, cash_fen, actor, removed_reason=""):
    return CampaignHousehold.objects.create(campaign=campaign, household=household, cash_fen=cash_fen,
                                            added_by=actor, removed_reason=removed_reason)


@pytest.fixture
def county(center, township, community, community_clerk, center_admin, keeper, standard):
    """The center's fund (10,000.00 in, 500.00 paid to one recipient) and the township's (100.00)."""
    center_fund = make_fund(center, name="县送温暖资金", balance="10000", keeper=keeper)
    town_fund = make_fund(township, name="弥阳镇送温暖基金", balance="100", keeper=keeper)
    homes = [make_on_file(community, community_clerk, n=i) for i in range(1, 8)]
    confirmed = make_campaign(center_fund, center_admin, CampaignState.CONFIRMED, "2027年春节送温暖")
    listed(confirmed, homes[0], 500_00, center_admin)                         # still to pay: 500.00
    listed(confirmed, homes[1], 500_00, center_admin)                         # paid below
    listed(confirmed, homes[2], 500_00, center_admin, removed_reason="已迁出")  # removed: nothing
    paid = services.aid_plan(household=homes[1], program=Program.HOLIDAY, campaign=confirmed, fund=center_fund,
                             cash="500", actor=community_clerk, given_on=TODAY)
    services.aid_pay(aid=paid, actor=keeper)
    draft = make_campaign(center_fund, center_admin, CampaignState.DRAFT, "2027年元旦送温暖（拟定）")
    listed(draft, homes[3], 300_00, center_admin)                             # still to pay: 300.00
    closed = make_campaign(center_fund, center_admin, CampaignState.CLOSED, "2026年中秋送温暖")
    listed(closed, homes[4], 1000_00, center_admin)                           # closed: nothing
    services.aid_plan(household=homes[5], program=Program.EMERGENCY, fund=center_fund, cash="200.10",
                      actor=community_clerk, given_on=TODAY)                  # planned: 200.10
    services.aid_plan(household=homes[6], program=Program.MEDICAL, fund=town_fund, cash="800",
                      actor=community_clerk, given_on=TODAY)                  # planned: 800.00
    return center_fund, town_fund


def test_each_fund_shows_its_balance_what_is_still_needed_and_the_gap(client, center_admin, county):
    client.force_login(center_admin)
    response = client.get(reverse("outreach:shortage"))
    funds = {fund.name: fund for fund in response.context["funds"]}
    center = funds["县送温暖资金"]
    assert (center.balance_fen, center.campaign_need_fen, center.planned_need_fen, center.need_fen, center.gap_fen) == (
        9500_00, 800_00, 200_10, 1000_10, 0)
    town = funds["弥阳镇送温暖基金"]
    assert (town.balance_fen, town.campaign_need_fen, town.planned_need_fen, town.need_fen, town.gap_fen) == (
        100_00, 0, 800_00, 800_00, 700_00)
    nodes = {row.node.name: row for row in response.context["nodes"]}
    assert (nodes["弥阳镇工会联合会"].balance_fen, nodes["弥阳镇工会联合会"].gap_fen) == (100_00, 700_00)
    total = response.context["total"]
    assert (total.balance_fen, total.need_fen, total.gap_fen) == (9600_00, 1800_10, 700_00)
    page = response.content.decode()
    assert "9,500.00" in page and "1,000.10" in page and "700.00" in page


def test_the_exported_workbook_holds_the_same_figures_by_fund_and_by_node(client, keeper, county):
    client.force_login(keeper)
    response = client.get(reverse("outreach:shortage_export") + "?year=2026")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    by_fund = list(book["按资金"].iter_rows(min_row=3, values_only=True))
    assert [row[:3] for row in by_fund] == [("县送温暖资金", "弥勒县困难职工援助分中心", "工会经费"),
                                            ("弥阳镇送温暖基金", "弥阳镇工会联合会", "工会经费"), ("合计", None, None)]
    figures = [[Decimal(str(value)).quantize(Decimal("0.01")) for value in row[3:]] for row in by_fund]
    assert figures == [
        [Decimal(v) for v in ("9500.00", "800.00", "200.10", "1000.10", "0.00")],
        [Decimal(v) for v in ("100.00", "0.00", "800.00", "800.00", "700.00")],
        [Decimal(v) for v in ("9600.00", "800.00", "1000.10", "1800.10", "700.00")],
    ]
    assert book["按资金"]["D3"].number_format == "#,##0.00"
    by_node = list(book["按节点"].iter_rows(min_row=3, values_only=True))
    assert [row[:2] for row in by_node] == [("弥勒县困难职工援助分中心", 1), ("弥阳镇工会联合会", 1), ("合计", 2)]
    assert Decimal(str(by_node[1][6])) == Decimal("700")


def test_a_fund_name_that_looks_like_a_formula_stays_text_in_the_workbook(client, center, center_admin, keeper):
    make_fund(center, name="=HYPERLINK(\"http://x\",\"点我\")", balance="10", keeper=keeper)
    client.force_login(center_admin)
    response = client.get(reverse("outreach:shortage_export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["按资金"]
    assert sheet["A3"].value.startswith("'=") and sheet["A3"].data_type == "s"


def test_another_year_shows_only_that_years_funds(client, center, center_admin, keeper):
    make_fund(center, name="去年的资金", year=2025)
    make_fund(center, name="今年的资金", balance="1", keeper=keeper)
    client.force_login(center_admin)
    page = client.get(reverse("outreach:shortage") + "?year=2025").content.decode()
    assert "去年的资金" in page and "今年的资金" not in page
    # a year that is no year falls back to this one
    page = client.get(reverse("outreach:shortage") + "?year=abc").content.decode()
    assert "今年的资金" in page and "2026年帮扶资金缺口" in page


def test_a_township_sees_only_its_own_funds_and_an_outsider_none_of_them(
        client, township_admin, sibling_township, county):
    client.force_login(township_admin)
    page = client.get(reverse("outreach:shortage")).content.decode()
    assert "弥阳镇送温暖基金" in page and "县送温暖资金" not in page
    outsider = make_user("xinshao_finance", sibling_township, Role.FINANCE)
    client.force_login(outsider)
    response = client.get(reverse("outreach:shortage"))
    assert response.status_code == 200 and list(response.context["funds"]) == []
    assert "弥阳镇" not in response.content.decode().split("<main")[1].split("</main>")[0]
    book = load_workbook(io.BytesIO(b"".join(client.get(reverse("outreach:shortage_export")).streaming_content)))
    assert [row[0] for row in book["按资金"].iter_rows(min_row=3, values_only=True)] == ["合计"]


@pytest.mark.parametrize("role", [Role.DATA_ENTRY, Role.REVIEWER])
def test_clerks_and_reviewers_do_not_open_the_shortage_view(client, center, role):
    client.force_login(make_user("someone", center, role))
    assert client.get(reverse("outreach:shortage")).status_code == 403
    assert client.get(reverse("outreach:shortage_export")).status_code == 403


def test_the_leader_reads_it(client, center_leader, county):
    client.force_login(center_leader)
    assert "县送温暖资金" in client.get(reverse("outreach:shortage")).content.decode()


def test_the_shortage_view_and_export_take_a_bounded_number_of_queries(
        client, center, township, community, community_clerk, center_admin, keeper, standard,
        django_assert_max_num_queries):
    for i in range(15):
        fund = make_fund(township if i % 2 else center, name=f"资金{i}", balance="1000", keeper=keeper)
        campaign = make_campaign(fund, center_admin, CampaignState.CONFIRMED, f"活动{i}")
        listed(campaign, make_on_file(community, community_clerk, n=100 + i), 100_00, center_admin)
    client.force_login(center_admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("outreach:shortage"))
    assert response.context["total"].need_fen == 15 * 100_00
    with django_assert_max_num_queries(10):
        b"".join(client.get(reverse("outreach:shortage_export")).streaming_content)
