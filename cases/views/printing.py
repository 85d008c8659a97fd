"""The printed sheets, as PDFs drawn with the printing grid: the dossier as the official form
(困难职工档案表) and a 公示 batch as the list for the notice board."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

from network import audit
from network.models import AuditAction
from network.scoping import get_visible_or_404

from .. import pdf
from ..models import Household, NoticeBatch, StatusChange
from ..sensitive import reveal
from .dossiers import export_detail
from .notices import notice_entries


def _pdf_response(content, *, name, ascii_name):
    """A PDF shown in the browser under a Chinese file name (``name``), ``ascii_name`` for old clients."""
    response = HttpResponse(content, content_type="application/pdf")
    # the UTF-8 name as RFC 5987 asks
    response["Content-Disposition"] = f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return response


@never_cache
@login_required
@permission_required("cases.view_household", raise_exception=True)
def household_pdf(request, pk):
    household = get_visible_or_404(
        Household.objects.select_related("node", "enterprise", "created_by").prefetch_related(
            "members", Prefetch("status_changes", queryset=StatusChange.objects.select_related("actor"))
        ),
        request.user,
        pk=pk,
    )
    unmasked = reveal(request, household, "pdf")
    audit.record(request.user, AuditAction.EXPORT, household, row_count=1,
                 detail=export_detail("档案表 PDF", [], unmasked))
    key = household.number or household.pk
    return _pdf_response(pdf.household_pdf(household, unmasked=unmasked), name=f"档案-{key}.pdf",
                         ascii_name=f"dossier-{key}.pdf")


# names and household incomes of hardship families: public on the notice board for its days, not
# to be kept in a browser's cache after them
@never_cache
@login_required
@permission_required("cases.view_noticebatch", raise_exception=True)
def notice_pdf(request, pk):
    batch = get_visible_or_404(NoticeBatch.objects.select_related("node"), request.user, pk=pk)
    listed = [entry for entry in notice_entries(batch) if not entry.withdrawn]
    audit.record(request.user, AuditAction.EXPORT, batch, row_count=len(listed), detail="公示名单 PDF")
    return _pdf_response(pdf.notice_pdf(batch, listed), name=f"公示名单-{batch.pk}.pdf",
                         ascii_name=f"notice-{batch.pk}.pdf")
