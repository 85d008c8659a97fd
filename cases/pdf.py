"""The dossiers' printed sheets, drawn with the printing grid (``cases.print_grid``):

- the dossier as the paper 困难职工档案表, one A4 page of one bordered form grid;
- a 公示 batch as the list posted on the notice board, over as many pages as it takes.

ID and phone numbers go through ``cases.sensitive`` like on every page; the grid escapes
everything a user typed.
"""

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from .models import Move, Relation
from .print_grid import (
    FRAME_WIDTH,
    LABEL_FILL,
    Column,
    Footer,
    FormGrid,
    column_table,
    fit_to_page,
    list_pdf,
    long_date,
    one_page_pdf,
    row_number,
    text,
)
from .sensitive import shown_account, shown_birth_date, shown_id, shown_phone

SECTION_WIDTH = 8 * mm
# label and value columns of the four pairs in a row, after the section column
PAIR_WIDTHS = [21.5 * mm, 23 * mm] * 4
MIN_MEMBER_ROWS = 4
# the opinion boxes grow into the page's spare height, up to this much each
MAX_OPINION_EXTRA = 25 * mm

# room to sign by hand where nobody has signed in the system (no-break spaces: Paragraph keeps them)
BLANK_NAME = "\u00a0" * 16
BLANK_DATE = "\u00a0" * 8 + "年" + "\u00a0" * 5 + "月" + "\u00a0" * 5 + "日"

# label, the workflow move whose opinion it prints, who gives it, who signs
OPINIONS = (
    ("初审意见", Move.PRELIMINARY, "乡镇/系统工会", "经办人"),
    ("中心审核意见", Move.CENTER_REVIEW, "", "审核人"),
    ("审批意见", Move.APPROVE, "", "审批人"),
)


def household_pdf(household, *, unmasked):
    """The dossier as a one-page A4 PDF laid out like the paper 困难职工档案表.

    ``unmasked`` prints full ID and phone numbers; the caller decides it (cases.sensitive.reveal).
    Read the household with its node, enterprise and created_by selected and its members and
    status changes prefetched to print it in a handful of queries."""
    form = _Form(household, list(household.members.all()), list(household.status_changes.all()), unmasked)
    note = "" if unmasked else "身份证号、电话号码已隐去部分数字"
    return one_page_pdf(
        fit_to_page(form.story), title=f"困难职工档案表 {household}", author=str(household.node),
        footer=Footer(note=note, page_numbers=False),
    )


def notice_intro(batch, count):
    """The notice's wording above its list, on its page and its printed sheet alike."""
    node = batch.node
    phone = f"（联系电话：{node.phone}）" if node.phone else ""
    return (
        f"经职工本人申请、基层工会初审和入户调查、{node.name}审核，以下{count}户职工家庭符合困难职工建档条件，"
        f"现予公示。公示期自{long_date(batch.starts_on)}至{long_date(batch.ends_on)}。公示期内，对公示对象有异议的，"
        f"请向{node.name}反映{phone}。反映情况请实事求是，提倡署真实姓名。"
    )


# the list on the notice board: ID numbers always masked (the notice is public), no phone numbers
NOTICE_COLUMNS = (
    row_number(),
    Column("户主姓名", 24, lambda entry: entry.household.head_name or "—"),
    Column("身份证号", 42, lambda entry: entry.masked_id, align="center"),
    Column("建档单位", 43, lambda entry: entry.household.node.name),
    Column("困难类别", 17, lambda entry: entry.household.get_category_display() or "—", align="center"),
    Column("家庭人口", 17, lambda entry: entry.household.household_size, align="right"),
    Column("人均月收入（元）", 31, lambda entry: _money(entry.household.per_capita_monthly_income), align="right"),
)


def notice_pdf(batch, entries):
    """A 公示 batch as the list posted on the notice board, A4 over as many pages as it takes.

    ``entries`` are those still on the list (an entry whose objection was upheld is withdrawn),
    in order, each with its household (head annotated, node selected) and ``masked_id``."""
    return list_pdf(
        title=batch.title, columns=NOTICE_COLUMNS, rows=entries,
        before=[notice_intro(batch, len(entries))], after=[batch.node.name, long_date(batch.starts_on)],
        author=batch.node.name, empty_text="本批公示没有档案。",
    )


