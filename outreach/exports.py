"""Excel workbooks of the money side, written row by row (openpyxl's write-only mode) to a temporary
file that is then streamed. Every text cell goes through cases.xlsx_cells (a fund's or node's name
is typed by a user); money is a number cell in yuan with two decimals."""

import tempfile

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from cases.money import yuan
from cases.xlsx_cells import safe_row, text_cell

MONEY_FORMAT = "#,##0.00"
HEAD_FILL = PatternFill("solid", fgColor="EEF1F4")

FUND_COLUMNS = [("资金名称", 26), ("所属节点", 24), ("资金来源", 14), ("余额（元）", 14), ("活动待发（元）", 14),
                ("计划待发（元）", 14), ("尚需（元）", 14), ("缺口（元）", 14)]
NODE_COLUMNS = [("节点", 26), ("资金笔数", 10), ("余额（元）", 14), ("活动待发（元）", 14), ("计划待发（元）", 14),
                ("尚需（元）", 14), ("缺口（元）", 14)]


def _money(sheet, fen, bold=False):
    cell = WriteOnlyCell(sheet, value=yuan(fen))
    cell.number_format = MONEY_FORMAT
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet(workbook, title, heading, columns):
    sheet = workbook.create_sheet(title)
    for index, (_name, width) in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    sheet.append([text_cell(sheet, heading, font=Font(bold=True, size=14))])
    sheet.append([text_cell(sheet, name, font=Font(bold=True), fill=HEAD_FILL,
                            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
                  for name, _width in columns])
    return sheet


def _figures(sheet, row, bold=False):
    return [_money(sheet, getattr(row, name), bold) for name in
            ("balance_fen", "campaign_need_fen", "planned_need_fen", "need_fen", "gap_fen")]


def shortage_workbook(year, funds, nodes, total):
    """The shortage view of ``year`` (outreach.shortage.shortage's figures) as a workbook of two
    sheets, by fund and by node, each with its total row; returned rewound for a FileResponse."""
    workbook = Workbook(write_only=True)
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    sheet = _sheet(workbook, "按资金", f"{year}年帮扶资金缺口（按资金，{stamp} 导出）", FUND_COLUMNS)
    for fund in funds:
        sheet.append(safe_row(sheet, [fund.name, fund.node.name, fund.source.name, *_figures(sheet, fund)]))
    sheet.append([text_cell(sheet, "合计", font=Font(bold=True)), None, None, *_figures(sheet, total, bold=True)])
    sheet = _sheet(workbook, "按节点", f"{year}年帮扶资金缺口（按节点，{stamp} 导出）", NODE_COLUMNS)
    for node in nodes:
        sheet.append(safe_row(sheet, [node.node.name, len(node.funds), *_figures(sheet, node)]))
    sheet.append([text_cell(sheet, "合计", font=Font(bold=True)), len(funds), *_figures(sheet, total, bold=True)])
    target = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(target)
    target.seek(0)
    return target
