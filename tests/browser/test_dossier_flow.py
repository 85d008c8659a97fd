"""In a real browser: a dossier from the community clerk's form to the center's approval.

The clerk enters a household of three and watches the per-capita income computed as she types,
saves and submits it; the township reviewer passes the first review with the home visit; the
center admin passes its review, puts it on notice and, once the notice has run, approves it."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Category, HomeVisit, Household, NoticeBatch, Status
from network.models import NodeKind, Role

from ..cases.conftest import make_household, make_id_number, make_standard
from ..conftest import PASSWORD, make_node, make_user
from .conftest import log_in

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/dossier_flow.png"
HEAD_ID = make_id_number(datetime.date(1975, 3, 14), serial=21)
SPOUSE_ID = make_id_number(datetime.date(1978, 4, 2), serial=22, male=False)
CHILD_ID = make_id_number(datetime.date(2008, 9, 1), serial=23)


@pytest.fixture
def county(transactional_db, live_server):
    center = make_node(NodeKind.CENTER, name="弥勒县困难职工援助分中心", code="532526000")
    miyang = make_node(NodeKind.TOWNSHIP, center, name="弥阳镇工会联合会")
    ranweng = make_node(NodeKind.COMMUNITY, miyang, name="髯翁社区援助分站")
    make_standard(center, urban="700.00", rural="560.00")
    return {
        "live_url": live_server.url,
        "community": ranweng,
        "clerk": make_user("ranweng_clerk", ranweng, Role.DATA_ENTRY, name="赵桂兰"),
        "reviewer": make_user("miyang_reviewer", miyang, Role.REVIEWER, name="王丽萍"),
        "admin": make_user("center_admin", center, Role.CENTER_ADMIN, name="李建华"),
    }


def log_out(page):
    page.get_by_role("button", name="退出", exact=True).click()
    expect(page.locator("h1")).to_have_text("工作人员登录")


def workflow_form(page, name, household):
    return page.locator(f"form[action='{reverse(f'cases:{name}', args=[household.pk])}']")


def fill_member(page, index, *, relation, name, id_number, income, work_status="employed"):
    prefix = f"m-{index}"
    page.select_option(f"[name='{prefix}-relation']", relation)
    page.select_option(f"[name='{prefix}-work_status']", work_status)
    page.fill(f"[name='{prefix}-name']", name)
    page.fill(f"[name='{prefix}-id_number']", id_number)
    page.fill(f"[name='{prefix}-monthly_income']", income)


def test_a_dossier_travels_from_the_clerk_to_the_centers_approval(page, county):
    per_capita = page.locator("#calc-per-capita")

    # the community clerk enters the household
    log_in(page, "ranweng_clerk", PASSWORD)
    page.goto(reverse("cases:household_create"))
    page.select_option("[name='h-node']", str(county["community"].pk))
    page.fill("[name='head-name']", "张志强")
    page.fill("[name='head-id_number']", HEAD_ID)
    expect(page.locator("[name='head-birth_date']")).to_have_value("1975-03-14")
    page.select_option("[name='head-work_status']", "laid_off")
    page.fill("[name='head-monthly_income']", "1200")
    # 1,200 a month for the head alone: the household is the people listed
    expect(per_capita).to_have_text("1200.00 元/月")
    expect(page.locator("#calc-size")).to_have_text("1 人")
    expect(page.locator("#calc-standard")).to_have_text("700.00 元/月")
    page.fill("[name='h-address']", "弥勒县弥阳镇髯翁社区太平路12号")
    page.select_option("[name='h-primary_cause']", "laid_off")

    # the page opens with one blank member row; the button adds the second
    expect(page.locator("#members fieldset.member-form")).to_have_count(1)
    fill_member(page, 0, relation="spouse", name="李平凤", id_number=SPOUSE_ID, income="600")
    # (1,200 + 600) × 12 ÷ 12 ÷ 2 = 900.00, below twice the 700.00 standard
    expect(per_capita).to_have_text("900.00 元/月")
    expect(page.locator("#calc-category")).to_have_text("相对困难")
    page.get_by_role("button", name="＋ 添加家庭成员").click()
    expect(page.locator("#members fieldset.member-form")).to_have_count(2)
    fill_member(page, 1, relation="child", name="张文", id_number=CHILD_ID, income="0", work_status="student")
    expect(page.locator("[name='m-1-birth_date']")).to_have_value("2008-09-01")
    expect(page.locator("[name='m-1-sex']")).to_have_value("M")
    # three people: 600.00, below the standard
    expect(per_capita).to_have_text("600.00 元/月")
    expect(page.locator("#calc-category")).to_have_text("深度困难")

    page.get_by_role("button", name="保存档案").click()
    expect(page.locator(".messages")).to_contain_text("档案已保存。")
    household = Household.objects.get()
    assert household.members.count() == 3 and household.created_by == county["clerk"]
    assert household.per_capita_monthly_income == Decimal("600.00") and household.category == Category.DEEP
    expect(page.locator("h1")).to_contain_text("张志强家")

    workflow_form(page, "household_submit", household).get_by_label("意见").fill("材料齐全，请审核。")
    workflow_form(page, "household_submit", household).get_by_role("button", name="提交").click()
    expect(page.locator(".messages")).to_contain_text("档案已提交初审。")
    expect(page.locator("h1 .badge")).to_have_text("待初审")
    log_out(page)

    # the township reviewer visits the home and passes the first review
    log_in(page, "miyang_reviewer", PASSWORD)
    page.get_by_role("link", name="我的待办").click()
    page.get_by_role("link", name="张志强").click()
    expect(page).to_have_url(f"{county['live_url']}{household.get_absolute_url()}")
    form = workflow_form(page, "household_preliminary", household)
    form.get_by_label("入户调查日期").fill(timezone.localdate().isoformat())
    form.get_by_label("走访人员").fill("王丽萍、社区主任杨红")
    form.get_by_label("走访情况").fill("两间平房，户主下岗后打零工，配偶无固定收入，儿子在读高中。")
    form.get_by_label("意见").fill("情况属实，同意上报。")
    form.get_by_role("button", name="初审通过").click()
    expect(page.locator(".messages")).to_contain_text("初审通过，已报县援助分中心审核。")
    expect(page.locator("h1 .badge")).to_have_text("待中心审核")
    assert HomeVisit.objects.get().recorded_by == county["reviewer"]
    log_out(page)

    # the center admin reviews, publishes the notice and, after it, approves
    log_in(page, "center_admin", PASSWORD)
    page.goto(household.get_absolute_url())
    form = workflow_form(page, "household_center_review", household)
    expect(form.get_by_label("认定类别")).to_have_value(Category.DEEP)
    form.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messages")).to_contain_text("中心审核通过，可列入公示。")
    expect(page.locator("h1 .badge")).to_have_text("待公示")

    page.goto(reverse("cases:notice_create"))
    page.check(f"#household-{household.pk}")
    page.get_by_label("公示地点").fill("县总工会公示栏")
    page.get_by_role("button", name="发布公示").click()
    expect(page.locator(".messages")).to_contain_text("已发布公示")
    household.refresh_from_db()
    assert household.status == Status.IN_NOTICE

    today = timezone.localdate()
    NoticeBatch.objects.update(starts_on=today - datetime.timedelta(days=8), ends_on=today - datetime.timedelta(days=1),
                               created_at=timezone.now() - datetime.timedelta(days=8))
    page.goto(household.get_absolute_url())
    workflow_form(page, "household_approve", household).get_by_role("button", name="审批通过并编号").click()
    household.refresh_from_db()
    assert household.status == Status.APPROVED and household.number.startswith(settings.COUNTY_CODE)
    expect(page.locator(".messages")).to_contain_text(f"审批通过，档案编号 {household.number}。")
    expect(page.locator("h1")).to_contain_text(household.number)
    expect(page.locator("h1 .badge")).to_have_text("在档")
    page.screenshot(path=SCREENSHOT, full_page=True)


def test_a_household_of_one_saves_with_the_blank_member_row_left_untouched(page, county):
    log_in(page, "ranweng_clerk", PASSWORD)
    page.goto(reverse("cases:household_create"))
    page.fill("[name='head-name']", "杨文华")
    page.fill("[name='head-id_number']", HEAD_ID)
    page.fill("[name='head-monthly_income']", "500")
    page.fill("[name='h-address']", "弥勒县弥阳镇髯翁社区太平路14号")
    page.select_option("[name='h-primary_cause']", "illness")
    page.get_by_role("button", name="保存档案").click()
    expect(page.locator(".messages")).to_contain_text("档案已保存。", timeout=3_000)
    assert Household.objects.get().members.count() == 1


def test_the_first_review_form_starts_with_todays_date(page, county):
    household = make_household(county["community"], county["clerk"], status=Status.SUBMITTED)
    log_in(page, "miyang_reviewer", PASSWORD)
    page.goto(household.get_absolute_url())
    date = workflow_form(page, "household_preliminary", household).get_by_label("入户调查日期")
    expect(date).to_have_value(timezone.localdate().isoformat(), timeout=2_000)


def test_the_form_fills_birth_date_and_sex_from_the_id_number_and_hints_at_accident(page, county):
    log_in(page, "ranweng_clerk", PASSWORD)
    page.goto(reverse("cases:household_create"))
    page.fill("[name='head-id_number']", SPOUSE_ID)
    expect(page.locator("[name='head-birth_date']")).to_have_value("1978-04-02")
    expect(page.locator("[name='head-sex']")).to_have_value("F")
    hint = page.locator("#calc-accident-hint")
    page.fill("[name='head-monthly_income']", "500")
    expect(hint).to_be_hidden()
    page.fill("[name='h-medical_expense']", "5000")  # above 80% of the 6,000 a year
    expect(hint).to_be_visible()
    page.select_option("[name='h-category']", "accident")
    expect(hint).to_be_hidden()
