from django.contrib import admin

from gridgov.core.admin import AuditedAdminMixin, ReadOnlyAdminMixin, ScopedAdminMixin
from gridgov.supervision.models import (
    Checklist,
    ChecklistItem,
    Compound,
    GridVisit,
    Inspection,
    LeaderLink,
    PatrolPoint,
    SmartCriterion,
)


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1


@admin.register(Checklist)
class ChecklistAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """检查表 and their items (weights, photo required, the case a failure makes, days to put it right)."""

    list_display = ["name", "every_days", "is_active"]
    inlines = [ChecklistItemInline]


@admin.register(Compound)
class CompoundAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "grid", "property_company", "is_old", "checklist", "inspector", "is_active"]
    list_filter = ["is_old", "is_active"]
    list_select_related = ["grid", "property_company", "checklist", "inspector"]
    search_fields = ["name"]
    filter_horizontal = ["buildings"]

    def save_model(self, request, obj, form, change):
        obj.region_path = obj.grid.path
        super().save_model(request, obj, form, change)


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Inspections are made on the phone and in the console (services with their timeline); here they are read."""

    scope_permission = "supervision:score:view"
    scope_path_field = "region_path"
    list_display = ["compound", "due_on", "state", "failed_count", "deducted", "inspector", "submitted_at"]
    list_filter = ["state"]
    list_select_related = ["compound", "inspector"]

    def has_view_permission(self, request, obj=None):
        return self._granted(request, self.scope_permission)


@admin.register(PatrolPoint)
class PatrolPointAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """巡查点 of a grid: its workers' rounds are covered by check-ins within the radius."""

    list_display = ["name", "grid", "radius_m", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["grid"]


@admin.register(LeaderLink)
class LeaderLinkAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """领导班子成员直接联系网格: who answers for which grid (ended, not deleted: the link's history stays)."""

    list_display = ["leader", "grid", "since", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["leader", "grid"]


@admin.register(GridVisit)
class GridVisitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "leader", "grid", "note"]
    list_select_related = ["leader", "grid"]


@admin.register(SmartCriterion)
class SmartCriterionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """智慧小区 评星标准: what a compound is checked for and its points; retire (有效 off) rather than delete."""

    list_display = ["name", "code", "points", "sort", "is_active"]
    list_editable = ["sort"]
    list_filter = ["is_active"]
