"""The dossier workflow. Every move goes through these functions, from the staff pages and the
admin alike: each checks who may make it and from which status, locks the dossier row, makes the
change and writes a StatusChange (who, when, from, to, opinion) in one transaction.

draft → submitted → (初审, home visit) prelim_passed → (center review, category confirmed)
center_passed → (公示) in_notice → (approval, number) approved → (annual review) … → exited;
returned dossiers go back to draft; an exited household that falls back is reopened to draft.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from network import audit
from network.models import AuditAction
from network.scoping import node_in_scope

from .idcard import birth_date_of, normalize_id_number, sex_of, validate_id_number
from .models import (
    AnnualReview,
    AnnualReviewOutcome,
    Category,
    ChangeReason,
    DibaoStandard,
    DossierSequence,
    EconomicCheck,
    ExitReason,
    HomeVisit,
    Household,
    Member,
    Move,
    NoticeBatch,
    NoticeEntry,
    Objection,
    Relation,
    Status,
    StatusChange,
    compute_per_capita,
    propose_category,
)
from .rules import DOSSIER_RULES, WorkflowError, fetch_in_scope, require
from .validators import FIRST_YEAR, MAX_HOUSEHOLD_SIZE


def _locked(household, actor):
    """The dossier row, fresh and locked for the rest of the transaction, read within the actor's scope."""
    return fetch_in_scope(Household, household, actor, lock=True, message=_("该档案不在您的管辖范围内。"))


def _locked_for(move, household, actor):
    """Locks the dossier in scope and asks the rulebook whether ``actor`` may make ``move`` now."""
    household = _locked(household, actor)
    DOSSIER_RULES.require(move, household, actor)
    return household


# the moves the audit log records (with the dossier, never the opinion: it is free text)
AUDITED_MOVES = {Move.APPROVE: AuditAction.APPROVE, Move.RETURN: AuditAction.RETURN, Move.EXIT: AuditAction.EXIT}


def _move(household, actor, move, to_status, opinion="", *, at=None, **fields):
    """The workflow step ``move`` to ``to_status``, made now (or ``at``, for a paper dossier's
    past approval), with its record and the household's copy of its latest step."""
    from_status = household.status
    if move in AUDITED_MOVES:
        audit.record(actor, AUDITED_MOVES[move], household,
                     detail=ExitReason(fields["exit_reason"]).label if move == Move.EXIT else "")
    household.status = to_status
    for name, value in fields.items():
        setattr(household, name, value)
    household._change_reason, household._history_user = move, actor
    household.status_changed_at, household.last_move = at or timezone.now(), move
    household.save()
    return StatusChange.objects.create(
        household=household, action=move, from_status=from_status, to_status=to_status, actor=actor,
        opinion=opinion, at=household.status_changed_at,
    )


def _step_outside_move(household, **step):
    """A step recorded without a move of _move's (an import's): the household's copy of its latest
    step (status_changed_at, last_move) follows, as _move keeps it."""
    change = StatusChange.objects.create(household=household, **step)
    Household.objects.filter(pk=household.pk).update(status_changed_at=change.at, last_move=change.action)
    household.status_changed_at, household.last_move = change.at, change.action
    return change


