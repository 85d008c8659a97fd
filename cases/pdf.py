"""The dossier printed as the paper 困难职工档案表: one A4 page, a bordered form table.

Everything a user typed is escaped before it reaches a Paragraph (reportlab reads Paragraph
text as markup), and ID and phone numbers go through ``cases.sensitive`` like on every page.
"""

import io
import os
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepInFrame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .models import Move, Relation
from .sensitive import shown_account, shown_birth_date, shown_id, shown_phone

FONT_NAME = "UnionAidCJK"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 12 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - 2 * MARGIN
LABEL_FILL = colors.HexColor("#E8E8E8")
SECTION_WIDTH = 8 * mm
# label and value columns of the four pairs in a row, after the section column
PAIR_WIDTHS = [21.5 * mm, 23 * mm] * 4
MEMBER_WIDTHS = [15 * mm, 19 * mm, 37 * mm, 20.5 * mm, 9 * mm, 20 * mm, 17 * mm, 17 * mm, 23.5 * mm]
MIN_MEMBER_ROWS = 4
# tried in turn until the page fits; KeepInFrame shrinks whatever still does not
FONT_SIZES = (9, 8.5, 8, 7.5, 7, 6.5)
# the opinion boxes grow into the page's spare height, up to this much each
MAX_OPINION_EXTRA = 25 * mm
FOOTER_RESERVE = 2 * mm

# room to sign by hand where nobody has signed in the system (no-break spaces: Paragraph keeps them)
BLANK_NAME = "\u00a0" * 16
BLANK_DATE = "\u00a0" * 8 + "年" + "\u00a0" * 5 + "月" + "\u00a0" * 5 + "日"

_registered_fonts = {}


