"""What the import writes, and that it writes all of it or nothing: real-sheet quirks, re-imports,
updates, paper dossiers on file, scoping, and a failure on the last household."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases import imports
from cases.models import Household, Member, Move, Status, StatusChange
from cases.rules import WorkflowError
from network.models import Job, JobState

from .conftest import make_household, make_id_number, make_standard
from .import_sheets import person, sheet_bytes, upload


@pytest.fixture(autouse=True)
def standard(township):
    return make_standard(township)


def _preview(client, data):
    response = client.post(reverse("cases:household_import"), {"file": upload(data)})
    assert response.status_code == 302, response.context["form"].errors
    return Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def _import(client, data):
    preview = _preview(client, data)
    assert preview.state == JobState.SUCCEEDED and not preview.outcome["errors"], preview.outcome["errors"]
    response = client.post(reverse("cases:household_import_confirm", args=[preview.pk]))
    return Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def _tables():
    from cases.models import HomeVisit

    return {model.__name__: model.objects.count() for model in (
        Household, Member, StatusChange, HomeVisit, Household.history.model, Member.history.model)}


def test_real_sheet_quirks_are_read_as_people_meant_them(client, community_clerk):
    client.force_login(community_clerk)
    head = make_id_number(birth=datetime.date(1976, 5, 2))
    spouse = make_id_number(male=False)
    typed_head = " " + head[:17].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + head[17].lower() + " "
    rows = [
        person("1", "张志强", "户主", typed_head, income="1,200元", filed="2023年5月1日", other="2,400",
               **{"性别": "男性"}),
        person("1", "李秀英", "妻子", spouse, income="300", work="失业", filed="", **{"健康状况": "健康"}),
        person("2", "王建华", "本人", make_id_number(), filed="2023.5.1", hukou="农业"),
        person("3", "赵桂兰", "户主本人", make_id_number(male=False), filed="2023/05/01"),
        person("4", "刘德明", "户主本人", make_id_number(), filed=datetime.datetime(2023, 5, 1)),
    ]
    write = _import(client, sheet_bytes(rows, title="弥阳镇困难职工花名册", blank_rows_after=(1, 2)))
    assert write.state == JobState.SUCCEEDED, write.message
    member = Member.objects.get(id_number=head)
    assert member.monthly_income == Decimal("1200.00") and member.sex == "M"
    household = member.household
    assert household.filed_on == datetime.date(2023, 5, 1) and household.other_annual_income == Decimal("2400.00")
    assert household.household_size == 2 and household.members.get(relation="spouse").health == "good"
    assert Household.objects.filter(filed_on=datetime.date(2023, 5, 1)).count() == 4
    assert Household.objects.get(members__name="王建华").hukou_type == "rural"


def test_the_same_people_in_a_new_file_are_updated_not_duplicated(client, community_clerk):
    client.force_login(community_clerk)
    head, spouse = make_id_number(), make_id_number(male=False)
    _import(client, sheet_bytes([person("1", "张志强", "户主本人", head), person("1", "李秀英", "配偶", spouse)]))
    household = Household.objects.get()
    # another township sheet: other household key, grouped by the head's ID, the spouse's income changed
    rows = [person("", "李秀英", "配偶", spouse, head_id=head, income="600"), person("", "张志强", "户主本人", head)]
    preview = _preview(client, sheet_bytes(rows))
    assert preview.outcome["counts"] == {**preview.outcome["counts"], "new": 0, "updated": 1, "unchanged": 0}
    client.post(reverse("cases:household_import_confirm", args=[preview.pk]))
    assert Household.objects.count() == 1 and Member.objects.count() == 2
    assert household.members.get(id_number=spouse).monthly_income == Decimal("600.00")
    assert StatusChange.objects.filter(household=household, action=Move.SHEET_IMPORT).count() == 2


def test_a_failure_on_the_last_household_leaves_every_table_as_it_was(client, community_clerk, monkeypatch):
    client.force_login(community_clerk)
    make_household(community_clerk.node, community_clerk, head_name="原有户")
    rows = [person(str(i), "张志强", "户主本人", make_id_number()) for i in range(5)]
    preview = _preview(client, sheet_bytes(rows))
    before = _tables()
    real = imports.households_import_new
    calls = []

    def fails_last(*, dossiers, actor):
        calls.append(len(dossiers))
        if len(calls) == 5:
            raise WorkflowError("模拟：最后一户写入失败")
        return real(dossiers=dossiers, actor=actor)

    monkeypatch.setattr(imports, "WRITE_BATCH", 1)
    monkeypatch.setattr(imports, "households_import_new", fails_last)
    response = client.post(reverse("cases:household_import_confirm", args=[preview.pk]))
    write = Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert calls == [1, 1, 1, 1, 1]
    assert write.state == JobState.FAILED and "未写入任何数据" in write.message
    assert _tables() == before


def test_a_person_filed_elsewhere_between_preview_and_confirm_stops_the_whole_write(
    client, community_clerk, sibling_community, outsider
):
    client.force_login(community_clerk)
    last = make_id_number()
    rows = [person("1", "张志强", "户主本人", make_id_number()), person("2", "王五", "户主本人", last)]
    preview = _preview(client, sheet_bytes(rows))
    make_household(sibling_community, outsider, head_id=last)
    before = _tables()
    response = client.post(reverse("cases:household_import_confirm", args=[preview.pk]))
    write = Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert write.state == JobState.FAILED and "第3行" in write.message
    assert _tables() == before


def test_a_dossier_changed_since_the_preview_makes_the_confirm_write_nothing(client, community_clerk):
    client.force_login(community_clerk)
    head = make_id_number()
    _import(client, sheet_bytes([person("1", "张志强", "户主本人", head)]))
    preview = _preview(client, sheet_bytes([person("1", "张志强", "户主本人", head, income="1000"),
                                            person("2", "新户", "户主本人", make_id_number())]))
    Household.objects.filter(pk=Household.objects.get().pk).update(address="改过的地址")
    before = _tables()
    response = client.post(reverse("cases:household_import_confirm", args=[preview.pk]))
    write = Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert write.state == JobState.FAILED and "已有变化" in write.message
    assert _tables() == before


def test_the_center_brings_paper_dossiers_on_file_with_their_numbers_and_a_township_cannot(
    client, center_admin, community_clerk
):
    rows = [person("1", "张志强", "户主本人", make_id_number(), **{"档案编号": "532526201900012", "批准日期": "2019-06-30"})]
    rows[0]["建档日期"] = "2019-05-01"
    rows[0]["建档节点"] = community_clerk.node.name
    client.force_login(community_clerk)
    refused = _preview(client, sheet_bytes(rows))
    assert [e["column"] for e in refused.outcome["errors"]] == ["档案编号"]
    client.force_login(center_admin)
    write = _import(client, sheet_bytes(rows))
    household = Household.objects.get()
    assert write.state == JobState.SUCCEEDED and household.status == Status.APPROVED
    assert household.number == "532526201900012" and household.approved_at.date() == datetime.date(2019, 6, 30)
    assert set(household.status_changes.values_list("action", flat=True)) == {Move.IMPORT, Move.SHEET_IMPORT}
    again = _preview(client, sheet_bytes(rows))
    assert again.outcome["counts"]["unchanged"] == 1 and not again.outcome["errors"]


def test_a_clerk_imports_only_into_his_own_subtree(client, enterprise_clerk, community):
    client.force_login(enterprise_clerk)
    preview = _preview(client, sheet_bytes([person("1", "张志强", "户主本人", make_id_number(),
                                                   **{"建档节点": community.name})]))
    assert [e["column"] for e in preview.outcome["errors"]] == ["建档节点"]


def test_the_template_has_text_id_columns_an_example_row_and_an_explanation_sheet(client, community_clerk):
    client.force_login(community_clerk)
    response = client.get(reverse("cases:household_import_template"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet, explained = workbook.worksheets
    headers = [cell.value for cell in sheet[1]]
    id_column = headers.index("身份证号") + 1
    assert sheet.cell(row=2, column=id_column).number_format == "@"
    assert sheet.cell(row=50, column=id_column).number_format == "@"
    assert sheet.cell(row=2, column=headers.index("姓名") + 1).value == "张志强"
    assert explained.title == "填写说明" and explained.max_row > 30
    # the untouched template imports nothing: its example row is skipped
    data = io.BytesIO()
    workbook.save(data)
    preview = _preview(client, data.getvalue())
    assert preview.outcome["counts"]["rows"] == 1 and preview.outcome["counts"]["people"] == 0


def test_someone_elses_preview_cannot_be_confirmed(client, community_clerk, township_admin):
    client.force_login(community_clerk)
    preview = _preview(client, sheet_bytes([person("1", "张志强", "户主本人", make_id_number())]))
    client.force_login(township_admin)
    assert client.post(reverse("cases:household_import_confirm", args=[preview.pk])).status_code == 404
    assert client.get(preview.get_absolute_url()).status_code == 200
    assert "confirm-import" not in client.get(preview.get_absolute_url()).content.decode()
    assert Household.objects.count() == 0
