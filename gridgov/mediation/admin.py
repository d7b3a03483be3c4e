from django.contrib import admin

from gridgov.core.admin import AuditedAdminMixin, ReadOnlyAdminMixin, ScopedAdminMixin
from gridgov.mediation.models import Dispute, DisputeEvent, DisputeParty, DisputeType, RiskLevel


@admin.register(RiskLevel)
class RiskLevelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The district's colour scheme (三色 by default; a fourth colour is one more row)."""

    list_display = ["rank", "name", "code", "color", "lead", "report_within_minutes", "escalate_after_hours",
                    "is_active"]
    list_display_links = ["name"]


@admin.register(DisputeType)
class DisputeTypeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]


class DisputePartyInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DisputeParty
    fields = readonly_fields = ("role", "name", "id_number_masked", "phone_masked", "address")
    extra = 0


class DisputeEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DisputeEvent
    fields = readonly_fields = ("at", "action_label", "from_state", "to_state", "actor", "note")
    extra = 0

    @admin.display(description="动作")
    def action_label(self, obj) -> str:
        from gridgov.mediation.workflow import action_label

        return action_label(obj.action)


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read-only here: disputes change only through their workflow."""

    scope_permission = "case:case:list"
    scope_path_field = "region_path"
    list_display = ["id", "title", "dispute_type", "risk_level", "state", "source", "grid", "due_at", "created_at"]
    list_filter = ["state", "risk_level", "source", "scale"]
    list_select_related = ["dispute_type", "risk_level", "grid"]
    inlines = [DisputePartyInline, DisputeEventInline]
    date_hierarchy = "created_at"

    def has_view_permission(self, request, obj=None):
        return self._granted(request, self.scope_permission)
