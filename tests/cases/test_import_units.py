"""The import of units (enterprises) from a sheet: matched by name at their node, so a re-import
adds nothing twice; scoped; all or nothing; its template and errors like the dossier import's."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from network.models import Enterprise, Job, JobState

from ..conftest import make_enterprise


def _sheet(rows, title="弥阳镇企业名录"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])
    headers = ["单位名称", "所属节点", "统一社会信用代码", "单位性质", "经营状况", "职工人数", "联系电话"]
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()


def _preview(client, data):
    from .import_sheets import upload

    response = client.post(reverse("cases:row_import", args=["units"]), {"file": upload(data, "单位.xlsx")})
    assert response.status_code == 302, response.context["form"].errors
    return Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def _confirm(client, preview):
    response = client.post(reverse("cases:row_import_confirm", args=[preview.pk]))
    return Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])


@pytest.fixture
def township_client(client, township_admin):
    client.force_login(township_admin)
    return client


def test_units_come_in_and_the_same_sheet_again_changes_nothing(township_client, community, township):
    rows = [{"单位名称": "弥勒市木器厂", "所属节点": community.name, "单位性质": "集体企业", "经营状况": "停产",
             "职工人数": 120, "联系电话": "0873-6123456"},
            {"单位名称": "弥阳镇中心小学", "单位性质": "事业单位", "统一社会信用代码": "12532526MB1234567X"}]
    preview = _preview(township_client, _sheet(rows))
    assert preview.outcome["counts"] == {**preview.outcome["counts"], "new": 2, "invalid": 0}
    assert Enterprise.objects.count() == 0
    write = _confirm(township_client, preview)
    assert write.state == JobState.SUCCEEDED, write.message
    factory = Enterprise.objects.get(name="弥勒市木器厂")
    assert (factory.node, factory.nature, factory.condition, factory.employee_count) == (community, "collective",
                                                                                         "halted", 120)
    assert Enterprise.objects.get(name="弥阳镇中心小学").node == township
    again = _preview(township_client, _sheet(rows))
    assert again.outcome["counts"] == {**again.outcome["counts"], "new": 0, "updated": 0, "unchanged": 2}
    rows[0]["职工人数"] = 90
    changed = _confirm(township_client, _preview(township_client, _sheet(rows)))
    assert changed.outcome["counts"]["updated"] == 1 and Enterprise.objects.count() == 2
    factory.refresh_from_db()
    assert factory.employee_count == 90


def test_a_bad_row_names_its_cell_and_nothing_is_written(township_client, sibling_township):
    rows = [{"单位名称": "甲厂"}, {"单位名称": "乙厂", "单位性质": "火星企业"},
            {"单位名称": "丙厂", "所属节点": sibling_township.name}, {"单位名称": "甲厂"},
            {"单位名称": "丁厂", "统一社会信用代码": "1234"}]
    preview = _preview(township_client, _sheet(rows))
    errors = [(e["row"], e["column"]) for e in preview.outcome["errors"]]
    assert errors == [(4, "单位性质"), (5, "所属节点"), (6, "单位名称"), (7, "统一社会信用代码")]
    assert "confirm-import" not in township_client.get(preview.get_absolute_url()).content.decode()
    assert township_client.post(reverse("cases:row_import_confirm", args=[preview.pk])).status_code == 302
    assert Enterprise.objects.count() == 0


def test_a_unit_added_meanwhile_stops_the_whole_write(township_client, township):
    preview = _preview(township_client, _sheet([{"单位名称": "甲厂"}, {"单位名称": "乙厂"}]))
    make_enterprise(township, name="乙厂")
    write = _confirm(township_client, preview)
    assert write.state == JobState.FAILED and "未写入任何数据" in write.message
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["乙厂"]


def test_a_clerk_may_add_units_but_not_change_those_on_file(client, community_clerk, community):
    make_enterprise(community, name="弥勒市木器厂", nature="collective")
    client.force_login(community_clerk)
    preview = _preview(client, _sheet([{"单位名称": "弥勒市木器厂", "单位性质": "民营"}, {"单位名称": "新厂"}]))
    assert [(e["row"], e["message"]) for e in preview.outcome["errors"]] == [(3, "该单位已在系统中，您的角色无权修改已有单位。")]


def test_the_units_template_and_the_page_ask_for_the_right_to_add_units(client, township_admin, center_leader):
    client.force_login(township_admin)
    response = client.get(reverse("cases:row_import_template", args=["units"]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in workbook.worksheets[0][1]][:2] == ["单位名称", "所属节点"]
    assert workbook.worksheets[1].title == "填写说明"
    client.force_login(center_leader)
    assert client.get(reverse("cases:row_import", args=["units"])).status_code == 403
    assert client.get(reverse("cases:row_import", args=["nothing"])).status_code == 404
