from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from network import audit
from network.models import AuditAction, Node
from network.scoping import get_visible_or_404

from ..export_jobs import EXPORTS, export_rows, export_start
from ..filters import HouseholdFilter
from ..forms import (
    AnnualReviewForm,
    CenterReviewForm,
    DossierForms,
    EconomicCheckResultForm,
    ExitForm,
    OpinionForm,
    PreliminaryReviewForm,
    ReasonForm,
)
from ..history import dossier_history
from ..models import Category, DibaoStandard, Household, NoticeEntry, Relation, Status, StatusChange
from ..rules import DOSSIER_RULES
from ..sensitive import log_access, may_unmask, reveal
from ..services import WorkflowError, household_save
from ..worklist import worklist_for

PAGE_SIZE = 50
# pages further than this are not shown: OFFSET grows with the depth; a filter is quicker for a person too
MAX_PAGES = 200


class CountedPaginator(Paginator):
    """A paginator told its count (the list's summary query already counted the rows): one scan, not two."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @property
    def count(self):
        return self._known_count

    @property
    def num_pages(self):
        return min(super().num_pages, MAX_PAGES)


@login_required
@permission_required("cases.view_household", raise_exception=True)
def household_list(request):
    households = (
        Household.objects.visible_to(request.user).select_related("node", "enterprise").order_by("-created_at")
    )
    filterset = HouseholdFilter(request.GET or None, households, user=request.user)
    rows = filterset.qs
    # counted over columns the covering indexes hold (cases_hh_sum_*; category and status are never
    # null), not COUNT(id): the summary then reads an index alone
    counts = rows.order_by().aggregate(
        total=Count("*"),
        deep=Count("category", filter=Q(category=Category.DEEP)),
        relative=Count("category", filter=Q(category=Category.RELATIVE)),
        accident=Count("category", filter=Q(category=Category.ACCIDENT)),
        approved=Count("status", filter=Q(status=Status.APPROVED)),
    )
    paginator = CountedPaginator(rows, PAGE_SIZE, count=counts["total"])
    asked = request.GET.get("page", "")
    too_deep = asked.isdigit() and int(asked) > MAX_PAGES
    page = paginator.get_page(MAX_PAGES if too_deep else asked)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/household_list.html",
        {"filter": filterset, "page": page, "counts": counts, "query": query.urlencode(),
         "too_deep": too_deep or paginator.num_pages > MAX_PAGES, "max_rows": MAX_PAGES * PAGE_SIZE},
    )


def _export(request, what, audit_label, object_type):
    """An export of the filtered list (``what``: one of export_jobs.EXPORTS), in the request or,
    when big, as a background job; masked unless asked for and permitted (the reveal logged),
    audited either way, titled with the filter applied."""
    title, write = EXPORTS[what]
    filterset, rows = export_rows(request.user, request.GET)
    unmasked = request.GET.get("unmask") == "1" and may_unmask(request.user)
    row_count = rows.count()
    if unmasked:
        # scoped to the user's node, so that the center above him reads who took which list
        log_access(request.user, None, "export", detail=filterset.describe(), row_count=row_count)
    audit.record(request.user, AuditAction.EXPORT, object_type=object_type, row_count=row_count,
                 detail=export_detail(audit_label, filterset.applied_names(), unmasked))
    if row_count > settings.EXPORT_INLINE_MAX:
        return redirect(export_start(user=request.user, what=what, query=request.GET.urlencode(),
                                     unmasked=unmasked))
    return FileResponse(write(rows, unmasked=unmasked, described=filterset.describe()), as_attachment=True,
                        filename=f"{title}-{timezone.localdate():%Y%m%d}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@never_cache
@login_required
@permission_required("cases.view_household", raise_exception=True)
def household_export(request):
    """The filtered list as an Excel roster, one row a household."""
    return _export(request, "households", "档案花名册", "cases.household")


@never_cache
@login_required
@permission_required("cases.view_household", raise_exception=True)
def household_member_export(request):
    """The filtered list as a member-level roster (every person, with relation, school and grade)."""
    return _export(request, "members", "家庭成员花名册", "cases.member")


@never_cache
@login_required
@permission_required("cases.view_household", raise_exception=True)
def household_official_export(request):
    """The filtered list in the column order of the 困难职工档案表 (for the upper unions' system)."""
    return _export(request, "official", "档案表格式导出", "cases.household")


def export_detail(what, filter_names, unmasked):
    """An export's audit detail: what, by which filters (their names only), masked or not."""
    return "%s；筛选：%s%s" % (what, "、".join(filter_names) or "无", "；含完整号码" if unmasked else "")


@login_required
@permission_required("cases.view_household", raise_exception=True)
def worklist(request):
    groups = worklist_for(request.user, group=request.GET.get("group"), page=request.GET.get("page"))
    return render(request, "cases/worklist.html", {"groups": groups})


def _standards_json(user):
    """The 低保 standards of the current year for the nodes the user may file at, for the live
    computation in the form (node id → {urban, rural})."""
    nodes = list(Node.objects.visible_to(user).filter(is_active=True))
    standards = DibaoStandard.objects.applying_to_each(nodes, timezone.localdate().year)
    return {pk: {"urban": str(s.urban_monthly), "rural": str(s.rural_monthly)} for pk, s in standards.items()}


def _edit_page(request, forms, household=None):
    if request.method == "POST" and forms.is_valid():
        household = forms.household_form.save(commit=False)
        try:
            household = household_save(household=household, members=forms.members(), actor=request.user)
        except WorkflowError as error:
            forms.place_error(error)
            household = forms.household.pk and forms.household
        else:
            messages.success(request, _("档案已保存。"))
            return redirect(household)
    # a failed save is told once, by the error summary at the top of the form
    return render(
        request,
        "cases/household_form.html",
        {"forms": forms, "household": household, "standards": _standards_json(request.user)},
    )


@never_cache
@login_required
@permission_required("cases.add_household", raise_exception=True)
def household_create(request):
    forms = DossierForms(request.POST or None, user=request.user)
    return _edit_page(request, forms)


@never_cache
@login_required
@permission_required("cases.change_household", raise_exception=True)
def household_edit(request, pk):
    household = get_visible_or_404(Household, request.user, pk=pk)
    if household.status not in (Status.DRAFT, Status.APPROVED):
        messages.error(request, _("档案当前状态为“%(status)s”，审核期间不能修改；如需修改请先退回。")
                       % {"status": household.get_status_display()})
        return redirect(household)
    forms = DossierForms(request.POST or None, user=request.user, household=household)
    if request.method == "GET":
        # the form shows full ID and phone numbers to the clerk who keeps them: that is logged too
        log_access(request.user, household, "edit")
    return _edit_page(request, forms, household)


@never_cache
@login_required
@permission_required("cases.view_household", raise_exception=True)
def household_detail(request, pk):
    return detail_page(request, pk)


def detail_page(request, pk, bound=None, status=200):
    """The dossier page; ``bound`` replaces an action's empty form with the one the user sent back
    with errors, so that what he typed stays on the page beside the message."""
    household = get_visible_or_404(
        Household.objects.select_related("node", "enterprise", "created_by").prefetch_related(
            "members",
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("actor")),
            "home_visits__recorded_by",
            "economic_checks__requested_by",
            "annual_reviews__reviewer",
            Prefetch("notice_entries", queryset=NoticeEntry.objects.select_related("batch").prefetch_related("objections")),
            # the aid timeline, the pairing cadre and the return visits, by related name (cases does
            # not import outreach)
            "aid_records__fund",
            "aid_records__beneficiary",
            "pairings__cadre",
            "return_visits__campaign",
        ),
        request.user,
        pk=pk,
    )
    unmasked = reveal(request, household, "page")
    if not unmasked:
        # a reveal is its own entry (the page with full numbers); otherwise the page was seen
        audit.record(request.user, AuditAction.DOSSIER_VIEW, household)
    members = sorted(household.members.all(), key=lambda m: (m.relation != Relation.HEAD, m.pk))
    open_check = next((c for c in household.economic_checks.all() if c.result_on is None), None)
    forms = {
        "submit": OpinionForm(auto_id="submit_%s"),
        "preliminary": PreliminaryReviewForm(auto_id="preliminary_%s"),
        "center": CenterReviewForm(household=household, auto_id="center_%s"),
        "economic_check": OpinionForm(auto_id="check_%s"),
        "check_result": EconomicCheckResultForm(auto_id="check_result_%s"),
        "approve": OpinionForm(auto_id="approve_%s"),
        "annual": AnnualReviewForm(auto_id="annual_%s"),
        "exit": ExitForm(auto_id="exit_%s"),
        "return": ReasonForm(auto_id="return_%s"),
        "reopen": ReasonForm(auto_id="reopen_%s"),
        **(bound or {}),
    }
    context = {
        "household": household,
        "members": members,
        "unmasked": unmasked,
        "may_unmask": may_unmask(request.user),
        "history": dossier_history(household, unmasked),
        "open_check": open_check,
        "actions": available_actions(request.user, household),
        "forms": forms,
        "open_form": next(iter(bound), None) if bound else None,
    }
    return render(request, "cases/household_detail.html", context, status=status)


def available_actions(user, household):
    """The workflow moves this user can offer on this dossier now: the rulebook's answer, the same
    the services give when the move is made."""
    return DOSSIER_RULES.allowed(household, user)
