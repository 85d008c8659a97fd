from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter, SimpleListFilter, widgets
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .forms import StaffCreateForm, StaffEditForm
from .models import ROLE_RANK, Enterprise, Node, User
from .scoping import ScopedQuerySet

admin.site.site_header = _("工会帮扶 · 后台")
admin.site.site_title = _("工会帮扶后台")
admin.site.index_title = _("困难职工援助中心")
# at 1366x768 the sidebar squeezed the changelists until names and phone numbers wrapped
admin.site.enable_nav_sidebar = False


def _scoped(queryset, user):
    return queryset.visible_to(user) if isinstance(queryset, ScopedQuerySet) else queryset


# The project's one list of fields no address may filter on (by name, on any model along a lookup's
# path): each lookup on them is a yes/no answer about a hidden digit. An admin may add its own.
SENSITIVE_FIELDS = frozenset({"password", "phone", "id_number", "birth_date", "bank_account"})
# the changelist's own parameters (search, ordering, page, error flag, pop-ups, preserved filters)
CHANGELIST_PARAMS = frozenset({"q", "o", "p", "e", "all", "_to_field", "_popup", "_changelist_filters", "_facets"})
# a pattern match is a guess per character and can keep a worker busy for seconds
REGEX_LOOKUPS = frozenset({"regex", "iregex"})


class ScopedAdminMixin:
    """Scopes an admin to the user's subtree: its list, its object pages (404 outside), the choices
    of its foreign keys, its list filters (only related rows present in the scoped list), its
    autocomplete (Django asks the target admin's get_queryset) and its raw-id pop-ups (a changelist).
    Its changelist answers only the lookups its own filters make (``lookup_allowed``).
    network.checks refuses an admin of a scoped model that does not use it."""

    sensitive_fields = SENSITIVE_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def lookup_allowed(self, lookup, value, request=None):
        """Only the lookups this admin's own list filters, date hierarchy and raw-id pop-ups
        produce; never one on a sensitive field, never a regex. Django answers any other with
        400 (DisallowedModelAdminLookup)."""
        if lookup in CHANGELIST_PARAMS:
            return True
        parts = set(lookup.split(LOOKUP_SEP))
        if parts & self.sensitive_fields or parts & REGEX_LOOKUPS:
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
                item = (item, RelatedOnlyFieldListFilter)
            scoped_filters.append(item)
        return scoped_filters

    def _is_relation(self, lookup):
        model = self.model
        field = None
        for part in lookup.split("__"):
            field = model._meta.get_field(part)
            if not field.is_relation:
                return False
            model = field.related_model
        return field is not None and field.is_relation


class ScopedInlineMixin:
    def get_queryset(self, request):
        return _scoped(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = _scoped(formfield.queryset, request.user)
        return formfield


@admin.register(Node)
class NodeAdmin(ScopedAdminMixin, admin.ModelAdmin):
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
class StaffAdmin(ScopedAdminMixin, DjangoUserAdmin):
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

    @admin.action(description=_("停用所选账号"), permissions=["change"])
    def disable_accounts(self, request, queryset):
        count = queryset.exclude(pk=request.user.pk).filter(role__in=_ranks_up_to(request.user)).update(
            is_active=False
        )
        self.message_user(request, _("已停用 %(count)d 个账号。") % {"count": count}, messages.SUCCESS)


def _ranks_up_to(user):
    return [role for role, rank in ROLE_RANK.items() if rank <= user.rank]
