"""The workflow's moves from the dossier page: each a POST that validates its small form, calls
the service (the one place that decides whether the move is allowed) and goes back to the page.
After a review the message offers the next dossier waiting in the same queue."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network.scoping import get_visible_or_404

from .. import services
from ..forms import (
    AnnualReviewForm,
    CenterReviewForm,
    EconomicCheckResultForm,
    ExitForm,
    OpinionForm,
    PreliminaryReviewForm,
    ReasonForm,
)
from ..models import EconomicCheck, Household
from ..worklist import next_in_queue
from .dossiers import detail_page


def _offering_next(user, queue, household, done):
    """The success message, with a link to the dossier that has waited longest in ``queue`` (a
    worklist group key) for this user, if there is one."""
    following = next_in_queue(user, queue, household)
    if following is None:
        return done
    label = _("下一份：%(name)s家 →") % {"name": following.head_name or following}
    return format_html('{} <a class="next-in-queue" href="{}">{}</a>', done, following.get_absolute_url(), label)


def workflow_action(form_name, queue=None):
    """POST only, logged in, the dossier fetched in the user's scope (404 outside it); a
    WorkflowError or an invalid form re-renders the dossier page with the message and the input.
    With ``queue`` (the worklist group the move works through), success offers the next dossier."""

    def decorator(view):
        @wraps(view)
        @login_required
        @require_POST
        def wrapper(request, pk, **kwargs):
            household = get_visible_or_404(Household, request.user, pk=pk)
            try:
                form, done = view(request, household, **kwargs)
            except services.WorkflowError as error:
                messages.error(request, error.messages[0])
                return redirect(household)
            if form is not None and form.errors:
                messages.error(request, _("操作未完成：请按提示修改。"))
                return detail_page(request, pk, bound={form_name: form}, status=400)
            if queue is not None:
                done = _offering_next(request.user, queue, household, done)
            messages.success(request, done)
            return redirect(household)

        return wrapper

    return decorator


@workflow_action("submit")
def submit(request, household):
    form = OpinionForm(request.POST, auto_id="submit_%s")
    if form.is_valid():
        services.household_submit(household=household, actor=request.user, opinion=form.cleaned_data["opinion"])
    return form, _("档案已提交初审。")


@workflow_action("preliminary", queue="to_preliminary")
def preliminary_review(request, household):
    form = PreliminaryReviewForm(request.POST, auto_id="preliminary_%s")
    if form.is_valid():
        services.household_preliminary_pass(household=household, actor=request.user, **form.cleaned_data)
    return form, _("初审通过，已报县援助分中心审核。")


@workflow_action("center", queue="to_center_review")
def center_review(request, household):
    form = CenterReviewForm(request.POST, auto_id="center_%s", household=household)
    if form.is_valid():
        services.household_center_pass(household=household, actor=request.user, **form.cleaned_data)
    return form, _("中心审核通过，可列入公示。")


@workflow_action("economic_check")
def economic_check(request, household):
    form = OpinionForm(request.POST, auto_id="check_%s")
    if form.is_valid():
        services.economic_check_request(household=household, actor=request.user, note=form.cleaned_data["opinion"])
    return form, _("已登记民政核对申请。")


@workflow_action("check_result")
def economic_check_result(request, household, check_pk):
    check = get_visible_or_404(EconomicCheck.objects.filter(household=household), request.user, pk=check_pk)
    form = EconomicCheckResultForm(request.POST, auto_id="check_result_%s")
    if form.is_valid():
        services.economic_check_result(check=check, actor=request.user, **form.cleaned_data)
    return form, _("已登记民政核对结果。")


@workflow_action("return")
def return_to_draft(request, household):
    form = ReasonForm(request.POST, auto_id="return_%s")
    if form.is_valid():
        services.household_return(household=household, actor=request.user, reason=form.cleaned_data["reason"])
    return form, _("档案已退回修改。")


@workflow_action("approve", queue="to_approve")
def approve(request, household):
    form = OpinionForm(request.POST, auto_id="approve_%s")
    if form.is_valid():
        services.household_approve(household=household, actor=request.user, opinion=form.cleaned_data["opinion"])
        household.refresh_from_db()
        return form, _("审批通过，档案编号 %(number)s。") % {"number": household.number}
    return form, ""


@workflow_action("annual")
def annual_review(request, household):
    form = AnnualReviewForm(request.POST, auto_id="annual_%s")
    if form.is_valid():
        services.household_annual_review(household=household, actor=request.user, **form.cleaned_data)
    return form, _("年度复核已记录。")


@workflow_action("exit")
def exit_household(request, household):
    form = ExitForm(request.POST, auto_id="exit_%s")
    if form.is_valid():
        services.household_exit(household=household, actor=request.user, **form.cleaned_data)
    return form, _("档案已退出。")


@workflow_action("reopen")
def reopen(request, household):
    form = ReasonForm(request.POST, auto_id="reopen_%s")
    if form.is_valid():
        services.household_reopen(household=household, actor=request.user, reason=form.cleaned_data["reason"])
    return form, _("档案已重新启用（返困），请更新信息后提交。")
