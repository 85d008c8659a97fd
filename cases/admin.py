"""The back office for dossiers. Every admin is scoped to the user's subtree (ScopedAdminMixin);
status moves go through cases.services, exactly as on the staff pages; a dossier is saved with its
members through services.household_save; ID, phone and bank numbers are masked for users without
cases.view_sensitive, and every admin page that shows them in full is logged (SensitiveAccess): the
fields are the registry's (cases.sensitive), masked by network.admin.MaskedAdminMixin, which
ScopedAdminMixin brings to every admin here."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import Count, OuterRef, Q, Subquery
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from network import audit
from network.admin import ScopedAdminMixin, ScopedInlineMixin
from network.admin import ScopedHistoryAdmin as NetworkScopedHistoryAdmin
from network.models import AuditAction

from . import services
from .filters import search_households
from .forms import ExitForm, HouseholdForm, MemberForm, ReasonForm
from .history import record_changes
from .idcard import normalize_id_number
from .models import (
    AnnualReview,
    ChangeReason,
    DibaoStandard,
    EconomicCheck,
    HomeVisit,
    Household,
    Member,
    Move,
    NoticeBatch,
    NoticeEntry,
    Objection,
    Relation,
    RevealChannel,
    SensitiveAccess,
    Status,
    StatusChange,
)
from .rules import DOSSIER_RULES
from .sensitive import SENSITIVE, full_id_number, masked, may_unmask
from .validators import FIRST_FILING_YEAR

# a dossier is edited only before it enters the workflow or once it is on file (household_save)
EDITABLE_STATUSES = (Status.DRAFT, Status.APPROVED)


class FullIdNumberSearch:
    """The search box of an admin whose search_fields include an ID number: part of a number is
    matched only for users who may see full numbers; for the others a match on a part would
    confirm hidden digits one guess at a time, so an ID number matches only when typed in full."""

    @staticmethod
    def _is_id_number(search_field):
        return search_field.lstrip("^=@").split("__")[-1] == "id_number"

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if may_unmask(request.user):
            return fields
        return [field for field in fields if not self._is_id_number(field)]

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if may_unmask(request.user):
            return found, may_have_duplicates
        numbers = {normalize_id_number(term) for term in search_term.split() if full_id_number(term)}
        whole = normalize_id_number(search_term)
        if full_id_number(whole):
            numbers.add(whole)  # typed in groups: 532526 19750314 3712
        id_fields = [field.lstrip("^=@") for field in super().get_search_fields(request) if self._is_id_number(field)]
        if numbers and id_fields:
            match = Q()
            for field in id_fields:
                match |= Q(**{f"{field}__in": numbers})
            found = found | queryset.filter(match)
            may_have_duplicates = True
        return found, may_have_duplicates


class ReadOnlyPermissions:
    """An admin or inline that only shows records the services wrote: anyone who may see the
    dossiers may see them (the role table has no separate view permission for them)."""

    view_permission = "cases.view_household"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self.view_permission)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedHistoryAdmin(NetworkScopedHistoryAdmin):
    """The history pages (scoped, read-only, masked: network.admin) with the staff pages' reading
    of a change."""

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # every tracked field (status and number too, which simple_history's own diff leaves out
        # as non-editable), choices as labels, sensitive fields as the registry shows them
        records = list(historical_records)
        record_changes(records, SENSITIVE.may_see(request.user, self.model))
        for record in records:
            record.change_reason_label = ChangeReason.label_of(record.history_change_reason)


class MemberInlineFormSet(BaseInlineFormSet):
    """The members of one dossier: one head, each ID number once, no more people than the household size."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if issubclass(self.form, MemberForm):
            kwargs["household"] = self.instance
        return kwargs

    def kept_forms(self):
        return [
            form for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
            and (form.instance.pk or form.has_changed())
        ]

    def clean(self):
        super().clean()
        if any(self.errors) or not issubclass(self.form, MemberForm):
            return
        kept = self.kept_forms()
        heads = [form for form in kept if form.cleaned_data.get("relation") == Relation.HEAD]
        if len(heads) != 1:
            raise forms.ValidationError(_t("每份档案必须有且只有一位户主。"))
        seen = set()
        for form in kept:
            number = form.cleaned_data.get("id_number")
            if number in seen:
                raise forms.ValidationError(_t("同一身份证号在本档案中填写了两次。"))
            seen.add(number)


