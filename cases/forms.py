import datetime

from django import forms
from django.conf import settings
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import Enterprise, Node

from .idcard import birth_date_of, normalize_id_number, sex_of, validate_id_number
from .models import (
    AnnualReviewOutcome,
    Category,
    Cause,
    DibaoStandard,
    ExitReason,
    Household,
    Member,
    NoticeBatch,
    Relation,
    Status,
)
from .money import YuanField
from .services import member_in_other_active_dossier
from .validators import (
    FIRST_FILING_YEAR,
    MAX_HOUSEHOLD_SIZE,
    TEXT_MAX,
    validate_not_after_this_year,
    validate_since_first_year,
)

MAX_SECONDARY_CAUSES = 3
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HouseholdForm(forms.ModelForm):
    category = forms.ChoiceField(
        label=_("困难类别"),
        required=False,
        choices=[("", _("按收入自动认定（深度困难/相对困难）")), (Category.ACCIDENT, _("意外致困"))],
        help_text=_("系统按人均月收入与低保标准比较后建议类别；遭遇意外、灾害或重病时选“意外致困”并说明。"),
    )
    secondary_causes = forms.MultipleChoiceField(
        label=_("次要致困原因"),
        required=False,
        choices=Cause.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("最多选三项。"),
    )

    class Meta:
        model = Household
        fields = [
            "node", "enterprise", "employer_name", "filed_on", "hukou_type", "address", "phone",
            "housing_type", "housing_area", "other_annual_income", "medical_expense",
            "education_expense", "other_rigid_expense", "medical_insurance", "pension", "dibao_status",
            "single_parent", "zero_employment", "bank_name", "bank_account", "primary_cause",
            "secondary_causes", "category", "accident_reason", "remarks",
        ]
        widgets = {
            "filed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "accident_reason": forms.Textarea(attrs={"rows": 2}),
            "remarks": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {name: YuanField for name in (
            "other_annual_income", "medical_expense", "education_expense", "other_rigid_expense",
        )}

    SECTIONS = {
        "filing": ["node", "enterprise", "employer_name", "filed_on"],
        "economy": ["hukou_type", "other_annual_income", "medical_expense", "education_expense",
                    "other_rigid_expense", "address", "phone", "housing_type", "housing_area"],
        "security": ["medical_insurance", "pension", "dibao_status", "single_parent", "zero_employment",
                     "bank_name", "bank_account"],
        "causes": ["primary_cause", "category", "accident_reason", "remarks"],
    }

    @property
    def sections(self):
        """The bound fields of each part of the page, in the order of the paper form."""
        return {key: [self[name] for name in names if name in self.fields] for key, names in self.SECTIONS.items()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["node"].queryset = Node.objects.visible_to(user).filter(is_active=True)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).select_related("node")
        if self.instance.pk and not self.is_bound:
            self.initial["secondary_causes"] = self.instance.secondary_cause_list
            self.initial["category"] = Category.ACCIDENT if self.instance.category == Category.ACCIDENT else ""
        if self.instance.pk and self.instance.status != Status.DRAFT:
            # once the center has confirmed the category only the workflow changes it (annual review)
            self.fields.pop("category", None)
        if not self.instance.pk and not self.is_bound and user.node_id:
            self.initial["node"] = self.initial.get("node") or user.node_id
            # a clerk at an enterprise point files for its one unit
            units = list(Enterprise.objects.filter(node_id=user.node_id)[:2])
            if len(units) == 1:
                self.initial["enterprise"] = self.initial.get("enterprise") or units[0].pk
        for name in ("other_annual_income", "medical_expense", "education_expense", "other_rigid_expense"):
            self.fields[name].widget.attrs["data-calc"] = name
        self.fields["hukou_type"].widget.attrs["data-calc"] = "hukou_type"
        self.fields["node"].widget.attrs["data-calc"] = "node"

    def clean_secondary_causes(self):
        causes = self.cleaned_data["secondary_causes"]
        if len(causes) > MAX_SECONDARY_CAUSES:
            raise forms.ValidationError(_("次要致困原因最多选三项。"))
        return causes

    def clean(self):
        cleaned = super().clean()
        primary, secondary = cleaned.get("primary_cause"), cleaned.get("secondary_causes") or []
        if primary and primary in secondary:
            self.add_error("secondary_causes", _("次要原因不能与主要原因相同。"))
        if cleaned.get("category") == Category.ACCIDENT and not (cleaned.get("accident_reason") or "").strip():
            self.add_error("accident_reason", _("选择“意外致困”时必须说明意外、灾害或疾病情况及损失。"))
        enterprise, node = cleaned.get("enterprise"), cleaned.get("node")
        if enterprise and node and not (enterprise.node.is_within(node) or node.is_within(enterprise.node)):
            self.add_error("enterprise", _("该单位不在所选建档节点的辖区内。"))
        return cleaned

    def save(self, commit=True):
        household = super().save(commit=False)
        household.secondary_causes = ",".join(self.cleaned_data["secondary_causes"])
        if "category" in self.fields:
            household.category = self.cleaned_data["category"] or household.proposed_category
        return household


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = [
            "relation", "name", "id_number", "birth_date", "sex", "ethnicity", "political_status",
            "marital_status", "health", "disease", "disability", "work_status", "model_worker",
            "monthly_income", "phone", "school", "grade", "enrolment_year",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        field_classes = {"monthly_income": YuanField}

    def __init__(self, *args, household=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.fields["birth_date"].required = False
        self.fields["sex"].required = False
        self.fields["birth_date"].help_text = _("由身份证号自动填写。")
        self.fields["id_number"].widget.attrs.update({"data-idcard": "1", "autocomplete": "off", "maxlength": "24"})
        self.fields["monthly_income"].widget.attrs["data-calc"] = "monthly_income"
        # the official lists: nothing chosen is a blank that says so, not a row of dashes
        for name in {"ethnicity", "political_status", "marital_status"} & set(self.fields):
            field = self.fields[name]
            field.choices = [("", _("（未填写）"))] + [c for c in field.choices if c[0] != ""]

    def clean_id_number(self):
        value = normalize_id_number(self.cleaned_data["id_number"])
        validate_id_number(value)
        other = member_in_other_active_dossier(value, self.household)
        if other is not None:
            raise forms.ValidationError(
                _("该人员已在“%(node)s”的一份有效档案中（%(status)s），一人不能同时建两份档案。")
                % {"node": other.node.name, "status": other.get_status_display()}
            )
        return value

    def clean(self):
        cleaned = super().clean()
        id_number = cleaned.get("id_number")
        if id_number:
            cleaned["birth_date"], cleaned["sex"] = birth_date_of(id_number), sex_of(id_number)
            self.instance.birth_date, self.instance.sex = cleaned["birth_date"], cleaned["sex"]
        return cleaned


class HeadForm(MemberForm):
    """The head of household: the worker himself."""

    class Meta(MemberForm.Meta):
        fields = [f for f in MemberForm.Meta.fields if f != "relation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the head's phone is the household's contact (the roster's phone column)
        self.fields["phone"].label = _("户主联系电话")
        self.fields["phone"].help_text = _("档案的联系电话，尽量填写手机号。")

    def save(self, commit=True):
        self.instance.relation = Relation.HEAD
        return super().save(commit)


# a blank first choice, so that an untouched member row counts as unchanged and is ignored
MEMBER_RELATIONS = [("", "---------")] + [c for c in Relation.choices if c[0] != Relation.HEAD]


class BaseMemberFormSet(BaseModelFormSet):
    def __init__(self, *args, household=None, **kwargs):
        self.household = household
        super().__init__(*args, **kwargs)
        for form in self.forms:
            form.fields["relation"].choices = MEMBER_RELATIONS

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "household": self.household}

    @property
    def empty_form(self):
        form = super().empty_form
        form.fields["relation"].choices = MEMBER_RELATIONS
        return form


MemberFormSet = modelformset_factory(
    Member, form=MemberForm, formset=BaseMemberFormSet, extra=1, can_delete=True,
    fields=MemberForm.Meta.fields,
)


class DossierForms:
    """The dossier page's three forms: the household, its head and the other members, validated
    together (household size, one ID number once) and saved together through the service."""

    def __init__(self, data=None, *, user, household=None):
        household = household or Household()
        self.household = household
        head = household.members.filter(relation=Relation.HEAD).first() if household.pk else None
        others = household.members.exclude(relation=Relation.HEAD) if household.pk else Member.objects.none()
        self.household_form = HouseholdForm(data, instance=household, user=user, prefix="h")
        self.head_form = HeadForm(data, instance=head, household=household, prefix="head")
        self.member_formset = MemberFormSet(data, queryset=others, household=household, prefix="m")

    def kept_member_forms(self):
        """The member rows that stay: every existing member not marked for removal, and every new
        row the clerk filled in (a blank extra row is ignored). Whether a row "has changed" says
        nothing about whether it should be kept."""
        return [
            form for form in self.member_formset.forms
            if not self._deleted(form) and (form.instance.pk or form.has_changed())
        ]

    def is_valid(self):
        valid = all([self.household_form.is_valid(), self.head_form.is_valid(), self.member_formset.is_valid()])
        if not valid:
            return False
        member_forms = self.kept_member_forms()
        seen = {self.head_form.cleaned_data["id_number"]: self.head_form}
        for form in member_forms:
            number = form.cleaned_data.get("id_number")
            if number in seen:
                form.add_error("id_number", _("同一身份证号在本档案中填写了两次。"))
            seen[number] = form
        if 1 + len(member_forms) > MAX_HOUSEHOLD_SIZE:
            self.member_formset._non_form_errors = self.member_formset.error_class(
                [_("一户最多登记%(max)s人，请核对家庭成员。") % {"max": MAX_HOUSEHOLD_SIZE}]
            )
        return not (self.household_form.errors or self.head_form.errors or any(f.errors for f in member_forms)
                    or self.member_formset.non_form_errors())

    @staticmethod
    def _deleted(form):
        return bool(getattr(form, "cleaned_data", {}).get("DELETE", False))

    def members(self):
        head = self.head_form.save(commit=False)
        return [head, *(form.save(commit=False) for form in self.kept_member_forms())]

    def place_error(self, error):
        """Puts a service's refusal beside the field it is about: a person already in another
        dossier (lost in a race with another clerk) beside that person's ID number."""
        number = getattr(error, "id_number", None)
        for form in [self.head_form, *self.kept_member_forms()]:
            if number and form.cleaned_data.get("id_number") == number:
                form.add_error("id_number", error.messages[0])
                return
        self.head_form.add_error(None, error.messages[0])

    @property
    def has_errors(self):
        return bool(self.household_form.errors or self.head_form.errors or any(self.member_formset.errors)
                    or self.member_formset.non_form_errors())


def long_text(label, **kwargs):
    """A free-text box of the workflow: at most a long page (TEXT_MAX), said in Chinese."""
    kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
    field = forms.CharField(label=label, max_length=TEXT_MAX, **kwargs)
    field.error_messages["max_length"] = _("最多填写%(limit_value)s个字（现在%(show_value)s个字）。")
    return field


def past_date(label, **kwargs):
    """A date of something that has happened: not in the future, not before FIRST_YEAR."""

    def not_future(value):
        if value > timezone.localdate():
            raise forms.ValidationError(_("%(label)s不能晚于今天。") % {"label": label}, code="future")

    return forms.DateField(label=label, widget=DATE_INPUT, validators=[not_future, validate_since_first_year],
                           **kwargs)


class OpinionForm(forms.Form):
    opinion = long_text(_("意见"), required=False)


class ReasonForm(forms.Form):
    reason = long_text(_("理由"), error_messages={"required": _("请填写理由。")})


class PreliminaryReviewForm(OpinionForm):
    field_order = ["visited_on", "visitors", "findings", "opinion"]
    visited_on = past_date(_("入户调查日期"), initial=timezone.localdate)
    visitors = forms.CharField(label=_("走访人员"), max_length=100)
    findings = long_text(_("走访情况"), widget=forms.Textarea(attrs={"rows": 3}))


class CenterReviewForm(OpinionForm):
    field_order = ["category", "reason", "opinion"]
    category = forms.ChoiceField(label=_("认定类别"), choices=Category.choices)
    reason = long_text(_("改变类别的理由"), required=False)

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.fields["category"].initial = household.category

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("category") and cleaned["category"] != self.household.category and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("改变系统认定的困难类别时必须填写理由。"))
        return cleaned


class EconomicCheckResultForm(forms.Form):
    passed = forms.TypedChoiceField(label=_("核对结论"), choices=[("1", _("通过")), ("0", _("未通过"))],
                                    coerce=lambda v: v == "1")
    result = long_text(_("核对结果"))
    result_on = past_date(_("结果日期"), initial=timezone.localdate)


EXIT_CONFIRMATION = _("我已核实并确认退出：该户将移出在档困难职工名单，家庭成员不再计入有效档案，不再享受帮扶；"
                      "以后如返困，须重新经过初审、中心审核、公示和审批。")


class AnnualReviewForm(OpinionForm):
    field_order = ["year", "outcome", "category", "exit_reason", "opinion", "confirm"]
    year = forms.IntegerField(label=_("复核年度"), initial=lambda: timezone.localdate().year,
                              min_value=FIRST_FILING_YEAR, validators=[validate_not_after_this_year])
    outcome = forms.ChoiceField(label=_("复核结论"), choices=AnnualReviewOutcome.choices)
    category = forms.ChoiceField(label=_("新类别"), choices=[("", "—")] + Category.choices, required=False)
    exit_reason = forms.ChoiceField(label=_("退出原因"), choices=[("", "—")] + ExitReason.choices, required=False)
    confirm = forms.BooleanField(label=EXIT_CONFIRMATION, required=False,
                                 help_text=_("仅在复核结论为“退出”时需要勾选。"))

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome == AnnualReviewOutcome.CHANGE:
            if not cleaned.get("category"):
                self.add_error("category", _("请选择新的困难类别。"))
            if not cleaned.get("opinion", "").strip():
                self.add_error("opinion", _("调整困难类别时必须填写理由。"))
        if outcome == AnnualReviewOutcome.EXIT:
            if not cleaned.get("exit_reason"):
                self.add_error("exit_reason", _("请选择退出原因。"))
            if not cleaned.get("confirm"):
                self.add_error("confirm", _("复核结论为退出时，请勾选确认后再提交。"))
        cleaned.pop("confirm", None)
        return cleaned


class ExitForm(OpinionForm):
    """An exit asks for the reason (no reason is preselected) and a confirmation that says what it
    means: undoing it takes the whole approval again. ``cleaned_data`` holds only what
    services.household_exit takes, so every caller (the dossier page, the admin action) can pass it on."""

    field_order = ["reason", "opinion", "confirm"]
    reason = forms.ChoiceField(label=_("退出原因"), choices=[("", _("请选择退出原因"))] + ExitReason.choices,
                               error_messages={"required": _("请选择退出原因。")})
    confirm = forms.BooleanField(label=EXIT_CONFIRMATION, error_messages={"required": _("请勾选确认后再办理退出。")})

    def clean(self):
        cleaned = super().clean()
        cleaned.pop("confirm", None)
        return cleaned


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("公示标题"), max_length=120)
    starts_on = forms.DateField(label=_("公示开始日期"), widget=DATE_INPUT)
    ends_on = forms.DateField(
        label=_("公示截止日期"), widget=DATE_INPUT,
        help_text=_("公示期不少于规定天数（含开始当天），期满后才能审批。"),
    )
    place = forms.CharField(
        label=_("公示地点"), max_length=120, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：县总工会公示栏、各乡镇工会公示栏")}),
    )
    households = forms.ModelMultipleChoiceField(
        label=_("列入公示的档案"), queryset=Household.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请至少选择一份待公示的档案。"),
            "invalid_choice": _("所选档案不在待公示名单中，请刷新页面后重新选择。"),
            "invalid_pk_value": _("所选档案不在待公示名单中，请刷新页面后重新选择。"),
        },
    )

    def __init__(self, *args, candidates, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = candidates
        today = timezone.localdate()
        batches_this_year = NoticeBatch.objects.visible_to(user).filter(starts_on__year=today.year).count()
        self.fields["title"].initial = _("%(year)s年第%(n)s批困难职工建档公示") % {
            "year": today.year, "n": batches_this_year + 1,
        }
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = today + datetime.timedelta(days=settings.NOTICE_DAYS - 1)

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        today = timezone.localdate()
        if starts_on < today:
            raise forms.ValidationError(_("公示开始日期不能早于发布当天（%(today)s）。") % {"today": today.isoformat()})
        if starts_on > today + datetime.timedelta(days=90):
            raise forms.ValidationError(_("公示开始日期不能晚于三个月以后。"))
        return starts_on

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("公示截止日期不能早于开始日期。"))
        elif starts_on and ends_on and (ends_on - starts_on).days + 1 < settings.NOTICE_DAYS:
            self.add_error("ends_on", _("公示期至少%(days)s天（含开始当天），截止日期最早为%(date)s。") % {
                "days": settings.NOTICE_DAYS,
                "date": (starts_on + datetime.timedelta(days=settings.NOTICE_DAYS - 1)).isoformat(),
            })
        elif starts_on and ends_on and (ends_on - starts_on).days > 90:
            self.add_error("ends_on", _("公示期不能超过90天。"))
        return cleaned


