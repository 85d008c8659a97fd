"""The dossier printed as the official form (困难职工档案表), as a PDF."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

from network.scoping import get_visible_or_404

from ..models import Household, StatusChange
from ..pdf import household_pdf as render_household_pdf
from ..sensitive import reveal


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
    response = HttpResponse(render_household_pdf(household, unmasked=unmasked), content_type="application/pdf")
    filename = f"档案-{household.number or household.pk}.pdf"
    # an ASCII fallback for old clients, the UTF-8 name (RFC 5987) for the rest
    response["Content-Disposition"] = (
        f"inline; filename=\"dossier-{household.number or household.pk}.pdf\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
