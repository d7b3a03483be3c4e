from django.contrib import admin

from gridgov.core.pii import lookup_hashes
from gridgov.notify.models import Message, personal_kind


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "address", "subject", "status", "attempts", "sent_at",
                    "read_at"]
    list_filter = ["channel", "status"]
    search_fields = ["subject", "address"]
    readonly_fields = [f.name for f in Message._meta.fields if f.name != "address_enc"]
    exclude = ["address_enc"]

    def has_add_permission(self, request):
        return False

    def get_search_results(self, request, queryset, search_term):
        """A whole phone number or e-mail address finds its messages by the keyed hash (only masked forms are
        kept in the clear)."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        kind = personal_kind("", term)
        if kind:
            found = found | queryset.filter(address_hash__in=lookup_hashes(kind, term))
        return found, may_have_duplicates
