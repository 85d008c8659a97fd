"""The forms of the holiday campaigns (送温暖): creating one with a standard per category, drawing
and reviewing its list, and the batch delivery screen (one row per household on a single page)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_INPUT
from cases.models import Category, Household
from cases.money import YuanField, yuan
from network.models import Node

from .models import Fund, Occasion, ReturnVisit


def _scoped_nodes(user):
    return Node.objects.visible_to(user).filter(is_active=True).order_by("path")


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("活动名称"), max_length=80)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    occasion = forms.ChoiceField(label=_("节日"), choices=Occasion.choices)
    node = forms.ModelChoiceField(label=_("组织单位"), queryset=Node.objects.none())
    fund = forms.ModelChoiceField(label=_("资金"), queryset=Fund.objects.none())
    budget = YuanField(label=_("预算（元）"), help_text=_("现金与物品合计"))
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE_INPUT)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = _scoped_nodes(user)
        self.fields["node"].initial = user.node_id
        self.fields["fund"].queryset = Fund.objects.visible_to(user).select_related("node")
        self.fields["year"].initial = timezone.localdate().year
        for category, label in Category.choices:
            self.fields[f"cash_{category}"] = YuanField(label=_("现金（元）"))
            self.fields[f"goods_{category}"] = forms.CharField(label=_("物品"), max_length=100, required=False)
            self.fields[f"goods_value_{category}"] = YuanField(label=_("物品价值（元）"))

    def standard_rows(self):
        """(category label, [cash, goods, goods value] bound fields), a row per category."""
        return [(label, [self[f"cash_{category}"], self[f"goods_{category}"], self[f"goods_value_{category}"]])
                for category, label in Category.choices]

    def standards(self):
        """category → (cash, goods, goods value) for the categories given anything."""
        data = self.cleaned_data
        return {
            category: (data[f"cash_{category}"], data[f"goods_{category}"], data[f"goods_value_{category}"])
            for category in Category.values
            if data[f"cash_{category}"] or data[f"goods_{category}"].strip() or data[f"goods_value_{category}"]
        }


class DrawForm(forms.Form):
    categories = forms.MultipleChoiceField(label=_("困难类别"), choices=Category.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple, help_text=_("不选则为全部类别"))
    node = forms.ModelChoiceField(label=_("范围"), queryset=Node.objects.none(), required=False,
                                  empty_label=_("活动范围内全部"))
    not_aided_since = forms.DateField(label=_("此日期以来未获帮扶"), required=False,
                                      widget=DATE_INPUT)

    def __init__(self, *args, campaign, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = _scoped_nodes(user).filter(path__startswith=campaign.node.path)


class RecipientAddForm(forms.Form):
    number = forms.CharField(label=_("档案编号"), max_length=32)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        household = Household.objects.visible_to(self.user).filter(number=number).first()
        if household is None:
            raise forms.ValidationError(_("您的管辖范围内没有这个档案编号。"))
        self.household = household
        return number


class RecipientRemoveForm(forms.Form):
    reason = forms.CharField(label=_("移出原因"), max_length=200)


class SheetDeliverForm(forms.Form):
    given_on = forms.DateField(label=_("发放日期"), widget=DATE_INPUT)
    given_by = forms.CharField(label=_("发放人"), max_length=60, required=False)


class DeliveryRowForm(forms.Form):
    """One household's row on the batch screen: ticked rows are recorded, the others left as they are."""

    recipient = forms.IntegerField(widget=forms.HiddenInput)
    record = forms.BooleanField(label=_("登记"), required=False)
    given_on = forms.DateField(label=_("发放日期"), required=False, widget=DATE_INPUT)
    cash = YuanField(label=_("现金（元）"))
    goods = forms.CharField(label=_("物品"), max_length=100, required=False)
    given_by = forms.CharField(label=_("发放人"), max_length=60, required=False)
    signed = forms.BooleanField(label=_("已签收"), required=False)
    note = forms.CharField(label=_("备注"), max_length=150, required=False)

    def row_fields(self):
        """The cells a clerk types in, in the order Tab moves along the row."""
        return [self[name] for name in ("given_on", "cash", "goods", "given_by", "signed", "note")]

    def clean(self):
        data = super().clean()
        if data.get("record") and not data.get("given_on") and "given_on" not in self.errors:
            self.add_error("given_on", _("请填写发放日期。"))
        return data


class BaseDeliveryFormSet(forms.BaseFormSet):
    def rows_to_record(self):
        return [form for form in self.forms if form.cleaned_data.get("record")]


DeliveryFormSet = forms.formset_factory(DeliveryRowForm, formset=BaseDeliveryFormSet, extra=0, max_num=3000,
                                        absolute_max=3000)


def delivery_initial(recipients, today=None):
    """The rows' first values: each household at its listed cash and goods, on today's date, signed."""
    today = today or timezone.localdate()
    return [{"recipient": entry.pk, "record": False, "given_on": today, "cash": yuan(entry.cash_fen), "goods": entry.goods,
             "signed": True} for entry in recipients]


class ReturnVisitForm(forms.ModelForm):
    """A return visit (回访) to a household after aid; the campaign (if any) comes from the page."""

    class Meta:
        model = ReturnVisit
        fields = ["visited_on", "visitor", "method", "findings"]
        widgets = {"visited_on": DATE_INPUT,
                   "findings": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"findings": _("慰问物资和资金是否收到、家庭近况、还需哪些帮助。")}

    def clean_visited_on(self):
        value = self.cleaned_data["visited_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("回访日期不能晚于今天。"))
        return value

