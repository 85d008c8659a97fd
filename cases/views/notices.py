"""公示 (public notice) batches with their objections, and the 低保 standards.

The forms of these pages live here, beside the only views that use them; writes go through
cases.services, which checks roles and statuses and writes the StatusChange entries."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from network.scoping import get_visible_or_404, node_in_scope

from .. import services
from ..forms import DibaoStandardForm
from ..idcard import mask_id_number
from ..models import DibaoStandard, Household, NoticeBatch, Objection, Status
from ..services import WorkflowError

NOTICE_DAYS = 7
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _require_center_admin(user):
    """公示 is the center's step: a 中心管理员 role at a township is not enough, and a batch is
    published in the name of the publisher's node, so an account without one cannot publish."""
    if not (user.has_perm("cases.approve_household") and user.is_center and user.node_id):
        raise PermissionDenied


def _may_handle_objections(user):
    return user.has_perm("cases.approve_household") and user.is_center


# --- forms -------------------------------------------------------------------------------------


class NoticeForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("公示标题"), max_length=120)
    starts_on = forms.DateField(label=gettext_lazy("公示开始日期"), widget=DATE_INPUT)
    ends_on = forms.DateField(
        label=gettext_lazy("公示截止日期"), widget=DATE_INPUT,
        help_text=gettext_lazy("默认公示7天（含开始当天）。"),
    )
    place = forms.CharField(
        label=gettext_lazy("公示地点"), max_length=120, required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：县总工会公示栏、各乡镇工会公示栏")}),
    )
    households = forms.ModelMultipleChoiceField(
        label=gettext_lazy("列入公示的档案"), queryset=Household.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("请至少选择一份待公示的档案。"),
            "invalid_choice": gettext_lazy("所选档案不在待公示名单中，请刷新页面后重新选择。"),
            "invalid_pk_value": gettext_lazy("所选档案不在待公示名单中，请刷新页面后重新选择。"),
        },
    )

    def __init__(self, *args, candidates, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = candidates
        today = timezone.localdate()
        batches_this_year = NoticeBatch.objects.visible_to(user).filter(starts_on__year=today.year).count()
        self.fields["title"].initial = _("%(year)s年第%(n)s批困难职工建档公示") % {
            "year": today.year, "n": batches_this_year + 1,
        }
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = today + datetime.timedelta(days=NOTICE_DAYS - 1)

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("公示截止日期不能早于开始日期。"))
        return cleaned


class ObjectionForm(forms.Form):
    entry = forms.TypedChoiceField(
        label=gettext_lazy("被提出异议的档案"), coerce=int,
        error_messages={"required": gettext_lazy("请选择被提出异议的档案。"),
                        "invalid_choice": gettext_lazy("该档案已不在公示中，不能登记异议。")},
    )
    received_on = forms.DateField(label=gettext_lazy("收到日期"), widget=DATE_INPUT)
    content = forms.CharField(
        label=gettext_lazy("异议内容"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("反映人、反映方式和所反映的情况。"),
        error_messages={"required": gettext_lazy("请填写异议内容。")},
    )

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = {entry.pk: entry for entry in entries if entry.household.status == Status.IN_NOTICE}
        self.fields["entry"].choices = [("", "—")] + [
            (pk, f"{entry.household.head_name or '—'}（{entry.household.node.name}）")
            for pk, entry in self.entries.items()
        ]
        self.fields["received_on"].initial = timezone.localdate()

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("收到日期不能晚于今天。"))
        return received_on


class ObjectionResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=gettext_lazy("核查结论"), widget=forms.RadioSelect, coerce=lambda value: value == "1",
        choices=[("0", gettext_lazy("异议不成立，继续公示")), ("1", gettext_lazy("异议成立，档案退回修改"))],
        error_messages={"required": gettext_lazy("请选择异议是否成立。")},
    )
    resolution = forms.CharField(
        label=gettext_lazy("核查处理意见"), widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("请填写核查处理意见。")},
    )


