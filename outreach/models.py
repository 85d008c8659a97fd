"""The money side: funds, their append-only ledger, and the one aid ledger (帮扶记录) of every payment
or gift to a household, whatever the program.

Money is stored in integer fen (``*_fen``): SQLite does Decimal arithmetic in floating point, so a
balance kept as a DecimalField drifts (0.30 − 0.10 = 0.19999999999999998). Balances never go below
zero (a check constraint), ledger rows are never updated or deleted (database triggers), and
every row is written by ``outreach.services`` alone.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Category, Household, Member
from cases.money import yuan
from network.models import Node
from network.scoping import ScopedManager



class FundSource(models.Model):
    """A source kind of money (中央财政专项, 工会经费, 社会捐赠…); the center adds its own."""

    name = models.CharField(_("资金来源"), max_length=40, unique=True)
    ordering_key = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")
        ordering = ["ordering_key", "name"]

    def __str__(self):
        return self.name


class Fund(models.Model):
    """A fund of a node for a year: the center's funds, or a township's own 送温暖基金."""

    node = models.ForeignKey(Node, verbose_name=_("所属节点"), on_delete=models.PROTECT, related_name="funds")
    name = models.CharField(_("资金名称"), max_length=80)
    source = models.ForeignKey(FundSource, verbose_name=_("资金来源"), on_delete=models.PROTECT, related_name="funds")
    year = models.PositiveSmallIntegerField(_("年度"))
    # moved only by outreach.services, one conditional UPDATE at a time
    balance_fen = models.BigIntegerField(_("余额（分）"), default=0, editable=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("建立时间"), default=timezone.now, editable=False)

    history = HistoricalRecords(excluded_fields=["balance_fen"])
    objects = ScopedManager()
    scope_node = "node"

    class Meta:
        verbose_name = _("帮扶资金")
        verbose_name_plural = _("帮扶资金")
        ordering = ["-year", "node__path", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(balance_fen__gte=0), name="outreach_fund_balance_not_negative"),
            models.UniqueConstraint(fields=["node", "name", "year"], name="outreach_fund_name_once_per_node_year"),
        ]

    def __str__(self):
        return f"{self.year}年{self.name}（{self.node.name}）"

    def get_absolute_url(self):
        return reverse("outreach:fund_detail", args=[self.pk])

    @property
    def balance(self):
        return yuan(self.balance_fen)


class EntryKind(models.TextChoices):
    RECEIPT = "receipt", _("拨入")
    DONATION = "donation", _("捐赠")
    ALLOCATION_OUT = "allocation_out", _("调拨转出")
    ALLOCATION_IN = "allocation_in", _("调拨转入")
    AID = "aid", _("帮扶支出")
    REVERSAL = "reversal", _("冲销退回")


INCOME_KINDS = (EntryKind.RECEIPT, EntryKind.DONATION)


class Program(models.TextChoices):
    """The relief programs whose aid goes through the ledger."""

    HOLIDAY = "holiday", _("送温暖")
    PAIRING = "pairing", _("结对帮扶")
    TUITION = "tuition", _("金秋助学")
    MEDICAL = "medical", _("医疗救助")
    LIVING = "living", _("生活救助")
    EMERGENCY = "emergency", _("临时救助")
    TRAINING = "training", _("职业培训")
    LEGAL = "legal", _("法律援助")


class CapRule(models.TextChoices):
    DIBAO_YEAR = "dibao_year", _("不超过该户全年低保总额（低保标准×12×家庭人口）")
    FIXED = "fixed", _("每户每年不超过固定金额")


class ProgramCap(models.Model):
    """How much a household may receive from a program in a year (DOMAIN: living aid at most the
    year's 低保 total for that household; the center sets the others)."""

    program = models.CharField(_("帮扶项目"), max_length=16, choices=Program.choices, unique=True)
    rule = models.CharField(_("上限规则"), max_length=16, choices=CapRule.choices)
    amount_fen = models.BigIntegerField(_("固定上限（分）"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("帮扶上限")
        verbose_name_plural = _("帮扶上限")
        constraints = [
            models.CheckConstraint(condition=~Q(rule="fixed") | Q(amount_fen__gt=0), name="outreach_cap_fixed_has_amount"),
        ]

    def __str__(self):
        return f"{self.get_program_display()}：{self.get_rule_display()}"


class Occasion(models.TextChoices):
    NEW_YEAR = "new_year", _("元旦")
    SPRING = "spring", _("春节")
    MID_AUTUMN = "mid_autumn", _("中秋")
    OTHER = "other", _("其他")


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("拟定名单")
    CONFIRMED = "confirmed", _("名单已确认")
    CLOSED = "closed", _("已结束")


class Campaign(models.Model):
    """A holiday visit (送温暖) of a year: the list is drawn from on-file dossiers, frozen when
    confirmed, and paid from one fund at a standard per category."""

    node = models.ForeignKey(Node, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="campaigns")
    year = models.PositiveSmallIntegerField(_("年度"))
    occasion = models.CharField(_("节日"), max_length=16, choices=Occasion.choices)
    name = models.CharField(_("活动名称"), max_length=80)
    fund = models.ForeignKey(Fund, verbose_name=_("资金"), on_delete=models.PROTECT, related_name="campaigns")
    budget_fen = models.BigIntegerField(_("预算（分）"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    state = models.CharField(_("状态"), max_length=10, choices=CampaignState.choices, default=CampaignState.DRAFT,
                             editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = ScopedManager()
    scope_node = "node"

    class Meta:
        verbose_name = _("送温暖活动")
        verbose_name_plural = _("送温暖活动")
        ordering = ["-year", "-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(budget_fen__gt=0), name="outreach_campaign_budget_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="outreach_campaign_ends_after_start"),
        ]

    def __str__(self):
        return self.name


class CampaignStandard(models.Model):
    """What a household of a category receives in a campaign: cash and goods."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="standards")
    category = models.CharField(_("困难类别"), max_length=16, choices=Category.choices)
    cash_fen = models.BigIntegerField(_("现金（分）"), default=0)
    goods = models.CharField(_("物品"), max_length=100, blank=True)
    goods_value_fen = models.BigIntegerField(_("物品价值（分）"), default=0)

    objects = ScopedManager()
    scope_node = "campaign__node"

    class Meta:
        verbose_name = _("慰问标准")
        verbose_name_plural = _("慰问标准")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "category"], name="outreach_standard_once_per_category"),
            models.CheckConstraint(condition=Q(cash_fen__gte=0, goods_value_fen__gte=0),
                                   name="outreach_standard_not_negative"),
        ]

    def __str__(self):
        return f"{self.campaign} {self.get_category_display()}"


class AidState(models.TextChoices):
    PLANNED = "planned", _("计划发放")
    PAID = "paid", _("已发放")
    REVERSED = "reversed", _("已冲销")


class AidRecord(models.Model):
    """One payment or gift to a household (帮扶记录), whatever the program: by name, from a fund,
    with what the household was when the aid was confirmed (its category and income), so that a
    later edit of the dossier does not change a past payment."""

    program = models.CharField(_("帮扶项目"), max_length=16, choices=Program.choices)
    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.PROTECT,
                                 related_name="aid_records", null=True, blank=True)
    household = models.ForeignKey(Household, verbose_name=_("档案"), on_delete=models.PROTECT, related_name="aid_records")
    beneficiary = models.ForeignKey(
        Member, verbose_name=_("受助成员"), on_delete=models.PROTECT, related_name="aid_records", null=True, blank=True
    )
    node = models.ForeignKey(Node, verbose_name=_("发放节点"), on_delete=models.PROTECT, related_name="aid_records")
    fund = models.ForeignKey(Fund, verbose_name=_("资金"), on_delete=models.PROTECT, related_name="aid_records",
                             null=True, blank=True)
    cash_fen = models.BigIntegerField(_("现金（分）"), default=0)
    goods = models.CharField(_("物品"), max_length=100, blank=True)
    goods_quantity = models.PositiveIntegerField(_("物品数量"), default=0)
    goods_value_fen = models.BigIntegerField(_("物品价值（分）"), default=0)
    given_on = models.DateField(_("发放日期"))
    given_by = models.CharField(_("发放人"), max_length=60, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=AidState.choices, default=AidState.PLANNED,
                             editable=False)
    # the household as it was when the aid was confirmed
    category_at_payment = models.CharField(_("发放时困难类别"), max_length=16, choices=Category.choices, blank=True,
                                           editable=False)
    per_capita_at_payment = models.DecimalField(_("发放时人均月收入（元）"), max_digits=12, decimal_places=2,
                                                null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT,
                                    related_name="+", editable=False)
    recorded_at = models.DateTimeField(_("录入时间"), default=timezone.now, editable=False)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认发放人"), on_delete=models.PROTECT,
                                related_name="+", null=True, blank=True, editable=False)
    paid_at = models.DateTimeField(_("确认发放时间"), null=True, blank=True, editable=False)
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("冲销人"), on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True, editable=False)
    reversed_at = models.DateTimeField(_("冲销时间"), null=True, blank=True, editable=False)
    reversal_reason = models.CharField(_("冲销原因"), max_length=200, blank=True, editable=False)

    history = HistoricalRecords()
    objects = ScopedManager()
    scope_node = "node"

    class Meta:
        verbose_name = _("帮扶记录")
        verbose_name_plural = _("帮扶记录")
        ordering = ["-given_on", "-pk"]
        permissions = [
            ("pay_aidrecord", _("确认发放和冲销帮扶记录")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cash_fen__gte=0, goods_value_fen__gte=0), name="outreach_aid_amounts_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(cash_fen__gt=0) | Q(goods_value_fen__gt=0) | ~Q(goods=""), name="outreach_aid_gives_something"
            ),
            models.CheckConstraint(
                condition=Q(cash_fen=0) | Q(fund__isnull=False), name="outreach_aid_cash_has_a_fund"
            ),
            models.CheckConstraint(
                condition=~Q(state="paid") | Q(paid_by__isnull=False, paid_at__isnull=False),
                name="outreach_aid_paid_says_by_whom",
            ),
            models.CheckConstraint(
                condition=~Q(state="reversed") | Q(reversed_by__isnull=False, reversed_at__isnull=False),
                name="outreach_aid_reversed_says_by_whom",
            ),
            # at most one live payment per household per campaign
            models.UniqueConstraint(
                fields=["campaign", "household"], condition=Q(campaign__isnull=False) & ~Q(state="reversed"),
                name="outreach_aid_once_per_campaign",
                violation_error_message=_("该户在本次活动中已有一笔发放。"),
            ),
        ]
        indexes = [models.Index(fields=["household", "state", "given_on"])]

    def __str__(self):
        return f"{self.get_program_display()} {self.household} {self.given_on}"

    @property
    def cash(self):
        return yuan(self.cash_fen)

    @property
    def goods_value(self):
        return yuan(self.goods_value_fen)


class LedgerEntry(models.Model):
    """One movement of a fund's money. Append-only: the database refuses UPDATE and DELETE (see the
    migration's triggers); a mistake is put right by a reversing entry."""

    fund = models.ForeignKey(Fund, verbose_name=_("资金"), on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类型"), max_length=16, choices=EntryKind.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    balance_after_fen = models.BigIntegerField(_("发生后余额（分）"))
    document_number = models.CharField(_("文件或凭证号"), max_length=60, blank=True)
    counterparty = models.CharField(_("来源或去向"), max_length=100, blank=True)
    note = models.CharField(_("摘要"), max_length=200, blank=True)
    aid = models.ForeignKey(AidRecord, verbose_name=_("帮扶记录"), on_delete=models.PROTECT, related_name="entries",
                            null=True, blank=True)
    # the other half of an allocation (two entries that sum to zero)
    counterpart = models.OneToOneField("self", verbose_name=_("对应分录"), on_delete=models.PROTECT,
                                       related_name="+", null=True, blank=True)
    occurred_on = models.DateField(_("发生日期"), default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("记账时间"), default=timezone.now)

    objects = ScopedManager()
    scope_node = "fund__node"

    class Meta:
        verbose_name = _("资金流水")
        verbose_name_plural = _("资金流水")
        ordering = ["fund", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_fen=0), name="outreach_entry_not_zero"),
            models.CheckConstraint(condition=Q(balance_after_fen__gte=0), name="outreach_entry_balance_not_negative"),
            models.CheckConstraint(
                condition=Q(kind__in=["receipt", "donation", "allocation_in", "reversal"], amount_fen__gt=0)
                | Q(kind__in=["allocation_out", "aid"], amount_fen__lt=0),
                name="outreach_entry_sign_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["fund", "occurred_on"])]

    def __str__(self):
        return f"{self.fund} {self.get_kind_display()} {yuan(self.amount_fen)}"

    @property
    def amount(self):
        return yuan(self.amount_fen)

    @property
    def balance_after(self):
        return yuan(self.balance_after_fen)
