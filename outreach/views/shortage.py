"""The shortage view (资金缺口) the center takes to the budget meeting: each fund's balance against
what its open campaigns and planned aid still need, by fund and node, for a year; as a page and
as an Excel workbook. Center admins, fund keepers and leaders read it, each in his scope."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from network import audit
from network.models import AuditAction, Role

from ..exports import shortage_workbook
from ..models import Fund
from ..shortage import shortage

READERS = {Role.CENTER_ADMIN, Role.FINANCE, Role.LEADER}


def _year_and_figures(request):
    if not (request.user.is_superuser or request.user.role in READERS):
        raise PermissionDenied
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = year if 2000 <= year <= this_year + 1 else this_year
    return year, shortage(request.user, year)


@login_required
@permission_required("outreach.view_fund", raise_exception=True)
def shortage_view(request):
    year, (funds, nodes, total) = _year_and_figures(request)
    years = sorted(set(Fund.objects.visible_to(request.user).values_list("year", flat=True)) | {year}, reverse=True)
    return render(request, "outreach/shortage.html", {
        "year": year, "years": years, "funds": funds, "nodes": nodes, "total": total,
    })


@never_cache
@login_required
@permission_required("outreach.view_fund", raise_exception=True)
def shortage_export(request):
    year, (funds, nodes, total) = _year_and_figures(request)
    audit.record(request.user, AuditAction.EXPORT, object_type="outreach.fund", row_count=len(funds),
                 detail=f"{year}年资金缺口表")
    return FileResponse(shortage_workbook(year, funds, nodes, total), as_attachment=True,
                        filename=f"帮扶资金缺口-{year}年-{timezone.localdate():%Y%m%d}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
