"""Every movement of money: the one module that writes ledger entries and moves aid records.

Each function runs in one transaction. A debit is one conditional UPDATE
(``… SET balance = balance − x WHERE balance >= x``), never read → check → write, so two payments at
once cannot both pass; the balance's check constraint is the last guard. Aid to one household is
serialised by a lock on its dossier row, so two clerks cannot both pass its yearly cap. Amounts
come in as yuan (Decimal or str) and are stored as whole fen.
"""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Household, Status
from cases.money import fen_of, yuan
from cases.rules import WorkflowError

from .models import AidRecord, AidState, CapRule, EntryKind, Fund, LedgerEntry, ProgramCap

# one record of aid, or one receipt, larger than this is a typing error
MAX_AMOUNT = Decimal("10000000.00")
MAX_AID = Decimal("100000.00")


def _require(condition, message):
    if not condition:
        raise WorkflowError(message)


def _require_perm(actor, perm):
    _require(actor.has_perm(perm), _("您的角色无权进行此操作。"))


def amount_in_fen(value, *, limit=MAX_AMOUNT, allow_zero=False):
    """A positive amount of yuan as fen; zero, negative, absurd or malformed amounts are refused."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise WorkflowError(_("请填写金额（元）。")) from None
    _require(amount == amount.quantize(Decimal("0.01")), _("金额最多精确到分（两位小数）。"))
    _require(amount > 0 or (allow_zero and amount == 0), _("金额必须大于0元。"))
    _require(amount <= limit, _("金额不能超过%(limit)s元，请核对。") % {"limit": limit})
    return fen_of(amount)


def _in_scope(model, obj, actor, *, lock=False):
    """``obj`` re-read within the actor's scope (locked when asked), or a refusal."""
    queryset = model.objects.visible_to(actor)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=obj.pk)
    except model.DoesNotExist:
        raise WorkflowError(_("该记录不在您的管辖范围内。")) from None


def _credit(fund, amount_fen):
    Fund.objects.filter(pk=fund.pk).update(balance_fen=F("balance_fen") + amount_fen)
    return Fund.objects.values_list("balance_fen", flat=True).get(pk=fund.pk)


def _debit(fund, amount_fen):
    """Takes ``amount_fen`` from the fund in one conditional UPDATE; refuses an overdraft."""
    taken = Fund.objects.filter(pk=fund.pk, balance_fen__gte=amount_fen).update(balance_fen=F("balance_fen") - amount_fen)
    if not taken:
        balance = Fund.objects.values_list("balance_fen", flat=True).get(pk=fund.pk)
        raise WorkflowError(_("资金“%(fund)s”余额不足：余额%(balance)s元，需要%(amount)s元。") % {
            "fund": fund.name, "balance": yuan(balance), "amount": yuan(amount_fen),
        })
    return Fund.objects.values_list("balance_fen", flat=True).get(pk=fund.pk)


def _entry(fund, kind, amount_fen, balance_after_fen, actor, **fields):
    return LedgerEntry.objects.create(fund=fund, kind=kind, amount_fen=amount_fen, balance_after_fen=balance_after_fen,
                                      recorded_by=actor, **fields)


def _past_date(value, message):
    _require(value is not None and value <= timezone.localdate(), message)
    _require(value.year >= 2000, message)


@transaction.atomic
def fund_receive(*, fund, actor, amount, kind=EntryKind.RECEIPT, document_number="", counterparty="",
                 occurred_on=None, note=""):
    """Money comes in: a grant (拨入) or a donation (捐赠), with its document number."""
    _require_perm(actor, "outreach.add_ledgerentry")
    fund = _in_scope(Fund, fund, actor)
    _require(kind in (EntryKind.RECEIPT, EntryKind.DONATION), _("收入只能是拨入或捐赠。"))
    _require(document_number.strip() or kind == EntryKind.DONATION, _("拨入资金必须填写文件或凭证号。"))
    occurred_on = occurred_on or timezone.localdate()
    _past_date(occurred_on, _("到账日期不能晚于今天。"))
    amount_fen = amount_in_fen(amount)
    balance = _credit(fund, amount_fen)
    return _entry(fund, kind, amount_fen, balance, actor, document_number=document_number.strip(),
                  counterparty=counterparty, occurred_on=occurred_on, note=note)


