"""The forms of the fund pages and the aid confirmation (the funds part of outreach).
Campaign and pairing forms live in their own modules (campaign_forms.py, pairing_forms.py)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE_INPUT
from cases.money import YuanField
from network.models import Node

from .models import EntryKind, Fund

# which field a service refusal belongs beside, by a word of its message
_REFUSAL_FIELDS = [
    ("余额不足", "amount"),
    ("金额", "amount"),
    ("文件或凭证号", "document_number"),
    ("日期", "occurred_on"),
    ("收入只能", "kind"),
    ("调拨只能", "target"),
    ("同一笔", "target"),
    ("冲销原因", "reason"),
    ("回访日期", "visited_on"),
    ("回访人", "visitor"),
    ("回访方式", "method"),
    ("回访情况", "findings"),
]


def place_refusal(form, error):
    """Puts a service's WorkflowError beside the field it is about (by its message), or on top."""
    for message in error.messages:
        field = next((name for word, name in _REFUSAL_FIELDS if word in message and name in form.fields), None)
        form.add_error(field, message)


class ReceiptForm(forms.Form):
    """Money coming into a fund: a grant (拨入, with its document number) or a donation."""

    kind = forms.ChoiceField(label=_("收入类型"), choices=[(EntryKind.RECEIPT, EntryKind.RECEIPT.label),
                                                          (EntryKind.DONATION, EntryKind.DONATION.label)])
    amount = YuanField(label=_("金额（元）"))
    document_number = forms.CharField(label=_("文件或凭证号"), max_length=60, required=False,
                                      help_text=_("拨入资金必填，如 弥工发〔2026〕12号"))
    counterparty = forms.CharField(label=_("来源单位或捐赠人"), max_length=100, required=False)
    occurred_on = forms.DateField(label=_("到账日期"), widget=DATE_INPUT, initial=timezone.localdate)
    note = forms.CharField(label=_("摘要"), max_length=200, required=False)


class AllocationForm(forms.Form):
    """The center moves money from one of its funds to a township's fund."""

    target = forms.ModelChoiceField(label=_("调入资金（乡镇）"), queryset=Fund.objects.none())
    amount = YuanField(label=_("金额（元）"))
    document_number = forms.CharField(label=_("文件或凭证号"), max_length=60, required=False)
    occurred_on = forms.DateField(label=_("调拨日期"), widget=DATE_INPUT, initial=timezone.localdate)
    note = forms.CharField(label=_("摘要"), max_length=200, required=False)

    def __init__(self, *args, source, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = (
            Fund.objects.visible_to(user).filter(node__level=2, node__path__startswith=source.node.path)
            .select_related("node").order_by("-year", "node__path", "name")
        )


class FundForm(forms.ModelForm):
    """A new fund of the center or of a township in the user's scope."""

    class Meta:
        model = Fund
        fields = ["node", "name", "source", "year", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = Node.objects.visible_to(user).filter(level__lte=2, is_active=True)
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        same = Fund.objects.filter(node=data.get("node"), name=data.get("name"), year=data.get("year"))
        if data.get("node") and same.exclude(pk=self.instance.pk).exists():
            self.add_error("name", _("该节点本年度已有同名资金，请换一个名称。"))
        return data

    def clean_year(self):
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
        if not 2000 <= year <= this_year + 1:
            raise forms.ValidationError(_("年度应在2000年至%(year)s年之间。") % {"year": this_year + 1})
        return year


class ReversalForm(forms.Form):
    reason = forms.CharField(label=_("冲销原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}))