def _member_sort_key(member):
    order = list(Relation.values)
    return (order.index(member.relation) if member.relation in order else len(order), member.pk or 0)


def _latest(changes, move):
    found = [change for change in changes if change.action == move]
    return found[-1] if found else None


def _date(value):
    return "" if value is None else value.isoformat()


def _money(value):
    return "" if value is None else f"{value:,.2f}"


def _yes_no(value):
    return "是" if value else "否"


def _health(member):
    health = member.get_health_display()
    details = "，".join(part for part in (member.disease, member.disability) if part)
    return f"{health}（{details}）" if details else health


def _member_columns(unmasked):
    return (
        Column("姓名", 15, lambda member: member.name, align="center"),
        Column("与户主关系", 19, lambda member: member.get_relation_display(), align="center"),
        Column("身份证号", 37, lambda member: shown_id(member.id_number, unmasked), align="center"),
        Column("出生日期", 20.5, lambda member: shown_birth_date(member.birth_date, unmasked), align="center"),
        Column("性别", 9, lambda member: member.get_sex_display(), align="center"),
        Column("健康状况", 20, _health, align="center"),
        Column("月收入(元)", 17, lambda member: _money(member.monthly_income), align="right"),
        Column("就业/就学", 17, lambda member: member.get_work_status_display(), align="center"),
        Column("学校及年级", 23.5, lambda member: " ".join(part for part in (member.school, member.grade) if part)),
    )