def cjk_font():
    """Registers the CJK TrueType font of settings.PDF_CJK_FONT once and returns its name."""
    path = getattr(settings, "PDF_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    if path in _registered_fonts:
        return _registered_fonts[path]
    if not os.path.isfile(path):
        raise ImproperlyConfigured(
            f"The CJK font for PDFs was not found at {path!r} (settings.PDF_CJK_FONT). Install the Debian "
            "package fonts-wqy-zenhei (apt-get install fonts-wqy-zenhei) or point PDF_CJK_FONT at a "
            "TrueType font with Chinese glyphs."
        )
    name = f"{FONT_NAME}{len(_registered_fonts)}"
    options = {"subfontIndex": 0} if path.lower().endswith(".ttc") else {}
    pdfmetrics.registerFont(TTFont(name, path, **options))
    _registered_fonts[path] = name
    return name


def household_pdf(household, *, unmasked):
    """The dossier as a one-page A4 PDF laid out like the paper 困难职工档案表.

    ``unmasked`` prints full ID and phone numbers; the caller decides it (cases.sensitive.reveal).
    Read the household with its node, enterprise and created_by selected and its members and
    status changes prefetched to print it in a handful of queries."""
    font = cjk_font()
    members = list(household.members.all())
    changes = list(household.status_changes.all())
    for size in FONT_SIZES:
        form = _Form(font, size, unmasked)
        story = form.story(household, members, changes)
        spare = FRAME_HEIGHT - FOOTER_RESERVE - _height(story)
        if spare >= 0:
            # like the paper form, the opinion boxes take the rest of the page for hand-written notes
            extra = min(spare / len(_Form.OPINIONS), MAX_OPINION_EXTRA)
            story = form.story(household, members, changes, opinion_extra=extra)
            break

    buffer = io.BytesIO()
    frame = Frame(MARGIN, MARGIN, FRAME_WIDTH, FRAME_HEIGHT, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0)
    doc = BaseDocTemplate(
        buffer, pagesize=A4, pageTemplates=[PageTemplate(frames=[frame], onPage=form.footer)],
        title=f"困难职工档案表 {household}", author=str(household.node), creator="union_aid",
    )
    doc.build([KeepInFrame(FRAME_WIDTH, FRAME_HEIGHT, story, mode="shrink")])
    return buffer.getvalue()


def _height(story):
    return sum(flowable.wrap(FRAME_WIDTH, FRAME_HEIGHT)[1] for flowable in story)


def _member_sort_key(member):
    order = list(Relation.values)
    return (order.index(member.relation) if member.relation in order else len(order), member.pk or 0)


def _latest(changes, action):
    found = [change for change in changes if change.action == action]
    return found[-1] if found else None


def _date(value, long=False):
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日" if long else value.isoformat()


def _money(value):
    return "" if value is None else f"{value:,.2f}"


def _yes_no(value):
    return "是" if value else "否"


class _Title(Flowable):
    """The form's title, centred and drawn bold (filled and stroked: the CJK font has no bold face)."""

    def __init__(self, text, font, size):
        super().__init__()
        self.text, self.font, self.size = text, font, size

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.size * 1.2

    def draw(self):
        text = self.canv.beginText()
        text.setFont(self.font, self.size)
        text.setCharSpace(self.size * 0.15)
        text.setTextRenderMode(2)
        width = pdfmetrics.stringWidth(self.text, self.font, self.size) + self.size * 0.15 * (len(self.text) - 1)
        text.setTextOrigin((self.width - width) / 2, self.size * 0.2)
        text.textOut(self.text)
        self.canv.setLineWidth(self.size * 0.03)
        self.canv.drawText(text)


class _Form:
    """One rendering of the form at one font size."""

    # label, the workflow action whose opinion it prints, who gives it, who signs
    OPINIONS = (
        ("初审意见", Move.PRELIMINARY, "乡镇/系统工会", "经办人"),
        ("中心审核意见", Move.CENTER_REVIEW, "", "审核人"),
        ("审批意见", Move.APPROVE, "", "审批人"),
    )

    def __init__(self, font, size, unmasked):
        self.font, self.size, self.unmasked = font, size, unmasked
        leading = size * 1.3
        self.pad = max(size * 0.28, 1.8)
        self.label_style = ParagraphStyle("label", fontName=font, fontSize=size, leading=leading, alignment=TA_CENTER,
                                          wordWrap="CJK")
        self.value_style = ParagraphStyle("value", fontName=font, fontSize=size, leading=leading, alignment=TA_LEFT,
                                          wordWrap="CJK")
        self.centered_style = ParagraphStyle("centered", parent=self.value_style, alignment=TA_CENTER)
        self.right_style = ParagraphStyle("right", parent=self.value_style, alignment=TA_RIGHT)
        self.section_style = ParagraphStyle("section", parent=self.label_style, leading=size * 1.25)

    # cells: every value a user typed passes through escape() before becoming a Paragraph
    def label(self, text):
        return Paragraph(escape(str(text)), self.label_style)

    def value(self, text, style=None):
        return Paragraph(escape(str(text or "")), style or self.value_style)

    def section(self, text):
        return Paragraph("<br/>".join(escape(char) for char in str(text)), self.section_style)

    def story(self, household, members, changes, opinion_extra=0):
        head = next((m for m in members if m.relation == Relation.HEAD), None)
        others = sorted((m for m in members if m.relation != Relation.HEAD), key=_member_sort_key)
        self.opinion_extra = opinion_extra
        return [
            _Title("困难职工档案表", self.font, self.size * 2.1),
            Spacer(1, self.size * 0.6),
            self.header(household),
            Spacer(1, self.size * 0.3),
            self.main_table(household, head, others, changes),
        ]

    def header(self, household):
        cells = [
            self.value("建档单位：" + str(household.node)),
            self.value("困难类别：" + (household.get_category_display() or "未认定"), self.centered_style),
            self.value("档案编号：" + str(household), self.right_style),
        ]
        table = Table([cells], colWidths=[FRAME_WIDTH * 0.4, FRAME_WIDTH * 0.2, FRAME_WIDTH * 0.4])
        table.setStyle(TableStyle([
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        return table

    def main_table(self, household, head, others, changes):
        """One bordered grid for the whole form, so every section shares the same outer lines."""
        rows, styles = [], []
        for build in (self.head_rows, self.economy_rows, self.cause_rows, self.member_rows, self.signature_rows):
            start = len(rows)
            section_rows, section_styles = build(household, head, others, changes)
            rows.extend(section_rows)
            styles.extend(self._shift(section_styles, start))
            styles.append(("SPAN", (0, start), (0, len(rows) - 1)))
            styles.append(("BACKGROUND", (0, start), (0, len(rows) - 1), LABEL_FILL))

        col_widths = [SECTION_WIDTH] + PAIR_WIDTHS
        table = Table(rows, colWidths=col_widths, repeatRows=0)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), self.pad * 1.2),
            ("RIGHTPADDING", (0, 0), (-1, -1), self.pad * 1.2),
            ("TOPPADDING", (0, 0), (-1, -1), self.pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), self.pad),
            *styles,
        ]))
        return table

    @staticmethod
    def _shift(styles, offset):
        shifted = []
        for command, start, end, *rest in styles:
            shifted.append((command, (start[0], start[1] + offset), (end[0], end[1] + offset), *rest))
        return shifted

    def _pair_rows(self, section, lines):
        """Rows of label/value pairs on the 8-column grid. A pair spanning ``n`` pairs is written
        (label, value, n); the label cells get the grey fill."""
        rows, styles = [], []
        for y, line in enumerate(lines):
            row = [self.section(section) if y == 0 else ""]
            col = 1
            for label, value, *span in line:
                pairs = span[0] if span else 1
                row.append(self.label(label))
                styles.append(("BACKGROUND", (col, y), (col, y), LABEL_FILL))
                row.append(value if isinstance(value, Paragraph) else self.value(value))
                width = pairs * 2 - 1
                if width > 1:
                    styles.append(("SPAN", (col + 1, y), (col + width, y)))
                    row.extend([""] * (width - 1))
                col += 1 + width
            rows.append(row)
        return rows, styles

    def head_rows(self, household, head, others, changes):
        enterprise = household.enterprise
        employer = enterprise.name if enterprise else household.employer_name
        nature = enterprise.get_nature_display() if enterprise else ""
        condition = enterprise.get_condition_display() if enterprise else ""
        health = ""
        if head:
            health = head.get_health_display()
            details = "，".join(part for part in (head.disease, head.disability) if part)
            if details:
                health = f"{health}（{details}）"
        phone = household.phone or (head.phone if head else "")
        area = f"{household.housing_area:g} ㎡" if household.housing_area is not None else ""
        get = (lambda attr: getattr(head, attr)) if head else (lambda attr: "")
        display = (lambda attr: getattr(head, f"get_{attr}_display")()) if head else (lambda attr: "")
        return self._pair_rows("户主基本情况", [
            [("姓名", get("name")), ("性别", display("sex")), ("民族", get("ethnicity")),
             ("政治面貌", get("political_status"))],
            [("身份证号", shown_id(get("id_number"), self.unmasked), 2), ("出生日期", shown_birth_date(get("birth_date"), self.unmasked)),
             ("婚姻状况", get("marital_status"))],
            [("健康状况", health, 2), ("就业状况", display("work_status")), ("劳模级别", (get("model_worker") or "无") if head else "")],
            [("联系电话", shown_phone(phone, self.unmasked), 2), ("户口性质", household.get_hukou_type_display()),
             ("建档日期", _date(household.filed_on))],
            [("工作单位", employer, 2), ("单位性质", nature), ("经营状况", condition)],
            [("家庭住址", household.address, 2), ("住房类型", household.get_housing_type_display()),
             ("住房面积", area)],
        ])

    def economy_rows(self, household, head, others, changes):
        return self._pair_rows("家庭经济状况", [
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
            [("开户银行", household.bank_name, 2), ("银行账号", shown_account(household.bank_account, self.unmasked), 2)],
        ])

    def cause_rows(self, household, head, others, changes):
        secondary = "、".join(str(label) for label in household.secondary_cause_labels) or "无"
        lines = [[("主要原因", household.get_primary_cause_display(), 2), ("次要原因", secondary, 2)]]
        if household.accident_reason:
            lines.append([("意外致困说明", household.accident_reason, 4)])
        return self._pair_rows("致困原因", lines)

    def member_rows(self, household, head, others, changes):
        """The family members on the form's own narrower grid, nested in the main table's row."""
        header = ["姓名", "与户主关系", "身份证号", "出生日期", "性别", "健康状况", "月收入(元)", "就业/就学", "学校及年级"]
        data = [[self.label(text) for text in header]]
        for member in others:
            health = member.get_health_display()
            if member.disease or member.disability:
                health = f"{health}（{member.disease or member.disability}）"
            school = " ".join(part for part in (member.school, member.grade) if part)
            data.append([
                self.value(member.name, self.centered_style),
                self.value(member.get_relation_display(), self.centered_style),
                self.value(shown_id(member.id_number, self.unmasked), self.centered_style),
                self.value(shown_birth_date(member.birth_date, self.unmasked), self.centered_style),
                self.value(member.get_sex_display(), self.centered_style),
                self.value(health, self.centered_style),
                self.value(_money(member.monthly_income), self.right_style),
                self.value(member.get_work_status_display(), self.centered_style),
                self.value(school),
            ])
        blank_height = self.size * 1.3 + 2 * self.pad
        data.extend([[""] * len(header) for _ in range(max(MIN_MEMBER_ROWS - len(others), 0))])
        heights = [None] * (len(others) + 1) + [blank_height] * max(MIN_MEMBER_ROWS - len(others), 0)
        inner = Table(data, colWidths=MEMBER_WIDTHS, rowHeights=heights)
        inner.setStyle(TableStyle([
            ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), LABEL_FILL),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), self.pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), self.pad),
            ("TOPPADDING", (0, 0), (-1, -1), self.pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), self.pad),
        ]))
        row = [self.section("家庭成员情况"), inner] + [""] * 7
        styles = [
            ("SPAN", (1, 0), (8, 0)),
            ("LEFTPADDING", (1, 0), (8, 0), 0), ("RIGHTPADDING", (1, 0), (8, 0), 0),
            ("TOPPADDING", (1, 0), (8, 0), 0), ("BOTTOMPADDING", (1, 0), (8, 0), 0),
        ]
        return [row], styles

    def signature_rows(self, household, head, others, changes):
        entrant = household.created_by.display_name if household.created_by_id else ""
        rows, styles = self._pair_rows("审核审批", [
            [("填表人", "", 1), ("录入人", entrant), ("录入日期", _date(household.created_at, long=True), 2)],
        ])
        for label, action, who, signer in self.OPINIONS:
            y = len(rows)
            label_text = escape(label) + (f'<br/><font size="{self.size * 0.85:g}">{escape(who)}</font>' if who else "")
            rows.append(["", Paragraph(label_text, self.label_style), self.opinion(household, changes, action, signer)]
                        + [""] * 6)
            styles.extend([
                ("BACKGROUND", (1, y), (1, y), LABEL_FILL),
                ("SPAN", (2, y), (8, y)),
                ("VALIGN", (2, y), (8, y), "TOP"),
            ])
        return rows, styles

    def opinion(self, household, changes, action, signer):
        """The opinion box of a workflow step: its latest opinion, room to write, who signed and when."""
        change = _latest(changes, action)
        text, name, when = "", "", None
        if change is not None:
            text, name, when = change.opinion or "同意。", change.actor.display_name, change.at
            if action == "中心审核通过" and household.category:
                text = f"{text}（认定类别：{household.get_category_display()}）"
        if action == "审批通过" and household.approved_at:
            when = household.approved_at
        sign_line = "{signer}：{name}\u00a0\u00a0\u00a0（盖章）\u00a0\u00a0\u00a0日期：{date}".format(
            signer=signer, name=name or BLANK_NAME, date=_date(when, long=True) or BLANK_DATE
        )
        return [
            Paragraph(escape(text) or "&nbsp;", self.value_style),
            Spacer(1, self.size * 1.2 + self.opinion_extra),
            Paragraph(escape(sign_line), self.right_style),
        ]

    def footer(self, canvas, doc):
        canvas.saveState()
        canvas.setFont(self.font, 7)
        canvas.setFillColor(colors.grey)
        note = "打印日期：" + _date(timezone.localdate(), long=True)
        if not self.unmasked:
            note += "　身份证号、电话号码已隐去部分数字"
        canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN * 0.5, note)
        canvas.restoreState()
