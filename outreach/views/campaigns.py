"""The holiday campaign pages (送温暖): the list, a new campaign, its page (planned and reached by
node, the budget, what was spent and what is left), the draw and review of its list, confirming it
against the fund, the batch delivery screen and a node's sheet marked delivered as printed.

Every write goes through outreach.services; every page fetches the campaign among those the user
takes part in (his subtree's and those above him, of which he sees only his own households)."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cases.models import Household
from cases.money import yuan
from cases.rules import WorkflowError
from network import audit
from network.models import PATH_DIGITS, AuditAction, Node
from network.scoping import get_visible_or_404, node_in_scope

from .. import pdf, services
from ..campaign_forms import (
    CampaignForm,
    DeliveryFormSet,
    DrawForm,
    RecipientAddForm,
    RecipientRemoveForm,
    SheetDeliverForm,
    delivery_initial,
)
from ..models import AidRecord, AidState, CampaignHousehold, CampaignState, ReturnVisit, SignedSheet
from ..templatetags.money import yuan as yuan_text

LIVE = [AidState.PLANNED, AidState.PAID]
RETURN_VISITS_SHOWN = 50


def get_campaign_for(user, pk):
    """The campaign if the user takes part in it (see services.campaigns_visible_to); 404 otherwise."""
    return get_object_or_404(services.campaigns_visible_to(user).select_related("node", "fund__node"), pk=pk)


def _node_for(user, campaign, node_pk):
    node = get_visible_or_404(Node, user, pk=node_pk)
    if not node.is_within(campaign.node):
        raise Http404
    return node


def _recipients(campaign, user):
    """The campaign's list within the user's scope, each with its head, node and live aid record."""
    live_aid = AidRecord.objects.filter(campaign=campaign, household=OuterRef("household"), state__in=LIVE)
    return (CampaignHousehold.objects.visible_to(user).filter(campaign=campaign)
            .select_related("household__node", "visitor")
            .annotate(delivered=Exists(live_aid))
            .order_by("household__node__path", "household__number", "pk"))


def _with_heads(recipients):
    """The recipients, each with its head's name (kept on the household) and its cash as shown."""
    rows = list(recipients)
    for row in rows:
        row.head_name = row.household.head_name or "—"
        row.cash = yuan_text(row.cash_fen)
    return rows


@login_required
@permission_required("outreach.view_campaign", raise_exception=True)
def campaign_list(request):
    campaigns = (services.campaigns_visible_to(request.user).select_related("node", "fund")
                 .annotate(households=Count("recipients", filter=Q(recipients__removed_reason=""), distinct=True))
                 .order_by("-year", "-starts_on", "pk"))
    return render(request, "outreach/campaign_list.html", {"campaigns": campaigns})


@login_required
@permission_required("outreach.add_campaign", raise_exception=True)
def campaign_create(request):
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=request.user, node=data["node"], year=data["year"], occasion=data["occasion"],
                name=data["name"], fund=data["fund"], budget=data["budget"], starts_on=data["starts_on"],
                ends_on=data["ends_on"], standards=form.standards(),
            )
        except WorkflowError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已建立活动“%(name)s”，请抽取慰问名单。") % {"name": campaign.name})
            return redirect("outreach:campaign_review", pk=campaign.pk)
    return render(request, "outreach/campaign_form.html", {"form": form})


def _focus_for(user, campaign, node_pk):
    """The node whose parts the campaign page sums: the one asked for (?node=, in the campaign and
    the user's scope), else the user's own node when it lies below the campaign's, else the campaign's."""
    if str(node_pk or "").isdigit():
        return _node_for(user, campaign, node_pk)
    if user.node_id and user.node.is_within(campaign.node):
        return user.node
    return campaign.node


def _parents_between(user, campaign, focus):
    """The nodes of the user's scope from the campaign's node down to above ``focus`` (the trail back up)."""
    step = PATH_DIGITS + 1
    prefixes = [focus.path[:end] for end in range(step, len(focus.path), step)]
    return list(Node.objects.visible_to(user).filter(path__in=prefixes, path__startswith=campaign.node.path)
                .order_by("path"))


