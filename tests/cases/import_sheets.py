"""Excel sheets as townships send them, built in the tests: a title row above the header if asked,
one row per person, and any cell typed as a person would (numbers, dates, labels)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

HEADERS = ["户编号", "姓名", "与户主关系", "身份证号", "户主身份证号", "月收入（元）", "就业/就学状况", "主要致困原因",
           "家庭住址", "户口性质", "家庭其他年收入（元）", "建档日期"]


def person(key, name, relation, id_number, *, head_id="", income="900", work="下岗", cause="下岗失业",
           address="弥勒县弥阳镇髯翁社区", hukou="城镇", other="0", filed="2026-03-01", **extra):
    row = {"户编号": key, "姓名": name, "与户主关系": relation, "身份证号": id_number, "户主身份证号": head_id,
           "月收入（元）": income, "就业/就学状况": work, "主要致困原因": cause, "家庭住址": address, "户口性质": hukou,
           "家庭其他年收入（元）": other, "建档日期": filed}
    row.update(extra)
    return row


def sheet_bytes(rows, *, title=None, headers=None, blank_rows_after=()):
    """An .xlsx with ``rows`` (dicts by header) under the header; ``title`` adds a merged title row."""
    headers = list(headers or HEADERS)
    for row in rows:
        headers += [name for name in row if name not in headers]
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for index, row in enumerate(rows):
        sheet.append([row.get(name, "") if row.get(name, "") != "" else None for name in headers])
        if index in blank_rows_after:
            sheet.append([])
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()


def upload(data, name="弥阳镇困难职工.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
