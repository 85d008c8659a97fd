"""The dossier roster as an Excel workbook, written row by row (openpyxl's write-only mode) to a
temporary file that is then streamed: memory stays flat however many households there are.
Every cell goes through xlsx_cells, so that nothing a user typed becomes a formula."""

import tempfile

from django.db import models
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from .models import Category, Cause, Household, HukouType, Member, Relation, Status
from .sensitive import shown, shown_account, shown_birth_date
from .xlsx_cells import safe_row, text_cell

COLUMNS = [
    ("档案编号", 18), ("户主姓名", 10), ("身份证号", 21), ("性别", 5), ("建档节点", 26), ("工作单位", 22),
    ("困难类别", 10), ("主要致困原因", 16), ("次要致困原因", 26), ("状态", 9), ("户口性质", 8),
    ("家庭人口", 8), ("家庭年收入（元）", 14), ("人均月收入（元）", 14), ("适用低保标准（元/月）", 14),
    ("联系电话", 14), ("家庭住址", 30), ("建档日期", 11), ("批准日期", 11),
]
CHUNK = 2000
MONEY_FORMAT = "#,##0.00"


def _money(sheet, value):
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = MONEY_FORMAT
    return cell


def roster_workbook(households, *, unmasked, described=""):
    """Writes the roster of ``households`` (node and enterprise selected) to
    a temporary .xlsx file and returns it, rewound, for a FileResponse; titled with the filter
    applied (``described``), money in number format."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("困难职工档案")
    for index, (_title, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    filtered = f"{described}；" if described else ""
    title = text_cell(sheet, f"困难职工档案花名册（{filtered}{timezone.localdate():%Y-%m-%d} 导出）",
                      font=Font(bold=True, size=14))
    sheet.append([title])
    sheet.append([
        text_cell(
            sheet, name, font=Font(bold=True), fill=PatternFill("solid", fgColor="EEF1F4"),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        )
        for name, _width in COLUMNS
    ])
    # plain tuples, and each label looked up once: at 100,000 rows model instances and four
    # get_FOO_display() calls a row were most of the time (../shared/notes/performance-100k.md)
    labels = {name: {key: str(label) for key, label in choices} for name, choices in (
        ("category", Category.choices), ("cause", Cause.choices), ("status", Status.choices),
        ("hukou", HukouType.choices))}
    causes, sexes = labels["cause"], {"M": "男", "F": "女"}
    rows = households.values_list(
        "number", "head_name", "head_id_number", "head_sex", "node__name", "enterprise__name", "employer_name",
        "category", "primary_cause", "secondary_causes", "status", "hukou_type", "household_size", "annual_income",
        "per_capita_monthly_income", "dibao_standard_monthly", "phone", "head_phone", "address", "filed_on",
        "approved_at",
    )
    county = timezone.get_current_timezone()
    for (number, head_name, head_id, head_sex, node, enterprise, employer, category, cause, secondary, status, hukou,
         size, annual, per_capita, standard, phone, head_phone, address, filed_on, approved_at) in rows.iterator(
            chunk_size=CHUNK):
        sheet.append(safe_row(sheet, [
            number or "",
            head_name or "",
            shown(Member, "id_number", head_id, unmasked),
            sexes.get(head_sex or "", ""),
            node,
            enterprise or employer,
            labels["category"].get(category, ""),
            causes.get(cause, ""),
            "、".join(causes[c] for c in secondary.split(",") if c in causes) if secondary else "",
            labels["status"].get(status, ""),
            labels["hukou"].get(hukou, ""),
            size,
            _money(sheet, annual),
            _money(sheet, per_capita),
            _money(sheet, standard),
            # the household's contact: its own phone, else the head's
            shown(Household, "phone", phone or head_phone, unmasked),
            address,
            filed_on,
            approved_at.astimezone(county).date() if approved_at else None,
        ]))
    target = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(target)
    target.seek(0)
    return target


MEMBER_COLUMNS = [
    ("档案编号", 18), ("建档节点", 24), ("户主姓名", 10), ("姓名", 10), ("与户主关系", 10), ("身份证号", 21), ("性别", 5),
    ("出生日期", 11), ("民族", 8), ("健康状况", 9), ("所患疾病", 16), ("就业/就学状况", 12), ("就读学校", 22),
    ("年级", 8), ("入学年份", 8), ("月收入（元）", 12), ("联系电话", 14), ("困难类别", 10), ("状态", 8),
]


def member_roster_workbook(households, *, unmasked, described):
    """Every person of ``households`` (a scoped, filtered queryset), one row each, head first:
    relation, school and grade, as tuition aid and the 民政 checks need them. Titled with the filter
    applied; ID numbers, birth dates and phones masked unless ``unmasked``; money as numbers."""
    members = (
        Member.objects.filter(household__in=households.values("pk"))
        .select_related("household__node")
        .annotate(head_first=models.Case(models.When(relation=Relation.HEAD, then=0), default=1))
        .order_by("household__node__path", "household__number", "household_id", "head_first", "pk")
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("家庭成员")
    for index, (_title, width) in enumerate(MEMBER_COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    title = f"困难职工家庭成员花名册（{described}；{timezone.localdate():%Y-%m-%d} 导出）"
    sheet.append([text_cell(sheet, title, font=Font(bold=True, size=14))])
    sheet.append([
        text_cell(sheet, name, font=Font(bold=True), fill=PatternFill("solid", fgColor="EEF1F4"),
                  alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
        for name, _width in MEMBER_COLUMNS
    ])
    for m in members.iterator(chunk_size=CHUNK):
        h = m.household
        income = _money(sheet, m.monthly_income)
        sheet.append(safe_row(sheet, [
            h.number or "", h.node.name, h.head_name or "", m.name, m.get_relation_display(),
            shown(Member, "id_number", m.id_number, unmasked), m.get_sex_display(),
            shown_birth_date(m.birth_date, unmasked) if m.birth_date else "", m.ethnicity, m.get_health_display(),
            m.disease, m.get_work_status_display(), m.school, m.grade, m.enrolment_year, income,
            shown(Member, "phone", m.phone, unmasked), h.get_category_display(), h.get_status_display(),
        ]))
    target = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(target)
    target.seek(0)
    return target


# the fields of the printed 困难职工档案表 (cases.pdf), in its order: the head, the household's
# economy, the causes; what the upper unions' system exchanges (one row a household)
OFFICIAL_COLUMNS = [
    "档案编号", "建档单位", "困难类别", "姓名", "性别", "民族", "政治面貌", "身份证号", "出生日期", "婚姻状况", "健康状况",
    "就业状况", "劳模级别", "联系电话", "户口性质", "建档日期", "工作单位", "单位性质", "经营状况", "家庭住址", "住房类型",
    "住房面积（㎡）", "家庭人口", "本人月收入（元）", "其他年收入（元）", "年刚性支出（元）", "家庭年收入（元）",
    "人均月收入（元）", "低保标准（元/月）", "低保情况", "医疗保险", "养老保险", "单亲家庭", "零就业家庭", "开户银行", "银行账号",
    "主要致困原因", "次要致困原因", "状态", "批准日期",
]


def official_workbook(households, *, unmasked, described=""):
    """The filtered dossiers in the column order of the 困难职工档案表 (one row a household, the
    head's own fields from his member row), titled with the filter, masked unless ``unmasked``,
    money as numbers, every typed text through xlsx_cells."""
    heads = models.Prefetch("members", queryset=Member.objects.filter(relation=Relation.HEAD), to_attr="heads")
    rows = households.select_related("node", "enterprise").prefetch_related(heads)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("困难职工档案表")
    sheet.freeze_panes = "A3"
    filtered = f"{described}；" if described else ""
    sheet.append([text_cell(sheet, f"困难职工档案表（{filtered}{timezone.localdate():%Y-%m-%d} 导出）",
                            font=Font(bold=True, size=14))])
    sheet.append([text_cell(sheet, name, font=Font(bold=True), fill=PatternFill("solid", fgColor="EEF1F4"),
                            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
                  for name in OFFICIAL_COLUMNS])
    causes = dict(Cause.choices)
    yes_no = {True: "是", False: "否"}
    for h in rows.iterator(chunk_size=CHUNK):
        head = h.heads[0] if h.heads else None
        unit = h.enterprise
        sheet.append(safe_row(sheet, [
            h.number or "", h.node.name, h.get_category_display(),
            head.name if head else "", head.get_sex_display() if head else "", head.ethnicity if head else "",
            head.political_status if head else "", shown(Member, "id_number", head.id_number if head else "", unmasked),
            shown_birth_date(head.birth_date, unmasked) if head and head.birth_date else "",
            head.marital_status if head else "", head.get_health_display() if head else "",
            head.get_work_status_display() if head else "", head.model_worker if head else "",
            shown(Household, "phone", h.phone or (head.phone if head else ""), unmasked), h.get_hukou_type_display(),
            h.filed_on, unit.name if unit else h.employer_name, unit.get_nature_display() if unit else "",
            unit.get_condition_display() if unit else "", h.address, h.get_housing_type_display(),
            h.housing_area, h.household_size, _money(sheet, head.monthly_income if head else None),
            _money(sheet, h.other_annual_income), _money(sheet, h.rigid_expense), _money(sheet, h.annual_income),
            _money(sheet, h.per_capita_monthly_income), _money(sheet, h.dibao_standard_monthly),
            h.get_dibao_status_display(), h.get_medical_insurance_display(), h.get_pension_display(),
            yes_no[h.single_parent], yes_no[h.zero_employment], h.bank_name,
            shown_account(h.bank_account, unmasked) if h.bank_account else "",
            h.get_primary_cause_display(), "、".join(str(causes[c]) for c in h.secondary_cause_list if c in causes),
            h.get_status_display(), timezone.localtime(h.approved_at).date() if h.approved_at else None,
        ]))
    target = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(target)
    target.seek(0)
    return target
