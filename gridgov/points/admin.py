from django.contrib import admin

from gridgov.core.admin import (
    AuditedAdminMixin,
    ReadOnlyAdminMixin,
    ScopedAdminMixin,
    ServiceAdminMixin,
    ServiceModelForm,
)
from gridgov.core.timeutil import now
from gridgov.points.models import (
    Account,
    Claim,
    CreditRecord,
    PointClass,
    PointItem,
    Redemption,
    Reward,
    Station,
    Transfer,
    Volunteer,
)
from gridgov.points.services import REVISABLE, item_revise


@admin.register(PointClass)
class PointClassAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["sort", "code", "name"]
    list_display_links = ["name"]


class PointItemForm(ServiceModelForm):
    class Meta:
        model = PointItem
        fields = ["key", "point_class", "name", "points", "trigger", "daily_cap", "monthly_cap", "cap_group",
                  "evidence_required", "approver"]

    def call_service(self, cleaned: dict):
        if self.instance.pk is None:
            item = PointItem(**cleaned, valid_from=now())
            item.save()
            return item
        changes = {f: cleaned[f] for f in REVISABLE if f != "point_class_id"}
        changes["point_class_id"] = cleaned["point_class"].pk
        current = PointItem.objects.get(pk=self.instance.pk)
        changed = {k: v for k, v in changes.items() if getattr(current, k) != v}
        return item_revise(actor=self.actor, item=current, changes=changed) if changed else current


@admin.register(PointItem)
class PointItemAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """The catalogue: a change to an item writes a new version (the old one retired: past awards keep it)."""

    form = PointItemForm
    list_display = ["key", "name", "point_class", "points", "trigger", "daily_cap", "monthly_cap", "version",
                    "is_current"]
    list_filter = ["is_current", "point_class", "trigger"]
    search_fields = ["key", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("point_class")

    def get_readonly_fields(self, request, obj=None):
        return ["key"] if obj else []

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.is_current


@admin.register(Station)
class StationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "region", "address", "hours", "is_active"]
    autocomplete_fields = ["region"]


@admin.register(Reward)
class RewardAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """奖品: stock empty = unlimited; the stock changes here and with every redemption, cancel and lapse."""

    list_display = ["name", "points", "stock", "per_person_limit", "station", "is_active"]
    list_filter = ["is_active", "station"]


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = "points:volunteer:verify"
    scope_path_field = "region_path"
    list_display = ["user", "kind", "community", "employer", "state", "applied_at", "verified_at"]
    list_filter = ["state", "kind"]

    def has_view_permission(self, request, obj=None):
        return self._granted(request, self.scope_permission)


@admin.register(Account)
class AccountAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = "points:ledger:view"
    scope_path_field = "region_path"
    list_display = ["__str__", "kind", "balance", "earned_total", "flagged"]
    list_filter = ["kind"]

    def has_view_permission(self, request, obj=None):
        return self._granted(request, self.scope_permission)


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The ledger, read-only: corrections are reversals (gridgov points services), never edits."""

    scope_permission = "points:ledger:view"
    scope_path_field = "destination__region_path"
    list_display = ["at", "kind", "amount", "source", "destination", "item", "note"]
    list_filter = ["kind"]
    list_select_related = ["source__user", "destination__user", "item"]

    def has_view_permission(self, request, obj=None):
        return self._granted(request, self.scope_permission)


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = "points:redemption:handle"
    scope_path_field = "region_path"
    list_display = ["created_at", "user", "reward", "points", "state", "station", "pickup_by"]
    list_filter = ["state", "station"]

    def has_view_permission(self, request, obj=None):
        return self._granted(request, self.scope_permission)


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = "points:claim:approve"
    scope_path_field = "region_path"
    list_display = ["created_at", "user", "item", "happened_on", "state"]
    list_filter = ["state"]

    def has_view_permission(self, request, obj=None):
        return self._granted(request, self.scope_permission)


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """诚信红灰榜, read-only here: records change only through their workflow (console 积分审核)."""

    scope_permission = "points:credit:approve"
    scope_path_field = "region_path"
    list_display = ["created_at", "resident", "community", "list", "reason", "state", "valid_until"]
    list_filter = ["list", "state", "reason"]
    list_select_related = ["resident", "community"]

    def has_view_permission(self, request, obj=None):
        return self._granted(request, self.scope_permission)
