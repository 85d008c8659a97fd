import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from network.models import Enterprise, Node
from network.scoping import ScopedManager, ScopedQuerySet

from .money import ZERO, to_fen
from .names import given_name, name_initials, surname_initials
from .official_lists import ETHNICITIES, MARITAL_STATUSES, POLITICAL_STATUSES, as_choices
from .validators import (
    FIRST_FILING_YEAR,
    MAX_HOUSEHOLD_SIZE,
    MAX_MONTHLY_INCOME,
    MAX_YEARLY_AMOUNT,
    TEXT_MAX,
    validate_bank_account,
    validate_filing_date,
    validate_person_name,
    validate_phone,
    validate_since_first_year,
    validate_year_not_future,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
NOT_NEGATIVE = [MinValueValidator(Decimal("0"), message=_("金额不能为负数。"))]
YEARLY_AMOUNT = NOT_NEGATIVE + [
    MaxValueValidator(MAX_YEARLY_AMOUNT, message=_("金额不能超过%(limit_value)s元，请核对（单位是元，全年合计）。"))
]
MONTHLY_INCOME = NOT_NEGATIVE + [
    MaxValueValidator(MAX_MONTHLY_INCOME, message=_("月收入不能超过%(limit_value)s元，请核对（单位是元/月）。"))
]


class Category(models.TextChoices):
    DEEP = "deep", _("深度困难")
    RELATIVE = "relative", _("相对困难")
    ACCIDENT = "accident", _("意外致困")


class Cause(models.TextChoices):
    NO_WORK_ABILITY = "no_ability", _("无劳动能力")
    UNEMPLOYED_ABLE = "jobless_able", _("有劳动能力而未就业")
    LAID_OFF = "laid_off", _("下岗失业")
    NO_INSURANCE = "uninsured", _("未参加社会保险")
    INSURANCE_SHORTFALL = "ins_shortfall", _("社会保险待遇落实不到位")
    SERIOUS_ILLNESS = "illness", _("患重特大疾病")
    DISASTER = "disaster", _("遭受自然灾害")
    ACCIDENT = "accident", _("遭受意外事故")
    SCHOOLING = "schooling", _("子女上学")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待初审")
    PRELIM_PASSED = "prelim_passed", _("待中心审核")
    CENTER_PASSED = "center_passed", _("待公示")
    IN_NOTICE = "in_notice", _("公示中")
    APPROVED = "approved", _("在档")
    EXITED = "exited", _("已退出")


class Move(models.TextChoices):
    """The moves of the dossier workflow: the key is what is stored (StatusChange.action, history
    change reasons) and matched on; the label is only shown."""

    EDIT = "edit", _("修改")
    SUBMIT = "submit", _("提交")
    PRELIMINARY = "preliminary", _("初审通过")
    ECONOMIC_CHECK = "economic_check", _("申请民政核对")
    CENTER_REVIEW = "center_review", _("中心审核通过")
    NOTICE = "notice", _("公示")
    APPROVE = "approve", _("审批通过")
    RETURN = "return", _("退回")
    ANNUAL_REVIEW = "annual_review", _("年度复核")
    EXIT = "exit", _("退出")
    REOPEN = "reopen", _("返困重新启用")
    IMPORT = "import", _("纸质档案导入")
    # a dossier brought in or brought up to date from a township's Excel sheet (status unchanged)
    SHEET_IMPORT = "sheet_import", _("Excel导入")


# a draft whose latest step sent it back for correction: the worklist lists those first (an index
# of the household holds this very expression, so that the drafts are read in that order)
RETURNED = Q(status=Status.DRAFT, last_move=Move.RETURN)
RETURNED_FIRST = models.Case(models.When(RETURNED, then=models.Value(True)), default=models.Value(False),
                             output_field=models.BooleanField())


class ChangeReason(models.TextChoices):
    """Why a history record of a dossier or member was written: a person's edit, or a move (its key)."""

    CREATE = "create", _("新建")
    EDIT = "edit", _("修改")

    @classmethod
    def label_of(cls, key):
        labels = {**dict(Move.choices), **dict(cls.choices)}
        return labels.get(key, key or "")


# the change reasons of a person's own edits (the rest are workflow moves)
EDIT_REASONS = (ChangeReason.CREATE.value, ChangeReason.EDIT.value)


class RevealChannel(models.TextChoices):
    """Where full ID, phone or bank numbers were shown."""

    PAGE = "page", _("档案页")
    EDIT = "edit", _("编辑表单")
    PDF = "pdf", _("档案表打印")
    EXPORT = "export", _("花名册导出")
    ADMIN = "admin", _("后台")


class ExitReason(models.TextChoices):
    OUT_OF_HARDSHIP = "recovered", _("解困脱困")
    RETIRED = "retired", _("退休")
    TRANSFERRED = "transferred", _("调离")
    DECEASED = "deceased", _("死亡")
    INELIGIBLE = "ineligible", _("不符合条件")


class HukouType(models.TextChoices):
    URBAN = "urban", _("城镇")
    RURAL = "rural", _("农村")


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Health(models.TextChoices):
    GOOD = "good", _("良好")
    CHRONIC = "chronic", _("慢性病")
    DISABLED = "disabled", _("残疾")
    SERIOUS = "serious", _("重大疾病")


class WorkStatus(models.TextChoices):
    EMPLOYED = "employed", _("在岗")
    LAID_OFF = "laid_off", _("下岗")
    UNEMPLOYED = "unemployed", _("失业")
    RETIRED = "retired", _("退休")
    SICK_LEAVE = "sick_leave", _("病休")
    INTERNAL_RETIRED = "internal", _("内退")
    MIGRANT = "migrant", _("农民工")
    STUDENT = "student", _("在校学生")
    PRESCHOOL = "preschool", _("学龄前")
    NONE = "none", _("无业")


class Relation(models.TextChoices):
    HEAD = "head", _("户主本人")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class Housing(models.TextChoices):
    OWN = "own", _("自有住房")
    PUBLIC_RENT = "public_rent", _("公租房/廉租房")
    RENT = "rent", _("租住")
    BORROWED = "borrowed", _("借住")
    NONE = "none", _("无固定住所")


class MedicalInsurance(models.TextChoices):
    EMPLOYEE = "employee", _("职工医保")
    RESIDENT = "resident", _("居民医保")
    NONE = "none", _("未参保")


class Pension(models.TextChoices):
    EMPLOYEE = "employee", _("职工养老保险")
    RESIDENT = "resident", _("居民养老保险")
    NONE = "none", _("未参保")


class DibaoStatus(models.TextChoices):
    NONE = "none", _("未享受低保")
    DIBAO = "dibao", _("享受低保")
    SUPPORTED = "supported", _("特困供养")


class DibaoStandardQuerySet(ScopedQuerySet):
    def applying_to(self, node, year):
        """The standard of ``year`` set at the deepest of ``node`` and its ancestors, or None."""
        return self.applying_to_each([node], year).get(node.pk)

    def applying_to_each(self, nodes, year):
        """{node id: its standard of ``year``} for many nodes in one query (nodes without one left out)."""
        ancestor_ids = {i for node in nodes for i in node.ancestor_ids}
        standards = {s.node_id: s for s in self.filter(node_id__in=ancestor_ids, year=year)}
        found = {}
        for node in nodes:
            deepest = next((standards[i] for i in reversed(node.ancestor_ids) if i in standards), None)
            if deepest is not None:
                found[node.pk] = deepest
        return found


class DibaoStandard(models.Model):
    """The monthly minimum living allowance (低保标准) of an area for a year, urban and rural.

    Set at the county center it applies county-wide; set at a township it applies there."""

    node = models.ForeignKey(Node, verbose_name=_("适用地区"), on_delete=models.PROTECT, related_name="dibao_standards")
    year = models.PositiveSmallIntegerField(_("年度"))
    urban_monthly = models.DecimalField(_("城镇低保标准（元/月）"), validators=NOT_NEGATIVE, **MONEY)
    rural_monthly = models.DecimalField(_("农村低保标准（元/月）"), validators=NOT_NEGATIVE, **MONEY)
    note = models.CharField(_("文件依据"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = models.Manager.from_queryset(DibaoStandardQuerySet)()
    scope_node = "node"

    class Meta:
        verbose_name = _("低保标准")
        verbose_name_plural = _("低保标准")
        ordering = ["-year", "node__path"]
        constraints = [
            models.UniqueConstraint(fields=["node", "year"], name="cases_dibao_one_standard_per_area_year"),
            models.CheckConstraint(
                condition=Q(urban_monthly__gt=0, rural_monthly__gt=0), name="cases_dibao_standard_positive"
            ),
        ]

    def __str__(self):
        return f"{self.node} {self.year}"

    def monthly_for(self, hukou_type):
        return self.rural_monthly if hukou_type == HukouType.RURAL else self.urban_monthly


class HouseholdQuerySet(ScopedQuerySet):
    def active(self):
        return self.exclude(status=Status.EXITED)

    def on_file(self):
        return self.filter(status=Status.APPROVED)

    def not_reviewed_in(self, year):
        """On-file dossiers approved before ``year`` (this year) and not reviewed for it yet."""
        return self.on_file().filter(approved_at__year__lt=year, last_reviewed_year__lt=year)


class Household(models.Model):
    """A hardship household's dossier (一户一档): the household fields of the official form."""

    number = models.CharField(_("档案编号"), max_length=32, unique=True, null=True, blank=True, editable=False)
    node = models.ForeignKey(Node, verbose_name=_("建档节点"), on_delete=models.PROTECT, related_name="households")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("工作单位"), on_delete=models.PROTECT, related_name="households", null=True, blank=True
    )
    employer_name = models.CharField(_("工作单位（未登记单位）"), max_length=120, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False)

    category = models.CharField(_("困难类别"), max_length=16, choices=Category.choices, blank=True)
    proposed_category = models.CharField(
        _("系统建议类别"), max_length=16, choices=Category.choices, blank=True, editable=False
    )
    accident_reason = models.TextField(_("意外致困说明"), max_length=TEXT_MAX, blank=True)
    category_note = models.TextField(_("类别认定意见"), max_length=TEXT_MAX, blank=True, editable=False)
    primary_cause = models.CharField(_("主要致困原因"), max_length=16, choices=Cause.choices)
    secondary_causes = models.CharField(_("次要致困原因"), max_length=120, blank=True)

    hukou_type = models.CharField(_("户口性质"), max_length=8, choices=HukouType.choices, default=HukouType.URBAN)
    address = models.CharField(_("家庭住址"), max_length=200)
    phone = models.CharField(
        _("家庭其他联系电话"), max_length=30, blank=True, validators=[validate_phone],
        help_text=_("与户主本人电话不同时填写（如家属电话）；不填则以户主电话为联系电话。"),
    )
    housing_type = models.CharField(_("住房类型"), max_length=16, choices=Housing.choices, default=Housing.OWN)
    housing_area = models.DecimalField(
        _("住房面积（㎡）"), max_digits=7, decimal_places=2, null=True, blank=True,
        validators=NOT_NEGATIVE + [MaxValueValidator(Decimal("2000"), message=_("住房面积不能超过2000㎡，请核对。"))],
    )
    # the number of listed members, counted by the dossier service (never typed)
    household_size = models.PositiveSmallIntegerField(_("家庭人口"), editable=False)
    other_annual_income = models.DecimalField(
        _("家庭其他年收入（元）"), default=ZERO, validators=YEARLY_AMOUNT, **MONEY,
        help_text=_("工资以外的收入：养老金、低保金、租金、经营收入等，全年合计。"),
    )
    medical_expense = models.DecimalField(_("年医疗自付支出（元）"), default=ZERO, validators=YEARLY_AMOUNT, **MONEY)
    education_expense = models.DecimalField(_("年子女教育支出（元）"), default=ZERO, validators=YEARLY_AMOUNT, **MONEY)
    other_rigid_expense = models.DecimalField(_("其他刚性支出（元/年）"), default=ZERO, validators=YEARLY_AMOUNT, **MONEY)
    annual_income = models.DecimalField(_("家庭年收入（元）"), default=ZERO, editable=False, **MONEY)
    per_capita_monthly_income = models.DecimalField(_("人均月收入（元）"), default=ZERO, editable=False, **MONEY)
    dibao_standard_monthly = models.DecimalField(
        _("适用低保标准（元/月）"), null=True, blank=True, editable=False, **MONEY
    )

    medical_insurance = models.CharField(
        _("医疗保险"), max_length=16, choices=MedicalInsurance.choices, default=MedicalInsurance.EMPLOYEE
    )
    pension = models.CharField(_("养老保险"), max_length=16, choices=Pension.choices, default=Pension.EMPLOYEE)
    dibao_status = models.CharField(_("低保情况"), max_length=16, choices=DibaoStatus.choices, default=DibaoStatus.NONE)
    single_parent = models.BooleanField(_("单亲家庭"), default=False)
    zero_employment = models.BooleanField(_("零就业家庭"), default=False)
    bank_name = models.CharField(_("开户银行"), max_length=60, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=32, blank=True, validators=[validate_bank_account])
    remarks = models.TextField(_("备注"), max_length=TEXT_MAX, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    filed_on = models.DateField(
        _("建档日期"), default=timezone.localdate, validators=[validate_filing_date]
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True, editable=False)
    exit_reason = models.CharField(_("退出原因"), max_length=16, choices=ExitReason.choices, blank=True, editable=False)
    exited_at = models.DateTimeField(_("退出时间"), null=True, blank=True, editable=False)
    # written by outreach when aid is paid, so "never aided" needs no reverse import
    last_aided_at = models.DateTimeField(_("最近帮扶时间"), null=True, blank=True, editable=False)
    # the latest workflow step (StatusChange), kept by the dossier service with each step: the
    # worklist sorts by how long a dossier has waited, and puts those sent back first, by index
    status_changed_at = models.DateTimeField(_("最近办理时间"), null=True, blank=True, editable=False)
    last_move = models.CharField(_("最近办理操作"), max_length=32, choices=Move.choices, blank=True, editable=False)
    # the latest year of an annual review (0: never), kept by the review service: "not reviewed this
    # year" is one range of an index (no OR with NULL)
    last_reviewed_year = models.PositiveSmallIntegerField(_("最近复核年度"), default=0, editable=False)
    # the year of filed_on, kept by save() (and by the bulk paths, through derive_filed_year): the
    # list filters by year with an equality an index serves in its own order (a range of filing
    # dates read in the order of entry walked 600,000 rows at a million dossiers)
    filed_year = models.PositiveSmallIntegerField(_("建档年度"), default=0, editable=False)

    # the head's fields the list shows, filters, sorts and searches on, kept true by the dossier
    # service (household_recompute, on every save path) so that a page reads them from this row
    head_name = models.CharField(_("户主姓名"), max_length=40, blank=True, editable=False, db_index=True)
    head_id_number = models.CharField(_("户主身份证号"), max_length=18, blank=True, editable=False, db_index=True)
    head_work_status = models.CharField(_("户主就业状况"), max_length=16, choices=WorkStatus.choices, blank=True,
                                        editable=False)
    head_sex = models.CharField(_("户主性别"), max_length=1, choices=Sex.choices, blank=True, editable=False)
    head_phone = models.CharField(_("户主电话"), max_length=30, blank=True, editable=False)

    # the head's copies are the members' own values: their history is the members' history
    history = HistoricalRecords(excluded_fields=["updated_at", "head_name", "head_id_number", "head_work_status",
                                                 "head_sex", "head_phone", "last_reviewed_year", "status_changed_at",
                                                 "last_move"])
    objects = ScopedManager.from_queryset(HouseholdQuerySet)()
    scope_node = "node"

    class Meta:
        verbose_name = _("困难职工档案")
        verbose_name_plural = _("困难职工档案")
        ordering = ["-created_at"]
        # one index for the default order and one per filter the list offers, each ending in that
        # order, so every filter's first pages and the worklist read an index, never sort the table
        indexes = [
            models.Index(fields=["-created_at"], name="cases_hh_created"),
            models.Index(fields=["status", "-created_at"], name="cases_hh_status_created"),
            models.Index(fields=["category", "-created_at"], name="cases_hh_category_created"),
            models.Index(fields=["head_work_status", "-created_at"], name="cases_hh_work_created"),
            models.Index(fields=["primary_cause", "-created_at"], name="cases_hh_cause_created"),
            models.Index(fields=["filed_year", "-created_at"], name="cases_hh_year_created"),

            models.Index(fields=["per_capita_monthly_income"], name="cases_hh_per_capita"),
            models.Index(fields=["household_size"], name="cases_hh_size"),
            models.Index(fields=["filed_on"], name="cases_hh_filed"),

            models.Index(fields=["status", "node"]),
            # the worklist's queues by waiting since (cases.worklist.with_waiting), the expression itself
            models.Index(F("status"), Coalesce(F("status_changed_at"), F("created_at")), F("id"),
                         name="cases_hh_status_waiting_since"),
            # and the drafts', those sent back first
            models.Index(F("status"), RETURNED_FIRST.desc(), Coalesce(F("status_changed_at"), F("created_at")), F("id"),
                         name="cases_hh_returned_waiting"),
            # the list's summary counts by category and status within the user's nodes: each of these
            # holds every column it reads for the filter it begins with, so the count reads an index
            # alone instead of fetching every matching row (SQLite: 316 → a few ms at 100,000)
            models.Index(fields=["node", "category", "status"], name="cases_hh_summary"),
            models.Index(fields=["category", "node", "status"], name="cases_hh_sum_category"),
            models.Index(fields=["status", "node", "category"], name="cases_hh_sum_status"),
            models.Index(fields=["head_work_status", "node", "category", "status"], name="cases_hh_sum_work"),
            models.Index(fields=["filed_year", "node", "category", "status"], name="cases_hh_sum_year"),
            # (with the entrant and the id on PostgreSQL: the annual-review queue's count checks the
            # separation of duties from the index alone, 94,000 rows at a million in 300 ms otherwise)
            models.Index(fields=["status", "last_reviewed_year", "approved_at", "node", "category"],
                         include=["created_by", "id"], name="cases_hh_sum_reviewed_by"),
            models.Index(fields=["status", "last_aided_at", "node", "category"], name="cases_hh_sum_aided"),
        ]
        permissions = [
            ("submit_household", _("提交档案")),
            ("review_household", _("初审档案")),
            ("approve_household", _("审核、公示与审批档案")),
            ("view_sensitive", _("查看完整身份证号和电话")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(household_size__gte=1), name="cases_household_size_at_least_one"),
            models.CheckConstraint(
                condition=Q(household_size__lte=MAX_HOUSEHOLD_SIZE), name="cases_household_size_sane"
            ),
            models.CheckConstraint(
                condition=Q(other_annual_income__gte=0, medical_expense__gte=0, education_expense__gte=0,
                            other_rigid_expense__gte=0),
                name="cases_household_money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(other_annual_income__lte=MAX_YEARLY_AMOUNT, medical_expense__lte=MAX_YEARLY_AMOUNT,
                            education_expense__lte=MAX_YEARLY_AMOUNT, other_rigid_expense__lte=MAX_YEARLY_AMOUNT),
                name="cases_household_money_bounded",
            ),
            models.CheckConstraint(
                condition=Q(filed_on__gte=datetime.date(FIRST_FILING_YEAR, 1, 1)), name="cases_household_filed_since_1995"
            ),
            models.CheckConstraint(
                condition=Q(status="approved", number__isnull=False) | ~Q(status="approved"),
                name="cases_household_approved_has_number",
            ),
        ]

    def __str__(self):
        return self.number or _("未编号档案 #%(pk)s") % {"pk": self.pk}

    def save(self, *args, **kwargs):
        self.derive_filed_year()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "filed_on" in update_fields:
            kwargs["update_fields"] = {*update_fields, "filed_year"}
        super().save(*args, **kwargs)

    def derive_filed_year(self):
        """filed_year from filed_on (by save, and by whatever writes dossiers in bulk)."""
        self.filed_year = self.filed_on.year if self.filed_on else 0

    def get_absolute_url(self):
        return reverse("cases:household_detail", args=[self.pk])

    @property
    def secondary_cause_list(self):
        return [code for code in self.secondary_causes.split(",") if code]

    @property
    def secondary_cause_labels(self):
        return [Cause(code).label for code in self.secondary_cause_list if code in Cause.values]

    @property
    def rigid_expense(self):
        return self.medical_expense + self.education_expense + self.other_rigid_expense

    @property
    def is_active(self):
        return self.status != Status.EXITED


def compute_per_capita(monthly_incomes, other_annual_income, rigid_expense, household_size):
    """(annual family income − rigid expenses) ÷ 12 ÷ household size, to the fen.

    Returns (annual income, per-capita monthly income)."""
    annual = to_fen(sum((Decimal(m) for m in monthly_incomes), Decimal("0")) * 12 + Decimal(other_annual_income))
    if not household_size:
        return annual, ZERO
    return annual, to_fen((annual - Decimal(rigid_expense)) / 12 / household_size)


def propose_category(per_capita, standard_monthly):
    """深度困难 below the 低保 standard, 相对困难 below twice it; "" when neither."""
    if standard_monthly is None:
        return ""
    if per_capita < standard_monthly:
        return Category.DEEP
    if per_capita < standard_monthly * 2:
        return Category.RELATIVE
    return ""


class Member(models.Model):
    """A person of a household: the head (the worker) or a family member."""

    household = models.ForeignKey(Household, verbose_name=_("档案"), on_delete=models.CASCADE, related_name="members")
    relation = models.CharField(_("与户主关系"), max_length=16, choices=Relation.choices)
    name = models.CharField(_("姓名"), max_length=40, validators=[validate_person_name], db_index=True)
    # the name without the surname, for a search by the given name alone (建华 finds 李建华)
    given_name = models.CharField(_("名"), max_length=40, blank=True, editable=False, db_index=True)
    name_initials = models.CharField(_("姓名拼音首字母"), max_length=40, blank=True, editable=False, db_index=True)
    # the initials with the surname's own reading where it differs (曾志伟: czw above, zzw here)
    name_initials_alt = models.CharField(
        _("姓名拼音首字母（姓氏读音）"), max_length=40, blank=True, editable=False, db_index=True
    )
    # indexed for a search by the whole number or its start, in exited dossiers too (the unique
    # index covers the active ones only)
    id_number = models.CharField(_("身份证号"), max_length=18, db_index=True)
    birth_date = models.DateField(_("出生日期"))
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True, default="汉族", choices=as_choices(ETHNICITIES))
    political_status = models.CharField(
        _("政治面貌"), max_length=20, blank=True, choices=as_choices(POLITICAL_STATUSES)
    )
    marital_status = models.CharField(_("婚姻状况"), max_length=20, blank=True, choices=as_choices(MARITAL_STATUSES))
    health = models.CharField(_("健康状况"), max_length=16, choices=Health.choices, default=Health.GOOD)
    disease = models.CharField(_("所患疾病"), max_length=100, blank=True)
    disability = models.CharField(_("残疾类别及等级"), max_length=60, blank=True)
    work_status = models.CharField(_("就业/就学状况"), max_length=16, choices=WorkStatus.choices, default=WorkStatus.EMPLOYED)
    model_worker = models.CharField(_("劳模级别"), max_length=30, blank=True)
    monthly_income = models.DecimalField(_("月收入（元）"), default=ZERO, validators=MONTHLY_INCOME, **MONEY)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True, validators=[validate_phone])
    school = models.CharField(_("就读学校"), max_length=100, blank=True)
    grade = models.CharField(_("年级"), max_length=30, blank=True)
    enrolment_year = models.PositiveSmallIntegerField(
        _("入学年份"), null=True, blank=True, validators=[validate_since_first_year, validate_year_not_future]
    )
    # true while the dossier is not exited: the database allows one active dossier per person
    in_active_dossier = models.BooleanField(_("在有效档案中"), default=True, editable=False)

    history = HistoricalRecords()
    objects = ScopedManager()
    scope_node = "household__node"

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=Q(in_active_dossier=True), name="cases_member_one_active_dossier",
                violation_error_message=_("该人员已在另一份有效档案中，一人不能同时建两份档案。"),
            ),
            models.UniqueConstraint(
                fields=["household"], condition=Q(relation="head"), name="cases_member_one_head_per_household"
            ),
            models.CheckConstraint(condition=Q(monthly_income__gte=0), name="cases_member_income_not_negative"),
            models.CheckConstraint(
                condition=Q(monthly_income__lte=MAX_MONTHLY_INCOME), name="cases_member_income_bounded"
            ),
        ]


    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.derive_initials()
        super().save(*args, **kwargs)

    def derive_initials(self):
        """The given name and the initials searched by pinyin (张志强 → zzq; 曾志伟 → czw and zzw),
        derived from the name (by save, and by the services that create members in bulk)."""
        self.given_name = given_name(self.name)
        self.name_initials = name_initials(self.name)
        self.name_initials_alt = surname_initials(self.name)

    @property
    def is_head(self):
        return self.relation == Relation.HEAD