@transaction.atomic
def fund_allocate(*, source, target, actor, amount, document_number="", occurred_on=None, note=""):
    """The center moves money to a township's fund: two entries that sum to zero, in one transaction."""
    _require_perm(actor, "outreach.add_ledgerentry")
    source, target = _in_scope(Fund, source, actor), _in_scope(Fund, target, actor)
    _require(source.pk != target.pk, _("调出和调入不能是同一笔资金。"))
    _require(source.node.level == 1 and target.node.level == 2,
             _("调拨只能由县援助分中心的资金调入乡镇（系统）工会的资金。"))
    occurred_on = occurred_on or timezone.localdate()
    _past_date(occurred_on, _("调拨日期不能晚于今天。"))
    amount_fen = amount_in_fen(amount)
    out = _entry(source, EntryKind.ALLOCATION_OUT, -amount_fen, _debit(source, amount_fen), actor,
                 document_number=document_number, counterparty=target.node.name, occurred_on=occurred_on, note=note)
    into = _entry(target, EntryKind.ALLOCATION_IN, amount_fen, _credit(target, amount_fen), actor,
                  document_number=document_number, counterparty=source.node.name, occurred_on=occurred_on, note=note,
                  counterpart=out)
    return out, into


def yearly_cap_fen(household, program):
    """The most a household may receive from ``program`` in a year, in fen, or None for no cap."""
    cap = ProgramCap.objects.filter(program=program).first()
    if cap is None:
        return None
    if cap.rule == CapRule.FIXED:
        return cap.amount_fen
    _require(household.dibao_standard_monthly is not None,
             _("该户没有适用的低保标准，无法核定帮扶上限。"))
    return fen_of(household.dibao_standard_monthly * 12 * household.household_size)


def _check_cap(household, program, year, adding_fen, excluding=None):
    cap = yearly_cap_fen(household, program)
    if cap is None:
        return
    given = AidRecord.objects.filter(household=household, program=program, given_on__year=year,
                                     state__in=[AidState.PLANNED, AidState.PAID])
    if excluding is not None:
        given = given.exclude(pk=excluding.pk)
    so_far = given.aggregate(total=Coalesce(Sum(F("cash_fen") + F("goods_value_fen")), 0))["total"]
    _require(so_far + adding_fen <= cap, _(
        "超过该户本年度该项目的帮扶上限：上限%(cap)s元，已计划或发放%(so_far)s元，本次%(adding)s元。"
    ) % {"cap": yuan(cap), "so_far": yuan(so_far), "adding": yuan(adding_fen)})


@transaction.atomic
def aid_plan(*, household, program, actor, given_on, cash=0, fund=None, goods="", goods_quantity=0, goods_value=0,
             beneficiary=None, campaign=None, given_by="", note=""):
    """Records aid to an on-file household (planned: the fund keeper confirms it as paid). The
    household's yearly cap for the program is checked under a lock on its dossier."""
    _require_perm(actor, "outreach.add_aidrecord")
    household = _in_scope(Household, household, actor, lock=True)
    _require(household.status == Status.APPROVED, _("只有在档的困难职工家庭才能接受帮扶（先建档后帮扶）。"))
    cash_fen = amount_in_fen(cash, limit=MAX_AID, allow_zero=True)
    goods_value_fen = amount_in_fen(goods_value, limit=MAX_AID, allow_zero=True)
    _require(cash_fen or goods_value_fen or goods.strip(), _("请填写发放的现金或物品。"))
    _require(not cash_fen or fund is not None, _("发放现金必须选择资金。"))
    # money flows down the network: a fund or campaign of the household's node or above it
    if fund is not None:
        _require(household.node.is_within(fund.node), _("该资金不属于该户所在节点或其上级，不能用于该户。"))
    _past_date(given_on, _("发放日期不能晚于今天。"))
    if campaign is not None:
        _require(household.node.is_within(campaign.node), _("该户不在本次活动的范围内。"))
        _require(given_on >= campaign.starts_on, _("发放日期不能早于活动开始日期（%(date)s）。")
                 % {"date": campaign.starts_on.isoformat()})
    _require(beneficiary is None or beneficiary.household_id == household.pk, _("受助成员不是该户的家庭成员。"))
    _check_cap(household, program, given_on.year, cash_fen + goods_value_fen)
    try:
        with transaction.atomic():
            return AidRecord.objects.create(
                program=program, campaign=campaign, household=household, beneficiary=beneficiary, node=household.node,
                fund=fund, cash_fen=cash_fen, goods=goods.strip(), goods_quantity=goods_quantity,
                goods_value_fen=goods_value_fen, given_on=given_on, given_by=given_by, note=note, recorded_by=actor,
            )
    except IntegrityError as error:
        if "once_per_campaign" in str(error) or "campaign_id" in str(error):
            raise WorkflowError(_("该户在本次活动中已有一笔发放。")) from error
        raise


