"""Who may make which move, from which status: the dossier workflow's rulebook, written once.

A ``Rule`` names a move, the statuses it starts from, the permission it needs and its checks on
the person and the dossier. A ``Rulebook`` answers every caller from the same rules:

- the services call ``require`` after locking the row, and raise its Chinese refusal;
- the dossier page asks ``allowed`` for the buttons it offers;
- the worklist asks ``queue`` for the rows waiting for a user's move;
- the admin asks ``may_make`` whether to offer an action at all.

A relief program declares a Rulebook of its own from the same parts (its statuses, its
permissions, and checks such as ``AT_CENTER`` or its own).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import EDIT_REASONS, Household, Member, Move, Status, StatusChange


class WorkflowError(ValidationError):
    """A move that is not allowed: its message is shown to the user as it is."""


NOTHING = Q(pk__in=[])


def require(condition, message):
    """Raises WorkflowError with ``message`` unless ``condition``: the services' one guard."""
    if not condition:
        raise WorkflowError(message)


def fetch_in_scope(model, obj, actor, *, lock=False, message=None):
    """``obj`` read again within the actor's scope (``visible_to``), row-locked for the rest of the
    transaction when ``lock``; a refusal when it lies outside. Services take their rows through this,
    so that a caller that fetched one elsewhere (an import, a command, a crafted POST) cannot reach past it."""
    queryset = model.objects.visible_to(actor)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=obj.pk)
    except model.DoesNotExist:
        raise WorkflowError(message or _("该记录不在您的管辖范围内。")) from None


@dataclass(frozen=True)
class Check:
    """One condition of a move. ``holds(subject, actor)`` decides for one row; ``where(actor)``
    gives the rows where it holds as a Q for queues (None: only the per-row test can tell);
    ``subject`` False means the check is about the person alone (asked before any row)."""

    message: str
    holds: object
    where: object = None
    subject: bool = True


@dataclass(frozen=True)
class Rule:
    move: str
    from_statuses: tuple
    permission: str
    checks: tuple = field(default=())
    # False for a move that is no button on a record's page (an import makes a new record)
    offered: bool = True

    def actor_checks(self):
        return [check for check in self.checks if not check.subject]


class Rulebook:
    """The rules of one kind of record (a dossier, an aid application…), keyed by move."""

    def __init__(self, rules, *, status_field="status", status_label="get_status_display"):
        self.rules = {}
        for rule in rules:
            self.rules.setdefault(rule.move, []).append(rule)
        self.status_field, self.status_label = status_field, status_label

    def _rule_for(self, move, subject):
        status = getattr(subject, self.status_field)
        return next((rule for rule in self.rules[move] if status in rule.from_statuses), None)

    def refusal(self, move, subject, actor):
        """The Chinese reason ``actor`` may not make ``move`` on ``subject`` now, or None."""
        rule = self._rule_for(move, subject)
        if rule is None:
            if not any(actor.has_perm(r.permission) for r in self.rules[move]):
                return _("您的角色无权进行此操作。")
            return _("档案当前状态为“%(status)s”，不能进行此操作。") % {"status": getattr(subject, self.status_label)()}
        if not actor.has_perm(rule.permission):
            return _("您的角色无权进行此操作。")
        for check in rule.checks:
            if not (check.holds(actor) if not check.subject else check.holds(subject, actor)):
                return str(check.message)
        return None

    def require(self, move, subject, actor):
        message = self.refusal(move, subject, actor)
        if message is not None:
            raise WorkflowError(message)

    def require_actor(self, move, actor):
        """Refuses, in Chinese, a person who may never make ``move`` (his permission, then the
        checks on him alone): for the moves that work on a batch rather than one record."""
        rules = self.rules[move]
        require(any(actor.has_perm(rule.permission) for rule in rules), _("您的角色无权进行此操作。"))
        failed = None
        for rule in rules:
            if actor.has_perm(rule.permission):
                failed = next((check for check in rule.actor_checks() if not check.holds(actor)), None)
                if failed is None:
                    return
        raise WorkflowError(str(failed.message))

    def allowed(self, subject, actor):
        """Every move ``actor`` may make on ``subject`` now."""
        return {move for move, rules in self.rules.items()
                if any(rule.offered for rule in rules) and self.refusal(move, subject, actor) is None}

    def may_make(self, move, actor):
        """Whether ``actor`` may ever make ``move``: his permission and the checks on him alone."""
        return any(actor.has_perm(rule.permission) and all(check.holds(actor) for check in rule.actor_checks())
                   for rule in self.rules[move])

    def queue(self, move, actor, queryset):
        """The rows of ``queryset`` on which ``actor`` may make ``move`` (as far as a query can
        tell: a row-only check the query cannot express is left to ``require``)."""
        condition = NOTHING
        for rule in self.rules[move]:
            if not (actor.has_perm(rule.permission) and all(c.holds(actor) for c in rule.actor_checks())):
                continue
            q = Q(**{f"{self.status_field}__in": rule.from_statuses})
            for check in rule.checks:
                if check.subject and check.where is not None:
                    q &= check.where(actor)
            condition |= q
        return queryset.filter(condition)


# --- the checks of the dossier workflow ------------------------------------------------------------


def household_editors(household):
    """The ids of the people who made the version under review: its entrant, and whoever saved a
    change to it or its members (a history record of an edit) since it was last approved."""
    editors = {household.created_by_id}
    for records in (Household.history.filter(id=household.pk), Member.history.filter(household_id=household.pk)):
        records = records.filter(history_change_reason__in=EDIT_REASONS, history_user__isnull=False)
        if household.approved_at is not None:
            records = records.filter(history_date__gt=household.approved_at)
        editors |= set(records.values_list("history_user_id", flat=True))
    return editors


