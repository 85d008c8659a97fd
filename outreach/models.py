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
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("结束人"), on_delete=models.PROTECT,
                                  related_name="+", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True, editable=False)

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
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_by__isnull=False, closed_at__isnull=False),
                name="outreach_campaign_closed_says_by_whom",
            ),
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


class CampaignHousehold(models.Model):
    """A household on a campaign's recipient list: drawn, added or removed (with a reason) while
    the list is a draft; frozen when the campaign is confirmed. The visiting cadre is assigned here."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="recipients")
    household = models.ForeignKey(Household, verbose_name=_("档案"), on_delete=models.PROTECT,
                                  related_name="campaign_entries")
    cash_fen = models.BigIntegerField(_("现金（分）"), default=0)
    goods = models.CharField(_("物品"), max_length=100, blank=True)
    goods_value_fen = models.BigIntegerField(_("物品价值（分）"), default=0)
    visitor = models.ForeignKey("Cadre", verbose_name=_("走访干部"), on_delete=models.PROTECT, related_name="+",
                                null=True, blank=True)
    removed_reason = models.CharField(_("移出原因"), max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("列入人"), on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField(_("列入时间"), default=timezone.now)

    objects = ScopedManager()
    scope_node = "household__node"

    class Meta:
        verbose_name = _("慰问名单")
        verbose_name_plural = _("慰问名单")
        ordering = ["campaign", "household__node__path", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="outreach_recipient_once"),
            models.CheckConstraint(condition=Q(cash_fen__gte=0, goods_value_fen__gte=0),
                                   name="outreach_recipient_not_negative"),
        ]

    def __str__(self):
        return f"{self.campaign} {self.household}"

    @property
    def is_removed(self):
        return bool(self.removed_reason)


def signed_sheet_path(instance, filename):
    # never the uploaded name (it may hold a name or an ID number): campaign, node and a counter
    return f"signoff/{instance.campaign_id}/{instance.node_id}/{timezone.now():%Y%m%d%H%M%S}.{instance.extension}"


class SignedSheet(models.Model):
    """The scanned, signed paper sign-off sheet (签收表) of one node in a campaign (PDF or image),
    stored through Django's storage API and served only through a scoped view."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="signed_sheets")
    node = models.ForeignKey(Node, verbose_name=_("节点"), on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("扫描件"), upload_to=signed_sheet_path)
    extension = models.CharField(_("文件类型"), max_length=8, editable=False)
    size = models.PositiveIntegerField(_("大小（字节）"), editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT,
                                    related_name="+", editable=False)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now, editable=False)

    objects = ScopedManager()
    scope_node = "node"

    class Meta:
        verbose_name = _("签收表扫描件")
        verbose_name_plural = _("签收表扫描件")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.campaign} {self.node}"


class ReturnVisit(models.Model):
    """A return call or visit (回访) after aid: when, by whom, how, what was found."""

    class Method(models.TextChoices):
        VISIT = "visit", _("入户回访")
        PHONE = "phone", _("电话回访")

    household = models.ForeignKey(Household, verbose_name=_("档案"), on_delete=models.PROTECT,
                                  related_name="return_visits")
    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="return_visits",
                                 null=True, blank=True)
    visited_on = models.DateField(_("回访日期"))
    visitor = models.CharField(_("回访人"), max_length=60)
    method = models.CharField(_("方式"), max_length=8, choices=Method.choices)
    findings = models.TextField(_("回访情况"), max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = ScopedManager()
    scope_node = "household__node"

    class Meta:
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")
        ordering = ["-visited_on", "-pk"]

    def __str__(self):
        return f"{self.household} {self.visited_on}"


class CadreRank(models.TextChoices):
    SECTION = "section", _("科级")
    DIVISION = "division", _("处级")
    BUREAU = "bureau", _("厅级及以上")
    OTHER = "other", _("其他")


class Cadre(models.Model):
    """A leading cadre who adopts households (结对帮扶) and visits them."""

    node = models.ForeignKey(Node, verbose_name=_("所属节点"), on_delete=models.PROTECT, related_name="cadres")
    name = models.CharField(_("姓名"), max_length=40)
    post = models.CharField(_("职务"), max_length=60)
    rank = models.CharField(_("级别"), max_length=12, choices=CadreRank.choices)
    unit = models.CharField(_("工作单位"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("在职"), default=True)

    history = HistoricalRecords()
    objects = ScopedManager()
    scope_node = "node"

    class Meta:
        verbose_name = _("结对干部")
        verbose_name_plural = _("结对干部")
        ordering = ["node__path", "name"]

    def __str__(self):
        return f"{self.name}（{self.post}）"


class Pairing(models.Model):
    """A cadre's adoption of a household, from its start to its end (with the reason)."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("结对干部"), on_delete=models.PROTECT, related_name="pairings")
    household = models.ForeignKey(Household, verbose_name=_("档案"), on_delete=models.PROTECT, related_name="pairings")
    starts_on = models.DateField(_("结对日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")

    history = HistoricalRecords()
    objects = ScopedManager()
    scope_node = "household__node"

    class Meta:
        verbose_name = _("结对关系")
        verbose_name_plural = _("结对关系")
        ordering = ["-starts_on"]
        constraints = [
            # a household has at most one live pairing with the same cadre
            models.UniqueConstraint(fields=["cadre", "household"], condition=Q(ends_on__isnull=True),
                                    name="outreach_pairing_once_while_live"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="outreach_pairing_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.cadre} — {self.household}"

    @property
    def is_live(self):
        return self.ends_on is None


class PairingVisit(models.Model):
    """A cadre's visit to his paired household: what was done; money or goods go through the aid ledger."""

    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("走访日期"))
    activity = models.TextField(_("帮扶内容"), max_length=2000)
    aid = models.OneToOneField("AidRecord", verbose_name=_("帮扶记录"), on_delete=models.PROTECT, related_name="+",
                               null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = ScopedManager()
    scope_node = "pairing__household__node"

    class Meta:
        verbose_name = _("结对走访")
        verbose_name_plural = _("结对走访")
        ordering = ["-visited_on", "-pk"]

    def __str__(self):
        return f"{self.pairing} {self.visited_on}"


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
    # the household signed (or thumb-printed) for it: on the sign-off sheet, or a receipt
    signed = models.BooleanField(_("已签收"), default=False)
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
