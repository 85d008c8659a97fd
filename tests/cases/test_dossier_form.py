import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Category, Household, Member, SensitiveAccess, Status

from .conftest import make_household, make_id_number

HEAD_ID = make_id_number(datetime.date(1978, 5, 20), serial=123, male=True)
SPOUSE_ID = make_id_number(datetime.date(1980, 7, 1), serial=246, male=False)
CHILD_ID = make_id_number(datetime.date(2006, 9, 9), serial=357, male=True)


def dossier_post(node, members=(), **overrides):
    """The POST of the dossier page: the household, its head and other members."""
    data = {
        "h-node": node.pk, "h-filed_on": timezone.localdate().isoformat(), "h-hukou_type": "urban", "h-address": "弥勒县弥阳镇髯翁社区12号",
        "h-household_size": "3", "h-other_annual_income": "1200.00", "h-medical_expense": "2400.00",
        "h-education_expense": "0", "h-other_rigid_expense": "0", "h-medical_insurance": "employee",
        "h-pension": "employee", "h-dibao_status": "none", "h-primary_cause": "laid_off", "h-category": "",
        "h-housing_type": "own",
        "head-name": "张志强", "head-id_number": HEAD_ID, "head-ethnicity": "汉族", "head-health": "good",
        "head-work_status": "laid_off", "head-monthly_income": "600.00",
        "m-TOTAL_FORMS": str(len(members)), "m-INITIAL_FORMS": "0", "m-MIN_NUM_FORMS": "0", "m-MAX_NUM_FORMS": "1000",
    }
    for i, (name, relation, id_number, income) in enumerate(members):
        data.update({
            f"m-{i}-name": name, f"m-{i}-relation": relation, f"m-{i}-id_number": id_number,
            f"m-{i}-ethnicity": "汉族", f"m-{i}-health": "good", f"m-{i}-work_status": "student",
            f"m-{i}-monthly_income": income,
        })
    data.update(overrides)
    return data


FAMILY = [("李平凤", "spouse", SPOUSE_ID, "300.00"), ("张文", "child", CHILD_ID, "0")]