def household_recompute(household, members=None, *, standards=None):
    """Recomputes income, per-capita income, the applicable 低保 standard and the proposed category.

    ``members`` are the household's members (unsaved ones too); saved members are read otherwise.
    The household size is their number. Does not save. An accident category chosen by the clerk
    stays; otherwise the proposal is used until the center confirms a category. ``standards``, a
    dict the caller keeps, remembers the standard of each (node, year) across many households."""
    members = list(household.members.all()) if members is None else members
    # the household is the people listed: a typed size could make anyone 深度困难
    household.household_size = len(members)
    annual, per_capita = compute_per_capita(
        [m.monthly_income for m in members], household.other_annual_income, household.rigid_expense,
        household.household_size,
    )
    household.annual_income, household.per_capita_monthly_income = annual, per_capita
    year = household.filed_on.year if household.filed_on else timezone.localdate().year
    if not household.node_id:
        standard = None
    elif standards is not None:
        if (household.node_id, year) not in standards:
            standards[household.node_id, year] = DibaoStandard.objects.applying_to(household.node, year)
        standard = standards[household.node_id, year]
    else:
        standard = DibaoStandard.objects.applying_to(household.node, year)
    household.dibao_standard_monthly = standard.monthly_for(household.hukou_type) if standard else None
    household.proposed_category = propose_category(per_capita, household.dibao_standard_monthly)
    household_copy_head(household, members)
    if household.status in (Status.DRAFT, Status.SUBMITTED, Status.PRELIM_PASSED) and household.category != Category.ACCIDENT:
        household.category = household.proposed_category
    return household


def household_copy_head(household, members):
    """Copies the head's name, ID number, work status, sex and phone onto the household (the list
    filters, sorts and searches on them by index). Does not save; household_recompute calls it."""
    head = next((member for member in members if member.relation == Relation.HEAD), None)
    household.head_name = head.name.strip() if head else ""
    household.head_id_number = head.id_number if head else ""
    household.head_work_status = head.work_status if head else ""
    household.head_sex = head.sex if head else ""
    household.head_phone = head.phone if head else ""
    return household


def _first_message(error):
    return error.messages[0] if error.messages else str(error)