class _Form:
    """The 档案表 of one dossier; ``story`` lays it out with the grid's cells at one font size."""

    def __init__(self, household, members, changes, unmasked):
        self.household, self.changes, self.unmasked = household, changes, unmasked
        self.head = next((m for m in members if m.relation == Relation.HEAD), None)
        self.others = sorted((m for m in members if m.relation != Relation.HEAD), key=_member_sort_key)

    def story(self, cells, spare):
        # like the paper form, the opinion boxes take the rest of the page for hand-written notes
        self.cells, self.opinion_extra = cells, min(spare / len(OPINIONS), MAX_OPINION_EXTRA)
        grid = FormGrid(cells, SECTION_WIDTH, PAIR_WIDTHS)
        grid.add_pairs("户主基本情况", self.head_lines())
        grid.add_pairs("家庭经济状况", self.economy_lines())
        grid.add_pairs("致困原因", self.cause_lines())
        grid.add_nested("家庭成员情况", column_table(
            cells, _member_columns(self.unmasked), self.others, width=grid.inner_width, repeat_header=False,
            nested=True, min_rows=MIN_MEMBER_ROWS,
        ))
        self.add_signatures(grid)
        return [
            cells.title("困难职工档案表"),
            Spacer(1, cells.size * 0.6),
            self.header(),
            Spacer(1, cells.size * 0.3),
            grid.table(),
        ]

    def header(self):
        household, cells = self.household, self.cells
        row = [
            cells.value("建档单位：" + str(household.node)),
            cells.value("困难类别：" + (household.get_category_display() or "未认定"), "center"),
            cells.value("档案编号：" + str(household), "right"),
        ]
        table = Table([row], colWidths=[FRAME_WIDTH * 0.4, FRAME_WIDTH * 0.2, FRAME_WIDTH * 0.4])
        table.setStyle(TableStyle([
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        return table

    def head_lines(self):
        household, head, unmasked = self.household, self.head, self.unmasked
        enterprise = household.enterprise
        employer = enterprise.name if enterprise else household.employer_name
        nature = enterprise.get_nature_display() if enterprise else ""
        condition = enterprise.get_condition_display() if enterprise else ""
        phone = household.phone or (head.phone if head else "")
        area = f"{household.housing_area:g} ㎡" if household.housing_area is not None else ""
        get = (lambda attr: getattr(head, attr)) if head else (lambda attr: "")
        display = (lambda attr: getattr(head, f"get_{attr}_display")()) if head else (lambda attr: "")
        return [
            [("姓名", get("name")), ("性别", display("sex")), ("民族", get("ethnicity")),
             ("政治面貌", get("political_status"))],
            [("身份证号", shown_id(get("id_number"), unmasked), 2),
             ("出生日期", shown_birth_date(get("birth_date"), unmasked)), ("婚姻状况", get("marital_status"))],
            [("健康状况", _health(head) if head else "", 2), ("就业状况", display("work_status")),
             ("劳模级别", (get("model_worker") or "无") if head else "")],
            [("联系电话", shown_phone(phone, unmasked), 2), ("户口性质", household.get_hukou_type_display()),
             ("建档日期", _date(household.filed_on))],
            [("工作单位", employer, 2), ("单位性质", nature), ("经营状况", condition)],
            [("家庭住址", household.address, 2), ("住房类型", household.get_housing_type_display()),
             ("住房面积", area)],
        ]

    def economy_lines(self):
        household, head = self.household, self.head
        return [
            [("家庭人口", f"{household.household_size} 人"),
             ("本人月收入", _money(head.monthly_income) + " 元" if head else ""),
             ("其他年收入", _money(household.other_annual_income) + " 元"),
             ("年刚性支出", _money(household.rigid_expense) + " 元")],
            [("家庭年收入", _money(household.annual_income) + " 元"),
             ("人均月收入", _money(household.per_capita_monthly_income) + " 元"),
             ("低保标准", _money(household.dibao_standard_monthly) + " 元/月"
              if household.dibao_standard_monthly is not None else "未设置"),
             ("低保情况", household.get_dibao_status_display())],
            [("医疗保险", household.get_medical_insurance_display()), ("养老保险", household.get_pension_display()),
             ("单亲家庭", _yes_no(household.single_parent)), ("零就业家庭", _yes_no(household.zero_employment))],
            [("开户银行", household.bank_name, 2),
             ("银行账号", shown_account(household.bank_account, self.unmasked), 2)],
        ]

    def cause_lines(self):
        household = self.household
        secondary = "、".join(str(label) for label in household.secondary_cause_labels) or "无"
        lines = [[("主要原因", household.get_primary_cause_display(), 2), ("次要原因", secondary, 2)]]
        if household.accident_reason:
            lines.append([("意外致困说明", household.accident_reason, 4)])
        return lines

    def add_signatures(self, grid):
        household, cells = self.household, self.cells
        entrant = household.created_by.display_name if household.created_by_id else ""
        rows, commands = grid.pair_rows([
            [("填表人", ""), ("录入人", entrant), ("录入日期", long_date(household.created_at), 2)],
        ])
        for label, move, who, signer in OPINIONS:
            y = len(rows)
            rows.append([cells.label(label, note=who), self.opinion(move, signer)] + [""] * 6)
            commands.extend([
                ("BACKGROUND", (0, y), (0, y), LABEL_FILL),
                ("SPAN", (1, y), (7, y)),
                ("VALIGN", (1, y), (7, y), "TOP"),
            ])
        grid.add("审核审批", rows, commands)

    def opinion(self, move, signer):
        """The opinion box of a workflow step: its latest opinion, room to write, who signed and when."""
        household, cells = self.household, self.cells
        change = _latest(self.changes, move)
        opinion, name, when = "", "", None
        if change is not None:
            opinion, name, when = change.opinion or "同意。", change.actor.display_name, change.at
            if move == Move.CENTER_REVIEW and household.category:
                opinion = f"{opinion}（认定类别：{household.get_category_display()}）"
        if move == Move.APPROVE and household.approved_at:
            when = household.approved_at
        gap = "\u00a0" * 3
        sign_line = f"{signer}：{name or BLANK_NAME}{gap}（盖章）{gap}日期：{long_date(when) or BLANK_DATE}"
        return [
            Paragraph(text(opinion) or "&nbsp;", cells.styles["left"]),
            Spacer(1, cells.size * 1.2 + self.opinion_extra),
            cells.value(sign_line, "right"),
        ]
