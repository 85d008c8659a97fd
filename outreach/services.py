"""Every movement of money: the one module that writes ledger entries and moves aid records.

Each function runs in one transaction. A debit is one conditional UPDATE
(``… SET balance = balance − x WHERE balance >= x``), never read → check → write, so two payments at
once cannot both pass; the balance's check constraint is the last guard. Aid to one household is
serialised by a lock on its dossier row, so two clerks cannot both pass its yearly cap. Amounts
come in as yuan (Decimal or str) and are stored as whole fen.
"""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Household, Status
from cases.money import fen_of, yuan
from cases.rules import WorkflowError, fetch_in_scope, require
from network import audit
from network.models import AuditAction
from network.scoping import node_in_scope

from .models import (
    AidRecord,
    AidState,
    Cadre,
    Campaign,
    CampaignHousehold,
    CampaignStandard,
    CampaignState,
    CapRule,
    EntryKind,
    Fund,
    LedgerEntry,
    Occasion,
    Pairing,
    PairingVisit,
    Program,
    ProgramCap,
    ReturnVisit,
    SignedSheet,
)

# one record of aid, or one receipt, larger than this is a typing error
MAX_AMOUNT = Decimal("10000000.00")
MAX_AID = Decimal("100000.00")


def _require_perm(actor, perm):
    require(actor.has_perm(perm), _("您的角色无权进行此操作。"))


def amount_in_fen(value, *, limit=MAX_AMOUNT, allow_zero=False):
    """A positive amount of yuan as fen; zero, negative, absurd or malformed amounts are refused."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise WorkflowError(_("请填写金额（元）。")) from None
    require(amount == amount.quantize(Decimal("0.01")), _("金额最多精确到分（两位小数）。"))
    require(amount > 0 or (allow_zero and amount == 0), _("金额必须大于0元。"))
    require(amount <= limit, _("金额不能超过%(limit)s元，请核对。") % {"limit": limit})
    return fen_of(amount)


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
    require(value is not None and value <= timezone.localdate(), message)
    require(value.year >= 2000, message)


@transaction.atomic
def fund_receive(*, fund, actor, amount, kind=EntryKind.RECEIPT, document_number="", counterparty="",
                 occurred_on=None, note=""):
    """Money comes in: a grant (拨入) or a donation (捐赠), with its document number."""
    _require_perm(actor, "outreach.add_ledgerentry")
    fund = fetch_in_scope(Fund, fund, actor)
    require(kind in (EntryKind.RECEIPT, EntryKind.DONATION), _("收入只能是拨入或捐赠。"))
    require(document_number.strip() or kind == EntryKind.DONATION, _("拨入资金必须填写文件或凭证号。"))
    occurred_on = occurred_on or timezone.localdate()
    _past_date(occurred_on, _("到账日期不能晚于今天。"))
    amount_fen = amount_in_fen(amount)
    balance = _credit(fund, amount_fen)
    audit.record(actor, AuditAction.RECEIPT, fund, detail=f"{EntryKind(kind).label} {yuan(amount_fen)} 元")
    return _entry(fund, kind, amount_fen, balance, actor, document_number=document_number.strip(),
                  counterparty=counterparty, occurred_on=occurred_on, note=note)


@transaction.atomic
def fund_allocate(*, source, target, actor, amount, document_number="", occurred_on=None, note=""):
    """The center moves money to a township's fund: two entries that sum to zero, in one transaction."""
    _require_perm(actor, "outreach.add_ledgerentry")
    source, target = fetch_in_scope(Fund, source, actor), fetch_in_scope(Fund, target, actor)
    require(source.pk != target.pk, _("调出和调入不能是同一笔资金。"))
    require(source.node.level == 1 and target.node.level == 2,
             _("调拨只能由县援助分中心的资金调入乡镇（系统）工会的资金。"))
    occurred_on = occurred_on or timezone.localdate()
    _past_date(occurred_on, _("调拨日期不能晚于今天。"))
    amount_fen = amount_in_fen(amount)
    out = _entry(source, EntryKind.ALLOCATION_OUT, -amount_fen, _debit(source, amount_fen), actor,
                 document_number=document_number, counterparty=target.node.name, occurred_on=occurred_on, note=note)
    into = _entry(target, EntryKind.ALLOCATION_IN, amount_fen, _credit(target, amount_fen), actor,
                  document_number=document_number, counterparty=source.node.name, occurred_on=occurred_on, note=note,
                  counterpart=out)
    audit.record(actor, AuditAction.ALLOCATION, source, detail=f"调入资金 #{target.pk}，{yuan(amount_fen)} 元")
    return out, into


