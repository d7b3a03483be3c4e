from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdminMixin, ScopedAdminMixin
from gridgov.deliberation.models import Ballot, Meeting, Topic


class _ScopedRead(ReadOnlyAdminMixin, ScopedAdminMixin):
    """Topics are run through the console, the phone pages and the API (services with their timeline); here they
    are read."""

    scope_permission = "deliberation:topic:list"
    scope_path_field = "region_path"

    def has_view_permission(self, request, obj=None):
        return self._granted(request, self.scope_permission)


@admin.register(Topic)
class TopicAdmin(_ScopedRead, admin.ModelAdmin):
    list_display = ["title", "scale", "region", "state", "supporters_count", "electorate", "created_at"]
    list_filter = ["state", "scale"]
    list_select_related = ["region"]
    search_fields = ["title"]


@admin.register(Meeting)
class MeetingAdmin(_ScopedRead, admin.ModelAdmin):
    scope_path_field = "topic__region_path"
    list_display = ["topic", "kind", "starts_at", "place", "state", "attendees_count"]
    list_filter = ["kind", "state"]
    list_select_related = ["topic"]


@admin.register(Ballot)
class BallotAdmin(_ScopedRead, admin.ModelAdmin):
    scope_path_field = "topic__region_path"
    list_display = ["topic", "voter_key", "channel", "at", "entered_by"]
    list_filter = ["channel"]
    list_select_related = ["topic", "entered_by"]
