"""Absurd values are refused beside their field in Chinese and never stored; the database refuses
them too; a lost race for one person is told beside his ID number, not answered with a 500."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import forms as dossier_forms
from cases.models import Household, Member

from .conftest import make_household, make_id_number
from .test_dossier_form import FAMILY, HEAD_ID, SPOUSE_ID, dossier_post

TOMORROW = "tomorrow"  # resolved when the test runs, not when the module is imported


def errors_of(response):
    """{field name: [messages]} of every form on the dossier page."""
    forms = response.context["forms"]
    found = {}
    for form in [forms.household_form, forms.head_form, *forms.member_formset.forms]:
        for name, messages in form.errors.items():
            found.setdefault(name, []).extend(messages)
    return found


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"head-monthly_income": "9999999999.99"}, "monthly_income", "月收入不能超过100000.00元"),
        ({"m-0-monthly_income": "200000"}, "monthly_income", "月收入不能超过100000.00元"),
        ({"h-other_annual_income": "10000000000"}, "other_annual_income", "请核对"),
        ({"h-medical_expense": "2000000.01"}, "medical_expense", "金额不能超过2000000.00元"),
        ({"h-housing_area": "30000"}, "housing_area", "住房面积不能超过2000㎡"),
        ({"h-filed_on": TOMORROW}, "filed_on", "日期不能晚于今天。"),
        ({"h-filed_on": "1900-01-01"}, "filed_on", "建档日期不能早于1995年。"),
        ({"head-enrolment_year": "99999"}, "enrolment_year", "年份不能晚于明年。"),
        ({"m-1-enrolment_year": "1900"}, "enrolment_year", "年份不能早于1950年。"),
        ({"head-phone": "abc<script>"}, "phone", "电话号码只能填写数字"),
        ({"h-phone": "1"}, "phone", "电话号码只能填写数字"),
        ({"h-bank_account": "abcdefghijkl"}, "bank_account", "银行账号只能是8至32位数字。"),
        ({"head-name": "\u202e"}, "name", "姓名中含有不可见的控制字符"),
        ({"m-0-name": "\u200b\u200b"}, "name", "姓名中含有不可见的控制字符"),
        ({"head-name": "张\u202e三"}, "name", "姓名中含有不可见的控制字符"),
        ({"head-name": "<b>"}, "name", "姓名只能由文字组成"),
        ({"h-remarks": "备" * 300_000}, "remarks", "2000"),
        ({"h-accident_reason": "灾" * 2001}, "accident_reason", "2000"),
        ({"head-ethnicity": "火星族"}, "ethnicity", "不在可用的选项中"),
    ],
)
def test_an_absurd_value_is_refused_beside_its_field_and_nothing_is_saved(
    client, community_clerk, community, standard, overrides, field, message
):
    client.force_login(community_clerk)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    overrides = {key: tomorrow if value == TOMORROW else value for key, value in overrides.items()}
    response = client.post(reverse("cases:household_create"), dossier_post(community, FAMILY, **overrides))
    assert response.status_code == 200
    assert any(message in error for error in errors_of(response).get(field, [])), errors_of(response)
    assert Household.objects.count() == 0 and Member.objects.count() == 0


@pytest.mark.parametrize("name", ["阿依古丽·买买提", "欧阳 娜娜", "Maria"])
def test_real_names_with_a_middle_dot_a_space_or_latin_letters_are_accepted(
    client, community_clerk, community, standard, name
):
    client.force_login(community_clerk)
    response = client.post(reverse("cases:household_create"), dossier_post(community, **{"head-name": name}))
    assert response.status_code == 302
    assert Member.objects.get().name == name


def test_a_household_of_more_than_twenty_people_is_refused(client, community_clerk, community, standard):
    members = [(f"成员{'甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉'[i]}", "child",
                make_id_number(datetime.date(2001, 1, 1 + i), serial=700 + i), "0") for i in range(20)]
    client.force_login(community_clerk)
    response = client.post(reverse("cases:household_create"), dossier_post(community, members))
    assert response.status_code == 200
    assert "一户最多登记20人" in response.content.decode()
    assert Household.objects.count() == 0


def test_the_household_size_posted_by_hand_is_ignored_and_the_listed_members_count(
    client, community_clerk, community, standard
):
    client.force_login(community_clerk)
    client.post(reverse("cases:household_create"), dossier_post(community, FAMILY, **{"h-household_size": "30000"}))
    household = Household.objects.get()
    # (600 + 300) × 12 + 1200 − 2400 = 9600 a year for the three people listed
    assert household.household_size == 3
    assert household.per_capita_monthly_income == Decimal("266.67")


def test_the_database_refuses_a_household_of_thirty_thousand_and_a_ten_billion_income(community, community_clerk):
    household = make_household(community, community_clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.filter(pk=household.pk).update(household_size=30_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(household=household).update(monthly_income=Decimal("9999999999.99"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.filter(pk=household.pk).update(filed_on=datetime.date(1900, 1, 1))


def test_a_clerk_who_loses_the_race_for_a_person_reads_why_beside_his_id_number(
    client, community_clerk, community, sibling_community, outsider, standard, monkeypatch
):
    """Two clerks file the same spouse at once: both forms find no other dossier, the database's
    unique index lets one through; the other is told beside the spouse's ID number, keeps what he
    typed, and nothing of his is saved."""
    client.force_login(community_clerk)
    monkeypatch.setattr(dossier_forms, "member_in_other_active_dossier", lambda *args: None)
    make_household(sibling_community, outsider, head_name="王先到", head_id=SPOUSE_ID)

    response = client.post(reverse("cases:household_create"), dossier_post(community, FAMILY))

    assert response.status_code == 200
    spouse_row = response.context["forms"].member_formset.forms[0]
    assert "李平凤已在另一份有效档案中" in spouse_row.errors["id_number"][0]
    assert "王先到" not in response.content.decode()
    assert "弥勒县弥阳镇髯翁社区12号" in response.content.decode()
    assert Household.objects.count() == 1 and not Member.objects.filter(id_number=HEAD_ID).exists()


def test_a_lost_race_while_editing_keeps_the_dossier_as_it_was(
    client, community_clerk, community, sibling_community, outsider, standard, monkeypatch
):
    household = make_household(community, community_clerk, head_id=HEAD_ID)
    make_household(sibling_community, outsider, head_name="王先到", head_id=SPOUSE_ID)
    monkeypatch.setattr(dossier_forms, "member_in_other_active_dossier", lambda *args: None)
    client.force_login(community_clerk)
    data = dossier_post(community, [FAMILY[0]], **{"h-address": "弥勒县新址9号"})
    response = client.post(reverse("cases:household_edit", args=[household.pk]), data)
    assert response.status_code == 200
    assert "李平凤已在另一份有效档案中" in response.content.decode()
    household.refresh_from_db()
    assert household.address == "弥勒县弥阳镇髯翁社区" and household.members.count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_three_clerks_filing_one_person_at_once_get_one_dossier_and_two_messages(
    community, community_clerk, standard, monkeypatch
):
    """On PostgreSQL, at the same moment: the unique index lets one through and the others read
    the Chinese message beside the field (no 500)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    monkeypatch.setattr(dossier_forms, "member_in_other_active_dossier", lambda *args: None)
    start = threading.Barrier(3)
    statuses, errors = [], []

    def file_in_thread():
        try:
            client = Client()
            client.force_login(community_clerk)
            start.wait(timeout=10)
            response = client.post(reverse("cases:household_create"), dossier_post(community))
            statuses.append((response.status_code, "已在另一份有效档案中" in response.content.decode()))
        except Exception as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=file_in_thread) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(statuses) == [(200, True), (200, True), (302, False)]
    assert Household.objects.count() == 1 and Member.objects.filter(id_number=HEAD_ID).count() == 1