@transaction.atomic
def aid_pay(*, aid, actor):
    """Confirms planned aid as paid: the fund is debited (refused if it would go below zero) and
    the household's category and income are recorded as they are now."""
    _require_perm(actor, "outreach.pay_aidrecord")
    aid = _in_scope(AidRecord, aid, actor)
    household = _in_scope(Household, aid.household, actor, lock=True)
    aid = AidRecord.objects.select_for_update(of=("self",)).get(pk=aid.pk)
    _require(aid.state == AidState.PLANNED, _("该帮扶记录当前为“%(state)s”，不能确认发放。")
             % {"state": aid.get_state_display()})
    _require(household.status == Status.APPROVED, _("只有在档的困难职工家庭才能接受帮扶（先建档后帮扶）。"))
    _check_cap(household, aid.program, aid.given_on.year, aid.cash_fen + aid.goods_value_fen, excluding=aid)
    if aid.cash_fen:
        balance = _debit(aid.fund, aid.cash_fen)
        _entry(aid.fund, EntryKind.AID, -aid.cash_fen, balance, actor, aid=aid, occurred_on=aid.given_on,
               counterparty=str(household), note=aid.get_program_display())
    now = timezone.now()
    aid.state, aid.paid_by, aid.paid_at = AidState.PAID, actor, now
    aid.category_at_payment, aid.per_capita_at_payment = household.category, household.per_capita_monthly_income
    aid.save(update_fields=["state", "paid_by", "paid_at", "category_at_payment", "per_capita_at_payment"])
    Household.objects.filter(pk=household.pk).update(last_aided_at=now)
    return aid


@transaction.atomic
def aid_reverse(*, aid, actor, reason):
    """Reverses a paid record, with its reason, by a second person: the fund gets exactly the cash
    back (a reversing entry), the record is marked reversed, never edited."""
    _require_perm(actor, "outreach.pay_aidrecord")
    aid = _in_scope(AidRecord, aid, actor)
    household = _in_scope(Household, aid.household, actor, lock=True)
    aid = AidRecord.objects.select_for_update(of=("self",)).get(pk=aid.pk)
    _require(aid.state == AidState.PAID, _("只有已发放的记录才能冲销（当前为“%(state)s”）。")
             % {"state": aid.get_state_display()})
    _require(actor.pk != aid.paid_by_id, _("冲销须由确认发放以外的另一人办理。"))
    _require(reason.strip(), _("请填写冲销原因。"))
    if aid.cash_fen:
        balance = _credit(aid.fund, aid.cash_fen)
        _entry(aid.fund, EntryKind.REVERSAL, aid.cash_fen, balance, actor, aid=aid, counterparty=str(household),
               note=_("冲销：%(reason)s") % {"reason": reason.strip()})
    aid.state, aid.reversed_by, aid.reversed_at, aid.reversal_reason = AidState.REVERSED, actor, timezone.now(), reason
    aid.save(update_fields=["state", "reversed_by", "reversed_at", "reversal_reason"])
    last = AidRecord.objects.filter(household=household, state=AidState.PAID).aggregate(last=Max("paid_at"))["last"]
    Household.objects.filter(pk=household.pk).update(last_aided_at=last)
    return aid


def ledger_differences():
    """(fund, stored balance in fen, sum of its entries in fen) for every fund where they differ."""
    sums = dict(LedgerEntry.objects.values("fund").annotate(total=Sum("amount_fen")).values_list("fund", "total"))
    return [(fund, fund.balance_fen, sums.get(fund.pk, 0)) for fund in Fund.objects.select_related("node")
            if fund.balance_fen != sums.get(fund.pk, 0)]


def fund_totals(fund):
    """Income, spending (by kind) and balance of one fund, in fen, summed by the database."""
    totals = fund.entries.aggregate(
        income=Coalesce(Sum("amount_fen", filter=Q(kind__in=[EntryKind.RECEIPT, EntryKind.DONATION])), 0),
        allocated_in=Coalesce(Sum("amount_fen", filter=Q(kind=EntryKind.ALLOCATION_IN)), 0),
        allocated_out=Coalesce(Sum("amount_fen", filter=Q(kind=EntryKind.ALLOCATION_OUT)), 0),
        aid=Coalesce(Sum("amount_fen", filter=Q(kind=EntryKind.AID)), 0),
        reversed=Coalesce(Sum("amount_fen", filter=Q(kind=EntryKind.REVERSAL)), 0),
    )
    totals["balance"] = fund.balance_fen
    return totals
