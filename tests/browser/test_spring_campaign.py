"""In a real browser: a 春节 campaign from the center admin's new campaign to the fund and the
household's timeline.

The center admin creates the campaign with a standard per category, draws the list, sees it
against the fund, confirms it and prints a community's sign-off sheet; the community clerk
records the deliveries on the batch screen, one of them with a changed amount and one not signed
for; the fund keeper confirms them; the fund's balance and the household's aid timeline show it."""

import datetime
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Category
from network.models import NodeKind, Role
from outreach.models import AidRecord, AidState, Campaign, CampaignState, Fund

from ..cases.conftest import make_standard
from ..conftest import PASSWORD, make_node, make_user
from ..outreach.conftest import make_fund, make_on_file
from .conftest import log_in

pytestmark = pytest.mark.browser

SHEET = "/tmp/spring_campaign_sheet.pdf"


@pytest.fixture
def county(transactional_db, live_server):
    center = make_node(NodeKind.CENTER, name="弥勒县困难职工援助分中心", code="532526000")
    miyang = make_node(NodeKind.TOWNSHIP, center, name="弥阳镇工会联合会")
    ranweng = make_node(NodeKind.COMMUNITY, miyang, name="髯翁社区援助分站")
    make_standard(center)
    keeper = make_user("center_finance", center, Role.FINANCE, name="周敏")
    clerk = make_user("ranweng_clerk", ranweng, Role.DATA_ENTRY, name="赵桂兰")
    fund = make_fund(center, name="县总工会送温暖资金", balance="3000", keeper=keeper)
    households = [make_on_file(ranweng, clerk, n=n, head_name=name)
                  for n, name in enumerate(["马德顺", "普春花", "李文昌"])]
    households.append(make_on_file(ranweng, clerk, n=7, head_name="何桂英", category=Category.RELATIVE))
    make_user("center_admin", center, Role.CENTER_ADMIN, name="李建华")
    return {"community": ranweng, "fund": fund, "households": households}


def sign_in_as(page, username):
    page.context.clear_cookies()
    log_in(page, username, PASSWORD)
    expect(page.locator("h1")).not_to_have_text("工作人员登录")


