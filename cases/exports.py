"""The dossier roster as an Excel workbook, written row by row (openpyxl's write-only mode) to a
temporary file that is then streamed: memory stays flat however many households there are.
Every cell goes through xlsx_cells, so that nothing a user typed becomes a formula."""

import tempfile

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from .models import Cause, Household, Member
from .sensitive import shown
from .xlsx_cells import safe_row, text_cell

COLUMNS = [
    ("档案编号", 18), ("户主姓名", 10), ("身份证号", 21), ("性别", 5), ("建档节点", 26), ("工作单位", 22),
    ("困难类别", 10), ("主要致困原因", 16), ("次要致困原因", 26), ("状态", 9), ("户口性质", 8),
    ("家庭人口", 8), ("家庭年收入（元）", 14), ("人均月收入（元）", 14), ("适用低保标准（元/月）", 14),
    ("联系电话", 14), ("家庭住址", 30), ("建档日期", 11), ("批准日期", 11),
]
CHUNK = 2000


def roster_workbook(households, *, unmasked):
    """Writes the roster of ``households`` (node and enterprise selected) to
    a temporary .xlsx file and returns it, rewound, for a FileResponse."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("困难职工档案")
    for index, (_title, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    title = text_cell(sheet, f"困难职工档案花名册（{timezone.localdate():%Y-%m-%d} 导出）", font=Font(bold=True, size=14))
    sheet.append([title])
    sheet.append([
        text_cell(
            sheet, name, font=Font(bold=True), fill=PatternFill("solid", fgColor="EEF1F4"),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        )
        for name, _width in COLUMNS
    ])
    causes = dict(Cause.choices)
    for h in households.iterator(chunk_size=CHUNK):
        sheet.append(safe_row(sheet, [
            h.number or "",
            h.head_name or "",
            shown(Member, "id_number", h.head_id_number, unmasked),
            {"M": "男", "F": "女"}.get(h.head_sex or "", ""),
            h.node.name,
            h.enterprise.name if h.enterprise else h.employer_name,
            h.get_category_display(),
            h.get_primary_cause_display(),
            "、".join(str(causes[c]) for c in h.secondary_cause_list if c in causes),
            h.get_status_display(),
            h.get_hukou_type_display(),
            h.household_size,
            h.annual_income,
            h.per_capita_monthly_income,
            h.dibao_standard_monthly,
            # the household's contact: its own phone, else the head's
            shown(Household, "phone", h.phone or h.head_phone, unmasked),
            h.address,
            h.filed_on,
            timezone.localtime(h.approved_at).date() if h.approved_at else None,
        ]))
    target = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(target)
    target.seek(0)
    return target