def _by_node(campaign, user, focus):
    """Planned and reached households, cash and goods value (fen) under ``focus``, one row per node
    just below it (its subtree summed) and one for ``focus`` itself, summed by the database per
    household node and rolled up here; the reached part counts live aid records (planned or paid)."""
    in_focus = Q(household__node__path__startswith=focus.path)
    planned = (CampaignHousehold.objects.visible_to(user).filter(in_focus, campaign=campaign, removed_reason="")
               .values(path=F("household__node__path")).order_by()
               .annotate(households=Count("pk"), cash=Coalesce(Sum("cash_fen"), 0),
                         goods=Coalesce(Sum("goods_value_fen"), 0)))
    reached = (AidRecord.objects.visible_to(user).filter(in_focus, campaign=campaign, state__in=LIVE)
               .values(path=F("household__node__path")).order_by()
               .annotate(households=Count("pk"), cash=Coalesce(Sum("cash_fen"), 0),
                         goods=Coalesce(Sum("goods_value_fen"), 0),
                         paid=Coalesce(Sum("cash_fen", filter=Q(state=AidState.PAID)), 0),
                         unsigned=Count("pk", filter=Q(signed=False))))
    keys = ("households", "cash", "goods", "paid", "unsigned")
    depth = len(focus.path) + PATH_DIGITS + 1  # the path of a node just below the focus

    def rolled_up(rows):
        sums = {}
        for row in rows:
            part = sums.setdefault(row["path"][:depth], dict.fromkeys(keys, 0))
            for key in keys:
                part[key] += row.get(key, 0)
        return sums

    planned, reached = rolled_up(planned), rolled_up(reached)
    nodes = Node.objects.filter(path__in=set(planned) | set(reached)).order_by("path")
    empty = dict.fromkeys(keys, 0)
    rows = [{"node": node, "is_focus": node.pk == focus.pk, "planned": planned.get(node.path, empty),
             "reached": reached.get(node.path, empty)} for node in nodes]
    total = {part: {key: sum(row[part][key] for row in rows) for key in keys} for part in ("planned", "reached")}
    return rows, total


@login_required
@permission_required("outreach.view_campaign", raise_exception=True)
def campaign_detail(request, pk):
    campaign = get_campaign_for(request.user, pk)
    focus = _focus_for(request.user, campaign, request.GET.get("node"))
    rows, total = _by_node(campaign, request.user, focus)
    spent = (AidRecord.objects.visible_to(request.user).filter(campaign=campaign, state=AidState.PAID)
             .aggregate(total=Coalesce(Sum("cash_fen"), 0) + Coalesce(Sum("goods_value_fen"), 0))["total"])
    context = {
        "campaign": campaign, "rows": rows, "total": total, "focus": focus,
        "focus_parents": _parents_between(request.user, campaign, focus),
        "budget": yuan_text(campaign.budget_fen), "spent": yuan_text(spent),
        "left": yuan_text(campaign.budget_fen - spent),
        "signed_sheets": SignedSheet.objects.visible_to(request.user).filter(campaign=campaign).select_related("node"),
        "standards": [(standard.get_category_display(), yuan_text(standard.cash_fen), standard.goods,
                       yuan_text(standard.goods_value_fen)) for standard in campaign.standards.all()],
        "fund_balance": yuan_text(campaign.fund.balance_fen),
        "may_change": request.user.has_perm("outreach.change_campaign"),
        "may_close": (request.user.has_perm("outreach.change_campaign") and campaign.state == CampaignState.CONFIRMED
                      and node_in_scope(request.user, campaign.node)),
        "may_deliver": request.user.has_perm("outreach.add_aidrecord"),
        "may_log_return": request.user.has_perm("outreach.add_returnvisit"),
        "return_visits": (ReturnVisit.objects.visible_to(request.user).filter(campaign=campaign)
                          .select_related("recorded_by")
                          .prefetch_related(Prefetch("household", queryset=Household.objects.all()))
                          .order_by("-visited_on", "-pk")[:RETURN_VISITS_SHOWN]),
        "return_visit_count": ReturnVisit.objects.visible_to(request.user).filter(campaign=campaign)
        .values("household").distinct().count(),
    }
    for row in rows:
        for part in ("planned", "reached"):
            row[part] = {**row[part], "cash_yuan": yuan_text(row[part]["cash"]),
                         "goods_yuan": yuan_text(row[part]["goods"])}
    for part in ("planned", "reached"):
        total[part].update(cash_yuan=yuan_text(total[part]["cash"]), goods_yuan=yuan_text(total[part]["goods"]))
    return render(request, "outreach/campaign_detail.html", context)


