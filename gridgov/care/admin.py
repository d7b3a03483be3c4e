from django.contrib import admin

from gridgov.care.models import CarePlan, Device, DeviceAlarm
from gridgov.core.admin import ReadOnlyAdminMixin, ScopedAdminMixin


class _ScopedRead(ReadOnlyAdminMixin, ScopedAdminMixin):
    """Care records are kept through the console and the API (services with their timeline); here they are read."""

    scope_permission = "care:plan:list"
    scope_path_field = "region_path"

    def has_view_permission(self, request, obj=None):
        return self._granted(request, self.scope_permission)


@admin.register(CarePlan)
class CarePlanAdmin(_ScopedRead, admin.ModelAdmin):
    list_display = ["resident", "group", "grid", "state", "light", "last_look_at", "look_due_at"]
    list_filter = ["state", "light", "group"]
    list_select_related = ["resident", "grid"]
    search_fields = ["resident__name"]


@admin.register(Device)
class DeviceAdmin(_ScopedRead, admin.ModelAdmin):
    list_display = ["kind", "vendor", "serial", "plan", "grid", "is_online", "last_seen_at"]
    list_filter = ["kind", "vendor", "is_online"]
    list_select_related = ["plan__resident", "grid"]
    search_fields = ["serial"]


@admin.register(DeviceAlarm)
class DeviceAlarmAdmin(_ScopedRead, admin.ModelAdmin):
    scope_path_field = "device__region_path"
    list_display = ["at", "device", "kind", "metric", "value", "result", "case"]
    list_filter = ["kind", "result"]
    list_select_related = ["device", "case"]
