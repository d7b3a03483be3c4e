from django.contrib import admin

from gridgov.core.admin import AuditedAdminMixin, ReadOnlyAdminMixin, ScopedAdminMixin
from gridgov.emergency.models import AlertGroup, AlertGroupMember, Broadcast, Callout, DutyShift


class MemberInline(admin.TabularInline):
    model = AlertGroupMember
    extra = 1
    fields = ["user", "label", "is_active"]
    autocomplete_fields = ["user"]

    def has_delete_permission(self, request, obj=None):
        return False  # a member leaves (有效 off): who was in the group stays on record


@admin.register(AlertGroup)
class AlertGroupAdmin(AuditedAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """联防群 and their members (铺户联防): staff over the place keep them; a warning reaches every active member."""

    scope_permission = scope_edit_permission = "emergency:alert:send"
    scope_path_field = "region_path"
    list_display = ["name", "kind", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    fields = ["name", "kind", "region", "is_active"]
    autocomplete_fields = ["region"]
    inlines = [MemberInline]

    def save_model(self, request, obj, form, change):
        obj.region_path = obj.region.path
        super().save_model(request, obj, form, change)


class _ScopedRead(ReadOnlyAdminMixin, ScopedAdminMixin):
    scope_permission = "emergency:callout:command"
    scope_path_field = "region_path"

    def has_view_permission(self, request, obj=None):
        return self._granted(request, self.scope_permission)


@admin.register(Callout)
class CalloutAdmin(_ScopedRead, admin.ModelAdmin):
    list_display = ["created_at", "case", "state", "ring", "acknowledged_unit", "acknowledged_at", "closed_at"]
    list_filter = ["state"]
    list_select_related = ["case", "acknowledged_unit"]


@admin.register(DutyShift)
class DutyShiftAdmin(_ScopedRead, admin.ModelAdmin):
    scope_path_field = "unit__region__path"
    list_display = ["unit", "user", "starts_at", "ends_at", "is_cancelled", "note"]
    list_filter = ["is_cancelled", "unit"]


@admin.register(Broadcast)
class BroadcastAdmin(_ScopedRead, admin.ModelAdmin):
    scope_permission = "emergency:alert:send"
    scope_path_field = "group__region_path"
    list_display = ["at", "group", "sender", "level", "message", "recipients"]
    list_filter = ["level"]