@login_required
@permission_required("outreach.view_campaign", raise_exception=True)
def campaign_review(request, pk):
    campaign = get_campaign_for(request.user, pk)
    draw_form = DrawForm(request.POST if "draw" in request.POST else None, campaign=campaign, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm("outreach.change_campaign"):
            raise Http404
        if "draw" in request.POST and draw_form.is_valid():
            data = draw_form.cleaned_data
            try:
                added = services.campaign_draw(campaign=campaign, actor=request.user, categories=data["categories"],
                                               node=data["node"], not_aided_since=data["not_aided_since"])
            except WorkflowError as error:
                draw_form.add_error(None, error)
            else:
                messages.success(request, _("已列入%(n)s户。") % {"n": added})
                return redirect("outreach:campaign_review", pk=campaign.pk)
    totals = services.campaign_list_totals(campaign)
    over_budget, short = services.campaign_shortfall(campaign)
    context = {
        "campaign": campaign, "draw_form": draw_form, "add_form": RecipientAddForm(user=request.user),
        "recipients": _with_heads(_recipients(campaign, request.user)),
        "totals": {"households": totals["households"], "cash": yuan_text(totals["cash"]),
                   "goods": yuan_text(totals["goods_value"])},
        "over_budget": yuan_text(over_budget) if over_budget else None, "short": yuan_text(short) if short else None,
        "fund_balance": yuan_text(campaign.fund.balance_fen), "budget": yuan_text(campaign.budget_fen),
        "is_draft": campaign.state == CampaignState.DRAFT,
        "may_change": request.user.has_perm("outreach.change_campaign"),
        "may_log_return": request.user.has_perm("outreach.add_returnvisit"),
    }
    return render(request, "outreach/campaign_review.html", context)


@require_POST
@login_required
@permission_required("outreach.view_campaign", raise_exception=True)
def recipient_add(request, pk):
    campaign = get_campaign_for(request.user, pk)
    form = RecipientAddForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.recipient_add(campaign=campaign, household=form.household, actor=request.user)
        except WorkflowError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已将%(number)s列入名单。") % {"number": form.household})
    else:
        messages.error(request, " ".join(form.errors["number"]))
    return redirect("outreach:campaign_review", pk=campaign.pk)


@require_POST
@login_required
@permission_required("outreach.view_campaign", raise_exception=True)
def recipient_remove(request, pk):
    recipient = get_visible_or_404(CampaignHousehold.objects.select_related("campaign"), request.user, pk=pk)
    form = RecipientRemoveForm(request.POST)
    if form.is_valid():
        try:
            services.recipient_remove(recipient=recipient, actor=request.user, reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("请填写移出原因。"))
    return redirect("outreach:campaign_review", pk=recipient.campaign_id)


@require_POST
@login_required
@permission_required("outreach.view_campaign", raise_exception=True)
def campaign_confirm(request, pk):
    campaign = get_campaign_for(request.user, pk)
    try:
        services.campaign_confirm(campaign=campaign, actor=request.user)
    except WorkflowError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("outreach:campaign_review", pk=campaign.pk)
    messages.success(request, _("名单已确认，可以打印签收表和登记发放。"))
    return redirect("outreach:campaign_detail", pk=campaign.pk)


@require_POST
@login_required
@permission_required("outreach.change_campaign", raise_exception=True)
def campaign_close(request, pk):
    campaign = get_campaign_for(request.user, pk)
    if not request.POST.get("sure"):
        messages.error(request, _("请先勾选“发放已完毕”，再结束活动。"))
        return redirect("outreach:campaign_detail", pk=campaign.pk)
    try:
        services.campaign_close(campaign=campaign, actor=request.user)
    except WorkflowError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("活动已结束，不能再登记发放。"))
    return redirect("outreach:campaign_detail", pk=campaign.pk)


def _record_rows(formset, recipients, actor):
    """Records every ticked row in one transaction; a refusal is put beside its row and, if there is
    any, nothing is kept. Returns how many were recorded (0 on a refusal)."""
    recorded = 0
    with transaction.atomic():
        for form in formset.rows_to_record():
            data = form.cleaned_data
            recipient = recipients.get(data["recipient"])
            if recipient is None:
                form.add_error(None, _("该户不在您可登记的名单上。"))
                continue
            if recipient.delivered:
                form.add_error(None, _("该户已登记发放。"))
                continue
            try:
                services.delivery_record(
                    recipient=recipient, actor=actor, given_on=data["given_on"], cash=data["cash"],
                    goods=data["goods"], goods_value=yuan(recipient.goods_value_fen) if data["goods"].strip() else 0,
                    given_by=data["given_by"], signed=data["signed"], note=data["note"],
                )
            except WorkflowError as error:
                field = "given_on" if "日期" in error.messages[0] else "cash" if "金额" in error.messages[0] else None
                form.add_error(field, error)
            else:
                recorded += 1
        if any(form.errors for form in formset.forms):
            transaction.set_rollback(True)
            return 0
    return recorded


