"""The audit log's page and its Excel export: who did what, where and when, in the reader's subtree.

The entries belong to network (network.models.AuditEntry, written by network.audit.record); the
page sits here, where the apps are joined, because its export is written through the project's one
formula-safe cell helper (cases.xlsx_cells). "Who looked at this family's file, who exported it,
who paid it" is one filter: the dossier (object cases.household and its id), which the dossier
page links to."""

import tempfile

import django_filters
from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from cases.xlsx_cells import safe_row, text_cell
from network import audit
from network.models import AuditAction, AuditEntry, AuditOutcome, Node, User

PAGE_SIZE = 100
CHUNK = 2000


class AuditFilter(django_filters.FilterSet):
    """The page's filters; the users and nodes offered are those of the reader's subtree."""

    user = django_filters.ModelChoiceFilter(label=_("账号"), queryset=User.objects.none(), empty_label=_("全部"))
    node = django_filters.ModelChoiceFilter(label=_("节点（含下级）"), queryset=Node.objects.none(), method="in_subtree",
                                            empty_label=_("全部"))
    action = django_filters.ChoiceFilter(label=_("操作"), choices=AuditAction.choices, empty_label=_("全部"))
    outcome = django_filters.ChoiceFilter(label=_("结果"), choices=AuditOutcome.choices, empty_label=_("全部"))
    since = django_filters.DateFilter(label=_("起始日期"), field_name="at", lookup_expr="date__gte",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label=_("截止日期"), field_name="at", lookup_expr="date__lte",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    object_type = django_filters.CharFilter(label=_("对象类型"), widget=forms.HiddenInput)
    object_id = django_filters.CharFilter(label=_("对象编号"), widget=forms.HiddenInput)

    class Meta:
        model = AuditEntry
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["user"].queryset = User.objects.visible_to(user).order_by("username")
        self.filters["node"].queryset = Node.objects.visible_to(user)

    def in_subtree(self, queryset, name, value):
        return queryset.filter(node__path__startswith=value.path)

    def applied_names(self):
        """The labels of the filters applied (never their values), for the export's own entry."""
        if not self.is_bound or not self.is_valid():
            return []
        return [str(self.filters[name].label) for name, value in self.form.cleaned_data.items() if value not in (None, "")]


def _entries(request):
    entries = AuditEntry.objects.visible_to(request.user).select_related("node")
    return AuditFilter(request.GET or None, entries, user=request.user)


@never_cache
@require_GET
@login_required
@permission_required("network.view_auditentry", raise_exception=True)
def audit_list(request):
    filterset = _entries(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        entry.object_label = object_label(entry.object_type)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "query": query.urlencode(),
               "object_label": object_label(request.GET.get("object_type", ""))}
    return render(request, "union_aid/audit_list.html", context)


def object_label(object_type):
    """The Chinese name of an entry's object type (档案 for cases.household), or the type itself."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name) if object_type else ""
    except (LookupError, ValueError):
        return object_type


COLUMNS = [("时间", 19), ("用户名", 16), ("姓名", 10), ("节点", 24), ("操作", 14), ("对象类型", 18), ("对象编号", 10),
           ("结果", 6), ("IP 地址", 16), ("行数", 8), ("说明", 40)]


def audit_workbook(entries):
    """``entries`` as an .xlsx file, written row by row through the formula-safe cells, rewound,
    and how many rows it holds."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审计日志")
    for index, (_title, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    sheet.append([text_cell(sheet, f"审计日志（{timezone.localdate():%Y-%m-%d} 导出）", font=Font(bold=True, size=14))])
    sheet.append([text_cell(sheet, name, font=Font(bold=True), fill=PatternFill("solid", fgColor="EEF1F4"))
                  for name, _width in COLUMNS])
    count = 0
    for count, entry in enumerate(entries.iterator(chunk_size=CHUNK), start=1):
        sheet.append(safe_row(sheet, [
            f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M:%S}", entry.username or "（系统）", entry.user_name,
            entry.node_name, entry.get_action_display(), object_label(entry.object_type), entry.object_id,
            entry.get_outcome_display(), entry.ip_address or "", entry.row_count, entry.detail,
        ]))
    target = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(target)
    target.seek(0)
    return target, count


@never_cache
@require_GET
@login_required
@permission_required("network.view_auditentry", raise_exception=True)
def audit_export(request):
    """The filtered entries as Excel; the export is itself an entry (filter names, row count)."""
    filterset = _entries(request)
    workbook, count = audit_workbook(filterset.qs.order_by("at", "pk"))
    audit.record(request.user, AuditAction.EXPORT, object_type="network.auditentry", row_count=count,
                 detail="审计日志；筛选：" + ("、".join(filterset.applied_names()) or "无"))
    return FileResponse(workbook, as_attachment=True, filename=f"审计日志-{timezone.localdate():%Y%m%d}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
