from django.contrib import admin

from gridgov.core.admin import AuditedAdminMixin
from gridgov.integrations.models import DeviceVendor


@admin.register(DeviceVendor)
class DeviceVendorAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """设备厂商接入: registered with `gridgov add_device_vendor` (which prints the signing secret once); here a
    vendor is switched off or its format changed."""

    list_display = ["code", "name", "adapter", "is_active", "created_at"]
    fields = ["code", "name", "adapter", "is_active"]
    readonly_fields = ["code"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
