"""The import of past aid records (date, program, cash and its fund, goods, the household by an ID
number of one of its people) from a center's or township's sheet, so that its history comes in
with it: one record a row, the same preview and all-or-nothing confirm as every import
(cases.row_imports), each record through outreach.services.aid_plan.

Decided: an imported record is what aid_plan makes, planned aid, and the fund keeper confirms it
as paid on the planned-aid page (aid_pay), which debits its fund on its own date, as for any aid:
money moves only through the services and by the keeper's hand. Aid goes only to on-file
households. A row that is already on record (the same household, program, date, amounts, goods
and fund, not reversed) is unchanged, so a sheet imported twice adds nothing twice; a record is
never edited, so there is no "updated"."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as N_

from cases import sheet_values as read
from cases.idcard import mask_id_number
from cases.imports import Column
from cases.models import Member, Status
from cases.money import fen_of
from cases.row_imports import RowImport, register
from cases.rules import WorkflowError

from .models import AidRecord, AidState, Fund, Program
from .services import aid_plan

PROGRAMS = read.Choices(Program.choices, {
    "慰问": "holiday", "春节慰问": "holiday", "送温暖慰问": "holiday", "结对": "pairing", "助学": "tuition",
    "金秋助学": "tuition", "医疗": "medical", "医疗救助": "medical", "生活": "living", "生活救助": "living",
    "临时": "emergency", "临时救助": "emergency", "培训": "training", "法律": "legal",
})

COLUMNS = [
    Column("given_on", "发放日期", "row", read.date, aliases=("日期", "帮扶日期"), note=N_("必填，如 2023-01-15 或 2023.1.15。")),
    Column("program", "帮扶项目", "row", PROGRAMS, aliases=("项目", "帮扶类型"), note=N_("必填。")),
    Column("id_number", "身份证号", "row", read.id_number, aliases=("户主身份证号", "身份证号码"), mask=mask_id_number,
           text_format=True, note=N_("必填：受助家庭中任一成员（一般是户主）的身份证号。")),
    Column("name", "姓名", "row", lambda v: read.text(v, max_length=40), aliases=("户主姓名", "受助人"),
           note=N_("可不填；填了须与身份证号相符。")),
    Column("cash", "现金（元）", "row", read.money, aliases=("金额", "金额（元）", "现金", "发放金额")),
    Column("fund", "资金名称", "row", lambda v: read.text(v, max_length=80), aliases=("资金", "资金来源"),
           note=N_("发放现金时必填：该户所在节点或其上级的资金，按发放年度查找。")),
    Column("goods", "物品", "row", lambda v: read.text(v, max_length=100), aliases=("慰问品", "发放物品")),
    Column("goods_quantity", "物品数量", "row", read.whole_number, aliases=("数量",)),
    Column("goods_value", "物品价值（元）", "row", read.money, aliases=("物品价值",)),
    Column("given_by", "发放人", "row", lambda v: read.text(v, max_length=60), aliases=("经办人",)),
    Column("note", "备注", "row", lambda v: read.text(v, max_length=200)),
    Column("signed", "已签收", "row", read.YES_NO, aliases=("签收",)),
]


def _load(planner, planned):
    numbers = [p.parsed["id_number"] for p in planned if p.parsed.get("id_number")]
    planner.people = {}
    for start in range(0, len(numbers), 2000):
        for member in (Member.objects.visible_to(planner.user).filter(id_number__in=numbers[start:start + 2000],
                                                                      in_active_dossier=True)
                       .select_related("household__node")):
            planner.people[member.id_number] = member
    # money flows down the network: the funds of the households' nodes and the nodes above them
    # (above the user too: a township clerk records aid from the township's fund)
    planner.funds = {}
    above = {i for m in planner.people.values() for i in m.household.node.ancestor_ids}
    for fund in Fund.objects.filter(node_id__in=above).select_related("node"):
        planner.funds.setdefault(fund.name, []).append(fund)
    households = {m.household_id for m in planner.people.values()}
    planner.on_record = set()
    for aid in AidRecord.objects.filter(household_id__in=households).exclude(state=AidState.REVERSED):
        planner.on_record.add(_key(aid.household_id, aid.program, aid.given_on, aid.cash_fen, aid.goods,
                                   aid.goods_value_fen, aid.fund_id))
    planner.in_file = {}


def _key(*parts):
    return tuple(str(part) for part in parts)


def _fund_for(planner, row, name, household, given_on):
    candidates = [f for f in planner.funds.get(name, []) if household.node.is_within(f.node)]
    same_year = [f for f in candidates if f.year == given_on.year]
    found = same_year or candidates
    if len(found) != 1:
        message = _("找不到该户所在节点或其上级名为“%(name)s”的资金。") if not found else \
            _("有多个名为“%(name)s”的资金，请在资金名称中写清楚（或分年度导入）。")
        planner.error(row.number, "fund", message % {"name": name[:30]}, name)
        return None
    return found[0]


def _check(planner, row, parsed):
    member = planner.people.get(parsed["id_number"])
    if member is None:
        planner.error(row.number, "id_number", _("在您的管辖范围内找不到持该身份证号的有效档案。"), parsed["id_number"])
        return None
    household = member.household
    if parsed.get("name") and parsed["name"] != member.name:
        planner.error(row.number, "name", _("姓名与该身份证号在档案中的姓名不符。"), parsed["name"])
        return None
    if household.status != Status.APPROVED:
        planner.error(row.number, "id_number", _("该户不是在档档案（当前为%(status)s）：先建档后帮扶。")
                      % {"status": household.get_status_display()}, parsed["id_number"])
        return None
    given_on, cash = parsed["given_on"], parsed.get("cash") or 0
    goods, goods_value = parsed.get("goods", ""), parsed.get("goods_value") or 0
    if not (cash or goods or goods_value):
        planner.error(row.number, "cash", _("请填写发放的现金或物品。"))
        return None
    fund = None
    if cash:
        if not parsed.get("fund"):
            planner.error(row.number, "fund", _("发放现金必须填写资金名称。"))
            return None
        fund = _fund_for(planner, row, parsed["fund"], household, given_on)
        if fund is None:
            return None
    key = _key(household.pk, parsed["program"], given_on, fen_of(cash), goods.strip(), fen_of(goods_value),
               fund.pk if fund else None)
    if key in planner.in_file:
        planner.error(row.number, "given_on", _("与第%(row)s行是同一笔帮扶。") % {"row": planner.in_file[key]}, given_on)
        return None
    planner.in_file[key] = row.number
    payload = {"row": row.number, "household": household, "program": parsed["program"], "given_on": given_on,
               "cash": cash, "fund": fund, "goods": goods, "goods_quantity": parsed.get("goods_quantity") or 0,
               "goods_value": goods_value, "given_by": parsed.get("given_by", ""), "note": parsed.get("note", ""),
               "signed": parsed.get("signed", False)}
    summary = [given_on.isoformat(), member.name, dict(Program.choices)[parsed["program"]], str(cash),
               fund.name if fund else "", goods]
    return ("unchanged" if key in planner.on_record else "new"), payload, summary


def _write(actor, payloads):
    for payload in payloads:
        row = payload.pop("row")
        try:
            aid_plan(actor=actor, **payload)
        except WorkflowError as error:
            raise WorkflowError(_("第%(row)s行：%(message)s；未写入任何数据。")
                                % {"row": row, "message": error.messages[0]}) from error


AID = register(RowImport(
    key="aid", label=N_("帮扶记录导入"), columns=COLUMNS, required=("given_on", "program", "id_number"), check=_check,
    write=_write, permission="outreach.add_aidrecord", load=_load,
    preview_headers=(N_("发放日期"), N_("户主/受助人"), N_("帮扶项目"), N_("现金（元）"), N_("资金"), N_("物品")),
    object_type="outreach.aidrecord", list_url="/outreach/aid/planned/",
))