class StatusChange(models.Model):
    """One step of a dossier's workflow: who moved it, when, from where to where, and his opinion."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("档案"))
    action = models.CharField(_("操作"), max_length=32, choices=Move.choices)
    from_status = models.CharField(_("原状态"), max_length=16, choices=Status.choices)
    to_status = models.CharField(_("新状态"), max_length=16, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    opinion = models.TextField(_("意见"), max_length=TEXT_MAX, blank=True)

    objects = ScopedManager()
    scope_node = "household__node"

    class Meta:
        verbose_name = _("流程记录")
        verbose_name_plural = _("流程记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.household} {self.get_action_display()}"


class HomeVisit(models.Model):
    """The 入户调查 of the township or system union's first review."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="home_visits", verbose_name=_("档案"))
    visited_on = models.DateField(_("走访日期"))
    visitors = models.CharField(_("走访人员"), max_length=100)
    findings = models.TextField(_("走访情况"), max_length=TEXT_MAX)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人"))
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = ScopedManager()
    scope_node = "household__node"

    class Meta:
        verbose_name = _("入户调查")
        verbose_name_plural = _("入户调查")
        ordering = ["-visited_on"]

    def __str__(self):
        return f"{self.household} {self.visited_on}"


class EconomicCheck(models.Model):
    """A request to the civil-affairs office (民政核对) for a household economic check, and its result."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="economic_checks", verbose_name=_("档案"))
    requested_on = models.DateField(_("申请核对日期"), default=timezone.localdate)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人"))
    request_note = models.TextField(_("核对事项"), max_length=TEXT_MAX, blank=True)
    result_on = models.DateField(_("核对结果日期"), null=True, blank=True)
    passed = models.BooleanField(_("核对通过"), null=True)
    result = models.TextField(_("核对结果"), max_length=TEXT_MAX, blank=True)

    objects = ScopedManager()
    scope_node = "household__node"

    class Meta:
        verbose_name = _("民政核对")
        verbose_name_plural = _("民政核对")
        ordering = ["-requested_on"]

    def __str__(self):
        return f"{self.household} {self.requested_on}"


class NoticeBatch(models.Model):
    """A public notice (公示): the list of dossiers, ID numbers masked, posted for a period."""

    title = models.CharField(_("公示标题"), max_length=120)
    node = models.ForeignKey(Node, verbose_name=_("公示单位"), on_delete=models.PROTECT, related_name="notice_batches")
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示截止日期"))
    place = models.CharField(_("公示地点"), max_length=120, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布人"))
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    households = models.ManyToManyField(Household, through="NoticeEntry", related_name="notice_batches")

    objects = ScopedManager()
    scope_node = "node"

    class Meta:
        verbose_name = _("公示批次")
        verbose_name_plural = _("公示批次")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="cases_notice_ends_after_start"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cases:notice_detail", args=[self.pk])

    def has_ended(self, today=None):
        return (today or timezone.localdate()) > self.ends_on

    @property
    def first_day_shown(self):
        """The notice cannot have been posted before it was published, whatever its start date says."""
        return max(self.starts_on, timezone.localdate(self.created_at))

    def has_run(self, today=None):
        """Whether the notice is over and was really up for the required number of days."""
        days_shown = (self.ends_on - self.first_day_shown).days + 1
        return self.has_ended(today) and days_shown >= settings.NOTICE_DAYS


class NoticeEntry(models.Model):
    batch = models.ForeignKey(NoticeBatch, on_delete=models.CASCADE, related_name="entries", verbose_name=_("公示批次"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="notice_entries", verbose_name=_("档案"))

    objects = ScopedManager()
    scope_node = "household__node"

    class Meta:
        verbose_name = _("公示名单")
        verbose_name_plural = _("公示名单")
        constraints = [models.UniqueConstraint(fields=["batch", "household"], name="cases_notice_entry_once")]

    def __str__(self):
        return f"{self.batch} {self.household}"


class Objection(models.Model):
    """An objection raised during a notice, and how it was resolved."""

    entry = models.ForeignKey(NoticeEntry, on_delete=models.CASCADE, related_name="objections", verbose_name=_("公示名单"))
    received_on = models.DateField(_("收到日期"), default=timezone.localdate)
    content = models.TextField(_("异议内容"), max_length=TEXT_MAX)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人"))
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("处理人")
    )
    upheld = models.BooleanField(_("异议成立"), null=True)
    resolution = models.TextField(_("核查处理意见"), max_length=TEXT_MAX, blank=True)

    objects = ScopedManager()
    scope_node = "entry__household__node"

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["received_on", "pk"]

    def __str__(self):
        return f"{self.entry} {self.received_on}"

    @property
    def is_resolved(self):
        return self.resolved_at is not None


class AnnualReviewOutcome(models.TextChoices):
    CONFIRM = "confirm", _("确认继续在档")
    CHANGE = "change", _("调整困难类别")
    EXIT = "exit", _("退出")


class AnnualReview(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="annual_reviews", verbose_name=_("档案"))
    year = models.PositiveSmallIntegerField(_("复核年度"))
    outcome = models.CharField(_("复核结论"), max_length=16, choices=AnnualReviewOutcome.choices)
    category = models.CharField(_("复核后类别"), max_length=16, choices=Category.choices, blank=True)
    opinion = models.TextField(_("复核意见"), max_length=TEXT_MAX, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("复核人"))
    reviewed_at = models.DateTimeField(_("复核时间"), default=timezone.now)

    objects = ScopedManager()
    scope_node = "household__node"

    class Meta:
        verbose_name = _("年度复核")
        verbose_name_plural = _("年度复核")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="cases_one_review_per_year")]

    def __str__(self):
        return f"{self.household} {self.year}"


class DossierSequence(models.Model):
    """The last serial given in a year: dossier numbers are issued under a row lock."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    last_serial = models.PositiveIntegerField(_("最后序号"), default=0)

    class Meta:
        verbose_name = _("档案编号序列")
        verbose_name_plural = _("档案编号序列")

    def __str__(self):
        return f"{self.year}: {self.last_serial}"


class SensitiveAccess(models.Model):
    """Who saw full ID numbers, phone numbers and bank accounts, when, and where (page, PDF, export).

    ``node`` scopes the row: the dossier's node for one dossier; for a bulk export the node of the
    user who exported it, with the filter and the row count, so the center can read it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("查看人"))
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="sensitive_accesses", null=True, blank=True, verbose_name=_("档案")
    )
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属节点"))
    channel = models.CharField(_("途径"), max_length=20, choices=RevealChannel.choices)
    detail = models.CharField(_("筛选条件"), max_length=500, blank=True)
    row_count = models.PositiveIntegerField(_("导出行数"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = ScopedManager()
    scope_node = "node"

    class Meta:
        verbose_name = _("敏感信息查看记录")
        verbose_name_plural = _("敏感信息查看记录")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} {self.channel} {self.at:%Y-%m-%d %H:%M}"
