"""The import of dossiers with their members from a township's Excel sheet: one row per person,
grouped into households by a 户编号 column or by the head's ID number.

Two background jobs (network.jobs) do the work on the uploaded file, never a request:

- the **preview** reads the sheet (cases.xlsx_upload, cases.sheet_values), groups the rows, checks
  every household as the dossier services will, matches people by ID number within the user's
  subtree, and counts what would be new, updated, unchanged or invalid; every problem is a row
  error (Excel row, column, the value masked where sensitive, the reason in Chinese), shown on the
  job page and written as an .xlsx report with the bad cells marked. Nothing is written.
- the **write**, after the user confirms a preview without errors, plans again from the same file
  inside one transaction; if the plan is not the one previewed (the data changed meanwhile) or a
  row fails, nothing is written. Each household goes through cases.services
  (household_import_from_sheet: validated whole, recomputed, history and an Excel导入 step).

Re-importing the same sheet, or the same people in a new one, changes nothing twice: a household is
the active dossier in the user's subtree whose head has the sheet's head's ID number; unchanged ones
are left alone. A person standing in an active dossier elsewhere is refused with the dossier form's
own message. Columns missing from the sheet leave stored values as they are; the members listed
are the household (a member of the dossier missing from the sheet is removed from it)."""

import hashlib
import json
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as N_
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from network import audit, jobs
from network.models import AuditAction, Enterprise, Node
from network.scoping import node_in_scope

from . import sheet_values as read
from .idcard import mask_id_number, mask_phone
from .import_jobs import start_preview, start_write
from .models import (
    Category,
    Cause,
    DibaoStatus,
    Health,
    Household,
    Housing,
    HukouType,
    MedicalInsurance,
    Member,
    Move,
    Pension,
    Relation,
    Status,
    WorkStatus,
)
from .official_lists import ETHNICITIES, MARITAL_STATUSES, POLITICAL_STATUSES
from .rules import DOSSIER_RULES, WorkflowError
from .services import (
    SheetDossier,
    household_import_from_sheet,
    household_recompute,
    household_validate,
    households_import_new,
)
from .validators import MAX_HOUSEHOLD_SIZE
from .xlsx_cells import text_cell
from .xlsx_upload import read_rows

PREVIEW, WRITE = "cases.import_preview", "cases.import_write"
PREVIEW_ROWS = 20
# the template's example row starts so; the import skips it
EXAMPLE = "示例（导入时忽略此行）"
ERRORS_SHOWN = 500
# new dossiers are written this many at a time (each batch validated whole by the service)
WRITE_BATCH = 500
# an existing dossier the sheet may change: the statuses the rulebook lets anyone edit
EDITABLE = (Status.DRAFT, Status.APPROVED)


def _masked_id(value):
    return mask_id_number(str(value or ""))


def _masked_phone(value):
    return mask_phone(str(value or ""))


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    part: str  # "group" (which household), "member" (the person's row) or "household" (the head's row)
    read: object
    field: str = ""
    aliases: tuple = ()
    example: object = ""
    note: str = ""
    mask: object = None
    text_format: bool = False

    @property
    def model_field(self):
        return self.field or self.key


def _choices(choices, aliases=None, default=""):
    return read.Choices(choices, aliases, default=default)


def _names(names, aliases=None, default=""):
    return read.Choices([(n, n) for n in names], aliases, default=default)


def _text(max_length):
    return lambda value: read.text(value, max_length=max_length)


def _digits(value):
    return re.sub(r"[\s\-]", "", read.text(value))


def _causes(value):
    raw = read.text(value)
    if not raw:
        return ""
    one = _choices(Cause.choices)
    codes = []
    for part in re.split(r"[、,，;；/\s]+", raw):
        if part:
            code = one(part)
            if code not in codes:
                codes.append(code)
    if len(codes) > 3:
        raise read.CellError(_("次要致困原因最多填写3项。"))
    return ",".join(codes)


RELATIONS = _choices(Relation.choices, {
    "户主": "head", "本人": "head", "户主本人": "head", "妻子": "spouse", "丈夫": "spouse", "妻": "spouse", "夫": "spouse",
    "夫妻": "spouse", "儿子": "child", "女儿": "child", "子": "child", "女": "child", "长子": "child", "长女": "child",
    "次子": "child", "次女": "child", "父亲": "parent", "母亲": "parent", "父": "parent", "母": "parent", "岳父": "parent",
    "岳母": "parent", "公公": "parent", "婆婆": "parent", "孙子": "grandchild", "孙女": "grandchild", "外孙": "grandchild",
    "外孙女": "grandchild", "哥哥": "sibling", "姐姐": "sibling", "弟弟": "sibling", "妹妹": "sibling", "兄弟": "sibling",
    "姐妹": "sibling",
})

