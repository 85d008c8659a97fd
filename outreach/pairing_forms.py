"""Forms of the pairing pages (结对帮扶): a cadre, the start and end of a pairing, a visit.

The forms repeat the services' date rules only to say them beside the field; the services
(outreach.services, the pairing section) are the guard."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_INPUT
from cases.models import Household
from cases.money import YuanField
from network.models import Node

from .models import Cadre, Fund


def _not_in_future(value, message):
    if value and value > timezone.localdate():
        raise forms.ValidationError(message)
    return value


class CadreForm(forms.ModelForm):
    class Meta:
        model = Cadre
        fields = ["node", "name", "post", "rank", "unit", "phone", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = Node.objects.visible_to(user).filter(is_active=True).order_by("path")
        self.fields["node"].help_text = _("干部可结对该节点及其下级节点的在档家庭。")
        if not self.instance.pk and user.node_id:
            self.fields["node"].initial = user.node_id


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, household):
        return f"{household.head_name or '—'}　{household.number or ''}　{household.node.name}"


class PairingStartForm(forms.Form):
    household = HouseholdChoiceField(
        label=_("结对家庭"), queryset=Household.objects.none(),
        error_messages={"invalid_choice": _("所选家庭不在可结对的在档家庭中，请刷新页面后重新选择。")},
    )
    starts_on = forms.DateField(label=_("结对日期"), widget=DATE_INPUT)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = candidates
        self.fields["starts_on"].initial = timezone.localdate()

    def clean_starts_on(self):
        return _not_in_future(self.cleaned_data["starts_on"], _("结对日期不能晚于今天。"))


class PairingEndForm(forms.Form):
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("结束原因"), max_length=200,
                             error_messages={"required": _("请填写结束结对的原因。")})

    def __init__(self, *args, pairing, **kwargs):
        super().__init__(*args, **kwargs)
        self.pairing = pairing
        self.fields["ends_on"].initial = timezone.localdate()

    def clean_ends_on(self):
        ends_on = _not_in_future(self.cleaned_data["ends_on"], _("结束日期不能晚于今天。"))
        if ends_on < self.pairing.starts_on:
            raise forms.ValidationError(_("结束日期不能早于结对日期（%(date)s）。")
                                        % {"date": self.pairing.starts_on.isoformat()})
        return ends_on


class PairingVisitForm(forms.Form):
    visited_on = forms.DateField(label=_("走访日期"), widget=DATE_INPUT)
    activity = forms.CharField(label=_("帮扶内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                               error_messages={"required": _("请填写本次走访的帮扶内容。")})
    cash = YuanField(label=_("慰问现金（元）"), help_text=_("没有发放现金留空；发放的现金记入帮扶记录，由财务确认发放。"))
    fund = forms.ModelChoiceField(label=_("现金来源资金"), queryset=Fund.objects.none(), required=False)
    goods = forms.CharField(label=_("慰问物品"), max_length=100, required=False)
    goods_quantity = forms.IntegerField(label=_("物品数量"), min_value=0, max_value=100000, required=False)
    goods_value = YuanField(label=_("物品价值（元）"))

    def __init__(self, *args, pairing, **kwargs):
        super().__init__(*args, **kwargs)
        self.pairing = pairing
        # money flows down the network: the funds of the household's node and those above it,
        # which a clerk below them does not otherwise see (aid_plan allows exactly these)
        above = pairing.household.node.ancestor_ids
        self.fields["fund"].queryset = (Fund.objects.filter(node_id__in=above, year__gte=timezone.localdate().year - 1)
                                        .select_related("node").order_by("-year", "node__path", "name"))
        self.fields["visited_on"].initial = timezone.localdate()

    def clean_visited_on(self):
        visited_on = _not_in_future(self.cleaned_data["visited_on"], _("走访日期不能晚于今天。"))
        if visited_on < self.pairing.starts_on:
            raise forms.ValidationError(_("走访日期不能早于结对日期（%(date)s）。")
                                        % {"date": self.pairing.starts_on.isoformat()})
        if self.pairing.ends_on and visited_on > self.pairing.ends_on:
            raise forms.ValidationError(_("走访日期不能晚于结对结束日期（%(date)s）。")
                                        % {"date": self.pairing.ends_on.isoformat()})
        return visited_on

    def clean(self):
        data = super().clean()
        if data.get("cash") and not data.get("fund"):
            self.add_error("fund", _("发放现金必须选择资金。"))
        return data
