"""What waits for a user's action, by role, in his own subtree: the worklist page, the home page's
counts, and the next dossier of a queue after a review."""

from django.core.paginator import Paginator
from django.db.models import Case, CharField, F, OuterRef, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import RETURNED, RETURNED_FIRST, Household, Move, Status, StatusChange
from .rules import DOSSIER_RULES

# the action services.household_return writes (an upheld objection returns through it too)
# rows of each group on the worklist page; the group's own page shows all of them, a page at a time
FIRST_ROWS = 20
GROUP_PAGE_SIZE = 50


def worklist_queries(user):
    """(key, label, queryset) for each kind of work this user can do; querysets are lazy. The rows
    of a review's queue are those the workflow's rulebook lets him move (his own township's 初审,
    not a dossier he entered or edited, not the center's review of one he reviewed first)."""
    households = Household.objects.visible_to(user)
    rules = DOSSIER_RULES
    groups = []
    if rules.may_make(Move.SUBMIT, user):
        # every draft of his subtree: a dossier returned for correction is the node's work, whoever typed it
        groups.append(("drafts", _("草稿与退回待修改"), households.filter(status=Status.DRAFT)))
    if rules.may_make(Move.PRELIMINARY, user):
        groups.append(("to_preliminary", _("待初审（入户调查）"), rules.queue(Move.PRELIMINARY, user, households)))
    if rules.may_make(Move.CENTER_REVIEW, user):
        groups.append(("to_center_review", _("待中心审核"), rules.queue(Move.CENTER_REVIEW, user, households)))
    if rules.may_make(Move.NOTICE, user):
        groups.append(("to_notice", _("待公示"), rules.queue(Move.NOTICE, user, households)))
    if rules.may_make(Move.APPROVE, user):
        ended = households.filter(notice_entries__batch__ends_on__lt=timezone.localdate()).distinct()
        groups.append(("to_approve", _("公示期满待审批"), rules.queue(Move.APPROVE, user, ended)))
    if rules.may_make(Move.ANNUAL_REVIEW, user):
        year = timezone.localdate().year
        groups.append(("to_annual_review", _("本年度待复核"),
                       rules.queue(Move.ANNUAL_REVIEW, user, households.not_reviewed_in(year))))
    return groups


def with_waiting(queryset):
    """Annotates what the worklist shows of each dossier's last workflow step, in the same query:
    ``waiting_since`` (when it entered its current status: the latest step, kept on the household
    by the dossier service, or its entry for a draft never submitted), ``returned`` (a draft whose
    latest step sent it back) and, for those only, the step's ``last_step_opinion`` (the reason) and
    ``last_step_actor`` (who): a CASE runs their subqueries for the returned rows alone, so a queue
    of ten thousand is sorted on two columns of its own rows."""
    latest = StatusChange.objects.filter(household=OuterRef("pk")).order_by("-at", "-pk")
    return queryset.annotate(
        waiting_since=Coalesce(F("status_changed_at"), F("created_at")),
        returned=RETURNED_FIRST,
        last_step_opinion=Case(When(RETURNED, then=Subquery(latest.values("opinion")[:1])), default=Value(""),
                               output_field=TextField()),
        last_step_actor=Case(When(RETURNED, then=Subquery(latest.annotate(
            who=Coalesce(NullIf("actor__name", Value("")), "actor__username")).values("who")[:1])),
            default=Value(""), output_field=CharField()),
    )


# the groups that hold drafts, and so dossiers sent back for correction
RETURNABLE = {"drafts"}


def queue(queryset, key):
    """A group's rows as the worklist shows them: those sent back for correction first (in the
    drafts), then the longest waiting. The other groups hold no returned draft and are sorted by
    waiting alone, the order of an index (status, waiting since): a page of a queue of 90,000 is
    then read along it instead of sorting them all."""
    rows = with_waiting(queryset.select_related("node"))
    if key in RETURNABLE:
        return rows.order_by(F("returned").desc(), "waiting_since", "pk")
    return rows.order_by("waiting_since", "pk")


def worklist_for(user, *, group=None, page=None):
    """The worklist page: each group with its count and first rows; with a known ``group`` key,
    that group alone with all its rows, ``page`` by page (``page`` is set on the group then).
    An unknown key is ignored. Two queries a group, whatever the number of rows."""
    groups = worklist_queries(user)
    chosen = [entry for entry in groups if entry[0] == group]
    if chosen:
        key, label, queryset = chosen[0]
        rows = Paginator(queue(queryset, key), GROUP_PAGE_SIZE).get_page(page)
        return [{"key": key, "label": label, "count": rows.paginator.count, "rows": rows, "page": rows}]
    result = []
    for key, label, queryset in groups:
        rows = list(queue(queryset, key)[:FIRST_ROWS])
        count = len(rows) if len(rows) < FIRST_ROWS else queryset.count()
        result.append({"key": key, "label": label, "count": count, "rows": rows})
    return result


def worklist_counts(user):
    """The counts alone, for the home page: one COUNT query per group."""
    return [(key, label, queryset.count()) for key, label, queryset in worklist_queries(user)]


def next_in_queue(user, key, done):
    """The dossier that has waited longest in this user's ``key`` group, other than ``done`` (the
    one he just handled), with its head's name; None when there is none."""
    for group_key, _label, queryset in worklist_queries(user):
        if group_key == key:
            return queue(queryset, key).exclude(pk=done.pk).first()
    return None


def returned_step(household):
    """The step that sent this draft back for correction, or None: read from its status changes
    (prefetched on the dossier page, so no query there)."""
    if household.status != Status.DRAFT:
        return None
    changes = list(household.status_changes.all())
    last = max(changes, key=lambda change: (change.at, change.pk)) if changes else None
    if last is not None and last.action == Move.RETURN and last.to_status == Status.DRAFT:
        return last
    return None