def household_validate(household, members):
    """The whole dossier, whoever calls (a page, the admin, an import, a command): one head, each
    ID number once and valid, at most MAX_HOUSEHOLD_SIZE people, every field within its bounds.
    Birth date and sex are read from each ID number. Raises WorkflowError with the first problem."""
    require(members, _("档案还没有户主信息。"))
    heads = [m for m in members if m.relation == Relation.HEAD]
    require(len(heads) == 1, _("每份档案必须有且只有一位户主。"))
    require(len(members) <= MAX_HOUSEHOLD_SIZE,
             _("一户最多登记%(max)s人，请核对家庭成员。") % {"max": MAX_HOUSEHOLD_SIZE})
    seen = set()
    for member in members:
        member.id_number = normalize_id_number(member.id_number)
        try:
            validate_id_number(member.id_number)
        except ValidationError as error:
            raise WorkflowError(f"{member.name}：{_first_message(error)}") from error
        require(member.id_number not in seen, _("同一身份证号在本档案中填写了两次。"))
        seen.add(member.id_number)
        member.birth_date, member.sex = birth_date_of(member.id_number), sex_of(member.id_number)
        try:
            member.full_clean(exclude=["household"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise WorkflowError(f"{member.name}：{_first_message(error)}") from error
    try:
        household.full_clean(exclude=["created_by"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise WorkflowError(_first_message(error)) from error


def household_save(*, household, members, actor):
    """Saves a dossier with its members (head first) in one transaction, after validating it
    whole and recomputing.

    ``members`` are Member instances (new or changed); members of the household not in it are
    removed. A new dossier needs the right to file at its node; an existing one is re-read within
    the actor's scope and must be editable by him now (the rulebook's EDIT). A person already in
    another active dossier raises WorkflowError with ``id_number`` set (the database refuses the
    row; the form normally says so beside the field first)."""
    is_new = household.pk is None
    new_members = [m for m in members if m.pk is None]
    reason = ChangeReason.CREATE if is_new else ChangeReason.EDIT
    try:
        with transaction.atomic():
            if is_new:
                require(actor.has_perm("cases.add_household"), _("您的角色无权进行此操作。"))
                household.created_by = actor
            else:
                DOSSIER_RULES.require(Move.EDIT, _locked(household, actor), actor)
            require(household.node_id is not None and node_in_scope(actor, household.node),
                     _("建档节点不在您的管辖范围内。"))
            household_validate(household, members)
            household_recompute(household, members)
            household._change_reason, household._history_user = reason, actor
            household.save()
            keep = [m.pk for m in members if m.pk]
            for removed in household.members.exclude(pk__in=keep):
                removed._change_reason, removed._history_user = reason, actor
                removed.delete()
            for member in members:
                member.household = household
                member.in_active_dossier = household.is_active
                member._change_reason, member._history_user = reason, actor
                # one savepoint a person, so that a refusal names who was refused
                with transaction.atomic():
                    try:
                        member.save()
                    except IntegrityError as error:
                        if "one_active_dossier" not in str(error) and "id_number" not in str(error):
                            raise
                        refusal = WorkflowError(
                            _("%(name)s已在另一份有效档案中（刚刚由其他人录入），一人不能同时建两份档案。")
                            % {"name": member.name}
                        )
                        refusal.id_number = member.id_number
                        raise refusal from error
    except (IntegrityError, WorkflowError):
        # nothing was saved: the instances must not look saved to the page that shows them again
        if is_new:
            household.pk = None
        for member in new_members:
            member.pk = None
        raise
    return household


@transaction.atomic
def household_import_on_file(*, household, members, actor, number, approved_on, category="", opinion=""):
    """An already-approved paper dossier comes in on file: saved as a new dossier (validated whole,
    like any other), then put on file with its existing number, its approval date and category
    from the paper, and a recorded 纸质档案导入 step. The center's move (the Excel import and the
    demo loader use it)."""
    require(household.pk is None, _("导入只能新建档案。"))
    household.status = Status.DRAFT
    DOSSIER_RULES.require(Move.IMPORT, household, actor)
    number = (number or "").strip()
    require(number, _("导入的在档档案必须有原档案编号。"))
    require(not Household.objects.filter(number=number).exists(),
             _("档案编号“%(number)s”已被另一份档案使用。") % {"number": number})
    require(approved_on is not None and approved_on <= timezone.localdate(), _("批准日期不能晚于今天。"))
    require(household.filed_on is None or household.filed_on <= approved_on, _("批准日期不能早于建档日期。"))
    require(not category or category in Category.values, _("请选择困难类别。"))
    household_save(household=household, members=members, actor=actor)
    approved_at = timezone.make_aware(datetime.datetime.combine(approved_on, datetime.time(12)))
    _move(household, actor, Move.IMPORT, Status.APPROVED, opinion or _("纸质档案录入系统"), at=approved_at,
          number=number, approved_at=approved_at, category=category or household.category)
    return household


@transaction.atomic
def household_import_from_sheet(*, household, members, actor, note, number=None, approved_on=None, category=""):
    """A dossier from a township's Excel sheet: a new draft, or a change to a draft or on-file
    dossier the sheet matched (household_save: validated whole, recomputed, history kept), or,
    with a ``number``, an already-approved paper dossier put on file (household_import_on_file,
    the center's move). Each records an Excel导入 step naming the sheet's rows in ``note``."""
    if number:
        household = household_import_on_file(household=household, members=members, actor=actor, number=number,
                                              approved_on=approved_on, category=category, opinion=note)
    else:
        household = household_save(household=household, members=members, actor=actor)
    _step_outside_move(household, action=Move.SHEET_IMPORT, from_status=household.status,
                       to_status=household.status, actor=actor, opinion=note)
    return household


@dataclass
class SheetDossier:
    """One new dossier of a sheet for households_import_new: its household and members (unsaved),
    the step's note, and for an already-approved paper dossier its number, approval date, category."""

    household: Household
    members: list
    note: str
    number: str = ""
    approved_on: datetime.date = None
    category: str = ""


@transaction.atomic
def households_import_new(*, dossiers, actor):
    """Many new dossiers from a township's sheet in one go (the Excel import's write): each
    validated whole and recomputed exactly as household_save does, those with a number put on
    file under household_import_on_file's rules (the center's move), each with its history and its
    steps, but written in bulk so that ten thousand households take seconds. A person who stands in
    an active dossier (filed meanwhile by someone else) is refused by the database's one-active-
    dossier index, and nothing is written."""
    require(actor.has_perm("cases.add_household"), _("您的角色无权进行此操作。"))
    if any(d.number for d in dossiers):
        DOSSIER_RULES.require(Move.IMPORT, Household(status=Status.DRAFT), actor)
    standards, numbers, today = {}, set(), timezone.localdate()
    for dossier in dossiers:
        household, members = dossier.household, dossier.members
        require(household.pk is None, _("导入只能新建档案。"))
        require(household.node_id is not None and node_in_scope(actor, household.node), _("建档节点不在您的管辖范围内。"))
        household.status, household.created_by = Status.DRAFT, actor
        household_validate(household, members)
        household_recompute(household, members, standards=standards)
        household.derive_filed_year()  # (bulk_create does not call save)
        if dossier.number:
            number = dossier.number.strip()
            require(number not in numbers, _("档案编号“%(number)s”已被另一份档案使用。") % {"number": number})
            numbers.add(number)
            approved_on = dossier.approved_on
            require(approved_on is not None and approved_on <= today, _("批准日期不能晚于今天。"))
            require(household.filed_on is None or household.filed_on <= approved_on, _("批准日期不能早于建档日期。"))
            require(not dossier.category or dossier.category in Category.values, _("请选择困难类别。"))
            household.status, household.number = Status.APPROVED, number
            household.approved_at = timezone.make_aware(datetime.datetime.combine(approved_on, datetime.time(12)))
            household.category = dossier.category or household.category
    taken = set(Household.objects.filter(number__in=numbers).values_list("number", flat=True))
    require(not taken, _("档案编号“%(number)s”已被另一份档案使用。") % {"number": next(iter(taken), "")})
    households = bulk_create_with_history([d.household for d in dossiers], Household, batch_size=500,
                                          default_user=actor, default_change_reason=ChangeReason.CREATE)
    people = []
    for dossier, household in zip(dossiers, households):
        dossier.household = household
        for member in dossier.members:
            member.household, member.in_active_dossier = household, True
            member.derive_initials()
            people.append(member)
    try:
        with transaction.atomic():
            bulk_create_with_history(people, Member, batch_size=500, default_user=actor,
                                     default_change_reason=ChangeReason.CREATE)
    except IntegrityError as error:
        raise WorkflowError(_("表中有人员已在另一份有效档案中（刚刚由其他人录入），一人不能同时建两份档案；"
                              "未写入任何数据，请重新预览。")) from error
    steps = []
    for dossier in dossiers:
        household = dossier.household
        if dossier.number:
            steps.append(StatusChange(household=household, action=Move.IMPORT, from_status=Status.DRAFT,
                                      to_status=Status.APPROVED, actor=actor, at=household.approved_at,
                                      opinion=_("纸质档案录入系统")))
        steps.append(StatusChange(household=household, action=Move.SHEET_IMPORT, from_status=household.status,
                                  to_status=household.status, actor=actor, opinion=dossier.note))
    StatusChange.objects.bulk_create(steps, batch_size=1000)
    # each household's latest step is its sheet import (the last one appended for it)
    latest = {step.household_id: step for step in steps}
    for household in households:
        household.status_changed_at, household.last_move = latest[household.pk].at, latest[household.pk].action
    Household.objects.bulk_update(households, ["status_changed_at", "last_move"], batch_size=500)
    return households


@transaction.atomic
def household_submit(*, household, actor, opinion=""):
    """Draft → submitted for the township's first review. The dossier must be complete and qualify."""
    household = _locked_for(Move.SUBMIT, household, actor)
    members = list(household.members.all())
    require(any(m.relation == Relation.HEAD for m in members), _("档案还没有户主信息，不能提交。"))
    household_recompute(household, members)
    require(household.dibao_standard_monthly is not None,
             _("尚未设置%(year)s年适用于本地区的低保标准，请联系中心管理员。") % {"year": household.filed_on.year})
    if household.category == Category.ACCIDENT:
        require(household.accident_reason.strip(), _("选择“意外致困”时必须填写意外致困说明。"))
    require(household.category, _("家庭人均月收入不低于低保标准的2倍，不符合困难职工建档条件。"))
    return _move(household, actor, Move.SUBMIT, Status.SUBMITTED, opinion)


@transaction.atomic
def household_preliminary_pass(*, household, actor, visited_on, visitors, findings, opinion=""):
    """初审 passed by the township or system union, with the home visit it rests on."""
    household = _locked_for(Move.PRELIMINARY, household, actor)
    require(visitors.strip() and findings.strip(), _("初审必须有入户调查记录：走访人员和走访情况。"))
    require(visited_on <= timezone.localdate(), _("走访日期不能晚于今天。"))
    HomeVisit.objects.create(
        household=household, visited_on=visited_on, visitors=visitors, findings=findings, recorded_by=actor
    )
    return _move(household, actor, Move.PRELIMINARY, Status.PRELIM_PASSED, opinion)


@transaction.atomic
def household_center_pass(*, household, actor, category, reason="", opinion=""):
    """The center's review: confirms the category (or overrides it, with a reason)."""
    household = _locked_for(Move.CENTER_REVIEW, household, actor)
    require(category in Category.values, _("请选择困难类别。"))
    household_recompute(household)
    if category != household.category:
        require(reason.strip(), _("改变系统认定的困难类别时必须填写理由。"))
    unfinished = household.economic_checks.filter(result_on__isnull=True).exists()
    require(not unfinished, _("民政核对尚未返回结果，请先登记核对结果。"))
    failed = household.economic_checks.filter(passed=False).exists()
    require(not failed, _("民政核对未通过，不能审核通过；请退回。"))
    note = reason.strip() or _("确认系统认定类别")
    return _move(household, actor, Move.CENTER_REVIEW, Status.CENTER_PASSED, opinion, category=category,
                 category_note=note)


@transaction.atomic
def economic_check_request(*, household, actor, note=""):
    """Records a request to the civil-affairs office for a household economic check (民政核对)."""
    household = _locked_for(Move.ECONOMIC_CHECK, household, actor)
    require(not household.economic_checks.filter(result_on__isnull=True).exists(), _("已有一项核对尚未返回结果。"))
    return EconomicCheck.objects.create(household=household, requested_by=actor, request_note=note)


@transaction.atomic
def economic_check_result(*, check, actor, passed, result, result_on=None):
    """Records the civil-affairs office's answer."""
    DOSSIER_RULES.require_actor(Move.ECONOMIC_CHECK, actor)
    _locked(check.household, actor)
    require(check.result_on is None, _("该核对已登记结果。"))
    require(result.strip(), _("请填写核对结果。"))
    result_on = result_on or timezone.localdate()
    require(check.requested_on <= result_on <= timezone.localdate(),
             _("结果日期应在申请核对日期（%(date)s）与今天之间。") % {"date": check.requested_on.isoformat()})
    check.passed, check.result, check.result_on = passed, result, result_on
    check.save()
    return check


@transaction.atomic
def notice_publish(*, actor, title, starts_on, ends_on, households, place=""):
    """Puts center-passed dossiers on public notice (公示) in one batch, from the day it is
    published for at least NOTICE_DAYS days."""
    DOSSIER_RULES.require_actor(Move.NOTICE, actor)
    require(households, _("请至少选择一份待公示的档案。"))
    require(ends_on >= starts_on, _("公示截止日期不能早于开始日期。"))
    require(starts_on >= timezone.localdate(), _("公示开始日期不能早于发布当天。"))
    require((ends_on - starts_on).days + 1 >= settings.NOTICE_DAYS,
             _("公示期至少%(days)s天（含开始当天）。") % {"days": settings.NOTICE_DAYS})
    batch = NoticeBatch.objects.create(
        title=title, node=actor.node, starts_on=starts_on, ends_on=ends_on, place=place, created_by=actor
    )
    for household in households:
        household = _locked_for(Move.NOTICE, household, actor)
        NoticeEntry.objects.create(batch=batch, household=household)
        _move(household, actor, Move.NOTICE, Status.IN_NOTICE, _("列入公示：%(title)s") % {"title": title})
    return batch


@transaction.atomic
def objection_log(*, entry, actor, content, received_on=None):
    """Logs an objection to a dossier on notice."""
    require(actor.has_perm("cases.approve_household"), _("您的角色无权进行此操作。"))
    household = _locked(entry.household, actor)
    require(content.strip(), _("请填写异议内容。"))
    require(household.status == Status.IN_NOTICE, _("该档案已不在公示中。"))
    return Objection.objects.create(
        entry=entry, content=content, logged_by=actor, received_on=received_on or timezone.localdate()
    )


@transaction.atomic
def objection_resolve(*, objection, actor, upheld, resolution):
    """Resolves an objection; an upheld one returns the dossier to draft with the finding."""
    DOSSIER_RULES.require_actor(Move.NOTICE, actor)
    _locked(objection.entry.household, actor)
    require(not objection.is_resolved, _("该异议已处理。"))
    require(resolution.strip(), _("请填写核查处理意见。"))
    objection.upheld, objection.resolution = upheld, resolution
    objection.resolved_by, objection.resolved_at = actor, timezone.now()
    objection.save()
    if upheld:
        household_return(household=objection.entry.household, actor=actor,
                         reason=_("公示异议成立：%(r)s") % {"r": resolution})
    return objection


def _next_number(year):
    DossierSequence.objects.get_or_create(year=year)
    sequence = DossierSequence.objects.select_for_update().get(year=year)
    sequence.last_serial += 1
    sequence.save(update_fields=["last_serial"])
    return settings.DOSSIER_NUMBER_PATTERN.format(county=settings.COUNTY_CODE, year=year, serial=sequence.last_serial)


@transaction.atomic
def household_approve(*, household, actor, opinion=""):
    """Approval after a notice that has really run, without open objections: the dossier is on
    file and gets its number."""
    household = _locked_for(Move.APPROVE, household, actor)
    entry = household.notice_entries.select_related("batch").order_by("-batch__starts_on", "-pk").first()
    require(entry is not None, _("档案未经公示，不能审批。"))
    require(entry.batch.has_ended(),
             _("公示期至%(date)s止，公示期满后才能审批。") % {"date": entry.batch.ends_on.isoformat()})
    require(entry.batch.has_run(),
             _("公示自%(first)s起实际只张贴了不足%(days)s天，不能据此审批；请重新公示。")
             % {"first": entry.batch.first_day_shown.isoformat(), "days": settings.NOTICE_DAYS})
    require(not entry.objections.filter(resolved_at__isnull=True).exists(), _("公示期间的异议尚未处理完毕。"))
    now = timezone.now()
    number = household.number or _next_number(timezone.localdate().year)
    return _move(household, actor, Move.APPROVE, Status.APPROVED, opinion, number=number, approved_at=now)


def notice_approve(*, batch, actor):
    """Approves every dossier of a finished notice that is still on it and has no open objection,
    each in its own transaction through household_approve. Returns (approved, refused) where
    refused pairs a dossier with the reason it was not approved."""
    approved, refused = [], []
    for entry in batch.entries.select_related("household").order_by("household__node__path", "pk"):
        if entry.household.status != Status.IN_NOTICE:
            continue
        try:
            household_approve(household=entry.household, actor=actor, opinion=_("公示期满，无异议。"))
        except WorkflowError as error:
            refused.append((entry.household, error.messages[0]))
        else:
            approved.append(entry.household)
    return approved, refused


@transaction.atomic
def household_return(*, household, actor, reason):
    """Returns a dossier under review to draft, with the reason, for the clerk to correct."""
    household = _locked_for(Move.RETURN, household, actor)
    require(reason.strip(), _("退回时必须填写退回理由。"))
    return _move(household, actor, Move.RETURN, Status.DRAFT, reason)


def _set_members_active(household, active):
    try:
        with transaction.atomic():
            for member in household.members.all():
                member.in_active_dossier = active
                member.save(update_fields=["in_active_dossier"])
    except IntegrityError as error:
        raise WorkflowError(_("有家庭成员已在另一份有效档案中，不能重新启用本档案。")) from error


@transaction.atomic
def household_exit(*, household, actor, reason, opinion=""):
    """An on-file household leaves (解困脱困, 退休, 调离, 死亡, 不符合条件)."""
    household = _locked_for(Move.EXIT, household, actor)
    require(reason in ExitReason.values, _("请选择退出原因。"))
    change = _move(household, actor, Move.EXIT, Status.EXITED, opinion, exit_reason=reason, exited_at=timezone.now())
    _set_members_active(household, False)
    return change


@transaction.atomic
def household_annual_review(*, household, actor, year, outcome, category="", exit_reason="", opinion=""):
    """The yearly review of an on-file household: confirm, change category (with a reason) or exit."""
    household = _locked_for(Move.ANNUAL_REVIEW, household, actor)
    require(outcome in AnnualReviewOutcome.values, _("请选择复核结论。"))
    approved_year = timezone.localdate(household.approved_at).year if household.approved_at else FIRST_YEAR
    require(approved_year <= year <= timezone.localdate().year,
             _("复核年度应在批准建档的%(first)s年与今年之间。") % {"first": approved_year})
    require(not household.annual_reviews.filter(year=year).exists(),
             _("%(year)s年度已复核过该档案。") % {"year": year})
    if outcome == AnnualReviewOutcome.CHANGE:
        require(category in Category.values and category != household.category, _("请选择新的困难类别。"))
        require(opinion.strip(), _("调整困难类别时必须填写理由。"))
    if outcome == AnnualReviewOutcome.EXIT:
        require(exit_reason in ExitReason.values, _("请选择退出原因。"))
    review = AnnualReview.objects.create(
        household=household, year=year, outcome=outcome, reviewer=actor, opinion=opinion,
        category=category if outcome == AnnualReviewOutcome.CHANGE else household.category,
    )
    household.last_reviewed_year = max(year, household.last_reviewed_year)
    Household.objects.filter(pk=household.pk).update(last_reviewed_year=household.last_reviewed_year)
    if outcome == AnnualReviewOutcome.EXIT:
        household_exit(household=household, actor=actor, reason=exit_reason, opinion=opinion)
    elif outcome == AnnualReviewOutcome.CHANGE:
        _move(household, actor, Move.ANNUAL_REVIEW, Status.APPROVED,
              _("调整困难类别：%(opinion)s") % {"opinion": opinion}, category=category, category_note=opinion)
    else:
        _move(household, actor, Move.ANNUAL_REVIEW, Status.APPROVED, opinion)
    return review


@transaction.atomic
def household_reopen(*, household, actor, reason):
    """返困: an exited household that falls back is reopened (the same dossier, back to draft)."""
    household = _locked_for(Move.REOPEN, household, actor)
    require(reason.strip(), _("请填写返困情况说明。"))
    _set_members_active(household, True)
    return _move(household, actor, Move.REOPEN, Status.DRAFT, reason, exit_reason="", exited_at=None)


def audit_standard_change(actor, standard):
    """A 低保 standard was set or changed: its year, node and amounts are not personal, so say them."""
    detail = f"{standard.year}年 {standard.node.name}：城镇 {standard.urban_monthly} 元，农村 {standard.rural_monthly} 元"
    audit.record(actor, AuditAction.STANDARD_CHANGE, standard, detail=detail)


def member_in_other_active_dossier(id_number, household=None):
    """The other active dossier this person stands in, or None (for the form's friendly message)."""
    others = Member.objects.filter(id_number=id_number, in_active_dossier=True).select_related("household__node")
    if household is not None and household.pk:
        others = others.exclude(household=household)
    member = others.first()
    return member.household if member else None
