"""Return visits (回访) after aid: logged per household from its dossier page or from a campaign's
list, through outreach.services.return_visit_log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.models import Household
from cases.rules import WorkflowError
from network.scoping import get_visible_or_404

from .. import services
from ..campaign_forms import ReturnVisitForm
from ..forms import place_refusal
from .campaigns import get_campaign_for


@login_required
@permission_required("outreach.add_returnvisit", raise_exception=True)
def return_visit_create(request, household_pk):
    household = get_visible_or_404(Household.objects.all().select_related("node"), request.user,
                                   pk=household_pk)
    campaign_pk = request.POST.get("campaign") or request.GET.get("campaign") or ""
    campaign = get_campaign_for(request.user, campaign_pk) if campaign_pk.isdigit() else None
    form = ReturnVisitForm(request.POST or None, initial={"visitor": request.user.display_name})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.return_visit_log(household=household, actor=request.user, campaign=campaign, **data)
        except WorkflowError as error:
            place_refusal(form, error)
        else:
            messages.success(request, _("回访已记录。"))
            if campaign is not None:
                return redirect("outreach:campaign_detail", pk=campaign.pk)
            return redirect(household.get_absolute_url() + "#return-visits")
    return render(request, "outreach/return_visit_form.html", {
        "household": household, "campaign": campaign, "form": form,
    }, status=400 if form.errors else 200)
