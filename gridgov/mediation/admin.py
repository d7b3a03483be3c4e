from django.contrib import admin

from gridgov.core.admin import AuditedAdminMixin, ReadOnlyAdminMixin, ScopedAdminMixin
from gridgov.mediation.models import (
    CommitteeProfile,
    Dispute,
    DisputeEvent,
    DisputeParty,
    DisputeType,
    MediatorProfile,
    RiskLevel,
)


@admin.register(RiskLevel)
class RiskLevelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The district's colour scheme (三色 by default; a fourth colour is one more row)."""

    list_display = ["rank", "name", "code", "color", "lead", "report_within_minutes", "escalate_after_hours",
                    "follow_up_days",
                    "is_active"]
    list_display_links = ["name"]


@admin.register(DisputeType)
class DisputeTypeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """GB/T 31000 types, each with the 司法部 category the monthly report counts it under."""

    list_display = ["code", "name", "parent", "moj_category"]
    list_filter = ["moj_category"]
    search_fields = ["code", "name"]


@admin.register(CommitteeProfile)
class CommitteeProfileAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """专业调解室 and specialised committees: the types 矛盾分诊 sends them."""

    list_display = ["unit", "room"]
    filter_horizontal = ["specialities"]
    autocomplete_fields = ["unit"]


@admin.register(MediatorProfile)
class MediatorProfileAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The mediator pool: kind (专职、兼职、律师、民警) and 专长."""

    list_display = ["user", "kind"]
    list_filter = ["kind"]
    filter_horizontal = ["specialities"]
    autocomplete_fields = ["user"]


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