def test_a_clerk_files_a_household_with_two_members_and_the_category_is_computed(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    response = client.post(reverse("cases:household_create"), dossier_post(community, FAMILY))
    household = Household.objects.get()
    assert response.status_code == 302 and response["Location"] == household.get_absolute_url()
    # (600 + 300) × 12 + 1200 − 2400 = 9600 a year; ÷ 12 ÷ 3 = 266.67 a month, below the 700.00 standard
    assert household.annual_income == Decimal("12000.00")
    assert household.per_capita_monthly_income == Decimal("266.67")
    assert household.dibao_standard_monthly == Decimal("700.00")
    assert household.category == Category.DEEP and household.status == Status.DRAFT
    assert household.created_by == community_clerk
    head = household.members.get(relation="head")
    assert (head.birth_date, head.sex, head.name_initials) == (datetime.date(1978, 5, 20), "M", "zzq")
    assert household.members.count() == 3


def test_full_width_and_lower_case_id_numbers_are_stored_normalised(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    full_width = HEAD_ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    client.post(reverse("cases:household_create"), dossier_post(community, **{"head-id_number": full_width}))
    assert Member.objects.get().id_number == HEAD_ID


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"head-id_number": HEAD_ID[:17] + ("0" if HEAD_ID[17] != "0" else "1")}, "id_number", "校验位"),
        ({"head-id_number": HEAD_ID[:15]}, "id_number", "15位"),
        ({"h-other_annual_income": "-5"}, "other_annual_income", "不能为负数"),
        ({"head-monthly_income": "-100"}, "monthly_income", "不能为负数"),
        ({"h-category": "accident", "h-accident_reason": ""}, "accident_reason", "意外致困"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_saved(
    client, community_clerk, community, standard, overrides, field, message
):
    client.force_login(community_clerk)
    response = client.post(reverse("cases:household_create"), dossier_post(community, FAMILY, **overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "张志强" in page and "弥勒县弥阳镇髯翁社区12号" in page  # what was typed is kept
    assert Household.objects.count() == 0 and Member.objects.count() == 0


def test_a_person_already_in_another_active_dossier_is_refused_without_showing_that_dossier(
    client, community_clerk, community, sibling_community, outsider, standard
):
    make_household(sibling_community, outsider, head_name="王秘密", head_id=HEAD_ID)
    client.force_login(community_clerk)
    response = client.post(reverse("cases:household_create"), dossier_post(community))
    page = response.content.decode()
    assert "已在“新哨社区援助分站”的一份有效档案中" in page
    assert "王秘密" not in page
    assert Household.objects.count() == 1


def test_the_same_id_number_twice_in_one_household_is_refused(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    response = client.post(
        reverse("cases:household_create"), dossier_post(community, [("张文", "child", HEAD_ID, "0")])
    )
    assert "同一身份证号在本档案中填写了两次" in response.content.decode()
    assert Household.objects.count() == 0


def test_a_clerk_cannot_file_at_a_node_outside_his_subtree(client, community_clerk, sibling_community, standard):
    client.force_login(community_clerk)
    response = client.post(reverse("cases:household_create"), dossier_post(sibling_community))
    assert response.status_code == 200
    assert Household.objects.count() == 0


def test_editing_keeps_the_members_and_records_the_change_in_the_history(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    client.post(reverse("cases:household_create"), dossier_post(community, FAMILY))
    household = Household.objects.get()
    spouse = household.members.get(relation="spouse")
    data = dossier_post(community, **{"h-address": "弥勒县弥阳镇太平社区3号", "head-monthly_income": "800.00"})
    data.update({
        "m-TOTAL_FORMS": "1", "m-INITIAL_FORMS": "1", "m-0-id": spouse.pk, "m-0-name": "李平凤",
        "m-0-relation": "spouse", "m-0-id_number": SPOUSE_ID, "m-0-ethnicity": "汉族", "m-0-health": "good",
        "m-0-work_status": "employed", "m-0-monthly_income": "300.00", "h-household_size": "2",
    })
    response = client.post(reverse("cases:household_edit", args=[household.pk]), data)
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.address == "弥勒县弥阳镇太平社区3号"
    assert household.members.count() == 2  # the child row was not sent: it is removed
    detail = client.get(household.get_absolute_url()).content.decode()
    assert "弥勒县弥阳镇髯翁社区12号 → 弥勒县弥阳镇太平社区3号" in detail
    assert "600.00 → 800.00" in detail


def test_opening_the_edit_form_is_logged_as_a_sensitive_access(client, community_clerk, community, standard):
    household = make_household(community, community_clerk)
    client.force_login(community_clerk)
    assert client.get(reverse("cases:household_edit", args=[household.pk])).status_code == 200
    assert SensitiveAccess.objects.filter(user=community_clerk, household=household, channel="edit").exists()


def test_a_dossier_under_review_cannot_be_edited(client, community_clerk, community, standard):
    household = make_household(community, community_clerk, status=Status.SUBMITTED)
    client.force_login(community_clerk)
    response = client.post(reverse("cases:household_edit", args=[household.pk]), dossier_post(community))
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.address == "弥勒县弥阳镇髯翁社区"


@pytest.mark.parametrize("url_name", ["cases:household_edit", "cases:household_detail"])
def test_an_outsider_gets_404_for_a_dossier_of_another_township(client, outsider, community, community_clerk, url_name):
    household = make_household(community, community_clerk)
    client.force_login(outsider)
    assert client.get(reverse(url_name, args=[household.pk])).status_code == 404


def test_a_leader_cannot_open_the_create_form(client, center_leader):
    client.force_login(center_leader)
    assert client.get(reverse("cases:household_create")).status_code == 403


def test_the_form_offers_the_standards_for_the_live_computation(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    page = client.get(reverse("cases:household_create")).content.decode()
    assert 'id="dibao-standards"' in page and '"700.00"' in page and "calc-per-capita" in page


def test_editing_an_on_file_dossier_keeps_its_confirmed_category(client, community_clerk, community, standard):
    household = make_household(community, community_clerk, status=Status.APPROVED, category=Category.RELATIVE,
                               head_id=HEAD_ID)
    Household.objects.filter(pk=household.pk).update(proposed_category=Category.DEEP)  # incomes changed since
    client.force_login(community_clerk)
    data = dossier_post(community, **{"h-household_size": "1", "h-address": "弥勒县新址1号"})
    data["head-id_number"] = HEAD_ID
    response = client.post(reverse("cases:household_edit", args=[household.pk]), data)
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.address == "弥勒县新址1号"
    assert household.category == Category.RELATIVE
