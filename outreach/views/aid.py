"""Aid confirmation for the fund keeper: the planned aid in his scope, confirmed as paid one by
one or as a selection, and the reversal of a paid record (with its reason, by a second person).
Every move goes through outreach.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Household
from cases.rules import WorkflowError
from network.scoping import get_visible_or_404

from .. import services
from ..filters import PlannedAidFilter
from ..forms import ReversalForm, place_refusal
from ..models import AidRecord, AidState

PAGE_SIZE = 100


def _with_household(records):
    return records.select_related("node", "fund", "campaign", "beneficiary").prefetch_related(
        Prefetch("household", queryset=Household.objects.all()))


@login_required
@permission_required("outreach.view_aidrecord", raise_exception=True)
def aid_planned(request):
    records = _with_household(AidRecord.objects.visible_to(request.user).filter(state=AidState.PLANNED))
    filterset = PlannedAidFilter(request.GET or None, records, user=request.user)
    rows = filterset.qs.order_by("given_on", "pk")
    totals = rows.order_by().aggregate(cash=Coalesce(Sum("cash_fen"), 0), goods=Coalesce(Sum("goods_value_fen"), 0))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "outreach/aid_planned.html", {
        "filter": filterset, "page": page, "query": query.urlencode(), "totals": totals,
        "may_pay": request.user.has_perm("outreach.pay_aidrecord"),
    })


@login_required
@require_POST
@permission_required("outreach.pay_aidrecord", raise_exception=True)
def aid_pay(request):
    """Confirms one record (its row's button) or the selection. Each payment is its own
    transaction: one refused (a fund short, a cap passed) leaves the others paid, and says why."""
    ids = request.POST.getlist("aid") or request.POST.getlist("selected")
    records = _with_household(AidRecord.objects.visible_to(request.user).filter(pk__in=[i for i in ids if i.isdigit()]))
    paid, paid_fen = 0, 0
    for record in records.order_by("given_on", "pk"):
        try:
            services.aid_pay(aid=record, actor=request.user)
        except WorkflowError as error:
            messages.error(request, _("%(household)s：%(reason)s") % {
                "household": record.household.head_name or record.household, "reason": error.messages[0]})
        else:
            paid, paid_fen = paid + 1, paid_fen + record.cash_fen
    if paid:
        messages.success(request, _("已确认发放%(count)s笔，现金共%(amount)s元。") % {
            "count": paid, "amount": f"{paid_fen / 100:,.2f}"})
    elif not ids:
        messages.error(request, _("请先勾选要确认发放的记录。"))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return redirect(back or "outreach:aid_planned")


@login_required
@permission_required("outreach.view_aidrecord", raise_exception=True)
def aid_reverse(request, pk):
    record = get_visible_or_404(_with_household(AidRecord.objects.all()), request.user, pk=pk)
    may_reverse = request.user.has_perm("outreach.pay_aidrecord")
    form = ReversalForm(request.POST or None)
    if request.method == "POST":
        if not may_reverse:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.aid_reverse(aid=record, actor=request.user, reason=form.cleaned_data["reason"])
            except WorkflowError as error:
                place_refusal(form, error)
            else:
                messages.success(request, _("已冲销该笔帮扶，资金已退回。") if record.state == AidState.PAID
                                 else _("已作废该笔待确认的帮扶记录。"))
                return redirect(record.fund or record.household)
    return render(request, "outreach/aid_reverse.html", {
        "record": record, "form": form, "may_reverse": may_reverse and record.state in (AidState.PAID, AidState.PLANNED),
    }, status=400 if form.errors else 200)
