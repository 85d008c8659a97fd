"""公示 (public notice) batches with their objections, and the 低保 standards.

Writes go through cases.services, which checks roles and statuses and writes the StatusChange entries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network.scoping import get_visible_or_404, node_in_scope

from .. import services
from ..forms import DibaoStandardForm, NoticeForm, ObjectionForm, ObjectionResolveForm
from ..idcard import mask_id_number
from ..models import DibaoStandard, Household, Move, NoticeBatch, Objection, Status
from ..pdf import notice_intro
from ..rules import DOSSIER_RULES
from ..services import WorkflowError


def _require_center_admin(user):
    """公示 is the center's step (the rulebook's NOTICE: a 中心管理员 role at a township is not
    enough), and a batch is published in the name of the publisher's node, so an account
    without one cannot publish."""
    if not (_may_handle_objections(user) and user.node_id):
        raise PermissionDenied


def _may_handle_objections(user):
    return DOSSIER_RULES.may_make(Move.NOTICE, user)


# --- 公示 ----------------------------------------------------------------------------------------


@login_required
@permission_required("cases.view_noticebatch", raise_exception=True)
def notice_list(request):
    batches = (
        NoticeBatch.objects.visible_to(request.user)
        .select_related("node", "created_by")
        .annotate(
            dossier_count=Count("entries", distinct=True),
            open_objections=Count(
                "entries__objections", filter=Q(entries__objections__resolved_at__isnull=True), distinct=True
            ),
        )
    )
    context = {
        "batches": batches,
        "today": timezone.localdate(),
        "may_publish": _may_handle_objections(request.user),
    }
    return render(request, "cases/notice_list.html", context)


@login_required
def notice_create(request):
    _require_center_admin(request.user)
    candidates = (
        Household.objects.visible_to(request.user).filter(status=Status.CENTER_PASSED)
        .select_related("node").order_by("node__path", "pk")
    )
    form = NoticeForm(request.POST or None, candidates=candidates, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.notice_publish(
                actor=request.user, title=data["title"], starts_on=data["starts_on"], ends_on=data["ends_on"],
                place=data["place"], households=list(data["households"]),
            )
        except WorkflowError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已发布公示“%(title)s”，共%(n)s户。") % {
                "title": batch.title, "n": len(data["households"]),
            })
            return redirect(batch)
    chosen = {str(value) for value in (form["households"].value() or [])}
    rows = [(household, mask_id_number(household.head_id_number), str(household.pk) in chosen)
            for household in candidates]
    return render(request, "cases/notice_form.html", {"form": form, "rows": rows})


def notice_entries(batch):
    """The batch's entries in the order of the list, in three queries: each with its household
    (head annotated, node selected) and objections, ``masked_id``, ``withdrawn`` (an objection was
    upheld) and, for those still on the list, ``public_no``: the page and the printed list read it."""
    households = Household.objects.all().select_related("node")
    logged = Objection.objects.select_related("logged_by", "resolved_by")
    entries = list(
        batch.entries.order_by("household__node__path", "pk")
        .prefetch_related(Prefetch("household", queryset=households), Prefetch("objections", queryset=logged))
    )
    public_no = 0
    for entry in entries:
        # always masked: this is the list posted on the notice board, whoever prints it
        entry.masked_id = mask_id_number(entry.household.head_id_number)
        entry.withdrawn = any(objection.upheld for objection in entry.objections.all())
        if not entry.withdrawn:
            public_no += 1
            entry.public_no = public_no
    return entries


def _render_detail(request, batch, *, objection_form=None, resolve_form=None, resolving=None):
    """The detail page; a bound form that failed is shown in place of its blank one."""
    entries = notice_entries(batch)
    may_handle = _may_handle_objections(request.user)
    public_count = sum(not entry.withdrawn for entry in entries)
    objections = []
    for entry in entries:
        for objection in entry.objections.all():
            objection.head_name = entry.household.head_name
            objections.append(objection)
    objections.sort(key=lambda objection: (objection.received_on, objection.pk))
    for objection in objections:
        if may_handle and not objection.is_resolved:
            bound = resolve_form if resolving == objection.pk else None
            objection.form = bound or ObjectionResolveForm(prefix=f"resolve{objection.pk}")
    if may_handle and objection_form is None:
        objection_form = ObjectionForm(entries=entries, prefix="objection")
    context = {
        "batch": batch,
        "entries": entries,
        "public_count": public_count,
        "intro": notice_intro(batch, public_count),
        "objections": objections,
        "open_objections": sum(not objection.is_resolved for objection in objections),
        "objection_form": objection_form if may_handle else None,
        "may_handle": may_handle,
        "today": timezone.localdate(),
        "awaiting_approval": sum(
            entry.household.status == Status.IN_NOTICE and all(o.is_resolved for o in entry.objections.all())
            for entry in entries
        ),
    }
    return render(request, "cases/notice_detail.html", context)


def _get_batch(user, pk):
    return get_visible_or_404(NoticeBatch.objects.select_related("node", "created_by"), user, pk=pk)


@login_required
@permission_required("cases.view_noticebatch", raise_exception=True)
def notice_detail(request, pk):
    return _render_detail(request, _get_batch(request.user, pk))


@login_required
@permission_required("cases.approve_household", raise_exception=True)
@require_POST
def notice_approve(request, pk):
    """Approves the whole finished notice at once: every dossier without an open objection."""
    batch = _get_batch(request.user, pk)
    if not batch.has_ended():
        messages.error(request, _("公示期至%(date)s止，公示期满后才能审批。") % {"date": batch.ends_on.isoformat()})
        return redirect(batch)
    approved, refused = services.notice_approve(batch=batch, actor=request.user)
    if approved:
        messages.success(request, _("已审批通过%(n)s户，档案已编号。") % {"n": len(approved)})
    for household, reason in refused:
        messages.error(request, _("%(name)s：%(reason)s") % {"name": household, "reason": reason})
    if not approved and not refused:
        messages.info(request, _("本次公示中没有待审批的档案。"))
    return redirect(batch)


@login_required
@permission_required("cases.approve_household", raise_exception=True)
@require_POST
def objection_create(request, pk):
    batch = _get_batch(request.user, pk)
    entries = list(batch.entries.prefetch_related(
        Prefetch("household", queryset=Household.objects.all().select_related("node"))
    ))
    form = ObjectionForm(request.POST, entries=entries, prefix="objection")
    if form.is_valid():
        entry = form.entries[form.cleaned_data["entry"]]
        try:
            services.objection_log(entry=entry, actor=request.user, content=form.cleaned_data["content"],
                                   received_on=form.cleaned_data["received_on"])
        except WorkflowError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已登记对“%(name)s”的异议，请核查后填写处理意见。")
                             % {"name": entry.household.head_name})
            return redirect(batch)
    return _render_detail(request, batch, objection_form=form)


@login_required
@permission_required("cases.approve_household", raise_exception=True)
@require_POST
def objection_resolve(request, pk):
    objection = get_visible_or_404(
        Objection.objects.select_related("entry__household"), request.user, pk=pk
    )
    # the batch too must be in reach: a township never handles the center's notice
    batch = _get_batch(request.user, objection.entry.batch_id)
    form = ObjectionResolveForm(request.POST, prefix=f"resolve{objection.pk}")
    if form.is_valid():
        try:
            services.objection_resolve(objection=objection, actor=request.user,
                                       upheld=form.cleaned_data["upheld"], resolution=form.cleaned_data["resolution"])
        except WorkflowError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if form.cleaned_data["upheld"]:
                messages.success(request, _("异议成立：档案已退回草稿，撤出本次公示。"))
            else:
                messages.success(request, _("异议不成立：档案继续公示。"))
        return redirect(batch)
    return _render_detail(request, batch, resolve_form=form, resolving=objection.pk)


# --- 低保标准 -------------------------------------------------------------------------------------


def _standards_for(user):
    """The standards that apply to the user: those set above his node and those in his subtree."""
    standards = DibaoStandard.objects.visible_to(user)
    if user.node_id:
        standards = standards | DibaoStandard.objects.filter(node_id__in=user.node.ancestor_ids)
    return standards.select_related("node")


@login_required
@permission_required("cases.view_dibaostandard", raise_exception=True)
def standard_list(request):
    standards = list(_standards_for(request.user))
    may_change = request.user.has_perm("cases.change_dibaostandard")
    for standard in standards:
        standard.editable = may_change and node_in_scope(request.user, standard.node)
    context = {"standards": standards, "may_add": request.user.has_perm("cases.add_dibaostandard")}
    return render(request, "cases/dibaostandard_list.html", context)


@login_required
@permission_required("cases.add_dibaostandard", raise_exception=True)
def standard_create(request):
    form = DibaoStandardForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        standard = form.save()
        services.audit_standard_change(request.user, standard)
        messages.success(request, _("已保存“%(node)s”%(year)s年的低保标准。")
                         % {"node": standard.node.name, "year": standard.year})
        return redirect("cases:standard_list")
    return render(request, "cases/dibaostandard_form.html", {"form": form, "title": _("设置低保标准")})


@login_required
@permission_required("cases.change_dibaostandard", raise_exception=True)
def standard_edit(request, pk):
    standard = get_visible_or_404(DibaoStandard, request.user, pk=pk)
    form = DibaoStandardForm(request.POST or None, instance=standard, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        services.audit_standard_change(request.user, standard)
        messages.success(request, _("已保存“%(node)s”%(year)s年的低保标准。")
                         % {"node": standard.node.name, "year": standard.year})
        return redirect("cases:standard_list")
    context = {"form": form, "title": _("修改低保标准"), "standard": standard}
    return render(request, "cases/dibaostandard_form.html", context)