def test_a_spring_campaign_from_creation_to_the_fund_and_the_households_timeline(page, county):
    today = timezone.localdate()
    fund, (ma, pu, _li, he) = county["fund"], county["households"]

    # the center admin creates the campaign, typing money as people type it
    sign_in_as(page, "center_admin")
    page.goto(reverse("outreach:campaign_create"))
    page.fill("[name='name']", f"{today.year + 1}年春节送温暖")
    page.fill("[name='year']", str(today.year + 1))
    page.select_option("[name='occasion']", "spring")
    page.select_option("[name='fund']", str(fund.pk))
    page.fill("[name='budget']", "2,000")
    page.fill("[name='starts_on']", (today - datetime.timedelta(days=3)).isoformat())
    page.fill("[name='ends_on']", (today + datetime.timedelta(days=30)).isoformat())
    page.fill("[name='cash_deep']", "600")
    page.fill("[name='goods_deep']", "大米一袋")
    page.fill("[name='goods_value_deep']", "80元")
    page.fill("[name='cash_relative']", "400")
    page.get_by_role("button", name="建立活动").click()
    expect(page.locator(".messages")).to_contain_text("请抽取慰问名单")
    campaign = Campaign.objects.get()

    # the list is drawn, over the budget at first: the page says by how much
    page.get_by_role("button", name="抽取").click()
    expect(page.locator(".messages")).to_contain_text("已列入4户")
    expect(page.locator("dl.facts")).to_contain_text("2,200.00 元")  # 3 × 600 + 400 cash
    expect(page.get_by_role("alert").filter(has_text="超出活动预算")).to_contain_text("还差 440.00 元")  # + 3 × 80 goods
    expect(page.get_by_role("button", name="确认名单")).to_be_disabled()

    # one household is taken off with its reason; then the list is confirmed against the fund
    row = page.locator("tr", has_text="李文昌")
    row.get_by_placeholder("移出原因").fill("已于本月领取临时救助")
    row.get_by_role("button", name="移出").click()
    expect(page.locator("tr", has_text="李文昌")).to_contain_text("已移出：已于本月领取临时救助")
    page.get_by_role("button", name="确认名单").click()
    expect(page.locator(".messages")).to_contain_text("名单已确认")
    assert Campaign.objects.get().state == CampaignState.CONFIRMED

    # the community's sign-off sheet prints with the three households, masked, and the totals
    sheet_link = page.get_by_role("link", name="打印签收表")
    response = page.request.get(sheet_link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    with open(SHEET, "wb") as out:
        out.write(response.body())
    text = subprocess.run(["pdftotext", "-layout", SHEET, "-"], capture_output=True, text=True, check=True).stdout
    assert "马德顺" in text and "何桂英" in text and "李文昌" not in text
    assert ma.members.get().id_number not in text
    assert "1,600.00" in text  # 2 × 600 + 400
    assert f"{today.year + 1}年春节送温暖慰问金" in text.replace(" ", "")

    # the clerk records the deliveries on the batch screen: Ma as listed, Pu with less cash, He
    # not signed for; the keystrokes tick the rows
    sign_in_as(page, "ranweng_clerk")
    page.goto(reverse("outreach:campaign_deliveries", args=[campaign.pk]))
    rows = page.locator("tr.delivery-row")
    expect(rows).to_have_count(3)
    ma_row, pu_row, he_row = (page.locator("tr.delivery-row", has_text=name) for name in ("马德顺", "普春花", "何桂英"))
    ma_row.locator("[name$='-given_by']").fill("赵桂兰")
    pu_row.locator("[name$='-cash']").fill("550")
    pu_row.locator("[name$='-note']").fill("户主住院，家属代领")
    he_row.locator("[name$='-signed']").uncheck()
    he_row.locator("[name$='-record']").check()
    for row in (ma_row, pu_row, he_row):
        expect(row.locator("[name$='-record']")).to_be_checked()
    page.screenshot(path="/tmp/spring_campaign_deliveries.png", full_page=True)
    page.get_by_role("button", name="保存勾选的行").click()
    expect(page.locator(".messages")).to_contain_text("已登记3户的发放")
    records = {r.household_id: r for r in AidRecord.objects.filter(campaign=campaign)}
    assert {pk: (r.cash_fen, r.state, r.signed) for pk, r in records.items()} == {
        ma.pk: (60000, AidState.PLANNED, True), pu.pk: (55000, AidState.PLANNED, True),
        he.pk: (40000, AidState.PLANNED, False)}

    # the fund keeper confirms them all; the fund pays exactly what was given
    sign_in_as(page, "center_finance")
    page.goto(reverse("outreach:aid_planned"))
    page.locator("#select-all").check()
    page.get_by_role("button", name="确认发放所选记录").click()
    expect(page.locator(".messages")).to_contain_text("已确认发放3笔，现金共1,550.00元")
    fund.refresh_from_db()
    assert fund.balance_fen == 300000 - 155000
    page.goto(reverse("outreach:fund_detail", args=[fund.pk]))
    expect(page.locator("dl.facts")).to_contain_text("1,450.00")

    # the campaign page sums what was reached; Pu's dossier shows the aid in its timeline
    page.goto(reverse("outreach:campaign_detail", args=[campaign.pk]))
    footer = page.locator("tfoot tr")
    expect(footer).to_contain_text("1,600.00")  # planned cash
    expect(footer).to_contain_text("1,550.00")  # reached cash
    page.screenshot(path="/tmp/spring_campaign_detail.png", full_page=True)
    page.goto(pu.get_absolute_url())
    timeline = page.locator(".aid-timeline")
    expect(timeline).to_contain_text("送温暖")
    expect(timeline).to_contain_text("550.00")
    expect(timeline).to_contain_text("户主住院，家属代领")
    assert Fund.objects.get().balance_fen == 145000
