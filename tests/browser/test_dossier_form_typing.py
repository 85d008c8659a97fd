"""In a real browser: the dossier form as a clerk types it. Amounts are read as people write them,
a wrong ID number is flagged as its 18th character is typed, the household size follows the member
rows, a failed save leads to a summary of what to correct, the official lists are choices, and a
form saved untouched (or with only the address changed) keeps every member and figure."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Household
from network.models import NodeKind, Role

from ..cases.conftest import make_id_number, make_standard
from ..cases.test_dossier_form import FAMILY, dossier_post
from ..conftest import PASSWORD, make_enterprise, make_node, make_user
from .conftest import log_in

pytestmark = pytest.mark.browser

HEAD_ID = make_id_number(datetime.date(1969, 11, 2), serial=71)
SPOUSE_ID = make_id_number(datetime.date(1972, 1, 15), serial=72, male=False)
CHILD_ID = make_id_number(datetime.date(2010, 5, 20), serial=73)
WRONG_ID = HEAD_ID[:17] + ("1" if HEAD_ID[17] != "1" else "2")
SHOTS = "/tmp/dossier_form_{}.png"


@pytest.fixture
def office(transactional_db, live_server):
    center = make_node(NodeKind.CENTER, name="弥勒县困难职工援助分中心", code="532526000")
    township = make_node(NodeKind.TOWNSHIP, center, name="弥阳镇工会联合会")
    community = make_node(NodeKind.COMMUNITY, township, name="髯翁社区援助分站")
    point = make_node(NodeKind.ENTERPRISE, community, name="弥勒木器厂援助工作点")
    make_standard(center, urban="700.00", rural="560.00")
    return {
        "community": community, "point": point, "unit": make_enterprise(point, name="弥勒木器厂"),
        "clerk": make_user("ranweng_clerk", community, Role.DATA_ENTRY, name="赵桂兰"),
        "point_clerk": make_user("muqi_clerk", point, Role.DATA_ENTRY, name="周建国"),
    }


def open_form(page, username="ranweng_clerk"):
    log_in(page, username, PASSWORD)
    page.goto(reverse("cases:household_create"))


def test_the_live_computation_reads_amounts_as_people_type_them(page, office):
    open_form(page)
    income = page.locator("[name='head-monthly_income']")
    expect(income).to_have_value("")  # empty, not 0.00: typing 6000 gives 6000
    for typed, annual in [("6000", "72000.00 元"), ("6,000", "72000.00 元"), ("6000元", "72000.00 元"),
                          ("６０００", "72000.00 元"), ("¥6,000.50", "72006.00 元"), ("", "0.00 元")]:
        income.fill("")
        income.press_sequentially(typed)
        expect(page.locator("#calc-annual")).to_have_text(annual)


def test_an_amount_that_is_not_one_is_flagged_and_refused_on_save(page, office):
    open_form(page)
    page.fill("[name='head-name']", "马德顺")
    page.fill("[name='head-id_number']", HEAD_ID)
    page.fill("[name='h-address']", "弥勒县弥阳镇髯翁社区南街8号")
    page.select_option("[name='h-primary_cause']", "illness")
    page.fill("[name='h-medical_expense']", "三千")
    expect(page.locator("#calc-per-capita")).to_have_text("请核对标红的金额")
    expect(page.locator(".field.amount-invalid [name='h-medical_expense']")).to_be_visible()
    page.get_by_role("button", name="保存档案").click()
    expect(page.locator("#error-summary")).to_contain_text("年医疗自付支出（元）：请填写金额（元），如 6000、6,000 或 6000.50。")
    expect(page.locator("[name='h-medical_expense']")).to_have_value("三千")
    page.fill("[name='h-medical_expense']", "3,000元")
    page.get_by_role("button", name="保存档案").click()
    expect(page.locator(".messages")).to_contain_text("档案已保存。")
    assert Household.objects.get().medical_expense == Decimal("3000.00")


def test_a_wrong_check_digit_is_flagged_as_the_18th_character_is_typed(page, office):
    open_form(page)
    id_input = page.locator("[name='head-id_number']")
    warning = page.locator("#id_head-id_number-warning")
    id_input.press_sequentially(WRONG_ID[:17])
    expect(warning).to_have_count(0)  # not while the clerk is still typing
    id_input.press_sequentially(WRONG_ID[17])
    expect(warning).to_have_text("身份证号码校验位不正确：可能有一位输错了，请对照证件逐位核对。")
    expect(id_input).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[name='head-birth_date']")).to_have_value("")  # nothing read from a wrong number
    id_input.press("Backspace")
    expect(warning).to_have_count(0)
    id_input.press_sequentially(HEAD_ID[17])
    expect(warning).to_have_count(0)
    expect(page.locator("[name='head-birth_date']")).to_have_value("1969-11-02")
    # a number left short is flagged when the clerk moves on
    member_id = page.locator("[name='m-0-id_number']")
    member_id.fill(SPOUSE_ID[:16])
    member_id.press("Tab")
    expect(page.locator("#id_m-0-id_number-warning")).to_have_text("身份证号码应为18位，现在只有16位。")


def test_a_failed_save_moves_the_focus_to_a_summary_whose_links_lead_to_each_field(page, office):
    open_form(page)
    page.fill("[name='head-name']", "马德顺")
    page.fill("[name='head-id_number']", WRONG_ID)
    page.fill("[name='head-monthly_income']", "1100")
    page.select_option("[name='m-0-relation']", "spouse")
    page.fill("[name='m-0-id_number']", SPOUSE_ID)
    page.get_by_role("button", name="保存档案").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text([
        "家庭住址：这个字段是必填项。",
        "主要致困原因：这个字段是必填项。",
        "户主 · 身份证号：身份证号码校验位不正确，请核对后重新输入。",
        "成员 1 · 姓名：这个字段是必填项。",
    ])
    page.screenshot(path=SHOTS.format("failed_save"), full_page=False)
    summary.get_by_role("link", name="成员 1 · 姓名：这个字段是必填项。").click()
    expect(page.locator("[name='m-0-name']")).to_be_focused()
    expect(page.locator("[name='m-0-name']")).to_be_in_viewport()
    summary.get_by_role("link", name="户主 · 身份证号：身份证号码校验位不正确，请核对后重新输入。").click()
    expect(page.locator("[name='head-id_number']")).to_be_focused()
    # what was typed is still there
    expect(page.locator("[name='head-monthly_income']")).to_have_value("1100")
    assert Household.objects.count() == 0


def test_the_household_size_follows_the_member_rows_added_left_blank_and_removed(page, office):
    open_form(page)
    size = page.locator("#calc-size")
    page.fill("[name='head-name']", "马德顺")
    page.fill("[name='head-id_number']", HEAD_ID)
    page.fill("[name='head-monthly_income']", "1200")
    page.fill("[name='h-address']", "弥勒县弥阳镇髯翁社区南街8号")
    page.select_option("[name='h-primary_cause']", "illness")
    expect(size).to_have_text("1 人")  # the blank row does not count
    page.select_option("[name='m-0-relation']", "spouse")
    page.fill("[name='m-0-name']", "李秀英")
    page.fill("[name='m-0-id_number']", SPOUSE_ID)
    expect(size).to_have_text("2 人")
    page.get_by_role("button", name="＋ 添加家庭成员").click()
    expect(size).to_have_text("2 人")  # a new blank row does not count
    page.get_by_role("button", name="＋ 添加家庭成员").click()
    page.select_option("[name='m-2-relation']", "child")
    page.fill("[name='m-2-name']", "马小东")
    page.fill("[name='m-2-id_number']", CHILD_ID)
    page.select_option("[name='m-2-work_status']", "student")
    expect(size).to_have_text("3 人")
    expect(page.locator("#calc-per-capita")).to_have_text("400.00 元/月")
    page.check("[name='m-0-DELETE']")
    expect(size).to_have_text("2 人")
    expect(page.locator("#member-m-0")).to_have_class("member-form removed")
    page.uncheck("[name='m-0-DELETE']")
    expect(size).to_have_text("3 人")
    page.get_by_role("button", name="保存档案").click()
    expect(page.locator(".messages")).to_contain_text("档案已保存。")
    household = Household.objects.get()
    assert household.household_size == 3 and household.members.count() == 3

    # removing a member of the saved dossier
    page.goto(reverse("cases:household_edit", args=[household.pk]))
    expect(size).to_have_text("3 人")
    child = page.locator("#members fieldset", has=page.locator("input[value='马小东']"))
    child.get_by_label("删除").check()
    expect(size).to_have_text("2 人")
    page.get_by_role("button", name="保存档案").click()
    expect(page.locator(".messages")).to_contain_text("档案已保存。")
    household.refresh_from_db()
    assert household.household_size == 2
    assert sorted(household.members.values_list("name", flat=True)) == ["李秀英", "马德顺"]


def test_the_official_lists_are_chosen_and_the_unit_of_an_enterprise_point_is_preselected(page, office):
    open_form(page, "muqi_clerk")
    page.screenshot(path=SHOTS.format("empty"), full_page=True)
    expect(page.locator("[name='h-enterprise'] option:checked")).to_have_text("弥勒木器厂")
    expect(page.locator("[name='head-ethnicity'] option")).to_have_count(57)  # the 56 and a blank
    expect(page.locator("[name='head-ethnicity']")).to_have_value("汉族")
    page.fill("[name='head-name']", "普文华")
    page.fill("[name='head-id_number']", HEAD_ID)
    page.select_option("[name='head-ethnicity']", "彝族")
    page.select_option("[name='head-political_status']", "中共党员")
    page.select_option("[name='head-marital_status']", "已婚")
    page.select_option("[name='head-work_status']", "laid_off")
    page.fill("[name='head-monthly_income']", "1,850元")
    page.fill("[name='head-phone']", "13887654321")
    page.fill("[name='h-phone']", "0873-6123456")
    page.fill("[name='h-address']", "弥勒县弥阳镇木器厂宿舍3栋2号")
    page.fill("[name='h-medical_expense']", "¥2,400")
    page.select_option("[name='h-primary_cause']", "illness")
    page.select_option("[name='m-0-relation']", "spouse")
    page.fill("[name='m-0-name']", "李秀英")
    page.fill("[name='m-0-id_number']", SPOUSE_ID)
    page.select_option("[name='m-0-ethnicity']", "哈尼族")
    page.select_option("[name='m-0-marital_status']", "已婚")
    page.fill("[name='m-0-monthly_income']", "６００")
    expect(page.locator("#calc-annual")).to_have_text("29400.00 元")
    page.screenshot(path=SHOTS.format("filled"), full_page=True)
    page.get_by_role("button", name="保存档案").click()
    expect(page.locator(".messages")).to_contain_text("档案已保存。")
    household = Household.objects.get()
    assert household.enterprise == office["unit"] and household.phone == "0873-6123456"
    assert household.medical_expense == Decimal("2400.00") and household.annual_income == Decimal("29400.00")
    head = household.members.get(relation="head")
    assert (head.ethnicity, head.political_status, head.marital_status, head.phone, head.monthly_income) == (
        "彝族", "中共党员", "已婚", "13887654321", Decimal("1850.00"))
    spouse = household.members.get(relation="spouse")
    assert (spouse.ethnicity, spouse.political_status, spouse.marital_status) == ("哈尼族", "", "已婚")


@pytest.fixture
def family_of_three(office):
    clerk = Client()
    clerk.force_login(office["clerk"])
    assert clerk.post(reverse("cases:household_create"), dossier_post(office["community"], FAMILY)).status_code == 302
    return Household.objects.get()


FIGURES = ("household_size", "annual_income", "per_capita_monthly_income", "category", "medical_expense",
           "other_annual_income")


def people(household):
    return sorted(household.members.values_list("pk", "name", "id_number", "monthly_income"))


def test_saving_the_edit_form_untouched_keeps_every_member_and_figure(page, family_of_three):
    household = family_of_three
    before, members = [getattr(household, f) for f in FIGURES], people(household)
    log_in(page, "ranweng_clerk", PASSWORD)
    page.goto(reverse("cases:household_edit", args=[household.pk]))
    expect(page.locator("#calc-size")).to_have_text("3 人")
    page.get_by_role("button", name="保存档案").click()
    expect(page.locator(".messages")).to_contain_text("档案已保存。")
    household.refresh_from_db()
    assert people(household) == members and [getattr(household, f) for f in FIGURES] == before


def test_changing_only_the_address_in_the_browser_keeps_every_member_and_figure(page, family_of_three):
    household = family_of_three
    before, members = [getattr(household, f) for f in FIGURES], people(household)
    log_in(page, "ranweng_clerk", PASSWORD)
    page.goto(reverse("cases:household_edit", args=[household.pk]))
    page.fill("[name='h-address']", "弥勒县弥阳镇太平社区3号")
    page.get_by_role("button", name="保存档案").click()
    expect(page.locator(".messages")).to_contain_text("档案已保存。")
    household.refresh_from_db()
    assert household.address == "弥勒县弥阳镇太平社区3号"
    assert people(household) == members and [getattr(household, f) for f in FIGURES] == before
