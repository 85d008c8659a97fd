"""Pairing pages (结对帮扶): the cadres, a cadre's households and visits, starting and ending a
pairing, logging a visit, and the live pairs not visited for a while.

Writes go through outreach.services (the pairing section); a visit's cash or goods become planned
aid there, through aid_plan."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, DateField, Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Household, Member, Relation
from cases.rules import WorkflowError
from network.scoping import get_visible_or_404

from .. import services
from ..models import Cadre, Pairing, PairingVisit
from ..pairing_forms import CadreForm, PairingEndForm, PairingStartForm, PairingVisitForm


def months_before(day, months):
    """The same day ``months`` months earlier (the month's last day when it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month + 1, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _with_head_name(pairings):
    return pairings.annotate(head_name=F("household__head_name"))


def overdue_pairings(user, months):
    """Live pairings in the user's scope whose last visit (or, never visited, whose start) is
    more than ``months`` months ago, the longest waiting first."""
    cutoff = months_before(timezone.localdate(), months)
    pairings = (
        Pairing.objects.visible_to(user).filter(ends_on__isnull=True)
        .annotate(last_visit=Max("visits__visited_on"))
        .annotate(since=Coalesce("last_visit", "starts_on", output_field=DateField()))
        .filter(since__lt=cutoff)
        .select_related("cadre", "household__node")
        .order_by("since", "pk")
    )
    return _with_head_name(pairings)


def cadres_visible_to(user):
    """The cadres of the user's subtree, and those (the center's, say) paired with a household in
    it: their page then shows him only his own households."""
    return Cadre.objects.filter(Q(pk__in=Cadre.objects.visible_to(user).values("pk"))
                                | Q(pk__in=Pairing.objects.visible_to(user).values("cadre_id")))


@login_required
@permission_required("outreach.view_cadre", raise_exception=True)
def cadre_list(request):
    cadres = (
        cadres_visible_to(request.user).select_related("node")
        .annotate(live=Count("pairings", filter=Q(pairings__ends_on__isnull=True), distinct=True),
                  visits=Count("pairings__visits", distinct=True))
    )
    return render(request, "outreach/cadre_list.html", {
        "cadres": cadres, "months": settings.PAIRING_VISIT_MONTHS,
        "may_add": request.user.has_perm("outreach.add_cadre"),
    })


@login_required
@permission_required("outreach.view_cadre", raise_exception=True)
def cadre_detail(request, pk):
    cadre = get_object_or_404(cadres_visible_to(request.user).select_related("node"), pk=pk)
    # only the households the user may see, though the cadre may be the center's
    pairings = list(_with_head_name(
        Pairing.objects.visible_to(request.user).filter(cadre=cadre).select_related("household__node")
        .annotate(last_visit=Max("visits__visited_on"), visit_count=Count("visits"))
        .order_by("ends_on", "-starts_on")
    ))
    visits = (
        PairingVisit.objects.visible_to(request.user).filter(pairing__cadre=cadre)
        .select_related("pairing__household", "aid", "recorded_by")
    )
    visits = list(visits.annotate(head_name=Subquery(
        Member.objects.filter(household=OuterRef("pairing__household_id"), relation=Relation.HEAD).values("name")[:1]
    )))
    own = Cadre.objects.visible_to(request.user).filter(pk=cadre.pk).exists()
    return render(request, "outreach/cadre_detail.html", {
        "cadre": cadre,
        "live": [p for p in pairings if p.is_live],
        "ended": [p for p in pairings if not p.is_live],
        "visits": visits,
        "may_change": own and request.user.has_perm("outreach.change_cadre"),
        "may_pair": own and request.user.has_perm("outreach.add_pairing") and cadre.is_active,
        "may_end": request.user.has_perm("outreach.change_pairing"),
        "may_visit": request.user.has_perm("outreach.add_pairingvisit"),
    })


def _cadre_page(request, form, cadre=None):
    if request.method == "POST" and form.is_valid():
        try:
            cadre = services.cadre_save(cadre=form.save(commit=False), actor=request.user)
        except WorkflowError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("干部信息已保存。"))
            return redirect("outreach:cadre_detail", pk=cadre.pk)
    return render(request, "outreach/cadre_form.html", {"form": form, "cadre": cadre})


@login_required
@permission_required("outreach.add_cadre", raise_exception=True)
def cadre_create(request):
    return _cadre_page(request, CadreForm(request.POST or None, user=request.user))


@login_required
@permission_required("outreach.change_cadre", raise_exception=True)
def cadre_edit(request, pk):
    cadre = get_visible_or_404(Cadre, request.user, pk=pk)
    return _cadre_page(request, CadreForm(request.POST or None, instance=cadre, user=request.user), cadre)


@login_required
@permission_required("outreach.add_pairing", raise_exception=True)
def pairing_create(request, pk):
    cadre = get_visible_or_404(Cadre.objects.select_related("node"), request.user, pk=pk)
    # on-file households of the cadre's subtree, in the user's scope, not paired at the moment
    candidates = (
        Household.objects.visible_to(request.user).on_file().filter(node__path__startswith=cadre.node.path)
        .exclude(Exists(Pairing.objects.filter(household=OuterRef("pk"), ends_on__isnull=True)))
        .select_related("node").order_by("node__path", "number")
    )
    form = PairingStartForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.pairing_start(cadre=cadre, household=form.cleaned_data["household"], actor=request.user,
                                   starts_on=form.cleaned_data["starts_on"])
        except WorkflowError as error:
            form.add_error("household", error.messages[0])
        else:
            messages.success(request, _("已建立结对关系。"))
            return redirect("outreach:cadre_detail", pk=cadre.pk)
    return render(request, "outreach/pairing_form.html", {"form": form, "cadre": cadre})


def _pairing_for(user, pk):
    return get_visible_or_404(Pairing.objects.select_related("cadre", "household__node"), user, pk=pk)


@login_required
@permission_required("outreach.change_pairing", raise_exception=True)
def pairing_end(request, pk):
    pairing = _pairing_for(request.user, pk)
    form = PairingEndForm(request.POST or None, pairing=pairing)
    if request.method == "POST" and form.is_valid():
        try:
            services.pairing_end(pairing=pairing, actor=request.user, ends_on=form.cleaned_data["ends_on"],
                                 reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("结对关系已结束。"))
            return redirect("outreach:cadre_detail", pk=pairing.cadre_id)
    return render(request, "outreach/pairing_end.html", {"form": form, "pairing": pairing})


@login_required
@permission_required("outreach.add_pairingvisit", raise_exception=True)
def pairing_visit_create(request, pk):
    pairing = _pairing_for(request.user, pk)
    form = PairingVisitForm(request.POST or None, pairing=pairing)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.pairing_visit_log(
                pairing=pairing, actor=request.user, visited_on=data["visited_on"], activity=data["activity"],
                cash=data["cash"], fund=data["fund"], goods=data["goods"], goods_quantity=data["goods_quantity"] or 0,
                goods_value=data["goods_value"],
            )
        except WorkflowError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("走访已记录。"))
            return redirect("outreach:cadre_detail", pk=pairing.cadre_id)
    return render(request, "outreach/pairing_visit_form.html", {"form": form, "pairing": pairing})


@login_required
@permission_required("outreach.view_pairing", raise_exception=True)
def pairing_overdue(request):
    months = settings.PAIRING_VISIT_MONTHS
    return render(request, "outreach/pairing_overdue.html", {
        "pairings": overdue_pairings(request.user, months), "months": months,
    })