@login_required
@permission_required("outreach.add_aidrecord", raise_exception=True)
def campaign_deliveries(request, pk):
    campaign = get_campaign_for(request.user, pk)
    node = _node_for(request.user, campaign, request.GET["node"]) if request.GET.get("node", "").isdigit() else None
    rows = _recipients(campaign, request.user).filter(removed_reason="")
    if node is not None:
        rows = rows.filter(household__node__path__startswith=node.path)
    rows = _with_heads(rows)
    pending = [row for row in rows if not row.delivered]
    by_pk = {row.pk: row for row in rows}
    formset = DeliveryFormSet(request.POST or None, initial=delivery_initial(pending), prefix="row")
    if request.method == "POST" and campaign.state != CampaignState.CONFIRMED:
        messages.error(request, _("活动已结束，不能再登记发放。") if campaign.state == CampaignState.CLOSED
                       else _("名单确认后才能登记发放。"))
    elif request.method == "POST" and formset.is_valid():
        recorded = _record_rows(formset, by_pk, request.user)
        if recorded:
            messages.success(request, _("已登记%(n)s户的发放。") % {"n": recorded})
            return redirect(request.get_full_path())
        if not formset.rows_to_record():
            messages.error(request, _("没有勾选要登记的户。"))
    has_errors = request.method == "POST" and any(form.errors for form in formset.forms)
    posted = {form["recipient"].value() for form in formset.forms}
    lines = [(form, by_pk.get(int(form["recipient"].value()))) for form in formset.forms
             if str(form["recipient"].value()).isdigit() and int(form["recipient"].value()) in by_pk]
    context = {
        "campaign": campaign, "node": node, "formset": formset, "lines": lines, "has_errors": has_errors,
        "delivered": [row for row in rows if row.delivered and str(row.pk) not in posted],
        "is_confirmed": campaign.state == CampaignState.CONFIRMED,
    }
    return render(request, "outreach/campaign_deliveries.html", context)


@login_required
@permission_required("outreach.add_aidrecord", raise_exception=True)
def campaign_sheet_deliver(request, pk, node_pk):
    campaign = get_campaign_for(request.user, pk)
    node = _node_for(request.user, campaign, node_pk)
    form = SheetDeliverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.sheet_deliver(campaign=campaign, node=node, actor=request.user,
                                          given_on=form.cleaned_data["given_on"],
                                          given_by=form.cleaned_data["given_by"])
        except WorkflowError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(node)s的签收表已按打印内容登记发放，共%(n)s户。") % {
                "node": node.name, "n": done})
            return redirect("outreach:campaign_detail", pk=campaign.pk)
    pending = [row for row in _recipients(campaign, request.user).filter(
        removed_reason="", household__node__path__startswith=node.path) if not row.delivered]
    return render(request, "outreach/campaign_sheet_deliver.html",
                  {"campaign": campaign, "node": node, "form": form, "pending": len(pending)})


# names of hardship households and what they received: not to stay in a browser's cache
@never_cache
@login_required
@permission_required("outreach.view_campaign", raise_exception=True)
def campaign_signoff_pdf(request, pk, node_pk):
    campaign = get_campaign_for(request.user, pk)
    node = _node_for(request.user, campaign, node_pk)
    recipients = (CampaignHousehold.objects.visible_to(request.user)
                  .filter(campaign=campaign, removed_reason="", household__node__path__startswith=node.path)
                  .select_related("household").order_by("household__node__path", "household__number", "pk"))
    rows = list(recipients)
    for row in rows:
        row.head_name = row.household.head_name or "—"
        row.head_id_number = row.household.head_id_number
        row.category_label = row.household.get_category_display()
        row.cash = yuan(row.cash_fen)
    totals = {"households": len(rows), "cash": yuan(sum(row.cash_fen for row in rows)),
              "goods_value": yuan(sum(row.goods_value_fen for row in rows))}
    audit.record(request.user, AuditAction.EXPORT, campaign, row_count=len(rows), detail=f"签收表 PDF，节点 #{node.pk}")
    response = HttpResponse(pdf.signoff_pdf(campaign, node, rows, totals), content_type="application/pdf")
    name = f"签收表-{campaign.pk}-{node.name}.pdf"
    response["Content-Disposition"] = (f"inline; filename=\"signoff-{campaign.pk}-{node.pk}.pdf\"; "
                                       f"filename*=UTF-8''{quote(name)}")
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
@permission_required("outreach.add_aidrecord", raise_exception=True)
def campaign_sheet_upload(request, pk, node_pk):
    campaign = get_campaign_for(request.user, pk)
    node = _node_for(request.user, campaign, node_pk)
    try:
        services.signed_sheet_upload(campaign=campaign, node=node, actor=request.user,
                                     upload=request.FILES.get("file"))
    except WorkflowError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已上传%(node)s的签收表扫描件。") % {"node": node.name})
    return redirect("outreach:campaign_detail", pk=campaign.pk)


@never_cache
@login_required
@permission_required("outreach.view_campaign", raise_exception=True)
def signed_sheet_file(request, pk):
    sheet = get_visible_or_404(SignedSheet, request.user, pk=pk)
    content_types = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}
    if not default_storage.exists(sheet.file.name):
        raise Http404
    audit.record(request.user, AuditAction.EXPORT, sheet, row_count=1, detail="已签收表扫描件")
    response = FileResponse(default_storage.open(sheet.file.name, "rb"), content_type=content_types[sheet.extension],
                            filename=f"signed-sheet-{sheet.pk}.{sheet.extension}")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
