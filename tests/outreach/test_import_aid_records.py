"""The import of past aid records: through aid_plan (planned, the fund keeper confirms them), to
on-file households in the user's subtree only, nothing twice, all or nothing."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from cases.models import Status
from network.models import Job, JobState
from outreach.models import AidRecord, AidState, Fund, FundSource, LedgerEntry

from ..cases.conftest import make_household, make_id_number, make_standard
from ..cases.import_sheets import upload

HEADERS = ["发放日期", "帮扶项目", "身份证号", "姓名", "现金（元）", "资金名称", "物品", "物品价值（元）"]


def _sheet(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2025年帮扶发放台账"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(h) for h in HEADERS])
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()


@pytest.fixture
def on_file(community, community_clerk, township):
    make_standard(township, year=timezone.localdate().year - 1)
    make_standard(township)
    head = make_id_number()
    household = make_household(community, community_clerk, head_name="张志强", head_id=head, status=Status.APPROVED)
    fund = Fund.objects.create(node=township, name="送温暖资金", year=timezone.localdate().year - 1,
                               source=FundSource.objects.get_or_create(name="工会经费")[0])
    return household, head, fund


def _preview(client, data):
    response = client.post(reverse("cases:row_import", args=["aid"]), {"file": upload(data, "台账.xlsx")})
    assert response.status_code == 302, response.context["form"].errors
    return Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def _confirm(client, preview):
    response = client.post(reverse("cases:row_import_confirm", args=[preview.pk]))
    return Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def test_past_aid_comes_in_as_planned_aid_once_however_often_the_sheet_is_imported(client, community_clerk, on_file):
    household, head, fund = on_file
    last_year = timezone.localdate().year - 1
    rows = [{"发放日期": f"{last_year}.1.15", "帮扶项目": "春节慰问", "身份证号": head, "姓名": "张志强", "现金（元）": "500元",
             "资金名称": "送温暖资金", "物品": "大米一袋", "物品价值（元）": "80"},
            {"发放日期": f"{last_year}年9月1日", "帮扶项目": "助学", "身份证号": head, "物品": "书包"}]
    client.force_login(community_clerk)
    preview = _preview(client, _sheet(rows))
    assert preview.outcome["counts"] == {**preview.outcome["counts"], "new": 2, "invalid": 0}, preview.outcome["errors"]
    write = _confirm(client, preview)
    assert write.state == JobState.SUCCEEDED, write.message
    cash = AidRecord.objects.get(program="holiday")
    assert (cash.household, cash.fund, cash.cash_fen, cash.goods_value_fen, cash.state) == (
        household, fund, 50000, 8000, AidState.PLANNED)
    assert cash.given_on == datetime.date(last_year, 1, 15) and cash.recorded_by == community_clerk
    assert LedgerEntry.objects.count() == 0  # the keeper's confirmation moves the money
    again = _preview(client, _sheet(rows))
    assert again.outcome["counts"] == {**again.outcome["counts"], "new": 0, "unchanged": 2}
    assert AidRecord.objects.count() == 2


def test_bad_aid_rows_name_their_cells_and_nothing_is_written(client, community_clerk, on_file, sibling_community,
                                                               outsider):
    household, head, fund = on_file
    draft_head = make_id_number()
    make_household(household.node, community_clerk, head_id=draft_head, status=Status.DRAFT)
    elsewhere = make_id_number()
    make_household(sibling_community, outsider, head_id=elsewhere, status=Status.APPROVED)
    rows = [{"发放日期": "2025-01-15", "帮扶项目": "送温暖", "身份证号": head, "现金（元）": "500"},
            {"发放日期": "2025-01-15", "帮扶项目": "送温暖", "身份证号": draft_head, "物品": "米"},
            {"发放日期": "2025-01-15", "帮扶项目": "送温暖", "身份证号": elsewhere, "物品": "米"},
            {"发放日期": "2025-01-15", "帮扶项目": "送温暖", "身份证号": head, "姓名": "李四", "物品": "米"},
            {"发放日期": "2025-01-15", "帮扶项目": "买彩票", "身份证号": head, "物品": "米"}]
    client.force_login(community_clerk)
    preview = _preview(client, _sheet(rows))
    errors = [(e["row"], e["column"]) for e in preview.outcome["errors"]]
    assert errors == [(3, "资金名称"), (4, "身份证号"), (5, "身份证号"), (6, "姓名"), (7, "帮扶项目")]
    assert "找不到持该身份证号" in preview.outcome["errors"][2]["message"]
    assert "532526" not in str(preview.outcome["errors"][2]["value"])[6:]
    assert AidRecord.objects.count() == 0


def test_a_refusal_by_the_service_on_the_last_row_writes_nothing(client, community_clerk, on_file, monkeypatch):
    from outreach import imports

    household, head, fund = on_file
    rows = [{"发放日期": "2025-01-15", "帮扶项目": "送温暖", "身份证号": head, "物品": f"米{i}"} for i in range(3)]
    client.force_login(community_clerk)
    preview = _preview(client, _sheet(rows))
    real, calls = imports.aid_plan, []

    def refuses_the_third(**kwargs):
        calls.append(kwargs["goods"])
        if len(calls) == 3:
            from cases.rules import WorkflowError

            raise WorkflowError("超过该户本年度该项目的帮扶上限")
        return real(**kwargs)

    monkeypatch.setattr(imports, "aid_plan", refuses_the_third)
    write = _confirm(client, preview)
    assert write.state == JobState.FAILED and "第5行" in write.message and "上限" in write.message
    assert AidRecord.objects.count() == 0
