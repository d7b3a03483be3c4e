from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdminMixin, ScopedAdminMixin
from gridgov.portal.models import Appointment, Article, Conversation, Slot


class _ScopedRead(ReadOnlyAdminMixin, ScopedAdminMixin):
    """掌上社区 is kept through the console, the phone pages and the API (services with their timeline); here it is
    read."""

    scope_permission = "portal:article:edit"
    scope_path_field = "region_path"

    def has_view_permission(self, request, obj=None):
        return self._granted(request, self.scope_permission)


@admin.register(Article)
class ArticleAdmin(_ScopedRead, admin.ModelAdmin):
    list_display = ["title", "kind", "region", "state", "published_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["region"]
    search_fields = ["title"]


@admin.register(Conversation)
class ConversationAdmin(_ScopedRead, admin.ModelAdmin):
    scope_permission = "portal:chat:handle"
    list_display = ["subject", "region", "state", "assigned_to", "created_at", "first_reply_at"]
    list_filter = ["state"]
    list_select_related = ["region", "assigned_to"]


@admin.register(Slot)
class SlotAdmin(_ScopedRead, admin.ModelAdmin):
    scope_permission = "portal:slot:edit"
    list_display = ["service", "kind", "region", "starts_at", "capacity", "booked", "is_cancelled"]
    list_select_related = ["region"]


@admin.register(Appointment)
class AppointmentAdmin(_ScopedRead, admin.ModelAdmin):
    scope_permission = "portal:slot:edit"
    scope_path_field = "slot__region_path"
    list_display = ["slot", "user", "state", "created_at"]
    list_filter = ["state"]
    list_select_related = ["slot", "user"]