def is_entrant(household, actor):
    return actor.pk in household_editors(household)


def _edited_by(actor):
    """The dossiers ``actor`` entered or changed since their last approval, as a Q."""

    household_edits = Household.history.filter(
        id=OuterRef("pk"), history_user=actor, history_change_reason__in=EDIT_REASONS
    )
    member_edits = Member.history.filter(
        household_id=OuterRef("pk"), history_user=actor, history_change_reason__in=EDIT_REASONS
    )
    since_approval = Q(history_date__gt=OuterRef("approved_at"))
    return (
        Q(created_by=actor)
        | Q(approved_at__isnull=True) & (Exists(household_edits) | Exists(member_edits))
        | Q(approved_at__isnull=False) & (Exists(household_edits.filter(since_approval))
                                          | Exists(member_edits.filter(since_approval)))
    )


def did_first_review(household, actor):
    """Whether ``actor`` passed the 初审 of the dossier's current round (since it was last submitted)."""
    submitted_at = (household.status_changes.filter(to_status=Status.SUBMITTED)
                    .order_by("-at").values_list("at", flat=True).first())
    return submitted_at is not None and household.status_changes.filter(
        to_status=Status.PRELIM_PASSED, actor=actor, at__gte=submitted_at).exists()


def _first_reviewed_by(actor):
    last_submitted = (StatusChange.objects.filter(household=OuterRef(OuterRef("pk")), to_status=Status.SUBMITTED)
                      .order_by("-at").values("at")[:1])
    return Exists(StatusChange.objects.filter(
        household=OuterRef("pk"), to_status=Status.PRELIM_PASSED, actor=actor, at__gte=Subquery(last_submitted)))


def reviews_first(household, actor):
    """初审 belongs to the township federation or system union the dossier's node lies under (the
    center only for a dossier filed at the center itself)."""
    if actor.is_superuser:
        return True
    path = household.node.ancestor_ids
    return actor.node_id == (path[1] if len(path) > 1 else path[0])


def _reviewed_first_by(actor):
    if actor.is_superuser:
        return Q()
    if actor.node_id is None or actor.node.level > 2:
        return NOTHING
    if actor.node.level == 1:
        return Q(node=actor.node)
    return Q(node__path__startswith=actor.node.path)


NOT_ENTRANT = Check(
    gettext_lazy("录入或修改过该档案的工作人员不能审核、审批或复核同一份档案。"),
    lambda household, actor: not is_entrant(household, actor),
    lambda actor: ~_edited_by(actor),
)
NOT_FIRST_REVIEWER = Check(
    gettext_lazy("做过初审的工作人员不能再进行中心审核或审批。"),
    lambda household, actor: not did_first_review(household, actor),
    lambda actor: ~_first_reviewed_by(actor),
)
OWN_TOWNSHIP = Check(
    gettext_lazy("初审由档案所属的乡镇工会联合会或系统工会进行。"),
    reviews_first,
    _reviewed_first_by,
)
AT_CENTER = Check(gettext_lazy("只有县援助分中心可以进行此操作。"), lambda actor: actor.is_center, subject=False)
TOWNSHIP_OR_ABOVE = Check(
    gettext_lazy("初审和复核由乡镇工会联合会、系统工会或县援助分中心进行。"),
    lambda actor: actor.is_township_or_above, subject=False,
)

SUBMIT, REVIEW, APPROVE = "cases.submit_household", "cases.review_household", "cases.approve_household"
UNDER_CENTER_REVIEW = (Status.PRELIM_PASSED, Status.CENTER_PASSED, Status.IN_NOTICE)

DOSSIER_RULES = Rulebook([
    Rule(Move.EDIT, (Status.DRAFT, Status.APPROVED), "cases.change_household"),
    Rule(Move.SUBMIT, (Status.DRAFT,), SUBMIT),
    Rule(Move.PRELIMINARY, (Status.SUBMITTED,), REVIEW, (OWN_TOWNSHIP, NOT_ENTRANT)),
    Rule(Move.ECONOMIC_CHECK, (Status.PRELIM_PASSED,), APPROVE, (AT_CENTER,)),
    Rule(Move.CENTER_REVIEW, (Status.PRELIM_PASSED,), APPROVE, (AT_CENTER, NOT_ENTRANT, NOT_FIRST_REVIEWER)),
    Rule(Move.NOTICE, (Status.CENTER_PASSED,), APPROVE, (AT_CENTER,)),
    Rule(Move.APPROVE, (Status.IN_NOTICE,), APPROVE, (AT_CENTER, NOT_ENTRANT, NOT_FIRST_REVIEWER)),
    Rule(Move.RETURN, (Status.SUBMITTED,), REVIEW, (TOWNSHIP_OR_ABOVE,)),
    Rule(Move.RETURN, UNDER_CENTER_REVIEW, APPROVE, (AT_CENTER,)),
    Rule(Move.ANNUAL_REVIEW, (Status.APPROVED,), REVIEW, (TOWNSHIP_OR_ABOVE, NOT_ENTRANT)),
    Rule(Move.EXIT, (Status.APPROVED,), REVIEW, (TOWNSHIP_OR_ABOVE, NOT_ENTRANT)),
    Rule(Move.REOPEN, (Status.EXITED,), SUBMIT),
    # an already-approved paper dossier: a new record (a draft until it is put on file) by the center
    Rule(Move.IMPORT, (Status.DRAFT,), APPROVE, (AT_CENTER,), offered=False),
])
