"""The filters of the fund pages and the aid confirmation; every choice offered comes from the
user's own subtree."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cases.filters import YearFilter
from cases.forms import DATE_INPUT
from network.models import Node

from .models import AidRecord, EntryKind, Fund, LedgerEntry, Program


class FundFilter(django_filters.FilterSet):
    year = YearFilter(label=_("年度"), min_value=2000, max_value=2100)
    node = django_filters.ModelChoiceFilter(label=_("所属节点"), queryset=Node.objects.none(), method="in_subtree")

    class Meta:
        model = Fund
        fields = []

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["node"].queryset = Node.objects.visible_to(user).filter(level__lte=2)

    def in_subtree(self, queryset, name, value):
        return queryset.filter(node__path__startswith=value.path) if value else queryset


class LedgerFilter(django_filters.FilterSet):
    """A fund's running ledger by date range and kind."""

    occurred_from = django_filters.DateFilter(label=_("起始日期"), field_name="occurred_on", lookup_expr="gte",
                                              widget=DATE_INPUT)
    occurred_to = django_filters.DateFilter(label=_("截止日期"), field_name="occurred_on", lookup_expr="lte",
                                            widget=DATE_INPUT)
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=EntryKind.choices)

    class Meta:
        model = LedgerEntry
        fields = []


class PlannedAidFilter(django_filters.FilterSet):
    """Planned aid waiting for the fund keeper, by program and fund."""

    program = django_filters.ChoiceFilter(label=_("帮扶项目"), choices=Program.choices)
    fund = django_filters.ModelChoiceFilter(label=_("资金"), queryset=Fund.objects.none())

    class Meta:
        model = AidRecord
        fields = []

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["fund"].queryset = Fund.objects.visible_to(user).select_related("node")
