from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedFieldListFilter, RelatedOnlyFieldListFilter, SimpleListFilter, widgets
from django.contrib.admin.utils import flatten_fieldsets, get_fields_from_path, unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import bulk_update_with_history

from . import audit
from .accounts import record_changes, snapshot
from .forms import StaffCreateForm, StaffEditForm
from .models import ROLE_RANK, AuditAction, AuditEntry, Enterprise, Node, User
from .scoping import ScopedQuerySet
from .sensitive import SENSITIVE

admin.site.site_header = _("工会帮扶 · 后台")
admin.site.site_title = _("工会帮扶后台")
admin.site.index_title = _("困难职工援助中心")
# at 1366x768 the sidebar squeezed the changelists until names and phone numbers wrapped
admin.site.enable_nav_sidebar = False


def _scoped(queryset, user):
    return queryset.visible_to(user) if isinstance(queryset, ScopedQuerySet) else queryset


class ScopedRelatedFieldListFilter(RelatedFieldListFilter):
    """A relation's list filter offering the related rows the user may see (``visible_to``): the
    nodes and units of his subtree. RelatedOnlyFieldListFilter, used for unscoped related models,
    finds the related rows through a DISTINCT over every row of the list (106 ms at 100,000
    dossiers on PostgreSQL for the node filter alone)."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        related = field.related_model._default_manager.all().visible_to(request.user)
        return [(obj.pk, str(obj)) for obj in related.order_by(*ordering)]


# No address may filter on a field named like one of these, on any model along a lookup's path:
# each lookup is a yes/no answer about a hidden digit. The sensitive fields are the registry's
# (network.sensitive, filled by the apps); the password hash is never shown at all.
NEVER_FILTERED = frozenset({"password"})
# the stand-in an admin shows instead of a sensitive field: masked_id_number for id_number
MASKED_PREFIX = "masked_"
# the changelist's own parameters (search, ordering, page, error flag, pop-ups, preserved filters)
CHANGELIST_PARAMS = frozenset({"q", "o", "p", "e", "all", "_to_field", "_popup", "_changelist_filters", "_facets"})
# a pattern match is a guess per character and can keep a worker busy for seconds
REGEX_LOOKUPS = frozenset({"regex", "iregex"})


def _stand_in(model, name, display):
    @admin.display(description=display.label or model._meta.get_field(name).verbose_name)
    def stand_in(obj):
        return display(getattr(obj, name), False)

    return stand_in


def _masked(names, hidden):
    """``names`` (of fields, or tuples of fields on one line) with each hidden one's stand-in."""
    return [
        tuple(_masked(name, hidden)) if isinstance(name, (list, tuple))
        else MASKED_PREFIX + name if isinstance(name, str) and name in hidden else name
        for name in names
    ]


