"""The import of units (enterprises, schools, hospitals… whose workers file through a node) from
a sheet: one unit per row, matched by its name at its node (or by its credit code) within the
user's subtree, so that re-importing changes nothing twice. Written through
network.services.enterprise_save, all or nothing (cases.row_imports)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as N_

from network.models import Enterprise, EnterpriseCondition, EnterpriseNature
from network.services import RegisterError, enterprise_save

from . import sheet_values as read
from .idcard import mask_phone
from .imports import Column
from .row_imports import RowImport, register
from .rules import WorkflowError

FIELDS = ("name", "credit_code", "nature", "condition", "industry", "employee_count", "contact_person", "phone")


def _credit_code(value):
    code = re.sub(r"\s", "", read.text(value)).upper()
    if code and not re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}", code):
        raise read.CellError(_("统一社会信用代码应为18位（数字和大写字母），请核对。"))
    return code


COLUMNS = [
    Column("name", "单位名称", "row", lambda v: read.text(v, max_length=120), aliases=("单位", "企业名称"),
           note=N_("必填。同一节点下名称不能重复；已有的单位按名称（或信用代码）更新。")),
    Column("node", "所属节点", "row", lambda v: read.text(v, max_length=100), aliases=("建档节点", "所属援助站点"),
           note=N_("节点名称或编码；不填则为您本人所在的节点。")),
    Column("credit_code", "统一社会信用代码", "row", _credit_code, aliases=("信用代码",), text_format=True),
    Column("nature", "单位性质", "row", read.Choices(EnterpriseNature.choices, {
        "国企": "state", "国有企业": "state", "集体企业": "collective", "私营": "private", "民营企业": "private",
        "私营企业": "private", "股份": "joint", "股份有限公司": "joint", "有限责任公司": "joint", "外资": "foreign",
        "合资": "foreign", "事业": "institution", "行政机关": "government", "个体户": "individual"}, default="other"),
           note=N_("不填为“其他”。")),
    Column("condition", "经营状况", "row", read.Choices(EnterpriseCondition.choices, {
        "困难": "difficult", "停业": "halted", "半停业": "semi_halted", "倒闭": "closed"}, default="normal")),
    Column("industry", "所属行业", "row", lambda v: read.text(v, max_length=60), aliases=("行业",)),
    Column("employee_count", "职工人数", "row", read.whole_number, aliases=("职工数", "人数")),
    Column("contact_person", "工会联系人", "row", lambda v: read.text(v, max_length=50), aliases=("联系人",)),
    Column("phone", "联系电话", "row", lambda v: read.text(v, max_length=30), aliases=("电话",), mask=mask_phone,
           text_format=True),
]


def _load(planner, planned):
    planner.nodes = planner.nodes_by_name()
    planner.units, planner.codes = {}, {}
    for unit in Enterprise.objects.visible_to(planner.user).select_related("node"):
        planner.units[unit.node_id, unit.name] = unit
        if unit.credit_code:
            planner.codes[unit.credit_code] = unit
    planner.seen = {}


def _check(planner, row, parsed):
    typed = parsed.get("node", "")
    if typed:
        found = planner.nodes.get(typed, [])
        if len(found) != 1:
            message = _("找不到名为“%(name)s”的节点，或它不在您的管辖范围内。") if not found else \
                _("有多个节点名为“%(name)s”，请改填节点编码。")
            planner.error(row.number, "node", message % {"name": typed[:30]}, typed)
            return None
        node = found[0]
    else:
        node = planner.user.node
    name, code = parsed["name"], parsed.get("credit_code", "")
    for key in ((node.pk, name), code):
        if key and key in planner.seen:
            planner.error(row.number, "name" if isinstance(key, tuple) else "credit_code",
                          _("与第%(row)s行是同一个单位。") % {"row": planner.seen[key]}, name)
            return None
    planner.seen[node.pk, name] = row.number
    if code:
        planner.seen[code] = row.number
    unit = planner.units.get((node.pk, name)) or (planner.codes.get(code) if code else None)
    before = {f: getattr(unit, f) for f in FIELDS} if unit is not None else None
    if unit is None:
        unit = Enterprise(node=node)
    elif unit.node_id != node.pk:
        planner.error(row.number, "credit_code", _("该信用代码的单位在“%(node)s”，与所填节点不一致。")
                      % {"node": unit.node.name}, code)
        return None
    for field in FIELDS:
        if field in parsed and field in planner.columns:
            setattr(unit, field, parsed[field])
    try:
        unit.full_clean(exclude=["node"], validate_unique=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            planner.error(row.number, field if field in FIELDS else "", messages[0], getattr(unit, field, None))
        return None
    if before is not None:
        if {f: getattr(unit, f) for f in FIELDS} == before:
            return "unchanged", unit, [unit.name, node.name, unit.get_nature_display()]
        if not planner.user.has_perm("network.change_enterprise"):
            planner.error(row.number, "name", _("该单位已在系统中，您的角色无权修改已有单位。"), name)
            return None
    elif not planner.user.has_perm("network.add_enterprise"):
        planner.error(row.number, "name", _("您的角色无权新增单位。"), name)
        return None
    return ("new" if before is None else "updated"), unit, [unit.name, node.name, unit.get_nature_display()]


def _write(actor, units):
    for unit in units:
        try:
            enterprise_save(enterprise=unit, actor=actor)
        except (RegisterError, ValidationError) as error:
            raise WorkflowError(_("单位“%(name)s”：%(message)s；未写入任何数据。")
                                % {"name": unit.name, "message": error.messages[0]}) from error


UNITS = register(RowImport(
    key="units", label=N_("单位名录导入"), columns=COLUMNS, required=("name",), check=_check, write=_write,
    permission="network.add_enterprise", load=_load, preview_headers=(N_("单位名称"), N_("所属节点"), N_("单位性质")),
    object_type="network.enterprise", list_url="/network/",
))