def yearly_cap_fen(household, program):
    """The most a household may receive from ``program`` in a year, in fen, or None for no cap."""
    cap = ProgramCap.objects.filter(program=program).first()
    if cap is None:
        return None
    if cap.rule == CapRule.FIXED:
        return cap.amount_fen
    require(household.dibao_standard_monthly is not None,
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
    require(so_far + adding_fen <= cap, _(
        "超过该户本年度该项目的帮扶上限：上限%(cap)s元，已计划或发放%(so_far)s元，本次%(adding)s元。"
    ) % {"cap": yuan(cap), "so_far": yuan(so_far), "adding": yuan(adding_fen)})


@transaction.atomic
def aid_plan(*, household, program, actor, given_on, cash=0, fund=None, goods="", goods_quantity=0, goods_value=0,
             beneficiary=None, campaign=None, given_by="", note="", signed=False):
    """Records aid to an on-file household (planned: the fund keeper confirms it as paid). The
    household's yearly cap for the program is checked under a lock on its dossier."""
    _require_perm(actor, "outreach.add_aidrecord")
    household = fetch_in_scope(Household, household, actor, lock=True)
    require(household.status == Status.APPROVED, _("只有在档的困难职工家庭才能接受帮扶（先建档后帮扶）。"))
    cash_fen = amount_in_fen(cash, limit=MAX_AID, allow_zero=True)
    goods_value_fen = amount_in_fen(goods_value, limit=MAX_AID, allow_zero=True)
    require(cash_fen or goods_value_fen or goods.strip(), _("请填写发放的现金或物品。"))
    require(not cash_fen or fund is not None, _("发放现金必须选择资金。"))
    # money flows down the network: a fund or campaign of the household's node or above it
    if fund is not None:
        require(household.node.is_within(fund.node), _("该资金不属于该户所在节点或其上级，不能用于该户。"))
    _past_date(given_on, _("发放日期不能晚于今天。"))
    if campaign is not None:
        require(household.node.is_within(campaign.node), _("该户不在本次活动的范围内。"))
        require(given_on >= campaign.starts_on, _("发放日期不能早于活动开始日期（%(date)s）。")
                 % {"date": campaign.starts_on.isoformat()})
    require(beneficiary is None or beneficiary.household_id == household.pk, _("受助成员不是该户的家庭成员。"))
    _check_cap(household, program, given_on.year, cash_fen + goods_value_fen)
    try:
        with transaction.atomic():
            return AidRecord.objects.create(
                program=program, campaign=campaign, household=household, beneficiary=beneficiary, node=household.node,
                fund=fund, cash_fen=cash_fen, goods=goods.strip(), goods_quantity=goods_quantity,
                goods_value_fen=goods_value_fen, given_on=given_on, given_by=given_by, note=note, signed=signed,
                recorded_by=actor,
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
    aid = fetch_in_scope(AidRecord, aid, actor)
    household = fetch_in_scope(Household, aid.household, actor, lock=True)
    aid = AidRecord.objects.select_for_update(of=("self",)).get(pk=aid.pk)
    require(aid.state == AidState.PLANNED, _("该帮扶记录当前为“%(state)s”，不能确认发放。")
             % {"state": aid.get_state_display()})
    require(household.status == Status.APPROVED, _("只有在档的困难职工家庭才能接受帮扶（先建档后帮扶）。"))
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
    # the family is the object, so that "who paid them" is one filter of the audit page
    audit.record(actor, AuditAction.PAYMENT, household, detail=_aid_detail(aid))
    return aid


@transaction.atomic
def aid_reverse(*, aid, actor, reason):
    """Reverses a paid record, with its reason, by a second person: the fund gets exactly the cash
    back (a reversing entry), the record is marked reversed, never edited. A record still planned
    (no money moved) is voided (作废) the same way, with its reason and no ledger entry."""
    _require_perm(actor, "outreach.pay_aidrecord")
    aid = fetch_in_scope(AidRecord, aid, actor)
    household = fetch_in_scope(Household, aid.household, actor, lock=True)
    aid = AidRecord.objects.select_for_update(of=("self",)).get(pk=aid.pk)
    require(aid.state != AidState.REVERSED, _("该记录已冲销或作废，不能再次冲销。"))
    require(actor.pk != aid.paid_by_id, _("冲销须由确认发放以外的另一人办理。"))
    reason = (reason or "").strip()
    require(reason, _("请填写冲销原因。"))
    if aid.state == AidState.PAID and aid.cash_fen:
        balance = _credit(aid.fund, aid.cash_fen)
        _entry(aid.fund, EntryKind.REVERSAL, aid.cash_fen, balance, actor, aid=aid, counterparty=str(household),
               note=_("冲销：%(reason)s") % {"reason": reason})
    aid.state, aid.reversed_by, aid.reversed_at, aid.reversal_reason = AidState.REVERSED, actor, timezone.now(), reason
    aid.save(update_fields=["state", "reversed_by", "reversed_at", "reversal_reason"])
    last = AidRecord.objects.filter(household=household, state=AidState.PAID).aggregate(last=Max("paid_at"))["last"]
    Household.objects.filter(pk=household.pk).update(last_aided_at=last)
    audit.record(actor, AuditAction.REVERSAL, household, detail=_aid_detail(aid))
    return aid


def _aid_detail(aid):
    """An aid record as the audit log names it: its id, program, fund and amounts (never the goods'
    description or the reason, which are typed)."""
    return (f"帮扶记录 #{aid.pk}（{aid.get_program_display()}），资金 #{aid.fund_id or '—'}，"
            f"现金 {yuan(aid.cash_fen)} 元，物品折价 {yuan(aid.goods_value_fen)} 元")


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


# ---------------------------------------------------------------------------------------------
# campaigns: holiday visits (送温暖) — the list drawn, reviewed, frozen; deliveries as aid records
# ---------------------------------------------------------------------------------------------

def campaigns_visible_to(user):
    """The campaigns a user takes part in: those of his subtree (``visible_to``) and those of the
    nodes above him, which cover his households (he sees and records only his own part of them)."""
    own = Campaign.objects.visible_to(user)
    if user is None or not user.is_authenticated or not user.is_active or user.is_superuser or user.node_id is None:
        return own
    path = user.node.path
    above = [path[:end + 1] for end, char in enumerate(path) if char == "/"]
    return Campaign.objects.filter(Q(pk__in=own.values("pk")) | Q(node__path__in=above))


def _campaign_in_scope(campaign, actor, *, lock=False, own=False):
    """The campaign re-read for the actor: one he takes part in, or (``own``) one of his subtree."""
    queryset = Campaign.objects.visible_to(actor) if own else campaigns_visible_to(actor)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=campaign.pk)
    except Campaign.DoesNotExist:
        raise WorkflowError(_("该记录不在您的管辖范围内。")) from None


def _require_draft(campaign):
    require(campaign.state == CampaignState.DRAFT,
             _("名单已确认，不能再修改（当前为“%(state)s”）。") % {"state": campaign.get_state_display()})


def _live_pairing_cadres(household_ids):
    """household id → the cadre of its live pairing (the latest one if there are several)."""
    cadres = {}
    for household_id, cadre_id in (Pairing.objects.filter(household_id__in=household_ids, ends_on__isnull=True)
                                   .order_by("starts_on", "pk").values_list("household_id", "cadre_id")):
        cadres[household_id] = cadre_id
    return cadres


@transaction.atomic
def campaign_create(*, actor, node, year, occasion, name, fund, budget, starts_on, ends_on, standards):
    """A holiday campaign of ``node`` paid from ``fund``. ``standards`` maps a category to
    (cash, goods, goods_value): what a household of that category receives."""
    _require_perm(actor, "outreach.add_campaign")
    require(node_in_scope(actor, node), _("该单位不在您的管辖范围内。"))
    fund = fetch_in_scope(Fund, fund, actor)
    require(node.is_within(fund.node), _("该资金不属于活动单位或其上级，不能用于本次活动。"))
    require(occasion in Occasion.values, _("请选择节日。"))
    require(name.strip(), _("请填写活动名称。"))
    require(2000 <= int(year) <= timezone.localdate().year + 1, _("年度不正确。"))
    require(starts_on is not None and ends_on is not None, _("请填写活动的开始和结束日期。"))
    require(ends_on >= starts_on, _("结束日期不能早于开始日期。"))
    budget_fen = amount_in_fen(budget)
    require(standards, _("请至少为一个困难类别填写慰问标准。"))
    campaign = Campaign.objects.create(node=node, year=year, occasion=occasion, name=name.strip(), fund=fund,
                                       budget_fen=budget_fen, starts_on=starts_on, ends_on=ends_on, created_by=actor)
    for category, (cash, goods, goods_value) in standards.items():
        cash_fen = amount_in_fen(cash, limit=MAX_AID, allow_zero=True)
        goods_value_fen = amount_in_fen(goods_value, limit=MAX_AID, allow_zero=True)
        require(cash_fen or goods_value_fen or goods.strip(), _("慰问标准须有现金或物品。"))
        CampaignStandard.objects.create(campaign=campaign, category=category, cash_fen=cash_fen, goods=goods.strip(),
                                        goods_value_fen=goods_value_fen)
    return campaign


def campaign_candidates(*, campaign, actor, categories=(), node=None, not_aided_since=None):
    """The on-file dossiers in the actor's scope and the campaign's that a draw would list: of a
    category the campaign has a standard for (and among ``categories`` if given), in ``node``'s
    subtree, not aided since ``not_aided_since``, and not on the list already."""
    standards = set(campaign.standards.values_list("category", flat=True))
    if categories:
        standards &= set(categories)
    households = (Household.objects.visible_to(actor).on_file()
                  .filter(node__path__startswith=campaign.node.path, category__in=standards)
                  .exclude(campaign_entries__campaign=campaign))
    if node is not None:
        households = households.filter(node__path__startswith=node.path)
    if not_aided_since is not None:
        households = households.filter(Q(last_aided_at__isnull=True) | Q(last_aided_at__date__lt=not_aided_since))
    return households


@transaction.atomic
def campaign_draw(*, campaign, actor, categories=(), node=None, not_aided_since=None):
    """Adds to a draft campaign's list every candidate (see ``campaign_candidates``), each at its
    category's standard, its live pairing cadre as the visitor. Returns how many were added.
    A household removed from the list stays removed: a draw does not bring it back."""
    _require_perm(actor, "outreach.change_campaign")
    campaign = _campaign_in_scope(campaign, actor, lock=True)
    _require_draft(campaign)
    if node is not None:
        require(node.is_within(campaign.node) and (actor.is_superuser or node.is_within(actor.node)),
                 _("该单位不在本次活动的范围内。"))
    standards = {standard.category: standard for standard in campaign.standards.all()}
    households = list(campaign_candidates(campaign=campaign, actor=actor, categories=categories, node=node,
                                          not_aided_since=not_aided_since)
                      .order_by("node__path", "number").values_list("pk", "category"))
    cadres = _live_pairing_cadres([pk for pk, _category in households])
    CampaignHousehold.objects.bulk_create([
        CampaignHousehold(campaign=campaign, household_id=pk, cash_fen=standards[category].cash_fen,
                          goods=standards[category].goods, goods_value_fen=standards[category].goods_value_fen,
                          visitor_id=cadres.get(pk), added_by=actor)
        for pk, category in households
    ])
    return len(households)


@transaction.atomic
def recipient_add(*, campaign, household, actor):
    """Puts one on-file household of the campaign's scope on a draft list (back on it, if it was removed)."""
    _require_perm(actor, "outreach.change_campaign")
    campaign = _campaign_in_scope(campaign, actor, lock=True)
    _require_draft(campaign)
    household = fetch_in_scope(Household, household, actor)
    require(household.status == Status.APPROVED, _("只有在档的困难职工家庭才能列入慰问名单（先建档后帮扶）。"))
    require(household.node.is_within(campaign.node), _("该户不在本次活动的范围内。"))
    standard = campaign.standards.filter(category=household.category).first()
    require(standard is not None, _("本次活动没有“%(category)s”的慰问标准。") % {
        "category": household.get_category_display()})
    entry, created = CampaignHousehold.objects.get_or_create(
        campaign=campaign, household=household,
        defaults={"cash_fen": standard.cash_fen, "goods": standard.goods, "goods_value_fen": standard.goods_value_fen,
                  "visitor_id": _live_pairing_cadres([household.pk]).get(household.pk), "added_by": actor},
    )
    if not created:
        require(entry.is_removed, _("该户已在慰问名单上。"))
        entry.removed_reason, entry.added_by, entry.added_at = "", actor, timezone.now()
        entry.save(update_fields=["removed_reason", "added_by", "added_at"])
    return entry


@transaction.atomic
def recipient_remove(*, recipient, actor, reason):
    """Takes a household off a draft list, with the reason (the row stays, so the list shows who was removed)."""
    _require_perm(actor, "outreach.change_campaign")
    recipient = fetch_in_scope(CampaignHousehold, recipient, actor, lock=True)
    _require_draft(_campaign_in_scope(recipient.campaign, actor))
    require(not recipient.is_removed, _("该户已移出名单。"))
    reason = (reason or "").strip()
    require(reason, _("请填写移出原因。"))
    limit = CampaignHousehold._meta.get_field("removed_reason").max_length
    require(len(reason) <= limit, _("移出原因最多%(limit)s字。") % {"limit": limit})
    recipient.removed_reason = reason
    recipient.save(update_fields=["removed_reason"])
    return recipient


def campaign_list_totals(campaign):
    """The live list's households, cash and goods value in fen, summed by the database."""
    return campaign.recipients.filter(removed_reason="").aggregate(
        households=Count("pk"),
        cash=Coalesce(Sum("cash_fen"), 0),
        goods_value=Coalesce(Sum("goods_value_fen"), 0),
    )


def campaign_shortfall(campaign):
    """What is missing to confirm: (over the budget, short of the fund's balance), in fen (0 when
    enough). The budget covers cash and goods; the fund pays the cash (goods are given in kind)."""
    totals = campaign_list_totals(campaign)
    balance = Fund.objects.values_list("balance_fen", flat=True).get(pk=campaign.fund_id)
    return (max(totals["cash"] + totals["goods_value"] - campaign.budget_fen, 0), max(totals["cash"] - balance, 0))


@transaction.atomic
def campaign_confirm(*, campaign, actor):
    """Freezes a draft list: refused when it is empty, over the budget, or more cash than the
    fund holds (with the shortfall)."""
    _require_perm(actor, "outreach.change_campaign")
    campaign = _campaign_in_scope(campaign, actor, lock=True, own=True)
    _require_draft(campaign)
    require(campaign_list_totals(campaign)["households"], _("慰问名单是空的，不能确认。"))
    over_budget, short = campaign_shortfall(campaign)
    require(not over_budget, _("超出活动预算：还差 %(amount)s 元。") % {"amount": yuan(over_budget)})
    require(not short, _("资金余额不足：还差 %(amount)s 元。") % {"amount": yuan(short)})
    campaign.state = CampaignState.CONFIRMED
    campaign.save(update_fields=["state"])
    return campaign


@transaction.atomic
def delivery_record(*, recipient, actor, given_on, cash, goods="", goods_value=0, given_by="", signed=True,
                    note=""):
    """Records one household's delivery in a confirmed campaign: an aid record of the holiday
    program (one live payment per household per campaign, as the database holds), paid at once
    when the actor may confirm payments, and whether the household signed for it."""
    recipient = fetch_in_scope(CampaignHousehold, recipient, actor)
    campaign = _campaign_in_scope(recipient.campaign, actor)
    _require_running(campaign)
    require(not recipient.is_removed, _("该户已移出慰问名单。"))
    require(given_on is not None, _("请填写发放日期。"))
    require(given_on <= campaign.ends_on, _("发放日期不能晚于活动结束日期（%(date)s）。")
             % {"date": campaign.ends_on.isoformat()})
    aid = aid_plan(household=recipient.household, program=Program.HOLIDAY, actor=actor, given_on=given_on, cash=cash,
                   fund=campaign.fund if Decimal(str(cash or 0)) else None, goods=goods,
                   goods_quantity=1 if goods.strip() else 0, goods_value=goods_value, campaign=campaign,
                   given_by=given_by, note=note.strip()[:200], signed=signed)
    if actor.has_perm("outreach.pay_aidrecord"):
        aid = aid_pay(aid=aid, actor=actor)
    return aid


def _require_running(campaign):
    if campaign.state == CampaignState.CLOSED:
        raise WorkflowError(_("活动已结束，不能再登记发放。"))
    require(campaign.state == CampaignState.CONFIRMED, _("名单确认后才能登记发放。"))


@transaction.atomic
def campaign_close(*, campaign, actor):
    """Ends a confirmed campaign: no more deliveries. Refused while a delivery waits for the fund
    keeper (planned, not yet paid), so that nothing is left half-done."""
    _require_perm(actor, "outreach.change_campaign")
    campaign = _campaign_in_scope(campaign, actor, lock=True, own=True)
    require(campaign.state == CampaignState.CONFIRMED, _("只有名单已确认的活动才能结束（当前为“%(state)s”）。")
             % {"state": campaign.get_state_display()})
    waiting = campaign.aid_records.filter(state=AidState.PLANNED).count()
    require(not waiting, _("还有 %(count)s 笔发放待财务确认，确认或作废后才能结束活动。") % {"count": waiting})
    campaign.state, campaign.closed_by, campaign.closed_at = CampaignState.CLOSED, actor, timezone.now()
    campaign.save(update_fields=["state", "closed_by", "closed_at"])
    return campaign


@transaction.atomic
def sheet_deliver(*, campaign, node, actor, given_on, given_by=""):
    """Marks a node's whole sign-off sheet as delivered as printed: every household of the node's
    subtree on the list and not yet delivered gets its listed cash and goods. All or nothing: one
    refusal names its household and saves none."""
    campaign = _campaign_in_scope(campaign, actor)
    recipients = (campaign.recipients.visible_to(actor).filter(removed_reason="", household__node__path__startswith=node.path)
                  .exclude(household__in=campaign.aid_records.exclude(state=AidState.REVERSED).values("household"))
                  .select_related("household", "campaign"))
    done = 0
    for recipient in recipients:
        try:
            delivery_record(recipient=recipient, actor=actor, given_on=given_on, cash=yuan(recipient.cash_fen),
                            goods=recipient.goods, goods_value=yuan(recipient.goods_value_fen), given_by=given_by,
                            signed=True)
        except WorkflowError as error:
            raise WorkflowError(_("%(household)s：%(message)s") % {
                "household": recipient.household, "message": " ".join(error.messages)}) from error
        done += 1
    return done


@transaction.atomic
def return_visit_log(*, household, actor, visited_on, visitor, method, findings, campaign=None):
    """Logs a return visit (回访) to a household after aid: when, by whom, how, what was found. For a
    campaign's visit, the household must be on its list and the date not before the campaign."""
    _require_perm(actor, "outreach.add_returnvisit")
    household = fetch_in_scope(Household, household, actor)
    _past_date(visited_on, _("回访日期不能晚于今天。"))
    require(visitor.strip(), _("请填写回访人。"))
    require(method in ReturnVisit.Method.values, _("请选择回访方式。"))
    findings = (findings or "").strip()
    require(findings, _("请填写回访情况。"))
    limit = ReturnVisit._meta.get_field("findings").max_length
    require(len(findings) <= limit, _("回访情况最多%(limit)s字。") % {"limit": limit})
    if campaign is not None:
        campaign = _campaign_in_scope(campaign, actor)
        require(campaign.recipients.filter(household=household, removed_reason="").exists(),
                 _("该户不在本次活动的慰问名单上。"))
        require(visited_on >= campaign.starts_on, _("回访日期不能早于活动开始日期（%(date)s）。")
                 % {"date": campaign.starts_on.isoformat()})
    return ReturnVisit.objects.create(household=household, campaign=campaign, visited_on=visited_on,
                                      visitor=visitor.strip(), method=method, findings=findings, recorded_by=actor)


# ---------------------------------------------------------------------------------------------
# Pairing (结对帮扶): cadres adopt on-file households and visit them; what a visit gives goes
# through aid_plan like every other aid (program "pairing"), never into the ledger from here.
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def cadre_save(*, cadre, actor):
    """Adds or changes a pairing cadre, at a node in the actor's subtree (a changed one must be
    in his scope as it was stored)."""
    _require_perm(actor, "outreach.change_cadre" if cadre.pk else "outreach.add_cadre")
    if cadre.pk:
        fetch_in_scope(Cadre, cadre, actor, lock=True)
    require(cadre.node_id is not None and node_in_scope(actor, cadre.node), _("该干部所属节点不在您的管辖范围内。"))
    cadre.name, cadre.post, cadre.unit = cadre.name.strip(), cadre.post.strip(), cadre.unit.strip()
    require(cadre.name and cadre.post and cadre.unit, _("请填写干部的姓名、职务和工作单位。"))
    cadre._history_user = actor
    cadre.save()
    return cadre


@transaction.atomic
def pairing_start(*, cadre, household, actor, starts_on):
    """A cadre adopts an on-file household of his node's subtree. A cadre may adopt several; a
    household has one live pairing at a time (locked on its dossier), and may be paired again
    after the pairing ends."""
    _require_perm(actor, "outreach.add_pairing")
    cadre = fetch_in_scope(Cadre, cadre, actor)
    household = fetch_in_scope(Household, household, actor, lock=True)
    require(cadre.is_active, _("该干部已不在职，不能新建结对。"))
    require(household.status == Status.APPROVED, _("只有在档的困难职工家庭才能结对帮扶（先建档后帮扶）。"))
    require(household.node.is_within(cadre.node), _("该户不在该干部所属节点的范围内。"))
    _past_date(starts_on, _("结对日期不能晚于今天。"))
    live = Pairing.objects.filter(household=household, ends_on__isnull=True).select_related("cadre").first()
    require(live is None, _("该户已与%(cadre)s结对（%(date)s起），请先结束原结对。")
             % {"cadre": live and live.cadre.name, "date": live and live.starts_on.isoformat()})
    pairing = Pairing(cadre=cadre, household=household, starts_on=starts_on, created_by=actor)
    pairing._history_user = actor
    pairing.save()
    return pairing


@transaction.atomic
def pairing_end(*, pairing, actor, ends_on, reason):
    """Ends a live pairing on a date no earlier than its start, with the reason."""
    _require_perm(actor, "outreach.change_pairing")
    pairing = fetch_in_scope(Pairing, pairing, actor, lock=True)
    require(pairing.is_live, _("该结对已于%(date)s结束。") % {"date": pairing.ends_on and pairing.ends_on.isoformat()})
    _past_date(ends_on, _("结束日期不能晚于今天。"))
    require(ends_on >= pairing.starts_on, _("结束日期不能早于结对日期（%(date)s）。")
             % {"date": pairing.starts_on.isoformat()})
    require(reason.strip(), _("请填写结束结对的原因。"))
    pairing.ends_on, pairing.end_reason = ends_on, reason.strip()
    pairing._history_user = actor
    pairing.save(update_fields=["ends_on", "end_reason"])
    return pairing


@transaction.atomic
def pairing_visit_log(*, pairing, actor, visited_on, activity, cash=0, fund=None, goods="", goods_quantity=0,
                      goods_value=0):
    """Logs a cadre's visit to his paired household, on a day while the pairing ran (not in the
    future, not before it started). Cash or goods given are recorded as planned aid of the
    pairing program through aid_plan (the fund keeper confirms the payment)."""
    _require_perm(actor, "outreach.add_pairingvisit")
    pairing = fetch_in_scope(Pairing, pairing, actor)
    pairing = Pairing.objects.select_related("cadre", "household").get(pk=pairing.pk)
    _past_date(visited_on, _("走访日期不能晚于今天。"))
    require(visited_on >= pairing.starts_on, _("走访日期不能早于结对日期（%(date)s）。")
             % {"date": pairing.starts_on.isoformat()})
    require(pairing.ends_on is None or visited_on <= pairing.ends_on, _("走访日期不能晚于结对结束日期（%(date)s）。")
             % {"date": pairing.ends_on and pairing.ends_on.isoformat()})
    require(activity.strip(), _("请填写本次走访的帮扶内容。"))
    gives = (amount_in_fen(cash, limit=MAX_AID, allow_zero=True) or goods.strip()
             or amount_in_fen(goods_value, limit=MAX_AID, allow_zero=True))
    aid = None
    if gives:
        aid = aid_plan(household=pairing.household, program=Program.PAIRING, actor=actor, given_on=visited_on,
                       cash=cash, fund=fund, goods=goods, goods_quantity=goods_quantity, goods_value=goods_value,
                       given_by=pairing.cadre.name, note=_("结对走访"))
    return PairingVisit.objects.create(pairing=pairing, visited_on=visited_on, activity=activity.strip(), aid=aid,
                                       recorded_by=actor)


# the scanned sign-off sheet: what its first bytes say it is (never the name or the browser's word)
SIGNED_SHEET_TYPES = ((b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"))
SIGNED_SHEET_MAX_BYTES = 10 * 1024 * 1024


def signed_sheet_kind(upload):
    """The extension of an uploaded scan by its magic bytes, or None when it is not a PDF, PNG or JPEG."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return next((extension for magic, extension in SIGNED_SHEET_TYPES if head.startswith(magic)), None)


@transaction.atomic
def signed_sheet_upload(*, campaign, node, actor, upload):
    """Keeps the scan of a node's signed sign-off sheet through Django's storage API (PDF or image,
    checked by its content, at most 10 MB)."""
    _require_perm(actor, "outreach.add_aidrecord")
    campaign = _campaign_in_scope(campaign, actor)
    require(node_in_scope(actor, node) and node.is_within(campaign.node), _("该单位不在本次活动的范围内。"))
    require(campaign.state != CampaignState.DRAFT, _("名单确认后才能上传签收表。"))
    require(upload is not None and upload.size, _("请选择签收表扫描件。"))
    require(upload.size <= SIGNED_SHEET_MAX_BYTES, _("扫描件不能超过10 MB。"))
    extension = signed_sheet_kind(upload)
    require(extension is not None, _("扫描件只能是PDF或图片（JPG、PNG）文件。"))
    sheet = SignedSheet(campaign=campaign, node=node, extension=extension, size=upload.size, uploaded_by=actor)
    sheet.file.save(f"sheet.{extension}", upload, save=False)
    sheet.save()
    return sheet