class MaskedAdminMixin:
    """Shows the registry's sensitive fields (network.sensitive) masked to whoever lacks their
    permission: wherever the admin or inline would show one (fields, fieldsets, a past version), a
    read-only stand-in ``masked_<field>`` shows instead. List columns show the stand-in to everyone:
    a list shows many records at once, and unlogged. A change or history page that shows the fields
    in full is logged through the registry (``log_reveal``). ScopedAdminMixin and ScopedInlineMixin
    include it, so every admin and inline has it."""

    def __getattr__(self, name):
        # the stand-ins are made when asked for: the apps register their fields after this module loads
        if name.startswith(MASKED_PREFIX):
            field = name.removeprefix(MASKED_PREFIX)
            display = SENSITIVE.fields(self.model).get(field)
            if display is not None:
                return _stand_in(self.model, field, display)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def hidden_fields(self, request):
        """{name: Display} of the model's sensitive fields this user may not see in full."""
        return {} if SENSITIVE.may_see(request.user, self.model) else SENSITIVE.fields(self.model)

    def get_list_display(self, request):
        return _masked(super().get_list_display(request), SENSITIVE.fields(self.model))

    def get_fields(self, request, obj=None):
        return list(dict.fromkeys(_masked(super().get_fields(request, obj), self.hidden_fields(request))))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        hidden = self.hidden_fields(request)
        if not hidden:
            return fieldsets
        return [(title, {**options, "fields": _masked(options["fields"], hidden)}) for title, options in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return list(dict.fromkeys([*readonly, *(MASKED_PREFIX + name for name in self.hidden_fields(request))]))

    def log_reveal(self, request, obj):
        """Logs that this page shows ``obj``'s sensitive fields (and its inlines') in full, when
        its model has some and the user may see them."""
        entry = SENSITIVE.of(type(obj))
        if entry is not None and request.user.has_perm(entry.permission):
            entry.log_reveal(request.user, entry.owner(obj))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and request.method == "GET":
            self.log_reveal(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


class ScopedAdminMixin(MaskedAdminMixin):
    """Scopes an admin to the user's subtree: its list, its object pages (404 outside), the choices
    of its foreign keys, its list filters (only related rows present in the scoped list), its
    autocomplete (Django asks the target admin's get_queryset) and its raw-id pop-ups (a changelist).
    Its changelist answers only the lookups its own filters make (``lookup_allowed``); sensitive
    fields are masked (MaskedAdminMixin). network.checks refuses an admin of a scoped model that
    does not use it."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def lookup_allowed(self, lookup, value, request=None):
        """Only the lookups this admin's own list filters, date hierarchy and raw-id pop-ups
        produce; never one on a sensitive field, never a regex. Django answers any other with
        400 (DisallowedModelAdminLookup)."""
        if lookup in CHANGELIST_PARAMS:
            return True
        parts = set(lookup.split(LOOKUP_SEP))
        if parts & (NEVER_FILTERED | SENSITIVE.field_names()) or parts & REGEX_LOOKUPS:
            return False
        return lookup in self.filter_lookups(request) or self._is_popup_lookup(lookup, value)

    def filter_lookups(self, request):
        """The query parameters that the links of this admin's list filters and date hierarchy carry."""
        lookups = set()
        if self.date_hierarchy:
            lookups |= {f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day")}
        for item in self.get_list_filter(request) if request is not None else self.list_filter:
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                lookups.add(item.parameter_name)
                continue
            path = item[0] if isinstance(item, (list, tuple)) else item
            path = path if isinstance(path, str) else path.name
            field = get_fields_from_path(self.model, path)[-1]
            if field.is_relation:
                lookups |= {f"{path}__{field.target_field.name}__exact", f"{path}__isnull"}
            else:
                # choices and booleans (__exact), all values (the bare path), dates (__gte, __lt), empty
                lookups |= {path, *(f"{path}__{suffix}" for suffix in ("exact", "isnull", "isempty", "gte", "lt"))}
        return lookups

    def _is_popup_lookup(self, lookup, value):
        """A raw-id pop-up passes its foreign key's ``limit_choices_to`` as parameters (as Django allows)."""
        for fk_lookup in self.model._meta.related_fkey_lookups:
            fk_lookup = fk_lookup() if callable(fk_lookup) else fk_lookup
            if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
                return True
        return False

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("没有找到该记录。"))
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = _scoped(formfield.queryset, request.user)
        return formfield

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form_class

        class KeepsCurrentValues(form_class):
            """An object in scope may point above it (a township's parent is the center): keeping
            that value is allowed, choosing another out-of-scope one is not."""

            def __init__(self, *args, **inner):
                super().__init__(*args, **inner)
                for name, field in self.fields.items():
                    current = getattr(obj, f"{name}_id", None) if hasattr(field, "queryset") else None
                    if current is not None and not field.queryset.filter(pk=current).exists():
                        field.queryset = field.queryset | field.queryset.model._default_manager.filter(pk=current)

        return KeepsCurrentValues

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = _scoped(formfield.queryset, request.user)
        return formfield

    def get_list_filter(self, request):
        scoped_filters = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and self._is_relation(item):
                scoped = isinstance(self._related_model(item)._default_manager.all(), ScopedQuerySet)
                item = (item, ScopedRelatedFieldListFilter if scoped else RelatedOnlyFieldListFilter)
            scoped_filters.append(item)
        return scoped_filters

    def _related_model(self, lookup):
        model = self.model
        for part in lookup.split("__"):
            model = model._meta.get_field(part).related_model
        return model

    def _is_relation(self, lookup):
        model = self.model
        field = None
        for part in lookup.split("__"):
            field = model._meta.get_field(part)
            if not field.is_relation:
                return False
            model = field.related_model
        return field is not None and field.is_relation


class ScopedInlineMixin(MaskedAdminMixin):
    """An inline's rows and foreign-key choices inside the user's subtree, sensitive fields masked."""

    def get_queryset(self, request):
        return _scoped(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = _scoped(formfield.queryset, request.user)
        return formfield


class ReadableChanges(HistoricalRecordContextHelper):
    """simple_history's list of changes as people read them: a choice by its label, yes or no, an
    empty value as a dash, and a sensitive field as the registry shows it to this user."""

    def __init__(self, model, record, *, unmasked):
        super().__init__(model, record)
        self.unmasked = unmasked

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "—"
        if change.field in SENSITIVE.fields(self.model):
            return SENSITIVE.show(self.model, change.field, value, self.unmasked)
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return gettext("是") if value else gettext("否")
        return super().prepare_delta_change_value(change, value)


class ScopedHistoryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """simple_history's pages (who changed what, old and new values) inside the user's subtree,
    sensitive fields masked as on the change page and their reveal logged.

    Its own views fetch history rows without the admin's queryset and accept a revert by POST;
    here both answer 404 outside the subtree and history is read-only: a revert would skip the
    services and the forms' rules."""

    object_history_list_template = "admin/object_history_list.html"

    def history_view(self, request, object_id, extra_context=None):
        # ScopedAdminMixin.get_object answers 404 outside the subtree (and for a malformed id)
        self.log_reveal(request, self.get_object(request, unquote(object_id)))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if request.method != "GET":
            raise PermissionDenied
        self.log_reveal(request, obj)
        request.admin_read_only = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(
            self.model, historical_record, unmasked=SENSITIVE.may_see(request.user, self.model)
        )

    def get_readonly_fields(self, request, obj=None):
        if getattr(request, "admin_read_only", False):
            return flatten_fieldsets(self.get_fieldsets(request, obj))
        return super().get_readonly_fields(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if getattr(request, "admin_read_only", False):
            kwargs["form"] = forms.ModelForm  # a past version is read, never validated
        return super().get_form(request, obj, change=change, **kwargs)


@admin.register(Node)
class NodeAdmin(ScopedHistoryAdmin):
    list_display = ["code", "name", "kind", "level", "parent", "contact_person", "phone", "is_active"]
    list_filter = ["kind", "level", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "contact_person"]
    autocomplete_fields = ["parent"]
    fields = ["code", "name", "kind", "parent", "contact_person", "phone", "address", "is_active"]

    def has_delete_permission(self, request, obj=None):
        # a node is disabled, never deleted: dossiers and payments point at it
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "node", "nature", "condition", "industry", "employee_count"]
    list_filter = ["nature", "condition", "node"]
    list_select_related = ["node"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["node"]


@admin.register(User)
class StaffAdmin(ScopedHistoryAdmin, DjangoUserAdmin):
    form = StaffEditForm
    add_form = StaffCreateForm
    list_display = ["username", "name", "node", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "node"]
    list_select_related = ["node"]
    search_fields = ["username", "name"]
    ordering = ["node__path", "username"]
    autocomplete_fields = ["node"]
    fieldsets = [(None, {"fields": ["username", "name", "phone", "node", "role", "is_active"]})]
    add_fieldsets = [
        (None, {"fields": ["username", "name", "phone", "node", "role", "password1", "password2"]})
    ]
    filter_horizontal = []
    actions = ["disable_accounts"]

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        if getattr(request, "admin_read_only", False):
            return form_class

        class RequestBoundForm(form_class):
            def __init__(self, *args, **inner):
                inner.setdefault("granted_by", request.user)
                super().__init__(*args, **inner)

        return RequestBoundForm

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        # nobody edits an account that ranks above his own (a reviewer cannot touch an admin)
        if allowed and obj is not None and not request.user.is_superuser:
            return obj.rank <= request.user.rank
        return allowed

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        before = snapshot(User.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        record_changes(request.user, obj, before)

    def user_change_password(self, request, id, form_url=""):
        """Django's password page for an account, scoped; a password set for someone else must be
        changed by its owner at his next login. Audited either way."""
        account = self.get_object(request, unquote(id))
        old_hash = account.password
        response = super().user_change_password(request, id, form_url)
        account.refresh_from_db()
        if account.password != old_hash:
            own = account.pk == request.user.pk
            User.objects.filter(pk=account.pk).update(must_change_password=not own)
            audit.record(request.user, AuditAction.PASSWORD_CHANGE if own else AuditAction.PASSWORD_SET, account)
        return response

    @admin.action(description=_("停用所选账号"), permissions=["change"])
    def disable_accounts(self, request, queryset):
        accounts = list(
            queryset.exclude(pk=request.user.pk).filter(role__in=_ranks_up_to(request.user), is_active=True)
        )
        for account in accounts:
            account.is_active = False
        # with a history record each, as a change on the account's page leaves
        bulk_update_with_history(accounts, User, ["is_active"], default_user=request.user)
        for account in accounts:
            audit.record(request.user, AuditAction.ACCOUNT_DISABLE, account)
        self.message_user(request, _("已停用 %(count)d 个账号。") % {"count": len(accounts)}, messages.SUCCESS)


def _ranks_up_to(user):
    return [role for role, rank in ROLE_RANK.items() if rank <= user.rank]


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The audit log, read only for everyone (superusers too): no add, change or delete page or
    action answers, and the database refuses the change besides."""

    list_display = ["at", "username", "user_name", "node_name", "action", "object_type", "object_id", "outcome",
                    "ip_address", "row_count"]
    list_filter = ["action", "outcome"]
    search_fields = ["username", "user_name", "object_id"]
    date_hierarchy = "at"
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
