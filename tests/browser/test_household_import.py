"""In a real browser: a township clerk downloads the import template, fills it as his township's
sheet (a title row above the header, one bad ID number), reads the preview with the error, fixes
the row, uploads again, confirms, sees the job finish and finds the households in the list."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from cases.models import Household, Status
from network.models import NodeKind, Role

from ..cases.conftest import make_id_number, make_standard
from ..conftest import PASSWORD, make_node, make_user
from .conftest import log_in

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/household_import_preview.png"


@pytest.fixture
def township(transactional_db, live_server):
    center = make_node(NodeKind.CENTER, name="弥勒县困难职工援助分中心", code="532526000")
    miyang = make_node(NodeKind.TOWNSHIP, center, name="弥阳镇工会联合会")
    make_standard(center)
    return make_user("miyang_clerk", miyang, Role.DATA_ENTRY, name="张志强")


def _fill(template, target, people, title="弥阳镇困难职工花名册（2026年）"):
    workbook = load_workbook(template)
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    sheet.delete_rows(2)  # the example row
    for row, values in enumerate(people, start=2):
        for name, value in values.items():
            sheet.cell(row=row, column=headers.index(name) + 1, value=value)
    sheet.insert_rows(1)
    sheet.cell(row=1, column=1, value=title)
    workbook.save(target)


def test_a_township_sheet_comes_in_after_its_error_is_fixed(page, township, tmp_path):
    heads = [make_id_number() for _ in range(3)]
    people = []
    for index, head in enumerate(heads, start=1):
        people.append({"户编号": str(index), "姓名": f"王{'一二三'[index - 1]}", "与户主关系": "户主本人", "身份证号": head,
                       "月收入（元）": "800", "主要致困原因": "下岗失业", "家庭住址": "弥勒县弥阳镇"})
        people.append({"户编号": str(index), "姓名": "李秀英", "与户主关系": "配偶",
                       "身份证号": make_id_number(male=False), "月收入（元）": "0"})
    good = people[3]["身份证号"]
    people[3]["身份证号"] = good[:17] + ("1" if good[17] != "1" else "2")

    log_in(page, "miyang_clerk", PASSWORD)
    page.goto("/cases/")
    page.click("text=从Excel导入")
    with page.expect_download() as download:
        page.click("text=下载导入模板")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    sheet = tmp_path / "弥阳镇.xlsx"
    _fill(template, sheet, people)
    page.set_input_files("#id_file", str(sheet))
    page.click("text=上传并检查")
    expect(page.locator("#job-state")).to_have_text("已完成")
    expect(page.locator("#count-invalid")).to_have_text("1")
    expect(page.locator(".import-errors")).to_contain_text("身份证号码校验位不正确")
    # the title row is row 1 and the header row 2: the fourth person stands on row 6
    expect(page.locator(".import-errors tbody tr").first.locator("td").first).to_have_text("6")
    expect(page.locator("#confirm-import")).to_have_count(0)
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert Household.objects.count() == 0

    people[3]["身份证号"] = good
    _fill(template, sheet, people)
    page.click("text=上传另一张表格")
    page.set_input_files("#id_file", str(sheet))
    page.click("text=上传并检查")
    expect(page.locator("#count-new")).to_have_text("3")
    page.click("#confirm-import")
    expect(page.locator("#job-state")).to_have_text("已完成")
    expect(page.locator("#job-bar")).to_have_attribute("value", "100")
    expect(page.locator("#job-message")).to_contain_text("新建3户")
    page.click("text=查看档案列表")
    for name in ("王一", "王二", "王三"):
        expect(page.locator("table.table")).to_contain_text(name)
    assert Household.objects.filter(status=Status.DRAFT).count() == 3


def test_the_job_page_follows_a_running_job_and_shows_its_end_under_the_csp(page, township):
    from django.utils import timezone

    from network import jobs
    from network.models import Job, JobState

    job = Job.objects.create(kind="cases.import_preview", owner=township, node=township.node,
                             state=JobState.RUNNING, started_at=timezone.now())
    progress = jobs.Progress(job)
    progress.step(3, 10, "正在检查表格……", force=True)
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    log_in(page, "miyang_clerk", PASSWORD)
    page.goto(job.get_absolute_url())
    expect(page.locator("#job-percent")).to_have_text("30%")
    progress.step(7, 10, force=True)
    expect(page.locator("#job-percent")).to_have_text("70%")
    expect(page.locator("#job-count")).to_have_text("7 / 10")
    Job.objects.filter(pk=job.pk).update(state=JobState.SUCCEEDED, done=10, total=10, message="检查完毕",
                                         outcome={"counts": {"new": 0, "updated": 0, "unchanged": 0, "invalid": 0,
                                                             "rows": 0, "people": 0, "errors": 0},
                                                  "errors": [], "rows": [], "writes": 0})
    expect(page.locator("#job-state")).to_have_text("已完成")
    expect(page.locator("#job-bar")).to_have_attribute("value", "100")
    assert refused == []
