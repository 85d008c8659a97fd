"""Money fields of the dossier form read what people type (6000, 6,000, 6000元, ６０００,
¥6,000.50), blank is zero and a zero shows blank, and what cannot be an amount is refused in
Chinese beside the field."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import Household, Member
from cases.money import YuanField

from .conftest import make_household
from .test_dossier_form import FAMILY, dossier_post


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("6000", "6000.00"),
        ("6,000", "6000.00"),
        ("6000元", "6000.00"),
        ("６０００", "6000.00"),
        ("¥6,000.50", "6000.50"),
        ("￥1，234.5 元", "1234.50"),
        (" 6 000 ", "6000.00"),
        ("", "0.00"),
    ],
)
def test_an_amount_is_stored_as_the_clerk_typed_it(client, community_clerk, community, standard, typed, stored):
    client.force_login(community_clerk)
    data = dossier_post(community, FAMILY, **{
        "head-monthly_income": typed, "m-0-monthly_income": typed, "h-medical_expense": typed,
        "h-other_annual_income": typed, "h-education_expense": "", "h-other_rigid_expense": "",
    })
    response = client.post(reverse("cases:household_create"), data)
    assert response.status_code == 302, response.content.decode()
    household = Household.objects.get()
    head = household.members.get(relation="head")
    spouse = household.members.get(relation="spouse")
    assert head.monthly_income == spouse.monthly_income == Decimal(stored)
    assert household.medical_expense == household.other_annual_income == Decimal(stored)
    assert household.education_expense == household.other_rigid_expense == Decimal("0.00")
    # the figures follow: two incomes a month, twelve months, plus the other income
    assert household.annual_income == Decimal(stored) * 2 * 12 + Decimal(stored)


@pytest.mark.parametrize("typed", ["六千", "abc", "6,00", "1,2,3", "6000$", "1e5", "6.000.00", "--5"])
def test_what_is_not_an_amount_is_refused_beside_the_field(client, community_clerk, community, standard, typed):
    client.force_login(community_clerk)
    response = client.post(reverse("cases:household_create"), dossier_post(community, **{"head-monthly_income": typed}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "请填写金额（元），如 6000、6,000 或 6000.50。" in page
    assert f'value="{typed}"' in page  # what was typed stays for the clerk to correct
    assert Household.objects.count() == 0 and Member.objects.count() == 0


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("head-monthly_income", "200,000", "月收入不能超过100000.00元"),
        ("h-medical_expense", "¥3,000,000", "金额不能超过2000000.00元"),
        ("head-monthly_income", "-100", "金额不能为负数"),
        ("h-other_annual_income", "6000.505", "金额最多精确到分"),
        ("head-monthly_income", "99,999,999,999,999", "金额太大"),
    ],
)
def test_the_models_bounds_still_hold_for_what_is_typed(client, community_clerk, community, standard, field, typed, message):
    client.force_login(community_clerk)
    response = client.post(reverse("cases:household_create"), dossier_post(community, **{field: typed}))
    assert message in response.content.decode()
    assert Household.objects.count() == 0


def money_inputs(page):
    return {m["name"]: m for m in (
        dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag)) for tag in re.findall(r"<input[^>]*data-calc[^>]*>", page)
    )}


def test_money_fields_are_text_boxes_that_start_empty(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    inputs = money_inputs(client.get(reverse("cases:household_create")).content.decode())
    names = {"h-other_annual_income", "h-medical_expense", "h-education_expense", "h-other_rigid_expense",
             "head-monthly_income", "m-0-monthly_income"}
    assert names <= set(inputs)
    for name in names:
        assert inputs[name]["type"] == "text" and inputs[name]["inputmode"] == "decimal"
        assert "value" not in inputs[name], name  # not 0.00: typing 6000 into it gives 6000


def test_a_stored_zero_shows_empty_and_a_stored_amount_as_it_is(client, community_clerk, community, standard):
    household = make_household(community, community_clerk, monthly_income="1200.00", medical_expense=Decimal("350.50"))
    client.force_login(community_clerk)
    inputs = money_inputs(client.get(reverse("cases:household_edit", args=[household.pk])).content.decode())
    assert inputs["head-monthly_income"]["value"] == "1200.00"
    assert inputs["h-medical_expense"]["value"] == "350.50"
    assert "value" not in inputs["h-education_expense"]


def test_an_untouched_blank_member_row_is_still_ignored(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    data = dossier_post(community)
    data.update({"m-TOTAL_FORMS": "1", "m-0-relation": "", "m-0-name": "", "m-0-id_number": "", "m-0-ethnicity": "汉族",
                 "m-0-health": "good", "m-0-work_status": "employed", "m-0-monthly_income": ""})
    assert client.post(reverse("cases:household_create"), data).status_code == 302
    assert Household.objects.get().members.count() == 1


@pytest.mark.parametrize("typed, cleaned", [("6,000元", "6000"), ("", "0"), (None, "0"), (Decimal("12.5"), "12.5")])
def test_the_yuan_field_reads_an_amount(typed, cleaned):
    assert YuanField().clean(typed) == Decimal(cleaned)
