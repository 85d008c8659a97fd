"""The back office of the money side: scoped like every admin; the ledger and the aid records are
read-only here (outreach.services writes them), amounts shown as yuan."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases.money import yuan
from network.admin import ScopedAdminMixin, ScopedHistoryAdmin

from .models import (
    AidRecord,
    Cadre,
    Campaign,
    CampaignHousehold,
    Fund,
    FundSource,
    LedgerEntry,
    Pairing,
    PairingVisit,
    ProgramCap,
    ReturnVisit,
    SignedSheet,
)
from .services import cadre_save


class WrittenByServices:
    """Records only outreach.services writes: shown, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FundSource)
class FundSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "ordering_key"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgramCap)
class ProgramCapAdmin(admin.ModelAdmin):
    list_display = ["program", "rule", "amount"]

    @admin.display(description=_("固定上限（元）"))
    def amount(self, obj):
        return yuan(obj.amount_fen) if obj.amount_fen is not None else "—"


@admin.register(Fund)
class FundAdmin(ScopedHistoryAdmin):
    list_display = ["name", "year", "node", "source", "balance"]
    list_filter = ["year", "source", "node"]
    list_select_related = ["node", "source"]
    search_fields = ["name"]
    readonly_fields = ["balance", "created_at"]
    fields = ["node", "name", "source", "year", "note", "balance", "created_at"]

    @admin.display(description=_("余额（元）"))
    def balance(self, obj):
        return obj.balance

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # a fund's money stays where it was booked: node, year and source are fixed once it exists
        fixed = ["node", "year", "source"] if obj is not None else []
        return [*super().get_readonly_fields(request, obj), *fixed]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(WrittenByServices, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["occurred_on", "fund", "kind", "amount", "balance_after", "document_number", "counterparty",
                    "recorded_by"]
    list_filter = ["kind", "fund"]
    list_select_related = ["fund__node", "recorded_by"]
    date_hierarchy = "occurred_on"

    @admin.display(description=_("金额（元）"))
    def amount(self, obj):
        return obj.amount

    @admin.display(description=_("发生后余额（元）"))
    def balance_after(self, obj):
        return obj.balance_after


@admin.register(AidRecord)
class AidRecordAdmin(WrittenByServices, ScopedHistoryAdmin):
    list_display = ["given_on", "program", "household", "node", "cash", "goods", "state"]
    list_filter = ["program", "state", "node"]
    list_select_related = ["household", "node"]
    date_hierarchy = "given_on"

    @admin.display(description=_("现金（元）"))
    def cash(self, obj):
        return obj.cash


@admin.register(Campaign)
class CampaignAdmin(WrittenByServices, ScopedHistoryAdmin):
    list_display = ["name", "year", "occasion", "node", "fund", "state"]
    list_filter = ["year", "occasion", "state"]
    list_select_related = ["node", "fund"]


@admin.register(Cadre)
class CadreAdmin(ScopedHistoryAdmin):
    list_display = ["name", "post", "rank", "unit", "node", "is_active"]
    list_filter = ["rank", "is_active", "node"]
    list_select_related = ["node"]
    search_fields = ["name", "unit"]

    def save_model(self, request, obj, form, change):
        cadre_save(cadre=obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Pairing)
class PairingAdmin(WrittenByServices, ScopedHistoryAdmin):
    list_display = ["cadre", "household", "starts_on", "ends_on", "end_reason"]
    list_filter = ["cadre__rank"]
    list_select_related = ["cadre", "household"]
    date_hierarchy = "starts_on"


@admin.register(PairingVisit)
class PairingVisitAdmin(WrittenByServices, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["visited_on", "pairing", "aid", "recorded_by"]
    list_select_related = ["pairing__cadre", "pairing__household", "aid__household", "recorded_by"]
    date_hierarchy = "visited_on"


@admin.register(CampaignHousehold)
class CampaignHouseholdAdmin(WrittenByServices, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["campaign", "household", "cash", "goods", "visitor", "removed_reason"]
    list_filter = ["campaign"]
    list_select_related = ["campaign", "household", "visitor"]

    @admin.display(description=_("现金（元）"))
    def cash(self, obj):
        return yuan(obj.cash_fen)


@admin.register(SignedSheet)
class SignedSheetAdmin(WrittenByServices, ScopedAdminMixin, admin.ModelAdmin):
    # the scan is opened through the scoped page, never a public media URL
    list_display = ["campaign", "node", "extension", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["campaign"]
    list_select_related = ["campaign", "node", "uploaded_by"]
    exclude = ["file"]


@admin.register(ReturnVisit)
class ReturnVisitAdmin(WrittenByServices, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["visited_on", "household", "campaign", "method", "visitor"]
    list_filter = ["method", "campaign"]
    list_select_related = ["household", "campaign"]
    date_hierarchy = "visited_on"
