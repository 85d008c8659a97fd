import django_filters
from django import forms
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import Enterprise, Node

from .idcard import normalize_id_number
from .models import Category, Cause, Household, Member, Status, WorkStatus
from .sensitive import full_id_number, may_unmask
from .validators import FIRST_FILING_YEAR

ONLY_THESE = [("", _("全部")), ("true", _("仅这些"))]


def starts_with(field, value):
    """``field`` starts with ``value``, as a condition an index serves on either database: on
    PostgreSQL ``LIKE 'v%'`` (Django gives every indexed text column a pattern-ops index for it); on
    SQLite, whose LIKE ignores case and so never uses an index, the range [v, v + U+10FFFF), exact
    under its byte-order comparison."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": value, f"{field}__lt": value + "\U0010ffff"})
    return Q(**{f"{field}__startswith": value})


# a number search matching this many dossiers or more is answered along the list's order
MANY = 20_000


def search_households(queryset, value, user):
    """Any member's name or given name (李建华 by 李建, 建华), pinyin initials (zzq for 张志强; zzw
    for 曾志伟 by the surname's own reading), ID number or the dossier number, each from its start
    and by index, without DISTINCT (the members are a subquery). The start of an ID number is matched
    only for users who may see full numbers: for the others a match on a part would confirm the
    hidden digits, so only a whole one matches. The list's search box and the admin's."""
    value = value.strip()
    if not value:
        return queryset
    if not any(ch.isdigit() for ch in value):  # a name or initials (a dossier or ID number has digits)
        initials = value.lower()
        match = (starts_with("name", value) | starts_with("given_name", value)
                 | starts_with("name_initials", initials) | starts_with("name_initials_alt", initials))
        return queryset.filter(pk__in=Member.objects.filter(match).order_by().values("household_id"))
    by_number = starts_with("number", value)
    id_like = normalize_id_number(value)
    if may_unmask(user):
        by_id = starts_with("id_number", id_like)
    elif full_id_number(value) or full_id_number(id_like):
        by_id = Q(id_number=id_like)
    else:
        return queryset.filter(by_number)
    # (unordered: the members' default order would join each to its household to sort)
    members = Member.objects.filter(by_id).order_by().values("household_id")
    by_number_ids = Household.objects.filter(by_number).order_by().values("pk")
    # the probe counts in the database, stopping at MANY (UNION ALL: no duplicates to remove first)
    if members.union(by_number_ids, all=True)[:MANY].count() < MANY:
        # a whole number, or a start that fewer than MANY share: the ids of both as one UNION
        # subquery, read by index, the matches then sorted. (An OR of the number with the members'
        # subquery cannot use an index on PostgreSQL, which then walks the list's order in search
        # of them: 1.4 s for a whole ID number at a million dossiers.)
        return queryset.filter(pk__in=members.union(by_number_ids))
    # a start that many share (the county and a year): sorting them all would take longer than
    # walking the list's order, as an OR, until a page of them is found
    return queryset.filter(by_number | Q(pk__in=members))


class YearFilter(django_filters.NumberFilter):
    """A whole year; out of range (bounded by the filter's min_value and max_value) it is ignored."""

    field_class = forms.IntegerField


class ChineseOrderingFilter(django_filters.OrderingFilter):
    # django-filter's own Chinese catalogue leaves "(descending)" in English
    descending_fmt = _("%s（降序）")


class HouseholdFilter(django_filters.FilterSet):
    """The dossier list's filters; every choice offered comes from the user's own subtree."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    node = django_filters.ModelChoiceFilter(label=_("辖区节点"), queryset=Node.objects.none(), method="in_subtree")
    category = django_filters.ChoiceFilter(label=_("困难类别"), choices=Category.choices)
    cause = django_filters.ChoiceFilter(label=_("致困原因"), choices=Cause.choices, method="with_cause")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices)
    work_status = django_filters.ChoiceFilter(label=_("户主就业状况"), choices=WorkStatus.choices, method="head_work_status")
    enterprise = django_filters.ModelChoiceFilter(label=_("工作单位"), queryset=Enterprise.objects.none())
    year = YearFilter(label=_("建档年度"), field_name="filed_year", min_value=FIRST_FILING_YEAR)
    not_reviewed = django_filters.BooleanFilter(
        label=_("本年度未复核"), method="not_reviewed_this_year", widget=forms.Select(choices=ONLY_THESE)
    )
    never_aided = django_filters.BooleanFilter(
        label=_("从未帮扶过"), method="without_aid", widget=forms.Select(choices=ONLY_THESE)
    )
    ordering = ChineseOrderingFilter(
        label=_("排序"),
        fields=(
            ("number", "number"),
            ("filed_on", "filed_on"),
            ("per_capita_monthly_income", "per_capita_monthly_income"),
            ("household_size", "household_size"),
            ("head_name", "head_name"),
        ),
        field_labels={
            "number": _("档案编号"),
            "filed_on": _("建档日期"),
            "per_capita_monthly_income": _("人均月收入"),
            "household_size": _("家庭人口"),
            "head_name": _("户主姓名"),
        },
    )

    class Meta:
        model = Household
        fields = []

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.filters["node"].queryset = Node.objects.visible_to(user)
        self.filters["enterprise"].queryset = Enterprise.objects.visible_to(user)
        # no dossier is filed before 1995 nor after this year (next year's, at the year's turn)
        self.filters["year"].extra["max_value"] = timezone.localdate().year + 1

    def applied_names(self):
        """The labels of the filters applied, never their values (a search may be a name): for
        the audit log of an export."""
        if not self.is_bound:
            return []
        self.is_valid()
        return [str(self.filters[name].label) for name, value in self.form.cleaned_data.items()
                if value not in (None, "", [], False)]

    def describe(self):
        """The filters applied, as the user chose them, in Chinese: 辖区节点=弥阳镇工会联合会；困难类别=深度困难
        (for the log of an unmasked export). Values the form refused were not applied and are left out."""
        if not self.is_bound:
            return str(_("全部（未筛选）"))
        self.is_valid()
        parts = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", [], False):
                continue
            field = self.form.fields[name]
            if name == "ordering":
                labels = dict(field.choices)
                shown = "、".join(str(labels.get(item, item)) for item in value)
            elif isinstance(value, bool):
                shown = _("仅这些")
            elif hasattr(field, "choices") and not hasattr(field, "queryset"):
                shown = dict(field.choices).get(value, value)
            else:
                shown = value
            parts.append(f"{self.filters[name].label}={shown}")
        return "；".join(parts) or str(_("全部（未筛选）"))

    def search(self, queryset, name, value):
        return search_households(queryset, value, self.user)

    def in_subtree(self, queryset, name, node):
        return queryset.filter(node__path__startswith=node.path)

    def with_cause(self, queryset, name, value):
        # secondary causes are stored comma-separated: the value alone, first, last or in between
        listed = (Q(secondary_causes=value) | Q(secondary_causes__startswith=f"{value},")
                  | Q(secondary_causes__endswith=f",{value}") | Q(secondary_causes__contains=f",{value},"))
        return queryset.filter(Q(primary_cause=value) | listed)

    def head_work_status(self, queryset, name, value):
        return queryset.filter(head_work_status=value)

    def not_reviewed_this_year(self, queryset, name, value):
        year = timezone.localdate().year
        if value:
            # on the list's own queryset, not as a subquery of ids: the count then reads the covering
            # index alone, and the page walks the list's order (at a million: 717 ms as a subquery)
            return queryset.not_reviewed_in(year)
        return queryset

    def without_aid(self, queryset, name, value):
        if value:
            return queryset.on_file().filter(last_aided_at__isnull=True)
        return queryset