class MemberInline(ScopedInlineMixin, admin.TabularInline):
    model = Member
    form = MemberForm
    formset = MemberInlineFormSet
    fields = ["relation", "name", "id_number", "birth_date", "sex", "health", "work_status", "monthly_income", "phone"]
    extra = 1

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is not None else 1

    def _editable(self, request, obj):
        # who may not see the numbers may not edit them; members move with an editable dossier only
        return may_unmask(request.user) and (obj is None or obj.status in EDITABLE_STATUSES)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("cases.view_household") or super().has_view_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        if not (self.has_change_permission(request, obj) or self.has_add_permission(request, obj)):
            kwargs["form"] = forms.ModelForm
        return super().get_formset(request, obj, **kwargs)


class HomeVisitInline(ReadOnlyPermissions, ScopedInlineMixin, admin.TabularInline):
    model = HomeVisit
    fields = ["visited_on", "visitors", "findings", "recorded_by", "recorded_at"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by", "household")


class EconomicCheckInline(ReadOnlyPermissions, ScopedInlineMixin, admin.TabularInline):
    model = EconomicCheck
    fields = ["requested_on", "requested_by", "request_note", "result_on", "passed", "result"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by", "household")


class StatusChangeInline(ReadOnlyPermissions, ScopedInlineMixin, admin.TabularInline):
    model = StatusChange
    fields = ["at", "action", "from_status", "to_status", "actor", "opinion"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "household")


class FiledYearFilter(admin.SimpleListFilter):
    """建档年度 as a list filter of the years themselves: the date hierarchy it replaces ran a
    DISTINCT over every dossier's year on each page (a Python call per row on SQLite)."""

    title = _("建档年度")
    parameter_name = "filed_year"

    def lookups(self, request, model_admin):
        this_year = timezone.localdate().year
        return [(str(year), f"{year}年") for year in range(this_year, max(FIRST_FILING_YEAR, this_year - 11) - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(filed_year=int(value))
        return queryset


@admin.register(Household)
class HouseholdAdmin(FullIdNumberSearch, ScopedHistoryAdmin):
    list_display = [
        "number", "head", "head_id", "node", "category", "status", "per_capita_monthly_income", "filed_on",
    ]
    list_display_links = ["number", "head"]
    # the unit is on the change page: at 1366 wide one more column squeezed names and dates into two lines
    list_select_related = ["node"]
    list_filter = ["status", "category", "primary_cause", "hukou_type", FiledYearFilter, "node"]
    # no date hierarchy (a DISTINCT over every row's year) and no full count on unfiltered pages: a
    # province's changelist stays quick; the search is the staff list's own (get_search_results)
    show_full_result_count = False
    # fifty rows a page, like the staff list: a hundred took the page past 200 ms at province size
    list_per_page = 50
    search_fields = ["number"]
    search_help_text = _("按档案编号、姓名、完整身份证号或姓名拼音首字母（如 zzq）查找。")
    autocomplete_fields = ["enterprise"]
    # the staff pages' form: for an on-file dossier it leaves the confirmed category alone
    form = HouseholdForm
    inlines = [MemberInline, HomeVisitInline, EconomicCheckInline, StatusChangeInline]
    actions = ["approve_selected", "return_selected", "exit_selected"]
    fieldsets = [
        (None, {"fields": ["number", "status", "node", "enterprise", "employer_name", "filed_on"]}),
        (_("困难认定"), {"fields": [
            "category", "proposed_category", "accident_reason", "category_note", "primary_cause", "secondary_causes",
        ]}),
        (_("家庭情况"), {"fields": [
            "hukou_type", "household_size", "address", "phone", "housing_type", "housing_area",
            "medical_insurance", "pension", "dibao_status", "single_parent", "zero_employment",
        ]}),
        (_("收入与支出"), {"fields": [
            "other_annual_income", "medical_expense", "education_expense", "other_rigid_expense",
            "annual_income", "per_capita_monthly_income", "dibao_standard_monthly",
        ]}),
        (_("帮扶账户"), {"fields": ["bank_name", "bank_account"]}),
        (_("录入与流程"), {"fields": [
            "created_by", "created_at", "approved_at", "exit_reason", "exited_at", "last_aided_at", "remarks",
        ]}),
    ]
    # computed by household_recompute or written by the workflow services, never typed in
    readonly_fields = [
        "number", "status", "household_size", "proposed_category", "category_note", "annual_income",
        "per_capita_monthly_income",
        "dibao_standard_monthly", "created_by", "created_at", "approved_at", "exit_reason", "exited_at",
        "last_aided_at",
    ]

    def get_search_results(self, request, queryset, search_term):
        """The staff list's search (names, given names, initials, numbers from their start, by index;
        a whole ID number only for those who may not see full numbers), never a DISTINCT join."""
        return search_households(queryset, search_term, request.user), False

    def get_urls(self):
        from django.urls import path

        return [path("import/", self.admin_site.admin_view(self.import_view), name="cases_household_import"),
                *super().get_urls()]

    def import_view(self, request):
        """The Excel import from the back office: the same upload and preview job as the staff page
        (cases.imports); the job page then shows its progress, errors and the confirm."""
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse

        from .views.imports import dossier_upload_form

        if not request.user.has_perm("cases.add_household"):
            raise PermissionDenied
        form = dossier_upload_form(request)
        if request.method == "POST" and form.is_valid():
            return redirect(form.job)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "title": _("从Excel导入档案")}
        return TemplateResponse(request, "admin/cases/household/import.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and request.method == "GET" and not SENSITIVE.may_see(request.user, Household):
            # the page shows the dossier masked: seen all the same (in full, the reveal is its entry)
            audit.record(request.user, AuditAction.DOSSIER_VIEW, obj, detail="后台")
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("户主"), ordering="head_name")
    def head(self, obj):
        return obj.head_name

    @admin.display(description=_("户主身份证号"))
    def head_id(self, obj):
        # the list is masked for everyone: a list would reveal many dossiers at once, unlogged
        return masked(Member, "id_number", obj.head_id_number)

    @admin.display(description=_("次要致困原因"))
    def secondary_cause_names(self, obj):
        return "、".join(str(label) for label in obj.secondary_cause_labels)

    # --- who may do what -------------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is not None and obj.status not in EDITABLE_STATUSES:
            return False
        return allowed

    def has_delete_permission(self, request, obj=None):
        # a draft entered by mistake may be deleted by the center; anything further is exited, not deleted
        if not (request.user.is_center and request.user.has_perm("cases.approve_household")):
            return False
        return obj is None or obj.status == Status.DRAFT

    # the actions are offered by the rulebook's answer for the person; each dossier is then
    # refused or not by the service, from the same rules
    def has_approve_permission(self, request):
        return DOSSIER_RULES.may_make(Move.APPROVE, request.user)

    def has_return_permission(self, request):
        return DOSSIER_RULES.may_make(Move.RETURN, request.user)

    def has_exit_permission(self, request):
        return DOSSIER_RULES.may_make(Move.EXIT, request.user)

    def get_actions(self, request):
        # the bulk delete would skip the per-dossier "drafts only" rule
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # the members go with their dossier; the member admin itself is read-only
        perms_needed.discard(Member._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    # --- the form ----------------------------------------------------------------------------

    def _editable(self, request, obj):
        if getattr(request, "admin_read_only", False):
            return False
        return self.has_add_permission(request) if obj is None else self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._editable(request, obj):
            fieldsets = [
                (title, {**options, "fields": [
                    "secondary_cause_names" if name == "secondary_causes" else name for name in options["fields"]
                ]})
                for title, options in fieldsets
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status == Status.APPROVED:
            readonly.append("category")
        shown = flatten_fieldsets(self.get_fieldsets(request, obj))
        if "secondary_cause_names" in shown:
            readonly.append("secondary_cause_names")
        return list(dict.fromkeys(readonly))

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not self._editable(request, obj):
            kwargs["form"] = forms.ModelForm
            return super().get_form(request, obj, change, **kwargs)
        form_class = super().get_form(request, obj, change, **kwargs)

        class RequestBoundForm(form_class):
            def __init__(self, *args, **inner):
                inner.setdefault("user", request.user)
                super().__init__(*args, **inner)

        return RequestBoundForm

    def save_model(self, request, obj, form, change):
        # saved in save_related, together with its members, by services.household_save
        pass

    def save_related(self, request, form, formsets, change):
        household = form.instance
        members = None
        for formset in formsets:
            formset.save(commit=False)  # records what changed for the admin's change message
            if formset.model is Member and issubclass(formset.form, MemberForm):
                members = [form.instance for form in formset.kept_forms()]
        if members is None:
            members = list(household.members.all()) if household.pk else []
        services.household_save(household=household, members=members, actor=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.WorkflowError as error:
            # the service refused (e.g. a member entered another dossier meanwhile): nothing was saved
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # --- workflow actions --------------------------------------------------------------------

    def _run(self, request, queryset, move, done_message):
        """Applies ``move`` to each selected dossier; a refused one is left as it was and its
        refusal is shown with the service's own message."""
        done = 0
        for household in queryset:
            try:
                move(household)
            except services.WorkflowError as error:
                for message in error.messages:
                    self.message_user(
                        request, _t("%(household)s：%(message)s") % {"household": _label(household), "message": message},
                        messages.ERROR,
                    )
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    def _confirm(self, request, queryset, form, action, title, intro):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "form": form,
            "queryset": queryset,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": self.opts,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/cases/household/action_confirmation.html", context)

    @admin.action(description=_("审批通过"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        self._run(
            request, queryset,
            lambda household: services.household_approve(household=household, actor=request.user),
            _t("已审批通过 %(count)d 份档案，已编号在档。"),
        )

    @admin.action(description=_("退回"), permissions=["return"])
    def return_selected(self, request, queryset):
        form = ReasonForm(request.POST if "post" in request.POST else None)
        if not form.is_valid():
            return self._confirm(
                request, queryset, form, "return_selected", _t("退回档案"),
                _t("以下档案将退回草稿，由录入人员修改后重新提交。请填写退回理由："),
            )
        reason = form.cleaned_data["reason"]
        self._run(
            request, queryset,
            lambda household: services.household_return(household=household, actor=request.user, reason=reason),
            _t("已退回 %(count)d 份档案。"),
        )

    @admin.action(description=_("退出"), permissions=["exit"])
    def exit_selected(self, request, queryset):
        form = ExitForm(request.POST if "post" in request.POST else None)
        if not form.is_valid():
            return self._confirm(
                request, queryset, form, "exit_selected", _t("档案退出"),
                _t("以下在档家庭将退出档案，家庭成员不再计入有效档案。请选择退出原因："),
            )
        self._run(
            request, queryset,
            lambda household: services.household_exit(household=household, actor=request.user, **form.cleaned_data),
            _t("已退出 %(count)d 份档案。"),
        )


def _label(household):
    """How a dossier is named in messages: the head's name and its number (or its id while it has none)."""
    reference = household.number or "#%d" % household.pk
    name = getattr(household, "head_name", None)
    return "%s（%s）" % (name, reference) if name else reference


@admin.register(Member)
class MemberAdmin(FullIdNumberSearch, ReadOnlyPermissions, ScopedHistoryAdmin):
    """Members are edited with their dossier (so it is recomputed); here: search and history."""

    view_permission = "cases.view_member"
    list_display = ["name", "relation", "id_number", "household", "work_status", "in_active_dossier"]
    list_select_related = ["household"]
    list_filter = ["relation", "in_active_dossier", "work_status"]
    search_fields = ["name", "name_initials", "name_initials_alt", "id_number", "household__number"]
    fields = [
        "household", "relation", "name", "id_number", "birth_date", "sex", "ethnicity", "political_status",
        "marital_status", "health", "disease", "disability", "work_status", "model_worker", "monthly_income",
        "phone", "school", "grade", "enrolment_year", "in_active_dossier",
    ]


@admin.register(DibaoStandard)
class DibaoStandardAdmin(ScopedHistoryAdmin):
    list_display = ["year", "node", "urban_monthly", "rural_monthly", "note"]
    list_filter = ["year", "node"]
    list_select_related = ["node"]
    fields = ["node", "year", "urban_monthly", "rural_monthly", "note"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.audit_standard_change(request.user, obj)


class NoticeEntryInline(ReadOnlyPermissions, ScopedInlineMixin, admin.TabularInline):
    model = NoticeEntry
    fields = ["household", "head", "status", "objection_count"]
    readonly_fields = ["head", "status", "objection_count"]
    extra = 0

    def get_queryset(self, request):
        head = Member.objects.filter(household=OuterRef("household"), relation=Relation.HEAD)
        return (
            super().get_queryset(request).select_related("household", "batch")
            .annotate(head_name=Subquery(head.values("name")[:1]), objection_total=Count("objections"))
        )

    @admin.display(description=_("户主"))
    def head(self, entry):
        return entry.head_name

    @admin.display(description=_("档案状态"))
    def status(self, entry):
        return entry.household.get_status_display()

    @admin.display(description=_("异议"))
    def objection_count(self, entry):
        return entry.objection_total


@admin.register(NoticeBatch)
class NoticeBatchAdmin(ReadOnlyPermissions, ScopedAdminMixin, admin.ModelAdmin):
    """Notices are published on the staff pages (services.notice_publish moves the dossiers); here
    they are read: the list of dossiers and every objection with its resolution."""

    view_permission = "cases.view_noticebatch"
    list_display = ["title", "node", "starts_on", "ends_on", "entry_count", "objection_count", "created_by"]
    list_filter = ["node"]
    list_select_related = ["node", "created_by"]
    date_hierarchy = "starts_on"
    search_fields = ["title"]
    fields = ["title", "node", "starts_on", "ends_on", "place", "created_by", "created_at", "objection_list"]
    readonly_fields = ["objection_list"]
    inlines = [NoticeEntryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            entry_total=Count("entries", distinct=True), objection_total=Count("entries__objections", distinct=True)
        )

    @admin.display(description=_("公示户数"), ordering="entry_total")
    def entry_count(self, batch):
        return batch.entry_total

    @admin.display(description=_("异议数"), ordering="objection_total")
    def objection_count(self, batch):
        return batch.objection_total

    @admin.display(description=_("公示异议"))
    def objection_list(self, batch):
        objections = Objection.objects.filter(entry__batch=batch).select_related("entry__household", "resolved_by")
        if not objections:
            return _t("无异议。")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{}（{}）：{} —— {}</li>",
                ((o.entry.household, o.received_on, o.content, _resolution(o)) for o in objections),
            ),
        )


def _resolution(objection):
    if not objection.is_resolved:
        return _t("尚未处理")
    verdict = _t("异议成立") if objection.upheld else _t("异议不成立")
    return "%s：%s（%s）" % (verdict, objection.resolution, objection.resolved_by)


@admin.register(AnnualReview)
class AnnualReviewAdmin(ReadOnlyPermissions, ScopedAdminMixin, admin.ModelAdmin):
    """Annual reviews are made on the staff pages (services.household_annual_review); here they are read."""

    list_display = ["household", "year", "outcome", "category", "reviewer", "reviewed_at"]
    list_filter = ["year", "outcome", "category"]
    list_select_related = ["household", "reviewer"]
    search_fields = ["household__number", "household__members__name"]


class ChannelFilter(admin.SimpleListFilter):
    title = _("途径")
    parameter_name = "channel"

    def lookups(self, request, model_admin):
        return RevealChannel.choices

    def queryset(self, request, queryset):
        return queryset.filter(channel=self.value()) if self.value() else queryset


@admin.register(SensitiveAccess)
class SensitiveAccessAdmin(ReadOnlyPermissions, ScopedAdminMixin, admin.ModelAdmin):
    """Who saw full ID and phone numbers: read by those who supervise the dossiers of their subtree.
    A bulk export has no dossier: its row says the exporter's node, the filter and the row count."""

    view_permission = "cases.approve_household"
    list_display = ["at", "user", "node", "household", "channel_label", "detail", "row_count"]
    list_filter = [ChannelFilter, "node"]
    list_select_related = ["user", "household", "node"]
    date_hierarchy = "at"
    search_fields = ["user__username", "user__name", "household__number"]

    @admin.display(description=_("途径"), ordering="channel")
    def channel_label(self, access):
        return access.get_channel_display()