COLUMNS = [
    Column("household_key", "户编号", "group", _text(40), aliases=("户号", "家庭编号", "户序号"), example=EXAMPLE,
           note=N_("同一户的成员填同一个户编号；不填时按“户主身份证号”归户。")),
    Column("name", "姓名", "member", _text(40), aliases=("成员姓名",), example="张志强", note=N_("必填。")),
    Column("relation", "与户主关系", "member", RELATIONS, aliases=("关系", "家庭关系", "与户主的关系"), example="户主本人",
           note=N_("必填。户主那一行填“户主本人”（或“户主”“本人”）。")),
    Column("id_number", "身份证号", "member", read.id_number, aliases=("身份证号码", "公民身份号码", "身份证"),
           example="532526197503140012", mask=_masked_id, text_format=True,
           note=N_("必填，18位。本列必须是“文本”格式，否则Excel会把号码变成科学计数法并丢掉后几位。")),
    Column("head_id", "户主身份证号", "group", read.id_number, aliases=("户主身份证号码",),
           mask=_masked_id, text_format=True, note=N_("家庭成员行填户主的身份证号，用来归户；户主行可以不填。")),
    Column("ethnicity", "民族", "member", _names(ETHNICITIES, {n[:-1]: n for n in ETHNICITIES if len(n) > 2},
                                                   default="汉族"), example="汉族"),
    Column("political_status", "政治面貌", "member",
           _names(POLITICAL_STATUSES, {"党员": "中共党员", "团员": "共青团员", "预备党员": "中共预备党员"}), example="群众"),
    Column("marital_status", "婚姻状况", "member", _names(MARITAL_STATUSES, {"离异": "离婚", "初婚": "已婚", "再婚": "已婚"}),
           example="已婚"),
    Column("health", "健康状况", "member", _choices(Health.choices, {"健康": "good", "好": "good", "重病": "serious",
                                                                    "大病": "serious", "慢病": "chronic"}, default="good"),
           example="良好"),
    Column("disease", "所患疾病", "member", _text(100)),
    Column("disability", "残疾类别及等级", "member", _text(60), aliases=("残疾情况", "残疾类别")),
    Column("work_status", "就业/就学状况", "member",
           _choices(WorkStatus.choices, {"在职": "employed", "学生": "student", "在读": "student", "上学": "student",
                                         "待业": "unemployed", "无": "none", "务农": "none"}, default="employed"),
           aliases=("就业状况", "就业就学状况", "就业情况"), example="下岗"),
    Column("model_worker", "劳模级别", "member", _text(30)),
    Column("monthly_income", "月收入（元）", "member", read.money, aliases=("月收入", "个人月收入", "月收入(元)"),
           example="900"),
    Column("member_phone", "联系电话", "member", _text(30), field="phone", aliases=("电话", "手机", "手机号"),
           example="13812345678", mask=_masked_phone, text_format=True),
    Column("school", "就读学校", "member", _text(100)),
    Column("grade", "年级", "member", _text(30)),
    Column("enrolment_year", "入学年份", "member", read.whole_number),
    Column("node", "建档节点", "household", _text(100), aliases=("所属节点", "建档单位"),
           note=N_("节点名称或编码；不填则为您本人所在的节点。")),
    Column("employer", "工作单位", "household", _text(120), aliases=("单位", "工作单位名称"), example="弥勒市木器厂"),
    Column("primary_cause", "主要致困原因", "household", _choices(Cause.choices), aliases=("致困原因",), example="下岗失业",
           note=N_("户主行必填。")),
    Column("secondary_causes", "次要致困原因", "household", _causes, note=N_("最多3项，用顿号“、”分隔。")),
    Column("category", "困难类别", "household", _choices(Category.choices, {"深度": "deep", "相对": "relative",
                                                                           "意外": "accident"}),
           note=N_("一般不填，由系统按收入认定；“意外致困”须同时填写意外致困说明。")),
    Column("accident_reason", "意外致困说明", "household", _text(2000)),
    Column("hukou_type", "户口性质", "household", _choices(HukouType.choices, {"城市": "urban", "非农": "urban",
                                                                             "非农业": "urban", "农业": "rural"},
                                                           default="urban"), aliases=("户籍性质",), example="城镇"),
    Column("address", "家庭住址", "household", _text(200), aliases=("住址", "家庭地址"), example="弥勒县弥阳镇髯翁社区",
           note=N_("户主行必填。")),
    Column("household_phone", "家庭其他联系电话", "household", _text(30), field="phone", mask=_masked_phone,
           text_format=True),
    Column("housing_type", "住房类型", "household", _choices(Housing.choices, {"自有": "own", "租房": "rent",
                                                                             "廉租房": "public_rent", "公租房": "public_rent"},
                                                             default="own"), example="自有住房"),
    Column("housing_area", "住房面积（㎡）", "household", read.decimal, aliases=("住房面积",)),
    Column("other_annual_income", "家庭其他年收入（元）", "household", read.money, aliases=("其他年收入",), example="0"),
    Column("medical_expense", "年医疗自付支出（元）", "household", read.money, aliases=("医疗支出",)),
    Column("education_expense", "年子女教育支出（元）", "household", read.money, aliases=("教育支出",)),
    Column("other_rigid_expense", "其他刚性支出（元/年）", "household", read.money, aliases=("其他刚性支出",)),
    Column("medical_insurance", "医疗保险", "household", _choices(MedicalInsurance.choices, {"职工": "employee",
                                                                                          "居民": "resident", "无": "none"},
                                                                  default="employee")),
    Column("pension", "养老保险", "household", _choices(Pension.choices, {"职工": "employee", "居民": "resident", "无": "none"},
                                                        default="employee")),
    Column("dibao_status", "低保情况", "household", _choices(DibaoStatus.choices, {"低保": "dibao", "无": "none",
                                                                                "否": "none", "是": "dibao", "特困": "supported"},
                                                             default="none")),
    Column("single_parent", "单亲家庭", "household", read.YES_NO, example="否"),
    Column("zero_employment", "零就业家庭", "household", read.YES_NO, example="否"),
    Column("bank_name", "开户银行", "household", _text(60)),
    Column("bank_account", "银行账号", "household", _digits, mask=_masked_id, text_format=True),
    Column("filed_on", "建档日期", "household", read.date, example="2024-03-01", note=N_("不填则为今天（在档档案为批准日期）。")),
    Column("remarks", "备注", "household", _text(2000)),
    Column("number", "档案编号", "household", _text(32), aliases=("原档案编号",), text_format=True,
           note=N_("只用于县援助分中心导入已批准的纸质档案；填了档案编号的户直接在档，须同时填写批准日期。")),
    Column("approved_on", "批准日期", "household", read.date, note=N_("与档案编号一起填写。")),
]
BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED = ("name", "relation", "id_number")
MEMBER_FIELDS = [c for c in COLUMNS if c.part == "member"]
HOUSEHOLD_FIELDS = [c for c in COLUMNS if c.part == "household" and c.key not in ("node", "employer", "number", "approved_on")]
FIELD_TO_COLUMN = {("member", c.model_field): c.key for c in MEMBER_FIELDS}
FIELD_TO_COLUMN.update({("household", c.model_field): c.key for c in HOUSEHOLD_FIELDS})
FIELD_TO_COLUMN.update({("household", "enterprise"): "employer", ("household", "employer_name"): "employer",
                        ("household", "node"): "node"})