class ObjectionForm(forms.Form):
    entry = forms.TypedChoiceField(
        label=_("被提出异议的档案"), coerce=int,
        error_messages={"required": _("请选择被提出异议的档案。"),
                        "invalid_choice": _("该档案已不在公示中，不能登记异议。")},
    )
    received_on = past_date(_("收到日期"))
    content = long_text(
        _("异议内容"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("反映人、反映方式和所反映的情况。"),
        error_messages={"required": _("请填写异议内容。")},
    )

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = {entry.pk: entry for entry in entries if entry.household.status == Status.IN_NOTICE}
        self.fields["entry"].choices = [("", "—")] + [
            (pk, f"{entry.household.head_name or '—'}（{entry.household.node.name}）")
            for pk, entry in self.entries.items()
        ]
        self.fields["received_on"].initial = timezone.localdate()


class ObjectionResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("核查结论"), widget=forms.RadioSelect, coerce=lambda value: value == "1",
        choices=[("0", _("异议不成立，继续公示")), ("1", _("异议成立，档案退回修改"))],
        error_messages={"required": _("请选择异议是否成立。")},
    )
    resolution = long_text(_("核查处理意见"), error_messages={"required": _("请填写核查处理意见。")})


class DibaoStandardForm(forms.ModelForm):
    """A 低保 standard, with every refusal in Chinese beside its field: the model's unique and check
    constraints would otherwise answer at the top of the form."""

    class Meta:
        model = DibaoStandard
        fields = ["node", "year", "urban_monthly", "rural_monthly", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = Node.objects.visible_to(user).filter(level__lte=2)
        if not self.instance.pk and not self.is_bound:
            self.initial["node"] = self.initial.get("node") or user.node_id
            self.initial["year"] = self.initial.get("year") or timezone.localdate().year
        for name in ("urban_monthly", "rural_monthly"):
            self.fields[name].widget.attrs.update({"step": "0.01", "min": "0.01"})
        self.fields["node"].error_messages["invalid_choice"] = _("请在您管辖范围内的县或乡镇（系统）中选择。")

    def clean_year(self):
        year = self.cleaned_data["year"]
        latest = timezone.localdate().year + 1
        if not 2000 <= year <= latest:
            raise forms.ValidationError(_("年度应在2000年至%(latest)s年之间。") % {"latest": latest})
        return year

    def _positive(self, name):
        amount = self.cleaned_data[name]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("低保标准必须大于0元。"))
        return amount

    def clean_urban_monthly(self):
        return self._positive("urban_monthly")

    def clean_rural_monthly(self):
        return self._positive("rural_monthly")

    def clean(self):
        cleaned = super().clean()
        node, year = cleaned.get("node"), cleaned.get("year")
        if node and year:
            taken = DibaoStandard.objects.filter(node=node, year=year).exclude(pk=self.instance.pk)
            if taken.exists():
                # the field error also keeps the unique constraint from repeating it above the form
                self.add_error("year", _("“%(node)s”%(year)s年的低保标准已经设置，请修改原有的标准。")
                               % {"node": node.name, "year": year})
        return cleaned
