"""What waits for a user's action, by role, in his own subtree: the worklist and the home page."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Household, Status


def worklist_queries(user):
    """(key, label, queryset) for each kind of work this user can do; querysets are lazy."""
    households = Household.objects.visible_to(user)
    groups = []
    if user.has_perm("cases.submit_household"):
        mine = households.filter(status=Status.DRAFT)
        if not user.has_perm("cases.review_household"):
            mine = mine.filter(created_by=user)
        groups.append(("drafts", _("草稿与退回待修改"), mine))
    if user.has_perm("cases.review_household") and user.is_township_or_above:
        groups.append(("to_preliminary", _("待初审（入户调查）"),
                       households.filter(status=Status.SUBMITTED).exclude(created_by=user)))
    if user.has_perm("cases.approve_household") and user.is_center:
        groups.append(("to_center_review", _("待中心审核"), households.filter(status=Status.PRELIM_PASSED)))
        groups.append(("to_notice", _("待公示"), households.filter(status=Status.CENTER_PASSED)))
        today = timezone.localdate()
        groups.append(("to_approve", _("公示期满待审批"), households.filter(
            status=Status.IN_NOTICE, notice_entries__batch__ends_on__lt=today).exclude(created_by=user).distinct()))
    if user.has_perm("cases.review_household") and user.is_township_or_above:
        year = timezone.localdate().year
        groups.append(("to_annual_review", _("本年度待复核"), households.not_reviewed_in(year)))
    return groups


def worklist_for(user, limit=20):
    """The groups with their count and first rows (head's name annotated), for the worklist page."""
    result = []
    for key, label, queryset in worklist_queries(user):
        rows = list(queryset.with_head().select_related("node").order_by("created_at")[:limit])
        result.append({"key": key, "label": label, "count": queryset.count(), "rows": rows})
    return result


def worklist_counts(user):
    """The counts alone, for the home page: one COUNT query per group."""
    return [(key, label, queryset.count()) for key, label, queryset in worklist_queries(user)]