def aliases():
    from .xlsx_upload import header_key

    found = {}
    for column in COLUMNS:
        for text in (column.header, *column.aliases):
            found[header_key(text)] = column.key
    return found


# --- the plan ---------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str  # a column key, or "" for the row as a whole
    value: str
    message: str

    def as_dict(self):
        column = BY_KEY.get(self.column)
        return {"row": self.row, "column": column.header if column else "", "value": self.value, "message": self.message}


@dataclass
class Group:
    key: str
    rows: list = field(default_factory=list)  # (SheetRow, parsed dict)
    action: str = ""  # new, updated, unchanged, invalid
    household: Household = None
    members: list = field(default_factory=list)
    number: str = ""
    approved_on: object = None
    category: str = ""
    existing: Household = None
    before: object = None  # what the dossier held, as the sheet sees it (for the fingerprint)

    @property
    def row_numbers(self):
        return [row.number for row, _parsed in self.rows]

    def describe_rows(self):
        numbers = self.row_numbers
        return _("第%(first)s行") % {"first": numbers[0]} if len(numbers) == 1 else \
            _("第%(first)s—%(last)s行") % {"first": numbers[0], "last": numbers[-1]}


@dataclass
class Plan:
    groups: list
    errors: list
    rows: int
    columns: dict

    def counts(self):
        counts = {"new": 0, "updated": 0, "unchanged": 0, "invalid": 0}
        for group in self.groups:
            counts[group.action] += 1
        counts["rows"], counts["people"] = self.rows, sum(len(g.rows) for g in self.groups)
        counts["errors"] = len(self.errors)
        return counts

    def fingerprint(self):
        """What the write would do, as a digest: the confirm writes only if it is the one previewed."""
        digest = hashlib.sha256()
        for group in self.groups:
            stamp = [group.existing.status, group.existing.updated_at.isoformat(), str(group.before)] \
                if group.existing is not None else ""
            values = [[row.number, sorted((k, str(v)) for k, v in parsed.items())] for row, parsed in group.rows]
            digest.update(json.dumps([group.action, group.key, stamp, values], ensure_ascii=False).encode())
        return digest.hexdigest()