class StandardForm(DibaoStandardForm):
    """The shared 低保 standard form, with every refusal in Chinese beside its field: the model's
    unique and check constraints would otherwise answer at the top of the form."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("node", user.node_id)
            self.initial.setdefault("year", timezone.localdate().year)
        for name in ("urban_monthly", "rural_monthly"):
            self.fields[name].widget.attrs.update({"step": "0.01", "min": "0.01"})
        self.fields["node"].error_messages["invalid_choice"] = _("请在您管辖范围内的县或乡镇（系统）中选择。")

    def clean_year(self):
        year = self.cleaned_data["year"]
        latest = timezone.localdate().year + 1
        if not 2000 <= year <= latest:
            raise forms.ValidationError(_("年度应在2000年至%(latest)s年之间。") % {"latest": latest})
        return year

    def _positive(self, name):
        amount = self.cleaned_data[name]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("低保标准必须大于0元。"))
        return amount

    def clean_urban_monthly(self):
        return self._positive("urban_monthly")

    def clean_rural_monthly(self):
        return self._positive("rural_monthly")

    def clean(self):
        cleaned = super().clean()
        node, year = cleaned.get("node"), cleaned.get("year")
        if node and year:
            taken = DibaoStandard.objects.filter(node=node, year=year).exclude(pk=self.instance.pk)
            if taken.exists():
                # the field error also keeps the unique constraint from repeating it above the form
                self.add_error("year", _("“%(node)s”%(year)s年的低保标准已经设置，请修改原有的标准。")
                               % {"node": node.name, "year": year})
        return cleaned


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
        Household.objects.visible_to(request.user).filter(status=Status.CENTER_PASSED).with_head()
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


def _render_detail(request, batch, *, objection_form=None, resolve_form=None, resolving=None):
    """The detail page; a bound form that failed is shown in place of its blank one."""
    households = Household.objects.with_head().select_related("node")
    logged = Objection.objects.select_related("logged_by", "resolved_by")
    entries = list(
        batch.entries.order_by("household__node__path", "pk")
        .prefetch_related(Prefetch("household", queryset=households), Prefetch("objections", queryset=logged))
    )
    may_handle = _may_handle_objections(request.user)
    public_no, objections = 0, []
    for entry in entries:
        # always masked: this is the list posted on the notice board, whoever prints it
        entry.masked_id = mask_id_number(entry.household.head_id_number)
        entry.withdrawn = any(objection.upheld for objection in entry.objections.all())
        if not entry.withdrawn:
            public_no += 1
            entry.public_no = public_no
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
        "public_count": public_no,
        "objections": objections,
        "open_objections": sum(not objection.is_resolved for objection in objections),
        "objection_form": objection_form if may_handle else None,
        "may_handle": may_handle,
        "today": timezone.localdate(),
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
def objection_create(request, pk):
    batch = _get_batch(request.user, pk)
    entries = list(batch.entries.prefetch_related(
        Prefetch("household", queryset=Household.objects.with_head().select_related("node"))
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
    form = StandardForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        standard = form.save()
        messages.success(request, _("已保存“%(node)s”%(year)s年的低保标准。")
                         % {"node": standard.node.name, "year": standard.year})
        return redirect("cases:standard_list")
    return render(request, "cases/dibaostandard_form.html", {"form": form, "title": _("设置低保标准")})


@login_required
@permission_required("cases.change_dibaostandard", raise_exception=True)
def standard_edit(request, pk):
    standard = get_visible_or_404(DibaoStandard, request.user, pk=pk)
    form = StandardForm(request.POST or None, instance=standard, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存“%(node)s”%(year)s年的低保标准。")
                         % {"node": standard.node.name, "year": standard.year})
        return redirect("cases:standard_list")
    context = {"form": form, "title": _("修改低保标准"), "standard": standard}
    return render(request, "cases/dibaostandard_form.html", context)
