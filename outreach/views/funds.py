"""The fund pages: the list of funds in the user's scope, a fund's page (income, spending by
program and by node, the balance and the running ledger), receipts and allocations (the fund
keeper, through outreach.services) and a new fund (the center admin)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.money import yuan
from cases.rules import WorkflowError
from network.scoping import get_visible_or_404

from .. import services
from ..filters import FundFilter, LedgerFilter
from ..forms import AllocationForm, FundForm, ReceiptForm, place_refusal
from ..models import AidRecord, AidState, EntryKind, Fund

PAGE_SIZE = 50
FUNDS_PAGE_SIZE = 100

INCOME = [EntryKind.RECEIPT, EntryKind.DONATION, EntryKind.ALLOCATION_IN]
SPENDING = [EntryKind.AID, EntryKind.REVERSAL, EntryKind.ALLOCATION_OUT]


def _with_totals(funds):
    """Each fund with its income (receipts, donations, allocations in) and its spending (aid net of
    reversals, allocations out), in fen, summed by the database in the same query."""
    return funds.annotate(
        income_fen=Coalesce(Sum("entries__amount_fen", filter=Q(entries__kind__in=INCOME)), 0),
        spending_fen=-Coalesce(Sum("entries__amount_fen", filter=Q(entries__kind__in=SPENDING)), 0),
    )


@login_required
@permission_required("outreach.view_fund", raise_exception=True)
def fund_list(request):
    funds = _with_totals(Fund.objects.visible_to(request.user).select_related("node", "source"))
    filterset = FundFilter(request.GET or None, funds, user=request.user)
    rows = filterset.qs.order_by("-year", "node__path", "name")
    page = Paginator(rows, FUNDS_PAGE_SIZE).get_page(request.GET.get("page"))
    planned = AidRecord.objects.visible_to(request.user).filter(state=AidState.PLANNED).count()
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "outreach/fund_list.html",
                  {"filter": filterset, "page": page, "query": query.urlencode(), "planned_count": planned})


def _spending_by_program(fund):
    """Aid paid from the fund by program, net of reversals (fen, positive), and the live payments."""
    rows = (fund.entries.filter(aid__isnull=False).values("aid__program")
            .annotate(net=Sum("amount_fen"), paid=Count("aid", filter=Q(aid__state=AidState.PAID), distinct=True))
            .order_by("aid__program"))
    labels = dict(AidRecord._meta.get_field("program").choices)
    return [{"program": labels.get(row["aid__program"], row["aid__program"]), "spent_fen": -row["net"],
             "paid": row["paid"]} for row in rows]


def _spending_by_node(fund):
    """What went to each node: aid paid to its households (net of reversals) and money allocated to it."""
    aid = (fund.entries.filter(aid__isnull=False).values("aid__node__name", "aid__node__path")
           .annotate(net=Sum("amount_fen")).order_by("aid__node__path"))
    allocated = (fund.entries.filter(kind=EntryKind.ALLOCATION_OUT).values("counterparty")
                 .annotate(total=Sum("amount_fen")).order_by("counterparty"))
    nodes = {}
    for row in aid:
        nodes.setdefault(row["aid__node__name"], {"node": row["aid__node__name"], "aid_fen": 0, "allocated_fen": 0})
        nodes[row["aid__node__name"]]["aid_fen"] = -row["net"]
    for row in allocated:
        nodes.setdefault(row["counterparty"], {"node": row["counterparty"], "aid_fen": 0, "allocated_fen": 0})
        nodes[row["counterparty"]]["allocated_fen"] = -row["total"]
    return list(nodes.values())


def _may_allocate(user, fund):
    return user.has_perm("outreach.add_ledgerentry") and fund.node.level == 1


def fund_page(request, fund, bound=None, status=200):
    """A fund's page; ``bound`` replaces an empty receipt or allocation form with the one the user
    sent back with errors, so that what he typed stays beside the message."""
    entries = LedgerFilter(request.GET or None, fund.entries.select_related("recorded_by").order_by("-pk"))
    page = Paginator(entries.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    may_keep = request.user.has_perm("outreach.add_ledgerentry")
    forms = {}
    if may_keep:
        forms["receipt"] = ReceiptForm(auto_id="receipt_%s")
    if _may_allocate(request.user, fund):
        forms["allocation"] = AllocationForm(source=fund, user=request.user, auto_id="allocation_%s")
    forms.update(bound or {})
    planned = AidRecord.objects.filter(fund=fund, state=AidState.PLANNED).aggregate(
        count=Count("pk"), cash=Coalesce(Sum("cash_fen"), 0))
    totals = services.fund_totals(fund)
    context = {
        "fund": fund,
        "totals": totals,
        "allocated_out_fen": -totals["allocated_out"],
        "aid_net_fen": -(totals["aid"] + totals["reversed"]),
        "by_program": _spending_by_program(fund),
        "by_node": _spending_by_node(fund),
        "planned": planned,
        "filter": entries,
        "page": page,
        "query": query.urlencode(),
        "forms": forms,
        "open_form": next(iter(bound), None) if bound else None,
    }
    return render(request, "outreach/fund_detail.html", context, status=status)


def _fund_for(user, pk):
    return get_visible_or_404(Fund.objects.select_related("node", "source"), user, pk=pk)


@login_required
@permission_required("outreach.view_fund", raise_exception=True)
def fund_detail(request, pk):
    return fund_page(request, _fund_for(request.user, pk))


def _keeper_post(request, pk):
    """The fund in the user's scope (404 outside it, before anything else), then the permission."""
    fund = _fund_for(request.user, pk)
    if not request.user.has_perm("outreach.add_ledgerentry"):
        raise PermissionDenied
    return fund


@login_required
@require_POST
def fund_receive(request, pk):
    fund = _keeper_post(request, pk)
    form = ReceiptForm(request.POST, auto_id="receipt_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.fund_receive(fund=fund, actor=request.user, amount=data["amount"], kind=data["kind"],
                                          document_number=data["document_number"], counterparty=data["counterparty"],
                                          occurred_on=data["occurred_on"], note=data["note"])
        except WorkflowError as error:
            place_refusal(form, error)
        else:
            messages.success(request, _("已登记%(kind)s %(amount)s元。") % {
                "kind": entry.get_kind_display(), "amount": f"{entry.amount:,.2f}"})
            return redirect(fund)
    return fund_page(request, fund, bound={"receipt": form}, status=400)


@login_required
@require_POST
def fund_allocate(request, pk):
    fund = _keeper_post(request, pk)
    form = AllocationForm(request.POST, source=fund, user=request.user, auto_id="allocation_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            out, _into = services.fund_allocate(source=fund, target=data["target"], actor=request.user,
                                                amount=data["amount"], document_number=data["document_number"],
                                                occurred_on=data["occurred_on"], note=data["note"])
        except WorkflowError as error:
            place_refusal(form, error)
        else:
            messages.success(request, _("已调拨%(amount)s元至“%(target)s”。") % {
                "amount": f"{yuan(-out.amount_fen):,.2f}", "target": data["target"]})
            return redirect(fund)
    return fund_page(request, fund, bound={"allocation": form}, status=400)


@login_required
@permission_required("outreach.add_fund", raise_exception=True)
def fund_create(request):
    form = FundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fund = form.save()
        messages.success(request, _("已建立资金“%(fund)s”。") % {"fund": fund})
        return redirect(fund)
    return render(request, "outreach/fund_form.html", {"form": form}, status=400 if form.errors else 200)