class Planner:
    """Reads, groups, matches and checks the rows of a sheet for ``user``: a Plan, nothing saved."""

    def __init__(self, user, progress=None, *, validate=True):
        # the write plans again without checking each dossier: the service it calls checks them all
        # (the same household_validate), and a refusal there stops the whole write
        self.user, self.progress, self.validate = user, progress, validate
        self.errors, self.bad_rows = [], set()

    def error(self, row, column, message, raw=None):
        self.errors.append(RowError(row, column, self.shown(column, raw), str(message)))
        self.bad_rows.add(row)

    def shown(self, column, raw):
        """A cell's value as the report shows it: sensitive columns masked, whoever reads it."""
        if raw is None or raw == "":
            return ""
        value = raw.strftime("%Y-%m-%d") if hasattr(raw, "strftime") else str(raw)
        spec = BY_KEY.get(column)
        if spec is not None and spec.mask is not None:
            return spec.mask(value)
        return value[:60]

    def _reading(self, count):
        if self.progress:
            self.progress.step(message=_("正在读取表格（已读%(n)s行）……") % {"n": count})

    def plan(self, data):
        rows, columns = read_rows(data, aliases(), required=REQUIRED, on_rows=self._reading)
        if self.progress:
            self.progress.step(0, len(rows), _("正在检查表格……"), force=True)
        parsed_rows = [(row, self._parse(row)) for row in rows]
        groups = self._group(parsed_rows)
        self._load_context(groups)
        done = 0
        for group in groups:
            self._check(group, columns)
            done += len(group.rows)
            if self.progress:
                self.progress.step(done)
        if self.progress:
            self.progress.step(len(rows), force=True)
        self.errors.sort(key=lambda e: (e.row, list(BY_KEY).index(e.column) if e.column in BY_KEY else -1))
        return Plan(groups, self.errors, len(rows), columns)

    def _parse(self, row):
        parsed = {}
        for key, raw in row.values.items():
            try:
                parsed[key] = BY_KEY[key].read(raw)
            except read.CellError as error:
                self.error(row.number, key, error.message, raw)
        return parsed

    def _group(self, parsed_rows):
        groups, by_key, seen_ids = [], {}, {}
        for row, parsed in parsed_rows:
            if str(parsed.get("household_key", "")).startswith(EXAMPLE[:2]):
                continue
            number = parsed.get("id_number")
            if number:
                if number in seen_ids:
                    self.error(row.number, "id_number", _("与第%(row)s行的身份证号相同：同一个人在表中出现了两次。")
                               % {"row": seen_ids[number]}, number)
                    continue
                seen_ids[number] = row.number
            if parsed.get("household_key"):
                key = "k:" + parsed["household_key"]
            elif parsed.get("head_id"):
                key = "h:" + parsed["head_id"]
            elif parsed.get("relation") == Relation.HEAD and number:
                key = "h:" + number
            else:
                if "relation" in parsed:
                    self.error(row.number, "head_id", _("请填写户主身份证号（或户编号），以便把这位家庭成员归到户主名下。"))
                continue
            if key not in by_key:
                by_key[key] = Group(key)
                groups.append(by_key[key])
            by_key[key].rows.append((row, parsed))
        return groups

    def _load_context(self, groups):
        user = self.user
        self.nodes = list(Node.objects.visible_to(user).filter(is_active=True))
        self.node_by_name = defaultdict(list)
        for node in self.nodes:
            self.node_by_name[node.name].append(node)
            self.node_by_name[node.code].append(node)
        self.enterprises = defaultdict(list)
        for enterprise in Enterprise.objects.visible_to(user).select_related("node"):
            self.enterprises[enterprise.name].append(enterprise)
        ids = [parsed["id_number"] for g in groups for _row, parsed in g.rows if parsed.get("id_number")]
        self.standing = {}
        for start in range(0, len(ids), 2000):
            for member in (Member.objects.filter(id_number__in=ids[start:start + 2000], in_active_dossier=True)
                           .select_related("household__node")):
                self.standing[member.id_number] = member
        self.visible_households = {}
        wanted = list({m.household_id for m in self.standing.values() if m.relation == Relation.HEAD})
        for start in range(0, len(wanted), 2000):
            for household in (Household.objects.visible_to(user).filter(pk__in=wanted[start:start + 2000])
                              .select_related("node").prefetch_related("members")):
                self.visible_households[household.pk] = household
        numbers = [parsed["number"] for g in groups for _row, parsed in g.rows if parsed.get("number")]
        self.numbers_used = dict(Household.objects.filter(number__in=numbers).values_list("number", "pk"))
        self.file_numbers = {}
        self.may_import_on_file = DOSSIER_RULES.may_make(Move.IMPORT, user)
        self.standards = {}

    # -- one household

    def _check(self, group, columns):
        before = len(self.errors)
        heads = [(row, parsed) for row, parsed in group.rows if parsed.get("relation") == Relation.HEAD]
        first = group.rows[0][0]
        if not heads:
            self.error(first.number, "relation", _("%(rows)s这一户没有户主：请把户主那一行的“与户主关系”填为“户主本人”。")
                       % {"rows": group.describe_rows()})
        for row, _parsed in heads[1:]:
            self.error(row.number, "relation", _("同一户有两位户主（另一位在第%(row)s行）。") % {"row": heads[0][0].number})
        if len(group.rows) > MAX_HOUSEHOLD_SIZE:
            self.error(first.number, "", _("%(rows)s这一户超过%(max)s人，请核对归户是否正确。")
                       % {"rows": group.describe_rows(), "max": MAX_HOUSEHOLD_SIZE})
        for row, parsed in group.rows:
            for key in REQUIRED:
                if not parsed.get(key) and not any(e.row == row.number and e.column == key for e in self.errors):
                    self.error(row.number, key, _("必填项，请填写。"))
        if len(self.errors) > before or not heads or self.bad_rows.intersection(group.row_numbers):
            group.action = "invalid"
            return
        head_row, head = heads[0]
        group.head_row = head_row
        self._match(group, head_row, head)
        if len(self.errors) == before:
            self._build(group, head_row, head, columns)
        if len(self.errors) > before or self.bad_rows.intersection(group.row_numbers):
            group.action = "invalid"

    def _refusal(self, other):
        # the dossier form's own words, naming where the person is on file and nothing else
        return _("该人员已在“%(node)s”的一份有效档案中（%(status)s），一人不能同时建两份档案。") % {
            "node": other.node.name, "status": other.get_status_display()}

    def _match(self, group, head_row, head):
        existing = self.standing.get(head["id_number"])
        if existing is not None:
            if existing.household_id in self.visible_households and existing.relation == Relation.HEAD:
                group.existing = existing.household
            else:
                self.error(head_row.number, "id_number", self._refusal(existing.household), head["id_number"])
                return
        for row, parsed in group.rows:
            member = self.standing.get(parsed.get("id_number"))
            if member is not None and (group.existing is None or member.household_id != group.existing.pk) \
                    and parsed is not head:
                self.error(row.number, "id_number", self._refusal(member.household), parsed["id_number"])
        if group.existing is not None:
            household = group.existing
            if household.status not in EDITABLE:
                self.error(head_row.number, "id_number",
                           _("该户的档案正在审核流程中（%(status)s），不能通过导入修改；请在审核结束或退回后再导入。")
                           % {"status": household.get_status_display()}, head["id_number"])
            else:
                refusal = DOSSIER_RULES.refusal(Move.EDIT, household, self.user)
                if refusal is not None:
                    self.error(head_row.number, "", refusal)

    def _node(self, group, head_row, head):
        typed = head.get("node", "")
        if not typed:
            if group.existing is not None:
                return group.existing.node
            return self.user.node
        found = self.node_by_name.get(typed, [])
        if len(found) != 1:
            message = _("找不到名为“%(name)s”的节点，或它不在您的管辖范围内。") if not found else \
                _("有多个节点名为“%(name)s”，请改填节点编码。")
            self.error(head_row.number, "node", message % {"name": typed[:30]}, typed)
            return None
        return found[0]

    def _build(self, group, head_row, head, columns):
        node = self._node(group, head_row, head)
        if node is None:
            return
        if not node_in_scope(self.user, node):
            self.error(head_row.number, "node", _("建档节点不在您的管辖范围内。"), head.get("node"))
            return
        existing = group.existing
        if existing is not None:
            household = self.visible_households[existing.pk]
            stored_members = {m.id_number: m for m in household.members.all()}
            before = group.before = self._snapshot(household, stored_members.values())
        else:
            household = Household(node=node, created_by=self.user)
            stored_members = {}
        household.node = node
        if existing is None and "hukou_type" not in head:
            household.hukou_type = HukouType.URBAN
        for column in HOUSEHOLD_FIELDS:
            if column.key in columns and column.key in head:
                if head[column.key] is None and not Household._meta.get_field(column.model_field).null:
                    continue  # a blank date keeps the stored one (or the default)
                setattr(household, column.model_field, head[column.key])
        if "employer" in columns:
            self._employer(household, head.get("employer", ""))
        number, approved_on = head.get("number", ""), head.get("approved_on")
        if number or approved_on:
            self._on_file(group, head_row, household, number, approved_on)
        if existing is None and not head.get("filed_on"):
            household.filed_on = group.approved_on or timezone.localdate()
        members = []
        for row, parsed in sorted(group.rows, key=lambda item: item[1].get("relation") != Relation.HEAD):
            member = stored_members.get(parsed["id_number"]) or Member(id_number=parsed["id_number"])
            for column in MEMBER_FIELDS:
                if column.key in columns and column.key in parsed:
                    setattr(member, column.model_field, parsed[column.key])
            member._sheet_row = row.number
            members.append(member)
        self._validate(group, household, members)
        group.household, group.members = household, members
        if existing is None:
            group.action = "new"
        else:
            group.action = "unchanged" if self._snapshot(household, members) == before else "updated"

    def _employer(self, household, name):
        found = [e for e in self.enterprises.get(name, []) if household.node.path.startswith(e.node.path)
                 or e.node.path.startswith(household.node.path)] if name else []
        if len(found) == 1:
            household.enterprise, household.employer_name = found[0], ""
        else:
            household.enterprise, household.employer_name = None, name

    def _on_file(self, group, head_row, household, number, approved_on):
        if not self.may_import_on_file:
            self.error(head_row.number, "number", _("只有县援助分中心可以导入已批准的纸质档案（填写档案编号）。"), number)
            return
        if not number:
            self.error(head_row.number, "number", _("填写了批准日期的户必须同时填写原档案编号。"))
            return
        if approved_on is None:
            self.error(head_row.number, "approved_on", _("填写了档案编号的户必须同时填写批准日期。"))
            return
        if approved_on > timezone.localdate():
            self.error(head_row.number, "approved_on", _("批准日期不能晚于今天。"), approved_on)
        if group.existing is not None:
            if group.existing.number != number:
                self.error(head_row.number, "number", _("该户已在系统中，档案编号为“%(number)s”，与表中不一致。")
                           % {"number": group.existing.number or _("（未编号）")}, number)
            return
        if number in self.numbers_used or number in self.file_numbers:
            where = _("第%(row)s行") % {"row": self.file_numbers[number]} if number in self.file_numbers else _("另一份档案")
            self.error(head_row.number, "number", _("档案编号“%(number)s”已被%(where)s使用。")
                       % {"number": number, "where": where}, number)
            return
        self.file_numbers[number] = head_row.number
        group.number, group.approved_on = number, approved_on
        group.category = household.category if household.category in Category.values else ""

    def _validate(self, group, household, members):
        """The dossier services' own check (household_validate); when it refuses, every field of
        every person is checked to name each bad cell, not only the first."""
        if not self.validate:
            return
        if household.category == Category.ACCIDENT and not household.accident_reason.strip():
            self.error(group.head_row.number, "accident_reason", _("选择“意外致困”时必须填写意外致困说明。"))
        try:
            household_validate(household, members)
        except WorkflowError as error:
            before = len(self.errors)
            self._field_errors(group, household, members)
            if len(self.errors) == before:
                self.error(group.head_row.number, "", error.messages[0])
            return
        if group.existing is None:
            household_recompute(household, members, standards=self.standards)

    def _field_errors(self, group, household, members):
        for member in members:
            try:
                member.full_clean(exclude=["household", "birth_date", "sex"], validate_unique=False,
                                  validate_constraints=False)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    key = FIELD_TO_COLUMN.get(("member", name), "")
                    self.error(member._sheet_row, key, messages[0], getattr(member, name, None) if key else None)
        try:
            household.full_clean(exclude=["created_by", "household_size"], validate_unique=False,
                                 validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                key = FIELD_TO_COLUMN.get(("household", name), "")
                self.error(group.head_row.number, key, messages[0], getattr(household, name, None) if key else None)

    @staticmethod
    def _snapshot(household, members):
        """What the sheet can change of a dossier, to tell an unchanged one."""
        names = [c.model_field for c in HOUSEHOLD_FIELDS] + ["node_id", "enterprise_id", "employer_name"]
        fields = [c.model_field for c in MEMBER_FIELDS]
        return ([getattr(household, name) for name in names],
                sorted((m.id_number, [getattr(m, name) for name in fields]) for m in members))


# --- the jobs -----------------------------------------------------------------------------------------


def _preview_rows(plan):
    rows = []
    for group in plan.groups:
        if group.household is None:
            continue
        head = group.members[0]
        rows.append({
            "rows": group.describe_rows(), "action": group.action, "action_label": str(ACTION_LABELS[group.action]),
            "head": head.name,
            "id_number": mask_id_number(head.id_number), "node": group.household.node.name,
            "size": len(group.members), "category": group.household.get_category_display(),
            "per_capita": str(group.household.per_capita_monthly_income), "number": group.number,
        })
        if len(rows) >= PREVIEW_ROWS:
            break
    return rows


ACTION_LABELS = {"new": N_("新建"), "updated": N_("更新"), "unchanged": N_("无变化"), "invalid": N_("有错误")}


def run_preview(job, progress):
    """The preview job: the plan's counts, first rows and row errors; an error report when needed."""
    with job.source.open("rb") as source:
        plan = Planner(job.owner, progress).plan(source.read())
    counts = plan.counts()
    outcome = {
        "counts": counts, "rows": _preview_rows(plan), "errors": [e.as_dict() for e in plan.errors[:ERRORS_SHOWN]],
        "fingerprint": plan.fingerprint(), "writes": counts["new"] + counts["updated"],
    }
    if plan.errors:
        _save_error_report(job, plan)
        outcome["message"] = _("检查完毕：发现%(n)s处错误，请按错误清单修改表格后重新上传；未写入任何数据。") % {"n": len(plan.errors)}
    elif outcome["writes"]:
        outcome["message"] = _("检查完毕，没有发现错误。请核对后确认导入。")
    else:
        outcome["message"] = _("检查完毕：表中的档案与系统中完全一致，无需导入。")
    return outcome


def run_write(job, progress):
    """The write job: plans again from the same file and writes it all, or nothing."""
    from network.models import Job

    preview = Job.objects.get(pk=job.params["preview"])
    with transaction.atomic():
        with job.source.open("rb") as source:
            plan = Planner(job.owner, progress, validate=False).plan(source.read())
        if plan.errors:
            raise WorkflowError(_("重新检查时发现%(n)s处错误（第%(row)s行：%(message)s），未写入任何数据。请重新上传预览。")
                                % {"n": len(plan.errors), "row": plan.errors[0].row, "message": plan.errors[0].message})
        if plan.fingerprint() != preview.outcome.get("fingerprint"):
            raise WorkflowError(_("自预览以来系统中的档案已有变化，未写入任何数据。请重新上传预览后再确认。"))
        new = [g for g in plan.groups if g.action == "new"]
        updated = [g for g in plan.groups if g.action == "updated"]
        progress.step(0, len(new) + len(updated), _("正在写入……"), force=True)
        name = job.source_name or _("Excel表格")

        def note(group):
            return _("Excel导入：%(file)s %(rows)s") % {"file": name[:80], "rows": group.describe_rows()}

        for start in range(0, len(new), WRITE_BATCH):
            batch = new[start:start + WRITE_BATCH]
            try:
                households_import_new(actor=job.owner, dossiers=[
                    SheetDossier(group.household, group.members, note(group), group.number, group.approved_on,
                                 group.category) for group in batch])
            except WorkflowError as error:
                raise WorkflowError(_("%(message)s（第%(first)s—%(last)s行之间）；未写入任何数据。")
                                    % {"message": error.messages[0], "first": batch[0].row_numbers[0],
                                       "last": batch[-1].row_numbers[-1]}) from error
            progress.step(start + len(batch))
        for index, group in enumerate(updated, start=len(new) + 1):
            try:
                household_import_from_sheet(household=group.household, members=group.members, actor=job.owner,
                                            note=note(group))
            except WorkflowError as error:
                raise WorkflowError(_("%(rows)s：%(message)s；未写入任何数据。")
                                    % {"rows": group.describe_rows(), "message": error.messages[0]}) from error
            progress.step(index)
        # the sheet's file name is left out: it may name a person
        audit.record(job.owner, AuditAction.IMPORT, job, row_count=len(new) + len(updated),
                     detail=f"档案导入：新建 {len(new)} 户，更新 {len(updated)} 户")
    counts = plan.counts()
    return {"counts": counts, "message": _("导入完成：新建%(new)s户，更新%(updated)s户，%(unchanged)s户无变化。") % counts}


def _save_error_report(job, plan):
    """The row errors as an .xlsx: the list, and the sheet's rows with the bad cells marked."""
    workbook = Workbook(write_only=True)
    listing = workbook.create_sheet(_("错误清单"))
    bold = Font(bold=True)
    listing.column_dimensions["A"].width, listing.column_dimensions["B"].width = 8, 18
    listing.column_dimensions["C"].width, listing.column_dimensions["D"].width = 24, 70
    listing.append([text_cell(listing, name, font=bold) for name in (_("行号"), _("列"), _("填写的内容"), _("错误原因"))])
    for error in plan.errors:
        item = error.as_dict()
        listing.append([item["row"], text_cell(listing, item["column"]), text_cell(listing, item["value"]),
                        text_cell(listing, item["message"])])
    marked = workbook.create_sheet(_("原表（已标出错误）"))
    keys = [c.key for c in COLUMNS if c.key in plan.columns]
    bad = PatternFill("solid", fgColor="F8CBAD")
    marked.append([text_cell(marked, _("行号"), font=bold)]
                  + [text_cell(marked, plan.columns[k], font=bold) for k in keys]
                  + [text_cell(marked, _("错误原因"), font=bold)])
    by_row = defaultdict(list)
    for error in plan.errors:
        by_row[error.row].append(error)
    planner = Planner(job.owner)
    for group_row in sorted(by_row):
        errors = by_row[group_row]
        bad_columns = {e.column for e in errors}
        cells = [group_row]
        raw = next((row.values for g in plan.groups for row, _p in g.rows if row.number == group_row), None)
        for key in keys:
            value = planner.shown(key, raw.get(key) if raw else None) if raw else ""
            cells.append(text_cell(marked, value, **({"fill": bad} if key in bad_columns else {})))
        cells.append(text_cell(marked, "；".join(e.message for e in errors), alignment=Alignment(wrap_text=True)))
        marked.append(cells)
    with tempfile.TemporaryFile(suffix=".xlsx") as target:
        workbook.save(target)
        target.seek(0)
        job.result.save("report.xlsx", File(target), save=False)
    job.result_name = _("导入错误清单.xlsx")
    job.save(update_fields=["result", "result_name"])


# --- the template -------------------------------------------------------------------------------------


def template_workbook():
    """The template to fill: Chinese headers, the ID columns as text, choices as drop-downs, an
    example row; a second sheet explains each column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("困难职工档案导入")
    header_fill = PatternFill("solid", fgColor="EEF1F4")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font, cell.fill = Font(bold=True, color="C00000" if column.key in REQUIRED else "000000"), header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if column.note:
            cell.comment = Comment(str(column.note), "工会帮扶")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 22 if column.text_format else max(10, len(column.header) * 2 + 2)
        example = sheet.cell(row=2, column=index, value=column.example if column.example != "" else None)
        if column.text_format:
            for row in range(2, 2001):
                sheet.cell(row=row, column=index).number_format = "@"
            example.data_type = "s"
        choices = getattr(column.read, "labels", None)
        if choices and len(",".join(label for _v, label in choices)) < 250:
            rule = DataValidation(type="list", formula1='"' + ",".join(label for _v, label in choices) + '"',
                                  allow_blank=True, showErrorMessage=False)
            rule.add(f"{letter}2:{letter}2000")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "C2"
    help_sheet = workbook.create_sheet(_("填写说明"))
    help_sheet.append([_("列"), _("说明"), _("可填的值")])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    help_sheet.append([_("（整张表）"), _("一行填一个人。同一户的成员填同一个“户编号”，或在“户主身份证号”列填户主的身份证号。"
                                         "家庭信息（住址、致困原因、收入支出等）填在户主那一行。表格上方可以有标题行。"), ""])
    for column in COLUMNS:
        choices = column.read.listed() if isinstance(column.read, read.Choices) else ""
        help_sheet.append([column.header, str(column.note), choices])
    help_sheet.column_dimensions["A"].width, help_sheet.column_dimensions["B"].width = 20, 80
    help_sheet.column_dimensions["C"].width = 60
    target = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(target)
    target.seek(0)
    return target


jobs.register(PREVIEW, label=N_("档案导入：检查与预览"), run=run_preview, template="cases/includes/_import_preview.html")
jobs.register(WRITE, label=N_("档案导入：写入"), run=run_write, template="cases/includes/_import_done.html")


def job_filter(user):
    """The import jobs ``user`` may open (for the import page's list of his recent ones)."""
    from network.models import Job

    return Job.objects.for_user(user).filter(Q(kind=PREVIEW) | Q(kind=WRITE))


def import_start(*, user, upload):
    """Keeps an uploaded dossier sheet and starts its preview job (cases.import_jobs)."""
    return start_preview(user=user, upload=upload, kind=PREVIEW, permission="cases.add_household")


def import_confirm(*, user, preview):
    """Starts the write of a dossier preview without errors (the user's own); the write re-checks all."""
    return start_write(user=user, preview=preview, preview_kind=PREVIEW, kind=WRITE,
                       nothing_to_write=_("表中的档案与系统中完全一致，无需导入。"))
